"""The package's layering: every import points down the pipeline (README, "Architecture").

Read from the source with ``ast``, so a lazy import inside a function counts
as much as one at the top of a module. A new package or module must be given
its place in ``LAYERS`` before it can be imported by anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "audioguide"

# Each stage and the stages it may import (besides the shared base and itself).
BASE = {
    "audioguide",
    "audioguide.errors",
    "audioguide.hashing",
    "audioguide.text",
    "audioguide.files",
    "audioguide.net",
}  # files: bounded reads; net: connection errors
LAYERS: dict[str, set[str]] = {
    "model": set(),
    "sources": {"model"},
    "speech": {"model"},
    "audio": {"model"},
    "synth": {"model", "audio"},
    "exporters": {"model", "audio"},
    "pipeline": {"model", "sources", "speech", "audio", "synth", "exporters"},
    "verify": {"model", "sources", "speech", "audio", "synth", "pipeline"},
    "library": {"model", "sources", "speech", "audio", "synth", "exporters", "pipeline"},
    "cli": {"model", "sources", "speech", "audio", "synth", "exporters", "pipeline", "verify", "library"},
}
# Exporters see only the finished guide: not the track plan, nor how a track was rendered.
FORBIDDEN = {"exporters": ("audioguide.model.plan", "audioguide.audio.render")}
# Shared helpers inside exporters/ that are not formats themselves.
EXPORTER_HELPERS = {"registry", "joined", "talkingbook", "vtt", "templates", "published"}


def _module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise AssertionError(
                    f"{path}:{node.lineno}: relative import; use absolute audioguide.* imports"
                )
            module = node.module or ""
            # "from audioguide.audio import ffmpeg" imports audioguide.audio.ffmpeg
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name == "audioguide" or name.startswith("audioguide.")]


def _stage(module: str) -> str | None:
    """The stage a module belongs to; None for the shared base."""
    parts = module.split(".")
    if len(parts) == 1 or f"audioguide.{parts[1]}" in BASE or parts[1].startswith("__"):
        return None  # the package itself (__version__), errors, hashing, text
    if parts[1] in LAYERS:
        return parts[1]
    raise AssertionError(f"{module}: not in any stage of tests/test_architecture.py's LAYERS")


def _violations(package: Path = PACKAGE) -> list[str]:
    problems: list[str] = []
    for path in sorted(package.rglob("*.py")):
        here = _module_name(path, package)
        stage = _stage(here)
        for line, name in _imports(path):
            target = _stage(name)
            where = f"{path.relative_to(package.parent)}:{line}"
            if stage is None:
                if target is not None:
                    problems.append(f"{where}: the base module {here} imports {name} ({target})")
                continue
            if target is None or target == stage:
                if stage == "exporters" and target == "exporters":
                    mine, theirs = here.split(".")[2:3], name.split(".")[2:3]
                    if (
                        mine
                        and theirs
                        and mine != theirs
                        and theirs[0] not in EXPORTER_HELPERS
                        and mine[0] not in {"registry"}
                    ):
                        problems.append(f"{where}: the format {here} imports another format, {name}")
                continue
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN.get(stage, ())):
                problems.append(f"{where}: {stage} must not import {name}")
            elif target not in LAYERS[stage]:
                problems.append(f"{where}: {stage} imports {name} ({target}), which is not below it")
    return problems


def test_every_import_points_down_the_pipeline():
    assert _violations() == []


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule itself: an audio module importing the pipeline is reported."""
    fake = tmp_path / "audioguide"
    (fake / "audio").mkdir(parents=True)
    (fake / "pipeline").mkdir()
    (fake / "exporters").mkdir()
    (fake / "audio" / "render.py").write_text("def f():\n    from audioguide.pipeline import scheduler\n")
    (fake / "pipeline" / "scheduler.py").write_text("from audioguide.audio import render\n")
    (fake / "exporters" / "daisy.py").write_text("from audioguide.exporters.epub import x\n")
    (fake / "exporters" / "epub.py").write_text("from audioguide.exporters.talkingbook import y\n")
    problems = _violations(fake)
    assert len(problems) == 2, problems
    assert "audio/render.py:2: audio imports audioguide.pipeline.scheduler" in problems[0]
    assert "exporters/daisy.py:1: the format audioguide.exporters.daisy imports another format" in problems[1]


@pytest.mark.parametrize("stage", sorted(LAYERS))
def test_no_stage_imports_one_that_imports_it(stage):
    """The allowed graph itself has no cycles."""
    for other in LAYERS[stage]:
        assert stage not in LAYERS.get(other, set()), f"{stage} and {other} may import each other"


# The one output path: everything printed goes through audioguide/cli/output.py (sanitized,
# JSON-escaped, fitted to the terminal). Logging is fine anywhere: its handler sanitizes too.
OUTPUT_MODULE = "audioguide.cli.output"


def _prints(path: Path) -> list[int]:
    """Lines of ``path`` that print: print(), click.echo/secho/progressbar (called or imported),
    or sys.stdout/stderr.write."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module == "click"
            and {a.name for a in node.names} & {"echo", "secho", "progressbar"}
        ):
            found.append(node.lineno)
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "print":
            found.append(node.lineno)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in {"echo", "secho", "progressbar"}
            and isinstance(func.value, ast.Name)
            and func.value.id == "click"
        ):
            found.append(node.lineno)
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "write"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr in {"stdout", "stderr"}
        ):
            found.append(node.lineno)
    return found


def _printing_modules(package: Path = PACKAGE) -> list[str]:
    return [
        f"{path.relative_to(package.parent)}:{line}"
        for path in sorted(package.rglob("*.py"))
        if _module_name(path, package) != OUTPUT_MODULE
        for line in sorted(_prints(path))
    ]


def test_only_the_output_module_prints():
    assert _printing_modules() == []


def test_the_print_checker_sees_a_stray_echo(tmp_path):
    fake = tmp_path / "audioguide"
    (fake / "cli").mkdir(parents=True)
    (fake / "library").mkdir()
    (fake / "cli" / "output.py").write_text("import click\ndef echo(m):\n    click.echo(m)\n")
    (fake / "cli" / "library.py").write_text("import click\ndef f():\n    click.echo('x')\n")
    (fake / "cli" / "say.py").write_text(
        "from audioguide.cli.output import echo\ndef f():\n    echo('fine')\n"
    )
    (fake / "library" / "site.py").write_text(
        "import sys\nfrom click import secho\ndef f():\n    print('x')\n    sys.stderr.write('y')\n"
    )
    assert _printing_modules(fake) == [
        "audioguide/cli/library.py:3",
        "audioguide/library/site.py:2",
        "audioguide/library/site.py:4",
        "audioguide/library/site.py:5",
    ]


def _imports_of_test_files(folder: Path) -> list[str]:
    """``file:line`` of every import of one test file by another (helpers live in helper modules)."""
    found: list[tuple[str, int]] = []
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0].startswith("test_") for name in names):
                found.append((path.name, node.lineno))
    return [f"{name}:{line}" for name, line in sorted(found)]


def test_no_test_file_imports_another():
    assert _imports_of_test_files(Path(__file__).parent) == []


def test_the_test_import_checker_sees_one(tmp_path):
    (tmp_path / "test_a.py").write_text("import os\nfrom cli_helpers import invoke\n")
    (tmp_path / "test_b.py").write_text("def f():\n    from test_a import invoke\n\nimport test_a\n")
    assert _imports_of_test_files(tmp_path) == ["test_b.py:2", "test_b.py:4"]
