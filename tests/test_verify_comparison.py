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
from audioguide.verify.text import HeardText, categories, lexicon_words, same_said, tokens

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


# (speech text of the clip, what the recognizer wrote for it, where it was heard)
GROUPED_OTHERWISE = [
    pytest.param(
        "zero zero zero four, Directory structuring elements",
        "004 directory structuring elements.",
        id="nibabel-zeros-before-a-digit",
    ),
    pytest.param(
        "zero zero zero four, Directory structuring elements",
        "0, 4, directory structuring elements.",
        id="nibabel-zeros-heard-once-with-commas",
    ),
    pytest.param(
        "Private Data Elements have an odd Group Number that is not tag zero zero zero one, E E E E, "
        "tag zero zero zero three, E E E E.",
        "Private data elements have an odd group number that is not tag 001, EEE, tag 003, EEE.",
        id="nibabel-dicom-tags",
    ),
    pytest.param(
        "The tags are written in the following format: tag zero zero one zero, zero zero one zero.",
        "The tags are written in the following format: tag 0 0 1 0 0 1 0.",
        id="nibabel-a-tag-as-digits",
    ),
    pytest.param(
        "tag zero zero one zero, zero zero three zero, Patient's Birth Date, PatientBirthDate, DA, one",
        "TAC-0010-0030 patient's birth date. Patient birth date, DA-1.",
        id="nibabel-a-tag-in-hyphenated-groups",
    ),
    pytest.param(
        "A tag in the form xggggeeee (for example 'x seven F E zero, zero zero one zero') that "
        "specifies the final tag to parse.",
        "A tag in the form xggggeeee for example, X7F E0, 0, 1, 0. That specifies the final tag to parse.",
        id="dicomparser-a-hex-tag",
    ),
    pytest.param(
        "A tag of G G G G, zero zero X X reserves the two hundred and fifty-six elements",
        "A tag of GGGG. 00xx reserves the 256 elements",
        id="nibabel-letters-and-digits-in-one-word",
    ),
    pytest.param(
        "Image Pixel, C seven point six point three, M",
        "Image Pixel C7.6.3M",
        id="nibabel-a-section-number-with-letters",
    ),
    pytest.param(
        "Clinical Trial Subject, C seven point one point three, U",
        "Clinical trial subject, C7.1.3, you.",
        id="nibabel-a-letter-before-a-dotted-number",
    ),
    pytest.param(
        "fulltext (PMID: two one four one three five one six)",
        "Full text PMID 21413516",
        id="gm-a-compound-word-in-two",
    ),
    pytest.param(
        "fulltext (PMID: two one three three seven eight five zero)",
        "Full text PMID, 2-1-3-3-7-850.",
        id="gm-an-id-in-hyphenated-digits",
    ),
    pytest.param(
        "(PMID: eight eight eight zero two six seven)",
        "PMID 888-0267.",
        id="gm-an-id-with-a-group-starting-with-zero",
    ),
    pytest.param(
        "(PMID: eight six seven one one three nine) fulltext",
        "PMID 867-1139 full text.",
        id="gm-an-id-heard-as-a-range",
    ),
    pytest.param(
        "fulltext (PMID: two one six one two six three nine; D O I: ten dot one one eight six slash one "
        "four seven two dash six nine four seven dash one one dash three six)",
        "Full text, PMID. 21612639. DOI. 10.1186-1472-6947-11-36.",
        id="gm-a-doi",
    ),
    pytest.param(
        "PS three point two zero, Transformation of DICOM to and from H L seven Standards",
        "PS3.20, transformation of DICOM 2, and from HL7 standards.",
        id="nibabel-to-heard-as-2",
    ),
    pytest.param(
        "feat(pencil): add 'graphiteWidth' option, Feature Release",
        "Feet pencil, add graphite with option feature release.",
        id="dicomparser-feat-heard-as-a-unit",
    ),
    pytest.param(
        "Supports reading from Uint8Arrays and Node dot js Buffers",
        "supports reading from UN8 arrays and no.js buffers.",
        id="dicomparser-node-heard-as-no",
    ),
    pytest.param(
        "NodeJs, click to visit web site for installation instructions.",
        "No JS, click to visit website for installation instructions.",
        id="dicomparser-nodejs-heard-as-no-js",
    ),
    pytest.param(
        "at cancan101 - issue related to multi-frame with multiple fragments and no basic offset table",
        "A can 101 issue related to multi-frame with multiple fragments and no basic offset table.",
        id="dicomparser-a-name-with-digits",
    ),
    pytest.param(
        "in modern HTML5 based web browsers (I E ten plus), Node dot js and Meteor.",
        "in modern HTML5 based web browsers, i.e. 10 plus, no .js and Meteor.",
        id="dicomparser-letters-written-i-e",
    ),
    pytest.param(
        "Epub two thousand and three March twenty-seventh.",
        "Ep. 2000 and 3 March 27.",
        id="gm-a-year-said-with-and-written-as-two-numbers",
    ),
    pytest.param("Take two to three tablets a day.", "Take 2-3 tablets a day.", id="a-range-still-a-range"),
]


@pytest.mark.parametrize(("speech", "heard"), GROUPED_OTHERWISE)
def test_what_is_only_grouped_otherwise_is_not_critical(speech: str, heard: str) -> None:
    assert critical(speech, heard) == []


@pytest.mark.parametrize(
    ("speech", "heard", "errors"),
    [
        # three words each, one heard as two: no longer half the clip wrong ("not heard")
        ("fulltext (PMID: two one four one three five one six)", "Full text PMID 21413516", 0),
        ("(PMID: eight eight eight zero two six seven) fulltext", "PMID 888-0267 full text.", 0),
        ("NodeJs, click to visit web site", "No JS, click to visit website", 1),
        # a name in camelCase is the words the voice says
        (
            "Optimize findItemDelimitationItemAndSetElementLength() for speed",
            "Optimize Find Item to limitation item and set element length for speed.",
            2,
        ),
        ("at jkrot, performance enhancement in byteArrayParser", "At J-Crot, performance enhancement in "
         "bite array parser.", 3),
    ],
)  # fmt: skip
def test_words_grouped_otherwise_are_no_errors(speech: str, heard: str, errors: int) -> None:
    assert judged(speech, heard)[1] == errors


def test_a_lexicon_word_spelled_after_an_article_is_the_same_word() -> None:
    # "a C T image": the article and the letters were joined into "act" and compared with "a", "ct"
    written = "For example, the composite IODs for a CT image and an MR Image both have modules."
    speech = "For example, the composite IODs for a C T image and an M R Image both have modules."
    heard = "For example, the composite IODs for a CT image and an MR image both have modules."
    assert critical(speech, heard, written) == []


@pytest.mark.parametrize(
    ("speech", "heard", "kind"),
    [
        # a digit changed, a digit lost, a number changed: critical however it is grouped
        ("zero zero zero four, Directory structuring elements", "005 directory structuring elements.", "number"),
        ("zero zero zero four, Directory structuring elements", "4 directory structuring elements.", "number"),
        ("tag zero zero one zero, zero zero one zero", "tag 0010, 0011.", "number"),
        ("(PMID: eight eight eight zero two six seven)", "PMID 888-0265.", "number"),
        ("(PMID: eight six seven one one three nine) fulltext", "PMID 867-139 full text.", "number"),
        ("for example 'x seven F E zero, zero zero one zero'", "for example, X7F E, 0, 1, 0.", "number"),
        ("one zero zero zero to one zero F F", "10000 to 100FF.", "number"),
        ("Image Pixel, C seven point six point three, M", "Image Pixel C7.6.2M", "number"),
        ("Take fifteen milligrams with food.", "Take 50 mg with food.", "number"),
        # a number of the text heard as a word that sounds the same may not have been said
        ("Take two tablets.", "Take to tablets.", "number"),
        # a negation lost, changed or added
        ("Do not take more than four doses in one day.", "Do take more than four doses in one day.", "negation"),
        ("Do not use Node dot js here.", "Do note use Node.js here.", "negation"),
        ("It is not able to hold it.", "It is notable to hold it.", "negation"),
        ("It is now safe to drive.", "It is not safe to drive.", "negation"),
        ("Supports reading from Node dot js Buffers", "Supports reading from no no.js buffers.", "negation"),
    ],
)  # fmt: skip
def test_what_was_lost_or_changed_stays_critical(speech: str, heard: str, kind: str) -> None:
    assert kind in critical(speech, heard)


def test_zeros_before_a_code_s_first_digit_may_be_miscounted_the_digits_may_not() -> None:
    assert same_said(["0004"], ["004"]) and same_said(["0004"], ["00004"]) and same_said(["0004"], ["0", "4"])
    assert not same_said(["0004"], ["4"])  # one zero at least
    assert not same_said(["1000"], ["100"]) and not same_said(["1000"], ["10000"])  # zeros inside a number
    assert not same_said(["0400"], ["040"])
    assert not same_said(["x", "7", "fe", "0", "0010"], ["x", "7", "fe", "0", "1", "0"])  # fe0's zero lost
    assert same_said(["x", "7", "fe", "0", "0010"], ["x", "7", "fe", "0", "0", "1", "0"])


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
    assert heard.tokens("2 and 3, 100 and 500") == ["2", "and", "3", *tokens("one hundred and five hundred")]
