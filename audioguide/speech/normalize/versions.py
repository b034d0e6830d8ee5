"""Versions: "v0.8", "v 1.5.2", "Python 3.11.2", "1.3.x", "0.4.6-1", "5.004_05".

A version is a name, not a quantity: its dots are "point" and each part is
read as a number of its own ("three point eleven point two", never "three
point one one point two"), a "v" before it is "version", an "x" part is the
letter, a Debian revision is "dash one". A two-part version ("0.8", "2.40")
reads like a decimal, which is how readers say it. Comparators before a
version (">=", ">") are symbols, read by :mod:`~audioguide.speech.normalize.symbols`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import cardinal, decimal

_PART = r"(?:\d{1,4}|x)"
# "v0.8", "v10", "v 1.5.2" (a space only before a dotted number)
_V_RE = re.compile(r"(?<![\w.])[vV](?: (?=\d+\.\d)|(?=\d))(?P<num>\d{1,4}(?:\.(?:\d{1,4}|x))*)(?![\w]|\.\d)")
_DOTTED_NUMBER_RE = re.compile(
    r"(?<![\w.])\d{1,4}(?:\.\d{1,4}){2,}(?:\.x)?(?:-\d{1,3})?(?![\w]|\.\d)"
    r"|(?<![\w.])\d{1,4}(?:\.\d{1,4})*\.x(?![\w])"
    r"|(?<![\w.])\d{1,4}\.\d{1,4}_\d{1,4}(?![\w]|\.\d)"
)


VERSION_PATTERN = re.compile(f"{_V_RE.pattern}|{_DOTTED_NUMBER_RE.pattern}")


def read_number(number: str) -> str:
    """A version number: "0.8" -> "zero point eight", "3.11.2" -> "three point eleven point two"."""
    head, dash, revision = number.partition("-")
    if "_" in head:
        main, _, sub = head.partition("_")
        return f"{read_number(main)} underscore {cardinal(sub)}"
    parts = head.split(".")
    if len(parts) == 2 and parts[1] != "x":
        said_parts = decimal(head)
    else:
        said_parts = " point ".join("x" if p == "x" else cardinal(p) for p in parts)
    return said_parts + (f" dash {cardinal(revision)}" if dash else "")


def read_dotted_numbers(text: str) -> str:
    """ "Python 3.11.2" -> "Python three point eleven point two"; "section 3.2.1" likewise; "1.3.x"."""
    return _DOTTED_NUMBER_RE.sub(lambda m: said("version", m.group(0), read_number(m.group(0))), text)


def read_versions(text: str) -> str:
    """ "v0.8" -> "version zero point eight", "from v10 to v11", and the dotted numbers."""
    text = _V_RE.sub(lambda m: said("version", m.group(0), f"version {read_number(m.group('num'))}"), text)
    return read_dotted_numbers(text)
