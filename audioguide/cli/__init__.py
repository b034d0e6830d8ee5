"""The ``audioguide`` command: parse options, call the library, print through :mod:`.output`.

Each command lives in a module of its own; this module only gathers them
under the ``audioguide`` group. Every error the user can fix is one line on
stderr and exit status 1 (2 for usage errors, as Click does).
"""

from audioguide.cli import (  # noqa: F401 (registers)
    build,
    cache,
    init,
    library,
    outline,
    say,
    verify,
    voices,
    watch,
    words,
)
from audioguide.cli.app import main

__all__ = ["main"]
