"""Small text helpers every stage shares: spoken headings, slugs, times and durations, and text
that came from outside (a page, a guide script, a file name) made safe for where it goes.

* :func:`as_sentence`, :func:`slug`, :func:`folder_slug`: spoken headings, slugs.
* time formatters (SMIL, DAISY, WebVTT clocks, spoken durations).
* :func:`yaml_error_location`: where a PyYAML error is, for the guide script and lexicons.

One helper per destination, used by every layer that writes to it:

* :func:`strip_controls`: the source stage; drops NUL, control and bidi
  override characters from content (keeping the line breaks and tabs that
  are structure).
* :func:`one_line`: line-based files (``playlist.m3u8``, FFMETADATA,
  ``musiconhold.conf``): no CR, LF or other line separator can start a new
  line, so a title can never inject an entry.
* :func:`for_terminal`: everything the CLI prints; escape sequences (CSI,
  OSC, BEL, clear screen) and other controls are removed.
* :func:`language_tag`: a BCP 47 language tag, or None.
* :func:`recorded_url`: a URL as it may be recorded (no query, no fragment,
  no user or password).
"""

from __future__ import annotations

import re
import unicodedata

# Bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI):
# they reorder what is displayed, so a name can list as something else.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# C0 and C1 controls, DEL, lone surrogates, noncharacters U+FFFE/U+FFFF, bidi controls.
_CONTROLS = "\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + BIDI_CONTROLS
_CONTROL_RE = re.compile(f"[{_CONTROLS}]")
# Every control except TAB (0x09) and LF (0x0a).
_LAYOUT_SAFE_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff" + BIDI_CONTROLS + "]")

_LINE_SEPARATORS_RE = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")

# Terminal escape sequences: CSI (ESC [ ... final byte, or the 8-bit CSI), OSC / DCS / SOS /
# PM / APC strings (ended by BEL or ST), and two-byte ESC sequences (ESC c clears the screen).
_ESCAPE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]",
    re.DOTALL,
)


def strip_controls(text: str, *, keep_layout: bool = True) -> str:
    """``text`` without control, bidi-override or surrogate characters.

    With ``keep_layout`` the line feed and tab stay (they are structure in
    paragraphs and guide scripts); without it they become spaces (a title).
    """
    if keep_layout:
        return _LAYOUT_SAFE_RE.sub("", text)
    return _CONTROL_RE.sub("", _LINE_SEPARATORS_RE.sub(" ", text.replace("\t", " ")))


def one_line(text: str) -> str:
    """``text`` as one line: every run of white space (line breaks too) as one space, none at
    the ends, and no control character (line-based files, folded text in the exporters)."""
    return " ".join(strip_controls(text, keep_layout=False).split())


def for_terminal(text: str, *, multiline: bool = True) -> str:
    """``text`` safe to print: no escape sequences, no controls (line feeds kept if ``multiline``)."""
    text = _ESCAPE_RE.sub("", text)
    if multiline:
        return "\n".join(strip_controls(line, keep_layout=False) for line in text.split("\n"))
    return strip_controls(text, keep_layout=False)


# BCP 47 (RFC 5646) langtag: language, extlang, script, region, variants, extensions,
# private use; or a private-use tag alone. Grandfathered tags ("i-klingon") are not accepted.
_ALPHANUM = "[A-Za-z0-9]"
_LANGTAG_RE = re.compile(
    r"^(?:"
    r"(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language (+ extlang)
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    rf"(?:-(?:{_ALPHANUM}{{5,8}}|[0-9]{_ALPHANUM}{{3}}))*"  # variants
    rf"(?:-[0-9A-WY-Za-wy-z](?:-{_ALPHANUM}{{2,8}})+)*"  # extensions
    rf"(?:-[Xx](?:-{_ALPHANUM}{{1,8}})+)?"  # private use
    rf"|[Xx](?:-{_ALPHANUM}{{1,8}})+"
    r")$"
)


def language_tag(value: str) -> str | None:
    """``value`` as a BCP 47 language tag ("en", "pt-BR", "zh-Hant-TW"), or None if it is not one.

    An underscore is read as a hyphen ("en_US", as locales write it).
    """
    tag = value.strip().replace("_", "-")
    return tag if _LANGTAG_RE.match(tag) else None


def recorded_url(url: str) -> str:
    """The URL without query string, fragment, user name or password: what may be written down.

    A query often carries a session or access token (``?access_token=...``).
    """
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return url.split("?", 1)[0].split("#", 1)[0]
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return urlunsplit((parts.scheme, host + port, parts.path, "", ""))


def shorten(text: str, width: int = 70) -> str:
    """One line of at most ``width`` characters, with an ellipsis where it was cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


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
