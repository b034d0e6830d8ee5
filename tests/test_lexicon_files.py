"""Lexicon files on the command line and in guide scripts: precedence, errors, and what the engine is given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import invoke
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from audioguide.errors import AudioguideError
from audioguide.model.settings import GuideSettings
from audioguide.sources.guide_script import load_guide
from audioguide.speech import Lexicon, build_lexicon, merge_layers, normalize, with_lexicon_files

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Toradol</grapheme><alias>TOR a doll</alias></lexeme>
  <lexeme><grapheme>CT</grapheme><alias>cat scan</alias></lexeme>
</lexicon>
"""
YAML = "Toradol: TORE ah dole\nLidocaine: LYE doe cane\n"
ARTICLE = "Aftercare\n\nTake Toradol after your CT scan. Lidocaine numbs the skin.\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    pls = tmp_path / "drugs.pls"
    pls.write_text(PLS, encoding="utf-8")
    yml = tmp_path / "drugs.yaml"
    yml.write_text(YAML, encoding="utf-8")
    article = tmp_path / "aftercare.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return {"pls": pls, "yaml": yml, "article": article}


def test_precedence_builtin_then_files_later_winning_then_guide(files) -> None:
    sentence = "Take Toradol after your CT scan. Lidocaine numbs."
    assert (
        normalize(sentence, build_lexicon(GuideSettings()))
        == "Take Toradol after your C T scan. Lidocaine numbs."
    )
    pls_then_yaml = build_lexicon(GuideSettings(), [files["pls"], files["yaml"]])
    assert (
        normalize(sentence, pls_then_yaml)
        == "Take TORE ah dole after your cat scan scan. LYE doe cane numbs."
    )
    yaml_then_pls = build_lexicon(GuideSettings(), [files["yaml"], files["pls"]])
    assert (
        normalize(sentence, yaml_then_pls) == "Take TOR a doll after your cat scan scan. LYE doe cane numbs."
    )
    guide = GuideSettings(pronunciations={"Toradol": "the guide's reading"})
    assert normalize(sentence, build_lexicon(guide, [files["pls"], files["yaml"]])).startswith(
        "Take the guide's reading after your cat scan"
    )


def test_folded_settings_say_the_same_as_layers(files) -> None:
    guide = GuideSettings(pronunciations={"lidocaine": "lido"})
    folded = with_lexicon_files(guide, [files["pls"], files["yaml"]])
    assert folded.pronunciations == {"Toradol": "TORE ah dole", "CT": "cat scan", "lidocaine": "lido"}
    layered = build_lexicon(guide, [files["pls"], files["yaml"]])
    text = "Toradol, CT and Lidocaine; LIDOCAINE too."
    assert (
        normalize(text, build_lexicon(folded))
        == normalize(text, layered)
        == ("TORE ah dole, cat scan and lido; lido too.")
    )
    assert with_lexicon_files(guide, []) is guide


_WORDS = ["TENS", "tens", "Tens", "CT", "ct", "Dr. Who", "dr. who", "pain", "Pain", "NSAID", "nsaid"]
_layer = st.dictionaries(
    st.sampled_from(_WORDS), st.sampled_from(["A", "B", "C", "[[x]]", "d e"]), max_size=4
)


@hyp_settings(max_examples=200, deadline=None)
@given(
    layers=st.lists(_layer, min_size=1, max_size=4),
    words=st.lists(st.sampled_from(_WORDS + ["TENS unit", "Dr.  Who", "and"]), min_size=1, max_size=8),
)
def test_merge_layers_matches_layering(layers: list[dict[str, str]], words: list[str]) -> None:
    """Flattened pronunciations read every word as the layered lexicon would (plurals aside)."""
    layered = Lexicon.builtin()
    for index, layer in enumerate(layers):
        layered = layered.with_entries(layer, source=f"layer{index}")
    flat = Lexicon.builtin().with_entries(merge_layers(layers), source="flat")
    text = " ".join(words)
    assert flat.apply(text) == layered.apply(text)


def test_lexicon_file_errors_are_one_line(tmp_path: Path, files) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("CT: [a list]\n", encoding="utf-8")
    for lexicon, needle in [
        (bad, "bad.yaml:1: the reading of 'CT' must be text"),
        (tmp_path / "missing.pls", "missing.pls: cannot read lexicon file"),
        (files["article"], "aftercare.txt: unsupported lexicon file type '.txt'"),
    ]:
        for command in (["outline", str(files["article"])], ["say", "CT scan", "--no-audio"]):
            result = invoke(*command, "--lexicon", str(lexicon))
            assert result.exit_code == 1
            lines = [line for line in result.stderr.splitlines() if line.strip()]
            assert len(lines) == 1 and lines[0].startswith("audioguide: error: ") and needle in lines[0], (
                lines
            )
    with pytest.raises(AudioguideError, match="unsupported lexicon file type"):
        Lexicon.from_file(files["article"])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        # A control character: PyYAML's own message spans two lines and gives no line number.
        (
            "CT: cat scan\nMRI: em \x07 are eye\n",
            "bad.yaml:2: invalid YAML: character '\\x07' (U+0007) is not allowed",
        ),
        ("CT: cat scan\nMRI: [em\n", "bad.yaml:3: invalid YAML: "),
        ("CT: cat\n  scan: x\n", "bad.yaml:2: invalid YAML: mapping values are not allowed here"),
    ],
)
def test_lexicon_yaml_errors_are_located_as_in_guide_scripts(tmp_path: Path, text: str, needle: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(AudioguideError) as caught:
        Lexicon.from_file(bad)
    message = str(caught.value)
    assert "\n" not in message and needle in message, message
    guide = tmp_path / "guide.yaml"
    guide.write_text(text, encoding="utf-8")
    with pytest.raises(AudioguideError) as as_script:
        load_guide(guide)
    assert message.split(": invalid YAML: ")[1] == str(as_script.value).split(": invalid YAML: ")[1]


def test_outline_counts_pronunciations(files) -> None:
    data = json.loads(
        invoke(
            "outline",
            str(files["article"]),
            "--json",
            "--lexicon",
            str(files["pls"]),
            "--lexicon",
            str(files["yaml"]),
        ).output
    )
    assert data["pronunciations"] == 3
    assert json.loads(invoke("outline", str(files["article"]), "--json").output)["pronunciations"] == 0


def _clip_texts(outdir: Path) -> list[str]:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    return [clip["text"] for track in manifest["tracks"] for clip in track["clips"]]


def _clip_keys(outdir: Path) -> list[str]:
    manifest = json.loads((outdir / "manifest.json").read_text(encoding="utf-8"))
    return [clip["key"] for track in manifest["tracks"] for clip in track["clips"]]


def test_lexicons_change_what_the_engine_is_given(tmp_path: Path, files) -> None:
    """A real build: the manifest's clip text is what Piper was given, and its key changes with it."""
    plain, pls, yml, guided = (tmp_path / name for name in ("plain", "pls", "yaml", "guided"))
    for out, extra in [
        (plain, []),
        (pls, ["--lexicon", str(files["pls"])]),
        (yml, ["--lexicon", str(files["pls"]), "--lexicon", str(files["yaml"])]),
    ]:
        result = invoke("build", str(files["article"]), "-o", str(out), "-q", "--no-announce", *extra)
        assert result.exit_code == 0, result.stderr
    assert _clip_texts(plain)[1:] == ["Take Toradol after your C T scan.", "Lidocaine numbs the skin."]
    assert _clip_texts(pls)[1:] == ["Take TOR a doll after your cat scan scan.", "Lidocaine numbs the skin."]
    assert _clip_texts(yml)[1:] == [
        "Take TORE ah dole after your cat scan scan.",
        "LYE doe cane numbs the skin.",
    ]
    assert len({_clip_keys(out)[1] for out in (plain, pls, yml)}) == 3
    assert _clip_keys(plain)[0] == _clip_keys(pls)[0]  # the unchanged heading clip is reused

    # A guide script: its lexicon files (relative to it) and its pronunciations, which win.
    guide = tmp_path / "guide.yaml"
    assert invoke("init", str(files["article"]), "-o", str(guide)).exit_code == 0
    text = guide.read_text(encoding="utf-8").replace(
        "pronunciations: {}", "pronunciations: {Lidocaine: lido cane}\nlexicon: [drugs.pls, drugs.yaml]"
    )
    guide.write_text(text, encoding="utf-8")
    result = invoke("build", str(guide), "-o", str(guided), "-q", "--no-announce")
    assert result.exit_code == 0, result.stderr
    assert _clip_texts(guided)[1:] == [
        "Take TORE ah dole after your cat scan scan.",
        "Lido cane numbs the skin.",
    ]
