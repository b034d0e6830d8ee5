"""verify.html: the verification report for editors (Jinja2, autoescaped), written atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from audioguide.errors import OutputError
from audioguide.files import writable_target, write_atomic
from audioguide.model.manifest import VERIFY_REPORT_NAME, seal_tag

REPORT_NAME = VERIFY_REPORT_NAME


def render_html(report: Any, words: Sequence[Any] = (), language: str = "en") -> str:
    """The report as one self-contained HTML page; players link the tracks beside it."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("audioguide.verify", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
    )
    env.filters["urlpath"] = lambda name: quote(str(name))
    return env.get_template("verify.html.j2").render(
        report=report, words=list(words), language=language, seal=seal_tag(report.seal) if report.seal else ""
    )


def check_writable(folder: Path) -> None:
    """Fail before minutes of listening when ``folder/verify.html`` could not be written at the end
    (a read-only folder or disk, a device or folder of that name)."""
    target = folder / REPORT_NAME
    try:
        writable_target(target)
        fd, probe = tempfile.mkstemp(prefix=f".{REPORT_NAME}.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(
            f"{target}: cannot write the report ({exc.strerror or exc}); nothing was checked"
        ) from None


def write_html(report: Any, folder: Path, words: Sequence[Any] = (), language: str = "en") -> Path:
    """Write ``folder/verify.html`` through a temporary file (never half-written), with the umask's
    permissions; it carries the seal of the tracks it checked, so a rebuild that changes any of
    them removes it."""
    target = folder / REPORT_NAME
    text = render_html(report, words, language)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror or exc})") from None
    return target
