"""The command line, end to end with the real engine on a short article."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest
from cli_helpers import invoke
from mutagen.id3 import ID3

from audioguide import __version__
from audioguide.cli import main

ARTICLE = """Caring for Your Knee After an Injection

Most people feel better within a few days. Rest helps.

What should I avoid?

Avoid running for two days. Walking is fine.

FAQ

Can I shower?

Yes, you can shower the next day.

Will it hurt?

It may ache for a day or so.

Conclusion

Call the clinic if the pain gets worse.

Leave a Comment
"""


@pytest.fixture
def article(tmp_path) -> Path:
    path = tmp_path / "knee.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_on_every_command(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    usage = result.output.splitlines()[0]
    assert re.fullmatch(rf"Usage: \S+ {command} \[OPTIONS\]( [A-Z].*)?", usage), usage
    assert "Example" in result.output


def test_outline_text(article):
    result = invoke("outline", str(article))
    assert result.exit_code == 0
    out = result.output
    assert "5 tracks" in out
    for title in ("Introduction", "What should I avoid?", "Can I shower?", "Will it hurt?", "Conclusion"):
        assert title in out
    assert "Not spoken" in out and "Leave a Comment" in out


def test_outline_json_seed(example_article):
    result = invoke("outline", str(example_article), "--json")
    data = json.loads(result.output)
    assert data["title"] == "Does Interventional Pain Management Prescribe Medication?"
    assert len(data["tracks"]) == 11
    track = data["tracks"][3]
    assert track == {
        "number": 4,
        "kind": "section",
        "title": "Why Not Take Medication?",
        "file": "04 - Why Not Take Medication.mp3",
        "words": track["words"],
        "estimated_s": track["estimated_s"],
        "group": None,
        "long": False,
    }
    assert 60 < track["words"] < 80 and 20 < track["estimated_s"] < 45
    assert {d["reason"] for d in data["dropped"]} >= {"comment prompt", "author bio"}
    single = json.loads(invoke("outline", str(example_article), "--json", "--faq", "single").output)
    assert [t["kind"] for t in single["tracks"]].count("faq") == 1 and len(single["tracks"]) == 7


def test_build_with_progress_and_report(article, tmp_path):
    out = tmp_path / "guide"
    result = invoke("build", str(article), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert "Synthesizing clips" in result.stderr and "Writing tracks" in result.stderr
    assert "Rebuilt 5 of 5 tracks" in result.output
    files = sorted(p.name for p in out.glob("*.mp3"))
    assert files == [
        "01 - Introduction.mp3",
        "02 - What should I avoid.mp3",
        "03 - Can I shower.mp3",
        "04 - Will it hurt.mp3",
        "05 - Conclusion.mp3",
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(t["kind"], t["title"]) for t in manifest["tracks"]] == [
        ("intro", "Introduction"),
        ("section", "What should I avoid?"),
        ("faq", "Can I shower?"),
        ("faq", "Will it hurt?"),
        ("conclusion", "Conclusion"),
    ]
    assert str(ID3(out / files[2])["TRCK"]) == "3/5"
    assert (out / "transcripts" / "01 - Introduction.txt").read_text().startswith("Track one of ")

    quiet = invoke("build", str(article), "-o", str(out), "--quiet")
    assert quiet.exit_code == 0 and quiet.output == "" and quiet.stderr == ""

    report = json.loads(invoke("build", str(article), "-o", str(out), "--json", "-q").output)
    assert report["clips_synthesized"] == 0 and len(report["unchanged"]) == report["tracks"]


def test_faq_track_says_question_then_answer(article, tmp_path):
    out = tmp_path / "guide"
    assert invoke("build", str(article), "-o", str(out), "-q").exit_code == 0
    text = (out / "transcripts" / "03 - Can I shower.txt").read_text()
    assert text == "Track three of five. Can I shower?\n\nYes, you can shower the next day.\n"


def test_no_announce_and_custom_template(article, tmp_path):
    out = tmp_path / "plain"
    assert invoke("build", str(article), "-o", str(out), "-q", "--no-announce").exit_code == 0
    assert (
        (out / "transcripts" / "02 - What should I avoid.txt")
        .read_text()
        .startswith("What should I avoid?\n\nAvoid")
    )
    out2 = tmp_path / "custom"
    result = invoke(
        "build", str(article), "-o", str(out2), "-q", "--announce-template", "Part {number}: {title}"
    )
    assert result.exit_code == 0
    assert (out2 / "transcripts" / "05 - Conclusion.txt").read_text().startswith("Part five: Conclusion.")


def test_init_edit_and_build_guide_script(article, tmp_path):
    script = tmp_path / "guide.yaml"
    result = invoke("init", str(article), "-o", str(script))
    assert result.exit_code == 0 and script.exists()
    text = script.read_text(encoding="utf-8")
    assert "kind: faq" in text and "title: Can I shower?" in text
    # an editor retitles the section, skips one FAQ and sets the publisher
    text = text.replace("title: What should I avoid?", "title: Things to avoid")
    text = text.replace(
        "  - kind: faq\n    title: Will it hurt?\n",
        "  - kind: faq\n    title: Will it hurt?\n    skip: true\n",
    )
    text = text.replace("language: en", "publisher: Knee Clinic\nlanguage: en")
    script.write_text(text, encoding="utf-8")
    out = tmp_path / "from-yaml"
    result = invoke("build", str(script), "-o", str(out), "-q")
    assert result.exit_code == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.mp3"))
    assert names == [
        "01 - Introduction.mp3",
        "02 - Things to avoid.mp3",
        "03 - Can I shower.mp3",
        "04 - Conclusion.mp3",
    ]
    tags = ID3(out / names[1])
    assert str(tags["TIT2"]) == "Things to avoid" and str(tags["TPUB"]) == "Knee Clinic"
    assert str(tags["TRCK"]) == "2/4"


def test_markdown_source_builds(tmp_path):
    md = tmp_path / "prp.md"
    md.write_text(
        "# PRP Therapy\n\nPRP uses your own blood.\n\n## Recovery\n\nRest for 2-3 days.\n", encoding="utf-8"
    )
    out = tmp_path / "md"
    assert invoke("build", str(md), "-o", str(out), "-q").exit_code == 0
    text = (out / "transcripts" / "02 - Recovery.txt").read_text()
    assert text == "Track two of two. Recovery.\n\nRest for two to three days.\n"


def test_voices_lists_engines():
    result = invoke("voices")
    assert result.exit_code == 0
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["heart"][:6] == ["heart", "hibari", "en_US", "female", "24", "kHz"]
    assert lines["joe"][:6] == ["joe", "piper", "en_US", "male", "22.05", "kHz"]
    assert "gtts: online" in result.output
    data = json.loads(invoke("voices", "--json").output)
    by_name = {(v["engine"], v["name"]): v for v in data}
    assert by_name["hibari", "heart"]["offline"] is True and by_name["gtts", "es"]["offline"] is False
    assert [v for v in data if v["default"]] == [by_name["hibari", "heart"]]  # exactly one default
    piper = json.loads(invoke("voices", "--json", "--engine", "piper").output)
    assert [v["name"] for v in piper] == ["joe"] and piper[0]["sample_rate"] == 22050


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_failed_build_keeps_previous_output(article, tmp_path):
    out = tmp_path / "guide"
    assert invoke("build", str(article), "-o", str(out), "-q").exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    env = {"AUDIOGUIDE_GTTS_URL": f"http://127.0.0.1:{_closed_port()}"}
    result = invoke("build", str(article), "-o", str(out), "-q", "--engine", "gtts", env=env)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--voice heart" in result.stderr
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".guide")] == []


@pytest.mark.parametrize("command", ["build", "say", "words"])
def test_rate_help_shows_a_plain_percent_sign(command):
    """Click prints help text as written: a doubled %% reached the screen."""
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "(0.9: 11 % longer)" in " ".join(result.output.split())
