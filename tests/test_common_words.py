"""The common words kept beside the voice models answer "is this word rare?" as wordfreq does,
without loading wordfreq; a damaged or unwritable file costs only wordfreq's own look-up."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from cli_helpers import LOADED_MODULES
from wordfreq import get_frequency_dict, zipf_frequency

from audioguide.verify.common_words import common_words, common_words_path, is_rare
from audioguide.verify.words import RARE_ZIPF

ABSENT = ["zzxq", "tofacitinib", "methotrexate", "rheumatologist", "a", "the", "unclear"]


def _sample() -> list[str]:
    """Every 40th lowercase ASCII word of wordfreq's English list, all of those near the threshold,
    words it does not have, and some it has that are not lowercase ASCII."""
    frequencies = get_frequency_dict("en")
    words = [w for w in frequencies if w.isascii() and w.isalpha() and w.islower()]
    low, high = 10 ** (RARE_ZIPF - 0.05 - 9), 10 ** (RARE_ZIPF + 0.05 - 9)  # Zipf = log10(f) + 9
    near = [w for w in words if low <= frequencies[w] <= high]
    return words[::40] + near + ABSENT + ["café", "naïve", "x-ray", "don't", "ABC", "Knee"]


def test_kept_words_answer_as_wordfreq_does(tmp_path):
    common = common_words(tmp_path, RARE_ZIPF)
    assert common is not None and 20_000 < len(common) < 40_000
    sample = _sample()
    assert len(sample) > 7_000 and sum(zipf_frequency(w, "en") == RARE_ZIPF for w in sample) > 10
    mismatched = [w for w in sample if is_rare(w, RARE_ZIPF, common) != (zipf_frequency(w, "en") < RARE_ZIPF)]
    assert mismatched == []
    assert common_words(tmp_path, RARE_ZIPF) == common  # read back from the file


@pytest.mark.parametrize("damage", ["flipped", "truncated", "empty"])
def test_a_damaged_file_is_made_again(tmp_path, damage):
    made = common_words(tmp_path, RARE_ZIPF)
    path = common_words_path(tmp_path, RARE_ZIPF)
    data = bytearray(path.read_bytes())
    if damage == "flipped":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncated":
        data = data[: len(data) // 2]
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    assert common_words(tmp_path, RARE_ZIPF) == made
    assert path.read_bytes() != bytes(data)


def test_an_unwritable_folder_is_a_warning_and_the_answers_stay_right(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.WARNING, logger="audioguide.verify.common_words"):
        common = common_words(blocker / "models", RARE_ZIPF)
    assert "cannot keep the common words" in caplog.text
    assert not is_rare("knee", RARE_ZIPF, common) and is_rare("tofacitinib", RARE_ZIPF, common)


def test_words_reviews_new_words_without_wordfreq_once_they_are_kept(tmp_path):
    """`audioguide words` on a text: the first run makes the file (wordfreq loaded), the next one
    gives the same review from it without importing wordfreq."""
    article = tmp_path / "a.txt"
    article.write_text(
        "Tofacitinib\n\nTake tofacitinib with methotrexate as your rheumatologist says, unclear or not.\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "AUDIOGUIDE_MODELS_DIR": str(tmp_path / "models"),
        "AUDIOGUIDE_CACHE_DIR": str(tmp_path / "cache"),
    }
    runs = [
        subprocess.run(
            [sys.executable, "-c", LOADED_MODULES, "words", str(article), "--json"],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        for _ in range(2)
    ]
    assert [r.returncode for r in runs] == [0, 0], runs[-1].stderr
    loaded = [set(json.loads(r.stderr.strip().splitlines()[-1])) for r in runs]
    assert "wordfreq" in loaded[0] and "wordfreq" not in loaded[1]
    assert runs[0].stdout == runs[1].stdout
    guessed = {w["written"] for w in json.loads(runs[1].stdout) if w["kind"] == "guessed"}
    assert "tofacitinib" in guessed and "unclear" not in guessed
