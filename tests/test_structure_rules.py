"""The structure rules on real documents nobody here wrote (tests/data/real/CORPUS.md).

One test (at least) per failure class of the real-document corpus: questions
wherever a generator puts them, tables of contents, breadcrumbs, badges and
page chrome, code, titles, sections, wiki emphasis. Each reads a real
document through the public interface and checks what a listener would hear.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from audioguide.model.plan import TrackPlan, plan_tracks
from audioguide.model.settings import GuideSettings
from audioguide.sources.load import load_source

REAL = Path(__file__).parent / "data" / "real"


@cache
def plan(name: str) -> TrackPlan:
    return plan_tracks(load_source(REAL / name).document, GuideSettings())


def spoken(name: str) -> str:
    return "\n".join(p.text for t in plan(name).tracks for p in t.passages)


def dropped(name: str, reason: str) -> list[str]:
    return [d.text for d in plan(name).dropped if d.reason == reason]


# ---------------------------------------------------------------- code


def test_code_blocks_are_never_read_a_note_says_an_example_is_shown():
    """ikiwiki's nginx section: shell commands, a systemd unit, server blocks (HTML <pre>)."""
    text = spoken("ikiwiki-tips-dot_cgi.html")
    assert "spawn-fcgi -s" not in text and "fastcgi_index" not in text and "[Unit]" not in text
    nginx = next(t for t in plan("ikiwiki-tips-dot_cgi.html").tracks if t.title == "nginx")
    assert "An example is shown on the page." in [p.text for p in nginx.passages]
    code = dropped("ikiwiki-tips-dot_cgi.html", "code")
    assert any("spawn-fcgi -s /tmp/fcgi.socket" in c for c in code)
    assert all(d.kind == "code" for d in plan("ikiwiki-tips-dot_cgi.html").dropped if d.reason == "code")


def test_commands_in_markdown_and_terminal_sessions_are_code():
    """A README's `npm install` fence and MkDocs' console session are code, not speech."""
    assert "npm install commander" not in spoken("commander-Readme.md")
    assert "npm install commander" in dropped("commander-Readme.md", "code")
    assert "pip install mkdocs" not in spoken("mkdocs-installation.html")
    assert "$ python --version" not in spoken("mkdocs-installation.html")


def test_a_command_quoted_as_a_paragraph_is_code():
    """dicom-parser quotes its shell commands with ">": "npm install dicom-parser" is a command."""
    text = spoken("dicom-parser-README.md")
    assert "npm install dicom-parser" not in text and "npm run watch" not in text


def test_bare_web_addresses_are_not_spelled_out():
    """fhirclient lists its CDN addresses as list items: a note says an address is shown."""
    text = spoken("fhirclient-README.md")
    assert "cdn.jsdelivr.net" not in text and "combinatronics.com" not in text
    assert "A web address is shown on the page." in text
    assert any("cdn.jsdelivr.net" in d for d in dropped("fhirclient-README.md", "web address"))


def test_the_code_note_is_a_setting_a_guide_script_may_change(tmp_path):
    from audioguide.sources.guide_script import dump_guide

    document = load_source(REAL / "ikiwiki-tips-dot_cgi.html").document
    script = tmp_path / "guide.yaml"
    text = dump_guide(document, GuideSettings())
    script.write_text(
        text.replace("\nchapters:\n", '\ncode_note: "See the page for the commands."\nchapters:\n')
    )
    loaded = load_source(script)
    assert loaded.settings.code_note == "See the page for the commands."
    said = [p.text for t in plan_tracks(loaded.document, loaded.settings).tracks for p in t.passages]
    assert "See the page for the commands." in said
    assert "An example is shown on the page." not in said
