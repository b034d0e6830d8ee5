"""Pronunciation lexicons: matching rules, layering, YAML and PLS files."""

from __future__ import annotations

from pathlib import Path

import pytest

from audioguide.errors import AudioguideError, GuideScriptError, SourceError
from audioguide.speech import Lexicon
from audioguide.speech.builtin_lexicon import BUILTIN_ENTRIES

BUILTIN_ROWS = [
    ("MRI", "M R I"),
    ("an MRI scan", "an M R I scan"),
    ("MRIs", "M R I's"),
    ("the MRI's result", "the M R I's result"),
    ("CT", "C T"),
    ("CT-guided", "C T-guided"),
    (
        "the composite IODs for a CT image and an MR Image",
        "the composite IODs for a C T image and an M R Image",
    ),
    ("OB, Other Byte", "O B, Other Byte"),
    ("Mr Smith and Mr. Jones", "Mr Smith and Mr. Jones"),
    ("CTs", "C T's"),
    ("ESI", "E S I"),
    ("PRP", "P R P"),
    ("TENS unit", "tens unit"),
    ("NSAID", "en-sed"),
    ("NSAIDs", "en-seds"),
    ("FAQ", "frequently asked question"),
    ("FAQs:", "frequently asked questions:"),
    ("ACL", "A.C.L."),
    ("ACLs", "A.C.L's"),
    ("X-ray", "X-ray"),
    ("X-rays", "X-rays"),
    ("Interventional", "Interventional"),
    # whole words, exact case for acronyms
    ("act", "act"),
    ("Ct", "Ct"),
    ("ct", "ct"),
    ("CTA", "CTA"),
    ("ICT", "ICT"),
    ("tens of people", "tens of people"),
    ("MRI2", "MRI2"),
    ("(MRI)", "(M R I)"),
    ("MRI/CT", "M R I/C T"),
    ("U.S. and MS", "U.S. and MS"),
    ("stage IV", "stage IV"),
]


@pytest.mark.parametrize(("written", "expected"), BUILTIN_ROWS)
def test_builtin_apply(written: str, expected: str) -> None:
    assert Lexicon.builtin().apply(written) == expected


def test_builtin_is_a_plain_table_of_sensible_size() -> None:
    assert 30 <= len(BUILTIN_ENTRIES) <= 90  # acronyms, and the clinical readings' drug names
    assert dict(Lexicon.builtin()) == BUILTIN_ENTRIES
    assert Lexicon.builtin() is Lexicon.builtin()
    assert Lexicon.builtin().source_of("MRI") == "built-in"


CASE_ROWS = [
    # (key, reading, text, expected)
    ("tylenol", "TIE-len-ol", "Take Tylenol now", "Take TIE-len-ol now"),
    ("tylenol", "TIE-len-ol", "TYLENOL", "TIE-len-ol"),
    ("tylenol", "TIE-len-ol", "tylenols", "tylenols"),
    ("Toradol", "TOR-a-dol", "toradol", "toradol"),
    ("Toradol", "TOR-a-dol", "Toradol.", "TOR-a-dol."),
    ("PhD", "P H D", "a PhD student", "a P H D student"),
    ("e.g.", "for example", "heat, e.g. ice", "heat, for example ice"),
    ("Dr. Who", "Doctor Who", "I like Dr. Who a lot", "I like Doctor Who a lot"),
    ("Dr. Who", "Doctor Who", "I like Dr.  Who", "I like Doctor Who"),
    ("pain clinic", "P C", "the Pain\nClinic", "the P C"),
    ("knee", "nee", "kneel", "kneel"),
    ("knee", "nee", "knee-high", "nee-high"),
    ("gaba", "[[ɡˈæbə]]", "gaba gabas", "[[ɡˈæbə]] gabas"),
    ("SIJ", "[[ˈsɪdʒ]]", "SIJ and SIJs", "[[ˈsɪdʒ]] and SIJs"),
]


@pytest.mark.parametrize(("key", "reading", "text", "expected"), CASE_ROWS)
def test_matching_rules(key: str, reading: str, text: str, expected: str) -> None:
    assert Lexicon({key: reading}).apply(text) == expected


def test_longest_key_wins() -> None:
    lexicon = Lexicon({"pain": "PAIN", "pain management": "pain-management"})
    assert lexicon.apply("pain management of pain") == "pain-management of PAIN"


def test_layers_later_wins() -> None:
    file_layer = {"MRI": "em-ar-eye", "TENS": "T E N S"}
    guide_layer = {"MRI": "magnetic resonance imaging"}
    lexicon = Lexicon.builtin().with_entries(file_layer, source="my.yaml").with_entries(guide_layer)
    assert lexicon.apply("MRI, TENS, CT") == "magnetic resonance imaging, T E N S, C T"
    assert lexicon.source_of("MRI") == "guide"
    assert lexicon.source_of("TENS") == "my.yaml"
    assert lexicon.source_of("CT") == "built-in"
    # the built-in table is untouched
    assert Lexicon.builtin().apply("MRI") == "M R I"


def test_case_insensitive_key_in_a_later_layer_beats_exact_key() -> None:
    lexicon = Lexicon.builtin().with_entries({"tens": "ten ess"})
    assert lexicon.apply("TENS") == "ten ess"
    lexicon = Lexicon({"tens": "ten ess"}).with_entries({"TENS": "tens"})
    assert lexicon.apply("TENS and Tens") == "tens and ten ess"


def test_with_entries_accepts_a_lexicon_and_empty_mapping() -> None:
    base = Lexicon.builtin()
    assert base.with_entries({}) is base
    extra = Lexicon({"Toradol": "TOR-a-dol"})
    combined = base.with_entries(extra, source="file.yaml")
    assert combined["Toradol"] == "TOR-a-dol"
    assert len(combined) == len(base) + 1


def test_identity_is_stable_and_tracks_entries() -> None:
    a = Lexicon.builtin().with_entries({"Toradol": "TOR-a-dol"})
    b = Lexicon.builtin().with_entries({"Toradol": "TOR-a-dol"})
    c = Lexicon.builtin().with_entries({"Toradol": "tor-A-dol"})
    assert a.identity() == b.identity() and a == b
    assert a.identity() != c.identity()
    assert a.identity() != Lexicon.builtin().identity()
    assert len(a.identity()) == 64
    assert Lexicon().identity() == Lexicon().identity()


@pytest.mark.parametrize(
    "entries",
    [
        {"": "x"},
        {"  ": "x"},
        {"MRI": ""},
        {"MRI": "  "},
        {"MRI": "[[broken"},
        {"MRI": "x]] [[y"},
        {"MRI": 3},
        {"two\nlines": "x"},
    ],
)
def test_bad_entries_raise_guide_script_error(entries: dict[str, object]) -> None:
    with pytest.raises(GuideScriptError):
        Lexicon.builtin().with_entries(entries)  # type: ignore[arg-type]


def test_apply_edge_cases() -> None:
    lexicon = Lexicon.builtin()
    assert lexicon.apply("") == ""
    assert lexicon.apply("...") == "..."
    assert Lexicon().apply("MRI") == "MRI"
    long = "An MRI. " * 2000
    assert lexicon.apply(long).count("M R I") == 2000


# ---------------------------------------------------------------------------
# YAML files


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_plain_mapping(tmp_path: Path) -> None:
    path = write(tmp_path, "lex.yaml", 'Toradol: TOR-a-dol\ngabapentin: "[[ɡˈæbəpˌɛntɪn]]"\n')
    lexicon = Lexicon.from_yaml(path)
    assert dict(lexicon) == {"Toradol": "TOR-a-dol", "gabapentin": "[[ɡˈæbəpˌɛntɪn]]"}
    assert lexicon.source_of("Toradol") == "lex.yaml"


def test_yaml_under_pronunciations_keeps_words_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "lex.yaml", "pronunciations:\n  NO: nitric oxide\n  ON: on\n  '1': one\n")
    assert dict(Lexicon.from_yaml(path)) == {"NO": "nitric oxide", "ON": "on", "1": "one"}


def test_yaml_empty_file(tmp_path: Path) -> None:
    assert len(Lexicon.from_yaml(write(tmp_path, "empty.yaml", ""))) == 0
    assert len(Lexicon.from_yaml(write(tmp_path, "p.yaml", "pronunciations:\n"))) == 0


def test_yaml_combined_with_builtin(tmp_path: Path) -> None:
    path = write(tmp_path, "lex.yaml", "MRI: em are eye\n")
    lexicon = Lexicon.builtin().with_entries(Lexicon.from_yaml(path), source=path.name)
    assert lexicon.apply("MRI and CT") == "em are eye and C T"


YAML_ERROR_ROWS = [
    ("a: [1, 2\n", "bad.yaml:2: invalid YAML"),
    ("MRI: one\nMRI: two\n", "bad.yaml:2: 'MRI' is listed twice"),
    ("a: b\nc:\n", "bad.yaml:2: the reading of 'c' must be text"),
    ("a: b\nc: [x]\n", "bad.yaml:2: the reading of 'c' must be text"),
    ("- a\n- b\n", "bad.yaml:1: a lexicon must be a mapping"),
    ("pronunciations:\n  a: b\nextra: 1\n", "bad.yaml:3: unknown top-level key 'extra'"),
    ("pronunciations: [a]\n", "bad.yaml:1: 'pronunciations' must be a mapping"),
    ("a: b\n'': c\n", "bad.yaml:2: a pronunciation entry has an empty word"),
    ("x: '[[ab'\n", "bad.yaml:1: the reading of 'x' has unbalanced [[ ]]"),
    ("a: b\n---\nc: d\n", "bad.yaml:"),
]


@pytest.mark.parametrize(("text", "message"), YAML_ERROR_ROWS)
def test_yaml_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(GuideScriptError) as caught:
        Lexicon.from_yaml(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot read lexicon file"):
        Lexicon.from_yaml(tmp_path / "missing.yaml")
    with pytest.raises(AudioguideError):
        Lexicon.from_pls(tmp_path / "missing.pls")


def test_non_utf8_yaml(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes("caf\xe9: ka-fay\n".encode("latin-1"))
    with pytest.raises(GuideScriptError, match="latin.yaml: lexicon file is not UTF-8"):
        Lexicon.from_yaml(path)


# ---------------------------------------------------------------------------
# PLS files

PLS_OK = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme>
    <grapheme>NSAID</grapheme>
    <alias>en-sed</alias>
  </lexeme>
  <lexeme>
    <grapheme>Toradol</grapheme>
    <grapheme>toradol</grapheme>
    <phoneme>ˈtɔːɹədɑːl</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>SIJ</grapheme>
    <phoneme>ˈsɪdʒ</phoneme>
    <alias>S I joint</alias>
  </lexeme>
  <lexeme>
    <grapheme>PT</grapheme>
    <alias>pee tee</alias>
    <alias prefer="true">physical therapy</alias>
  </lexeme>
</lexicon>
"""


def test_pls_alias_phoneme_and_several_graphemes(tmp_path: Path) -> None:
    lexicon = Lexicon.from_pls(write(tmp_path, "lex.pls", PLS_OK))
    assert dict(lexicon) == {
        "NSAID": "en-sed",
        "Toradol": "[[ˈtɔːɹədɑːl]]",
        "toradol": "[[ˈtɔːɹədɑːl]]",
        "SIJ": "S I joint",
        "PT": "physical therapy",
    }
    assert lexicon.apply("Toradol is an NSAID") == "[[ˈtɔːɹədɑːl]] is an en-sed"


def test_pls_without_namespace_and_from_file(tmp_path: Path) -> None:
    text = "<lexicon version='1.0'><lexeme><grapheme>CT</grapheme><alias>cat</alias></lexeme></lexicon>"
    path = write(tmp_path, "lex.xml", text)
    assert dict(Lexicon.from_file(path)) == {"CT": "cat"}
    assert dict(Lexicon.from_file(write(tmp_path, "lex.yml", "CT: cat\n"))) == {"CT": "cat"}


PLS_ERROR_ROWS = [
    (
        '<lexicon version="1.0">\n  <lexeme>\n    <grapheme>A</grapheme>\n  </lexem>\n</lexicon>\n',
        "bad.pls:4: malformed PLS XML",
    ),
    ("", "bad.pls:1: malformed PLS XML"),
    (
        "<lexicon>\n<lexeme>\n<alias>x</alias>\n</lexeme>\n</lexicon>\n",
        "bad.pls:2: a <lexeme> has no <grapheme>",
    ),
    (
        "<lexicon>\n<lexeme>\n<grapheme>A</grapheme>\n</lexeme>\n</lexicon>\n",
        "bad.pls:2: a <lexeme> has neither <alias> nor <phoneme>",
    ),
    (
        "<lexicon>\n<lexeme>\n<grapheme>A</grapheme>\n<alias> </alias>\n</lexeme>\n</lexicon>\n",
        "bad.pls:4: empty <alias>",
    ),
    (
        "<lexicon alphabet='x-sampa'>\n<lexeme>\n<grapheme>A</grapheme>\n<phoneme>eI</phoneme>\n</lexeme>\n</lexicon>\n",
        "bad.pls:4: phoneme alphabet 'x-sampa' is not supported",
    ),
    ("<speak>\n</speak>\n", "bad.pls:1: not a PLS lexicon"),
]


@pytest.mark.parametrize(("text", "message"), PLS_ERROR_ROWS)
def test_pls_errors_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "bad.pls", text)
    with pytest.raises(GuideScriptError) as caught:
        Lexicon.from_pls(path)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_an_expanded_acronym_before_a_number_is_spelled():
    # "FAQ 7.31" names an item of the document called the FAQ: its letters, not "frequently asked question"
    lexicon = Lexicon.builtin()
    assert lexicon.apply("see FAQ 7.31 on CRAN") == "see F.A.Q. 7.31 on CRAN"
    assert lexicon.apply("see the FAQ on CRAN") == "see the frequently asked question on CRAN"
    assert lexicon.apply("an MRI 2 days ago") == "an M R I 2 days ago"  # spelled readings as they are
