"""Hard-wrapped plain text (READMEs, FAQs, manuals): lines broken at 60-80 columns.

Such text cannot be read line by line: a line is a fragment of a paragraph,
a heading may be wrapped over two lines, and structure is in the layout
instead: headings at the left margin with their answers indented under them
("1.1. What is this FAQ?" then "    This document ..."), "Q:"/"A:" markers,
headings underlined with ``===`` or ``---``, a table of contents of
numbered lines. This module reads that layout:

* paragraphs are unwrapped (lines joined, a word broken after "/" or "-"
  mended) before anything decides what is a heading, so a title is never a
  line fragment;
* a heading is a line (or a wrapped run of lines) at the heading margin that
  is numbered ("3.2.1."), a "Chapter N", a "Q:" question, underlined, or
  short and followed by indented text; its level is its numbering depth;
* a table of contents (a block of numbered lines or dotted leaders) is
  dropped, listed; so is a copyright and licence notice before the first
  heading: it is front matter, as a page's copyright footer is, and a
  listener should reach the abstract and the first chapter without sitting
  through it (``--keep-furniture`` keeps it where it stands, in the
  introduction).

:func:`is_hard_wrapped` decides whether a text is laid out like this; other
plain text keeps the line-per-paragraph reading of :mod:`audioguide.sources.plain`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from audioguide.model.document import Dropped
from audioguide.sources.code import is_bare_address, looks_like_code
from audioguide.sources.structure import Block, asks, ends_mid_sentence, section_number_depth

MAX_TITLE_WORDS = 25
MAX_HEADING_WORDS = 14
MAX_HEADING_LINES = 3
COPYRIGHT_REASON = "copyright and licence notice (front matter)"
TOC_REASON = "table of contents (the tracks are the guide's own list)"

_UNDERLINE_RE = re.compile(r"^\s*([=\-~^*#_+])\1{2,}\s*$")
_BULLET_RE = re.compile(r"^([-*•‣◦o+])\s+(?=\S)")
_NUMBERED_ITEM_RE = re.compile(r"^(\d{1,3}[.)]|[a-z][.)])\s+(?=\S)")
_CHAPTER_RE = re.compile(
    r"^(chapter|part|appendix|section)\s+([0-9]+|[ivxlc]+|[a-z])\b[.:]?\s*", re.IGNORECASE
)
_Q_RE = re.compile(r"^Q(?:uestion)?\s*\d{0,3}\s*[:.)]\s*(?=\S)", re.IGNORECASE)
_A_RE = re.compile(r"^A(?:nswer)?\s*\d{0,3}\s*:\s*(?=\S)", re.IGNORECASE)
_LEADER_RE = re.compile(r"(\.\s?){4,}\s*\d+\s*$|…+\s*\d+\s*$")
_TOC_HEADING_RE = re.compile(r"^(table of contents|contents)[.:]?$", re.IGNORECASE)
_COPYRIGHT_RE = re.compile(
    r"^(copyright\b|\(c\)\s|©)|\bpermission is (hereby )?granted\b|\ball rights reserved\b|\blicen[cs]ed under\b"
    r"|\bthis (document|program|file|manual) is free (software|documentation)\b"
    r"|\bdistributed under the terms of\b|\bwithout (any )?warranty\b",
    re.IGNORECASE,
)
_SENTENCE_END = '.!?:;"”’)'
# A leading marker whose text the next lines are indented to: "A:  ", "Q:  ", "* ", "12. ".
_MARKER_RE = re.compile(r"^(?:(?:Q|A|Question|Answer)\s*\d{0,3}\s*:|[-*•‣◦+o]|\d{1,3}[.)])\s+", re.IGNORECASE)


@dataclass
class _Line:
    indent: int
    text: str
    number: int  # 1-based line number in the source
    level: int | None = None  # set for an underlined heading
    hang: int = 0  # where the text after a leading marker starts ("A:  text", "  * text"), else the indent


def is_hard_wrapped(text: str) -> bool:
    """True when paragraphs run over several lines of at most about 100 columns."""
    lines = text.split("\n")
    filled = [line.rstrip() for line in lines if line.strip()]
    if len(filled) < 8:
        return False
    long_lines = sorted(len(line.expandtabs()) for line in filled if len(line.strip()) >= 40)
    if len(long_lines) < 4:
        return False
    if long_lines[int(0.9 * (len(long_lines) - 1))] > 100:
        return False
    runs = sum(1 for a, b in zip(lines, lines[1:]) if len(a.strip()) >= 40 and b.strip())
    return runs >= max(3, 0.3 * len(long_lines))


def wrapped_blocks(
    text: str, *, keep_furniture: bool = False
) -> tuple[str | None, list[Block], list[Dropped]]:
    """(title, blocks, dropped) of hard-wrapped text."""
    lines = _lines(text)
    blocks_of_lines = _runs(lines)
    if not blocks_of_lines:
        return None, [], []
    title: str | None = None
    first = blocks_of_lines[0]
    if len(first[0].text.split()) <= MAX_TITLE_WORDS and (len(first) == 1 or first[0].level is not None):
        title = first[0].text
        blocks_of_lines[0] = first[1:]
        blocks_of_lines = [b for b in blocks_of_lines if b]
    widths = [len(line.text) + line.indent for run in blocks_of_lines for line in run]
    wrap = sorted(widths)[int(0.9 * (len(widths) - 1))] if widths else 80
    body_indent = _body_indent(blocks_of_lines)
    numbered_doc = sum(1 for run in blocks_of_lines if _heading_number(run[0].text)) >= 3

    blocks: list[Block] = []
    dropped: list[Dropped] = []
    seen_heading = False
    after_toc_heading = False
    in_answer = False
    for index, run in enumerate(blocks_of_lines):
        nxt = blocks_of_lines[index + 1] if index + 1 < len(blocks_of_lines) else None
        head = run[0]
        if _is_toc(run) or (after_toc_heading and sum(_heading_number(l.text) is not None for l in run) >= 2):
            dropped.append(Dropped("\n".join(l.text for l in run), TOC_REASON, head.number, kind="furniture"))
            after_toc_heading = False
            continue
        after_toc_heading = False
        if _TOC_HEADING_RE.match(head.text) and len(run) == 1:
            dropped.append(Dropped(head.text, TOC_REASON, head.number, kind="furniture"))
            after_toc_heading = True
            continue
        question = _Q_RE.match(head.text)
        if question:
            answer_at = next((i for i, l in enumerate(run) if i and _A_RE.match(l.text)), len(run))
            asked = _join([l.text for l in run[:answer_at]])
            blocks.append(Block("question", asked, head.number))
            seen_heading, in_answer = True, True
            rest = run[answer_at:]
            if rest:
                blocks.extend(_paragraph_blocks(rest, body_indent, wrap))
            continue
        answer = _A_RE.match(head.text)
        heading_lines = (
            0 if answer else _heading_lines(run, nxt, body_indent, wrap, numbered_doc, seen_heading)
        )
        if heading_lines:
            text = _join([l.text for l in run[:heading_lines]])
            blocks.append(Block("heading", text, head.number, _level(run[0], text)))
            seen_heading = True
            in_answer = False
            run = run[heading_lines:]
            if not run:
                continue
        lines = "\n".join(line.text for line in run)
        indented = head.indent > body_indent  # set off from the text: a document without headings' code
        if (seen_heading or indented) and not is_bare_address(lines) and looks_like_code(lines):
            blocks.append(Block("code", lines, head.number))  # commands, a program's output
            continue
        paragraphs = _paragraph_blocks(run, body_indent, wrap)
        if (
            not seen_heading
            and paragraphs
            and _COPYRIGHT_RE.search(paragraphs[0].text)
            and not keep_furniture
        ):
            dropped.extend(Dropped(p.text, COPYRIGHT_REASON, p.line, kind="furniture") for p in paragraphs)
            continue
        if in_answer and paragraphs:
            first_block = paragraphs[0]
            match = _A_RE.match(first_block.text)
            if match:
                paragraphs[0] = Block(first_block.kind, first_block.text[match.end() :], first_block.line)
        blocks.extend(paragraphs)
    return title, blocks, dropped


# --------------------------------------------------------------------------- lines


def _lines(text: str) -> list[_Line | None]:
    """Lines with their indentation; None for a blank line or a separator rule.

    A rule under a line of text (``====``, ``----``) marks it as a heading:
    ``=`` level 1, ``-`` level 2, others 3.
    """
    out: list[_Line | None] = []
    for number, raw in enumerate(text.split("\n"), 1):
        raw = raw.expandtabs(8).rstrip()
        if not raw.strip():
            out.append(None)
            continue
        underline = _UNDERLINE_RE.match(raw)
        if underline:
            previous = out[-1] if out else None
            if previous is not None and previous.level is None and len(previous.text) <= len(raw.strip()) + 8:
                previous.level = {"=": 1, "-": 2}.get(underline.group(1), 3)
            out.append(None)
            continue
        stripped = raw.lstrip()
        indent = len(raw) - len(stripped)
        marker = _MARKER_RE.match(stripped)
        hang = indent + (len(marker.group(0)) if marker else 0)
        out.append(_Line(indent, " ".join(stripped.split()), number, hang=hang))
    return out


def _runs(lines: list[_Line | None]) -> list[list[_Line]]:
    """Runs of lines between blank lines (an underlined heading ends its run)."""
    runs: list[list[_Line]] = []
    run: list[_Line] = []
    for line in lines:
        if line is None:
            if run:
                runs.append(run)
                run = []
            continue
        if line.level is not None and run:
            runs.append(run)
            run = []
        run.append(line)
        if line.level is not None:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    # A line underlined only after the run was split: it stands alone.
    out: list[list[_Line]] = []
    for run in runs:
        marked = [i for i, l in enumerate(run) if l.level is not None]
        if marked and marked[-1] != 0:
            cut = marked[-1]
            out.extend([run[:cut], run[cut:]])
        else:
            out.append(run)
    return [r for r in out if r]


def _body_indent(runs: list[list[_Line]]) -> int:
    """The indentation most lines of text have (answers under margin headings: often 4)."""
    counts = Counter(line.indent for run in runs for line in run[1:] or run)
    return counts.most_common(1)[0][0] if counts else 0


def _heading_number(text: str) -> int | None:
    """The depth of a numbered heading ("1.1. What is this FAQ?" -> 2, "Chapter 3. Basics" -> 1)."""
    if _CHAPTER_RE.match(text):
        return 1
    return section_number_depth(text)


def _level(line: _Line, text: str) -> int | None:
    depth = _heading_number(text)
    if depth is not None:
        return depth
    return line.level


def _is_toc(run: list[_Line]) -> bool:
    """A block of numbered entries or dotted leaders: a table of contents."""
    if len(run) < 3:
        return False
    entries = sum(1 for l in run if _heading_number(l.text) is not None or _LEADER_RE.search(l.text))
    leaders = sum(1 for l in run if _LEADER_RE.search(l.text))
    return leaders >= 3 or (
        entries >= 0.6 * len(run)
        and entries >= 4
        and not any(l.text.endswith(".") and len(l.text.split()) > 16 for l in run)
    )


def _heading_lines(
    run: list[_Line],
    nxt: list[_Line] | None,
    body_indent: int,
    wrap: int,
    numbered_doc: bool,
    seen_heading: bool,
) -> int:
    """How many lines at the start of ``run`` are a heading (0: none)."""
    head = run[0]
    if head.level is not None:
        return 1
    if _BULLET_RE.match(head.text) and not _heading_number(head.text):
        return 0
    numbered = _heading_number(head.text) is not None
    margin = head.indent < body_indent or (body_indent == 0 and head.indent == 0)
    if numbered and margin:
        if any(_heading_number(l.text) is not None for l in run[1:]):
            return 0  # a numbered list, not a heading
        if (
            run[-1].text.rstrip().endswith(":")
            and nxt is not None
            and looks_like_code("\n".join(l.text for l in nxt))
        ):
            return 0  # a step that introduces its command ("1. Run the following command:")
        # The whole block is the heading, wrapped ("24. The license says ... So\n    what exactly ...?"),
        # when its text follows indented, or it asks.
        if len(run) <= MAX_HEADING_LINES and (
            nxt is None or nxt[0].indent > head.indent or asks(run[-1].text)
        ):
            return len(run)
        # The heading, then its text in the same block, indented under it.
        same = 1
        while same < len(run) and run[same].indent <= head.indent + 1 and same < MAX_HEADING_LINES:
            same += 1
        if same < len(run) and run[same].indent > head.indent + 1:
            return same
        return 1 if len(head.text.split()) <= MAX_HEADING_WORDS else 0
    if numbered_doc and not seen_heading:
        return 0  # front matter of a numbered document ("Version 11.0", "Abstract")
    if len(run) > 1 and not (head.indent < run[1].indent and margin):
        return 0
    short = len(head.text.split()) <= MAX_HEADING_WORDS and len(head.text) + head.indent < 0.75 * wrap
    if not short or not (head.text[0].isupper() or head.text[0].isdigit()) or ends_mid_sentence(head.text):
        return 0
    if head.text[-1] in _SENTENCE_END and not asks(head.text):
        return 0
    followed = nxt is not None and (len(run) > 1 or nxt[0].indent >= head.indent)
    return 1 if followed and (margin or asks(head.text)) else 0


def _join(lines: list[str]) -> str:
    """Lines of one paragraph as one, mending what wrapping broke at the line ends.

    "Debian GNU/" + "Linux" -> "GNU/Linux"; "(https:" + "//www.debian.org" ->
    "(https://www.debian.org"; "well-" + "known" -> "well-known". A URL that
    ends a line before a word ("http://zlib.net/" + "for") is left apart.
    """
    out = ""
    for line in lines:
        if not out:
            out = line
            continue
        last = out.rsplit(" ", 1)[-1]
        glue = (
            (line.startswith("//") and last.endswith(":"))
            or last.endswith("://")
            or (last.endswith("/") and "://" not in last and len(last) > 1 and line[:1].isalnum())
            or (last.endswith("#") and "://" in last)
            or (last.endswith("-") and last[:-1][-1:].isalpha() and line[:1].islower() and len(last) > 2)
        )
        out = f"{out}{line}" if glue else f"{out} {line}"
    return out


def _paragraph_blocks(run: list[_Line], body_indent: int, wrap: int) -> list[Block]:
    """Unwrap a run of lines into paragraphs and list items.

    A bullet or a numbered item starts an item (its deeper-indented lines
    continue it); a line indented further than the text before it (code, a
    quoted command) is a paragraph of its own, as is the text after it.
    """
    out: list[tuple[str, list[str], int, int]] = []  # kind, lines, indent its lines continue at, line number
    for line in run:
        if is_bare_address(line.text) and not (out and ends_mid_sentence(out[-1][1][-1])):
            # A web address on a line of its own is a block of its own, unless it ends a sentence
            # ("... look at" + the address).
            out.append(("code", [line.text], 10**6, line.number))
            continue
        bullet = _BULLET_RE.match(line.text)
        numbered = _NUMBERED_ITEM_RE.match(line.text)
        if bullet or numbered:
            text = line.text[bullet.end() :] if bullet else line.text
            out.append(("item", [text], line.hang, line.number))
            continue
        if out and not _A_RE.match(line.text):
            kind, texts, indent, number = out[-1]
            if kind == "code":
                continues = line.indent >= indent
            else:
                continues = indent - 2 <= line.indent <= indent + 2 or (
                    # an item's sentence wrapped back to the margin ("1. Use dump2dcm to convert all
                    # files in" / "to DICOM files:"): it goes on in lowercase, mid-sentence
                    kind == "item" and line.text[:1].islower() and texts[-1].rstrip()[-1:] not in ".!?:;"
                )
            if continues:
                texts.append(line.text)
                continue
            if kind != "code" and line.indent > indent + 2:
                out.append(("code", [line.text], line.indent, line.number))  # a command, quoted output
                continue
        out.append(("paragraph", [line.text], line.hang, line.number))
    blocks: list[Block] = []
    for kind, texts, _indent, number in out:
        text = _join(texts)
        if text:
            if kind == "code" and not is_bare_address(text) and looks_like_code("\n".join(texts)):
                blocks.append(Block("code", "\n".join(texts), number))  # a command, its output
            else:
                blocks.append(Block("item" if kind == "item" else "paragraph", text, number))
    return blocks
