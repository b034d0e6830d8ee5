"""Running the real `audioguide` Click command in-process, with stderr kept apart."""

from __future__ import annotations

from click.testing import CliRunner, Result

from audioguide.cli import main


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    """Run ``audioguide ARGS``; the result has ``.output`` (stdout) and ``.stderr``."""
    try:
        runner = CliRunner(mix_stderr=False)  # click < 8.2 mixes them by default
    except TypeError:
        runner = CliRunner()
    return runner.invoke(main, list(args), catch_exceptions=False, env=env)
