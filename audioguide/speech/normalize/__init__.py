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

The order is the design: each rule sees what the rules before it produced,
so a rule that reads a number in its context (a phone number, a time, a
dose) runs before the plain number rules would read its digits one way for
every context. The lexicon runs in the middle: after the characters are
plain and web addresses and phone numbers are read (so "nih" in an address
is not an acronym), before abbreviations and numbers (so the author's own
words win). ``[[phoneme]]`` readings are put aside (``_Shelf``) so no rule
can touch them.

One module per rule family, each saying why its rules exist; the tables
they read are data, in :mod:`~audioguide.speech.normalize.tables`:

* ``characters`` - 1; ``web`` - 2; ``phones`` - 3;
* ``abbreviations`` - abbreviations and page references (5);
* ``clinical`` - dosing, blood pressure and routes (5, 10, 12);
* ``times`` - 6; ``dates`` - 7 (and the locale's date order);
* ``identifiers`` - identifiers, dotted numbers, Roman numerals, slashes, codes (5, 7, 8);
* ``measures`` - feet and inches, multipliers, money, percentages, units (7, 9-12);
* ``years`` - 13; ``numbers`` - 14-18; ``symbols`` - 19 and 20;
* ``expansions`` - how an abbreviation's reading takes its place (shared).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial

from audioguide.speech.lexicon import Lexicon
from audioguide.speech.normalize.abbreviations import expand_abbreviations, read_page_references
from audioguide.speech.normalize.characters import clean_characters, drop_html_tags
from audioguide.speech.normalize.clinical import read_blood_pressure, read_dosing, read_routes
from audioguide.speech.normalize.dates import date_order, read_dates
from audioguide.speech.normalize.identifiers import (
    read_codes,
    read_dotted_numbers,
    read_identifiers,
    read_roman_numerals,
    read_slashes,
)
from audioguide.speech.normalize.measures import (
    read_feet_inches,
    read_money,
    read_multipliers,
    read_percentages,
    read_units,
)
from audioguide.speech.normalize.numbers import (
    read_cardinals,
    read_decimals,
    read_fractions,
    read_ordinals,
    read_ranges,
)
from audioguide.speech.normalize.phones import read_phone_numbers
from audioguide.speech.normalize.symbols import read_symbols, tidy_spacing
from audioguide.speech.normalize.tables import (
    DATE_ORDERS,
    DIGITWISE_IDENTIFIERS,
    PAGE_ABBREVIATIONS,
    ROMAN_NUMBER_WORDS,
    ROUTES,
    UNITS,
    YEAR_NOUNS,
)
from audioguide.speech.normalize.times import read_times
from audioguide.speech.normalize.web import URL_PATTERN, read_web_addresses
from audioguide.speech.normalize.years import read_running_years, read_years

__all__ = [
    "AFTER_LEXICON",
    "BEFORE_LEXICON",
    "DATE_ORDERS",
    "DIGITWISE_IDENTIFIERS",
    "PAGE_ABBREVIATIONS",
    "ROMAN_NUMBER_WORDS",
    "ROUTES",
    "RULES",
    "Rule",
    "UNITS",
    "URL_PATTERN",
    "YEAR_NOUNS",
    "clean_characters",
    "date_order",
    "drop_html_tags",
    "expand_abbreviations",
    "normalize",
    "read_blood_pressure",
    "read_cardinals",
    "read_codes",
    "read_decimals",
    "read_dosing",
    "read_dotted_numbers",
    "read_feet_inches",
    "read_fractions",
    "read_identifiers",
    "read_money",
    "read_multipliers",
    "read_ordinals",
    "read_page_references",
    "read_percentages",
    "read_phone_numbers",
    "read_ranges",
    "read_roman_numerals",
    "read_routes",
    "read_running_years",
    "read_slashes",
    "read_symbols",
    "read_times",
    "read_units",
    "read_web_addresses",
    "read_years",
    "tidy_spacing",
]

Rule = Callable[[str], str]

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
    return _normalize(text, lexicon, _after_lexicon(date_order(getattr(lexicon, "locale", None))))


@lru_cache(maxsize=8)
def _after_lexicon(order: str | None) -> tuple[Rule, ...]:
    """:data:`AFTER_LEXICON` with numeric dates read in ``order`` (the lexicon's locale's)."""
    dates = partial(read_dates, order=order)
    return tuple(dates if rule is read_dates else rule for rule in AFTER_LEXICON)


def _normalize(text: str, lexicon: Lexicon, after_lexicon: tuple[Rule, ...]) -> str:
    shelf = _Shelf()
    text = shelf.hide(_PLACEHOLDER_CHARS.sub("", text))
    for rule in BEFORE_LEXICON:
        text = rule(text)
    capital = text[:1].isupper()
    text = shelf.hide(lexicon.apply(text))
    for rule in after_lexicon:
        text = rule(text)
    if capital and text[:1].islower():
        text = text[0].upper() + text[1:]
    return shelf.restore(text)
