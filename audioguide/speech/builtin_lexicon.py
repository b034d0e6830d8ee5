"""The built-in pronunciation table: common medical and pain-management acronyms.

Plain data, easy to extend: ``"WRITTEN": "how to say it"``. Keys with a
capital letter match with exact case (see :mod:`audioguide.speech.lexicon`).

Spelled acronyms are letters separated by spaces ("M R I"). The Piper voice
(espeak-ng) reads a lone "A" before another word as the article "uh", so an
acronym with an A in it is written with dots instead ("A.C.L."), which the
engine reads as letters. Said-as-a-word acronyms get a respelling
("en-sed"). Ambiguous ones are left out on purpose: "MS" (multiple sclerosis
or morphine sulfate: a Joint Commission "Do Not Use" term), "IU" and "U"
(units only after a number: read by the normalizer's measures), "IV" (also
the Roman numeral in "stage IV": a route only after a dose), "US", "OR",
"DO", "WHO" (also ordinary words in capitals).
"""

from __future__ import annotations

BUILTIN_ENTRIES: dict[str, str] = {
    # Imaging and tests
    "MRI": "M R I",
    "MR": "M R",  # magnetic resonance: heart reads "MR" as "mister"; the title "Mr" is another key
    "CT": "C T",
    "PET": "pet",
    "EMG": "E M G",
    "NCS": "N C S",
    "ECG": "E C G",
    "EKG": "E K G",
    "EEG": "E E G",
    "CBC": "C B C",
    "BMI": "B M I",
    "BP": "B P",
    # Procedures and treatments
    "ESI": "E S I",
    "PRP": "P R P",
    "RFA": "R.F.A.",
    "SCS": "S C S",
    "TENS": "tens",
    "NSAID": "en-sed",
    "CBT": "C B T",
    "CBD": "C B D",
    "THC": "T H C",
    "OTC": "O T C",
    "CPR": "C P R",
    # Conditions
    "CRPS": "C R P S",
    "DVT": "D V T",
    "PTSD": "P T S D",
    "UTI": "U T I",
    "COPD": "C O P D",
    "TMJ": "T M J",
    "IBS": "I B S",
    "GERD": "gerd",
    "RA": "R.A.",
    "OA": "O.A.",
    "ACL": "A.C.L.",
    "MCL": "M C L",
    "SI": "S I",
    "COVID": "covid",
    "COVID-19": "covid nineteen",
    # Care settings and people
    "ER": "E R",
    "ED": "E D",
    "OB": "O B",  # obstetrics ("OB/GYN"); heart reads "OB" as the word "ob"
    "ICU": "I C U",
    "ENT": "E N T",
    "GP": "G P",
    "PCP": "P C P",
    "MD": "M D",
    "PhD": "P H D",
    "NP": "N P",
    "PA": "P.A.",
    "RN": "R N",
    "PT": "P T",
    "OT": "O T",
    # Organisations and rules
    "CDC": "C D C",
    "FDA": "F.D.A.",
    "NIH": "N I H",
    "AMA": "A.M.A.",
    "ADA": "A.D.A.",
    "HIPAA": "hippa",
    "IEEE": "I triple E",
    # Reading aids
    "FAQ": "frequently asked question",
}

# Clinical readings: lab names, and drug and procedure names whose stress the voices
# guess wrong. Found with `audioguide words` (espeak-ng's phonemes, which Piper speaks);
# each respelling was checked to put the stress where a clinician does, e.g.
# acetaminophen: espeak "ˈæsɪtˌæmɪnˌɑːfən" (ASS-it-am-in-ah-fen) -> "asseeta minnofen"
# "ɐsˈiːɾə mˈɪnoʊfən" (a-SEE-ta-MIN-o-fen). Lower-case keys match in any case.
CLINICAL_ENTRIES: dict[str, str] = {
    "A1c": "eh one see",
    "HbA1c": "H B eh one see",
    "acetaminophen": "asseeta minnofen",
    "atorvastatin": "uh torva statin",
    "celecoxib": "sella coxib",
    "duloxetine": "doo loxeteen",
    "epidural": "eppi durral",
    "gabapentin": "gabba pentin",
    "hydrocodone": "hydro codone",
    "ketorolac": "keeto rollack",
    "lisinopril": "lye sinnopril",
    "meloxicam": "muh loxicam",
    "naloxone": "nuh loxone",
    "naproxen": "nuh proxen",
    "ondansetron": "on danseh tron",
    "prednisone": "pred nizone",
}
BUILTIN_ENTRIES.update(CLINICAL_ENTRIES)

# The clinical words a voice's own dictionary already says right, by voice name: for that voice a
# respelling (tuned on espeak's guesses) would only replace a dictionary reading with a guess
# (heart read "eppi durral" as EP-ee-DURR-al). A voice not listed gets every respelling. Checked
# against the voice itself (tests/test_normalize_clinical.py), so a new voice package that learns
# or forgets a word fails the test.
KNOWN_TO_VOICE: dict[str, frozenset[str]] = {
    "heart": frozenset({"A1c", "acetaminophen", "epidural", "naloxone", "naproxen", "prednisone"}),
}
