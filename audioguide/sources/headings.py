"""What a heading says: its words without permalink marks or section numbers, and what it asks.

Pure text functions shared by every reader and by :mod:`audioguide.sources.structure`:
whether a heading is a question ("Q: Why?", "3.2.1. Why?"), opens an FAQ part
("FAQs", "FAQ: About X"), closes the article ("Conclusion"), or is legal front matter.
"""

from __future__ import annotations

import re

_FAQ_RE = re.compile(
    r"\b(faqs?|f\.a\.q\.?s?|frequently asked( questions)?|common questions|questions and answers|q ?& ?a)\b",
    re.I,
)
_ABOUT_THE_FAQ_RE = re.compile(r"\b(about|this|of|in|to|for|wrote|maintains?)\s+(the\s+|this\s+)?$", re.I)
_CONCLUSION_RE = re.compile(
    r"^(in )?(conclusion|summary|final (thoughts|words)|the bottom line|bottom line|wrapping up|closing thoughts)\b",
    re.I,
)
LEGAL_RE = re.compile(r"^(copyright|licen[cs](e|ing)|legal|terms of use|disclaimer)s?\b", re.I)

# Permalink marks that documentation generators put after (or before) a heading:
# Sphinx "¶", MkDocs/GitHub "#", "§", a link emoji, Font Awesome's link glyph,
# and the link's title when it is rendered as text.
_PERMALINK_TAIL_RE = re.compile(
    r"(?:\s*(?:[¶\U0001F517\uf0c1]|(?<=\s)[#§]|permalink(?: to this [a-z]+)?|link to this [a-z]+))+\s*$",
    re.IGNORECASE,
)
_PERMALINK_HEAD_RE = re.compile(r"^\s*(?:[¶\U0001F517\uf0c1]|[#§](?=\s))+\s*")
# "Q:", "Q1.", "Q 3)", "Question 2:", "Q." before a question.
_Q_PREFIX_RE = re.compile(r"^Q(?:uestion)?\s*\d{0,3}\s*(?:[:.)\]]|\s[-–—])\s*", re.IGNORECASE)
_A_PREFIX_RE = re.compile(r"^A(?:nswer)?\s*\d{0,3}\s*(?::|\s[-–—])\s*(?=\S)", re.IGNORECASE)
# "A." or "A)" (case kept: "a." starts a lettered list) only answers right after a marked question.
_A_DOT_RE = re.compile(r"^(?:A|Answer)\s*\d{0,3}[.)]\s+(?=\S)")
# "1.1.", "3.2.1", "12)" before a heading: its section number.
_SECTION_NUMBER_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\d{1,3}\))(?=\s)")
# Also appendix and lettered numbers: "A.1.1 What is PuTTY?", "A.7 Troubleshooting", "G1. What is fetchmail?".
_LEADING_NUMBER_RE = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+|\(?\d{1,3}\)|[A-Z]\.\d{1,3}(?:\.\d{1,3})*\.?|[A-Z]\d{1,3}\.)"
    r"\s+(?=[A-Z\"“‘'(\[`_]|[a-z]+\b)"
)
_BARE_NUMBER_RE = re.compile(r"^(\d{1,3})\s+(?=[A-Z])")
# A section number before another number ("7.13. 3.0 source format"): the first numbers the section.
_NUMBER_BEFORE_NUMBER_RE = re.compile(r"^\d{1,3}(?:\.\d{1,3})*\.\s+(?=\d)")
MAX_MARKED_QUESTION_WORDS = 40


def key(text: str) -> str:
    """Comparison key: case-, punctuation- and space-insensitive."""
    return re.sub(r"[\W_]+", "", text.casefold())


def split_label(heading: str, title: str) -> str:
    """ "Conclusion: <the article title>" -> "Conclusion" (the title is not said twice)."""
    if ":" in heading:
        label, rest = heading.split(":", 1)
        if label.strip() and key(rest) == key(title):
            return label.strip()
    return heading


def faq_block_title(heading: str) -> str | None:
    """The FAQ block's title if ``heading`` opens one ("FAQs", "FAQ: About X"), else None.

    The title is the whole heading: "FAQ: About Knee Care" keeps "About Knee
    Care" (a repeated article title is removed before, by :func:`split_label`).
    A question that merely mentions FAQs ("What are common questions?") is a
    question, and a heading *about* the FAQ ("General information about the
    FAQ", "Who wrote this FAQ") is a section.
    """
    label = heading.split(":", 1)[0].strip() if ":" in heading else heading
    match = _FAQ_RE.search(label)
    if not match:
        return None
    if ":" not in heading and heading.endswith("?"):
        return None
    if _ABOUT_THE_FAQ_RE.search(label[: match.start()]):
        return None
    return heading


def clean_heading(text: str) -> str:
    """A heading without permalink marks: "What is Python?¶" -> "What is Python?"."""
    text = " ".join(text.split())
    text = _PERMALINK_TAIL_RE.sub("", text)
    text = _PERMALINK_HEAD_RE.sub("", text)
    return text.strip()


def section_number_depth(text: str) -> int | None:
    """How deep a numbered heading is: "3.2.1. Why?" -> 3, "4. Why?" -> 1; None without a number."""
    match = _SECTION_NUMBER_RE.match(text.strip())
    if not match:
        return None
    return len([part for part in match.group(0).rstrip(".)").split(".") if part])


def without_section_number(heading: str) -> str:
    """ "3.2.1. Why?" -> "Why?": the track number says where a track is; "one point one" would not.

    "Chapter 3. Basics" keeps its words; a number that is the heading's
    subject ("2.5 mg or 5 mg?") is kept, as it is not followed by a word,
    while a section number before it goes ("7.13. 3.0 source format").
    """
    match = _LEADING_NUMBER_RE.match(heading) or _NUMBER_BEFORE_NUMBER_RE.match(heading)
    if not match or not heading[match.end() :].strip():
        return heading
    rest = heading[match.end() :]
    if re.match(r"(mg|ml|g|kg|mm|cm|km|m|h|s|am|pm|mcg|iu|units?|x)\b", rest, re.IGNORECASE):
        return heading
    return rest


def numbered_chapters(headings: list[str]) -> set[int]:
    """Indices of headings whose bare number is a chapter number: "5 R Add-On Packages" before "5.1 ...".

    "3 Ways to Ease Pain" keeps its number: only a heading whose number
    later headings continue ("5.1", "5.2") is numbered.
    """
    found: set[int] = set()
    for index, heading in enumerate(headings):
        match = _BARE_NUMBER_RE.match(heading)
        if match and any(
            h.startswith(f"{match.group(1)}.")
            and h[len(match.group(1)) + 1 : len(match.group(1)) + 2].isdigit()
            for h in headings[index + 1 :]
        ):
            found.add(index)
    return found


def without_chapter_number(heading: str) -> str:
    """ "5 R Add-On Packages" -> "R Add-On Packages" (for a heading :func:`numbered_chapters` found)."""
    return _BARE_NUMBER_RE.sub("", heading, count=1)


# Words a heading never ends on: a line ending so goes on ("... please consult the Wiki at").
_CONTINUING_WORDS = frozenset("a an the and or but nor of at than as".split())


def ends_mid_sentence(text: str) -> bool:
    """A line ending in a word that needs more ("have a look at"): never a heading."""
    words = text.rstrip().split()
    return bool(words) and words[-1].casefold() in _CONTINUING_WORDS


def asks(text: str) -> bool:
    """Ends in a question mark: "Why?", "what is Linux?!", "(why?)"."""
    text = text.rstrip(" !\"'”’)]»")
    return text.endswith("?") and len(text) > 1


def question_title(text: str) -> str | None:
    """The question a heading asks, or None: "Q: Why?" -> "Why?", "1.2. Why?" -> "1.2. Why?".

    A heading is a question when it ends in "?" or carries a "Q:"/"Q1."
    marker (whose text need not end in "?": "Q: Tabs versus spaces").
    """
    text = clean_heading(text)
    match = _Q_PREFIX_RE.match(text)
    if match and text[match.end() :].strip():
        return text[match.end() :].strip()
    if asks(text):
        return text
    return None


def asks_with_marker(text: str, *, answered: bool = False) -> bool:
    """A paragraph "Q: How long is recovery?" (or "Q1. ...", "Question: ..."): a question.

    ``answered``: a marked answer follows it, so it asks whether or not it
    ends in "?" ("Q. I want to open two files in different windows.").
    """
    return (
        bool(_Q_PREFIX_RE.match(text))
        and (answered or asks(text))
        and len(text.split()) <= MAX_MARKED_QUESTION_WORDS
    )


def answers_with_marker(text: str) -> bool:
    """ "A: No, you can drive." or "A. Use the dialog.": a paragraph marked as a question's answer."""
    return bool(_A_PREFIX_RE.match(text) or _A_DOT_RE.match(text))


def strip_answer_marker(text: str, *, first: bool = False) -> str:
    """ "A: No, you can drive." -> "No, you can drive." (the marker is not read). ``first``: the
    answer's first paragraph, where "A. Use the dialog." is marked too."""
    match = _A_PREFIX_RE.match(text) or (_A_DOT_RE.match(text) if first else None)
    return text[match.end() :] if match else text


def is_conclusion_heading(text: str) -> bool:
    return bool(_CONCLUSION_RE.match(text.strip()))
