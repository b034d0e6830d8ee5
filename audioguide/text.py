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
