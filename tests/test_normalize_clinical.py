"""Clinical readings: dosing, routes, units and rates, ratios, blood pressure, ranges, labs, drug names.

Each row is checked through the public normalizer with the built-in lexicon,
exactly as ``audioguide say "..." --no-audio`` prints it.
"""

from __future__ import annotations

import pytest

from audioguide.speech import normalize
from audioguide.speech.builtin_lexicon import CLINICAL_ENTRIES

CASES = [
    # dosing abbreviations and intervals
    ("Take 1 tablet b.i.d.", "Take one tablet twice a day."),
    ("Take it t.i.d. with food.", "Take it three times a day with food."),
    ("Use q.i.d. for a week.", "Use four times a day for a week."),
    ("Take 2 tablets q4h p.r.n. for pain.", "Take two tablets every four hours as needed for pain."),
    ("Give q4-6h.", "Give every four to six hours."),
    ("Check q1h overnight.", "Check every hour overnight."),
    ("Take 10 mg q.h.s.", "Take ten milligrams at bedtime."),
    ("Take 1 tablet a.c. and 1 tablet p.c.", "Take one tablet before meals and one tablet after meals."),
    # routes, after a dose only
    ("Take 5 mg PO.", "Take five milligrams by mouth."),
    ("Give 4 mg IV or IM.", "Give four milligrams intravenously or into a muscle."),
    ("Inject 10 units SC.", "Inject ten units under the skin."),
    ("Place 0.4 mg SL.", "Place zero point four milligrams under the tongue."),
    (
        "Give 5 mg PO, IV, IM, SC or SL.",
        "Give five milligrams by mouth, intravenously, into a muscle, under the skin or under the tongue.",
    ),
    ("Stage IV cancer needs an IV line.", "Stage four cancer needs an IV line."),
    # units and rates
    ("Take 50 mcg daily.", "Take fifty micrograms daily."),
    ("Take 50 µg daily.", "Take fifty micrograms daily."),
    ("Give 0.1 mg/kg.", "Give zero point one milligrams per kilogram."),
    ("Give 2 mcg/kg/min.", "Give two micrograms per kilogram per minute."),
    ("Glucose was 100 mg/dL.", "Glucose was one hundred milligrams per deciliter."),
    ("Sodium was 140 mmol/L.", "Sodium was one hundred and forty millimoles per liter."),
    ("Infuse at 125 mL/h.", "Infuse at one hundred and twenty-five milliliters per hour."),
    ("A pulse of 72 bpm.", "A pulse of seventy-two beats per minute."),
    ("A BMI of 25 kg/m².", "A B M I of twenty-five kilograms per square meter."),
    # ratios
    ("Use epinephrine 1:1000.", "Use epinephrine one to one thousand."),
    # blood pressure
    ("Your BP is 120/80.", "Your B P is one twenty over eighty."),
    ("Blood pressure of 135/85 or lower.", "Blood pressure of one thirty-five over eighty-five or lower."),
    ("Aim for 105/70 mmHg.", "Aim for one oh five over seventy millimeters of mercury."),
    ("A reading of 90/60 mm Hg.", "A reading of ninety over sixty millimeters of mercury."),
    ("Score 120/80 points.", "Score one hundred and twenty over eighty points."),
    # ranges with the unit on one side, lab values and percentages
    ("Take 5–10 mg at night.", "Take five to ten milligrams at night."),
    ("Take 5-10 mg at night.", "Take five to ten milligrams at night."),
    ("An A1c under 7%.", "An eh one see under seven percent."),
    ("HbA1c of 6.5%.", "H B eh one see of six point five percent."),
    ("Hemoglobin 13.5 g/dL.", "Hemoglobin thirteen point five grams per deciliter."),
    # drug names: stress respelled
    ("Take acetaminophen first.", "Take asseeta minnofen first."),
    ("Epidural injections help.", "Eppi durral injections help."),
]


@pytest.mark.parametrize("written, said", CASES)
def test_clinical_reading(written, said):
    assert normalize(written) == said


@pytest.mark.parametrize("drug", sorted(CLINICAL_ENTRIES))
def test_every_clinical_entry_is_read(drug):
    assert normalize(f"Ask about {drug}.") == f"Ask about {CLINICAL_ENTRIES[drug]}."


@pytest.mark.parametrize(
    "respelling, stressed",
    [
        ("asseeta minnofen", ("sˈiː", "mˈɪn")),  # a-SEE-ta-MIN-o-fen, not ASS-it-am-in-ah-fen
        ("eppi durral", ("dˈɜː",)),  # ep-i-DUR-al, not EP-i-jur-al
        ("doo loxeteen", ("lˈɑːks",)),  # doo-LOX-e-teen
    ],
)
def test_respellings_put_the_stress_where_clinicians_do(respelling, stressed):
    from audioguide.model.settings import VoiceSettings
    from audioguide.synth.engines import create_engine

    phonemes, _known = create_engine(VoiceSettings(voice="joe")).pronunciation(respelling)
    assert all(mark in phonemes for mark in stressed), phonemes


def test_a_voice_that_knows_a_drug_name_is_spared_its_respelling():
    """heart's dictionary says acetaminophen right: respelled, it would guess (EP-ee-DURR-al)."""
    from audioguide.model.settings import VoiceSettings
    from audioguide.speech.builtin_lexicon import KNOWN_TO_VOICE
    from audioguide.synth.engines import create_engine

    heart = create_engine(VoiceSettings(voice="heart"))
    known = {word for word in CLINICAL_ENTRIES if heart.pronunciation(word)[1]}
    assert known == KNOWN_TO_VOICE["heart"]
    assert not heart.pronunciation(CLINICAL_ENTRIES["epidural"])[1]  # the respelling is a guess


@pytest.mark.parametrize(
    "voice, said",
    [
        ("heart", "Take acetaminophen and gabba pentin."),  # heart knows acetaminophen, guesses gabapentin
        ("joe", "Take asseeta minnofen and gabba pentin."),  # espeak guesses both
    ],
)
def test_the_built_in_respellings_follow_the_guides_voice(voice, said):
    from cli_helpers import invoke

    result = invoke("say", "Take acetaminophen and gabapentin.", "--voice", voice, "--no-audio")
    assert result.exit_code == 0, result.stderr
    assert said in result.output
