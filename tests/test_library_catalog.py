"""What a library holds: SOURCES and library.yaml read into guides, every problem one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.library import LibraryError, read_sources


def write(path: Path, text: str = "Title\n\nText.\n") -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_files_and_urls_in_order_each_once(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in ("b.md", "a.txt", "c.html", "notes.xyz", ".hidden.txt"):
        write(folder / name)
    (folder / "sub").mkdir()
    write(folder / "sub" / "deep.txt")
    extra = write(tmp_path / "extra.yaml")
    catalog = read_sources(
        [str(folder), str(extra), "https://clinic.example/blog/knee", str(folder / "a.txt")]
    )
    assert [Path(g.source).name if not g.source.startswith("http") else g.source for g in catalog.guides] == [
        "a.txt",
        "b.md",
        "c.html",
        "extra.yaml",
        "https://clinic.example/blog/knee",
    ]


def test_library_yaml_with_per_guide_settings(tmp_path):
    write(tmp_path / "knee.txt")
    (tmp_path / "more").mkdir()
    write(tmp_path / "more" / "hip.md")
    library = write(
        tmp_path / "library.yaml",
        """\
title: Riverside Clinic
publisher: Riverside Clinic
base_url: https://clinic.example/audio/
formats: [tracks, single, podcast]
hold: {gap_ms: 1500, max_seconds: 300}
guides:
  - knee.txt
  - more
  - source: https://clinic.example/blog/back
    slug: back-pain
    faq: single
    announce: false
    rate: 0.9
    formats: [tracks, web]
""",
    )
    catalog = read_sources([str(library)])
    assert catalog.title == "Riverside Clinic" and catalog.base_url == "https://clinic.example/audio"
    assert catalog.formats == ("tracks", "single", "podcast")
    assert catalog.hold.gap_ms == 1500 and catalog.hold.max_seconds == 300
    knee, hip, back = catalog.guides
    assert knee.source == str((tmp_path / "knee.txt").resolve()) and hip.source.endswith("hip.md")
    assert back.slug == "back-pain" and back.formats == ("tracks", "web")
    assert back.overrides == {"faq_mode": "single", "announce": False, "rate": 0.9}


@pytest.mark.parametrize(
    "body, problem",
    [
        ("guides: []\n", "guides: must be a list of sources"),
        ("titel: x\nguides: [a.txt]\n", "unknown key 'titel'"),
        ("guides:\n  - source: a.txt\n    speed: 2\n", "guide 1: unknown key 'speed'"),
        ("guides:\n  - source: a.txt\n    slug: Not A Slug\n", "slug must be lower-case"),
        ("guides:\n  - source: a.txt\n    faq: some\n", "faq must be each or single"),
        ("guides:\n  - source: a.txt\n    rate: fast\n", "rate must be a number"),
        ("base_url: clinic.example\nguides: [a.txt]\n", "absolute http"),
        ("formats: [tracks, vinyl]\nguides: [a.txt]\n", "unknown format 'vinyl'"),
        ("hold: {gap_ms: -1}\nguides: [a.txt]\n", "hold.gap_ms must be at least 0, not -1"),
        ("hold: {gap_ms: 1000000000000}\nguides: [a.txt]\n", "hold.gap_ms must be at most 60000"),
        ("hold: {max_seconds: 1.0e+300}\nguides: [a.txt]\n", "hold.max_seconds must be between 1 and 86400"),
        ("guides:\n  - source: a.txt\n    rate: 100\n", "rate must be between 0.25 and 4, not 100"),
        ("guides: [a.txt\n", "invalid YAML"),
    ],
)
def test_library_yaml_problems_are_one_line_naming_the_file(tmp_path, body, problem):
    library = write(tmp_path / "library.yaml", body)
    with pytest.raises(LibraryError) as caught:
        read_sources([str(library)])
    message = str(caught.value)
    assert message.startswith(str(library)) and problem in message and "\n" not in message


def test_a_missing_article_is_left_to_fail_alone(tmp_path):
    catalog = read_sources([str(tmp_path / "gone.txt")])
    assert catalog.guides[0].source == str((tmp_path / "gone.txt").resolve())


def test_an_empty_folder_is_refused(tmp_path):
    with pytest.raises(LibraryError, match="no article files"):
        read_sources([str(tmp_path)])


def test_a_folder_of_leaflets_in_every_readable_format(tmp_path):
    """Word, OpenDocument, EPUB and PDF leaflets in a folder are guides, as text and web pages are."""
    real = Path(__file__).parent / "data" / "real"
    names = [
        "officer-example.docx",
        "odfpy-serious_poem.odt",
        "childrens-literature.epub",
        "survival-discrim.pdf",
    ]
    for name in names:
        (tmp_path / name).write_bytes((real / name).read_bytes())
    (tmp_path / "notes.xyz").write_text("not an article")
    catalog = read_sources([str(tmp_path)])
    assert sorted(Path(g.source).name for g in catalog.guides) == sorted(names)
