"""Documents read before (sources/memo.py): an unchanged PDF, Word, ODT or EPUB file is not read again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from cli_helpers import invoke

from audioguide.model.document import (
    Chapter,
    ChapterKind,
    CodeExample,
    Document,
    Dropped,
    ListItem,
    Subheading,
)
from audioguide.sources.memo import document_from_json, document_to_json

REAL = Path(__file__).parent / "data" / "real"


def _outline(path: Path, cache: Path) -> dict:
    result = invoke("outline", str(path), "--json", env={"AUDIOGUIDE_CACHE_DIR": str(cache)})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _refuse_to_read(*args, **kwargs):
    raise AssertionError("the PDF reader ran on a file read before")


def test_a_pdf_read_before_is_not_read_again(tmp_path, monkeypatch):
    leaflet = shutil.copy(REAL / "survival-discrim.pdf", tmp_path / "leaflet.pdf")
    cache = tmp_path / "cache"
    first = _outline(leaflet, cache)
    assert first["title"] == "Discrimination and Calibration"
    (entry,) = (cache / "_documents").iterdir()
    monkeypatch.setattr("audioguide.sources.pdf.parse_pdf", _refuse_to_read)
    assert _outline(leaflet, cache) == first


def test_a_changed_file_is_read_again(tmp_path):
    leaflet, cache = tmp_path / "leaflet.pdf", tmp_path / "cache"
    shutil.copy(REAL / "survival-discrim.pdf", leaflet)
    assert _outline(leaflet, cache)["title"] == "Discrimination and Calibration"
    shutil.copy(REAL / "survey-epi.pdf", leaflet)  # same name, other bytes
    assert _outline(leaflet, cache)["title"] == "Two-phase designs in epidemiology"
    assert len(list((cache / "_documents").iterdir())) == 2


@pytest.mark.parametrize("damage", ["truncated", "edited"])
def test_a_damaged_entry_is_read_from_the_file_again_and_replaced(tmp_path, damage):
    leaflet = shutil.copy(REAL / "survival-discrim.pdf", tmp_path / "leaflet.pdf")
    cache = tmp_path / "cache"
    first = _outline(leaflet, cache)
    (entry,) = (cache / "_documents").iterdir()
    good = entry.read_bytes()
    if damage == "truncated":
        entry.write_bytes(good[: len(good) // 2])
    else:  # valid JSON whose document no longer matches its digest
        entry.write_bytes(good.replace(b"Discrimination", b"Discriminatien", 1))
    assert _outline(leaflet, cache) == first
    assert entry.read_bytes() == good


def test_every_kind_of_paragraph_comes_back_as_it_was():
    document = Document(
        title="Knee Care",
        chapters=(
            Chapter(ChapterKind.INTRO, "Introduction", ("Rest.", ListItem("Ice it.")), lead="Knee Care"),
            Chapter(
                ChapterKind.SECTION,
                "Exercises",
                (Subheading("Week one", 3), Subheading("Later", None), CodeExample("address"), CodeExample()),
                group="Recovery",
            ),
            Chapter(ChapterKind.FAQ, "Can I walk?", ("Yes.",)),
        ),
        dropped=(Dropped("Share this", "furniture", line=4, outside=True, kind="furniture"),),
        publisher="Riverside Clinic",
        author="A. Nurse",
        language="en-GB",
        source="knee.pdf",
        notes=("headings from the bookmarks",),
    )
    back = document_from_json(json.loads(json.dumps(document_to_json(document))))
    assert back == document and repr(back) == repr(document)
    assert [type(p) for c in back.chapters for p in c.paragraphs] == [
        type(p) for c in document.chapters for p in c.paragraphs
    ]


def test_no_cache_keeps_no_document(tmp_path):
    leaflet = shutil.copy(REAL / "survival-discrim.pdf", tmp_path / "leaflet.pdf")
    cache = tmp_path / "cache"
    result = invoke(
        "build",
        str(leaflet),
        "-o",
        str(tmp_path / "guide"),
        "--no-cache",
        "--dry-run",
        "--cache-dir",
        str(cache),
    )
    assert result.exit_code == 0, result.output
    assert not (cache / "_documents").exists()
    result = invoke(
        "build", str(leaflet), "-o", str(tmp_path / "guide"), "--dry-run", "--cache-dir", str(cache)
    )
    assert result.exit_code == 0, result.output
    assert len(list((cache / "_documents").iterdir())) == 1
