"""Text normalisation for SecondPass corpora: sentence splitting and ASR-style word normalisation.

The rules (documented in Docs/data.md) turn written English into the form an ASR first pass emits:
lower-case words and apostrophes only, numbers spelled out, one sentence per line.
"""

import re
import unicodedata

# Abbreviations whose trailing period does not end a sentence (compared lower-cased, without the dot).
ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "rev", "col", "gen", "capt", "lt", "sgt",
    "messrs", "mme", "mlle", "hon", "esq", "vs", "etc", "no", "vol", "ch", "fig", "approx", "ca",
    "e.g", "i.e", "cf", "viz", "mt", "ft", "co", "inc", "ltd", "u.s", "u.k", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
}

# Words that abbreviations expand to when they are spoken (before punctuation is dropped).
SPOKEN_ABBREVIATIONS = {
    "mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "messrs": "messieurs",
    "capt": "captain", "col": "colonel", "prof": "professor", "rev": "reverend", "lt": "lieutenant",
    "sgt": "sergeant", "jr": "junior", "sr": "senior", "vs": "versus", "mt": "mount", "etc": "et cetera",
}

ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]
TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
SCALES = [(10**9, "billion"), (10**6, "million"), (1000, "thousand")]
ORDINAL_IRREGULAR = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}


def cardinal(n: int) -> str:
    """Spell a non-negative integer below 10**12 as English words ("one hundred twenty three")."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + cardinal(rest))
    for value, name in SCALES:
        if n >= value:
            rest = n % value
            return cardinal(n // value) + " " + name + ("" if rest == 0 else " " + cardinal(rest))
    raise ValueError(n)


def ordinal(n: int) -> str:
    """Spell an integer as an ordinal ("twenty first")."""
    words = cardinal(n).split(" ")
    last = words[-1]
    if last in ORDINAL_IRREGULAR:
        words[-1] = ORDINAL_IRREGULAR[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def year(n: int) -> str:
    """Spell a four-digit year the way it is read aloud ("eighteen eleven", "nineteen hundred")."""
    high, low = divmod(n, 100)
    if low == 0:
        return cardinal(high) + " hundred"
    if low < 10:
        return cardinal(high) + " oh " + cardinal(low)
    return cardinal(high) + " " + cardinal(low)


def spell_number(token: str) -> str:
    """Spell one numeric token: integers (with thousands commas), decimals, ordinals, years."""
    m = re.fullmatch(r"(\d+)(st|nd|rd|th)", token)
    if m:
        return ordinal(int(m.group(1)))
    m = re.fullmatch(r"(\d+)s", token)
    if m:
        spelled = spell_number(m.group(1))
        return spelled[:-1] + "ies" if spelled.endswith("y") else spelled + "s"
    m = re.fullmatch(r"(\d+)\.(\d+)", token)
    if m:
        return spell_number(m.group(1)) + " point " + " ".join(ONES[int(d)] for d in m.group(2))
    digits = token.replace(",", "")
    if len(digits) > 12:
        return " ".join(ONES[int(d)] for d in digits)
    value = int(digits)
    if len(digits) == 4 and "," not in token and (1100 <= value <= 1999 or 2010 <= value <= 2099):
        return year(value)
    if len(digits) > 1 and digits.startswith("0"):
        return " ".join(ONES[int(d)] for d in digits)
    return cardinal(value)


NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:st|nd|rd|th|s)\b|\d+\.\d+|\d+")
APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def normalize_sentence(text: str) -> str:
    """Normalise one written sentence to ASR form: lower-case words and apostrophes, single spaces.

    Returns the empty string when nothing speakable is left.
    """
    text = text.translate(APOSTROPHES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("&", " and ").replace("%", " percent ")
    # Spoken forms of abbreviations such as "Mr." (only with the dot, or as a whole word before a name).
    text = re.sub(
        r"\b(" + "|".join(SPOKEN_ABBREVIATIONS) + r")\.",
        lambda m: SPOKEN_ABBREVIATIONS[m.group(1).lower()] + " ",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"\b(Mr|Mrs|Dr)\b", lambda m: SPOKEN_ABBREVIATIONS[m.group(1).lower()], text)
    text = NUMBER.sub(lambda m: " " + spell_number(m.group(0)) + " ", text)
    text = text.lower()
    # Keep letters a-z and apostrophes; everything else separates words.
    text = re.sub(r"[^a-z']+", " ", text)
    words = []
    for word in text.split():
        word = word.strip("'")
        if word:
            words.append(word)
    return " ".join(words)


SENTENCE_END = re.compile(r"""([.!?]+)(["'\u201d\u2019)\]]*)(\s+|$)""")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph of written text into sentences at ., ! and ? (not after abbreviations).

    A terminator ends a sentence when followed by whitespace or the end of the paragraph, and the
    next character is not lower case (so "said he? and then" stays one sentence), and the word
    before a single period is not an abbreviation or a single initial.
    """
    sentences = []
    start = 0
    for m in SENTENCE_END.finditer(paragraph):
        end = m.end()
        rest = paragraph[end:]
        if rest and rest[0].islower():
            continue
        if m.group(1) == ".":
            before = paragraph[start : m.start()].split()
            last = before[-1].lower().strip("\"'(\u201c\u2018") if before else ""
            if last in ABBREVIATIONS or (len(last) == 1 and last.isalpha()):
                continue
        sentences.append(paragraph[start:end].strip())
        start = end
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return [s for s in sentences if s]


def normalize_paragraph(paragraph: str) -> list[str]:
    """Split a paragraph into sentences and normalise each; drops sentences with no words."""
    result = []
    for sentence in split_sentences(paragraph):
        normalized = normalize_sentence(sentence)
        if normalized:
            result.append(normalized)
    return result
