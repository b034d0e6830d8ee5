"""Checks of the settings written as text: announcement templates, base URLs, locales, format names.

Each takes the value and the label the user knows it by (a guide script key
such as ``base_url``, or a command-line option such as ``--base-url``) and
returns the value to use, or raises :class:`AudioguideError` with one line
that starts with that label. The guide script and the command line call the
same check (model.settings declares which setting uses which).
"""

from __future__ import annotations

import re
import string
import unicodedata
from urllib.parse import urlsplit

from audioguide.errors import AudioguideError
from audioguide.text import BIDI_CONTROLS

TEMPLATE_FIELDS = ("number", "total", "title", "kind", "group")  # the announcement template's placeholders
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_FORMAT_NAME = re.compile(r"[a-z0-9]+")


def template_fields(template: str) -> set[str]:
    """The placeholder names of a template that :func:`check_template` accepts."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def template_problem(template: str) -> str | None:
    """What is wrong with an announcement template, or None.

    A placeholder is one of :data:`TEMPLATE_FIELDS` and nothing else: no
    attribute or index (``{title.upper}`` would be spoken as "built-in method
    upper..."), no format spec (``{title:d}`` fails at build time,
    ``{title:>999999999}`` asks for a gigabyte) and no conversion
    (``{title!r}`` would speak the quotes).
    """
    allowed = ", ".join("{" + name + "}" for name in TEMPLATE_FIELDS)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"not a valid template ({exc}); write {{{{ and }}}} for literal braces"
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
        if name not in TEMPLATE_FIELDS:
            return f"unknown placeholder '{written}' (allowed: {allowed})"
        if spec or conversion:
            return f"'{written}' has a format or conversion; write {{{name}}}"
    return None


def check_template(template: str, label: str | None = None) -> str:
    """``template``, or a one-line error ``label: problem`` (:func:`template_problem`).

    Without a label (the command line) the error quotes the template:
    "announcement template '{title:d}': ...".
    """
    problem = template_problem(template)
    if problem is not None:
        raise AudioguideError(f"{label or f'announcement template {template!r}'}: {problem}")
    return template


def check_base_url(url: str, label: str | None = None) -> str:
    """An absolute http(s) URL with a host, without a trailing slash (the folder's URL); else one-line error.

    Feeds and QR codes state absolute URLs: a relative or schemeless one would
    be resolved differently by every podcast app.
    """
    what = label or "--base-url"
    text = url.strip()
    if any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in text):
        raise AudioguideError(f"{what} {url!r}: must not contain control characters")
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # an unclosed [IPv6 bracket, a port out of range or not a number
        raise AudioguideError(f"{what} {url!r}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise AudioguideError(f"{what} {url!r}: must be an absolute http:// or https:// URL with a host")
    if port == 0:
        raise AudioguideError(f"{what} {url!r}: not a valid URL (port 0)")
    if parts.query or parts.fragment:
        raise AudioguideError(f"{what} {url!r}: must be a folder's URL, without ?query or #fragment")
    if any(c.isspace() for c in text):
        raise AudioguideError(f"{what} {url!r}: must not contain spaces (write them as %20)")
    return text.rstrip("/")


def check_locale(locale: str, label: str | None = None) -> str:
    """A language tag such as en-US or en_GB; else one-line error."""
    if not _LOCALE.fullmatch(locale):
        raise AudioguideError(
            f"{label or '--locale'} '{locale}' is not a language tag (write e.g. en-US or en-GB)"
        )
    return locale


def check_format_name(name: str, label: str | None = None) -> str:
    """A format's name, lower-cased (whether it is a known format is the build's to say)."""
    name = name.strip().lower()
    if not _FORMAT_NAME.fullmatch(name):
        raise AudioguideError(
            f"{label or '--formats'}: '{name}' is not a format name (write e.g. formats: web, phone)"
        )
    return name


def lower(value: str, label: str | None = None) -> str:
    """Names compared without case (engine names)."""
    return value.lower()
