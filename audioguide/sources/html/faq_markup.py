"""FAQ markup: the questions a page's markup marks, whatever the CMS, and JSON-LD FAQs.

Yoast, Rank Math and generic FAQ classes, Elementor and Bootstrap accordions,
schema.org microdata, ``<dt>`` and bold lead-ins that ask are marked in the
tree (their block becomes a question); schema.org ``FAQPage`` JSON-LD and
``<details><summary>`` pairs are matched to the visible text, and questions
only the markup has are added to the FAQ part.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from audioguide.sources.html.page import (
    QUESTION_MARK,
    SKIP_MARK,
    PageBlock,
    class_tokens,
    fragment_blocks,
    plain_text,
    words_key,
)
from audioguide.sources.structure import Block, asks, faq_block_title, is_conclusion_heading, split_label

logger = logging.getLogger(__name__)

# CMS FAQ markup: the element that holds a question. Explicit FAQ plugins say so by
# class name (Yoast, Rank Math, generic "faq-question"); accordions and toggles
# (Elementor, Bootstrap, generic) hold a question when it ends in "?" or sits in an FAQ.
_FAQ_QUESTION_TOKENS = frozenset(
    "schema-faq-question rank-math-question faq-question faq__question faq-q faq-title faq-item-title "
    "wp-block-yoast-faq-question sp-faq-title".split()
)
_ACCORDION_TITLE_TOKENS = frozenset(
    "elementor-tab-title elementor-accordion-title elementor-toggle-title accordion-header accordion-title "
    "accordion-toggle accordion-heading toggle-title panel-title e-n-accordion-item-title".split()
)
_FAQ_CONTAINER_RE = re.compile(r"faq|schema\.org/faqpage", re.IGNORECASE)
_WORD_RE = re.compile(r"[^\W\d_]")  # a letter: a question has words
_LABEL_RE = re.compile(r"^(?:Q(?:uestion)?\s*)?[(\[]?[A-Za-z]?\d{0,3}(?:\.\d{1,3})*[.:)\]]?$", re.IGNORECASE)


def mark_questions(root: Any) -> None:
    """Mark the elements that hold an FAQ question, whatever the generator: their block is a question.

    Yoast/Rank Math/"faq-question" classes; accordion and toggle titles
    (Elementor, Bootstrap) that end in "?" or sit in an FAQ; schema.org
    microdata (``itemprop="name"`` of an ``itemtype=".../Question"``); an
    element marked "question" followed by one marked "answer" (DocBook's
    ``qandaset`` rows, and any generator's pairs); the ``<dt>`` terms of a
    list whose terms mostly ask; a bold lead-in that asks. A question has
    words: "?" alone is never one.
    """
    accordions: dict[int, list[Any]] = {}
    keep: list[Any] = []  # elements whose id() is a key above stay alive
    terms: dict[int, list[Any]] = {}  # <dl> -> its <dt> terms
    bold: list[Any] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tokens = class_tokens(element)
        text = element.text_content() or ""
        if not _WORD_RE.search(text):
            continue
        mark = False
        if tokens & _FAQ_QUESTION_TOKENS:
            mark = True
        elif "question" in tokens and _answer_follows(element):
            _mark_pair_question(element)
            continue
        elif tokens & _ACCORDION_TITLE_TOKENS:
            container = _accordion(element)
            keep.append(container)
            accordions.setdefault(id(container), []).append(element)
            continue
        elif element.get("itemprop") == "name" and "question" in (
            (element.getparent().get("itemtype") or "").lower() if element.getparent() is not None else ""
        ):
            mark = True
        elif element.tag == "dt":
            listing = element.getparent()
            keep.append(listing)
            terms.setdefault(id(listing), []).append(element)
            continue
        elif element.tag in ("strong", "b") and asks(text.strip()) and _opens_block(element):
            bold.append(element)
            continue
        elif element.tag in ("strong", "b") and _asked_after(element, text) and _opens_block(element):
            bold.append(element.getparent())  # "<p><strong>What is dpy</strong>?</p>": the block asks
            continue
        if mark and not any(a.get(QUESTION_MARK) for a in element.iterancestors()):
            element.set(QUESTION_MARK, "1")
    for dts in terms.values():
        _mark_terms(dts)
    # A bold question leading into its paragraph's text is one when the page asks so more than once,
    # or it stands alone (its own paragraph, or a line of its own): "Support? Bug reports? Please read ..."
    # opening an introduction is no FAQ.
    for element in bold:
        alone = element.tag not in ("strong", "b") or _stands_alone(element)  # a block: all its text
        if (len(bold) >= 2 or alone) and not any(a.get(QUESTION_MARK) for a in element.iterancestors()):
            element.set(QUESTION_MARK, "1")
    # An accordion's titles are questions when most of them ask, or the accordion is an FAQ.
    for titles in accordions.values():
        texts = [" ".join(t.text_content().split()) for t in titles]
        asking = sum(t.rstrip().endswith("?") for t in texts)
        every = asking * 2 >= len(titles) or _in_faq(titles[0])
        for title, text in zip(titles, texts):
            outer = [a for a in title.iterancestors() if a.get(QUESTION_MARK)]
            inner = [
                d
                for d in title.iterdescendants()
                if isinstance(d.tag, str) and class_tokens(d) & _ACCORDION_TITLE_TOKENS
            ]
            if (every or text.endswith("?")) and not outer and not inner:
                title.set(QUESTION_MARK, "1")
    del keep


def _answer_follows(element: Any) -> bool:
    """The next element beside it is marked "answer" (``<tr class="question">`` then ``<tr class="answer">``)."""
    following = element.getnext()
    while following is not None and not isinstance(following.tag, str):
        following = following.getnext()
    return following is not None and "answer" in class_tokens(following)


def _mark_pair_question(element: Any) -> None:
    """Mark the question of a question/answer pair; in a table row, the cell with the question.

    A row's label cell ("1.", "Q:") is not read: the track number says where a question is.
    """
    if element.tag != "tr":
        element.set(QUESTION_MARK, "1")
        return
    cells = [c for c in element if c.tag in ("td", "th")]
    worded = [c for c in cells if _WORD_RE.search(" ".join(c.text_content().split()).strip("Qq:.)( "))]
    if not worded:
        return
    worded[-1].set(QUESTION_MARK, "1")
    for cell in cells:
        if cell is not worded[-1] and _LABEL_RE.match(" ".join(cell.text_content().split())):
            cell.set(SKIP_MARK, "1")


def _mark_terms(dts: list[Any]) -> None:
    """The terms of a definition list are questions when most of them (at least two) ask; a lone
    term that asks is one too. A price list ("Gold (12000 USD/year)") is no FAQ."""
    texts = [" ".join(dt.text_content().split()) for dt in dts]
    asking = sum(asks(t) for t in texts)
    every = asking >= 2 and asking * 2 >= len(dts)
    for dt, text in zip(dts, texts):
        if (every or asks(text)) and not any(a.get(QUESTION_MARK) for a in dt.iterancestors()):
            dt.set(QUESTION_MARK, "1")


def _asked_after(element: Any, text: str) -> bool:
    """A bold run whose "?" follows it, and ends its block: ``<strong>What is dpy</strong>?``."""
    parent = element.getparent()
    return (
        (element.tail or "").strip() == "?"
        and element.getnext() is None
        and parent is not None
        and parent.tag in ("p", "li", "dd", "td", "div")
        and asks(text.strip() + "?")
    )


def _stands_alone(element: Any) -> bool:
    """A bold run that is all of its block's text, or ends its line (a ``<br>`` follows)."""
    following = element.getnext()
    if following is not None and following.tag == "br" and not (element.tail or "").strip():
        return True
    block = element.getparent()
    while block is not None and block.tag in ("span", "a", "em", "i", "u", "font"):
        block = block.getparent()
    if block is None:
        return False
    return " ".join(block.text_content().split()) == " ".join(element.text_content().split())


def _accordion(element: Any) -> Any:
    """The accordion an accordion title belongs to (its titles are judged together)."""
    for ancestor in element.iterancestors():
        tokens = class_tokens(ancestor)
        if ancestor.get("role") == "tablist" or tokens & {
            "accordion",
            "elementor-accordion",
            "elementor-toggle",
            "e-n-accordion",
            "panel-group",
            "faq",
        }:
            return ancestor
    return element.getparent() if element.getparent() is not None else element


def _in_faq(element: Any) -> bool:
    for ancestor in element.iterancestors():
        attrs = " ".join(ancestor.get(k, "") for k in ("class", "id", "itemtype"))
        if _FAQ_CONTAINER_RE.search(attrs):
            return True
    return False


def _opens_block(element: Any) -> bool:
    """A bold run that is the first text of its paragraph (not a bold word inside a sentence)."""
    parent = element.getparent()
    while parent is not None and parent.tag in ("span", "a", "em", "i", "u", "font"):
        if (parent.text or "").strip() or parent.getprevious() is not None:
            return False
        parent = parent.getparent()
    if parent is None or parent.tag not in ("p", "div", "li", "dd", "td", "section", "article", "body"):
        return False
    if (parent.text or "").strip():
        return False
    previous = element.getprevious()
    while previous is not None:
        if (previous.tail or "").strip() or (previous.tag not in ("br",) and previous.text_content().strip()):
            return False
        previous = previous.getprevious()
    return True


@dataclass(frozen=True)
class _Faq:
    question: str
    answer: tuple[Block, ...]


def _jsonld_objects(value: Any) -> Iterator[dict]:
    """Every JSON object in a JSON-LD value (``@graph`` and nesting included)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type", ())
    kinds = [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def jsonld_faqs(root: Any, name: str) -> list[_Faq]:
    """Question/acceptedAnswer pairs of every schema.org FAQPage in the page's JSON-LD."""
    faqs: list[_Faq] = []
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        text = script.text or ""
        if _nesting(text) > MAX_JSONLD_DEPTH:
            logger.info("%s: JSON-LD block nested deeper than %d levels ignored", name, MAX_JSONLD_DEPTH)
            continue
        try:
            data = json.loads(text, strict=False)
        except (ValueError, RecursionError) as exc:
            logger.info("%s: unreadable JSON-LD block ignored (%s)", name, type(exc).__name__)
            continue
        for obj in _jsonld_objects(data):
            if "FAQPage" not in _types(obj):
                continue
            entities = obj.get("mainEntity") or obj.get("hasPart") or []
            for question in entities if isinstance(entities, list) else [entities]:
                if not isinstance(question, dict) or "Question" not in _types(question):
                    continue
                asked = _string(question.get("name")) or _string(question.get("text"))
                answers = question.get("acceptedAnswer") or question.get("suggestedAnswer") or []
                answer = answers[0] if isinstance(answers, list) and answers else answers
                body = _string(answer.get("text")) if isinstance(answer, dict) else _string(answer)
                question_text = plain_text(asked)
                blocks = fragment_blocks(body)
                if question_text and blocks:
                    faqs.append(_Faq(question_text, tuple(blocks)))
    return faqs


MAX_JSONLD_DEPTH = 64  # schema.org FAQs nest a few levels; 5,000 brackets are no FAQ


def _nesting(text: str) -> int:
    """How deep a JSON text's arrays and objects nest (brackets in strings aside), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _string(value: Any) -> str:
    """A JSON-LD text, or "" for anything else (a list, a number, ``Infinity``): only text is read."""
    return value if isinstance(value, str) else ""


def details_faqs(page: list[PageBlock]) -> list[_Faq]:
    """``<details><summary>Question?</summary>answer</details>`` pairs, in page order."""
    faqs: list[_Faq] = []
    current: tuple[str, list[Block]] | None = None
    for p in page:
        if p.block.kind == "question" and p.in_details:
            if current and current[1]:
                faqs.append(_Faq(current[0], tuple(current[1])))
            current = (p.block.text, [])
        elif current is not None and p.in_details and p.block.kind != "heading":
            current[1].append(p.block)
        elif current is not None:
            if current[1]:
                faqs.append(_Faq(current[0], tuple(current[1])))
            current = None
    if current and current[1]:
        faqs.append(_Faq(current[0], tuple(current[1])))
    return faqs


def with_faqs(blocks: list[Block], faqs: list[_Faq], title: str) -> list[Block]:
    """Mark the page's FAQ questions as such; add those only the markup has.

    A question the visible text already shows (as a heading, a summary or a
    paragraph) is marked there and keeps the page's answer; the others go
    after the page's last FAQ, else after an "FAQ" heading, else before the
    conclusion, else at the end.
    """
    if not faqs:
        return blocks
    levels = [b.level for b in blocks if b.kind == "heading" and b.level]
    question_level = (min(levels) + 1) if levels else None
    wanted: dict[str, _Faq] = {}
    for faq in faqs:
        wanted.setdefault(words_key(faq.question), faq)
    out: list[Block] = []
    seen: set[str] = set()
    last_faq: int | None = None
    for block in blocks:
        key = words_key(block.text)
        if key in wanted and block.kind in ("heading", "paragraph", "question") and key not in seen:
            level = (block.level if block.kind == "heading" else None) or question_level
            block = Block("question", block.text, block.line, level)
            seen.add(key)
            last_faq = len(out)
        out.append(block)
    missing = [faq for key, faq in wanted.items() if key not in seen]
    if not missing:
        return out
    extra: list[Block] = []
    for faq in missing:
        extra.append(Block("question", faq.question, None, question_level))
        extra.extend(Block(b.kind, b.text) for b in faq.answer if b.kind != "heading")
    position = _faq_position(out, last_faq, title)
    return out[:position] + extra + out[position:]


def _faq_position(blocks: list[Block], last_faq: int | None, title: str) -> int:
    """Where FAQs the page does not show go: after its last FAQ (answer included), ..."""

    def after(start: int) -> int:
        index = start + 1
        while index < len(blocks) and blocks[index].kind in ("paragraph", "item"):
            index += 1
        return index

    if last_faq is not None:
        return after(last_faq)
    for index, block in enumerate(blocks):
        if block.kind == "heading" and faq_block_title(split_label(block.text, title)):
            return after(index)
    for index, block in enumerate(blocks):
        if block.kind == "heading" and is_conclusion_heading(split_label(block.text, title)):
            return index
    return len(blocks)
