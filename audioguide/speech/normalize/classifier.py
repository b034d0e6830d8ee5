"""The token classifier: the entry point of the normalizer.

A sentence is read by semiotic class (the classes of Sproat & Jaitly's text
normalization data and of NeMo's text processing: cardinal, ordinal,
decimal, fraction, range, measure, money, date, time, telephone, address,
electronic, version, identifier, letters, abbreviation, code, emoticon, and
our citation; see
:data:`~audioguide.speech.normalize.tokens.CLASSES`). Each class has its
reader, a module of one concern; the readers run in the order of
:data:`PASSES`, each finding its tokens in what is left of the sentence:
every token a reader finds is put aside (:mod:`~audioguide.speech.normalize.tokens`),
so a later reader never reads it again. A token's "/", ".", "#", "+" and "-"
are read by its own class: "/" is "slash" in a path, "per" in a measure,
"or" between alternatives; "." is "dot" in a file name and "point" in a
version; "-" is "to" in a range and "dash" in a URL.

The order is the design. Characters are cleaned first; code, web addresses,
paths, file names and phone numbers are read before the pronunciation
lexicon (so "nih" in an address is not an acronym); the lexicon comes next
(the author's own words win over every later reader); then the classes whose
tokens hold numbers in a context (a journal citation, whose month and page
numbers no other reader may take apart, first; an address, a time, a date, an id, a
version, a measure, money) before the plain numbers (ranges, fractions,
ordinals, decimals, cardinals), and the signs left last.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from audioguide.speech.lexicon import Lexicon
from audioguide.speech.normalize.abbreviations import expand_abbreviations, read_page_references
from audioguide.speech.normalize.addresses import read_addresses
from audioguide.speech.normalize.characters import clean_characters
from audioguide.speech.normalize.citations import REFERENCE_PATTERN, read_authors, read_citations
from audioguide.speech.normalize.clinical import read_blood_pressure, read_dosing, read_routes
from audioguide.speech.normalize.code import CODE_SPAN_RE
from audioguide.speech.normalize.dates import date_order, read_dates
from audioguide.speech.normalize.electronic import (
    EMAIL_PATTERN,
    FILE_NAME_PATTERN,
    PATH_PATTERN,
    URL_PATTERN,
    read_electronic,
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
from audioguide.speech.normalize.telephone import read_phone_numbers
from audioguide.speech.normalize.times import read_times
from audioguide.speech.normalize.tokens import (
    PLACEHOLDER_BASE,
    PLACEHOLDER_CHARS,
    Session,
    Token,
    current,
    session,
)
from audioguide.speech.normalize.versions import VERSION_PATTERN, read_versions
from audioguide.speech.normalize.years import read_running_years, read_years
from audioguide.speech.numwords import GLYPHS

Rule = Callable[[str], str]

_PHONEME_RE = re.compile(r"\[\[.*?\]\]", re.DOTALL)

BEFORE_LEXICON: tuple[Rule, ...] = (clean_characters, read_electronic, read_phone_numbers)
AFTER_LEXICON: tuple[Rule, ...] = (
    read_authors,
    read_citations,
    read_emoticons,
    read_addresses,
    expand_abbreviations,
    read_page_references,
    read_roman_numerals,
    read_dosing,
    read_times,
    read_dates,
    read_identifiers,
    read_versions,
    read_feet_inches,
    read_multipliers,
    read_money,
    read_blood_pressure,
    read_percentages,
    read_units,
    read_codes,
    read_routes,
    read_slashes,
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
# Readers that only read tokens holding a digit (or a fraction glyph) are skipped in a sentence
# without one: most sentences of prose have none, and the normalizer runs on every rebuild's plan.
_HAS_NUMBER = re.compile(rf"[\d{GLYPHS}]")
_NUMBER_READERS = frozenset(
    {
        read_citations,
        read_phone_numbers,
        read_addresses,
        read_page_references,
        read_times,
        read_dates,
        read_identifiers,
        read_versions,
        read_feet_inches,
        read_multipliers,
        read_money,
        read_blood_pressure,
        read_percentages,
        read_codes,
        read_years,
        read_running_years,
        read_ranges,
        read_fractions,
        read_ordinals,
        read_decimals,
        read_cardinals,
    }
)


def _run(rules: tuple[Rule, ...], text: str) -> str:
    numbers = _HAS_NUMBER.search(text) is not None
    for rule in rules:
        if numbers or getattr(rule, "func", rule) not in _NUMBER_READERS:
            text = rule(text)
    return text


@lru_cache(maxsize=8)
def _after_lexicon(order: str | None) -> tuple[Rule, ...]:
    """:data:`AFTER_LEXICON` but its last (spacing), with numeric dates read in ``order``: the
    order of the lexicon's locale (:func:`~audioguide.speech.normalize.dates.date_order`)."""
    dates = partial(read_dates, order=order)
    return tuple(dates if rule is read_dates else rule for rule in AFTER_LEXICON[:-1])


PASSES: tuple[str, ...] = (
    *(rule.__name__ for rule in BEFORE_LEXICON),
    "apply_lexicon",
    *(rule.__name__ for rule in AFTER_LEXICON),
)
"""The readers' names in the order :func:`classify` runs them."""


@dataclass(frozen=True)
class Classified:
    """A sentence read by class: what the engine should say, and the tokens read on the way."""

    speech: str
    tokens: tuple[Token, ...]  # the tokens rewritten, in sentence order (not those inside larger ones)


def _apply_lexicon(text: str, lexicon: Lexicon, active: Session) -> str:
    return lexicon.apply(text, mark=lambda written, reading: active.mark("lexicon", written, reading))


def _hide_phonemes(text: str, active: Session) -> str:
    """``[[phonemes]]`` put aside before any reader runs: kept verbatim."""
    return _PHONEME_RE.sub(lambda m: f" {active.mark('phoneme', m.group(0), m.group(0))} ", text)


def read_fragment(text: str) -> str:
    """A piece of a sentence (the inside of a code span) read by every class reader, characters
    and spacing aside; in a classification, its tokens are recorded with the sentence's."""
    active = current()
    if active is None:
        return normalize_text(text, Lexicon.builtin())
    text = _run(BEFORE_LEXICON[1:], text)
    text = _apply_lexicon(text, active.lexicon, active)
    return _run(_after_lexicon(date_order(getattr(active.lexicon, "locale", None))), text)


def classify(text: str, lexicon: Lexicon | None = None) -> Classified:
    """Read one sentence by class (see the module docstring).

    ``lexicon`` None means :meth:`Lexicon.builtin`. A sentence that starts
    with a capital still does when its first word was replaced by a
    lower-case reading ("FAQs: ..." -> "Frequently asked questions: ...").
    """
    if lexicon is None:
        lexicon = Lexicon.builtin()
    after_lexicon = _after_lexicon(date_order(getattr(lexicon, "locale", None)))
    with session() as active:
        active.lexicon = lexicon
        text = _hide_phonemes(PLACEHOLDER_CHARS.sub("", text), active)
        text = _run(BEFORE_LEXICON, text)
        capital = active.reading(text).lstrip()[:1].isupper()
        text = _apply_lexicon(text, lexicon, active)
        text = _run(after_lexicon, text)
        placed = [active.tokens[ord(ch) - PLACEHOLDER_BASE] for ch in PLACEHOLDER_CHARS.findall(text)]
        speech = tidy_spacing(active.reading(text, keep="phoneme"))
        if capital and speech[:1].islower():
            speech = speech[0].upper() + speech[1:]
        speech = active.reading(speech)
    return Classified(speech, tuple(t for t in placed if t.cls != "phoneme"))


# Tokens a sentence boundary never falls inside: code spans, addresses, paths, file names, versions,
# decimals, ids with dots, a journal's title with its year; and abbreviations with dots, after which
# a sentence goes on in lower case.
_UNBREAKABLE: tuple[re.Pattern[str], ...] = (
    CODE_SPAN_RE,
    REFERENCE_PATTERN,
    URL_PATTERN,
    EMAIL_PATTERN,
    PATH_PATTERN,
    FILE_NAME_PATTERN,
    VERSION_PATTERN,
    re.compile(r"(?<![\w.])[A-Z]?\d*\.\d+(?![\w])"),
)
_ABBREVIATION_PATTERN = re.compile(
    r"(?<![\w.])(?:(?:[A-Za-z]\.(?:\d{1,2}\.)?){2,}"
    r"|(?:Figs?|Ch|Chap|Vol|Eq|Sect?|No|no|[Aa]pprox|vs|Dr|Mr|Mrs|Ms|Prof|St|Ste|Apt|[Ee]xt|pp?|Inc|Jr|Sr)\.)"
)


def unbreakable_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(tokens no sentence boundary may cut, abbreviations with dots) in ``text``, as (start, end).

    The sentence splitter (:mod:`audioguide.speech.sentences`) joins again what it cut inside
    the first, or after one of the second where the sentence goes on in lower case or with a digit.
    """
    tokens = [m.span() for pattern in _UNBREAKABLE for m in pattern.finditer(text)]
    return tokens, [m.span() for m in _ABBREVIATION_PATTERN.finditer(text)]


def normalize_text(text: str, lexicon: Lexicon | None = None) -> str:
    """The speech text of one sentence: :func:`classify`'s ``speech``."""
    return classify(text, lexicon).speech
