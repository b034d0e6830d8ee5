"""Written sentence -> what the speech engine should say.

:func:`normalize` applies small named rules, each a ``str -> str`` function,
in this order (earlier rules see the text as written, later ones see what
the earlier ones produced):

1. :func:`clean_characters` - smart quotes, dashes, ellipses, odd spaces,
   control characters, citation marks, HTML tags and symbols TTS reads badly (• ® ™ ©).
2. :func:`read_web_addresses` - URLs and e-mail addresses, said so a
   listener can write them down ("w w w dot example dot com slash pain").
3. :func:`read_phone_numbers` - phone numbers and extensions in digit groups.
4. the lexicon (:meth:`Lexicon.apply`): acronyms and the author's own words.
   ``[[phoneme]]`` readings are hidden from every later rule.
5. :func:`expand_abbreviations` - titles, Latin abbreviations, "no. 5".
   :func:`read_page_references` - "pp. 12-14", "p. 7".
   :func:`read_roman_numerals` - "stage II", "type I diabetes", "cranial nerve VII".
   :func:`read_dosing` - "q4h" -> "every four hours", "q.h.s.", "a.c.", "p.c.".
6. :func:`read_times` - "9:30 a.m." -> "nine thirty a.m.".
7. :func:`read_dates` - "March 3, 2024", "2024-03-03", "3/4/2024" (by the guide's locale).
   :func:`read_identifiers` - "PEP 602" digit by digit, "Form W-2"/"ICD-10" as written.
   :func:`read_dotted_numbers` - "3.11.2" -> "three point eleven point two".
   :func:`read_feet_inches` - "5'10\"" -> "five feet ten inches".
   :func:`read_slashes` - "he/she" -> "he or she", "GNU/Linux" -> "GNU slash Linux".
8. :func:`read_codes` - spine levels and letter-number codes ("L4-L5", "B12").
9. :func:`read_multipliers` - "2x daily", "3 x 5 cm".
10. :func:`read_money` - "$1.50", "$50-100".
    :func:`read_blood_pressure` - "BP 120/80", "120/80 mmHg" -> "one twenty over eighty".
11. :func:`read_percentages` - "20%", "10-20%".
12. :func:`read_units` - counts with units, singular or plural by the number.
    :func:`read_routes` - "5 mg PO" -> "five milligrams by mouth" (IV, IM, SC, SL, ...).
13. :func:`read_years` - years in context ("in 2023"), decades, year ranges;
    :func:`read_running_years` - "the 1989 Christmas holidays", "1989's".
14. :func:`read_ranges` - "2-3", "1–1 ½" -> "two to three", "one to one and a half".
15. :func:`read_fractions` - "½", "3/4", "1 1/2", "7/10", "120/80".
16. :func:`read_ordinals` - "1st", "22nd".
17. :func:`read_decimals` - "2.5", "0.5", ".5".
18. :func:`read_cardinals` - every integer left, negatives included.
19. :func:`read_symbols` - "&", "+", "<", "~", "/" between words, ...
20. :func:`tidy_spacing` - one space between words, none before punctuation.

The normalizer never drops a word: every rule either keeps a word or
replaces it with its reading. Readings it does not guess:

* a numeric date such as "3/4/2024" (March 4 or 3 April?) is read as
  written, "three slash four slash twenty twenty-four", unless the guide's
  locale (``locale: en-GB``) gives the order;
* "Do Not Use" abbreviations (see :mod:`audioguide.speech.donotuse`) stay as
  written, their digits read plainly ("5.0 mg" -> "five point zero
  milligrams", ".5 mg" -> "point five milligrams", "10 U" -> "ten U");
* a 7-digit "555-1234" is a phone number only after a cue ("call", "phone",
  "tel", "fax", "text", "dial", also "call Dr. Lee at", "call our desk on") or
  before an extension; otherwise it is a range;
* a 4-digit number is a year only in year context (after "in", "since",
  "by", a month, ... or in parentheses); elsewhere it is a cardinal.

Times keep "a.m."/"p.m." in dotted form, which the Piper voice reads as
letters; "a m" would be read "uh em".
"""

from __future__ import annotations

import contextvars
import logging
import re
import unicodedata
from collections.abc import Callable

from audioguide.speech import numwords
from audioguide.speech.lexicon import Lexicon
from audioguide.speech.numwords import GLYPHS, INT, NUMBER, UNSIGNED, cardinal, digits, spoken

logger = logging.getLogger(__name__)

Rule = Callable[[str], str]

# ---------------------------------------------------------------------------
# helpers


def _keeps_stop(text: str, end: int) -> bool:
    """True when an abbreviation's dot at ``text[end-1]`` ends the text (the sentence)."""
    return not text[end:].strip(" \"')]")


def _stop(match: re.Match[str]) -> str:
    """"." when the matched abbreviation's dot also ends the text, else ""."""
    if not match.group(0).endswith("."):
        return ""
    return "." if _keeps_stop(match.string, match.end()) else ""


# ---------------------------------------------------------------------------
# 1. characters

_SPACE_CHARS = dict.fromkeys(
    map(ord, "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"),
    " ",
)
_CHAR_MAP = {
    **_SPACE_CHARS,
    ord("\u200b"): " ",  # zero-width space: a word break
    **dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff\u00ad"), ""),
    **dict.fromkeys(map(ord, "‘’‚‛′"), "'"),
    **dict.fromkeys(map(ord, "“”„‟″«»"), '"'),
    **dict.fromkeys(map(ord, "‐‑"), "-"),
    ord("‒"): "–",
    ord("―"): "—",
    ord("…"): "...",
    ord("⁄"): "/",
    ord("℉"): "°F",
    ord("℃"): "°C",
    ord("№"): "No. ",
    ord("§"): " section ",
    **dict.fromkeys(map(ord, "→⇒➔➜"), ", "),
    **dict.fromkeys(map(ord, "•·●◦▪▫■□►▸‣⁃※†‡¶*®™©℠"), " "),
}
_KEEP_SYMBOLS = set("°$£€¢%&+<>=~±×÷≈≤≥@#/\\|^")
_NUMBERISH = rf"[\d{GLYPHS}]"


# HTML tags a source left in its text ("<kbd>Enter</kbd>", "<br>"): never read as
# "less than kbd greater than". Only tag-shaped runs: "x < 3 and y > 2" stays.
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s+[A-Za-z_:][^<>]{0,300})?\s*/?>")


def drop_html_tags(text: str) -> str:
    """ "Press <kbd>Enter</kbd>" -> "Press Enter": tags are markup, their text is read."""
    return _HTML_TAG_RE.sub(" ", text)


def clean_characters(text: str) -> str:
    """Plain ASCII punctuation, ordinary spaces, no stray symbols.

    Smart quotes become plain quotes; an en dash between numbers becomes a
    hyphen (a range, read later); an em dash, a spaced en dash or a spaced
    hyphen between words becomes ", "; "…" becomes "..."; control characters
    become spaces; footnote marks, bullets, ® ™ © and emoji are removed;
    numeric citations "[12]" are removed; HTML tags are dropped
    (:func:`drop_html_tags`).
    """
    text = drop_html_tags(text.translate(_CHAR_MAP))
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category == "Co" and 0xF0000 <= ord(ch) <= 0xFFFFD:
            out.append(ch)  # a placeholder of normalize(): see _Shelf
        elif category in ("Cf", "Co", "Cs", "Cn"):
            continue
        elif category == "So" and ch not in _KEEP_SYMBOLS:
            out.append(" ")
        else:
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"(?<=\d)\s?º", "°", text)
    # dashes
    text = re.sub(rf"(?<={_NUMBERISH})\s*–\s*(?=[\d$£€.{GLYPHS}])", "-", text)
    text = re.sub(r"\s*(?:—|--+)\s*", ", ", text)
    text = re.sub(r"\s+–\s+|\s+–|–\s+", ", ", text)
    text = text.replace("–", "-")
    text = re.sub(r"(?<=[A-Za-z,.;:!?'\")])\s+-\s+(?=[A-Za-z\"'(])", ", ", text)
    # ellipses and citations
    text = re.sub(r"\.\s\.\s\.", "...", text)
    text = re.sub(r"(?<!\[)\[\d+(?:\s*[,-]\s*\d+)*\](?!\])", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ,", ",", text)
    return re.sub(r"^[\s,]+", "", text).strip()


# ---------------------------------------------------------------------------
# 2. web addresses

_TLDS = "com|org|net|gov|edu|info|health|io|co|us|uk|ca|au|biz|care|clinic|mil|nz|ie"
_URL_RE = re.compile(
    r"(?<![\w@.-])(?:(?:https?|ftp)://\S+|www\.\S+"
    rf"|(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+(?:{_TLDS})(?![\w@-])(?:[/?#]\S*)?)",
    re.IGNORECASE,
)
URL_PATTERN = _URL_RE  # a web address: the sentence splitter keeps one whole
_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![\w@])"
)
_SPOKEN_LABELS = {"www": "w w w"}
# Short address pieces said as words; any other piece of 3 letters or fewer is spelled.
_WORD_LABELS = frozenset(
    "com org net gov info biz app web my go get new the and for of to us en pain med doc"
    " care spine back neck knee hip arm leg".split()
)
_URL_SYMBOLS = {
    ".": "dot",
    "/": "slash",
    "-": "dash",
    "_": "underscore",
    "@": "at",
    ":": "colon",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "+": "plus",
    "~": "tilde",
}


def _say_label(label: str) -> str:
    """One piece of an address: a word, spelled letters, or digits."""
    lower = label.lower()
    if lower in _SPOKEN_LABELS:
        return _SPOKEN_LABELS[lower]
    words = []
    for part in re.findall(r"\d+|\D+", lower):
        if part.isdigit():
            words.append(digits(part))
        elif part in _WORD_LABELS or (len(part) > 3 and re.search(r"[aeiouy]", part)):
            words.append(part)
        else:
            words.append(" ".join(part))
    return " ".join(words)


def _say_address(address: str) -> str:
    """Read a URL or e-mail piece by piece."""
    tokens = re.findall(r"[A-Za-z0-9]+|.", address)
    words = []
    for token in tokens:
        if token in _URL_SYMBOLS:
            words.append(_URL_SYMBOLS[token])
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


# ---------------------------------------------------------------------------
# 3. phone numbers

_EXT = r"(?:\s*,?\s*(?:ext\.?|extension|x)\s*(\d{1,6}))?"
_PHONE_FULL_RE = re.compile(
    r"(?<![\w.+-])(?:(\+?1)[-. ]?)?(?:\((\d{3})\)\s?|(\d{3})[-. ])(\d{3})[-. ](\d{4})(?![\w-])" + _EXT
)
_PHONE_LOCAL_RE = re.compile(r"(?<![\w.,/-])(\d{3})-(\d{4})(?![\w-])" + _EXT)
_PHONE_CUE_RE = re.compile(
    r"\b(?:call|calling|phone|telephone|tel|fax|text|texting|dial|contact|line|hotline)\b"
    r"(?:\W{0,3}(?:(?:us|them|him|her|me|the\s+\w+)\s+)?(?:at\s+|on\s+)?"
    r"|(?:\W+[\w.'’-]+){1,4}\s+(?:at|on)\s+)$",  # "call Dr. Lee at", "call our front desk on"
    re.IGNORECASE,
)
_CUE_WINDOW = 60  # characters before a number searched for a phone cue
_SHORT_NUMBER_RE = re.compile(r"(?<![\w.,$-])(911|988|[2-8]11)(?![\w-]|\.\d|,\d)(?!\s?%)")
_NOT_A_PHONE_AFTER = re.compile(r"\s?(?:%|mg|mcg|mL|ml|g|kg)\b")
_EXT_ALONE_RE = re.compile(r"\b(?:[Ee]xt\.?|[Ee]xtension)\s*(\d{1,6})\b")


def _phone_words(groups: list[str | None], extension: str | None) -> str:
    spoken_groups = [digits(g) for g in groups if g]
    out = ", ".join(spoken_groups)
    if extension:
        out += f", extension {digits(extension)}"
    return out


def read_phone_numbers(text: str) -> str:
    """Phone numbers in digit groups, and extensions.

    "(555) 123-4567 ext. 12" -> "five five five, one two three, four five six
    seven, extension one two"; "1-800-555-0199" -> "one, eight zero zero, ...";
    "911" -> "nine one one". A bare "555-1234" needs a cue word before it.
    """

    def full(match: re.Match[str]) -> str:
        country, area1, area2, exchange, line, ext = match.groups()
        country = country.lstrip("+") if country else None
        return _phone_words([country, area1 or area2, exchange, line], ext)

    def short(match: re.Match[str]) -> str:
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if match.group(1) == "911" or _PHONE_CUE_RE.search(before):
            return digits(match.group(1))
        return match.group(0)

    def local(match: re.Match[str]) -> str:
        exchange, line, ext = match.groups()
        before = match.string[max(0, match.start() - _CUE_WINDOW) : match.start()]
        if _NOT_A_PHONE_AFTER.match(match.string, match.end()):
            return match.group(0)
        if ext or _PHONE_CUE_RE.search(before):
            return _phone_words([exchange, line], ext)
        return match.group(0)

    text = _PHONE_FULL_RE.sub(full, text)
    text = _PHONE_LOCAL_RE.sub(local, text)
    text = _SHORT_NUMBER_RE.sub(short, text)
    return _EXT_ALONE_RE.sub(lambda m: f"extension {digits(m.group(1))}", text)


# ---------------------------------------------------------------------------
# 5. abbreviations

_ADDRESS_BEFORE = re.compile(r"\d+[A-Za-z]?\s+(?:[A-Z][\w'-]*\.?\s+){1,3}$")
_CAPITALIZED_BEFORE = re.compile(r"(?:^|\s)[A-Z][a-z][\w'-]*\s+$")
_NAME_AFTER = re.compile(r"\s*[A-Z]")

_SIMPLE_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(pattern), reading, keeps_stop)
    for pattern, reading, keeps_stop in (
        (r"(?<![\w.])[Ee]\.\s?g\.(?=\W|$)|(?<![\w.])[Ee]\.g(?!\w)", "for example", False),
        (r"(?<![\w.])[Ii]\.\s?e\.(?=\W|$)|(?<![\w.])[Ii]\.e(?!\w)", "that is", False),
        (r"(?<![\w.])etc\.", "et cetera", True),
        (r"(?<![\w.])etc(?![\w.])", "et cetera", False),
        (r"(?<![\w.])a\.k\.a\.|(?<![\w.])aka(?!\w)", "also known as", True),
        (r"(?<![\w.])[Vv]s\.?(?!\w)", "versus", False),
        (r"(?<![\w.])[Aa]pprox\.", "approximately", False),
        (r"(?<![\w.])[Aa]pprox(?!\w)", "approximately", False),
        (r"(?<![\w.])Mr\.?(?=\s+[A-Z])", "Mister", False),
        (r"(?<![\w.])Mrs\.?(?=\s+[A-Z])", "Missus", False),
        (r"(?<![\w.])Ms\.?(?=\s+[A-Z])", "Miz", False),
        (r"(?<![\w.])Prof\.(?=\s+[A-Z])", "Professor", False),
        (r"(?<=[A-Za-z]),?\s+Jr\.|(?<=[A-Za-z]),?\s+Jr(?!\w)", " Junior", True),
        (r"(?<=[A-Za-z]),?\s+Sr\.|(?<=[A-Za-z]),?\s+Sr(?!\w)", " Senior", True),
        (r"(?<=[a-z])\s+Ave\.", " Avenue", True),
        (r"(?<=[a-z])\s+Rd\.", " Road", True),
        (r"(?<=[a-z])\s+Blvd\.", " Boulevard", True),
        (r"(?<![\w.])Ste\.(?=\s*\d)", "Suite", False),
        (r"(?<![\w.])Dept\.", "Department", False),
        (r"(?<![\w.])[Ww]/o(?!\w)", "without", False),
        (r"(?<![\w.])[Ww]/\s*(?=[A-Za-z])", "with ", False),
        (r"(?<![\w.])[Bb]\.[Ii]\.[Dd]\.|(?<![\w.])BID(?!\w)", "twice a day", True),
        (r"(?<![\w.])[Tt]\.[Ii]\.[Dd]\.|(?<![\w.])TID(?!\w)", "three times a day", True),
        (r"(?<![\w.])[Qq]\.[Ii]\.[Dd]\.|(?<![\w.])QID(?!\w)", "four times a day", True),
        (r"(?<![\w.])[Pp]\.[Rr]\.[Nn]\.|(?<![\w.])PRN(?!\w)", "as needed", True),
        (r"(?<![\w.])No\.(?=\s?\d)", "Number", False),
        (r"(?<![\w.])no\.(?=\s?\d)", "number", False),
        (r"(?<![\w.])([Nn])o\.(?=\s+of\b)", r"\1umber", False),
        (r"(?<![\w&])#(?=\s?\d)", "number ", False),
    )
)


def _title_or_place(match: re.Match[str], title: str, place: str, *, title_by_default: bool) -> str:
    """'Dr.'/'St.': a street after a house number, a title before a name.

    Otherwise a street after a capitalized word ("Main St."), else the
    default ("ask your Dr." -> "Doctor", "on the St." -> "Street").
    """
    before = match.string[max(0, match.start() - 80) : match.start()]
    if _ADDRESS_BEFORE.search(before):
        return place + _stop(match)
    if _NAME_AFTER.match(match.string, match.end()):
        return title
    if title_by_default and not _CAPITALIZED_BEFORE.search(before):
        return title + _stop(match)
    return place + _stop(match)


def expand_abbreviations(text: str) -> str:
    """Titles and common abbreviations in full.

    "Dr. Smith" -> "Doctor Smith" but "12 Oak Dr." -> "12 Oak Drive";
    "St. Mary's" -> "Saint Mary's" but "5 Main St." -> "5 Main Street";
    Mr./Mrs./Ms./Jr./Sr./Prof.; e.g. -> for example; i.e. -> that is;
    etc. -> et cetera; vs. -> versus; approx. -> approximately; ext. ->
    extension; "no. 5"/"#5" -> "number 5"; w/ and w/o; b.i.d., t.i.d.,
    q.i.d., p.r.n. An abbreviation's dot at the very end of the text is
    kept as the sentence's full stop ("heat, ice, etc." -> "..., et cetera.").
    """
    text = re.sub(
        r"(?<![\w.])Dr\.(?=\s|$)",
        lambda m: _title_or_place(m, "Doctor", "Drive", title_by_default=True),
        text,
    )
    text = re.sub(r"(?<![\w.])Dr(?=\s+[A-Z])", "Doctor", text)
    text = re.sub(
        r"(?<![\w.])St\.(?=\s|$)",
        lambda m: _title_or_place(m, "Saint", "Street", title_by_default=False),
        text,
    )
    for pattern, reading, keeps_stop in _SIMPLE_ABBREVIATIONS:
        text = pattern.sub(lambda m, r=reading, k=keeps_stop: _reading(m, r, k), text)
    return text


def _reading(match: re.Match[str], reading: str, keeps_stop: bool) -> str:
    """An abbreviation's reading, capitalized like it ("E.g." -> "For example")."""
    out = match.expand(reading)
    written = match.group(0).lstrip(", ")
    if written[:1].isupper() and not written.isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out + (_stop(match) if keeps_stop else "")


# ---------------------------------------------------------------------------
# 5b. dosing intervals and times (clinical readings)

_INTERVAL_RE = re.compile(
    r"(?<![\w.])[Qq]\.?\s?(\d{1,2})(?:\s?[-–]\s?(\d{1,2}))?\s?(?:hrs|hr|h)(?![\w])"
)
_DOSING_ABBREVIATIONS: tuple[tuple[re.Pattern[str], str, bool], ...] = tuple(
    (re.compile(pattern), reading, keeps_stop)
    for pattern, reading, keeps_stop in (
        (r"(?<![\w.])q\.h\.s\.|(?<![\w.])qhs(?!\w)", "at bedtime", True),
        (r"(?<![\w.])a\.c\.(?=\W|$)", "before meals", True),
        (r"(?<![\w.])p\.c\.(?=\W|$)", "after meals", True),
    )
)


def read_dosing(text: str) -> str:
    """Dosing intervals and times: "q4h" -> "every four hours", "q4-6h" -> "every four to six hours".

    "q1h" -> "every hour"; "q.h.s."/"qhs" -> "at bedtime"; "a.c." -> "before
    meals"; "p.c." -> "after meals" (b.i.d., t.i.d., q.i.d. and p.r.n. are
    :func:`expand_abbreviations`'). "q.d." and "q.o.d." are "Do Not Use" and
    stay as written.
    """

    def interval(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            return f"every {cardinal(first)} to {cardinal(second)} hours"
        return "every hour" if int(first) == 1 else f"every {cardinal(first)} hours"

    text = _INTERVAL_RE.sub(interval, text)
    for pattern, reading, keeps_stop in _DOSING_ABBREVIATIONS:
        text = pattern.sub(lambda m, r=reading, k=keeps_stop: _reading(m, r, k), text)
    return text


# ---------------------------------------------------------------------------
# 6. times

_MERIDIEM = r"(?P<mer>[AaPp]\.\s?[Mm]\.?|[AaPp][Mm](?!\w))"
_TIME_RE = re.compile(
    rf"(?<![\w:.,])(?P<h>\d{{1,2}})(?::(?P<m>\d{{2}}))?\s?{_MERIDIEM}"
    rf"|(?<![\w:.,])(?P<h2>\d{{1,2}}):(?P<m2>\d{{2}})(?![\d:]|\.\d|,\d)"
)


def _minutes(value: int) -> str:
    if value == 0:
        return ""
    if value < 10:
        return f" oh {numwords.DIGIT_WORDS[value]}"
    return f" {cardinal(str(value))}"


def read_times(text: str) -> str:
    """Clock times: "9:30 a.m." -> "nine thirty a.m.", "10:00 pm" -> "ten p.m.".

    "9:05" -> "nine oh five"; "10:00" without a.m./p.m. -> "ten o'clock";
    "14:30" -> "fourteen thirty". Anything that is not a valid time (hours
    above 24, minutes above 59) is left to the number rules.
    """

    def replace(match: re.Match[str]) -> str:
        hour_text = match.group("h") or match.group("h2")
        minute_text = match.group("m") or match.group("m2")
        hour = int(hour_text)
        minute = int(minute_text) if minute_text else 0
        if hour > 24 or minute > 59:
            return match.group(0)
        words = cardinal(str(hour))
        meridiem = match.group("mer")
        if meridiem:
            return f"{words}{_minutes(minute)} {meridiem[0].lower()}.m."
        if minute == 0:
            return f"{words} o'clock"
        return f"{words}{_minutes(minute)}"

    return _TIME_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# 7. dates

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_ABBREVIATIONS = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April",
    "Jun": "June", "Jul": "July", "Aug": "August", "Sep": "September",
    "Sept": "September", "Oct": "October", "Nov": "November", "Dec": "December",
}  # fmt: skip
_MONTH = "(?P<month>" + "|".join(_MONTHS) + "|(?:" + "|".join(_MONTH_ABBREVIATIONS) + r")\.?)"
_YEAR = r"(?P<year>1[1-9]\d\d|20\d\d)"
_DATE_MONTH_FIRST = re.compile(
    rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\d)(?!\w)(?:,?\s+{_YEAR}(?![\w]))?"
)
_DATE_DAY_FIRST = re.compile(
    rf"(?<![\w.,])(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?!\w)(?:,?\s+{_YEAR}(?!\w))?"
)
_DATE_MONTH_YEAR = re.compile(rf"\b{_MONTH}(?<!\.)\s+{_YEAR}(?![\w])")
_DATE_ISO = re.compile(r"(?<![\w.-])(1[1-9]\d\d|20\d\d)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\w-])")
_DATE_NUMERIC = re.compile(r"(?<![\w./])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\w/])")


def _month_name(text: str) -> str:
    text = text.rstrip(".")
    return _MONTH_ABBREVIATIONS.get(text, text)


def _numeric_year(text: str) -> str:
    value = int(text)
    return numwords.year(value) if len(text) == 4 and 1100 <= value <= 2099 else cardinal(text)


# The order of a numeric date by locale (the guide's ``locale:``); without one a
# date such as 3/4/2024 is read as written. A language alone stands for its
# usual order; "en" alone is ambiguous (en-US and en-GB differ).
DATE_ORDERS: dict[str, str] = {
    "en-us": "mdy", "en-ph": "mdy", "en-pr": "mdy", "en-um": "mdy", "en-as": "mdy", "en-gu": "mdy",
    "en-gb": "dmy", "en-ie": "dmy", "en-au": "dmy", "en-nz": "dmy", "en-in": "dmy", "en-za": "dmy",
    "en-sg": "dmy", "en-hk": "dmy", "en-ng": "dmy", "en-ke": "dmy", "en-pk": "dmy", "en-mt": "dmy",
    **dict.fromkeys("fr de es it pt nl ru pl da nb nn no fi el tr cs sk sl hr ro bg uk ar he id vi".split(), "dmy"),
}
_DATE_ORDER: contextvars.ContextVar[str | None] = contextvars.ContextVar("date_order", default=None)


def date_order(locale: str | None) -> str | None:
    """ "en-GB" -> "dmy", "en_US" -> "mdy", "de" -> "dmy"; None when the locale does not say."""
    if not locale:
        return None
    tag = locale.strip().replace("_", "-").lower()
    return DATE_ORDERS.get(tag) or DATE_ORDERS.get(tag.split("-")[0])


def read_dates(text: str) -> str:
    """Calendar dates with a month name, ISO dates and numeric dates.

    "March 3, 2024" -> "March third, twenty twenty-four"; "3 March 2024" ->
    "the third of March, twenty twenty-four"; "Mar. 3rd" -> "March third";
    "March 2024" -> "March twenty twenty-four"; "2024-03-03" -> "March third,
    twenty twenty-four". A numeric date such as "3/4/2024" is ambiguous
    (March 4 in the US, 3 April elsewhere): the guide's locale decides
    ("en-US": "March fourth, twenty twenty-four"; "en-GB": "the third of
    April, twenty twenty-four"); without one it is read as written: "three
    slash four slash twenty twenty-four".
    """

    def month_first(match: re.Match[str]) -> str:
        day = int(match.group("day"))
        if not 1 <= day <= 31:
            return match.group(0)
        out = f"{_month_name(match.group('month'))} {numwords.ordinal(str(day))}"
        if match.group("year"):
            out += f", {numwords.year(int(match.group('year')))}"
        return out

    def day_first(match: re.Match[str]) -> str:
        day = int(match.group("day"))
        if not 1 <= day <= 31:
            return match.group(0)
        out = f"the {numwords.ordinal(str(day))} of {_month_name(match.group('month'))}"
        if match.group("year"):
            out += f", {numwords.year(int(match.group('year')))}"
        return out

    def month_year(match: re.Match[str]) -> str:
        return f"{_month_name(match.group('month'))} {numwords.year(int(match.group('year')))}"

    def iso(match: re.Match[str]) -> str:
        year, month, day = match.groups()
        return f"{_MONTHS[int(month) - 1]} {numwords.ordinal(day.lstrip('0'))}, {numwords.year(int(year))}"

    def numeric(match: re.Match[str]) -> str:
        first, second, year = match.groups()
        order = _DATE_ORDER.get()
        if order in ("mdy", "dmy"):
            month, day = (int(first), int(second)) if order == "mdy" else (int(second), int(first))
            if 1 <= month <= 12 and 1 <= day <= 31:
                name = _MONTHS[month - 1]
                said = _numeric_year(year) if len(year) == 4 else cardinal(year)
                if order == "mdy":
                    return f"{name} {numwords.ordinal(str(day))}, {said}"
                return f"the {numwords.ordinal(str(day))} of {name}, {said}"
        return f"{cardinal(str(int(first)))} slash {cardinal(str(int(second)))} slash {_numeric_year(year)}"

    text = _DATE_ISO.sub(iso, text)
    text = _DATE_NUMERIC.sub(numeric, text)
    text = _DATE_MONTH_FIRST.sub(month_first, text)
    text = _DATE_DAY_FIRST.sub(day_first, text)
    return _DATE_MONTH_YEAR.sub(month_year, text)


# ---------------------------------------------------------------------------
# Readings real pages need (each a small rule with its table; see tests/test_normalize_pages.py)

# "pp. 12-14" -> "pages 12-14", "p. 7" -> "page 7" (before a number only).
PAGE_ABBREVIATIONS: tuple[tuple[str, str], ...] = ((r"pp", "pages"), (r"p", "page"), (r"Pp", "Pages"), (r"P", "Page"))
_PAGE_RE = re.compile(r"(?<![\w.])(pp|Pp|p|P)\.\s?(?=\d)")


def read_page_references(text: str) -> str:
    """ "see pp. 12-14" -> "see pages 12-14"; "p. 7" -> "page 7"."""
    readings = dict(PAGE_ABBREVIATIONS)
    return _PAGE_RE.sub(lambda m: readings[m.group(1)] + " ", text)


# Feet and inches: 5'10" -> "five feet ten inches"; 6' -> "six feet"; 10" -> "ten inches".
_FEET_INCHES_RE = re.compile(r"(?<![\w.'\"])(\d{1,2})\s?'\s?(\d{1,2}(?:\.\d)?)\s?(?:\"|'')(?![\w])")
_FEET_RE = re.compile(r"(?<![\w.'\"])(\d{1,3})'(?=[\s,.;:)!?-]|$)")
_INCHES_RE = re.compile(r"(?<![\w.'\"])(\d{1,3}(?:\.\d+)?)\"(?=[\s,.;:)!?-]|$)")


def _measure(number: str, one: str, many: str) -> str:
    words = spoken(number).words
    return f"{words} {one if number in ('1', '1.0') else many}"


def read_feet_inches(text: str) -> str:
    """ "5'10\"" -> "five feet ten inches"; "6' tall" -> "six feet tall"; "a 10\" cut" -> "a ten inches cut"."""
    text = _FEET_INCHES_RE.sub(
        lambda m: f"{_measure(m.group(1), 'foot', 'feet')} {_measure(m.group(2), 'inch', 'inches')}", text)
    text = _FEET_RE.sub(lambda m: _measure(m.group(1), "foot", "feet"), text)
    return _INCHES_RE.sub(lambda m: _measure(m.group(1), "inch", "inches"), text)


# Identifiers whose number is a name, read digit by digit: "PEP 602" -> "PEP six zero two".
DIGITWISE_IDENTIFIERS: tuple[str, ...] = (
    "PEP", "RFC", "ISO", "IEC", "IEEE", "ANSI", "DIN", "BS", "EN", "NDC", "NPI", "CPT", "HCPCS", "ECCN",
    "CVE", "KB", "SKU", "ZIP", "Bug", "Issue", "Ticket", "Case", "Claim", "Policy", "Member ID",
)
_DIGITWISE_RE = re.compile(
    r"\b(" + "|".join(re.escape(word) for word in DIGITWISE_IDENTIFIERS) + r")(\s?#?\s?|-)(\d{2,10})\b"
)
# A letter code joined to its number by a hyphen is read as written, without the hyphen:
# "Form W-2" -> "W two", "ICD-10" -> "ICD ten", "COVID-19" -> "COVID nineteen".
_LETTER_DASH_NUMBER_RE = re.compile(r"\b([A-Z][A-Za-z]{0,5})-(\d{1,4})(?:-([A-Z]{1,4}))?\b(?!\.\d)")


def read_identifiers(text: str) -> str:
    """Names that hold numbers: digit by digit, or as written without their hyphen."""
    text = _DIGITWISE_RE.sub(lambda m: f"{m.group(1)} {digits(m.group(3))}", text)
    return _LETTER_DASH_NUMBER_RE.sub(
        lambda m: f"{m.group(1)} {cardinal(m.group(2))}" + (f" {m.group(3)}" if m.group(3) else ""), text)


# Version and section numbers with two or more dots: "3.11.2" -> "three point eleven point two".
_DOTTED_NUMBER_RE = re.compile(r"(?<![\w.])\d{1,4}(?:\.\d{1,4}){2,}(?![\w]|\.\d)")


def read_dotted_numbers(text: str) -> str:
    """ "Python 3.11.2" -> "Python three point eleven point two"; "section 3.2.1" likewise."""
    return _DOTTED_NUMBER_RE.sub(lambda m: " point ".join(cardinal(part) for part in m.group(0).split(".")), text)


# Roman numerals in names: "stage II" -> "stage two", "cranial nerve VII" -> "cranial nerve seven".
ROMAN_NUMBER_WORDS: tuple[str, ...] = (
    "stage", "type", "grade", "phase", "class", "part", "chapter", "cranial nerve", "nerve", "volume", "vol.",
    "book", "level", "schedule", "category", "tier", "appendix", "article", "title", "world war", "act",
    "section", "factor", "degree", "lesson", "unit",
)
# After a lower-case keyword a lone "I" could be the pronoun ("at this stage I felt"): it is a
# numeral only at the end of a phrase or before one of these words.
_ROMAN_I_BEFORE = (
    "diabetes|diabetic|cancer|tumou?rs?|disease|trial|trials|study|error|errors|evidence|hypersensitivity|"
    "allergy|allergies|collagen|fibers?|fibres?|interferon|lesion|lesions|injury|burns?|obesity|"
    "hypertension|heart failure|recommendation|antiarrhythmics?|controlled|substances?|drugs?|device"
)
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_ROMAN_RE = re.compile(
    r"\b(?P<word>" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ROMAN_NUMBER_WORDS) + r")"
    r"\s+(?P<roman>[IVXLC]{1,7})(?P<sub>[a-dA-D])?(?![\w'])",
    re.IGNORECASE,
)


def _roman_value(numeral: str) -> int | None:
    """ "XIV" -> 14; None for what is not a well-formed numeral ("IIII", "VX")."""
    total, previous = 0, 0
    for ch in reversed(numeral):
        value = _ROMAN_VALUES[ch]
        total += -value if value < previous else value
        previous = max(previous, value)
    return total if 0 < total < 400 and _roman(total) == numeral else None


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                            (4, "IV"), (1, "I")):
        while value >= number:
            out += letters
            value -= number
    return out


def read_roman_numerals(text: str) -> str:
    """ "Stage IIIb" -> "Stage three B"; "type II diabetes" -> "type two diabetes"; "Part IV" -> "Part four"."""

    def numeral(match: re.Match[str]) -> str:
        roman = match.group("roman")
        if not roman.isupper():
            return match.group(0)
        value = _roman_value(roman)
        if value is None:
            return match.group(0)
        if roman == "I" and match.group("word")[:1].islower() and not match.group("sub"):
            after = match.string[match.end():]
            if not (re.match(r"\s*(?:[,.;:!?)]|$)", after) or re.match(rf"\s+(?:{_ROMAN_I_BEFORE})\b", after, re.I)):
                return match.group(0)
        sub = f" {match.group('sub').upper()}" if match.group("sub") else ""
        return f"{match.group('word')} {cardinal(str(value))}{sub}"

    return _ROMAN_RE.sub(numeral, text)


# A slash between words is "or" only between plain words ("he/she", "yes/no"); in a name
# or a path ("GNU/Linux", "Misc/HISTORY", "/usr/lib") it is "slash".
_SLASHED_RE = re.compile(r"^([(\"']*)(.*?)([)\"',.;:!?]*)$")
_PLAIN_WORD_RE = re.compile(r"^(?:[a-z]+|[A-Z][a-z]+)$")
_HAS_LETTER_RE = re.compile(r"[A-Za-z]")


def read_slashes(text: str) -> str:
    """ "he/she" -> "he or she"; "Debian GNU/Linux" -> "GNU slash Linux"; "Misc/HISTORY" -> "Misc slash HISTORY"."""
    if "/" not in text:
        return text
    pieces = re.split(r"(\s+)", text)  # linear: a word at a time
    for index, piece in enumerate(pieces):
        if "/" not in piece or not _HAS_LETTER_RE.search(piece):
            continue
        lead, token, trail = _SLASHED_RE.match(piece).groups()
        parts = token.split("/")
        if token.lower() == "and/or" or len(parts) < 2 or any(
                not _HAS_LETTER_RE.search(p) and not p.isdigit() for p in parts if p):
            continue  # "3/4" and "120/80" are numbers, read later
        if all(p.isdigit() for p in parts if p):
            continue
        if parts[0] in UNITS and len(parts) > 1 and all(p in _PER_UNITS for p in parts[1:]):
            continue  # a rate, "mg/kg", "mL/h", "kg/m²": read_units reads it "per"
        plain = all(_PLAIN_WORD_RE.match(p) for p in parts) and len({p[:1].isupper() for p in parts}) == 1
        if plain:
            said = " or ".join(parts)
        else:
            said = ("slash " if token.startswith("/") else "") + " slash ".join(p for p in parts if p)
        pieces[index] = f"{lead}{said}{trail}"
    return "".join(pieces)


# Years in running text that no preposition announces: "the 1989 Christmas holidays",
# "the 2024 flu season", "1989's".
YEAR_NOUNS: tuple[str, ...] = (
    "holidays", "holiday", "season", "edition", "release", "version", "election", "census", "survey", "study",
    "report", "guidelines", "guideline", "pandemic", "epidemic", "outbreak", "winter", "summer", "spring",
    "fall", "autumn", "olympics", "budget", "law", "act", "tax", "school", "academic", "fiscal", "flu",
    "vaccine", "annual", "review", "update", "conference", "meeting", "revision", "standard",
)
_Y_RUNNING = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR_RUNNING_RE = re.compile(
    rf"(?<=\b[Tt]he )(?P<y>{_Y_RUNNING})(?=\s+(?:[A-Z][a-z]|(?:{'|'.join(YEAR_NOUNS)})\b))"
    rf"|(?<![\w.,$])(?P<p>{_Y_RUNNING})(?='s\b)"
    rf"|(?<=\bof )(?P<o>{_Y_RUNNING})(?=\s*(?:[.;:!?)]|,\s|$))"
)


def read_running_years(text: str) -> str:
    """ "During the 1989 Christmas holidays" -> "During the nineteen eighty-nine Christmas holidays"."""
    return _YEAR_RUNNING_RE.sub(lambda m: numwords.year(int(m.group(0))), text)


# ---------------------------------------------------------------------------
# 8. codes

_SPINE_RE = re.compile(r"\b([CTLS])(\d{1,2})\s?[-–/]\s?([CTLS])?(\d{1,2})\b")
_CODE_RE = re.compile(r"\b([A-Z]{1,2})(\d{1,3})\b")


def read_codes(text: str) -> str:
    """Spine levels and letter-number codes, letters kept, digits read.

    "L4-L5" -> "L four L five"; "L4-5" -> "L four five"; "B12" -> "B twelve".
    Codes whose letters end in "A" ("A1") are left as written: the voice
    reads a lone "A" as the article.
    """

    def spine(match: re.Match[str]) -> str:
        first, n1, second, n2 = match.groups()
        parts = [first, cardinal(n1)]
        if second:
            parts.append(second)
        parts.append(cardinal(n2))
        return " ".join(parts)

    def code(match: re.Match[str]) -> str:
        letters, number = match.groups()
        if letters.endswith("A"):
            return match.group(0)
        return f"{' '.join(letters)} {cardinal(number)}"

    text = _SPINE_RE.sub(spine, text)
    return _CODE_RE.sub(code, text)


# ---------------------------------------------------------------------------
# 9. multipliers

_BY_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×]\s?(?={UNSIGNED})")
_TIMES_RE = re.compile(rf"(?<![\w.])({NUMBER})\s?[x×](?![\w-])")


def read_multipliers(text: str) -> str:
    """'2x daily' -> 'two times daily'; '3 x 5 cm' -> 'three by 5 cm' (units later)."""
    text = _BY_RE.sub(lambda m: f"{spoken(m.group(1)).words} by ", text)
    return _TIMES_RE.sub(lambda m: f"{spoken(m.group(1)).words} times", text)


# ---------------------------------------------------------------------------
# 10. money

_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
}
_AMOUNT = rf"(?:{INT}(?:\.\d+)?|\.\d+)"
_MONEY_RE = re.compile(
    rf"(?<![\w.])(?P<cur>[$£€])\s?(?P<a>{_AMOUNT})"
    rf"(?:\s?(?:-|to)\s?[$£€]?(?P<b>{_AMOUNT}))?"
    rf"(?:\s(?P<scale>thousand|million|billion|trillion)\b)?(?![\w.]\d|\d)"
)
_CENTS_RE = re.compile(r"(?<![\w.])(\d{1,3})\s?¢")


def _money(amount: str, names: tuple[str, str, str, str]) -> str:
    one, many, sub_one, sub_many = names
    whole, _, frac = amount.partition(".")
    whole = whole or "0"
    if frac and len(frac) != 2:
        return f"{spoken(amount).words} {many}"
    units = int(whole.replace(",", ""))
    cents = int(frac) if frac else 0
    parts = []
    if units or not cents:
        parts.append(f"{cardinal(whole)} {one if units == 1 else many}")
    if cents:
        parts.append(f"{cardinal(str(cents))} {sub_one if cents == 1 else sub_many}")
    return " and ".join(parts)


def read_money(text: str) -> str:
    """Amounts of money: "$50" -> "fifty dollars", "$1.50" -> "one dollar and fifty cents".

    "$0.50" -> "fifty cents"; "$50-100" -> "fifty to one hundred dollars";
    "$2.5 million" -> "two point five million dollars"; also £ and €, and "50¢".
    """

    def replace(match: re.Match[str]) -> str:
        names = _CURRENCIES[match.group("cur")]
        a, b, scale = match.group("a"), match.group("b"), match.group("scale")
        if scale:
            first = spoken(a).words
            if b:
                return f"{first} to {spoken(b).words} {scale} {names[1]}"
            return f"{first} {scale} {names[1]}"
        if b:
            if "." not in a and "." not in b:
                return f"{cardinal(a)} to {cardinal(b)} {names[1]}"
            return f"{_money(a, names)} to {_money(b, names)}"
        return _money(a, names)

    text = _MONEY_RE.sub(replace, text)
    return _CENTS_RE.sub(lambda m: f"{cardinal(m.group(1))} {'cent' if m.group(1) == '1' else 'cents'}", text)


# ---------------------------------------------------------------------------
# 10b. blood pressure (clinical readings)

_BP_RE = re.compile(
    r"(?P<ctx>\b(?:[Bb]lood [Pp]ressures?|B P|BP)\b[^.;!?\d]{0,30})?"
    r"(?<![\w./])(?P<sys>\d{2,3})/(?P<dia>\d{2,3})(?![\w/]|[.,]\d)(?P<unit>\s?mm\s?Hg\b)?"
)


def _systolic(value: int) -> str:
    """"120" -> "one twenty", "105" -> "one oh five", "100" -> "one hundred": as a nurse reads it."""
    if 100 < value < 200 and value % 100:
        rest = value % 100
        return f"one {'oh ' + numwords.DIGIT_WORDS[rest] if rest < 10 else cardinal(str(rest))}"
    return cardinal(str(value))


def read_blood_pressure(text: str) -> str:
    """Blood pressure readings: "BP 120/80" and "120/80 mmHg" -> "one twenty over eighty".

    Only with a cue (blood pressure or BP before it, mmHg after it);
    otherwise "120/80" is a fraction (:func:`read_fractions`: "one hundred
    and twenty over eighty").
    """

    def replace(match: re.Match[str]) -> str:
        if not match.group("ctx") and not match.group("unit"):
            return match.group(0)
        out = f"{match.group('ctx') or ''}{_systolic(int(match.group('sys')))} over {cardinal(match.group('dia'))}"
        return out + (" millimeters of mercury" if match.group("unit") else "")

    return _BP_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# 11. percentages

_RANGE_SEP = r"\s?(?:-|–|to)\s?"
_PERCENT_RE = re.compile(rf"(?<![\w.])({NUMBER})(?:\s?%)?(?:{_RANGE_SEP}({NUMBER}))?\s?%")


def read_percentages(text: str) -> str:
    """'20%' -> 'twenty percent'; '10-20%' and '10% to 20%' -> 'ten to twenty percent'."""

    def replace(match: re.Match[str]) -> str:
        first, second = match.groups()
        if second:
            return f"{spoken(first).words} to {spoken(second).words} percent"
        return f"{spoken(first).words} percent"

    return _PERCENT_RE.sub(replace, text)


# ---------------------------------------------------------------------------
# 12. units

# written form -> (singular, plural); matched with exact case.
UNITS: dict[str, tuple[str, str]] = {
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "μg": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "mL": ("milliliter", "milliliters"),
    "ml": ("milliliter", "milliliters"),
    "dL": ("deciliter", "deciliters"),
    "dl": ("deciliter", "deciliters"),
    "L": ("liter", "liters"),
    "cc": ("cubic centimeter", "cubic centimeters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "km": ("kilometer", "kilometers"),
    "in.": ("inch", "inches"),
    "in": ("inch", "inches"),
    "ft": ("foot", "feet"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "tsp": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "Tbsp": ("tablespoon", "tablespoons"),
    "mEq": ("milliequivalent", "milliequivalents"),
    "mmol": ("millimole", "millimoles"),
    "kcal": ("kilocalorie", "kilocalories"),
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "mm Hg": ("millimeter of mercury", "millimeters of mercury"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "° C": ("degree Celsius", "degrees Celsius"),
    "°": ("degree", "degrees"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "h": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "sec": ("second", "seconds"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "mA": ("milliamp", "milliamps"),
    "µs": ("microsecond", "microseconds"),
    "μs": ("microsecond", "microseconds"),
    "bpm": ("beat per minute", "beats per minute"),
}
# Units that may follow "per" or "/" (singular reading).
_PER_UNITS: dict[str, str] = {
    **{key: value[0] for key, value in UNITS.items() if not key.startswith("°") and key not in {"in", "in."}},
    "day": "day",
    "dose": "dose",
    "week": "week",
    "hour": "hour",
    "d": "day",
    "m2": "square meter",
    "m²": "square meter",
}
_UNIT_ALT = "|".join(
    re.escape(u) if u != "in" else r"in(?=\s*(?:[,;:)]|$))"
    for u in sorted(UNITS, key=len, reverse=True)
)
_PER_ALT = "|".join(re.escape(u) for u in sorted(_PER_UNITS, key=len, reverse=True))
_UNIT_RE = re.compile(
    rf"(?<![\w.])(?P<a>{NUMBER})(?:{_RANGE_SEP}(?P<b>{NUMBER}))?\s?(?P<unit>{_UNIT_ALT})"
    rf"(?P<per>(?:/(?:{_PER_ALT}))*)(?!\w)"
)
_BARE_PER_RE = re.compile(rf"(?<![\w./])(?P<unit>{_UNIT_ALT})(?P<per>(?:/(?:{_PER_ALT}))+)(?![\w/])")
_PER_WORD_RE = re.compile(rf"\bper\s+(?P<unit>{_PER_ALT})(?![\w/])")


def _per_words(per: str) -> str:
    return "".join(f" per {_PER_UNITS[p]}" for p in per.split("/") if p)


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" or word.startswith("hour") else "a"


def read_units(text: str) -> str:
    """Counts with units: "5 mg" -> "five milligrams", "1 mg" -> "one milligram".

    The last number decides singular or plural ("1-2 mg" -> "one to two
    milligrams"); a fraction below one reads "of a": "½ tsp" -> "one half of
    a teaspoon". "mg/kg" -> "milligrams per kilogram"; "per kg" -> "per
    kilogram". "in" is an inch only as "in." or before punctuation, so "2 in
    10 people" is left alone. "U" and "IU" are "Do Not Use" and not expanded.
    """

    def replace(match: re.Match[str]) -> str:
        unit = match.group("unit")
        singular, plural = UNITS[unit]
        first = spoken(match.group("a"))
        last = spoken(match.group("b")) if match.group("b") else first
        head = first.words if not match.group("b") else f"{first.words} to {last.words}"
        per = _per_words(match.group("per"))
        stop = "." if unit == "in." and _keeps_stop(match.string, match.end()) else ""
        if last.count == "one":
            return f"{head} {singular}{per}{stop}"
        if last.count == "part":
            return f"{head} of {_article(singular)} {singular}{per}{stop}"
        return f"{head} {plural}{per}{stop}"

    text = _UNIT_RE.sub(replace, text)
    text = _BARE_PER_RE.sub(lambda m: UNITS[m.group("unit")][1] + _per_words(m.group("per")), text)
    return _PER_WORD_RE.sub(lambda m: f"per {_PER_UNITS[m.group('unit')]}", text)


# ---------------------------------------------------------------------------
# 12b. routes (clinical readings)

ROUTES: dict[str, str] = {
    "PO": "by mouth",
    "IV": "intravenously",
    "IM": "into a muscle",
    "SC": "under the skin",
    "SQ": "under the skin",
    "subcut": "under the skin",
    "SL": "under the tongue",
    "PR": "rectally",
}
_ROUTE_ALT = "|".join(ROUTES)
_DOSE_BEFORE = (
    r"(?:milligrams?|micrograms?|grams?|milliliters?|units?|tablets?|capsules?|doses?|puffs?|drops?"
    r"|milliequivalents?|millimoles?|given|give|take|taken|administered)"
)
_ROUTE_RE = re.compile(rf"\b({_DOSE_BEFORE})((?:,?\s+(?:or\s+|and\s+)?(?:{_ROUTE_ALT})(?![\w]))+)")
_ONE_ROUTE_RE = re.compile(rf"\b({_ROUTE_ALT})(?![\w])")


def read_routes(text: str) -> str:
    """Routes after a dose: "5 mg PO" -> "five milligrams by mouth"; "IV, IM or SC" in a list too.

    PO by mouth, IV intravenously, IM into a muscle, SC/SQ/subcut under the
    skin, SL under the tongue, PR rectally. Only right after a dose (a unit,
    tablets, doses) or "give"/"take": elsewhere "IV" may be a Roman numeral
    ("stage IV") and "PR" public relations.
    """
    return _ROUTE_RE.sub(lambda m: m.group(1) + _ONE_ROUTE_RE.sub(lambda r: ROUTES[r.group(1)], m.group(2)), text)


# ---------------------------------------------------------------------------
# 13. years

_YEAR_CONTEXT = (
    r"in|In|since|Since|by|By|from|From|until|Until|till|through|during|During|before|Before"
    r"|after|After|year|Year|circa|early|late|mid|spring|summer|fall|autumn|winter"
    r"|Spring|Summer|Fall|Autumn|Winter|between|Between"
)
_Y = r"(?:1[1-9]\d\d|20\d\d)"
_YEAR_CONTEXT_RE = re.compile(
    rf"\b(?P<ctx>{_YEAR_CONTEXT})(?P<sp>[\s-]+)(?P<y1>{_Y})"
    rf"(?:(?P<join>\s+(?:to|and|through|until)\s+|\s?[-–]\s?)(?P<y2>{_Y}))?(?![\w,.]?\d)(?!\w)"
)
_YEAR_RANGE_RE = re.compile(rf"(?<![\w.,$])(?P<y1>{_Y})\s?[-–]\s?(?P<y2>{_Y})(?![\w,.]?\d)(?!\w)")
_YEAR_PAREN_RE = re.compile(rf"\((?P<y>{_Y})\)")
_DECADE_RE = re.compile(r"(?<![\w.])'?((?:1[1-9]|20)?\d0)'?s(?!\w)")


def _decade(match: re.Match[str]) -> str:
    number = match.group(1)
    if len(number) == 4:
        words = numwords.year(int(number))
    elif len(number) == 2 and number != "00":
        words = cardinal(number)
    else:
        return match.group(0)
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def read_years(text: str) -> str:
    """Years in context and decades.

    "in 2023" -> "in twenty twenty-three"; "(1998)" -> "(nineteen
    ninety-eight)"; "2019-2023" and "from 2019 to 2023" read both as years;
    "the 1990s" -> "the nineteen nineties"; "the '90s"/"the 90s" -> "the
    nineties". A 4-digit number without year context is a cardinal.
    """

    def in_context(match: re.Match[str]) -> str:
        y1 = int(match.group("y1"))
        out = f"{match.group('ctx')}{match.group('sp')}{numwords.year(y1)}"
        if match.group("y2"):
            join = match.group("join")
            join = " to " if join.strip() in {"-", "–"} else join
            out += f"{join}{numwords.year(int(match.group('y2')))}"
        return out

    def year_range(match: re.Match[str]) -> str:
        y1, y2 = int(match.group("y1")), int(match.group("y2"))
        if y2 <= y1:
            return match.group(0)
        return f"{numwords.year(y1)} to {numwords.year(y2)}"

    text = _YEAR_CONTEXT_RE.sub(in_context, text)
    text = _YEAR_RANGE_RE.sub(year_range, text)
    text = _YEAR_PAREN_RE.sub(lambda m: f"({numwords.year(int(m.group('y')))})", text)
    return _DECADE_RE.sub(_decade, text)


# ---------------------------------------------------------------------------
# 14-18. plain numbers

_RANGE_RE = re.compile(
    rf"(?<![\w.,/])(?<!\d[-–])({NUMBER})\s?[-–]\s?({UNSIGNED})(?![\w/]|[.,]\d|[-–]\d)"
)
_RATIO_RE = re.compile(rf"(?<![\w.,:])({NUMBER}):({UNSIGNED})(?![\w:]|[.,]\d)")
_FRACTION_RE = re.compile(
    rf"(?<![\w.,/])(?:{INT}(?:\s?[{GLYPHS}]|\s\d+/\d+(?![\d/]))|\d+/\d+(?![\d/])|[{GLYPHS}])(?![\w/])"
)
_ORDINAL_RE = re.compile(rf"(?<![\w.,])({INT})(st|nd|rd|th)(?!\w)", re.IGNORECASE)
_DECIMAL_RE = re.compile(rf"(?<![\w.,])(?:(?<![\w.,)%])[-−])?{INT}?\.\d+(?![\w]|\.\d)")
_CARDINAL_RE = re.compile(rf"(?<![\w.])(?:(?<![\w.,)%])[-−](?=\d))?{INT}(?![\w]|\.\d)")


def read_ranges(text: str) -> str:
    """'2-3' and '2–3' -> 'two to three'; '1–1 ½' -> 'one to one and a half'.

    Only a number on both sides makes a range: "long-term", "X-rays" and
    "COVID-19" are not ranges, nor is a chain like "3-2-1". A ratio that is
    not a clock time reads the same way: "1:1000" -> "one to one thousand".
    """
    text = _RANGE_RE.sub(lambda m: f"{spoken(m.group(1)).words} to {spoken(m.group(2)).words}", text)
    return _RATIO_RE.sub(lambda m: f"{spoken(m.group(1)).words} to {spoken(m.group(2)).words}", text)


def read_fractions(text: str) -> str:
    """'½' -> 'one half', '3/4' -> 'three quarters', '1 ½' -> 'one and a half'.

    A denominator of 10, or a score like '5/5', reads 'out of' ('7/10' ->
    'seven out of ten'); other large fractions read 'over' ('120/80').
    """
    return _FRACTION_RE.sub(lambda m: spoken(m.group(0)).words, text)


def read_ordinals(text: str) -> str:
    """'1st' -> 'first', '22nd' -> 'twenty-second', '100th' -> 'one hundredth'."""
    return _ORDINAL_RE.sub(lambda m: numwords.ordinal(m.group(1)), text)


def read_decimals(text: str) -> str:
    """'2.5' -> 'two point five', '0.5' -> 'zero point five', '.5' -> 'point five'."""
    return _DECIMAL_RE.sub(lambda m: spoken(m.group(0)).words, text)


def read_cardinals(text: str) -> str:
    """Every integer left: '12' -> 'twelve', '1,200' -> 'one thousand two hundred'.

    A leading zero ('007') or more than 15 digits reads digit by digit; a
    minus sign before a number ('-5', '−5') reads 'minus'.
    """
    return _CARDINAL_RE.sub(lambda m: spoken(m.group(0)).words, text)


# ---------------------------------------------------------------------------
# 19. symbols

_SYMBOL_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reading)
    for pattern, reading in (
        (r"\band/or\b", "and or"),
        (r"(?<=[A-Za-z])/(?=[A-Za-z])", " or "),
        (r"\s*&\s*", " and "),
        (r"\s*±\s*", " plus or minus "),
        (r"\s*≤\s*", " less than or equal to "),
        (r"\s*≥\s*", " greater than or equal to "),
        (r"\s*<=\s*", " less than or equal to "),
        (r"\s*>=\s*", " greater than or equal to "),
        (r"\s*<\s*", " less than "),
        (r"\s*>\s*", " greater than "),
        (r"\s*≈\s*", " approximately "),
        (r"(?<![\w])~\s*", "about "),
        (r"\s*~\s*", " to "),
        (r"\s*=\s*", " equals "),
        (r"(?<=\w)\+(?!\w)", " plus"),
        (r"\s*\+\s*", " plus "),
        (r"\s*×\s*", " times "),
        (r"\s*÷\s*", " divided by "),
        (r"\s*%", " percent"),
        (r"\s*°", " degrees"),
        (r"\s*@\s*", " at "),
        (r"#", " "),
        (r"\s*\|\s*", ", "),
        (r"[\\^_]", " "),
    )
)


def read_symbols(text: str) -> str:
    """Symbols said as words: & and, + plus, < less than, ~ about, word/word -> word or word."""
    for pattern, reading in _SYMBOL_RULES:
        text = pattern.sub(reading, text)
    return re.sub(r" {2,}", " ", text).strip()


# ---------------------------------------------------------------------------
# 20. spacing


def tidy_spacing(text: str) -> str:
    """One space between words, none before punctuation, no doubled commas or dots."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",(?=[A-Za-z])", ", ", text)
    text = re.sub(r",\s*([.;:!?])", r"\1", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    return text.strip()


# ---------------------------------------------------------------------------
# the pipeline

_PHONEME_RE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_PLACEHOLDER_BASE = 0xF0000  # supplementary private use: never in cleaned text
_PLACEHOLDER_CHARS = re.compile("[\U000f0000-\U000ffffd]")

BEFORE_LEXICON: tuple[Rule, ...] = (clean_characters, read_web_addresses, read_phone_numbers)
AFTER_LEXICON: tuple[Rule, ...] = (
    expand_abbreviations,
    read_page_references,
    read_roman_numerals,
    read_dosing,
    read_times,
    read_dates,
    read_identifiers,
    read_dotted_numbers,
    read_feet_inches,
    read_slashes,
    read_codes,
    read_multipliers,
    read_money,
    read_blood_pressure,
    read_percentages,
    read_units,
    read_routes,
    read_years,
    read_running_years,
    read_ranges,
    read_fractions,
    read_ordinals,
    read_decimals,
    read_cardinals,
    read_symbols,
    tidy_spacing,
)
RULES: tuple[str, ...] = (
    *(rule.__name__ for rule in BEFORE_LEXICON),
    "apply_lexicon",
    *(rule.__name__ for rule in AFTER_LEXICON),
)
"""The rule names in the order :func:`normalize` applies them."""


class _Shelf:
    """Phoneme strings put aside so no rule can touch them."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def hide(self, text: str) -> str:
        def stash(match: re.Match[str]) -> str:
            self.items.append(match.group(0))
            return f" {chr(_PLACEHOLDER_BASE + len(self.items) - 1)} "

        return _PHONEME_RE.sub(stash, text)

    def restore(self, text: str) -> str:
        if not self.items:
            return text
        return _PLACEHOLDER_CHARS.sub(lambda m: self.items[ord(m.group(0)) - _PLACEHOLDER_BASE], text)


def normalize(text: str, lexicon: Lexicon | None = None) -> str:
    """A written sentence as the engine should say it (see the module docstring).

    ``lexicon`` None means :meth:`Lexicon.builtin`. A sentence that starts
    with a capital still does when its first word was replaced by a
    lower-case reading ("FAQs: ..." -> "Frequently asked questions: ...").
    """
    if lexicon is None:
        lexicon = Lexicon.builtin()
    token = _DATE_ORDER.set(date_order(getattr(lexicon, "locale", None)))
    try:
        return _normalize(text, lexicon)
    finally:
        _DATE_ORDER.reset(token)


def _normalize(text: str, lexicon: Lexicon) -> str:
    shelf = _Shelf()
    text = shelf.hide(_PLACEHOLDER_CHARS.sub("", text))
    for rule in BEFORE_LEXICON:
        text = rule(text)
    capital = text[:1].isupper()
    text = shelf.hide(lexicon.apply(text))
    for rule in AFTER_LEXICON:
        text = rule(text)
    if capital and text[:1].islower():
        text = text[0].upper() + text[1:]
    return shelf.restore(text)
