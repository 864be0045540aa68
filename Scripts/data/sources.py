"""Extractors that turn packaged corpora (Debian and PyPI) into plain-text paragraphs.

Each extractor returns a list of paragraphs of written text (not yet normalised); the R-based ones
return the exact R character vector, one element per entry, because split rules index into it.
"""

import bz2
import gzip
import html
import re
import struct
import subprocess
import xml.etree.ElementTree as ET
import zipfile
import zlib


# --- SWORD zText (World English Bible) -----------------------------------------------------------

def read_ztext(module_dir: str, testament: str) -> list[str]:
    """Read every verse of one testament ("ot" or "nt") of a SWORD zText module, as raw OSIS."""
    with open(f"{module_dir}/{testament}.bzs", "rb") as f:
        bzs = f.read()
    with open(f"{module_dir}/{testament}.bzv", "rb") as f:
        bzv = f.read()
    with open(f"{module_dir}/{testament}.bzz", "rb") as f:
        bzz = f.read()
    if len(bzs) % 12 != 0 or len(bzv) % 10 != 0:
        raise ValueError(f"{module_dir}/{testament}: index sizes {len(bzs)}, {len(bzv)} are not whole entries")
    blocks = [struct.unpack_from("<III", bzs, i) for i in range(0, len(bzs), 12)]
    cache: dict[int, bytes] = {}
    verses = []
    for i in range(0, len(bzv), 10):
        block, offset, size = struct.unpack_from("<IIH", bzv, i)
        if size == 0:
            continue
        if block >= len(blocks):
            raise ValueError(f"{testament}.bzv entry {i // 10} names block {block} of {len(blocks)}")
        if block not in cache:
            start, compressed, expected = blocks[block]
            data = zlib.decompress(bzz[start : start + compressed])
            if len(data) != expected:
                raise ValueError(f"{testament} block {block}: {len(data)} bytes, index says {expected}")
            cache[block] = data
        verses.append(cache[block][offset : offset + size].decode("utf-8"))
    return verses


def osis_to_text(osis: str) -> str:
    """Strip OSIS markup from a verse: notes and titles are dropped with their content, tags removed."""
    text = re.sub(r"<note\b[^>]*>.*?</note>", " ", osis, flags=re.DOTALL)
    text = re.sub(r"<title\b[^>]*>.*?</title>", " ", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(text)


def bible_paragraphs(module_dir: str) -> list[str]:
    """The World English Bible as paragraphs: one per chapter (verses joined), front matter included."""
    paragraphs = []
    for testament in ("ot", "nt"):
        current: list[str] = []
        for verse in read_ztext(module_dir, testament):
            if "<chapter " in verse and current:
                paragraphs.append(" ".join(current))
                current = []
            text = osis_to_text(verse).strip()
            if text:
                current.append(text)
        if current:
            paragraphs.append(" ".join(current))
    return paragraphs


# --- GCIDE (the 1913 Webster, Debian dict-gcide) ---------------------------------------------------

# A citation that closes a quotation: whitespace, "--", then an author or a book (capital or digit).
GCIDE_CITATION = re.compile(r"\s--(?=[A-Z0-9])")
# GCIDE's ASCII spellings of accented letters and ligatures: [=a] macron, ["e] diaeresis, [ae] ...
GCIDE_LETTER = re.compile(r"\[[=\"`'^~.,]?([A-Za-z]{1,2})[=\"`'^~,]?\]")
# A letter the dictd rendering could not represent comes out as "?" inside or at the start of a word.
GCIDE_LOST_LETTER = re.compile(r"\?\w")


def gcide_quotations(dict_path: str) -> list[tuple[str, str]]:
    """The literary quotations of the GCIDE dictd file as (quotation text, citation) pairs.

    In the dictd rendering a quotation is a paragraph (after a blank line) indented at least nine
    columns, closed by its citation ("--Milton.", at the end of the last line or right-aligned on
    lines of its own) and followed by a less indented source tag such as "[1913 Webster]".
    Definitions (indent 3 or 6) and headwords (indent 0) are never taken, nor paragraphs without a
    citation (licence text and gazetteer entries are indented the same way). Markup is dropped:
    {cross references} and [editorial insertions] keep their words, letter codes such as [=a] become
    the letter, and a quotation holding an unrepresentable letter ("?" before a word character) is
    skipped whole, because its words would be split wrongly.
    """
    with gzip.open(dict_path) as f:
        lines = f.read().decode("latin-1").split("\n")

    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    quotations = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts = line.strip() and (i == 0 or not lines[i - 1].strip()) and indent(line) >= 9
        if not starts or line.strip().startswith("--"):
            i += 1
            continue
        column = indent(line)
        body: list[str] = []
        citation: list[str] = []
        j = i
        while j < len(lines) and lines[j].strip() and indent(lines[j]) >= column:
            text = lines[j][column:]
            if citation or (indent(lines[j]) >= 30 and text.strip().startswith("--")):
                citation.append(text.strip())
            elif match := GCIDE_CITATION.search(text):
                body.append(text[: match.start()].strip())
                citation.append(text[match.start() :].strip())
            else:
                body.append(text.strip())
            j += 1
        i = j
        quotation = " ".join(body)
        if not citation or not quotation or GCIDE_LOST_LETTER.search(quotation):
            continue
        quotation = GCIDE_LETTER.sub(lambda m: m.group(1), quotation)
        quotation = re.sub(r"[{}\[\]]", "", quotation)
        quotations.append((quotation, " ".join(citation)[2:]))
    return quotations


# --- Wikipedia sample (gensim wheel) --------------------------------------------------------------

def strip_nested(text: str, opener: str, closer: str) -> str:
    """Remove balanced, possibly nested spans such as {{templates}} or {| tables |}."""
    out = []
    depth = 0
    i = 0
    while i < len(text):
        if text.startswith(opener, i):
            depth += 1
            i += len(opener)
        elif depth and text.startswith(closer, i):
            depth -= 1
            i += len(closer)
        else:
            if depth == 0:
                out.append(text[i])
            i += 1
    return "".join(out)


def strip_links(text: str) -> str:
    """Replace [[target|label]] by label and [[target]] by target; drop file, image and category links."""
    out = []
    i = 0
    while True:
        j = text.find("[[", i)
        if j < 0:
            out.append(text[i:])
            break
        out.append(text[i:j])
        depth, k = 0, j
        while k < len(text):
            if text.startswith("[[", k):
                depth += 1
                k += 2
            elif text.startswith("]]", k):
                depth -= 1
                k += 2
                if depth == 0:
                    break
            else:
                k += 1
        inner = text[j + 2 : k - 2]
        namespace = inner.split(":", 1)[0].strip().lower() if ":" in inner else ""
        if namespace in {"file", "image", "category", "media"} or (len(namespace) in (2, 3) and namespace.isalpha()):
            pass  # File/image/category links and interlanguage links carry no running text.
        else:
            out.append(strip_links(inner.split("|")[-1]))
        i = k
    return "".join(out)


def wiki_markup_to_paragraphs(markup: str) -> list[str]:
    """Convert one article's wiki markup to running-text paragraphs (lists, headings, tables dropped)."""
    text = html.unescape(markup)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"<ref\b[^>/]*/>", "", text)
    text = re.sub(r"<ref\b[^>]*>.*?</ref>", "", text, flags=re.DOTALL)
    text = re.sub(r"<(math|gallery|timeline|code|pre|source|syntaxhighlight)\b.*?</\1>", "", text, flags=re.DOTALL)
    text = strip_nested(text, "{{", "}}")
    text = strip_nested(text, "{|", "|}")
    text = strip_links(text)
    text = re.sub(r"\[(?:https?|ftp)://\S+\s+([^\]]*)\]", r"\1", text)
    text = re.sub(r"\[(?:https?|ftp)://\S+\]", "", text)
    text = re.sub(r"(?:https?|ftp)://\S+", "", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = text.replace("'''", "").replace("''", "")
    paragraphs = []
    for line in text.split("\n"):
        line = line.strip()
        if not line or line[0] in "*#:;|!{=_" or line.startswith("----"):
            continue
        if len(line.split()) < 4:
            continue
        paragraphs.append(line)
    return paragraphs


def wikipedia_paragraphs(wheel: str, member: str) -> list[str]:
    """Articles (main namespace, no redirects) of the bz2 MediaWiki dump inside the gensim wheel."""
    with zipfile.ZipFile(wheel) as archive:
        raw = bz2.decompress(archive.read(member))
    paragraphs = []
    root = ET.fromstring(raw)
    for page in root.iter():
        if not page.tag.endswith("}page"):
            continue
        ns = next((c.text for c in page if c.tag.endswith("}ns")), "0")
        redirect = any(c.tag.endswith("}redirect") for c in page)
        if ns != "0" or redirect:
            continue
        for text in page.iter():
            if text.tag.endswith("}text") and text.text:
                paragraphs.extend(wiki_markup_to_paragraphs(text.text))
    return paragraphs


# --- R packages ------------------------------------------------------------------------------------

def r_character_vector(expression: str, library: str) -> list[str]:
    """Evaluate an R expression yielding a character vector; one list entry per element (NA -> "")."""
    script = (
        f"suppressMessages(library({library})); x <- {expression}; x[is.na(x)] <- ''; "
        "x <- gsub('[\\r\\n]+', ' ', enc2utf8(x)); "
        "cat(length(x), '\\n', sep=''); writeLines(x, useBytes=TRUE)"
    )
    out = subprocess.run(["Rscript", "-e", script], check=True, capture_output=True).stdout.decode("utf-8")
    header, _, body = out.partition("\n")
    count = int(header)
    lines = body.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != count:
        raise ValueError(f"{expression}: R reported {count} elements, read {len(lines)}")
    return lines


def lines_to_paragraphs(lines: list[str]) -> list[str]:
    """Join wrapped lines into paragraphs separated by empty lines."""
    paragraphs, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


# --- chatterbot-corpus (PyPI) -----------------------------------------------------------------------

def chatterbot_conversations(wheel: str, skip: set[str]) -> list[tuple[str, list[str]]]:
    """English conversations of the chatterbot-corpus wheel: (file stem, turns) in archive order."""
    import yaml

    conversations = []
    with zipfile.ZipFile(wheel) as archive:
        names = sorted(
            n for n in archive.namelist() if n.startswith("chatterbot_corpus/data/english/") and n.endswith(".yml")
        )
        for name in names:
            stem = name.rsplit("/", 1)[1][: -len(".yml")]
            if stem in skip:
                continue
            document = yaml.safe_load(archive.read(name))
            for turns in document.get("conversations") or []:
                conversations.append((stem, [str(t) for t in turns if t is not None]))
    return conversations
