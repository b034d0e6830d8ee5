"""hibari's pronunciation tables (lexicons, tagger, tokenizer exceptions) kept as marshal.

hibari's G2P parses 11 MB of gzipped JSON each time a process loads it: 0.61 s of
the 0.7 s a G2P takes, on the critical path of a cold build (the workers load it
while the build plans), of a one-paragraph edit (its worker) and of ``say``. The
same tables as marshal load in 0.26 s. They are written once per hibari version
(temporary file, renamed) beside the prepared voice models, from the data
hibari's own loader returned; a file that is damaged, or was written by another
Python, is not used, and is written again.

The tables reach hibari through its module's ``_load_json``, replaced only while
its ``G2P`` is built; a hibari without that function is built as it ships.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TypeVar

from audioguide.files import read_checked, write_checked

logger = logging.getLogger(__name__)

FORMAT = 1  # bump when the file's layout changes

T = TypeVar("T")


def tables_path(folder: Path, hibari_version: str, british: bool) -> Path:
    """The tables' file in ``folder`` for this hibari, accent and Python (marshal's format is Python's)."""
    key = json.dumps([FORMAT, hibari_version, british, marshal.version, list(sys.version_info[:2])])
    return folder / f"hibari-g2p-{hashlib.sha256(key.encode()).hexdigest()[:32]}.marshal"


def built_with_tables(make: Callable[[], T], module: ModuleType, path: Path | None) -> T:
    """``make()`` (hibari's ``G2P(...)``), its tables read from ``path`` when that holds them intact,
    else from hibari's JSON and then saved to ``path``."""
    original = getattr(module, "_load_json", None)
    if path is None or original is None:
        return make()
    tables = _read(path)
    if tables is not None:

        def saved(name: str) -> object:
            blob = tables.get(name)
            return original(name) if blob is None else marshal.loads(blob)

        with _loader(module, saved):
            return make()
    recorded: dict[str, bytes] = {}

    def recording(name: str) -> object:
        data = original(name)
        recorded[name] = marshal.dumps(data)  # as loaded, before the G2P's classes use it
        return data

    with _loader(module, recording):
        built = make()
    _write(path, recorded)
    return built


@contextmanager
def _loader(module: ModuleType, load: Callable[[str], object]) -> Iterator[None]:
    original = module._load_json
    module._load_json = load
    try:
        yield
    finally:
        module._load_json = original


def _read(path: Path) -> dict[str, bytes] | None:
    payload = read_checked(path)
    if payload is None:
        return None
    try:
        tables = marshal.loads(payload)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(tables, dict) or not all(
        isinstance(k, str) and isinstance(v, bytes) for k, v in tables.items()
    ):
        return None
    return tables


def _write(path: Path, tables: dict[str, bytes]) -> None:
    try:
        write_checked(path, marshal.dumps(tables))
    except OSError as exc:
        logger.warning("cannot keep hibari's pronunciation tables in %s: %s", path.parent, exc)
