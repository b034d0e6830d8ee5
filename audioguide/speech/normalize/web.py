"""Web and e-mail addresses, read so a listener can write them down.

A voice reads "www.nih.gov/pain" as a word salad, and the punctuation that
carries the address (dots, slashes, at) is what it drops. Runs before the
lexicon, so "nih" or "com" are never expanded as acronyms, and before every
number rule, so digits in an address are read one by one. The sentence
splitter uses :data:`URL_PATTERN` to keep an address in one sentence.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import SPOKEN_LABELS, TLDS, URL_SYMBOLS, WORD_LABELS
from audioguide.speech.numwords import digits

_URL_RE = re.compile(
    r"(?<![\w@.-])(?:(?:https?|ftp)://\S+|www\.\S+"
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+(?:{'|'.join(TLDS)})(?![\w@-])(?:[/?#]\S*)?)",
    re.IGNORECASE,
)
URL_PATTERN = _URL_RE  # a web address: the sentence splitter keeps one whole
_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w@])")


def _say_label(label: str) -> str:
    """One piece of an address: a word, spelled letters, or digits."""
    lower = label.lower()
    if lower in SPOKEN_LABELS:
        return SPOKEN_LABELS[lower]
    words = []
    for part in re.findall(r"\d+|\D+", lower):
        if part.isdigit():
            words.append(digits(part))
        elif part in WORD_LABELS or (len(part) > 3 and re.search(r"[aeiouy]", part)):
            words.append(part)
        else:
            words.append(" ".join(part))
    return " ".join(words)


def _say_address(address: str) -> str:
    """Read a URL or e-mail piece by piece."""
    tokens = re.findall(r"[A-Za-z0-9]+|.", address)
    words = []
    for token in tokens:
        if token in URL_SYMBOLS:
            words.append(URL_SYMBOLS[token])
        elif token.isalnum():
            words.append(_say_label(token))
    return " ".join(words)


def _split_trailing(url: str) -> tuple[str, str]:
    """A URL without sentence punctuation or an unmatched ")" at its end."""
    trail = ""
    while url and url[-1] in ".,;:!?'\")]":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    return url, trail


def read_web_addresses(text: str) -> str:
    """URLs and e-mail addresses read so a listener can write them down.

    "www.example.com/pain" -> "w w w dot example dot com slash pain";
    "info@clinic.org" -> "info at clinic dot org". "http://"/"https://" are
    left out (browsers add them), as is a trailing "/". Everything is read in
    lower case; a piece of three letters or fewer ("nih", "edu") or without a
    vowel is spelled, except common words ("com", "org", "gov", "my");
    digits are read one by one.
    """

    def email(match: re.Match[str]) -> str:
        return _say_address(match.group(0))

    def url(match: re.Match[str]) -> str:
        address, trail = _split_trailing(match.group(0))
        address = re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE).rstrip("/")
        return _say_address(address) + trail

    text = _EMAIL_RE.sub(email, text)
    return _URL_RE.sub(url, text)
