"""Plain text and Markdown as they come: hard-wrapped, compressed, without an extension, MyST.

Through the public loader (``audioguide.sources.load_source``) and the CLI.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from cli_helpers import invoke

from audioguide.errors import SourceError
from audioguide.model.document import ChapterKind, is_item
from audioguide.sources.load import load_source

DATA = Path(__file__).parent / "data" / "plain"
HANDOUT = DATA / "cataract-handout.txt"
QA = DATA / "questions-qa.txt"


def test_hard_wrapped_text_is_unwrapped_before_headings_are_found():
    doc = load_source(HANDOUT).document
    assert doc.title == "Cataract Surgery: A Patient Handout"
    titles = [c.title for c in doc.chapters]
    # The wrapped question is one title, not two line fragments; section numbers are not read.
    assert "How do I prepare for cataract surgery and what should I bring on the day?" in titles
    assert not any(t.startswith(("on the day", "1.1", "Bring a list")) for t in titles)
    prepare = next(c for c in doc.chapters if c.title.startswith("How do I prepare"))
    assert prepare.kind is ChapterKind.FAQ and prepare.group == "Before the operation"
    assert prepare.paragraphs[0] == (
        "Bring a list of your medicines, your glasses and someone to take you home. Wear comfortable clothes. "
        "Leave jewellery and valuables at home."
    )
    drops = next(c for c in doc.chapters if c.title == "Eye drops")
    assert drops.group == "After the operation"
    assert [is_item(p) for p in drops.paragraphs] == [False, True, True, True, False]


def test_table_of_contents_and_the_copyright_notice_are_dropped_and_listed():
    """The front matter's copyright notice is furniture, as a page's copyright footer is: no track
    at the end, nothing before the first chapter; ``--keep-furniture`` keeps it in the introduction."""
    doc = load_source(HANDOUT).document
    toc = [d for d in doc.dropped if d.reason.startswith("table of contents")]
    assert toc and any("1.2. Can I eat before the operation?" in d.text for d in toc)
    spoken = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "1.2. Can I eat" not in spoken
    assert "Copyright" not in spoken and "Copyright and licence" not in [c.title for c in doc.chapters]
    notice = [d for d in doc.dropped if d.reason.startswith("copyright and licence notice")]
    assert [d.text for d in notice] == [
        "Copyright (C) 2023 Clearview Eye Care. All rights reserved.",
        "Permission is granted to copy this handout for patients, provided this notice is kept.",
    ]
    assert notice[0].kind == "furniture"
    kept = load_source(HANDOUT, keep_furniture=True).document
    assert "Copyright (C) 2023 Clearview Eye Care. All rights reserved." in kept.chapters[0].paragraphs


def test_q_and_a_text_one_track_per_question_markers_not_read():
    doc = load_source(QA).document
    assert [(c.kind, c.title) for c in doc.chapters] == [
        (ChapterKind.FAQ, "How long does a hearing test take?"),
        (ChapterKind.FAQ, "My ears are blocked with wax. Should I have them cleaned before the test?"),
        (ChapterKind.FAQ, "Will I get the results straight away?"),
    ]
    assert doc.chapters[0].paragraphs == (
        "About thirty minutes. The audiologist first looks into your ears, then plays tones through headphones "
        "and asks you to press a button whenever you hear one.",
    )
    assert doc.chapters[0].lead == "Hearing Test FAQ"


def test_line_per_paragraph_text_is_read_as_before(example_article):
    """The seed article (one paragraph per line) is not taken for hard-wrapped text."""
    doc = load_source(example_article).document
    assert len(doc.chapters) == 11 and doc.chapters[3].title == "Why Not Take Medication?"


@pytest.mark.parametrize("name", ["FAQ.gz", "handout.txt.gz", "HANDOUT"])
def test_gzip_and_extension_less_text_is_read_by_content(tmp_path, name):
    data = HANDOUT.read_bytes()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    doc = load_source(path).document
    assert doc.title == "Cataract Surgery: A Patient Handout"
    assert [c.title for c in doc.chapters] == [c.title for c in load_source(HANDOUT).document.chapters]


def test_gzip_markdown_and_html_by_inner_name_or_content(tmp_path):
    markdown = "# Ice Packs\n\nIce eases swelling.\n\n## How long?\n\nTwenty minutes at a time.\n"
    (tmp_path / "ice.md.gz").write_bytes(gzip.compress(markdown.encode()))
    (tmp_path / "README").write_text(markdown, encoding="utf-8")
    html = (
        "<!DOCTYPE html><html><body><main><h1>Ice Packs</h1><p>Ice eases swelling.</p></main></body></html>"
    )
    (tmp_path / "ice.html.gz").write_bytes(gzip.compress(html.encode()))
    (tmp_path / "page.gz").write_bytes(gzip.compress(html.encode()))
    for name in ("ice.md.gz", "README"):
        doc = load_source(tmp_path / name).document
        assert doc.title == "Ice Packs" and [c.title for c in doc.chapters] == ["Introduction", "How long?"]
    for name in ("ice.html.gz", "page.gz"):
        doc = load_source(tmp_path / name).document
        assert doc.title == "Ice Packs" and doc.chapters[0].paragraphs == ("Ice eases swelling.",)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"plain text, not compressed", "not a gzip file"),
        (gzip.compress(b"some text", mtime=0)[:12], "damaged gzip file"),
        (gzip.compress(b"   \n", mtime=0), "empty"),
    ],
)
def test_bad_gzip_is_one_line_error(tmp_path, data, needle):
    path = tmp_path / "notes.txt.gz"
    path.write_bytes(data)
    with pytest.raises(SourceError) as info:
        load_source(path)
    assert str(info.value).startswith(f"{path}: ") and needle in str(info.value)
    assert "\n" not in str(info.value)


def test_outline_of_a_gzip_file_through_the_cli(tmp_path):
    path = tmp_path / "FAQ.gz"
    path.write_bytes(gzip.compress(QA.read_bytes()))
    result = invoke("outline", str(path), "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert [t["kind"] for t in data["tracks"]] == ["faq"] * 3
    assert data["dropped_words"] == 0


MYST = """# Preparing for Your MRI

An MRI uses a strong magnet, so metal must stay outside the scanner room.

```{contents}
:local:
```

(before-the-scan)=
## Before the scan

See {ref}`the safety checklist <safety>` and {doc}`forms/consent` before you come.

```{note}
Tell us about any **implant** or pacemaker.
```

% a comment for the editors

```{admonition} Pregnancy
:class: important
Tell the radiographer if you might be pregnant.
```

```{warning} Remove metal
such as hearing aids.
```

## Commands for the portal

```sh
portal login --patient
```

```python
for x in range(3):
    print(x)
```

<p align="center"><img alt="Clinic logo" src="logo.png"></p>

<h2 align="center">After the scan</h2>

You can drive home. Press <kbd>Enter</kbd> to confirm the appointment.

[![badge](https://img.shields.io/badge/x.svg)](https://example.org)
"""


def test_myst_roles_and_directives_read_as_their_text():
    from audioguide.sources.markdown import parse_markdown_text

    doc = parse_markdown_text(MYST, source="mri.md")
    titles = [c.title for c in doc.chapters]
    assert titles == ["Introduction", "Before the scan", "Commands for the portal", "After the scan"]
    before = doc.chapters[1].paragraphs
    assert before == (
        "See the safety checklist and consent before you come.",
        "Note: Tell us about any implant or pacemaker.",
        "Pregnancy: Tell the radiographer if you might be pregnant.",
        "Warning: Remove metal such as hearing aids.",
    )
    spoken = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "{" not in spoken and ":local:" not in spoken and "(before-the-scan)=" not in spoken
    assert "a comment for the editors" not in spoken
    reasons = {d.reason for d in doc.dropped}
    assert "table of contents" in reasons and "MyST target or comment" in reasons


def test_markdown_html_is_read_as_html_never_its_tags():
    from audioguide.sources.markdown import parse_markdown_text

    doc = parse_markdown_text(MYST, source="mri.md")
    after = doc.chapters[-1]
    assert after.title == "After the scan"  # an <h2> in an HTML block is a heading
    assert after.paragraphs == ("You can drive home. Press Enter to confirm the appointment.",)
    portal = doc.chapters[2].paragraphs
    # Code, a shell command too, is never read: one short note stands for the two blocks.
    assert portal == ("An example is shown on the page.",) and portal[0].what == "code"
    dropped = {d.text: d.reason for d in doc.dropped}
    assert dropped["portal login --patient"] == "code"
    assert any("print(x)" in text and reason == "code" for text, reason in dropped.items())
    assert dropped.get("badge") == "Markdown image (a logo or badges)"
    spoken = " ".join(p for c in doc.chapters for p in c.paragraphs)
    assert "<" not in spoken and "Clinic logo" not in spoken


def test_markdown_without_h1_takes_its_first_heading_as_title():
    from audioguide.sources.markdown import parse_markdown_text

    text = (
        '[![Logo](logo.png)](https://example.org)\n\n<h2 align="center">Sun Safety</h2>\n\n'
        "Use sunscreen every day.\n\n## License\n\nMIT.\n\n## Shade\n\nStay in the shade at noon.\n"
    )
    doc = parse_markdown_text(text, source="README.md")
    assert doc.title == "Sun Safety"
    assert [c.title for c in doc.chapters] == ["Introduction", "Shade", "License"]  # the licence goes last


def test_long_section_is_split_at_its_subheadings_never_mid_paragraph():
    from audioguide.sources.markdown import parse_markdown_text

    paragraph = (
        "Walking every day keeps the new joint moving and the muscles around it strong, "
        "and it is the best single thing you can do. "
    ) * 6
    parts = "\n\n".join(f"### Week {n}\n\n{paragraph}\n\n{paragraph}" for n in range(1, 5))
    text = (
        f"# Knee Recovery\n\nIntro text for the guide.\n\n## Exercises\n\n{paragraph}\n\n{parts}"
        "\n\n## Diet\n\nEat well.\n"
    )
    doc = parse_markdown_text(text, source="knee.md")
    titles = [(c.group, c.title) for c in doc.chapters]
    assert titles == [
        (None, "Introduction"),
        ("Exercises", "Exercises"),
        ("Exercises", "Week 1"),
        ("Exercises", "Week 2"),
        ("Exercises", "Week 3"),
        ("Exercises", "Week 4"),
        (None, "Diet"),
    ]
    for chapter in doc.chapters[1:6]:
        assert chapter.paragraphs and all(
            p == paragraph.strip() for p in chapter.paragraphs
        )  # whole paragraphs


def test_long_section_without_subheadings_is_cut_between_paragraphs_and_outline_flags_long_tracks(tmp_path):
    paragraph = (
        "The nerves of the lower back carry signals to the legs, which is why a disc problem "
        "in the back can be felt as pain in the calf or the foot. "
    ) * 5
    body = "\n\n".join([paragraph] * 40)  # about 20 minutes
    path = tmp_path / "back.md"
    path.write_text(f"# Back Pain\n\nShort intro.\n\n## How the back works\n\n{body}\n", encoding="utf-8")
    data = json.loads(invoke("outline", str(path), "--json").output)
    back = [t for t in data["tracks"] if t["group"] == "How the back works"]
    assert len(back) >= 3 and back[1]["title"] == "How the back works, part 2"
    assert all(not t["long"] for t in data["tracks"])
    doc = load_source(path).document
    assert all(p == paragraph.strip() for c in doc.chapters[1:] for p in c.paragraphs)
    # A guide script is built as the editor wrote it: a long chapter stays whole, and is flagged.
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        "title: Back Pain\nchapters:\n  - kind: section\n    title: How the back works\n"
        "    text: |\n" + "\n".join(f"      {paragraph}\n" for _ in range(40)),
        encoding="utf-8",
    )
    result = invoke("outline", str(guide))
    assert "[over 10 minutes]" in result.output
    assert "track 1 (How the back works) is about" in result.stderr
