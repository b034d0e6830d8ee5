"""Small text helpers every stage shares: spoken headings, slugs, where a YAML error is."""

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


def yaml_error_location(text: str, exc: Exception) -> tuple[int, str]:
    """(1-based line, problem on one line) of a PyYAML error raised while reading ``text``.

    Shared by the guide script and YAML lexicons, so both locate an error the
    same way: a syntax error at its problem mark (with the construct it was
    in and that construct's line), a forbidden character at its position.
    """
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = exc.problem or exc.context or "syntax error"
        if exc.context and exc.problem and exc.context_mark is not None:
            problem = f"{problem} ({exc.context} on line {exc.context_mark.line + 1})"
    elif isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        problem = f"character {char!r} (U+{ord(char[:1] or ' '):04X}) is not allowed"
    else:
        line, problem = 1, str(exc)
    return line, " ".join(str(problem).split())
