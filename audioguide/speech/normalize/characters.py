"""Characters first: what a page types is not what a voice can read.

Smart quotes, odd spaces, dashes, ellipses, bullets, trademark signs,
control characters, footnote citations and leftover HTML tags reach the
engine as noise or as misread words ("less than kbd greater than"); every
later rule also expects plain ASCII punctuation. The character map is
:data:`~audioguide.speech.normalize.tables.CHAR_MAP`.
"""

from __future__ import annotations

import re
import unicodedata

from audioguide.speech.normalize.tables import CHAR_MAP, KEEP_SYMBOLS
from audioguide.speech.numwords import GLYPHS

_NUMBERISH = rf"[\d{GLYPHS}]"


# HTML tags a source left in its text ("<kbd>Enter</kbd>", "<br>"): never read as
# "less than kbd greater than". Only tag-shaped runs: "x < 3 and y > 2" stays.
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,20}(?:\s+[A-Za-z_:][^<>]{0,300})?\s*/?>")


def drop_html_tags(text: str) -> str:
    """ "Press <kbd>Enter</kbd>" -> "Press Enter": tags are markup, their text is read."""
    return _HTML_TAG_RE.sub(" ", text)


# LaTeX's escaped signs: "1\\% per year" is "1% per year"
_LATEX_ESCAPE_RE = re.compile(r"\\([%$&#_])")
# "*S*oap": emphasis, the word kept whole
_EMPHASIS_RE = re.compile(r"(?<![\w*])\*(\w+)\*")
# "*" is a footnote mark or a sign between words, except a quoted asterisk ('*'), which is named later
_ASTERISK_RE = re.compile(r"(?<![\'\"`])\*|\*(?![\'\"`])")


_DASHES_RE = re.compile(r"(\s*)(—|-{2,})(\s*)")
# thousands grouped by a thin or no-break space, as SI and most of Europe write them: "10 000"
_SPACED_THOUSANDS_RE = re.compile(r"(?<![\d,.])\d{1,3}(?:[\u2009\u202f\u00a0]\d{3})+(?![\d,.]\d|\d)")


def _dash(match: re.Match[str]) -> str:
    """A dash between words is a pause (", "), except "--" that begins an option ("--save") or is code ("`--`")."""
    _lead, dashes, trail = match.groups()
    if dashes == "--" and not trail:
        before = match.string[: match.start(2)]
        after = match.string[match.end(2) :]
        if (not before or before[-1] in " `([\"'/") and (after[:1].isalpha() or after[:1] == "`"):
            return match.group(0)
    return ", "


def clean_characters(text: str) -> str:
    """Plain ASCII punctuation, ordinary spaces, no stray symbols.

    Smart quotes become plain quotes; an en dash between numbers becomes a
    hyphen (a range, read later); an em dash, a spaced en dash or a spaced
    hyphen between words becomes ", "; "…" becomes "..."; control characters
    become spaces; footnote marks, bullets, ® ™ © and emoji are removed;
    numeric citations "[12]" are removed; HTML tags are dropped
    (:func:`drop_html_tags`).
    """
    text = _LATEX_ESCAPE_RE.sub(r"\1", text)
    text = _EMPHASIS_RE.sub(r"\1", text)
    text = _ASTERISK_RE.sub(" ", text)
    text = _SPACED_THOUSANDS_RE.sub(lambda m: re.sub(r"\s", ",", m.group(0)), text)
    text = drop_html_tags(text.translate(CHAR_MAP))
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc":
            out.append(" ")
        elif category == "Co" and 0xF0000 <= ord(ch) <= 0xFFFFD:
            out.append(ch)  # a token's placeholder (see tokens.py)
        elif category in ("Cf", "Co", "Cs", "Cn"):
            continue
        elif category == "So" and ch not in KEEP_SYMBOLS:
            out.append(" ")
        else:
            out.append(ch)
    text = "".join(out)
    text = re.sub(r"(?<=\d)\s?º", "°", text)
    # dashes: a range's en dash or LaTeX "--" becomes a hyphen; a command-line option ("--save",
    # "`--`") keeps its dashes; any other dash between words is a pause
    text = re.sub(rf"(?<={_NUMBERISH})\s*(?:–|--(?!-))\s*(?=[\d$£€.{GLYPHS}])", "-", text)
    text = _DASHES_RE.sub(_dash, text)
    text = re.sub(r"\s+–\s+|\s+–|–\s+", ", ", text)
    text = text.replace("–", "-")
    text = re.sub(r"(?<=[A-Za-z,.;:!?'\")])\s+-\s+(?=[A-Za-z\"'(])", ", ", text)
    # ellipses and citations
    text = re.sub(r"\.\s\.\s\.", "...", text)
    text = re.sub(r"(?<!\[)\[\d+(?:\s*[,-]\s*\d+)*\](?!\])", "", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ,", ",", text)
    return re.sub(r"^[\s,]+", "", text).strip()
