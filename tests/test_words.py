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
