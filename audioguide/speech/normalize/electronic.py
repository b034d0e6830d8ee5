"""Electronic tokens: web and e-mail addresses, paths and file names, read so a listener can write them down.

A voice reads "www.nih.gov/pain" as a word salad, and the punctuation that
carries the address (dots, slashes, at) is what it drops. In these tokens a
"." is "dot", a "/" is "slash" and a "-" is "dash", whatever they are
elsewhere. Read before the lexicon, so "nih" or "com" are never expanded as
acronyms, and before every number rule, so digits in an address are read one
by one. The sentence splitter keeps each of these tokens in one sentence
(:data:`URL_PATTERN`, :data:`FILE_NAME_PATTERN`, :data:`PATH_PATTERN`).
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.code import read_code, read_dotted_names, read_name, read_underscored_names
from audioguide.speech.normalize.tables import FILE_EXTENSIONS, SPOKEN_LABELS, TLDS, URL_SYMBOLS, WORD_LABELS
from audioguide.speech.normalize.tokens import PLACEHOLDER_CHARS, said
from audioguide.speech.numwords import digits

_URL_RE = re.compile(
    r"(?<![\w@.-])(?:(?:https?|ftp)://\S+|www\.\S+"
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+(?:{'|'.join(TLDS)})(?![\w@-])(?:[/?#]\S*)?)",
    re.IGNORECASE,
)
URL_PATTERN = _URL_RE  # a web address: the sentence splitter keeps one whole
_EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w@])")
EMAIL_PATTERN = _EMAIL_RE


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
        elif PLACEHOLDER_CHARS.fullmatch(token):
            words.append(token)  # an e-mail address inside it, read already
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


# A DOI: "10." and a registrant code, a slash, a suffix of any printable characters; with its label
# ("doi: 10.1080/...", "DOI 10.3238/...") or bare. Its own syntax: no other token starts "10.NNNN/".
_DOI_RE = re.compile(
    r"(?:(?<![\w.-])(?P<label>doi|DOI)(?P<colon>:?)\s*)?(?<![\w./])(?P<doi>10\.\d{4,9}/[^\s\"<>]+)"
)


def read_dois(text: str) -> str:
    """A DOI read as an address, so a listener can write it down or search for it.

    "doi: 10.18637/jss.v004.i01" -> "D O I: ten dot one eight six three seven slash j s s dot v
    zero zero four dot i zero one": "10" is the directory all DOIs share, the registrant code
    digit by digit, the suffix piece by piece as a web address's.
    """
    if "10." not in text:
        return text

    def doi(match: re.Match[str]) -> str:
        written, trail = _split_trailing(match.group("doi"))
        registrant, _, suffix = written[3:].partition("/")
        reading = f"ten dot {digits(registrant)} slash {_say_address(suffix)}"
        if match.group("label"):
            reading = f"D O I{match.group('colon')} {reading}"
        whole = match.group(0)[: len(match.group(0)) - len(trail)]
        return said("electronic", whole, reading) + trail

    return _DOI_RE.sub(doi, text)


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
        return said("electronic", match.group(0), _say_address(match.group(0)))

    def url(match: re.Match[str]) -> str:
        address, trail = _split_trailing(match.group(0))
        spoken = _say_address(re.sub(r"^(?:https?|ftp)://", "", address, flags=re.IGNORECASE).rstrip("/"))
        return said("electronic", address, spoken) + trail

    text = _EMAIL_RE.sub(email, text)
    return _URL_RE.sub(url, text)


# A path: "/etc/papersize", "/usr/local/src/", "~/.config". Not a rate ("7,000/µL" follows a digit)
# and not "and/or" (follows a letter).
PATH_PATTERN = re.compile(
    r"(?<![\w/.~)\]])(?:~|\.{1,2})?(?:/(?=[\w.+@-]*[A-Za-z])[\w+@-]+(?:\.[\w+@-]+)*)+/?(?![\w/])"
)
# A file name: "selections.txt", "gmPG2.py", "app.js", "rc.local" in a path; a dotfile: ".env".
FILE_NAME_PATTERN = re.compile(
    r"(?<![\w.@/\\-])(?:(?:[\w.-]+/)*[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:"
    + "|".join(FILE_EXTENSIONS)
    + r")|(?<![^\s\"'(])\.[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)*)(?![\w@-]|\.\w)"
)


def read_path(path: str) -> str:
    """ "/usr/lib" -> "slash usr slash lib": each name as written, a trailing slash left out."""
    trimmed = path.rstrip("/") or path
    said_path = read_name(trimmed.replace("~", " tilde "))
    return said_path.replace("  ", " ").strip()


def read_paths_and_files(text: str) -> str:
    """Paths and file names: "/etc/papersize" -> "slash etc slash papersize", ".env" -> "dot env"."""
    text = PATH_PATTERN.sub(lambda m: said("electronic", m.group(0), read_path(m.group(0))), text)
    return FILE_NAME_PATTERN.sub(lambda m: said("electronic", m.group(0), read_name(m.group(0))), text)


def read_electronic(text: str) -> str:
    """Code spans and options, then DOIs, web and e-mail addresses, paths and file names, then
    names joined by dots or underscores."""
    text = read_paths_and_files(read_web_addresses(read_dois(read_code(text))))
    return read_underscored_names(read_dotted_names(text))
