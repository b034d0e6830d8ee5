"""Sentence splitting of one paragraph."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from audioguide.speech import split_sentences

SPLIT_ROWS = [
    ("", []),
    ("   ", []),
    ("...", []),
    ("One sentence.", ["One sentence."]),
    ("No final stop", ["No final stop"]),
    ("First one. Second one.", ["First one.", "Second one."]),
    ("Is it safe? Yes! It is.", ["Is it safe?", "Yes!", "It is."]),
    ("Dr. Smith will see you. Bring your list.", ["Dr. Smith will see you.", "Bring your list."]),
    ("Take 2.5 mg twice a day. Then rest.", ["Take 2.5 mg twice a day.", "Then rest."]),
    (
        "Use heat, e.g. a warm pack, for pain. Ice helps too.",
        ["Use heat, e.g. a warm pack, for pain.", "Ice helps too."],
    ),
    (
        "Mr. and Mrs. Lee met Ms. Park at St. Mary's. They talked.",
        ["Mr. and Mrs. Lee met Ms. Park at St. Mary's.", "They talked."],
    ),
    ("Call (555) 123-4567 ext. 12 now. Thanks.", ["Call (555) 123-4567 ext. 12 now.", "Thanks."]),
    ("Visit www.example.com/pain. It helps.", ["Visit www.example.com/pain.", "It helps."]),
    ("Data from the U.S. are clear.", ["Data from the U.S. are clear."]),
    ("Come at 9:30 a.m. and stay.", ["Come at 9:30 a.m. and stay."]),
    ("Line\nwrapped\tparagraph.  Next one.", ["Line wrapped paragraph.", "Next one."]),
    (
        "FAQs: Does Interventional Pain Management Prescribe Medication?",
        ["FAQs: Does Interventional Pain Management Prescribe Medication?"],
    ),
    (
        "These procedures are usually done under the guidance of imaging techniques such as "
        "X-rays or ultrasound, allowing for precise targeting of the affected area. The goal of "
        "interventional pain management is to provide long-term relief.",
        [
            "These procedures are usually done under the guidance of imaging techniques such as "
            "X-rays or ultrasound, allowing for precise targeting of the affected area.",
            "The goal of interventional pain management is to provide long-term relief.",
        ],
    ),
    (
        "The length of time it takes to see results may vary depending on the individual’s "
        "condition and the specific procedure. Some patients may experience immediate relief.",
        [
            "The length of time it takes to see results may vary depending on the individual’s "
            "condition and the specific procedure.",
            "Some patients may experience immediate relief.",
        ],
    ),
]


# Never cut inside a token the normalizer's classifier recognises, nor end a sentence at a dotted
# abbreviation the text goes on after (pysbd does both).
TOKEN_ROWS = [
    ("Should I commit my `.env` file?", ["Should I commit my `.env` file?"]),
    (
        "Use `dotenv run` with your `.env` file. The `--` separator is optional.",
        ["Use `dotenv run` with your `.env` file.", "The `--` separator is optional."],
    ),
    (
        "The .fetchmailrc parser won't accept it. Fix the .fetchmailrc file.",
        ["The .fetchmailrc parser won't accept it.", "Fix the .fetchmailrc file."],
    ),
    ("Take 1 capsule p.o. q.4.h. as needed for pain.", ["Take 1 capsule p.o. q.4.h. as needed for pain."]),
    ("We use approx. 5 mg. Then rest.", ["We use approx. 5 mg.", "Then rest."]),
    ("Yes! `dotenv.config()` returns an object.", ["Yes!", "`dotenv.config()` returns an object."]),
    ("Heat, ice, etc. Then rest.", ["Heat, ice, etc.", "Then rest."]),
]


@pytest.mark.parametrize(("paragraph", "expected"), SPLIT_ROWS + TOKEN_ROWS)
def test_split_sentences(paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def test_example_article_loses_no_word() -> None:
    article = Path(__file__).resolve().parents[1] / "examples" / "article.txt"
    if not article.is_file():  # pragma: no cover - the example ships with the repo
        pytest.skip("examples/article.txt is missing")
    for paragraph in article.read_text(encoding="utf-8").split("\n\n"):
        sentences = split_sentences(paragraph)
        assert all(s and s == s.strip() for s in sentences)
        assert _words(" ".join(sentences)) == _words(paragraph)


def test_text_pysbd_drops_is_kept() -> None:
    # pysbd losing the middle sentence (a known pysbd failure mode), as a memo of its split gives it
    memo = {"One. Two. Three.": ["One. ", "Three."]}
    assert split_sentences("One. Two. Three.", memo) == ["One.", "Two.", "Three."]


def test_punctuation_only_pieces_join_a_neighbour() -> None:
    memo = {"Hello.) Next.": ["Hello.", ")", "Next."], '" Hello. Next.': ['"', "Hello.", "Next."]}
    assert split_sentences("Hello.) Next.", memo) == ["Hello.)", "Next."]
    assert split_sentences('" Hello. Next.', memo) == ['" Hello.', "Next."]


def test_a_memo_is_used_and_filled() -> None:
    """A split the memo holds is taken from it; one it does not is made by pysbd and added."""
    memo = {"Dr. Smith came. He left.": ["Dr. Smith came. He left."]}  # kept whole, as remembered
    assert split_sentences("Dr. Smith came. He left.", memo) == ["Dr. Smith came. He left."]
    assert split_sentences("First one. Second one.", memo) == ["First one.", "Second one."]
    assert memo["First one. Second one."] == ["First one.", "Second one."]
    memo["Wrong."] = ["not this text"]  # an entry that is not the paragraph's own text is ignored
    assert split_sentences("Wrong.", memo) == ["Wrong."]


EDGE_INPUTS = [
    "\x00\x01 control \x07 characters.",
    "Only punctuation: ?!?!",
    "?!?!",
    "Maissen se chargea du reste .. Logiquement,",
    "a" * 5000,
    "Word. " * 300,
    "(",
    "“Quoted.” Then plain.",
]


@pytest.mark.parametrize("paragraph", EDGE_INPUTS)
def test_edge_inputs(paragraph: str) -> None:
    sentences = split_sentences(paragraph)
    assert all(s and s == s.strip() for s in sentences)
    assert _words(" ".join(sentences)) == _words(" ".join(paragraph.split()))


def test_threads_get_consistent_results() -> None:
    paragraph = "Dr. Smith will see you. Take 2.5 mg. Call at 9 a.m. tomorrow. Thanks."
    expected = split_sentences(paragraph)
    results: list[list[str]] = []

    def work() -> None:
        for _ in range(5):
            results.append(split_sentences(paragraph))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results and all(r == expected for r in results)
