"""Tokens: a written piece of a sentence, its semiotic class and how it is said.

The class readers find their tokens with regular expressions and return each
token's reading through :func:`said`. While :func:`~audioguide.speech.normalize.classify`
runs, :func:`said` records the token and puts a placeholder (one private-use
character) in its place, so no later reader can read it again: the dot of
"v0.8" is never a decimal point, the slash of a path never "or", the "-" of a
range never a dash. Called on its own (a reader's table test), a reader just
returns the text with its readings in place.

A reader that needs the words around its token (a phone number after "call",
a route after a dose) asks :func:`written_before` / :func:`written_after`: the
text as written there, whatever earlier readers made of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audioguide.speech.lexicon import Lexicon

PLACEHOLDER_BASE = 0xF0000  # supplementary private use: never in cleaned text
PLACEHOLDER_CHARS = re.compile("[\U000f0000-\U000ffffd]")
PLACEHOLDER_CLASS = "\U000f0000-\U000ffffd"  # for character classes in readers' patterns

CLASSES: tuple[str, ...] = (
    "cardinal",
    "ordinal",
    "decimal",
    "fraction",
    "range",
    "measure",
    "money",
    "date",
    "time",
    "telephone",
    "address",
    "electronic",
    "version",
    "identifier",
    "letters",
    "abbreviation",
    "code",
    "emoticon",
    "citation",
    "compound",
    "symbol",
    "lexicon",
    "phoneme",
)
"""The semiotic classes a token can have (Sproat & Jaitly's, NeMo's, and ours: ``citation`` for a
reference's year, volume, issue and pages, ``compound`` for
words joined by a slash, ``symbol`` for a sign said on its own, ``lexicon`` for a word a
pronunciation lexicon rewrote, ``phoneme`` for a ``[[...]]`` reading kept verbatim)."""


@dataclass(frozen=True)
class Token:
    """One piece of a sentence a reader rewrote: its class, as written, as said."""

    cls: str
    written: str
    reading: str


class Session:
    """The tokens of one sentence while it is classified."""

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.lexicon: Lexicon | None = None  # the sentence's: a code span's inside is read with it

    def mark(self, cls: str, written: str, reading: str) -> str:
        """A placeholder for a new token (tokens inside ``written`` or ``reading`` become part of it)."""
        token = Token(cls, self.written(written), self.reading(reading))
        self.tokens.append(token)
        return chr(PLACEHOLDER_BASE + len(self.tokens) - 1)

    def token(self, ch: str) -> Token | None:
        index = ord(ch) - PLACEHOLDER_BASE
        return self.tokens[index] if 0 <= index < len(self.tokens) else None

    def written(self, text: str) -> str:
        """``text`` with each placeholder put back as written."""
        return PLACEHOLDER_CHARS.sub(lambda m: t.written if (t := self.token(m.group(0))) else "", text)

    def reading(self, text: str, keep: str | None = None) -> str:
        """``text`` with each placeholder replaced by its reading (those of class ``keep`` left)."""

        def restore(match: re.Match[str]) -> str:
            token = self.token(match.group(0))
            if token is None:
                return ""
            if token.cls == keep:
                return match.group(0)
            # a reading never runs into the word or the reading next to it ("libdb4.2", "${prefix}/bin")
            before = text[match.start() - 1 : match.start()]
            after = text[match.end() : match.end() + 1]
            reading = token.reading
            if reading[:1].isalnum() and _touches(before, _JOINS_LEFT):
                reading = " " + reading
            if reading[-1:].isalnum() and _touches(after, _JOINS_RIGHT):
                reading += " "
            return reading

        return PLACEHOLDER_CHARS.sub(restore, text)


_JOINS_LEFT = frozenset(")]}")
_JOINS_RIGHT = frozenset("([{")


def _touches(ch: str, brackets: frozenset[str]) -> bool:
    """Whether a reading next to ``ch`` would run into it: a letter, a digit, another token, a bracket."""
    return bool(ch) and (ch.isalnum() or ch in brackets or PLACEHOLDER_CHARS.match(ch) is not None)


_SESSION: ContextVar[Session | None] = ContextVar("normalize_session", default=None)


@contextmanager
def session() -> Iterator[Session]:
    """Within the block, :func:`said` records tokens in the session yielded."""
    active = Session()
    reset = _SESSION.set(active)
    try:
        yield active
    finally:
        _SESSION.reset(reset)


def current() -> Session | None:
    """The session of the sentence being classified, or None outside :func:`session`."""
    return _SESSION.get()


def said(cls: str, written: str, reading: str) -> str:
    """How a reader puts a token's ``reading`` in place of ``written`` (see the module docstring)."""
    active = _SESSION.get()
    if active is None or reading == written:
        return reading
    return active.mark(cls, written, reading)


def token_class(ch: str) -> str | None:
    """The class of the token a placeholder character stands for (None: not a placeholder)."""
    active = _SESSION.get()
    if active is None or not PLACEHOLDER_CHARS.fullmatch(ch):
        return None
    token = active.token(ch)
    return token.cls if token else None


def as_written(text: str) -> str:
    """``text`` with every placeholder put back as written (outside a session: ``text``)."""
    active = _SESSION.get()
    return active.written(text) if active is not None else text


def written_before(match: re.Match[str], chars: int = 80) -> str:
    """Up to ``chars`` characters before ``match``, as written."""
    return as_written(match.string[max(0, match.start() - chars) : match.start()])


def written_after(match: re.Match[str], chars: int = 80) -> str:
    """Up to ``chars`` characters after ``match``, as written."""
    return as_written(match.string[match.end() : match.end() + chars])
