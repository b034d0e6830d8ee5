"""A page's drawn objects read straight from pdfminer's layout, in pdfplumber's coordinates.

pdfplumber's ``page.chars`` turns every object on the page into a dict of
every attribute it has (colours, matrices, paths), which costs as much as
interpreting the page. The reader needs a few fields of the characters and
the boxes of pictures and shapes, so they are taken from the ``LTPage``
pdfplumber builds (``page.layout``), walked in the same order and placed
with the same arithmetic as pdfplumber's ``process_object``: the results are
the ones ``page.chars``, ``page.images`` and ``page.curves`` would give.
Only a page with ruling lines or rectangles has its shapes made into
pdfplumber's dicts, for its table finder.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

# One character: text, x0, x1, top, bottom, size, font name, upright, mcid, tag.
Char = tuple[str, float, float, float, float, float, str, bool, "int | None", "str | None"]
Bounds = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class PageObjects:
    """What the reader uses of one page's layout, in drawing order within each kind."""

    chars: list[Char] = field(default_factory=list)
    images: list[Bounds] = field(default_factory=list)
    curves: list[Bounds] = field(default_factory=list)
    rects: list[Bounds] = field(default_factory=list)
    lines: list[Bounds] = field(default_factory=list)
    shapes: dict[str, list[Any]] = field(default_factory=dict)  # the LT objects of curves, rects, lines

    @property
    def ruled(self) -> bool:
        """The page draws lines or rectangles: it may hold a ruled table."""
        return bool(self.rects or self.lines)


_SHAPES = {"LTCurve": "curve", "LTRect": "rect", "LTLine": "line"}


class _Char:
    """A character as pdfminer's ``LTChar`` places it, without the rest of an ``LTChar``."""

    __slots__ = ("text", "fontname", "x0", "y0", "x1", "y1", "size", "upright", "mcid", "tag")

    def __init__(
        self, text: str, fontname: str, bbox: tuple[float, float, float, float], size: float, upright: bool
    ) -> None:
        self.text, self.fontname, self.size, self.upright = text, fontname, size, upright
        self.x0, self.y0, self.x1, self.y1 = bbox
        self.mcid: int | None = None
        self.tag: str | None = None


@functools.cache
def _device_class() -> type:
    """pdfplumber's page device (which marks each object with its marked-content id and tag),
    placing characters the way pdfminer's ``PDFLayoutAnalyzer.render_char`` and ``LTChar`` do.

    An ``LTChar`` also keeps its matrix, colours and graphic state and builds
    itself through several calls: for the hundred thousand characters of a
    long document that is a fifth of the time of interpreting its pages.
    """
    from pdfminer.pdffont import PDFUnicodeNotDefined
    from pdfminer.utils import apply_matrix_rect
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class CharDevice(PDFPageAggregatorWithMarkedContent):  # type: ignore[misc]
        def render_char(
            self,
            matrix: Any,
            font: Any,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: Any,
        ) -> float:
            try:
                text = font.to_unichr(cid)
                assert isinstance(text, str), str(type(text))
            except PDFUnicodeNotDefined:
                text = self.handle_undefined_char(font, cid)
            textwidth = font.char_width(cid)
            textdisp = font.char_disp(cid)
            adv = textwidth * fontsize * scaling
            vertical = font.is_vertical()
            if vertical:
                assert isinstance(textdisp, tuple)
                (vx, vy) = textdisp
                vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
                vy = (1000 - vy) * fontsize * 0.001
                bbox = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
            else:
                descent = font.get_descent() * fontsize
                bbox = (0, descent + rise, adv, descent + rise + fontsize)
            (a, b, c, d, _e, _f) = matrix
            upright = a * d * scaling > 0 and b * c <= 0
            (x0, y0, x1, y1) = apply_matrix_rect(matrix, bbox)
            if x1 < x0:
                (x0, x1) = (x1, x0)
            if y1 < y0:
                (y0, y1) = (y1, y0)
            size = x1 - x0 if vertical else y1 - y0
            self.cur_item.add(_Char(text, font.fontname, (x0, y0, x1, y1), size, upright))
            self.tag_cur_item()
            return adv

    return CharDevice


def _layout(page: Any) -> Any:
    """The page's ``LTPage`` as pdfplumber's ``page.layout`` makes it, with :class:`_Char`
    in place of each ``LTChar``."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.utils.exceptions import PdfminerException

    pdf = page.pdf
    device = _device_class()(pdf.rsrcmgr, pageno=page.page_number, laparams=pdf.laparams)
    interpreter = PDFPageInterpreter(pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as exc:  # noqa: BLE001 - as pdfplumber reports pdfminer's failures
        raise PdfminerException(exc) from exc
    return device.get_result()


def _leaves(objs: list[Any]) -> Iterator[Any]:
    """The layout's objects that are not containers (a form's contents in its place), as
    pdfplumber's ``iter_layout_objects`` visits them without layout analysis."""
    from pdfminer.layout import LTContainer

    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj._objs)
        else:
            yield obj


def page_objects(page: Any) -> PageObjects:
    """The characters, pictures and shapes of a pdfplumber page."""
    from pdfplumber.page import fix_fontname_bytes
    from pdfplumber.utils import resolve_all

    layout = _layout(page)
    norm = page.pdf.unicode_norm
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    found = PageObjects()
    chars = found.chars
    boxes = {"LTImage": found.images, "LTCurve": found.curves, "LTRect": found.rects, "LTLine": found.lines}
    for obj in _leaves(layout._objs):
        name = type(obj).__name__
        x0, top, x1, bottom = _placed(obj, height, mb_x0, mb_top)
        if name == "_Char":
            text = obj.text
            if norm is not None:
                text = unicodedata.normalize(norm, text)
            font = obj.fontname
            if isinstance(font, bytes):
                font = fix_fontname_bytes(font)
            mcid = obj.mcid
            if mcid is not None and not isinstance(mcid, int):
                mcid = resolve_all(mcid)
            chars.append((text, x0, x1, top, bottom, obj.size, font, obj.upright, mcid, obj.tag))
        elif name in boxes:
            boxes[name].append((x0, top, x1, bottom))
            if name in _SHAPES:
                found.shapes.setdefault(_SHAPES[name], []).append(obj)
    return found


def _placed(obj: Any, height: float, mb_x0: float, mb_top: float) -> Bounds:
    """``obj``'s box in pdfplumber's page coordinates (top down, the media box's origin)."""
    x0, x1 = obj.x0, obj.x1
    if mb_x0 != 0:
        x0, x1 = x0 + mb_x0, x1 + mb_x0
    return x0, (height - obj.y1) + mb_top, x1, (height - obj.y0) + mb_top


def prepare_table_finder(page: Any, objects: PageObjects) -> None:
    """Give pdfplumber's page its shapes, and nothing else, for its table finder.

    The finder (the default "lines" strategy) reads only the edges of lines,
    rectangles and curves, and of them only their place: each shape is the
    geometry part of the dict pdfplumber's ``process_object`` makes of it
    (its colours and path, costly to convert, are left out, and the points of
    a curve only, the only shape whose edges are made from them), and the
    characters' dicts, the costly part of ``page.objects``, are not made.
    """
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop = page.initial_doctop
    number = page.page_number
    page._objects = {
        kind: [_shape(obj, kind, number, height, mb_x0, mb_top, doctop, page.point2coord) for obj in objs]
        for kind, objs in objects.shapes.items()
    }


def _shape(
    obj: Any, kind: str, number: int, height: float, mb_x0: float, mb_top: float, doctop: float, coord: Any
) -> dict[str, Any]:
    x0, top, x1, bottom = _placed(obj, height, mb_x0, mb_top)
    shape = {
        "object_type": kind,
        "page_number": number,
        "x0": x0,
        "y0": obj.y0,
        "x1": x1,
        "y1": obj.y1,
        "width": obj.width,
        "height": obj.height,
        "top": top,
        "bottom": bottom,
        "doctop": doctop + top,
    }
    if kind == "curve":  # a curve's edges join its points; a line's and a rectangle's are its box
        shape["pts"] = [coord(pt) for pt in obj.pts]
    return shape
