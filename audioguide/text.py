"""Small text helpers every stage shares: spoken headings, slugs, times and durations."""

from __future__ import annotations

import re
import unicodedata


def as_sentence(text: str) -> str:
    """Headings are spoken as sentences: end them with a full stop if they have no ending."""
    text = text.strip()
    return text if not text or text[-1] in ".?!" else f"{text}."


def one_line(text: str) -> str:
    """Every run of white space (line breaks too) as one space, none at the ends."""
    return " ".join(text.split())


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


# --------------------------------------------------------------------------- times and durations
# One function per format a guide writes; each names its rounding. Milliseconds are whole numbers
# (the manifest's clip times rounded once); seconds are floats, rounded with ``round``.


def _hms(total: int) -> tuple[int, int, int]:
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    return hours, minutes, seconds


def smil_clock(ms: int) -> str:
    """SMIL 3 full clock value, as EPUB media overlays use it: 62345 -> "0:01:02.345"."""
    seconds, millis = divmod(ms, 1000)
    hours, minutes, seconds = _hms(seconds)
    return f"{hours}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def smil_seconds(ms: int) -> str:
    """SMIL 1.0 timecount in seconds (DAISY 2.02 ``dur``, ``clip-begin``): 62345 -> "62.345s"."""
    seconds, millis = divmod(ms, 1000)
    return f"{seconds}.{millis:03d}s"


def daisy_hms(ms: int) -> str:
    """hh:mm:ss rounded to the nearest second, half up, as DAISY 2.02 asks: 62500 -> "00:01:03"."""
    hours, minutes, seconds = _hms((ms + 500) // 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"


def vtt_timestamp(ms: int) -> str:
    """WebVTT ``HH:MM:SS.mmm`` (hours always written, as many players expect; negative -> 0)."""
    seconds, millis = divmod(max(0, int(ms)), 1000)
    hours, minutes, seconds = _hms(seconds)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def clock(seconds: float) -> str:
    """A duration as a player shows it: 3725.4 -> "1:02:05"; 65 -> "1:05"."""
    hours, minutes, secs = _hms(round(seconds))
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def minutes_seconds(seconds: float) -> str:
    """Minutes and seconds, however long: 3725.4 -> "62:05"; 65 -> "1:05"."""
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def spoken_duration(seconds: float) -> str:
    """A duration in words, for screen readers (which read "1:05" badly): 65 -> "1 minute 5 seconds"."""
    parts = zip(_hms(round(seconds)), ("hour", "minute", "second"))
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "0 seconds"
