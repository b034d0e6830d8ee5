"""Helpers the tests share: the real `audioguide` command in-process, its one-line errors, and inputs.

Every test imports these from here (``from cli_helpers import ...``), never from another test file.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from audioguide.cli import main

# A child that runs the CLI and prints, on stderr, the modules it loaded (for "X is never imported" tests).
LOADED_MODULES = (
    "import json, sys\n"
    "from audioguide.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:], standalone_mode=False)\n"
    "finally:\n"
    "    print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)

GOOD = "A Title\n\nSome introduction text.\n\nA Section\n\nSection text here.\n"  # a valid short article


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``audioguide ARGS``; the result has ``.output`` (stdout) and ``.stderr``."""
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2 mixes them by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False, env=env)


def assert_one_line_error(result: Result, *needles: str) -> None:
    """A failed command that said what went wrong in one ``audioguide: error:`` line holding ``needles``."""
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("audioguide: error: ")
    assert "Traceback" not in result.output + result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def write_picture(path: Path, size: int = 32) -> Path:
    """A small real picture at ``path``: JPEG or PNG by its suffix."""
    from PIL import Image

    Image.new("RGB", (size, size), (20, 60, 120)).save(
        path, format="PNG" if path.suffix == ".png" else "JPEG"
    )
    return path


def piper_speech(text: str):
    """``text`` spoken by the bundled Piper voice (real speech for the audio tests)."""
    from audioguide.model.settings import VoiceSettings
    from audioguide.synth.engines.piper import PiperEngine

    engine = PiperEngine(VoiceSettings())
    try:
        audio = engine.synthesize(text)
    finally:
        engine.close()
    assert audio.duration_s > 5
    return audio
