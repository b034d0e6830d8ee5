"""verify's comparison of what a clip says with what the recognizer wrote, on real recognizer output.

Each "heard" text below is what Whisper tiny.en (the verify extra's model) wrote for a clip of a
guide built from a real document (tests/data/real: nibabel-dicom_intro.html, dicom-parser-README.md,
GmManualBasicEmrConcept.html), beside that clip's speech text. The recognizer groups what it hears
in its own way ("004" for "zero zero zero four", "X7F E0, 0, 1, 0", "888-0267", "no.js" for "Node
dot js"); the comparison must not call that a changed number or a negation. And what was really
lost or changed (a digit, a number, a negation) must still be critical.

The text goes through the same public functions ``audioguide verify`` uses: the recognizer's words
(:class:`~audioguide.verify.asr.Word`) -> :func:`~audioguide.verify.check.heard_tokens` ->
:func:`~audioguide.verify.align.align` with the clip's :func:`~audioguide.verify.text.tokens` ->
:func:`~audioguide.verify.text.categories` of each mismatch.
"""

from __future__ import annotations

import pytest

from audioguide.model.settings import GuideSettings
from audioguide.speech import build_lexicon
from audioguide.verify.align import align
from audioguide.verify.asr import Word
from audioguide.verify.check import heard_tokens
from audioguide.verify.text import HeardText, categories, lexicon_words, tokens

LEXICON = build_lexicon(GuideSettings())


def judged(speech: str, heard: str, written: str = "") -> tuple[list[list[str]], int]:
    """The critical categories of each mismatch of ``heard`` against ``speech``, and the errors."""
    words = [Word(" " + word, float(i), i + 0.5) for i, word in enumerate(heard.split())]
    result = align([tokens(speech)], heard_tokens(words, HeardText(LEXICON)))
    lexicon = lexicon_words(written, LEXICON) if written else frozenset()
    kinds = [categories(m.expected, [t.token for t in m.heard], lexicon) for m in result.mismatches]
    return kinds, result.errors[0]


def critical(speech: str, heard: str, written: str = "") -> list[str]:
    kinds, _errors = judged(speech, heard, written)
    return sorted({kind for found in kinds for kind in found})


@pytest.mark.parametrize(
    ("speech", "heard"),
    [
        pytest.param("Node dot js and Meteor.", "no .js and Meteor.", id="dicomparser-node-heard-as-no"),
        pytest.param("Node dot js Buffers", "no.js buffers.", id="dicomparser-node-heard-as-no-glued"),
        pytest.param(
            "NodeJs, click to visit web site", "No JS, click to visit web site", id="dicomparser-nodejs"
        ),
    ],
)
def test_a_word_heard_cut_short_to_a_negation_is_no_negation(speech: str, heard: str) -> None:
    assert "negation" not in critical(speech, heard)


@pytest.mark.parametrize(
    ("speech", "heard"),
    [
        ("Do not take more than four doses in one day.", "Do take more than four doses in one day."),
        ("Do not use Node dot js here.", "Do note use Node.js here."),
        ("It is not able to hold it.", "It is notable to hold it."),
        ("It is now safe to drive.", "It is not safe to drive."),
        ("Supports reading from Node dot js Buffers", "Supports reading from no no.js buffers."),
    ],
)
def test_a_negation_lost_changed_or_added_stays_critical(speech: str, heard: str) -> None:
    assert "negation" in critical(speech, heard)


def test_names_in_camel_case_are_their_words() -> None:
    assert tokens("IssuerOfPatientIDQualifiersSequence, SQ") == [
        *["issuer", "of", "patient", "id", "qualifiers", "sequence", "sq"]
    ]
    assert tokens("Uint8Arrays and NodeJs") == ["uint", "8", "arrays", "and", "node", "js"]
    assert tokens("MRIs and NSAIDs") == ["mris", "and", "nsaids"]  # plurals stay whole
    assert tokens("Lamberts H") == HeardText(LEXICON).tokens("Lambert's H.")  # a possessive sounds the same


def test_the_recognizer_s_codes_are_taken_apart_before_normalizing() -> None:
    heard = HeardText(LEXICON)
    assert heard.tokens("C7.1.1M.") == tokens("C seven point one point one, M")
    assert heard.tokens("CPS 3.4F7.1") == ["cps", *tokens("three point four F seven point one")]
    assert heard.tokens("TAC-0010-0021,") == ["tac", "0010", "0021"]
    assert heard.tokens("1-0-F-F") == ["1", "0", "f", "f"]
    # what the normalizer reads well stays whole: ranges, versions, vitamins, ordinals, doses
    assert heard.tokens("Take 2-3 tablets") == tokens("Take two to three tablets")
    assert heard.tokens("v1.2.3") == tokens("version one point two point three")
    assert heard.tokens("B12 on the 21st, 5mg") == tokens("B twelve on the twenty-first, five milligrams")
