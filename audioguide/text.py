"""Small text helpers every stage shares: spoken headings, slugs."""

from __future__ import annotations

import re
import unicodedata


def as_sentence(text: str) -> str:
    """Headings are spoken as sentences: end them with a full stop if they have no ending."""
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def slug(text: str, limit: int) -> str:
    """Lower-case ASCII letters, digits and hyphens, at most ``limit`` characters, cut at a hyphen.

    "Why Not Take Medication?" -> "why-not-take-medication"; "" when nothing is left.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    result = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(result) > limit:
        cut = result[: limit + 1]
        result = cut.rsplit("-", 1)[0] if "-" in cut else result[:limit]
    return result.strip("-")


def folder_slug(text: str, limit: int = 60, max_bytes: int = 150) -> str:
    """A folder name for a title, in its own script when it is not Latin.

    "Does X Work?" -> "does-x-work"; "Café" -> "cafe"; "Боль в спине" ->
    "боль-в-спине" (transliterating would need a table per script; keeping
    the script keeps titles apart). At most ``limit`` characters and
    ``max_bytes`` bytes of UTF-8, cut at a hyphen; "" when nothing is left.
    """
    decomposed = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if all(ch.isascii() for ch in decomposed if ch.isalnum()):
        return slug(text, limit)
    words = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", text).lower()).strip("-")
    while words and (len(words) > limit or len(words.encode("utf-8")) > max_bytes):
        cut = words.rsplit("-", 1)[0] if "-" in words else words[:-1]
        words = cut.strip("-")
    return words
