"""Markdown sources: heading levels, FAQ questions, lists, code blocks."""

from __future__ import annotations

from audioguide.model.document import ChapterKind
from audioguide.sources.markdown import parse_markdown_text
from audioguide.sources.plain import parse_text

MD = """# PRP Injections: A Patient Guide

Platelet-rich plasma (PRP) uses *your own* blood. See [our page](https://example.org/prp).

## How it works

Blood is drawn and spun.

### Step one

- Draw blood
- Spin it

## Frequently Asked Questions

### Does it hurt?

A little.

### How long is recovery?

About **2-3 days**.

## Conclusion

Ask your doctor.

```
print("not spoken")
```

## Leave a Comment

## About the author

Jane writes about health.
"""


def test_markdown_structure():
    doc = parse_markdown_text(MD, source="guide.md")
    assert doc.title == "PRP Injections: A Patient Guide"
    assert [(c.kind, c.title) for c in doc.chapters] == [
        (ChapterKind.INTRO, "Introduction"),
        (ChapterKind.SECTION, "How it works"),
        (ChapterKind.FAQ, "Does it hurt?"),
        (ChapterKind.FAQ, "How long is recovery?"),
        (ChapterKind.CONCLUSION, "Conclusion"),
    ]
    assert doc.faq_title == "Frequently Asked Questions"


def test_markdown_inline_markup_read_as_text():
    doc = parse_markdown_text(MD)
    assert doc.chapters[0].paragraphs == ("Platelet-rich plasma (PRP) uses your own blood. See our page.",)
    assert doc.chapters[3].paragraphs == ("About 2-3 days.",)


def test_markdown_subheadings_and_list_items_stay_in_chapter():
    doc = parse_markdown_text(MD)
    assert doc.chapters[1].paragraphs == ("Blood is drawn and spun.", "Step one", "Draw blood", "Spin it")


def test_markdown_code_and_furniture_dropped_and_listed():
    doc = parse_markdown_text(MD)
    reasons = {d.reason for d in doc.dropped}
    assert "code" in reasons and "comment prompt" in reasons and "author bio" in reasons
    spoken = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "not spoken" not in spoken and "Jane" not in spoken


def test_markdown_twin_of_seed_gives_same_chapters(example_article):
    """The seed written as Markdown (headings marked) parses to the same chapters."""
    seed = parse_text(example_article)
    lines = ["# " + seed.title, ""]
    for chapter in seed.chapters:
        if chapter.kind is ChapterKind.FAQ and chapter is seed.chapters[5]:
            lines += ["## " + seed.faq_title, ""]
        if chapter.kind is not ChapterKind.INTRO:
            level = "###" if chapter.kind is ChapterKind.FAQ else "##"
            lines += [f"{level} {chapter.title}", ""]
        for paragraph in chapter.paragraphs:
            lines += [paragraph, ""]
    doc = parse_markdown_text("\n".join(lines))
    assert [(c.kind, c.title, c.paragraphs) for c in doc.chapters] == [
        (c.kind, c.title, c.paragraphs) for c in seed.chapters
    ]
