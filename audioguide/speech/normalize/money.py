"""Amounts of money: "$1.50" -> "one dollar and fifty cents", "€10M" -> "ten million euros".

The currency is said after the amount, as it is spoken, and an amount is
read with its currency and its rate ("$15.4/hour" -> "... dollars per
hour"), before the plain number rules would read "$1.50" as "dollar one
point five zero". Tables: ``CURRENCIES``, ``CURRENCY_CODES`` and
``SCALE_SUFFIXES`` in :mod:`~audioguide.speech.normalize.tables`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import CURRENCIES, CURRENCY_CODES, PER_WORDS, SCALE_SUFFIXES
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import INT, cardinal, spoken

_AMOUNT = rf"(?:{INT}(?:\.\d+)?|\.\d+)"
_PER = rf"(?:/(?P<per>{'|'.join(PER_WORDS)})\b)?"
_MONEY_RE = re.compile(
    rf"(?<![\w.])(?P<cur>[$£€])\s?(?P<a>{_AMOUNT})"
    rf"(?:\s?(?:-|to)\s?[$£€]?(?P<b>{_AMOUNT}))?"
    rf"(?:\s(?P<scale>thousand|million|billion|trillion)\b|(?P<suffix>[{''.join(SCALE_SUFFIXES)}])(?![\w]))?"
    rf"(?![\w.]\d|\d){_PER}"
)
# an amount before a currency code: "12000 USD/year", "11.499,00 EUR" (a European decimal comma)
_CODE_RE = re.compile(
    rf"(?<![\w.,])(?P<a>\d{{1,3}}(?:\.\d{{3}})+,\d{{2}}|\d+,\d{{2}}(?=\s?[A-Z])|{_AMOUNT})\s?"
    rf"(?P<code>{'|'.join(CURRENCY_CODES)})\b{_PER}"
)
# thousands grouped by a plain space before a currency's name: "10 000 dollars" (a thin space is
# read by the character rules; a plain one is a grouping only where money follows)
_CURRENCY_NAMES = sorted({names[1] for names in (*CURRENCIES.values(), *CURRENCY_CODES.values())}, key=len)
_SPACED_AMOUNT_RE = re.compile(
    r"(?<![\d,.])\d{1,3}(?: \d{3})+(?=\s(?:"
    + "|".join(re.escape(name) for name in reversed(_CURRENCY_NAMES))
    + r")\b|\s?(?:"
    + "|".join(CURRENCY_CODES)
    + r")\b)"
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


def _per(match: re.Match[str]) -> str:
    return f" per {match.group('per')}" if match.group("per") else ""


def read_money(text: str) -> str:
    """Amounts of money: "$50" -> "fifty dollars", "$1.50" -> "one dollar and fifty cents".

    "$0.50" -> "fifty cents"; "$50-100" -> "fifty to one hundred dollars";
    "$2.5 million" and "$2.5M" -> "two point five million dollars"; "$15/hour"
    -> "fifteen dollars per hour"; "12000 USD" -> "twelve thousand US
    dollars"; also £ and €, and "50¢".
    """

    text = _SPACED_AMOUNT_RE.sub(lambda m: m.group(0).replace(" ", ","), text)

    def replace(match: re.Match[str]) -> str:
        names = CURRENCIES[match.group("cur")]
        a, b = match.group("a"), match.group("b")
        scale = match.group("scale") or SCALE_SUFFIXES.get(match.group("suffix") or "")
        if scale:
            first = spoken(a).words
            if b:
                reading = f"{first} to {spoken(b).words} {scale} {names[1]}"
            else:
                reading = f"{first} {scale} {names[1]}"
        elif b:
            if "." not in a and "." not in b:
                reading = f"{cardinal(a)} to {cardinal(b)} {names[1]}"
            else:
                reading = f"{_money(a, names)} to {_money(b, names)}"
        else:
            reading = _money(a, names)
        return said("money", match.group(0), reading + _per(match))

    def coded(match: re.Match[str]) -> str:
        amount = match.group("a")
        if "," in amount and re.search(r",\d{2}$", amount):  # 11.499,00: dots group, the comma is the point
            amount = amount.replace(".", "").replace(",", ".")
        names = CURRENCY_CODES[match.group("code")]
        whole, _, frac = amount.partition(".")
        if frac and int(frac) == 0:
            amount = whole
        return said("money", match.group(0), _money(amount, names) + _per(match))

    text = _MONEY_RE.sub(replace, text)
    text = _CODE_RE.sub(coded, text)
    return _CENTS_RE.sub(
        lambda m: said(
            "money", m.group(0), f"{cardinal(m.group(1))} {'cent' if m.group(1) == '1' else 'cents'}"
        ),
        text,
    )
