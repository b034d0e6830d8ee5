"""``audioguide voices``: the voices a guide can speak in."""

from __future__ import annotations

import dataclasses

import click

from audioguide.cli.app import main
from audioguide.cli.output import echo, echo_json, handle_errors


@main.command()
@click.option("--engine", default=None, help="Only this engine's voices.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@handle_errors
def voices(engine: str | None, as_json: bool) -> None:
    """List the voices: engine, language, sex, sample rate, offline or not, the default.

    Pick one with --voice NAME (the engine follows from it).

    Example: audioguide voices --engine piper
    """
    from audioguide.synth.engines.registry import list_voices

    rows = list_voices(engine)
    if as_json:
        echo_json([dataclasses.asdict(v) for v in rows])
        return
    named = [v for v in rows if v.offline]
    online = [v for v in rows if not v.offline]
    if named:
        echo(
            f"{'voice':<8} {'engine':<7} {'language':<9} {'sex':<7} {'rate':<10} {'offline':<8} {'default':<8} about"
        )
        for v in named:
            rate = f"{v.sample_rate / 1000:g} kHz" if v.sample_rate else "?"
            echo(
                f"{v.name:<8} {v.engine:<7} {v.language:<9} {v.sex or '-':<7} {rate:<10} {'yes':<8} "
                f"{'yes' if v.default else '':<8} {v.description}".rstrip()
            )
    if online:
        if named:
            echo("")
        by_engine: dict[str, list] = {}
        for v in online:
            by_engine.setdefault(v.engine, []).append(v)
        for name, group in by_engine.items():
            rate = f"{group[0].sample_rate / 1000:g} kHz" if group[0].sample_rate else "?"
            echo(f"{name}: online (needs the internet), {rate}; --engine {name} --lang CODE, one of:")
            echo("  " + ", ".join(v.name for v in group))
