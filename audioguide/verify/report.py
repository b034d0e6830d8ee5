"""verify.html: the verification report for editors (Jinja2, autoescaped), written atomically."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from audioguide.errors import OutputError
from audioguide.files import write_atomic

REPORT_NAME = "verify.html"


def render_html(report: Any, words: Sequence[Any] = (), language: str = "en") -> str:
    """The report as one self-contained HTML page; players link the tracks beside it."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("audioguide.verify", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
    )
    env.filters["urlpath"] = lambda name: quote(str(name))
    return env.get_template("verify.html.j2").render(report=report, words=list(words), language=language)


def write_html(report: Any, folder: Path, words: Sequence[Any] = (), language: str = "en") -> Path:
    """Write ``folder/verify.html`` through a temporary file (never half-written)."""
    target = folder / REPORT_NAME
    text = render_html(report, words, language)
    try:
        write_atomic(target, text)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write ({exc.strerror})") from None
    return target
