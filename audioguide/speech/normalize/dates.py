"""Calendar dates: "March 3, 2024" -> "March third, twenty twenty-four".

A voice reads "March 3" as "March three" and "2024-03-03" as a subtraction.
A numeric date ("3/4/2024") is ambiguous, so it is read by the guide's
locale (:data:`~audioguide.speech.normalize.tables.DATE_ORDERS`) or, without
one, as written, unless its order is plain ("2/19/15": there is no 19th
month); the classifier passes :func:`read_dates` the order of its lexicon's
locale. A two-digit year is read as POSIX reads it: 69-99 in the 1900s, 00-68
in the 2000s.
"""

from __future__ import annotations

import re

from audioguide.speech import numwords
from audioguide.speech.normalize.tables import DATE_ORDERS, MONTH_ABBREVIATIONS, MONTHS, WEEKDAY_ABBREVIATIONS
from audioguide.speech.normalize.tokens import said, written_before
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
# "10/2008": a month and a year
_DATE_MONTH_SLASH_YEAR = re.compile(r"(?<![\w./])(0?[1-9]|1[0-2])/((?:19|20)\d\d)(?![\w/])")
# "8/99" after the word "date": a month and a two-digit year ("a partial date such as 8/99")
_DATE_MONTH_SLASH_YY = re.compile(r"(?<![\w./])(0?[1-9]|1[0-2])/(\d\d)(?![\w/])")
_DATE_WORD_BEFORE = re.compile(r"\bdates?\b[^.;!?]{0,30}$", re.IGNORECASE)
# "2014-Dec-12", "12-Dec 2012", "12-Dec-2012"
_MONTH_ABBR = "(?P<month>" + "|".join(MONTH_ABBREVIATIONS) + ")"
_DATE_YEAR_MON_DAY = re.compile(
    rf"(?<![\w.-])(?P<year>1[1-9]\d\d|20\d\d)-{_MONTH_ABBR}-(?P<day>\d{{1,2}})(?![\w-])"
)
_DATE_DAY_MON_YEAR = re.compile(
    rf"(?<![\w.-])(?P<day>\d{{1,2}})-{_MONTH_ABBR}(?:-|\s)(?P<year>1[1-9]\d\d|20\d\d)(?![\w-])"
)
# a weekday's abbreviation before a date: "Thu 2/19/15", "Mon, March 3"
_WEEKDAY = re.compile(
    rf"(?<![\w.])(?P<day>{'|'.join(WEEKDAY_ABBREVIATIONS)})\.?(?=,?\s+(?:\d{{1,2}}/\d|{'|'.join(MONTHS)}"
    rf"|(?:{'|'.join(MONTH_ABBREVIATIONS)})\b))"
)


def _month_name(text: str) -> str:
    text = text.rstrip(".")
    return MONTH_ABBREVIATIONS.get(text, text)


def _numeric_year(text: str) -> str:
    value = int(text)
    return numwords.year(value) if len(text) == 4 and 1100 <= value <= 2099 else cardinal(text)


def _two_digit_year(text: str) -> str:
    """ "15" -> "twenty fifteen", "99" -> "nineteen ninety-nine" (POSIX: 69-99 are 19xx)."""
    value = int(text)
    return numwords.year(value + (1900 if value >= 69 else 2000))


def _plain_order(first: int, second: int) -> str | None:
    """The order a numeric date can only have: "mdy" when the second part is above 12, "dmy" for the first."""
    if first == second:
        return "mdy"
    if second > 12 >= first:
        return "mdy"
    if first > 12 >= second:
        return "dmy"
    return None


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
    locale's (:func:`date_order`); None: as written, unless the order is plain.
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
        found = order or _plain_order(int(first), int(second))
        if found in ("mdy", "dmy"):
            month, day = (int(first), int(second)) if found == "mdy" else (int(second), int(first))
            if 1 <= month <= 12 and 1 <= day <= 31:
                name = MONTHS[month - 1]
                year_said = _numeric_year(year) if len(year) == 4 else _two_digit_year(year)
                if found == "mdy":
                    return said("date", match.group(0), f"{name} {numwords.ordinal(str(day))}, {year_said}")
                return said(
                    "date", match.group(0), f"the {numwords.ordinal(str(day))} of {name}, {year_said}"
                )
        return said(
            "date",
            match.group(0),
            f"{cardinal(str(int(first)))} slash {cardinal(str(int(second)))} slash {_numeric_year(year)}",
        )

    def month_slash_year(match: re.Match[str]) -> str:
        return said(
            "date", match.group(0), f"{MONTHS[int(match.group(1)) - 1]} {numwords.year(int(match.group(2)))}"
        )

    def abbreviated(match: re.Match[str]) -> str:
        day = int(match.group("day"))
        if not 1 <= day <= 31:
            return match.group(0)
        reading = f"{_month_name(match.group('month'))} {numwords.ordinal(str(day))}"
        return said("date", match.group(0), _with_year(reading, match))

    text = _WEEKDAY.sub(lambda m: said("date", m.group(0), WEEKDAY_ABBREVIATIONS[m.group("day")]), text)
    text = _DATE_ISO.sub(lambda m: said("date", m.group(0), iso(m)), text)
    text = _DATE_YEAR_MON_DAY.sub(abbreviated, text)
    text = _DATE_DAY_MON_YEAR.sub(abbreviated, text)
    text = _DATE_NUMERIC.sub(numeric, text)
    text = _DATE_MONTH_SLASH_YEAR.sub(month_slash_year, text)
    text = _DATE_MONTH_SLASH_YY.sub(
        lambda m: (
            said("date", m.group(0), f"{MONTHS[int(m.group(1)) - 1]} {cardinal(m.group(2))}")
            if _DATE_WORD_BEFORE.search(written_before(m, 40))
            else m.group(0)
        ),
        text,
    )
    text = _DATE_MONTH_FIRST.sub(lambda m: _said(m, month_first(m)), text)
    text = _DATE_DAY_FIRST.sub(lambda m: _said(m, day_first(m)), text)
    return _DATE_MONTH_YEAR.sub(lambda m: said("date", m.group(0), month_year(m)), text)


def _said(match: re.Match[str], reading: str) -> str:
    return reading if reading == match.group(0) else said("date", match.group(0), reading)
