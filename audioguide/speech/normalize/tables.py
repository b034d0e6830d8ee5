"""The normalizer's tables: what each rule family reads, as plain data.

Kept as a Python data module rather than package-data YAML: the tables are
read once at import with no loader, parser or file lookup to go wrong in an
installed wheel; their order is meaningful (longer abbreviations and symbol
patterns first, and the tuples keep it); several rows are regular
expression fragments, whose backslashes a raw string keeps exactly; and the
character map holds invisible code points that stay readable as ``\\u``
escapes. Each rule module compiles its regexes from these at import.

Adding a word here (a unit, a month abbreviation, a phone cue, a route) is
the whole change: the rule that reads it needs no edit.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------
# characters (characters.py)

SPACE_CHARS = dict.fromkeys(
    map(
        ord,
        "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
    ),
    " ",
)
# what each character becomes before any rule reads the text
CHAR_MAP = {
    **SPACE_CHARS,
    ord("\u200b"): " ",  # zero-width space: a word break
    **dict.fromkeys(map(ord, "\u200c\u200d\u2060\ufeff\u00ad"), ""),
    **dict.fromkeys(map(ord, "‘’‚‛′"), "'"),
    **dict.fromkeys(map(ord, "“”„‟″«»"), '"'),
    **dict.fromkeys(map(ord, "‐‑"), "-"),
    ord("‒"): "–",
    ord("―"): "—",
    ord("…"): "...",
    ord("⁄"): "/",
    ord("℉"): "°F",
    ord("℃"): "°C",
    ord("№"): "No. ",
    ord("§"): " section ",
    **dict.fromkeys(map(ord, "→⇒➔➜"), ", "),
    **dict.fromkeys(map(ord, "•·●◦▪▫■□►▸‣⁃※†‡¶*®™©℠"), " "),
}
# symbols (Unicode "So" and ASCII) a later rule reads as words: never removed
KEEP_SYMBOLS = set("°$£€¢%&+<>=~±×÷≈≤≥@#/\\|^")

# ---------------------------------------------------------------------------
# web addresses (web.py)

# top-level domains a bare "clinic.org" is recognised by (with "www." or "https://" any is)
TLDS: tuple[str, ...] = tuple(
    "com org net gov edu info health io co us uk ca au biz care clinic mil nz ie".split()
)
SPOKEN_LABELS = {"www": "w w w"}
# Short address pieces said as words; any other piece of 3 letters or fewer is spelled.
WORD_LABELS = frozenset(
    "com org net gov info biz app web my go get new the and for of to us en pain med doc"
    " care spine back neck knee hip arm leg".split()
)
URL_SYMBOLS = {
    ".": "dot",
    "/": "slash",
    "-": "dash",
    "_": "underscore",
    "@": "at",
    ":": "colon",
    "?": "question mark",
    "=": "equals",
    "&": "and",
    "#": "hash",
    "%": "percent",
    "+": "plus",
    "~": "tilde",
}

# ---------------------------------------------------------------------------
# phone numbers (phones.py)

# a word before a 7-digit "555-1234" that makes it a phone number, not a range
PHONE_CUES: tuple[str, ...] = tuple(
    "call calling phone telephone tel fax text texting dial contact line hotline".split()
)

# ---------------------------------------------------------------------------
# abbreviations (abbreviations.py)

# (pattern, reading, keeps the sentence's full stop when its dot ends the text), in order
SIMPLE_ABBREVIATIONS: tuple[tuple[str, str, bool], ...] = (
    (r"(?<![\w.])[Ee]\.\s?g\.(?=\W|$)|(?<![\w.])[Ee]\.g(?!\w)", "for example", False),
    (r"(?<![\w.])[Ii]\.\s?e\.(?=\W|$)|(?<![\w.])[Ii]\.e(?!\w)", "that is", False),
    (r"(?<![\w.])etc\.", "et cetera", True),
    (r"(?<![\w.])etc(?![\w.])", "et cetera", False),
    (r"(?<![\w.])a\.k\.a\.|(?<![\w.])aka(?!\w)", "also known as", True),
    (r"(?<![\w.])[Vv]s\.?(?!\w)", "versus", False),
    (r"(?<![\w.])[Aa]pprox\.", "approximately", False),
    (r"(?<![\w.])[Aa]pprox(?!\w)", "approximately", False),
    (r"(?<![\w.])Mr\.?(?=\s+[A-Z])", "Mister", False),
    (r"(?<![\w.])Mrs\.?(?=\s+[A-Z])", "Missus", False),
    (r"(?<![\w.])Ms\.?(?=\s+[A-Z])", "Miz", False),
    (r"(?<![\w.])Prof\.(?=\s+[A-Z])", "Professor", False),
    (r"(?<=[A-Za-z]),?\s+Jr\.|(?<=[A-Za-z]),?\s+Jr(?!\w)", " Junior", True),
    (r"(?<=[A-Za-z]),?\s+Sr\.|(?<=[A-Za-z]),?\s+Sr(?!\w)", " Senior", True),
    (r"(?<=[a-z])\s+Ave\.", " Avenue", True),
    (r"(?<=[a-z])\s+Rd\.", " Road", True),
    (r"(?<=[a-z])\s+Blvd\.", " Boulevard", True),
    (r"(?<![\w.])Ste\.(?=\s*\d)", "Suite", False),
    (r"(?<![\w.])Dept\.", "Department", False),
    (r"(?<![\w.])[Ww]/o(?!\w)", "without", False),
    (r"(?<![\w.])[Ww]/\s*(?=[A-Za-z])", "with ", False),
    (r"(?<![\w.])[Bb]\.[Ii]\.[Dd]\.|(?<![\w.])BID(?!\w)", "twice a day", True),
    (r"(?<![\w.])[Tt]\.[Ii]\.[Dd]\.|(?<![\w.])TID(?!\w)", "three times a day", True),
    (r"(?<![\w.])[Qq]\.[Ii]\.[Dd]\.|(?<![\w.])QID(?!\w)", "four times a day", True),
    (r"(?<![\w.])[Pp]\.[Rr]\.[Nn]\.|(?<![\w.])PRN(?!\w)", "as needed", True),
    (r"(?<![\w.])No\.(?=\s?\d)", "Number", False),
    (r"(?<![\w.])no\.(?=\s?\d)", "number", False),
    (r"(?<![\w.])([Nn])o\.(?=\s+of\b)", r"\1umber", False),
    (r"(?<![\w&])#(?=\s?\d)", "number ", False),
)
# "pp. 12-14" -> "pages 12-14", "p. 7" -> "page 7" (before a number only).
PAGE_ABBREVIATIONS: tuple[tuple[str, str], ...] = (
    (r"pp", "pages"),
    (r"p", "page"),
    (r"Pp", "Pages"),
    (r"P", "Page"),
)

# ---------------------------------------------------------------------------
# clinical readings (clinical.py)

# (pattern, reading, keeps the full stop) for dosing times; "q.d."/"q.o.d." are Do Not Use: absent
DOSING_ABBREVIATIONS: tuple[tuple[str, str, bool], ...] = (
    (r"(?<![\w.])q\.h\.s\.|(?<![\w.])qhs(?!\w)", "at bedtime", True),
    (r"(?<![\w.])a\.c\.(?=\W|$)", "before meals", True),
    (r"(?<![\w.])p\.c\.(?=\W|$)", "after meals", True),
)
ROUTES: dict[str, str] = {
    "PO": "by mouth",
    "IV": "intravenously",
    "IM": "into a muscle",
    "SC": "under the skin",
    "SQ": "under the skin",
    "subcut": "under the skin",
    "SL": "under the tongue",
    "PR": "rectally",
}
# words (regex fragments) after which a route abbreviation is a route, not "stage IV" or "PR"
DOSE_CUES: tuple[str, ...] = (
    "milligrams?",
    "micrograms?",
    "grams?",
    "milliliters?",
    "units?",
    "tablets?",
    "capsules?",
    "doses?",
    "puffs?",
    "drops?",
    "milliequivalents?",
    "millimoles?",
    "given",
    "give",
    "take",
    "taken",
    "administered",
)

# ---------------------------------------------------------------------------
# dates and years (dates.py, years.py)

MONTHS: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBREVIATIONS = {
    "Jan": "January", "Feb": "February", "Mar": "March", "Apr": "April",
    "Jun": "June", "Jul": "July", "Aug": "August", "Sep": "September",
    "Sept": "September", "Oct": "October", "Nov": "November", "Dec": "December",
}  # fmt: skip
# The order of a numeric date by locale (the guide's ``locale:``); without one a
# date such as 3/4/2024 is read as written. A language alone stands for its
# usual order; "en" alone is ambiguous (en-US and en-GB differ).
DATE_ORDERS: dict[str, str] = {
    "en-us": "mdy",
    "en-ph": "mdy",
    "en-pr": "mdy",
    "en-um": "mdy",
    "en-as": "mdy",
    "en-gu": "mdy",
    "en-gb": "dmy",
    "en-ie": "dmy",
    "en-au": "dmy",
    "en-nz": "dmy",
    "en-in": "dmy",
    "en-za": "dmy",
    "en-sg": "dmy",
    "en-hk": "dmy",
    "en-ng": "dmy",
    "en-ke": "dmy",
    "en-pk": "dmy",
    "en-mt": "dmy",
    **dict.fromkeys(
        "fr de es it pt nl ru pl da nb nn no fi el tr cs sk sl hr ro bg uk ar he id vi".split(), "dmy"
    ),
}
# words after which a 4-digit number is a year ("in 2023", "since 1998", "early 2020")
YEAR_CONTEXT: tuple[str, ...] = tuple(
    "in In since Since by By from From until Until till through during During before Before"
    " after After year Year circa early late mid spring summer fall autumn winter"
    " Spring Summer Fall Autumn Winter between Between".split()
)
# Years in running text that no preposition announces: "the 1989 Christmas holidays",
# "the 2024 flu season", "1989's".
YEAR_NOUNS: tuple[str, ...] = (
    "holidays",
    "holiday",
    "season",
    "edition",
    "release",
    "version",
    "election",
    "census",
    "survey",
    "study",
    "report",
    "guidelines",
    "guideline",
    "pandemic",
    "epidemic",
    "outbreak",
    "winter",
    "summer",
    "spring",
    "fall",
    "autumn",
    "olympics",
    "budget",
    "law",
    "act",
    "tax",
    "school",
    "academic",
    "fiscal",
    "flu",
    "vaccine",
    "annual",
    "review",
    "update",
    "conference",
    "meeting",
    "revision",
    "standard",
)

# ---------------------------------------------------------------------------
# identifiers (identifiers.py)

# Identifiers whose number is a name, read digit by digit: "PEP 602" -> "PEP six zero two".
DIGITWISE_IDENTIFIERS: tuple[str, ...] = (
    "PEP",
    "RFC",
    "ISO",
    "IEC",
    "IEEE",
    "ANSI",
    "DIN",
    "BS",
    "EN",
    "NDC",
    "NPI",
    "CPT",
    "HCPCS",
    "ECCN",
    "CVE",
    "KB",
    "SKU",
    "ZIP",
    "Bug",
    "Issue",
    "Ticket",
    "Case",
    "Claim",
    "Policy",
    "Member ID",
)
# Roman numerals in names: "stage II" -> "stage two", "cranial nerve VII" -> "cranial nerve seven".
ROMAN_NUMBER_WORDS: tuple[str, ...] = (
    "stage",
    "type",
    "grade",
    "phase",
    "class",
    "part",
    "chapter",
    "cranial nerve",
    "nerve",
    "volume",
    "vol.",
    "book",
    "level",
    "schedule",
    "category",
    "tier",
    "appendix",
    "article",
    "title",
    "world war",
    "act",
    "section",
    "factor",
    "degree",
    "lesson",
    "unit",
)
# After a lower-case keyword a lone "I" could be the pronoun ("at this stage I felt"): it is a
# numeral only at the end of a phrase or before one of these words (regex fragments).
ROMAN_I_BEFORE: tuple[str, ...] = (
    "diabetes",
    "diabetic",
    "cancer",
    "tumou?rs?",
    "disease",
    "trial",
    "trials",
    "study",
    "error",
    "errors",
    "evidence",
    "hypersensitivity",
    "allergy",
    "allergies",
    "collagen",
    "fibers?",
    "fibres?",
    "interferon",
    "lesion",
    "lesions",
    "injury",
    "burns?",
    "obesity",
    "hypertension",
    "heart failure",
    "recommendation",
    "antiarrhythmics?",
    "controlled",
    "substances?",
    "drugs?",
    "device",
)
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}

# ---------------------------------------------------------------------------
# measures (measures.py)

# currency sign -> (one, many, one hundredth, many hundredths)
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "€": ("euro", "euros", "cent", "cents"),
}
# written form -> (singular, plural); matched with exact case.
UNITS: dict[str, tuple[str, str]] = {
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "μg": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "mL": ("milliliter", "milliliters"),
    "ml": ("milliliter", "milliliters"),
    "dL": ("deciliter", "deciliters"),
    "dl": ("deciliter", "deciliters"),
    "L": ("liter", "liters"),
    "cc": ("cubic centimeter", "cubic centimeters"),
    "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"),
    "km": ("kilometer", "kilometers"),
    "in.": ("inch", "inches"),
    "in": ("inch", "inches"),
    "ft": ("foot", "feet"),
    "lb": ("pound", "pounds"),
    "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"),
    "fl oz": ("fluid ounce", "fluid ounces"),
    "tsp": ("teaspoon", "teaspoons"),
    "tbsp": ("tablespoon", "tablespoons"),
    "Tbsp": ("tablespoon", "tablespoons"),
    "mEq": ("milliequivalent", "milliequivalents"),
    "mmol": ("millimole", "millimoles"),
    "kcal": ("kilocalorie", "kilocalories"),
    "mmHg": ("millimeter of mercury", "millimeters of mercury"),
    "mm Hg": ("millimeter of mercury", "millimeters of mercury"),
    "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "° F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°C": ("degree Celsius", "degrees Celsius"),
    "° C": ("degree Celsius", "degrees Celsius"),
    "°": ("degree", "degrees"),
    "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"),
    "h": ("hour", "hours"),
    "min": ("minute", "minutes"),
    "mins": ("minute", "minutes"),
    "sec": ("second", "seconds"),
    "wk": ("week", "weeks"),
    "wks": ("week", "weeks"),
    "yr": ("year", "years"),
    "yrs": ("year", "years"),
    "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"),
    "mA": ("milliamp", "milliamps"),
    "µs": ("microsecond", "microseconds"),
    "μs": ("microsecond", "microseconds"),
    "bpm": ("beat per minute", "beats per minute"),
}
# Units that may follow "per" or "/" (singular reading).
PER_UNITS: dict[str, str] = {
    **{key: value[0] for key, value in UNITS.items() if not key.startswith("°") and key not in {"in", "in."}},
    "day": "day",
    "dose": "dose",
    "week": "week",
    "hour": "hour",
    "d": "day",
    "m2": "square meter",
    "m²": "square meter",
}

# ---------------------------------------------------------------------------
# symbols (symbols.py)

# (pattern, reading), applied in order: "and/or" before "/", "<=" before "<", "~5" before "a~b"
SYMBOL_READINGS: tuple[tuple[str, str], ...] = (
    (r"\band/or\b", "and or"),
    (r"(?<=[A-Za-z])/(?=[A-Za-z])", " or "),
    (r"\s*&\s*", " and "),
    (r"\s*±\s*", " plus or minus "),
    (r"\s*≤\s*", " less than or equal to "),
    (r"\s*≥\s*", " greater than or equal to "),
    (r"\s*<=\s*", " less than or equal to "),
    (r"\s*>=\s*", " greater than or equal to "),
    (r"\s*<\s*", " less than "),
    (r"\s*>\s*", " greater than "),
    (r"\s*≈\s*", " approximately "),
    (r"(?<![\w])~\s*", "about "),
    (r"\s*~\s*", " to "),
    (r"\s*=\s*", " equals "),
    (r"(?<=\w)\+(?!\w)", " plus"),
    (r"\s*\+\s*", " plus "),
    (r"\s*×\s*", " times "),
    (r"\s*÷\s*", " divided by "),
    (r"\s*%", " percent"),
    (r"\s*°", " degrees"),
    (r"\s*@\s*", " at "),
    (r"#", " "),
    (r"\s*\|\s*", ", "),
    (r"[\\^_]", " "),
)
