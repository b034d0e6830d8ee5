"""``python -m audioguide.cli``: the same command as ``audioguide``."""

from audioguide.cli import main

main()
