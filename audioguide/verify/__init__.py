"""Checking what the listener hears: round-trip recognition of a built guide, pronunciation review.

    from audioguide.verify import verify_guide
    report = verify_guide(Path("output/my-guide"))   # needs the verify extra
    report.passed, report.critical, report.tracks[0].wer

:func:`review_words` lists the words a voice will guess at (no extra needed).
"""

from audioguide.verify.check import DEFAULT_MAX_WER, Finding, TrackResult, VerifyReport, verify_guide

__all__ = ["DEFAULT_MAX_WER", "Finding", "TrackResult", "VerifyReport", "verify_guide"]
