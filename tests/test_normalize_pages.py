"""Readings real pages need: one table per rule, and the same checked through ``audioguide say``."""

from __future__ import annotations

import pytest
from cli_helpers import invoke

from audioguide.speech.lexicon import Lexicon
from audioguide.speech.normalize import (
    date_order,
    normalize,
    read_dates,
    read_dotted_numbers,
    read_feet_inches,
    read_identifiers,
    read_page_references,
    read_roman_numerals,
    read_running_years,
    read_slashes,
)
from audioguide.speech.sentences import split_sentences

PAGES = [
    ("See pp. 12-14.", "See pages 12-14."),
    ("Table on p. 7", "Table on page 7"),
    ("Pp. 3-4 list it", "Pages 3-4 list it"),
    ("the p. value", "the p. value"),  # no number: not a page
]
FEET_INCHES = [
    ("He is 5'10\" tall.", "He is five feet ten inches tall."),
    ("a 6' fence", "a six feet fence"),
    ("a 1' step", "a one foot step"),
    ('a 10" cut', "a ten inches cut"),
    ("the '90s", "the '90s"),  # a decade, not feet
    ('he said "10" twice', 'he said "10" twice'),  # a quoted number, not inches
]
IDENTIFIERS = [
    ("Read PEP 602.", "Read PEP six zero two."),
    ("RFC 2616 says", "RFC two six one six says"),
    ("Form W-2", "Form W two"),
    ("ICD-10 codes", "ICD ten codes"),
    ("ICD-10-CM", "ICD ten CM"),
    ("COVID-19 vaccine", "COVID nineteen vaccine"),
    ("long-term", "long-term"),
]
DOTTED = [
    ("Python 3.11.2", "Python three point eleven point two"),
    ("see 3.2.1 below", "see three point two point one below"),
    ("2.5 mg", "2.5 mg"),  # one point: a decimal, read by its own rule
]
ROMAN = [
    ("Stage II cancer", "Stage two cancer"),
    ("type II diabetes", "type two diabetes"),
    ("type I diabetes", "type one diabetes"),
    ("at this stage I felt fine", "at this stage I felt fine"),  # the pronoun
    ("Stage I.", "Stage one."),
    ("grade III", "grade three"),
    ("a phase IV trial", "a phase four trial"),
    ("class II device", "class two device"),
    ("Part III", "Part three"),
    ("chapter IV", "chapter four"),
    ("cranial nerve VII", "cranial nerve seven"),
    ("stage IIIb", "stage three B"),
    ("type IIII", "type IIII"),  # not a numeral
    ("class Vi", "class Vi"),
    # one letter of 50 and more is a lettered section or appendix (nibabel's DICOM introduction)
    ("See Section C.8.4.6.1.3 for further explanation.", "See Section C.8.4.6.1.3 for further explanation."),
    ("see section D", "see section D"),
    ("Part L", "Part L"),
    ("Part XL", "Part forty"),
]
SLASHES = [
    ("he/she", "he or she"),
    ("yes/no", "yes or no"),
    ("Yes/No", "Yes or No"),
    ("Misc/HISTORY", "Misc slash HISTORY"),
    ("Debian GNU/Linux", "Debian GNU slash Linux"),
    ("(GNU/Linux).", "(GNU slash Linux)."),
    ("/usr/lib", "slash usr slash lib"),
    ("and/or", "and/or"),  # its own reading, later
    ("3/4 cup", "3/4 cup"),  # a fraction, later
]
RUNNING_YEARS = [
    ("During the 1989 Christmas holidays", "During the nineteen eighty-nine Christmas holidays"),
    ("the 2024 flu season", "the twenty twenty-four flu season"),
    ("1989's release", "nineteen eighty-nine's release"),
    ("the summer of 1991.", "the summer of nineteen ninety-one."),
    ("the 2000 patients", "the 2000 patients"),  # a count, not a year
    ("out of 1500 people", "out of 1500 people"),
]


@pytest.mark.parametrize(
    ("rule", "rows"),
    [
        (read_page_references, PAGES),
        (read_feet_inches, FEET_INCHES),
        (read_identifiers, IDENTIFIERS),
        (read_dotted_numbers, DOTTED),
        (read_roman_numerals, ROMAN),
        (read_slashes, SLASHES),
        (read_running_years, RUNNING_YEARS),
    ],
)
def test_rule_table(rule, rows):
    for written, expected in rows:
        assert rule(written) == expected, written


WHOLE = [
    ("See pp. 12-14.", "See pages twelve to fourteen."),
    ("He is 5'10\" tall.", "He is five feet ten inches tall."),
    ("Read PEP 602 and Form W-2.", "Read PEP six zero two and Form W two."),
    ("Edit Misc/HISTORY.", "Edit Misc slash HISTORY."),
    ("Stage II and type I diabetes.", "Stage two and type one diabetes."),
    ("Read the FAQs.", "Read the frequently asked questions."),
    (
        "Press <kbd>Enter</kbd><br> now, as x < 3 and y > 2.",
        "Press Enter now, as x less than three and y greater than two.",
    ),
    ("In the 1989 Christmas holidays.", "In the nineteen eighty-nine Christmas holidays."),
]


@pytest.mark.parametrize(("written", "expected"), WHOLE)
def test_whole_pipeline(written, expected):
    assert normalize(written) == expected


DATES = [
    (None, "Born 12/03/2024.", "Born twelve slash three slash twenty twenty-four."),
    ("en-US", "Born 12/03/2024.", "Born December third, twenty twenty-four."),
    ("en_US", "Born 12/03/2024.", "Born December third, twenty twenty-four."),
    ("en-GB", "Born 12/03/2024.", "Born the twelfth of March, twenty twenty-four."),
    ("de", "Am 12/03/2024.", "Am the twelfth of March, twenty twenty-four."),
    ("en", "Born 12/03/2024.", "Born twelve slash three slash twenty twenty-four."),  # "en" does not say
    ("en-US", "On 13/25/2024.", "On thirteen slash twenty-five slash twenty twenty-four."),  # not a date
]


@pytest.mark.parametrize(("locale", "written", "expected"), DATES)
def test_numeric_dates_follow_the_guides_locale(locale, written, expected):
    assert normalize(written, Lexicon.builtin().with_locale(locale)) == expected


@pytest.mark.parametrize(
    "order, expected",
    [("dmy", "the twelfth of March, 2024"), ("mdy", "December third, 2024"), (None, "twelve slash three")],
)
def test_the_date_order_is_a_parameter(order, expected):
    """What decides the reading is passed in, not taken from ambient state."""
    assert read_dates("12/03/2024", order).replace("twenty twenty-four", "2024").startswith(expected)


def test_date_order_of_locales():
    assert [date_order(x) for x in ("en-US", "en-gb", "fr-CA", "en", None, "xx")] == [
        "mdy",
        "dmy",
        "dmy",
        None,
        None,
        None,
    ]


def test_locale_is_part_of_the_lexicon_identity():
    """The clip cache key follows the speech text; the lexicon identity changes with the locale too."""
    base = Lexicon.builtin()
    assert base.with_locale("en-GB").identity() != base.identity()
    assert base.with_locale("en-GB").with_entries({"PRP": "P R P"}).locale == "en-GB"


def test_a_web_address_with_a_query_stays_one_sentence():
    text = "See https://example.org/search?q=knee&lang=en for more. Then call us."
    assert split_sentences(text) == [
        "See https://example.org/search?q=knee&lang=en for more.",
        "Then call us.",
    ]
    assert normalize(split_sentences(text)[0]) == (
        "See example dot org slash search question mark q equals knee and lang equals en for more."
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["See https://example.org/a?q=knee for more."],
            "See example dot org slash a question mark q equals knee for more.\n",
        ),
        (["Born 12/03/2024.", "--locale", "en-GB"], "Born the twelfth of March, twenty twenty-four.\n"),
        (
            ["Stage IIIb, cranial nerve VII, 5'10\"."],
            "Stage three B, cranial nerve seven, five feet ten inches.\n",
        ),
    ],
)
def test_checked_with_say(args, expected):
    result = invoke("say", *args, "--no-audio")
    assert result.exit_code == 0, result.stderr
    assert result.output == expected
