"""From a flat list of blocks (headings, paragraphs) to a :class:`Document`.

Source parsers only decide *what each block is*; this package decides *which
chapter it belongs to*: introduction, sections, FAQ questions, conclusion,
and what is dropped as furniture or code (always recorded, never silently
lost). It does so with small rules, each saying why in its docstring:

* :mod:`.facts`: what the whole document says about each heading (its
  siblings ask, it is at the document's item level, it is a topic over
  deeper headings, the levels the document uses for sections);
* :mod:`.entries`: blocks as entries (text on one line, section numbers and
  in-word emphasis out, tables of contents found by what they repeat);
* :mod:`.filters`: author bio, code, version-control keywords, furniture,
  "Q:" paragraphs, a repeated title;
* :mod:`.rules`: the heading rules, tried in order until one places the heading;
* :mod:`.chapters`: very short item tracks joined (said by ``outline``),
  empty headings dropped, long chapters split, legal text last;
* :mod:`.build`: all of it, in order (:func:`build_document`).

The rules share one :class:`~.state.Outline`: the chapters so far and where
the reading stands. List items stay separate paragraphs of their chapter,
flagged as items by their type (:class:`ListItem`, a ``str``), so the planner
gives each its own short pause while everything that reads paragraphs as
text keeps working.
"""

from __future__ import annotations

from audioguide.model.document import ListItem, is_item
from audioguide.sources.headings import (
    asks,
    clean_heading,
    ends_mid_sentence,
    faq_block_title,
    is_conclusion_heading,
    key,
    question_title,
    section_number_depth,
    split_label,
    without_section_number,
)
from audioguide.sources.structure.build import build_document
from audioguide.sources.structure.entries import without_inword_emphasis
from audioguide.sources.structure.state import DEFAULT_FAQ_TITLE, INTRO_TITLE, Block, BlockKind

__all__ = [
    "DEFAULT_FAQ_TITLE",
    "INTRO_TITLE",
    "Block",
    "BlockKind",
    "ListItem",
    "asks",
    "build_document",
    "clean_heading",
    "ends_mid_sentence",
    "faq_block_title",
    "is_conclusion_heading",
    "is_item",
    "key",
    "question_title",
    "section_number_depth",
    "split_label",
    "without_inword_emphasis",
    "without_section_number",
]
