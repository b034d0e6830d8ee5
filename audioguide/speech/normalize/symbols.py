"""Symbols said as words, then the spacing tidied: the last two rules.

A voice skips "&", "<", "~" or "±", or names them oddly ("tilde"), and the
meaning goes with them ("< 5 mg" is "less than five milligrams"). They are
read last, once every reader of a token that holds a symbol (percent in
"20%", degrees in "38 °C", the slash of a rate, a date or a path, the "#"
of a code span) has had its turn: a sign left is a token of its own.
The readings are :data:`~audioguide.speech.normalize.tables.SYMBOL_READINGS`.
:func:`tidy_spacing` then undoes the stray spaces the replacements left.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.slashes import read_slashes
from audioguide.speech.normalize.tables import SYMBOL_READINGS
from audioguide.speech.normalize.tokens import said

_SYMBOL_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reading) for pattern, reading in SYMBOL_READINGS
)


def read_symbols(text: str) -> str:
    """Symbols said as words: & and, + plus, < less than, ~ about, # hash; word/word by
    :func:`~audioguide.speech.normalize.slashes.read_slashes` (he/she -> he or she)."""
    text = read_slashes(text)
    for pattern, reading in _SYMBOL_RULES:
        text = pattern.sub(lambda m, r=reading: said("symbol", m.group(0), r), text)
    return re.sub(r" {2,}", " ", text).strip()


def tidy_spacing(text: str) -> str:
    """One space between words, none before punctuation, no doubled commas or dots."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?)\]])", r"\1", text)
    text = re.sub(r"([(\[])\s+", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    text = re.sub(r",(?=[A-Za-z])", ", ", text)
    text = re.sub(r",\s*([.;:!?])", r"\1", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)
    text = re.sub(r"^[\s,;:]+", "", text)
    return text.strip()
