"""`audioguide say`: the speech text of a sentence, and a short clip in the guide's voice."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import invoke
from mutagen.mp3 import MP3


def test_no_audio_prints_speech_text_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("say", "Take 2.5 mg of Toradol twice a day. Get an MRI after 2 weeks.", "--no-audio")
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == [
        "Take two point five milligrams of Toradol twice a day.",
        "Get an M R I after two weeks.",
    ]
    assert result.stderr == ""
    assert not list(tmp_path.iterdir())  # no sound file


def test_lexicons_and_guide_pronunciations(tmp_path: Path) -> None:
    yml = tmp_path / "drugs.yaml"
    yml.write_text("Toradol: TORE ah dole\nMRI: em are eye\n", encoding="utf-8")
    pls = tmp_path / "drugs.pls"
    pls.write_text(
        '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon">'
        "<lexeme><grapheme>Toradol</grapheme><alias>TOR a doll</alias></lexeme></lexicon>",
        encoding="utf-8",
    )
    text = "Take Toradol before the MRI."
    assert (
        invoke("say", text, "--no-audio", "--lexicon", str(yml)).output
        == "Take TORE ah dole before the em are eye.\n"
    )
    assert invoke("say", text, "--no-audio", "--lexicon", str(yml), "--lexicon", str(pls)).output == (
        "Take TOR a doll before the em are eye.\n"
    )
    guide = tmp_path / "guide.yaml"
    guide.write_text(
        "title: T\npronunciations: {Toradol: the guide's word}\nlexicon: drugs.yaml\n"
        "chapters:\n  - {title: S, text: x}\n",
        encoding="utf-8",
    )
    assert invoke("say", text, "--no-audio", "--guide", str(guide), "--lexicon", str(pls)).output == (
        "Take the guide's word before the em are eye.\n"
    )


def test_readings_that_must_not_be_misread() -> None:
    result = invoke("say", "Call Dr. Lee at 555-1234 about your 3rd visit on March 3, 2024.", "--no-audio")
    assert result.output == (
        "Call Doctor Lee at five five five, one two three four about your third visit on March third, "
        "twenty twenty-four.\n"
    )


def test_do_not_use_abbreviations_are_warned_and_read_as_written_or_in_full() -> None:
    result = invoke("say", "Take 5.0 mg QD. Then .5 mg.", "--no-audio")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Take five point zero milligrams every day.",
        "Then point five milligrams.",
    ]
    warnings = result.stderr.splitlines()
    assert len(warnings) == 3 and all(line.startswith("warning: ") for line in warnings)
    assert "'5.0'" in warnings[0] and "trailing zero" in warnings[0]
    assert "'QD'" in warnings[1] and "'.5'" in warnings[2]


def test_writes_a_clip(tmp_path: Path) -> None:
    out = tmp_path / "clips" / "dose.mp3"
    result = invoke("say", "Rest the knee. Ice it twice a day.", "-o", str(out), "--rate", "1.1")
    assert result.exit_code == 0, result.stderr
    assert result.output.splitlines() == ["Rest the knee.", "Ice it twice a day."]
    assert result.stderr.startswith(f"Wrote {out} (")
    audio = MP3(out)
    assert 1.5 < audio.info.length < 8
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_default_output_is_say_mp3_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("say", "Hello.")
    assert result.exit_code == 0, result.stderr
    first = MP3(tmp_path / "say.mp3").info.length
    assert first > 0.5
    again = invoke("say", "Hello again, this is a much longer sentence than the first one was.")
    assert again.exit_code == 0
    assert MP3(tmp_path / "say.mp3").info.length > first + 1  # replaced in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["say.mp3"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["say", "   ", "--no-audio"], "nothing to say"),
        (["say", "!!!", "--no-audio"], "nothing to say"),
        (["say", "Hi.", "--engine", "nope"], "nope"),
        (["say", "Hi.", "--guide", "missing.yaml", "--no-audio"], "missing.yaml"),
    ],
)
def test_errors_are_one_line(
    args: list[str], needle: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("audioguide: error: ") and needle in lines[0], lines
    assert not (tmp_path / "say.mp3").exists()


def test_guide_must_be_a_guide_script(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Title\n\nText here.\n", encoding="utf-8")
    result = invoke("say", "Hi.", "--guide", str(article), "--no-audio")
    assert result.exit_code == 1 and "not a guide script" in result.stderr


def test_help_has_an_example() -> None:
    result = invoke("say", "--help")
    assert result.exit_code == 0 and "Example" in result.output and "say.mp3" in result.output


SENTENCE = "Rest your knee for two days, then walk a little every day until it feels better."


def test_a_full_disk_names_the_output_not_its_temporary_file(tmp_path: Path) -> None:
    """A real full disk: a 16 KB tmpfs mounted at the output's folder (root, unshare -m)."""
    from mounts import CLI, exit_codes, in_namespace, need_mounts

    need_mounts()
    disk = tmp_path / "disk"
    disk.mkdir()
    result = in_namespace(
        f"mount -t tmpfs -o size=16k tmpfs '{disk}'", [[*CLI, "say", SENTENCE, "-o", f"{disk}/said.mp3"]]
    )
    assert exit_codes(result) == [1], result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("audioguide:")]
    assert errors == [
        f"audioguide: error: {disk}/said.mp3: cannot write (No space left on device); "
        "free some space, or write elsewhere"
    ]


def test_a_file_size_limit_names_the_output(tmp_path: Path) -> None:
    """The same through a file-size limit (ulimit -f), which needs no mount: the encoder is
    stopped by SIGXFSZ, and that is said as the disk error it is."""
    import resource
    import subprocess
    import sys

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4000, 4000))

    output = tmp_path / "said.mp3"
    proc = subprocess.run(
        [sys.executable, "-m", "audioguide.cli", "say", SENTENCE, "-o", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines()[-1] == (
        f"audioguide: error: {output}: cannot write (File too large); free some space, or write elsewhere"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []
