"""One exception base class for everything audioguide raises on purpose.

The CLI turns an :class:`AudioguideError` into one line on stderr and a
non-zero exit; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class AudioguideError(Exception):
    """Base class: a problem the user can fix, described in one line."""

    exit_code = 1


class SourceError(AudioguideError):
    """The article file cannot be read or holds no usable text."""


class GuideScriptError(AudioguideError):
    """A YAML guide script is invalid (syntax, unknown key, wrong type)."""


class EngineError(AudioguideError):
    """A speech engine failed or is misconfigured."""


class EngineUnavailable(EngineError):
    """A speech engine cannot run here (no network, missing voice, ...)."""


class OutputError(AudioguideError):
    """The output folder cannot be written."""


class AudioToolError(AudioguideError):
    """ffmpeg (or another audio tool) is missing or failed."""
