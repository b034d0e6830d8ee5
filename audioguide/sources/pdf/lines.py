"""A PDF page's characters as lines of text in reading order.

A PDF holds positioned glyphs, not words or lines. Characters are grouped
into rows by vertical overlap (so a raised letter, as in the LaTeX logo, or
a superscript stays in its line), and words are separated where the gap
between two glyphs is wider than a letter's spacing (many PDFs have no space
characters at all). A page whose rows leave a vertical gutter of white
space is read column by column: the left column down, then the right, with
any row that crosses the gutter (a title, a footer) read where it stands.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from audioguide.sources.pdf.layout import Char

# A gap wider than this (in ems) between two glyphs is a space: letters are set
# 0-0.1 em apart, the narrowest justified space is about 0.22 em.
WORD_GAP_EM = 0.13
# A gap wider than this splits a row into segments (columns, table cells).
SEGMENT_GAP_EM = 1.2
# A gutter is a vertical strip this wide (points) that no segment crosses.
MIN_GUTTER_PT = 7.0
MIN_COLUMN_ROWS = 5
# A glyph joins a row when their heights overlap by this much of the smaller one: enough for
# a raised letter (the A of the LaTeX logo) or a superscript, not for the next line.
MIN_ROW_OVERLAP = 0.5
# ... and stands at most this far (ems) from it sideways: beyond, it is another column's line.
ROW_REACH_EM = 3.0
# A letter-spaced line has at least this many letters (fewer: one-letter words, initials).
MIN_SPACED_LETTERS = 4

_SUBSET_PREFIX_RE = re.compile(r"^[A-Z]{6}\+")
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|cmbx|cmb\d|\bbd\b|-b$", re.I)
# TeX's typewriter fonts by name (their descriptors seldom say fixed-pitch): Computer Modern (cmtt),
# Latin Modern (lmtt), and the T1-encoded EC and CM-Super ones (ectt, sftt; slanted ecst/sfst,
# italic ecit/sfit), TX and PX (txtt, pxtt).
_MONO_RE = re.compile(
    r"mono|nimbusmon|courier|consol|menlo|typewriter|inconsolata|code|cm\w*tt|^lmtt|^tt"
    r"|^(?:ec|sf)(?:tt|st|it)\d|^(?:tx|px)tt",
    re.I,
)
_MATH_FONT_RE = re.compile(
    r"^(cmex|cmsy|cmmi|msam|msbm|lmmath|symbol|math|stix.*math|eusm|rsfs|cambriamath|latinmodern-math)", re.I
)
# Fonts of pictures, not letters: their codes decode as letters ("n" for ZapfDingbats' square
# bullet, "l" for its round one, "4" for its check mark) that must not be read.
_DINGBAT_FONT_RE = re.compile(r"dingbat|wingding|webding", re.I)
_CID_RE = re.compile(r"^\(cid:(\d+)\)$")

# pdfTeX's Cork (T1) encoding, for TeX fonts without a Unicode map: their codes come
# through as "(cid:N)", and these are the ones that are not plain ASCII.
_CORK_LOW = {
    13: "‚",
    14: "‹",
    15: "›",
    16: "“",
    17: "”",
    18: "„",
    19: "«",
    20: "»",
    21: "–",
    22: "—",
    25: "ı",
    27: "ff",
    28: "fi",
    29: "fl",
    30: "ffi",
    31: "ffl",
}
_CORK_HIGH = (
    "ĂĄĆČĎĚĘĞĹĽŁŃŇŊŐŔŘŚŠŞŤŢŰŮŸŹŽŻĲİđ§"  # 128-159
    "ăąćčďěęğĺľłńňŋőŕřśšşťţűůÿźžżĳ¡¿£"  # 160-191
)


def cork_character(code: int) -> str:
    """The text of code ``code`` in the Cork (T1) encoding; "" for accents and unknown codes."""
    if code in _CORK_LOW:
        return _CORK_LOW[code]
    if 32 <= code < 127:
        return chr(code)
    if 128 <= code < 192:
        return _CORK_HIGH[code - 128]
    if 192 <= code <= 255:
        return {0xD7: "Œ", 0xDF: "SS", 0xF7: "œ", 0xFF: "ß"}.get(code, chr(code))
    return ""


def base_font(name: str) -> str:
    """ "ABCDEF+LMRoman10-Regular" -> "LMRoman10-Regular" (the subset tag is not the font)."""
    return _SUBSET_PREFIX_RE.sub("", name or "")


def is_bold_font(name: str) -> bool:
    return bool(_BOLD_RE.search(base_font(name)))


def is_mono_font(name: str) -> bool:
    return bool(_MONO_RE.search(base_font(name)))


class Glyph(NamedTuple):
    """One character as the page draws it, reduced to what the reader uses (a tuple: a page
    makes tens of thousands of them)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    mcid: int | None = None
    tag: str | None = None
    mono: bool = False

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 0.1)


def glyphs_from_chars(chars: Iterable[Char], fixed_pitch: Iterable[str] = ()) -> list[Glyph]:
    """The page's characters (:func:`~audioguide.sources.pdf.layout.page_objects`) as glyphs:
    upright ones only, with unmapped TeX codes read as Cork.

    A glyph drawn twice at the same place (fake bold, a shadow) is read once.
    ``fixed_pitch``: the fonts whose descriptor says they are monospaced.
    """
    fixed = {base_font(name) for name in fixed_pitch}
    # the PDF's font name -> (name, monospaced, math, pictures)
    fonts: dict[str, tuple[str, bool, bool, bool]] = {}
    out: list[Glyph] = []
    make = partial(tuple.__new__, Glyph)  # the fields in order, without a call per keyword
    seen: set[tuple[str, int, int]] = set()
    for text, x0, x1, top, bottom, size, raw_font, upright, mcid, tag in chars:
        if not upright:
            continue  # a rotated margin stamp or an axis label, not the text
        text = text or ""
        x0, top = float(x0), float(top)
        where = (text, round(x0), round(top))
        if where in seen:
            continue
        seen.add(where)
        raw_font = raw_font or ""
        if raw_font not in fonts:
            name = base_font(raw_font)
            mono = name in fixed or is_mono_font(name)
            fonts[raw_font] = (
                name,
                mono,
                bool(_MATH_FONT_RE.match(name)),
                bool(_DINGBAT_FONT_RE.search(name)),
            )
        font, mono, math, pictures = fonts[raw_font]
        if pictures and text.strip():
            text = "•"  # a bullet, a check box, an arrow: a mark, not a letter
        if text.startswith("(cid:"):
            match = _CID_RE.match(text)
            if match:
                text = "" if math else cork_character(int(match.group(1)))
        if not (text.isascii() and text.isprintable()):
            text = _readable(text)
        if not text:
            continue
        bottom = float(bottom)
        size = float(size or 0.0) or bottom - top
        out.append(make((text, x0, float(x1), top, bottom, size, font, mcid, tag, mono)))
    return out


def _readable(text: str) -> str:
    """Ligatures as letters ("ﬁ" -> "fi"); private-use glyphs (dingbat bullets) as a bullet."""
    if not text:
        return ""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFB00 <= code <= 0xFB06:
            out.append(unicodedata.normalize("NFKC", ch))
        elif 0xE000 <= code <= 0xF8FF:
            out.append("•")
        elif ch == "\u00ad":
            out.append("-")  # a soft hyphen shows where a word was broken; the joiner mends it
        elif unicodedata.category(ch) in ("Cc", "Cf") and ch not in " \t":
            continue
        else:
            out.append(ch)
    return "".join(out)


@dataclass
class Line:
    """One line of one column, with what the rules need to know about it.

    ``kind`` starts as "text"; the rules set it to "heading" (with ``level``)
    or "drop" (with ``reason``), or "merged" for a heading's second line.
    """

    text: str
    page: int  # 1-based
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    font: str
    bold: bool
    mono: bool
    math: bool  # mostly set in math fonts: an equation's pieces
    left: float  # its column's left edge
    right: float  # its column's right edge
    column: int = 0
    start_size: float = 0.0  # the size of its first and last letters: where a paragraph
    end_size: float = 0.0  # continues, the type does not change
    mcids: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    kind: str = "text"
    level: int | None = None
    reason: str | None = None
    outside: bool = False
    element: object | None = None  # the tagged structure element it belongs to
    role: str | None = None  # what the structure tree says it is
    heading_text: str | None = None  # a heading's text when it is not the printed one (a bookmark)
    listed: bool = False  # a heading a bookmark names

    @property
    def words(self) -> int:
        return len(self.text.split())

    def drop(self, reason: str, *, outside: bool = False) -> None:
        self.kind, self.reason, self.outside = "drop", reason, outside


class _Row:
    """Glyphs at one height, left to right once complete; its band is its largest glyph's."""

    __slots__ = ("glyphs", "top", "bottom", "size", "x0", "x1", "band", "band_top", "band_bottom")

    def __init__(self, glyph: Glyph) -> None:
        self.glyphs = [glyph]
        self.x0, self.x1 = glyph.x0, glyph.x1
        self.set_band(glyph)

    def set_band(self, glyph: Glyph) -> None:
        """The row's band becomes the glyph's, and its middle 60 % (see :func:`_overlap`)."""
        self.top, self.bottom, self.size = glyph.top, glyph.bottom, glyph.size
        self.band = (self.bottom - self.top) * 0.6
        self.band_top, self.band_bottom = self.top + self.band / 3, self.bottom - self.band / 3


def _overlap(top: float, bottom: float, other_top: float, other_bottom: float) -> float:
    """How much of the smaller of two boxes their vertical overlap covers (0..1), on the middle
    60 % of each box: a font's box is often taller than the distance between two lines."""
    height, other_height = (bottom - top) * 0.6, (other_bottom - other_top) * 0.6
    inter = min(bottom - height / 3, other_bottom - other_height / 3) - max(
        top + height / 3, other_top + other_height / 3
    )
    return inter / max(min(height, other_height), 0.1)


def _rows(glyphs: Sequence[Glyph]) -> list[_Row]:
    """Glyphs grouped into rows by vertical overlap, top to bottom (a row may hold two columns).

    A glyph joins the nearest row, sideways, of the last few whose middle band it overlaps
    enough. This runs for every glyph: :func:`_overlap` and the distance are written out,
    with ``x if x < y else y`` for ``min(y, x)`` (the same value, without a call).
    """
    rows: list[_Row] = []
    for glyph in sorted(glyphs, key=lambda g: ((g.top + g.bottom) / 2, g.x0)):
        top, bottom, x0, x1 = glyph.top, glyph.bottom, glyph.x0, glyph.x1
        height = (bottom - top) * 0.6
        inner_top, inner_bottom = top + height / 3, bottom - height / 3
        best: _Row | None = None
        nearest = 0.0
        for row in rows[-8:]:
            if row.bottom <= top or row.top >= bottom:
                continue
            low = inner_bottom if inner_bottom < row.band_bottom else row.band_bottom
            high = inner_top if inner_top > row.band_top else row.band_top
            smaller = height if height < row.band else row.band
            if (low - high) / (0.1 if 0.1 > smaller else smaller) < MIN_ROW_OVERLAP:
                continue
            distance = row.x0 - x1
            if x0 - row.x1 > distance:
                distance = x0 - row.x1
            if 0.0 > distance:
                distance = 0.0
            if best is None or distance < nearest:
                best, nearest = row, distance
        if best is None:
            rows.append(_Row(glyph))
        else:
            best.glyphs.append(glyph)
            if x0 < best.x0:
                best.x0 = x0
            if x1 > best.x1:
                best.x1 = x1
            if glyph.size > best.size:  # the row's band is its main text's
                best.set_band(glyph)
    for row in rows:
        row.glyphs.sort(key=lambda g: g.x0)
    return rows


class _Segment:
    """A run of glyphs on one row with no gap wider than a few spaces: part of one column's line.

    Its extent and main glyph (the largest, the highest of equals) are fixed once made.
    """

    __slots__ = ("glyphs", "x0", "x1", "main", "middle")

    def __init__(self, glyphs: list[Glyph]) -> None:
        self.glyphs = glyphs
        self.x0 = min([g.x0 for g in glyphs])
        self.x1 = max([g.x1 for g in glyphs])
        self.main = max(glyphs, key=lambda g: (g.size, -g.top))
        self.middle = (self.main.top + self.main.bottom) / 2


def _segments(row: _Row) -> list[_Segment]:
    """A row cut where the white space is wider than a word space: columns, table cells."""
    out: list[list[Glyph]] = []
    last = 0.0  # the right edge of the segment so far
    for glyph in row.glyphs:
        if glyph.text.isspace():
            if out:
                out[-1].append(glyph)
            continue
        size = glyph.size
        if out and glyph.x0 - last <= SEGMENT_GAP_EM * (1.0 if 1.0 > size else size):
            out[-1].append(glyph)
            if glyph.x1 > last:
                last = glyph.x1
        else:
            out.append([glyph])
            last = glyph.x1
    return [_Segment(seg) for seg in out if any(not g.text.isspace() for g in seg)]


def find_gutters(segments: Sequence[_Segment], width: float) -> list[float]:
    """The x positions of the gutters between columns: vertical strips no line crosses, with
    column text on both sides (at least :data:`MIN_COLUMN_ROWS` lines reaching each side)."""
    spans = [(s.x0, s.x1) for s in segments]
    if len(spans) < 2 * MIN_COLUMN_ROWS or width <= 0:
        return []
    bins = int(width) + 1
    cover = [0] * bins  # letters of the lines that cross each point
    for segment in segments:
        letters = len(segment.glyphs)
        for x in range(max(int(segment.x0), 0), min(int(segment.x1) + 1, bins)):
            cover[x] += letters
    allowed = sum(len(s.glyphs) for s in segments) * 0.1  # a title or a footer may cross
    runs: list[tuple[int, int]] = []
    start = None
    stop = int(width * 0.8)
    for x in range(int(width * 0.2), stop + 1):
        empty = x < bins and cover[x] <= allowed
        if empty and start is None:
            start = x
        if (not empty or x == stop) and start is not None:
            if x - start >= MIN_GUTTER_PT:
                runs.append((start, x))
            start = None
    found: list[float] = []
    for start, end in runs:
        left = sum(1 for x0, x1 in spans if start - width * 0.15 <= x1 <= start + 1)
        right = sum(1 for x0, x1 in spans if end - 1 <= x0 <= end + width * 0.15)
        if left >= MIN_COLUMN_ROWS and right >= MIN_COLUMN_ROWS:
            found.append((start + end) / 2)
    return found


def _group_lines(segments: Sequence[_Segment]) -> list[list[Glyph]]:
    """One column's segments as its lines, top to bottom: segments at one height are one line
    (a word in another font, an equation's number, a contents entry's page number)."""
    lines: list[list[_Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.middle, s.x0)):
        main = segment.main
        if lines:
            anchor = max(lines[-1], key=lambda s: len(s.glyphs)).main
            if _overlap(anchor.top, anchor.bottom, main.top, main.bottom) >= MIN_ROW_OVERLAP:
                lines[-1].append(segment)
                continue
        lines.append([segment])
    return [sorted((g for s in line for g in s.glyphs), key=lambda g: g.x0) for line in lines]


def _text(glyphs: Sequence[Glyph]) -> str:
    """The glyphs' text, a space wherever the gap between two is wider than a letter's."""
    parts: list[str] = []
    previous: Glyph | None = None
    tracking = _tracking(glyphs)
    for glyph in glyphs:
        if glyph.text.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
            previous = glyph
            continue
        if previous is not None and not previous.text.isspace():
            gap = glyph.x0 - previous.x1 - tracking
            if gap > WORD_GAP_EM * max(glyph.size, previous.size, 1.0) and parts and parts[-1] != " ":
                parts.append(" ")
        parts.append(glyph.text)
        previous = glyph
    return " ".join("".join(parts).split())


def _tracking(glyphs: Sequence[Glyph]) -> float:
    """The extra space set between the letters of a letter-spaced line ("V O L L M A C H T"),
    0 for a line set normally.

    Spaced out, every letter stands a word space or more from the next, so each would be read
    as a word. The line is letter-spaced when most of its letters are, and the gaps between
    them are alike (the median gap is above a word space, and most gaps are near it); then only
    a gap clearly wider than that usual one is a word space. A line of one-letter words has
    such gaps too, but is rarely all letters ("1 2 3", "x = y") and rarely long.
    """
    visible = [g for g in glyphs if not g.text.isspace()]
    if len(visible) < MIN_SPACED_LETTERS or sum(g.text.isalpha() for g in visible) < 0.75 * len(visible):
        return 0.0
    gaps = sorted(
        b.x0 - a.x1 for a, b in zip(glyphs, glyphs[1:]) if not (a.text.isspace() or b.text.isspace())
    )
    if len(gaps) < MIN_SPACED_LETTERS - 1:
        return 0.0
    usual = gaps[len(gaps) // 2]
    size = statistics.median([g.size for g in visible])
    if usual <= WORD_GAP_EM * max(size, 1.0):
        return 0.0
    alike = sum(1 for gap in gaps if abs(gap - usual) <= 0.25 * usual)
    return usual if alike >= 0.75 * len(gaps) else 0.0


def _line(glyphs: list[Glyph], page: int, column: int, left: float, right: float) -> Line | None:
    text = _text(glyphs)
    if not text:
        return None
    visible = [g for g in glyphs if not g.text.isspace()]
    sizes = Counter(round(g.size, 1) for g in visible)
    fonts = Counter(g.font for g in visible)
    size = sizes.most_common(1)[0][0]
    font = fonts.most_common(1)[0][0]
    mono_share = sum(1 for g in visible if g.mono) / len(visible)
    bold_share = sum(n for name, n in fonts.items() if is_bold_font(name)) / len(visible)
    main = [g for g in visible if abs(g.size - size) < 0.6] or visible
    return Line(
        text=text,
        page=page,
        x0=min(g.x0 for g in visible),
        x1=max(g.x1 for g in visible),
        top=min(g.top for g in main),
        bottom=max(g.bottom for g in main),
        size=size,
        font=font,
        bold=bold_share >= 0.6,
        mono=mono_share >= 0.9,
        math=sum(n for name, n in fonts.items() if _MATH_FONT_RE.match(name)) / len(visible) >= 0.3,
        left=left,
        right=right,
        column=column,
        start_size=visible[0].size,
        end_size=visible[-1].size,
        mcids=tuple(dict.fromkeys(g.mcid for g in visible if g.mcid is not None)),
        tags=tuple(dict.fromkeys(g.tag for g in visible if g.tag)),
    )


def page_lines(glyphs: Sequence[Glyph], page: int, width: float) -> list[Line]:
    """The page's lines in reading order: column by column on a page with columns, a line that
    crosses the gutter (a title, a wide figure's caption, a footer) read where it stands."""
    segments = [
        s for row in _rows([g for g in glyphs if g.x1 >= 0 and g.x0 <= width]) for s in _segments(row)
    ]
    gutters = find_gutters(segments, width)
    edges = [0.0, *gutters, width]
    spanning = [s for s in segments if any(s.x0 < gutter < s.x1 for gutter in gutters)]
    crossing = {id(s) for s in spanning}
    across = _group_lines(spanning)  # the crossing lines, top to bottom
    limits = [(min(g.top for g in line) + max(g.bottom for g in line)) / 2 for line in across]
    bands: list[list[list[_Segment]]] = [[[] for _ in edges[:-1]] for _ in range(len(across) + 1)]
    for segment in segments:
        if id(segment) in crossing:
            continue
        band = sum(1 for limit in limits if limit < segment.middle)
        middle = (segment.x0 + segment.x1) / 2
        column = next(i for i in range(len(edges) - 1) if middle <= edges[i + 1] or i == len(edges) - 2)
        bands[band][column].append(segment)
    per_column = [_group_lines([s for band in bands for s in band[c]]) for c in range(len(edges) - 1)]
    frames = [_edges(lines) if lines else (edges[c], edges[c + 1]) for c, lines in enumerate(per_column)]
    out: list[Line] = []
    for index, band in enumerate(bands):
        for column, column_segments in enumerate(band):
            for run in _group_lines(column_segments):
                line = _line(run, page, column, *frames[column])
                if line:
                    out.append(line)
        if index < len(across):
            line = _line(across[index], page, -1, 0.0, width)
            if line:
                line.left, line.right = line.x0, line.x1
                out.append(line)
    return out


def _edges(runs: Sequence[Sequence[Glyph]]) -> tuple[float, float]:
    """A column's text block: the left margin most lines start at, and the right edge full lines
    reach (not the widest line: an equation number or a long web address may stick out)."""
    starts = sorted(min(g.x0 for g in run) for run in runs)
    long_ends = sorted(max(g.x1 for g in run) for run in runs if len(run) >= 20)
    right = long_ends[int(len(long_ends) * 0.8)] if long_ends else max(max(g.x1 for g in r) for r in runs)
    return _margin(starts), right


def _margin(starts: Sequence[float]) -> float:
    """The left margin: the smallest x0 that several lines share (an outdented number is not it)."""
    counts = Counter(round(x) for x in starts)
    shared = [x for x, n in counts.items() if n >= 2]
    return float(min(shared)) if shared else starts[0]
