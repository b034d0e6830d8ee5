"""One paragraph -> its sentences, with pysbd.

pysbd knows abbreviations ("Dr.", "e.g."), decimals ("2.5 mg") and
initials. Two safety nets around it:

* pysbd can lose text in some edge cases (it maps its sentences back onto the
  input and silently drops one it cannot find). Every piece of the paragraph
  pysbd did not return is put back as a sentence of its own, so no words are
  lost;
* a piece with no letter or digit (a stray ")" or "...") is joined to the
  sentence before it instead of becoming a sentence;
* a token the normalizer's classifier recognises is never cut: pysbd ends a
  sentence at the "?" of a query string ("example.org/search?q=knee") or at
  the dot of a code span ("`.env`"), and the two halves are joined again; a
  sentence is not ended by an abbreviation with dots when the text goes on
  in lower case or with a digit ("1 capsule p.o. q.4.h. as needed",
  "approx. 5 mg").

Whitespace runs inside the paragraph (line wraps) become single spaces.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import MutableMapping, Sequence
from functools import lru_cache

logger = logging.getLogger(__name__)

_LOCK = threading.Lock()  # a Segmenter keeps per-call state: one call at a time
_HAS_CONTENT = re.compile(r"[^\W_]")
Memo = MutableMapping[str, list[str]]  # pysbd's segments of a paragraph, by the paragraph's text


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd  # its first split in a process compiles ~340 regular expressions

    return pysbd.Segmenter(language="en", clean=False)


def _fits(segments: Sequence[str], text: str) -> bool:
    """Whether ``segments`` are pieces of ``text`` in order (as pysbd returns them)."""
    if not isinstance(segments, list) or not all(isinstance(piece, str) for piece in segments):
        return False
    position = 0
    for piece in segments:
        found = text.find(piece.strip(), position)
        if found < 0:
            return False
        position = found + len(piece.strip())
    return True


def _segment(text: str, memo: Memo | None) -> list[str]:
    if memo is not None:
        known = memo.get(text)
        if known is not None and _fits(known, text):
            return list(known)
    with _LOCK:
        try:
            # pysbd's sentences as its processor finds them: Segmenter.segment then looks each one up
            # in the text with a regular expression of its own, from the start (a third of its time on
            # a book), where split_sentences finds them with str.find from where the last one ended
            segments = list(_segmenter().processor(text).process())
        except Exception:  # pragma: no cover - pysbd bugs on odd input
            logger.warning("pysbd failed on a paragraph; keeping it as one sentence", exc_info=True)
            return [text]
    if memo is not None:
        memo[text] = segments
    return segments


def split_sentences(text: str, memo: Memo | None = None) -> list[str]:
    """The sentences of one paragraph, stripped, none empty, no text lost.

    A paragraph of punctuation only gives no sentences. ``memo``: pysbd's
    splits of paragraphs seen before (text -> segments), used when it has the
    paragraph and added to when it has not. pysbd is deterministic, so a memo
    changes no sentence: a rebuild that keeps it (the build stores it beside
    the clip cache) never loads pysbd for paragraphs it has seen. An entry that
    is not the paragraph's own text, in order, is ignored.
    """
    text = " ".join(text.split())
    if not text:
        return []
    spans: list[tuple[int, int]] = []
    position = 0
    for segment in _segment(text, memo):
        segment = segment.strip()
        if not segment:
            continue
        found = text.find(segment, position)
        if found < 0:  # pragma: no cover - pysbd returns substrings of the input
            continue
        if text[position:found].strip():
            logger.debug("pysbd skipped %r; kept as a sentence", text[position:found].strip())
            spans.append((position, found))
        spans.append((found, found + len(segment)))
        position = found + len(segment)
    if text[position:].strip():
        spans.append((position, len(text)))

    merged: list[tuple[int, int]] = []
    pending: int | None = None  # start of punctuation waiting for the next sentence
    for start, end in spans:
        if _HAS_CONTENT.search(text[start:end]):
            merged.append((start if pending is None else pending, end))
            pending = None
        elif merged:
            merged[-1] = (merged[-1][0], end)
        elif pending is None:
            pending = start
    merged = _whole_tokens(text, merged)
    return [text[start:end].strip() for start, end in merged]


def _whole_tokens(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences joined where a boundary cuts a token, or follows or precedes an abbreviation
    with dots while the text goes on in lower case or with a digit."""
    if len(spans) < 2:
        return spans
    from audioguide.speech.normalize.classifier import unbreakable_spans

    tokens, abbreviations = unbreakable_spans(text)
    out = [spans[0]]
    for start, end in spans[1:]:
        previous_end = out[-1][0] + len(text[out[-1][0] : out[-1][1]].rstrip())
        first = text[start : start + 1]
        goes_on = first.islower() or first.isdigit()
        cut = any(a < start < b or a < previous_end < b for a, b in tokens)
        after_abbreviation = goes_on and any(b == previous_end for _a, b in abbreviations)
        abbreviation_first = first.islower() and any(a == start for a, _b in abbreviations)
        if cut or after_abbreviation or abbreviation_first:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out
