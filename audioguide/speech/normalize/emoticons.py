"""Emoticons: ":-)", ";)", ":-(" are left unsaid.

A voice reads ":-)" as punctuation or glues it to the word before ("art;-)").
A careful reader reading aloud leaves a smiley out (or names it; leaving it
out never misleads), so each is read as nothing. A ")" that also closes a
parenthesis ("(if ever :-)") is kept as the parenthesis.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tokens import said

EMOTICON_PATTERN = re.compile(r"(?:(?<=[\s.,;!?])|^)[:;=]'?-?[()DPp\]\[](?=[\s.,;:!?)]|$)")


def read_emoticons(text: str) -> str:
    """ "Delete it. :-)" -> "Delete it."; "(if ever :-)." -> "(if ever)."."""

    def replace(match: re.Match[str]) -> str:
        emoticon = match.group(0)
        before = text[: match.start()]
        closes = emoticon.endswith(")") and before.count("(") > before.count(")")
        return said("emoticon", emoticon, " )" if closes else " ")

    return EMOTICON_PATTERN.sub(replace, text)
