"""The common English words of wordfreq's list, kept as one small file beside the voice models.

The pronunciation review asks of each word it has not seen before whether it
is rare (under a Zipf threshold). wordfreq answers after importing (0.24 s)
and loading its English list of 321,000 words (0.19 s): in ``verify`` after a
one-paragraph edit that was a fifth of the run, for one new word. The 28,000
words of lowercase ASCII letters at or over the threshold load in 3 ms as
marshal. They are written once per wordfreq version, threshold and Python
(checksummed, temporary file renamed); such a word is rare exactly when it is
not among them (the tests compare them with wordfreq over its list). Any other
word is asked of wordfreq itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import marshal
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from audioguide.files import read_checked, write_checked

logger = logging.getLogger(__name__)

FORMAT = 1  # bump when the file's layout changes
_ASCII_WORD = re.compile(r"[a-z]+")


def common_words_path(folder: Path, threshold: float) -> Path | None:
    """The file in ``folder`` for this wordfreq, threshold and Python; None without wordfreq."""
    try:
        wordfreq = version("wordfreq")
    except PackageNotFoundError:
        return None
    key = json.dumps([FORMAT, wordfreq, threshold, marshal.version, list(sys.version_info[:2])])
    return folder / f"wordfreq-common-{hashlib.sha256(key.encode()).hexdigest()[:32]}.marshal"


def common_words(folder: Path, threshold: float) -> frozenset[str] | None:
    """The lowercase ASCII words at or over ``threshold``, from ``folder`` when kept there intact,
    else from wordfreq (and then kept); None without wordfreq."""
    path = common_words_path(folder, threshold)
    if path is None:
        return None
    payload = read_checked(path)
    if payload is not None:
        try:
            words = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            words = None
        if isinstance(words, frozenset):
            return words
    words = _from_wordfreq(threshold)
    try:
        write_checked(path, marshal.dumps(words))
    except OSError as exc:
        logger.warning("cannot keep the common words in %s: %s", folder, exc)
    return words


def is_rare(word: str, threshold: float, common: frozenset[str] | None) -> bool:
    """Whether wordfreq puts ``word`` under ``threshold`` on its Zipf scale (``common``: the
    kept words, or None to ask wordfreq)."""
    if common is not None and _ASCII_WORD.fullmatch(word):
        return word not in common
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en") < threshold


def _from_wordfreq(threshold: float) -> frozenset[str]:
    from wordfreq import get_frequency_dict, zipf_frequency

    lowest = 10 ** (threshold - 9 - 0.01)  # Zipf is log10(frequency) + 9, rounded to 2 places
    return frozenset(
        word
        for word, frequency in get_frequency_dict("en").items()
        if frequency >= lowest and _ASCII_WORD.fullmatch(word) and zipf_frequency(word, "en") >= threshold
    )
