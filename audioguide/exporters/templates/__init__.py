"""The exporters' template files (package data beside this module), rendered with Jinja2.

``web/index.html.j2`` is HTML: every value is autoescaped (Jinja2's
``autoescape``), and only what is marked safe here (the inline CSS and
script, JSON made safe for a script block) goes in as it is. The phone
format's ``README.txt.j2`` and ``musiconhold.conf.j2`` are plain text: no
escaping, and the guide's title goes through the ``one_line`` filter so a
line break in it cannot add a line (a section or a setting) to the file.

Files are read with :mod:`importlib.resources`, so they are found the same
way from a source tree, an installed wheel or a zip.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any

import jinja2

from audioguide.text import clock, minutes_seconds, one_line, spoken_duration


def resource_text(name: str) -> str:
    """A template folder file as text, e.g. ``resource_text("web/player.css")``."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The exporters' Jinja2 environment: autoescape for ``*.html.j2``, none for plain text."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader(__name__, "."),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",),
            disabled_extensions=("txt.j2", "conf.j2"),
            default=True,
        ),
        undefined=jinja2.StrictUndefined,  # a misspelt name is an error, not an empty string
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        one_line=one_line, clock=clock, minutes_seconds=minutes_seconds, spoken_duration=spoken_duration
    )
    return env


def render(name: str, **context: Any) -> str:
    """The template ``name`` (relative to this folder) rendered with ``context``."""
    return environment().get_template(name).render(**context)
