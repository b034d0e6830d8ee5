"""Calendar dates: "March 3, 2024" -> "March third, twenty twenty-four".

A voice reads "March 3" as "March three" and "2024-03-03" as a subtraction.
A numeric date ("3/4/2024") is ambiguous, so it is read by the guide's
locale (:data:`~audioguide.speech.normalize.tables.DATE_ORDERS`) or, without
one, as written; :func:`normalize` passes the order of its lexicon's locale.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tables import DATE_ORDERS, MONTH_ABBREVIATIONS, MONTHS
from audioguide.speech.numwords import cardinal

_MONTH = "(?P<month>" + "|".join(MONTHS) + "|(?:" + "|".join(MONTH_ABBREVIATIONS) + r")\.?)"
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
    return MONTH_ABBREVIATIONS.get(text, text)


def _numeric_year(text: str) -> str:
    value = int(text)
    return numwords.year(value) if len(text) == 4 and 1100 <= value <= 2099 else cardinal(text)


def date_order(locale: str | None) -> str | None:
    """ "en-GB" -> "dmy", "en_US" -> "mdy", "de" -> "dmy"; None when the locale does not say."""
    if not locale:
        return None
    tag = locale.strip().replace("_", "-").lower()
    return DATE_ORDERS.get(tag) or DATE_ORDERS.get(tag.split("-")[0])


def _with_year(out: str, match: re.Match[str]) -> str:
    """A date's words, then its year when the match has one ("March third, twenty twenty-four")."""
    if match.group("year"):
        out += f", {numwords.year(int(match.group('year')))}"
    return out


def read_dates(text: str, order: str | None = None) -> str:
    """Calendar dates with a month name, ISO dates and numeric dates.

    "March 3, 2024" -> "March third, twenty twenty-four"; "3 March 2024" ->
    "the third of March, twenty twenty-four"; "Mar. 3rd" -> "March third";
    "March 2024" -> "March twenty twenty-four"; "2024-03-03" -> "March third,
    twenty twenty-four". A numeric date such as "3/4/2024" is ambiguous
    (March 4 in the US, 3 April elsewhere): the guide's locale decides
    ("en-US": "March fourth, twenty twenty-four"; "en-GB": "the third of
    April, twenty twenty-four"); without one it is read as written: "three
    slash four slash twenty twenty-four". ``order``: "mdy" or "dmy", the
    locale's (:func:`date_order`); None reads numeric dates as written.
    """

    def month_first(match: re.Match[str]) -> str:
        day = int(match.group("day"))
        if not 1 <= day <= 31:
            return match.group(0)
        return _with_year(f"{_month_name(match.group('month'))} {numwords.ordinal(str(day))}", match)

    def day_first(match: re.Match[str]) -> str:
        day = int(match.group("day"))
        if not 1 <= day <= 31:
            return match.group(0)
        return _with_year(f"the {numwords.ordinal(str(day))} of {_month_name(match.group('month'))}", match)

    def month_year(match: re.Match[str]) -> str:
        return f"{_month_name(match.group('month'))} {numwords.year(int(match.group('year')))}"

    def iso(match: re.Match[str]) -> str:
        year, month, day = match.groups()
        return f"{MONTHS[int(month) - 1]} {numwords.ordinal(day.lstrip('0'))}, {numwords.year(int(year))}"

    def numeric(match: re.Match[str]) -> str:
        first, second, year = match.groups()
        if order in ("mdy", "dmy"):
            month, day = (int(first), int(second)) if order == "mdy" else (int(second), int(first))
            if 1 <= month <= 12 and 1 <= day <= 31:
                name = MONTHS[month - 1]
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
