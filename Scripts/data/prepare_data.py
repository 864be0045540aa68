"""Prepare SecondPass corpora into Data/: extract, normalise, split, and record provenance.

Idempotent and resumable: each step records its outputs with checksums in Data/.steps/<step>.json
and is skipped when that record matches the files on disk. Every file is written atomically.
Usage: prepare_data.py --data DIR [--force]
"""

import argparse
import datetime
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sources  # noqa: E402
from normalize import normalize_paragraph, normalize_sentence  # noqa: E402

WHEELS = {"gensim": "4.4.0", "chatterbot-corpus": "1.3.3"}
WIKI_MEMBER = "gensim/test/test_data/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
SWORD_MODULE = "/usr/share/sword/modules/texts/ztext/engWEB2015eb"
KJV_MODULE = "/usr/share/sword/modules/texts/ztext/engKJV2006eb"
GCIDE_DICT = "/usr/share/dictd/gcide.dict.dz"
LIBRIVOX_TRANSCRIPTION = "/usr/share/pocketsphinx/test/data/librivox/transcription"
DEBIAN_PACKAGES = [
    "sword-text-web", "r-cran-janeaustenr", "r-cran-tokenizers", "r-cran-stringr", "pocketsphinx-testdata",
    "r-base-core", "sword-text-kjv", "dict-gcide",
]
# General sources of the first corpus: their sentences make general/{train,valid}.txt as before.
GENERAL_SOURCES = ("bible", "wikipedia", "mobydick", "harvard")
# Period English added later: their held-out sentences go to general/valid-added.txt, so that
# general/valid.txt (the learning curves of earlier base models) stays byte for byte the same.
ADDED_SOURCES = ("kjv", "gcide")
# A sentence of an added source sharing this many consecutive words with a test-region sentence is
# removed (GCIDE quotes novels, Austen among them, often as a fragment of the sentence).
PROTECTED_NGRAM = 6
# ... and so is a shorter one (at least this many words) that occurs whole inside a test sentence.
PROTECTED_MIN_WORDS = 4
NOVELS = ["sensesensibility", "prideprejudice", "mansfieldpark", "emma", "northangerabbey", "persuasion"]
CHATTERBOT_SKIP = {"coding"}  # source code listings, not conversation
TEST_FRACTION = 0.9  # elements with index >= floor(0.9 * count) are the test region
DEV_FRACTION = 0.85  # elements in [floor(0.85 * count), floor(0.9 * count)) are the dev set
GENERAL_VALID_PERCENT = 3  # general sentences whose SHA-256 bucket (mod 100) is below this are valid
# Bumped when a step's code changes what it writes, so a Data/ made by older code is redone even
# though its files still match their checksums (version 2: KJV and GCIDE added).
STEP_VERSIONS = {"wheels": 1, "raw": 2, "split": 2}


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_atomic(path: str, text: str) -> None:
    """Write a file through a temporary sibling and rename, so readers never see a partial file."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def write_lines(path: str, lines: list[str]) -> None:
    write_atomic(path, "".join(line + "\n" for line in lines))


def read_lines(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return f.read().split("\n")[:-1]


class Steps:
    """Records finished steps and their outputs so a re-run skips them (and redoes damaged ones)."""

    def __init__(self, data: str, force: bool):
        self.data = data
        self.force = force
        self.dir = os.path.join(data, ".steps")

    def done(self, name: str) -> bool:
        record = os.path.join(self.dir, name + ".json")
        if self.force or not os.path.exists(record):
            return False
        with open(record) as f:
            recorded = json.load(f)
        if recorded.get("version", 1) != STEP_VERSIONS[name]:
            print(f"step {name}: made by an older version of this script; redoing", file=sys.stderr)
            return False
        outputs = recorded["outputs"]
        for rel, digest in outputs.items():
            path = os.path.join(self.data, rel)
            if not os.path.exists(path) or sha256(path) != digest:
                print(f"step {name}: {rel} missing or changed; redoing", file=sys.stderr)
                return False
        return True

    def finish(self, name: str, outputs: list[str]) -> None:
        rels = {os.path.relpath(p, self.data): sha256(p) for p in outputs}
        record = {"version": STEP_VERSIONS[name], "outputs": rels}
        write_atomic(os.path.join(self.dir, name + ".json"), json.dumps(record, indent=1))


def step_wheels(data: str, python: str) -> list[str]:
    """Download the pinned PyPI wheels (no dependencies) into Data/cache/wheels."""
    cache = os.path.join(data, "cache", "wheels")
    os.makedirs(cache, exist_ok=True)
    paths = []
    for name, version in WHEELS.items():
        prefix = name.replace("-", "_") + "-" + version + "-"
        found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
        if not found:
            subprocess.run(
                [python, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--dest", cache,
                 f"{name}=={version}"],
                check=True,
            )
            found = [f for f in os.listdir(cache) if f.startswith(prefix) and f.endswith(".whl")]
        if len(found) != 1:
            raise SystemExit(f"expected one wheel {prefix}*.whl in {cache}, found {found}")
        path = os.path.join(cache, found[0])
        zipfile.ZipFile(path).testzip()
        paths.append(path)
    return paths


def wheel_path(data: str, name: str) -> str:
    cache = os.path.join(data, "cache", "wheels")
    prefix = name.replace("-", "_") + "-" + WHEELS[name] + "-"
    return os.path.join(cache, next(f for f in sorted(os.listdir(cache)) if f.startswith(prefix)))


def step_raw(data: str) -> list[str]:
    """Extract raw text: paragraphs per line for general sources, R vectors verbatim for Austen."""
    raw = os.path.join(data, "raw")
    outputs = []

    def emit(rel: str, lines: list[str]) -> None:
        path = os.path.join(raw, rel)
        write_lines(path, lines)
        outputs.append(path)

    emit("bible.txt", sources.bible_paragraphs(SWORD_MODULE))
    emit("wikipedia.txt", sources.wikipedia_paragraphs(wheel_path(data, "gensim"), WIKI_MEMBER))
    emit("mobydick.txt", sources.lines_to_paragraphs(
        [line for text in sources.r_character_vector("tokenizers::mobydick", "tokenizers") for line in text.split("\n")]
    ))
    emit("harvard.txt", sources.r_character_vector("stringr::sentences", "stringr"))
    emit("kjv.txt", sources.bible_paragraphs(KJV_MODULE))
    emit("gcide.txt", [quotation for quotation, _ in sources.gcide_quotations(GCIDE_DICT)])
    for novel in NOVELS:
        emit(f"austen/{novel}.txt", sources.r_character_vector(f"get('{novel}')", "janeaustenr"))
    conversations = sources.chatterbot_conversations(wheel_path(data, "chatterbot-corpus"), CHATTERBOT_SKIP)
    emit("conversation.jsonl", [json.dumps({"topic": t, "turns": turns}, ensure_ascii=False) for t, turns in conversations])
    return outputs


def librivox_sentences() -> list[str]:
    """The five LibriVox Sense and Sensibility transcripts (normalised) that must never be trained on."""
    result = []
    for line in read_lines(LIBRIVOX_TRANSCRIPTION):
        text = re.sub(r"\([^)]*\)\s*$", "", line).replace("<s>", "").replace("</s>", "")
        normalized = normalize_sentence(text)
        if normalized:
            result.append(normalized)
    return sorted(set(result))


LIBRIVOX_NGRAM = 6


def ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def librivox_matcher(transcripts: list[str]):
    """A predicate true for sentences sharing any 6-word sequence with a LibriVox transcript.

    Exact equality is not enough: the transcripts differ from the book's wording ("might be
    prudently" for "might prudently be", a repeated "a") and the book joins two of them in one
    sentence, so any shared 6-gram excludes a sentence (a few unrelated ones go too; that is safe).
    """
    grams = set()
    for t in transcripts:
        grams |= ngrams(t.split(), LIBRIVOX_NGRAM)

    def matches(sentence: str) -> bool:
        return not grams.isdisjoint(ngrams(sentence.split(), LIBRIVOX_NGRAM))

    return matches


def protected_matcher(sentences: set[str]):
    """A predicate true for sentences that share a 6-word sequence with a protected sentence, or
    that (with 4 or 5 words) occur whole inside one: a quotation is often part of a sentence."""
    grams: set[tuple[str, ...]] = set()
    for s in sentences:
        words = s.split()
        for n in range(PROTECTED_MIN_WORDS, PROTECTED_NGRAM + 1):
            grams |= ngrams(words, n)

    def matches(sentence: str) -> bool:
        words = sentence.split()
        if len(words) < PROTECTED_MIN_WORDS:
            return False
        if len(words) < PROTECTED_NGRAM:
            return tuple(words) in grams
        return not grams.isdisjoint(ngrams(words, PROTECTED_NGRAM))

    return matches


def hash_bucket(text: str) -> int:
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16) % 100


def step_split(data: str) -> tuple[list[str], dict]:
    """Normalise and split all corpora; remove from training any test-region or LibriVox sentence."""
    raw = os.path.join(data, "raw")
    stats: dict = {"austen": {}}
    librivox = librivox_sentences()
    is_librivox = librivox_matcher(librivox)

    # Austen: regions by element index of each novel's R vector, paragraphs never straddle regions.
    austen = {"train": [], "dev": [], "test": []}
    per_novel = {}
    for novel in NOVELS:
        elements = read_lines(os.path.join(raw, "austen", novel + ".txt"))
        count = len(elements)
        dev_start, test_start = int(DEV_FRACTION * count), int(TEST_FRACTION * count)
        regions = {
            "train": elements[:dev_start], "dev": elements[dev_start:test_start], "test": elements[test_start:],
        }
        per_novel[novel] = {}
        for region, lines in regions.items():
            sentences = [s for p in sources.lines_to_paragraphs(lines) for s in normalize_paragraph(p)]
            per_novel[novel][region] = sentences
            austen[region].extend(sentences)
        stats["austen"][novel] = {"elements": count, "dev_start": dev_start, "test_start": test_start}

    # Conversation: whole conversations go to one split, chosen by a hash of their first turn.
    conversation = {"train": [], "dev": [], "test": []}
    for line in read_lines(os.path.join(raw, "conversation.jsonl")):
        record = json.loads(line)
        turns = [t for t in record["turns"] if "```" not in t]
        if not turns:
            continue
        bucket = hash_bucket(normalize_sentence(turns[0]))
        split = "test" if bucket < 5 else "dev" if bucket < 10 else "train"
        for turn in turns:
            conversation[split].extend(
                s for p in sources.lines_to_paragraphs(turn.split("\n")) for s in normalize_paragraph(p)
            )

    # General: every paragraph of every source, split per sentence by a hash bucket.
    general = {"train": [], "valid": [], "valid-added": []}
    general_sources = {}
    added = {"train": [], "valid-added": []}
    for name in GENERAL_SOURCES + ADDED_SOURCES:
        sentences = [s for p in read_lines(os.path.join(raw, name + ".txt")) for s in normalize_paragraph(p)]
        general_sources[name] = len(sentences)
        valid = "valid" if name in GENERAL_SOURCES else "valid-added"
        for s in sentences:
            split = valid if hash_bucket(s) < GENERAL_VALID_PERCENT else "train"
            if name in GENERAL_SOURCES:
                general[split].append(s)
            else:
                added[split].append((name, s))

    # Protected sentences: the test regions (never trained or tuned on) and the LibriVox transcripts.
    protected = set(austen["test"]) | set(conversation["test"])
    removed = {}

    def clean(name: str, lines: list[str], also: set[str] = frozenset()) -> list[str]:
        kept = [
            s for s in lines
            if s not in protected and s not in also and not is_librivox(s)
        ]
        removed[name] = len(lines) - len(kept)
        return kept

    general["valid"] = clean("general/valid", general["valid"])
    # Added sources also lose sentences overlapping a test region in part (quotations are fragments).
    overlaps = protected_matcher(protected)
    for split, lines in added.items():
        for name in ADDED_SOURCES:
            from_source = [s for source, s in lines if source == name]
            kept = [s for s in from_source if not overlaps(s)]
            removed[f"general/{split} ({name}, part of a test sentence)"] = len(from_source) - len(kept)
            general[split].extend(kept)
    general["train"] = clean("general/train", general["train"])
    general["valid-added"] = clean("general/valid-added", general["valid-added"])
    austen["train"] = clean("austen/train", austen["train"], set(austen["dev"]))
    austen["dev"] = clean("austen/dev", austen["dev"])
    conversation["train"] = clean("conversation/train", conversation["train"], set(conversation["dev"]))
    conversation["dev"] = clean("conversation/dev", conversation["dev"])

    outputs = []

    def emit(rel: str, lines: list[str]) -> None:
        path = os.path.join(data, rel)
        write_lines(path, lines)
        outputs.append(path)

    for split, lines in general.items():
        emit(f"general/{split}.txt", lines)
    for split, lines in austen.items():
        emit(f"austen/{split}.txt", lines)
    for novel in NOVELS:
        emit(f"austen/test/{novel}.txt", per_novel[novel]["test"])
    for split, lines in conversation.items():
        emit(f"conversation/{split}.txt", lines)
    emit("excluded/librivox.txt", librivox)
    stats["general_sentences_per_source"] = general_sources
    stats["removed_from_training"] = removed
    write_atomic(os.path.join(data, "split-stats.json"), json.dumps(stats, indent=1))
    outputs.append(os.path.join(data, "split-stats.json"))
    return outputs, stats


def debian_version(package: str) -> str:
    out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"Debian package {package} is not installed (Scripts/deps/data.apt)")
    return out.stdout


def counts(path: str) -> dict:
    lines = read_lines(path)
    return {"lines": len(lines), "words": sum(len(l.split()) for l in lines), "sha256": sha256(path)}


def write_provenance(data: str) -> None:
    files = {}
    for root, _, names in os.walk(data):
        if "/cache" in root[len(data):] or "/.steps" in root[len(data):]:
            continue
        for name in sorted(names):
            if name.endswith(".txt") or name.endswith(".jsonl"):
                path = os.path.join(root, name)
                files[os.path.relpath(path, data)] = counts(path)
    wheels = {}
    for name in WHEELS:
        path = wheel_path(data, name)
        wheels[name] = {"version": WHEELS[name], "file": os.path.basename(path), "sha256": sha256(path)}
    with open(os.path.join(data, "split-stats.json")) as f:
        stats = json.load(f)
    provenance = {
        "generated": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "debian_packages": {p: debian_version(p) for p in DEBIAN_PACKAGES},
        "pypi_wheels": wheels,
        "steps": [
            "wheels: pip download --no-deps --only-binary=:all: " + " ".join(f"{k}=={v}" for k, v in WHEELS.items()),
            f"raw/bible.txt: SWORD zText {SWORD_MODULE} (ot, nt), OSIS notes and titles dropped, one chapter per line",
            f"raw/kjv.txt: the same from {KJV_MODULE} (King James Version)",
            f"raw/gcide.txt: literary quotations of {GCIDE_DICT} (1913 Webster), citations and markup dropped",
            f"raw/wikipedia.txt: {WIKI_MEMBER} from the gensim wheel, main-namespace articles, markup stripped",
            "raw/mobydick.txt: tokenizers::mobydick, paragraphs; raw/harvard.txt: stringr::sentences",
            "raw/austen/<novel>.txt: janeaustenr vectors, one element per line (index = line number - 1)",
            "raw/conversation.jsonl: chatterbot-corpus english/*.yml except coding.yml",
            "split: Docs/data.md rules (normalise, split, remove test-region and LibriVox sentences from training)",
        ],
        "split_rules": {
            "austen_test": "0-based element index >= floor(0.9 * count)",
            "austen_dev": "floor(0.85 * count) <= index < floor(0.9 * count)",
            "conversation": "by SHA-256 of the normalised first turn: bucket mod 100 < 5 test, < 10 dev",
            "general_valid": f"SHA-256 bucket of the sentence mod 100 < {GENERAL_VALID_PERCENT}"
            f" ({', '.join(GENERAL_SOURCES)}; the same bucket of {', '.join(ADDED_SOURCES)} is general/valid-added)",
            "added_sources_decontamination": f"sentences sharing a {PROTECTED_NGRAM}-word sequence with a test"
            f" sentence, or of {PROTECTED_MIN_WORDS}+ words inside one, are removed",
        },
        "stats": stats,
        "files": files,
    }
    write_atomic(os.path.join(data, "PROVENANCE.json"), json.dumps(provenance, indent=1, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", required=True, help="output folder (git-ignored Data/)")
    parser.add_argument("--force", action="store_true", help="redo every step")
    args = parser.parse_args()
    data = os.path.abspath(args.data)
    os.makedirs(data, exist_ok=True)
    steps = Steps(data, args.force)
    for package in DEBIAN_PACKAGES:
        debian_version(package)
    if not steps.done("wheels"):
        steps.finish("wheels", step_wheels(data, sys.executable))
    print("wheels: ok", flush=True)
    if not steps.done("raw"):
        steps.finish("raw", step_raw(data))
    print("raw: ok", flush=True)
    if not steps.done("split"):
        outputs, _ = step_split(data)
        steps.finish("split", outputs)
    print("split: ok", flush=True)
    write_provenance(data)
    print(f"wrote {os.path.join(data, 'PROVENANCE.json')}", flush=True)


if __name__ == "__main__":
    main()
