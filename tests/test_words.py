"""audioguide words: the pronunciation review, and a lexicon stub that, filled in, changes the speech."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from cli_helpers import invoke

from audioguide.speech import Lexicon

CLINICAL = """# Pain medicine basics

Take acetaminophen 500 mg b.i.d. or tizanidine as your doctor says. An MRI may help.

Cyclobenzaprine can help muscle pain. Tizanidine can make you sleepy, so take tizanidine at night.
"""


def _words(source: Path, *args: str) -> list[dict]:
    result = invoke("words", str(source), "--json", *args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.output)


def test_the_default_voice_reads_every_word_of_the_example_from_its_dictionary(example_article):
    found = _words(example_article)  # heart: misaki's dictionary knows "interventional", "sacroiliac", ...
    assert [w["written"] for w in found if w["kind"] == "guessed"] == []


def test_the_example_lists_the_words_the_voice_guesses(example_article):
    found = _words(example_article, "--voice", "joe")
    guessed = {w["written"]: w for w in found if w["kind"] == "guessed"}
    assert "interventional" in guessed
    entry = guessed["interventional"]
    assert entry["count"] >= 10 and entry["known"] is False and entry["phonemes"]
    assert "ˈɛ" in entry["phonemes"]  # espeak's stress mark: the phonemes Piper is fed
    # common words are not listed, and the list is most frequent first
    assert "pain" not in guessed and "medication" not in guessed
    counts = [w["count"] for w in found]
    assert counts == sorted(counts, reverse=True)


def test_clinical_text_groups_guesses_acronyms_and_rewrites(tmp_path):
    source = tmp_path / "meds.md"
    source.write_text(CLINICAL, encoding="utf-8")
    found = _words(source)
    by_word = {(w["kind"], w["written"]): w for w in found}
    assert by_word[("guessed", "tizanidine")]["count"] == 3
    assert found[0]["written"] == "tizanidine"  # the most frequent first
    assert ("guessed", "cyclobenzaprine") in by_word
    assert by_word[("lexicon", "MRI")]["speech"] == "M R I"
    # heart's dictionary knows acetaminophen: neither guessed nor respelled for it
    assert not any(w["written"] == "acetaminophen" for w in found)
    # for joe (espeak guesses it), the built-in clinical respelling is a lexicon rewrite, not a guess
    for_joe = {(w["kind"], w["written"]): w for w in _words(source, "--voice", "joe")}
    assert for_joe[("lexicon", "acetaminophen")]["speech"] == "asseeta minnofen"
    assert ("guessed", "acetaminophen") not in for_joe
    rules = {w["written"]: w["speech"] for w in found if w["kind"] == "rule"}
    assert any("five hundred milligrams" in said for said in rules.values()), rules
    assert not any(w["written"] in {"Take", "help", "night"} for w in found)


def test_a_filled_in_lexicon_stub_changes_the_speech(tmp_path):
    source = tmp_path / "meds.md"
    source.write_text(CLINICAL, encoding="utf-8")
    stub = tmp_path / "words.yaml"
    result = invoke("words", str(source), "--lexicon-stub", str(stub))
    assert result.exit_code == 0, result.stderr
    entries = Lexicon.from_yaml(stub)  # the format the lexicon reader takes
    assert entries["tizanidine"] == "tizanidine" and "cyclobenzaprine" in entries

    before = invoke("say", "Take tizanidine at night.", "--no-audio", "--lexicon", str(stub))
    assert before.output.strip() == "Take tizanidine at night."
    text = stub.read_text(encoding="utf-8").replace("tizanidine: tizanidine", "tizanidine: tie zanny deen")
    stub.write_text(text, encoding="utf-8")
    after = invoke("say", "Take tizanidine at night.", "--no-audio", "--lexicon", str(stub))
    assert after.exit_code == 0, after.stderr
    assert after.output.strip() == "Take tie zanny deen at night."
    # the comments stay valid YAML, and an existing stub is not overwritten without --force
    assert isinstance(yaml.safe_load(text), dict)
    again = invoke("words", str(source), "--lexicon-stub", str(stub))
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_a_document_with_nothing_to_review_says_so(example_article):
    result = invoke("words", str(example_article))  # heart knows every word of the example
    assert result.exit_code == 0, result.stderr
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nothing to review: ")
    assert "sentences" in lines[0] and "heart" in lines[0] and "reading rules" in lines[0]


READINGS = """# Dosing

Take 1 tab PO qd, or 5-10 mg at 9:30 a.m. on 2/19/15. Call (555) 123-4567 or edit the .env file :-)

Give 400 IU of vitamin D twice, and 400 IU again.
"""


def test_all_lists_every_reading_by_class(tmp_path):
    source = tmp_path / "doses.md"
    source.write_text(READINGS, encoding="utf-8")
    result = invoke("words", str(source), "--all", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    readings = {
        cls: {(r["written"], r["reading"], r["count"]) for r in group}
        for cls, group in data["readings"].items()
    }
    assert ("400 IU", "four hundred international units", 2) in readings["measure"]
    assert ("5-10 mg", "five to ten milligrams", 1) in readings["measure"]
    assert ("2/19/15", "February nineteenth, twenty fifteen", 1) in readings["date"]
    assert ("9:30 a.m.", "nine thirty a.m.", 1) in readings["time"]
    assert ("(555) 123-4567", "five five five, one two three, four five six seven", 1) in readings[
        "telephone"
    ]
    assert ("PO", "by mouth", 1) in readings["abbreviation"] and ("qd", "every day", 1) in readings[
        "abbreviation"
    ]
    assert (".env", "dot env", 1) in readings["electronic"]
    assert (":-)", "", 1) in readings["emoticon"]  # left unsaid
    assert list(data["readings"]) == sorted(data["readings"], key=list(data["readings"]).index)  # class order
    assert data["checked"]["sentences"] == 4 and data["checked"]["voice"] == "heart"
    assert [w["written"] for w in data["words"]]  # the word list is still there

    text = invoke("words", str(source), "--all")
    assert text.exit_code == 0, text.stderr
    assert "Readings by class (" in text.output
    assert "  measure (3):" in text.output
    assert "400 IU -> four hundred international units" in text.output
    assert ":-) -> (left unsaid)" in text.output
