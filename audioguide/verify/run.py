"""Verify a built guide and write its report (``audioguide verify`` and ``build --verify``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from audioguide.errors import AudioguideError
from audioguide.verify.check import DEFAULT_MAX_WER, VerifyReport, verify_guide
from audioguide.verify.heap import freed_memory_kept

logger = logging.getLogger(__name__)


def verify_and_report(
    outdir: Path,
    *,
    model_dir: Path | None = None,
    max_wer: float | None = None,
    progress: Callable[[int, int], None] | None = None,
    recognizer: Any = None,
) -> VerifyReport:
    """Listen to the guide in ``outdir``, then write ``verify.html`` with the findings and the
    pronunciation review (the review is a bonus: when it cannot be made the check still stands).

    Only tracks without a kept result are listened to (``verify_guide``); the
    report is written from kept and new results alike. ``recognizer``: a
    loaded model to use (a long-lived process, ``audioguide watch --verify``).
    A folder where the report cannot be written is refused before any listening; when writing
    fails at the end all the same, ``report.report_error`` says so and the findings are returned.
    """
    from audioguide.errors import OutputError
    from audioguide.verify.report import check_writable, write_html

    check_writable(outdir)
    # one heap for the recognizer's buffers, set before the review thread first allocates
    with (
        freed_memory_kept(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="audioguide-review") as reviewer,
    ):
        # the review is pure Python; listening spends its time in the recognizer, outside the GIL
        words = reviewer.submit(_review, outdir)
        report = verify_guide(
            outdir,
            model_dir=model_dir,
            max_wer=DEFAULT_MAX_WER if max_wer is None else max_wer,
            progress=progress,
            recognizer=recognizer,
        )
    try:
        found = words.result()
    except AudioguideError as exc:
        logger.warning("pronunciation review skipped: %s", exc)
        found = []
    try:
        write_html(report, outdir, found)
    except OutputError as exc:  # the disk filled or went read-only meanwhile: the findings still stand
        report.report_error = str(exc)
    return report


def _review(outdir: Path) -> list:
    """The guide's pronunciation review, with the look-ups kept from earlier runs."""
    from audioguide.verify import kept
    from audioguide.verify.words import review_guide

    memo = kept.load_review_memo(outdir)
    words = review_guide(outdir, memo)
    kept.save_review_memo(outdir, memo)
    return words
