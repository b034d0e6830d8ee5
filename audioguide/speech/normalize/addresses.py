"""Street addresses: house numbers in pairs, compass points and street types in full, ZIP codes digit by digit.

"1005 N Gravenstein Hwy" read as numbers and letters is "one thousand and
five N Gravenstein H w y"; a careful reader says "ten oh five North
Gravenstein Highway". A house number is read as addresses are said (in
pairs: "twelve thirty-four", "seventy-eight hundred"), a compass point or a
street type only in an address (after a house number and a street name), a
ZIP code after a state code digit by digit. Tables: ``STREET_TYPES`` and
``COMPASS_POINTS`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.expansions import keeps_stop
from audioguide.speech.normalize.tables import COMPASS_POINTS, STATE_NAMES, STREET_TYPES
from audioguide.speech.normalize.tokens import said, written_before
from audioguide.speech.numwords import cardinal, digits

_COMPASS = "|".join(sorted(COMPASS_POINTS, key=len, reverse=True))
_TYPES = "|".join(sorted(STREET_TYPES, key=len, reverse=True))
_NAME_WORD = r"(?:[A-Z][a-z][A-Za-z'-]*|[A-Z])\.?"
_ADDRESS_RE = re.compile(
    rf"(?<![\w.,/$#-])(?P<num>\d{{1,6}})(?P<half> 1/2)?"
    rf"(?P<street>\s+(?:(?:{_COMPASS})\.?\s+)?(?:(?:{_NAME_WORD}\s+){{1,3}}(?:{_TYPES})(?:\.(?=\s|$))?(?![\w])"
    rf"|\d{{1,5}}\s+(?:[NSEW])(?![\w])))"
)
_WORD_RE = re.compile(r"\d+|[A-Za-z]+\.?|\S")
_ZIP_RE = re.compile(
    rf"(?<![\w.,/$-])(?:(?P<state>{'|'.join(STATE_NAMES)})(?P<sep>,?\s+))?"
    r"(?P<zip>\d{5})(?:-(?P<plus4>\d{4}))?(?![\w-]|[.,]\d)"
)
_ZIP_BEFORE = re.compile(r"(?:\b[A-Z]{2}|\b(?:" + _TYPES + r")\.?),?\s+$")
_PO_BOX_RE = re.compile(r"\b(?P<po>P\.?\s?O\.?|Post Office)\s+Box\s+(?P<num>\d{1,6})\b")


def house_number(number: str) -> str:
    """A house number as it is said: "1005" -> "ten oh five", "7800" -> "seventy-eight hundred"."""
    if len(number) <= 2 or number.startswith("0"):
        return cardinal(number) if not number.startswith("0") else digits(number)
    if len(number) == 3:
        head, tail = number[0], number[1:]
    elif len(number) == 4:
        head, tail = number[:2], number[2:]
    elif len(number) == 5:
        return f"{cardinal(number[:2])} {house_number(number[2:])}"
    else:
        return digits(number)
    if tail == "00":
        return f"{cardinal(head)} hundred"
    if tail.startswith("0"):
        return f"{cardinal(head)} oh {numwords.DIGIT_WORDS[int(tail[1])]}"
    return f"{cardinal(head)} {cardinal(tail)}"


def _street(street: str, ends_text: bool) -> str:
    """ "N. Oak Ave." -> "North Oak Avenue": the compass point and the street type in full."""
    words = street.split()
    out = []
    for index, word in enumerate(words):
        bare = word.rstrip(".")
        last = index == len(words) - 1
        if bare.isdigit():
            out.append(house_number(bare))
        elif (index == 0 or last or words[index - 1].isdigit()) and bare in COMPASS_POINTS:
            out.append(COMPASS_POINTS[bare])
        elif last and bare in STREET_TYPES:
            out.append(STREET_TYPES[bare] + ("." if word.endswith(".") and ends_text else ""))
        else:
            out.append(word)
    return " ".join(out)


def read_addresses(text: str) -> str:
    """House number, street and ZIP code as a careful reader says them.

    "500 N. Oak Ave." -> "five hundred North Oak Avenue."; "6641 N 2200 W" ->
    "sixty-six forty-one North twenty-two hundred West"; "3813 1/2 Some Road"
    -> "thirty-eight thirteen and a half Some Road"; "CA 95472" -> "CA nine
    five four seven two"; "60606-6306" -> "six zero six zero six, six three
    zero six"; "PO Box 2311" -> "P O Box twenty-three eleven"; a state's code
    before a ZIP code in full ("UT 84098" -> "Utah eight four zero nine eight").
    """

    def address(match: re.Match[str]) -> str:
        reading = house_number(match.group("num"))
        if match.group("half"):
            reading += " and a half"
        ends = keeps_stop(match.string, match.end())
        return said("address", match.group(0), f"{reading} {_street(match.group('street'), ends)}")

    def zip_code(match: re.Match[str]) -> str:
        state = match.group("state")
        before = written_before(match, 120)
        if state and not (before.endswith(",") or before.endswith(", ") or _ADDRESS_RE.search(before)):
            return match.group(
                0
            )  # "Patient ID 12345" is not Idaho: a state needs a comma or a street before it
        if not (state or match.group("plus4") or _ZIP_BEFORE.search(before[-40:])):
            return match.group(0)
        reading = digits(match.group("zip"))
        if match.group("plus4"):
            reading += f", {digits(match.group('plus4'))}"
        if state:
            reading = f"{STATE_NAMES[state]}{match.group('sep')}{reading}"
        return said("address", match.group(0), reading)

    text = _PO_BOX_RE.sub(
        lambda m: said("address", m.group(0), f"P O Box {house_number(m.group('num'))}"), text
    )
    text = _ADDRESS_RE.sub(address, text)
    return _ZIP_RE.sub(zip_code, text)
