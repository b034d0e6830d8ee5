"""Written sentence -> what the speech engine should say, read by semiotic class.

:func:`classify` is the entry point (:mod:`~audioguide.speech.normalize.classifier`):
it finds each token's class and reads it with that class's reader;
:func:`normalize` is its speech text. The readers, one module each, in the
order they run (:data:`RULES`):

* ``characters`` - smart quotes, dashes, odd spaces, control characters,
  citation marks, HTML tags, LaTeX escapes (a pre-processor, not a class);
* ``code`` - inline code spans, options and their values, escapes, template
  placeholders, dotted names that read as code ("read.table()");
  ``electronic`` - DOIs, URLs, e-mail addresses, paths, file names;
* ``telephone`` - phone numbers and extensions in digit groups;
* the lexicon (:meth:`Lexicon.apply`): acronyms and the author's own words;
* ``citations`` - a reference's authors' initials, its journal's title in full,
  its year, volume, issue and pages;
* ``emoticons``; ``addresses`` - house numbers, streets, ZIP codes;
* ``abbreviations`` - titles, Latin, "Fig. 3", page references;
  ``clinical`` - dosing frequencies and intervals, routes, blood pressure;
* ``times``; ``dates`` and ``years``; ``identifiers`` - DICOM tags, section
  numbers, CVE, ICD-10, ids, codes, Roman numerals; ``versions``;
* ``measures`` - units (compound and scientific too), percentages,
  multipliers, feet and inches; ``money``;
* ``slashes`` - words joined by a slash ("compound" tokens);
* ``numbers`` - ranges, fractions, ordinals, decimals, cardinals;
* ``symbols`` - the signs left, then the spacing tidied.

The tables the readers use are data, in :mod:`~audioguide.speech.normalize.tables`.

The normalizer never drops a word: every reader either keeps a word or
replaces it with its reading (an emoticon is the exception: it is left
unsaid). Readings it does not guess:

* a numeric date such as "3/4/2024" (March 4 or 3 April?) is read as
  written, "three slash four slash twenty twenty-four", unless the guide's
  locale (``locale: en-GB``) gives the order or the date allows only one
  ("2/19/2015");
* "Do Not Use" abbreviations (see :mod:`audioguide.speech.donotuse`) are read
  in full where they are unambiguous ("10 U" -> "ten units", "400 IU" ->
  "four hundred international units", "qd" -> "every day") and still
  reported to the author; "MS" stays as written; "5.0 mg" -> "five point
  zero milligrams", ".5 mg" -> "point five milligrams";
* a 7-digit "555-1234" is a phone number only after a cue ("call", "phone",
  "tel", "fax", "text", "dial", also "call Dr. Lee at", "call our desk on") or
  before an extension; otherwise it is a range;
* a 4-digit number is a year only in year context (after "in", "since",
  "by", a month, ... or in parentheses); elsewhere it is a cardinal.

Times keep "a.m."/"p.m." in dotted form, which the Piper voice reads as
letters; "a m" would be read "uh em".
"""

from __future__ import annotations

from audioguide.speech.normalize.abbreviations import expand_abbreviations, read_page_references
from audioguide.speech.normalize.addresses import read_addresses
from audioguide.speech.normalize.characters import clean_characters, drop_html_tags
from audioguide.speech.normalize.classifier import (
    AFTER_LEXICON,
    BEFORE_LEXICON,
    PASSES,
    Classified,
    Rule,
    classify,
    normalize_text,
)
from audioguide.speech.normalize.clinical import read_blood_pressure, read_dosing, read_routes
from audioguide.speech.normalize.code import read_code
from audioguide.speech.normalize.dates import date_order, read_dates
from audioguide.speech.normalize.electronic import (
    FILE_NAME_PATTERN,
    PATH_PATTERN,
    URL_PATTERN,
    read_electronic,
    read_paths_and_files,
    read_web_addresses,
)
from audioguide.speech.normalize.emoticons import read_emoticons
from audioguide.speech.normalize.identifiers import read_codes, read_identifiers, read_roman_numerals
from audioguide.speech.normalize.measures import (
    read_feet_inches,
    read_multipliers,
    read_percentages,
    read_units,
)
from audioguide.speech.normalize.money import read_money
from audioguide.speech.normalize.numbers import (
    read_cardinals,
    read_decimals,
    read_fractions,
    read_ordinals,
    read_ranges,
)
from audioguide.speech.normalize.slashes import read_slashes
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
from audioguide.speech.normalize.telephone import read_phone_numbers
from audioguide.speech.normalize.times import read_times
from audioguide.speech.normalize.tokens import CLASSES, Token
from audioguide.speech.normalize.versions import read_dotted_numbers, read_versions
from audioguide.speech.normalize.years import read_running_years, read_years

__all__ = [
    "AFTER_LEXICON",
    "BEFORE_LEXICON",
    "CLASSES",
    "DATE_ORDERS",
    "DIGITWISE_IDENTIFIERS",
    "FILE_NAME_PATTERN",
    "PAGE_ABBREVIATIONS",
    "PATH_PATTERN",
    "ROMAN_NUMBER_WORDS",
    "ROUTES",
    "RULES",
    "Classified",
    "Rule",
    "Token",
    "UNITS",
    "URL_PATTERN",
    "YEAR_NOUNS",
    "classify",
    "clean_characters",
    "date_order",
    "drop_html_tags",
    "expand_abbreviations",
    "normalize",
    "read_addresses",
    "read_blood_pressure",
    "read_cardinals",
    "read_code",
    "read_codes",
    "read_dates",
    "read_decimals",
    "read_dosing",
    "read_dotted_numbers",
    "read_electronic",
    "read_emoticons",
    "read_feet_inches",
    "read_fractions",
    "read_identifiers",
    "read_money",
    "read_multipliers",
    "read_ordinals",
    "read_page_references",
    "read_paths_and_files",
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
    "read_versions",
    "read_web_addresses",
    "read_years",
    "tidy_spacing",
]

RULES: tuple[str, ...] = PASSES
"""The readers' names in the order :func:`classify` applies them."""


def normalize(text: str, lexicon=None) -> str:
    """A written sentence as the engine should say it: :func:`classify`'s speech text.

    ``lexicon`` None means :meth:`Lexicon.builtin`.
    """
    return normalize_text(text, lexicon)
