"""Nothing lost, nothing crashes: property tests over the parsers and the normalizer, and a book-length run.

Word-level accounting: every word of a source's content is either in the
document (title, FAQ part title, chapter titles, leads, paragraphs: what the
plan speaks) or listed in ``Document.dropped`` (what ``outline`` shows). The
only acceptable failure is a one-line SourceError saying there is no
article text at all.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audioguide.errors import SourceError
from audioguide.model.document import Document
from audioguide.model.plan import plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.html import parse_html_text
from audioguide.sources.markdown import parse_markdown_text
from audioguide.sources.plain import parse_plain_text
from audioguide.speech import Lexicon, normalize
from audioguide.speech.clips import speak_plan

ROOT = Path(__file__).resolve().parent.parent
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORD_RE = re.compile(r"\w+")


def words(text: str) -> set[str]:
    return set(WORD_RE.findall(text.casefold()))


def accounted(doc: Document) -> set[str]:
    """Every word the document keeps (to be spoken) or lists as dropped."""
    parts = [doc.title, doc.faq_title]
    for chapter in doc.chapters:
        parts += [chapter.title, chapter.lead or "", *chapter.paragraphs]
    parts += [d.text for d in doc.dropped]
    return words(" ".join(parts))


def spoken_words(doc: Document) -> set[str]:
    """Words the plan speaks (with --faq single, so the FAQ part's title is said too)."""
    plan = plan_tracks(doc, GuideSettings(faq_mode="single"))
    return words(" ".join(p.text for t in plan.tracks for p in t.passages))


def check_nothing_lost(parse, source_words: set[str]) -> None:
    try:
        doc = parse()
    except SourceError as exc:
        message = str(exc)
        assert "\n" not in message and (
            "no article text" in message or "empty" in message or "no text" in message
        )
        return
    missing = source_words - accounted(doc)
    assert not missing, f"lost words: {sorted(missing)[:10]}"
    dropped = words(" ".join(d.text for d in doc.dropped))
    assert source_words - spoken_words(doc) <= dropped | words(doc.faq_title)


# ---------------------------------------------------------------- generated articles

# Words editors write: letters (any script), digits, and punctuation inside sentences.
_letters = st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd"), max_codepoint=0x2FFF)
_word = st.text(_letters, min_size=1, max_size=12)
_punct = st.sampled_from(["", "", "", ",", ".", "?", ":", ";", "!", " -", "’s", "%", " mg"])
_sentence = st.lists(st.tuples(_word, _punct), min_size=1, max_size=14).map(
    lambda pairs: " ".join(w + p for w, p in pairs)
)
_paragraph = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)
_long_line = st.lists(_word, min_size=400, max_size=1200).map(" ".join)


@st.composite
def articles(draw: st.DrawFn) -> list[tuple[str, str]]:
    """A title and a run of (kind, text) blocks: headings, paragraphs, list items, empty sections."""
    blocks = [("title", draw(_sentence))]
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "item", "question", "faq"]))
        if kind == "heading":
            blocks.append(("heading", draw(_sentence)))
        elif kind == "question":
            blocks.append(("heading", draw(_sentence) + "?"))
        elif kind == "faq":
            blocks.append(
                (
                    "heading",
                    draw(st.sampled_from(["FAQs", "Frequently Asked Questions", "FAQ: "])) + draw(_word),
                )
            )
        elif kind == "item":
            blocks.append(("item", draw(_sentence)))
        else:
            blocks.append(
                ("paragraph", draw(st.one_of(_paragraph, _long_line) if draw(st.booleans()) else _paragraph))
            )
    return blocks


def as_text(blocks: list[tuple[str, str]], separator: str) -> str:
    out = []
    for kind, text in blocks:
        out.append(f"- {text}" if kind == "item" else text)
    return separator.join(out) + "\n"


def as_markdown(blocks: list[tuple[str, str]]) -> str:
    out = []
    for kind, text in blocks:
        safe = re.sub(r"([\\`*_\[\]<>#!|~-])", r"\\\1", text)  # Markdown punctuation escaped
        safe = re.sub(r"^(\d+)([.)])", r"\1\\\2", safe)  # "1." would start a list
        if kind == "title":
            out.append(f"# {safe}")
        elif kind == "heading":
            out.append(f"## {safe}")
        elif kind == "item":
            out.append(f"- {safe}")
        else:
            out.append(safe)
    return "\n\n".join(out) + "\n"


def as_html(blocks: list[tuple[str, str]], chrome: bool) -> str:
    body = []
    for kind, text in blocks:
        safe = html.escape(text)
        tag = {"title": "h1", "heading": "h2", "item": "li"}.get(kind, "p")
        body.append(f"<ul><li>{safe}</li></ul>" if tag == "li" else f"<{tag}>{safe}</{tag}>")
    page = "\n".join(body)
    if chrome:
        page = (
            '<nav><a href="/">Home page</a></nav><div class="cookie-banner">We use cookies here</div>'
            f"<main><article>{page}</article></main><footer>Copyright clinic footer</footer>"
        )
    return f"<!DOCTYPE html><html><head><title>Page</title></head><body>{page}</body></html>"


def block_words(blocks: list[tuple[str, str]]) -> set[str]:
    return words(" ".join(text for _, text in blocks))


@PROPERTY
@given(blocks=articles(), separator=st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\n\n\n", "\n\x0c\n"]))
def test_plain_text_loses_no_word(blocks, separator) -> None:
    check_nothing_lost(
        lambda: parse_plain_text(as_text(blocks, separator), source="a.txt"), block_words(blocks)
    )


@PROPERTY
@given(blocks=articles())
def test_markdown_loses_no_word(blocks) -> None:
    check_nothing_lost(lambda: parse_markdown_text(as_markdown(blocks), source="a.md"), block_words(blocks))


@PROPERTY
@given(blocks=articles(), chrome=st.booleans())
def test_html_loses_no_word(blocks, chrome) -> None:
    source = as_html(blocks, chrome)
    expected = block_words(blocks) | (
        words("Home page We use cookies here Copyright clinic footer") if chrome else set()
    )
    check_nothing_lost(lambda: parse_html_text(source, source="a.html"), expected)


def test_clinic_page_with_article_text_in_random_places_loses_no_word() -> None:
    """The extractor path (a full page), with the accounting checked against every visible word."""
    import lxml.html

    page = (ROOT / "tests" / "data" / "clinic-page.html").read_text(encoding="utf-8")
    doc = parse_html_text(page, source="clinic.html")
    root = lxml.html.document_fromstring(page)
    for node in root.xpath("//script|//style|//head"):
        node.drop_tree()
    assert words(root.text_content()) <= accounted(doc)


# ---------------------------------------------------------------- arbitrary input never crashes

_any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@PROPERTY
@given(text=_any_text)
def test_arbitrary_unicode_never_crashes_a_parser(text: str) -> None:
    for parse in (parse_plain_text, parse_markdown_text, parse_html_text):
        try:
            doc = parse(text, source="any")
        except SourceError as exc:
            assert "\n" not in str(exc)
            continue
        plan = plan_tracks(doc, GuideSettings())
        for track in speak_plan(plan, GuideSettings().pauses, Lexicon.builtin()):
            assert all(clip.speech.strip() for clip in track.clips)


def test_pathological_inputs() -> None:
    cases = [
        "\x00\x01\x02 Title\x07\n\n\x1bBody\x08 text\x7f here.\n",
        "T\n\n" + "word " * 30000,  # one very long line
        "T\n\n" + ("A heading\n\n" * 50) + "finally text.\n",  # empty sections
        "T\n\n" + "\u202e\u200f\u0301\ufeff text with marks\n",
        "<" * 5000 + ">" * 5000,
        "# " + "#" * 300 + "\n\n" + "- " * 2000 + "\n",
    ]
    for text in cases:
        for parse in (parse_plain_text, parse_markdown_text, parse_html_text):
            try:
                doc = parse(text, source="odd")
            except SourceError:
                continue
            speak_plan(plan_tracks(doc, GuideSettings()), GuideSettings().pauses, Lexicon.builtin())


# ---------------------------------------------------------------- normalizer

# Lower-case words that are not abbreviations, units or lexicon keys (those are *read*, not kept).
_READ_AS_OTHER = {
    "etc",
    "aka",
    "vs",
    "approx",
    "per",
    "no",
    "in",
    "ft",
    "oz",
    "lb",
    "lbs",
    "hr",
    "hrs",
    "min",
    "mins",
    "sec",
    "wk",
    "wks",
    "yr",
    "yrs",
    "tsp",
    "tbsp",
    "mmol",
    "kcal",
    "bpm",
    "cc",
    "cm",
    "mm",
    "km",
    # dosing shorthand in lower case, read in full next to a dose (or always)
    *"bid bd tid tds qid qds qd qod qhs qam qpm prn ac pc mane nocte hrly hourly".split(),
    *"po iv im sc sq sl subcut".split(),
    *"tab tabs cap caps yo mls ng pg cl nm mi cal".split(),
}


def _read_as_written(word: str) -> bool:
    """Not in the list above, and not a unit the measure reader expands after a number ("0 ml")."""
    return word not in _READ_AS_OTHER and word in words(normalize(f"5 {word}"))


_plain_word = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=10).filter(
    _read_as_written
)
_number = st.one_of(
    st.integers(0, 10**9).map(str),
    st.integers(1, 999).map(lambda n: f"{n:,}"),
    st.tuples(st.integers(0, 999), st.integers(0, 99)).map(lambda t: f"{t[0]}.{t[1]}"),
    st.integers(0, 100).map(lambda n: f"{n}%"),
    st.tuples(st.integers(1, 50), st.sampled_from(["mg", "mL", "kg", "cm", "°F", "hours"])).map(
        lambda t: f"{t[0]} {t[1]}"
    ),
    st.tuples(st.integers(1, 9), st.integers(10, 20)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.integers(1, 500).map(lambda n: f"${n}.50"),
    st.integers(1, 40).map(
        lambda n: f"{n}{'th' if 4 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"
    ),
    st.tuples(st.integers(1, 12), st.integers(0, 59)).map(lambda t: f"{t[0]}:{t[1]:02d} p.m."),
    st.sampled_from(
        [
            "1/2",
            "3/4",
            "½",
            "1 ½",
            "120/80",
            "7/10",
            "L4-L5",
            "B12",
            "2x",
            "(555) 123-4567",
            "call 555-1234",
            "in 2023",
            "the 1990s",
            "COVID-19",
            "24/7",
            "1,200",
            "-5",
            "0.5",
            "3.0",
        ]
    ),
)
_token = st.one_of(_plain_word, _plain_word, _number)
_sentence_tokens = st.lists(_token, min_size=1, max_size=16)


@settings(max_examples=200, deadline=None)
@given(tokens=_sentence_tokens, end=st.sampled_from([".", "?", "!", ""]))
def test_normalizer_keeps_every_word_and_reads_every_number(tokens: list[str], end: str) -> None:
    text = " ".join(tokens) + end
    said = normalize(text)
    kept = words(said)
    for token in tokens:
        if re.fullmatch(r"[a-z]+", token):
            assert token in kept, (token, said)
    assert not re.search(r"\d", said), said  # every number is read as words
    assert said == " ".join(said.split())


@settings(max_examples=200, deadline=None)
@given(text=_any_text)
def test_normalizer_survives_any_unicode_and_keeps_other_scripts(text: str) -> None:
    said = normalize(text)
    assert isinstance(said, str)
    assert not any(ord(ch) < 32 for ch in said)
    # Words in other scripts are never abbreviations, units or lexicon keys: they survive as written
    # (a format character between two letters may join them, hence "in", not a word match).
    for token in WORD_RE.findall(text):
        # ("º" is Latin, the ordinal indicator, read as a degree sign after a number: "98.6º F")
        if token.isalpha() and not any("a" <= ch.lower() <= "z" for ch in token) and token != "º":
            assert token.casefold() in said.casefold(), (token, said)


# ---------------------------------------------------------------- a book


def test_book_length_document_parses_plans_and_speaks() -> None:
    """Its time is measured by ``scripts/bench --stages`` (target: under 5 s)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from make_book import make_book
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    text = make_book(25000)
    assert 24000 < len(text.split()) < 28000
    settings_ = GuideSettings()
    doc = parse_plain_text(text, source="book.txt")
    plan = plan_tracks(doc, settings_)
    spoken = speak_plan(plan, settings_.pauses, Lexicon.builtin())
    clips = [clip for track in spoken for clip in track.clips]
    assert len(plan.tracks) > 100 and len(clips) > 1000
    assert all(clip.speech and not re.search(r"\d", clip.speech) for clip in clips)
