"""Everything the ``audioguide`` command prints goes through here.

Content printed (titles, dropped text, file names, warnings, HTTP reason
phrases) may hold escape sequences from a page or a file name: every line is
passed through :func:`~audioguide.text.for_terminal`, and JSON escapes the
C1 and bidi controls it would otherwise leave raw. An architecture test fails
if ``click.echo`` or ``print`` appears anywhere else in the package.
"""

from __future__ import annotations

import errno
import functools
import json
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from typing import IO, Any

import click

from audioguide.errors import AudioguideError
from audioguide.files import NotAFileError
from audioguide.text import for_terminal

# Characters JSON leaves raw (ensure_ascii=False) that a terminal acts on: C1 controls
# (8-bit CSI/OSC) and bidi overrides. Written as \uXXXX escapes, the JSON means the same.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}


def echo(message: object = "", *, err: bool = False) -> None:
    """Print one message (any number of lines) through the terminal sanitizer."""
    click.echo(for_terminal(str(message)), err=err)


def echo_json(data: Any, indent: int | None = 2) -> None:
    """Print ``data`` as JSON on stdout; C1 and bidi controls are written as ``\\uXXXX``."""
    text = json.dumps(data, indent=indent, ensure_ascii=False)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def warn(message: str) -> None:
    """A ``warning: ...`` line on stderr (stdout stays the command's result)."""
    echo(f"warning: {message}", err=True)


def fail(message: str, code: int = 1) -> None:
    """The one-line error every user-fixable problem becomes, and the exit."""
    click.echo(f"audioguide: error: {for_terminal(message, multiline=False)}", err=True)
    sys.exit(code)


def handle_errors(func: Callable) -> Callable:
    """One line and a non-zero exit for every error the user can fix."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except AudioguideError as exc:
            fail(str(exc), exc.exit_code)
        except NotAFileError as exc:  # a device, pipe or folder where a file was to be written
            fail(f"{exc.filename}: cannot write ({exc.strerror})", 1)
        except OSError as exc:
            # A full, read-only or over-quota disk is the user's to fix, wherever the write was.
            if exc.errno not in _DISK_ERRNOS:
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}cannot write ({exc.strerror or exc}); free some space, or write elsewhere", 1)
        except KeyboardInterrupt:
            fail("interrupted; the previous output is unchanged", 130)

    return wrapper


class TerminalFormatter(logging.Formatter):
    """Log lines reach the terminal too (file names, page text in libraries' messages)."""

    def format(self, record: logging.LogRecord) -> str:
        return for_terminal(super().format(record))


def setup_logging(verbose: int) -> None:
    """Log to stderr, sanitized: warnings by default, -v info, -vv debug."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(TerminalFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])


class Progress:
    """One progress display for every command: a line that fits the terminal, redrawn in place.

    Stages may run at once (clips are synthesized while earlier tracks are
    written). On a terminal, the stages in flight share one live line
    (``Synthesizing clips  9/40 [####--]  ·  Writing tracks  2/11  item``), cut
    to the terminal's width so it never wraps and rewritten with a carriage
    return; a stage that finishes is printed above it as a line of its own.
    When stderr is not a terminal (a log, CI), each finished stage is one plain
    line and nothing is redrawn. Disabled (``--quiet``, ``--json``) it prints
    nothing.
    """

    BAR = 20

    def __init__(self, *, enabled: bool = True, stream: IO[str] | None = None, indent: str = "") -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.indent = indent
        self.live = enabled and _is_terminal(self.stream)
        self._active: dict[str, tuple[int, int]] = {}
        self._item = ""
        self._shown = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def update(self, label: str, done: int, total: int, item: str = "") -> None:
        """Stage ``label`` has done ``done`` of ``total``; ``item`` is what it works on now."""
        if not self.enabled:
            return
        if total > 0 and done >= total:
            self._active.pop(label, None)
            self.line(self._stage(label, done, total, bar=True))
            return
        self._active[label] = (done, total)
        self._item = item or self._item
        self._redraw()

    def line(self, message: str) -> None:
        """A line of its own (a finished stage, a guide starts, a failure), above the live line."""
        if not self.enabled:
            return
        if self._shown:
            self.stream.write("\r\x1b[K")
            self._shown = False
        self.stream.write(for_terminal(message, multiline=False) + "\n")
        self.stream.flush()
        self._redraw()

    def close(self) -> None:
        """Leave an unfinished stage's last state on screen (an error or Ctrl-C stopped it)."""
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False
        self._active.clear()
        self._item = ""

    def _stage(self, label: str, done: int, total: int, *, bar: bool) -> str:
        text = (
            f"{self.indent}{label}  {done}/{total}" if self.live else f"{self.indent}{label}: {done}/{total}"
        )
        if bar and self.live:
            filled = self.BAR * done // total if total else 0
            text += f"  [{'#' * filled}{'-' * (self.BAR - filled)}]"
        return text

    def _redraw(self) -> None:
        if not self.live or not self._active:
            return
        stages = list(self._active.items())
        parts = [self._stage(stages[0][0], *stages[0][1], bar=True)]
        parts += [self._stage(label, *counts, bar=False).strip() for label, counts in stages[1:]]
        text = "  ·  ".join(parts)
        if self._item:
            text += "  " + self._item
        width = _width(self.stream) - 1  # the last column would wrap on some terminals
        text = for_terminal(text, multiline=False)
        if len(text) > width:
            text = text[: width - 1] + "…"
        self.stream.write("\r" + text + "\x1b[K")
        self.stream.flush()
        self._shown = True


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def _width(stream: IO[str]) -> int:
    try:
        return max(20, os.get_terminal_size(stream.fileno()).columns)
    except (AttributeError, OSError, ValueError):
        return max(20, shutil.get_terminal_size().columns)
