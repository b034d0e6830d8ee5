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
    **dict.fromkeys(map(ord, "•·●◦▪▫■□►▸‣⁃※†‡¶®™©℠"), " "),
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

# File name extensions a bare "name.ext" is recognised by (a dotted name in a code span always is).
# Not one-letter ones, nor "so" or "do": "a.c." and "p.c." are dosing times.
FILE_EXTENSIONS: tuple[str, ...] = tuple(
    "txt py pm pl js mjs ts json yaml yml toml md rst html htm css xml csv tsv pdf doc docx xls xlsx"
    " odt png jpg jpeg gif svg mp3 wav ogg mp4 zip gz tgz bz2 xz tar deb rpm sh bash conf cfg ini log"
    " service socket timer env sql db sqlite rb php java cpp hpp rs exe dll iso img dmg apk Rnw Rmd tex bib".split()
)

# ---------------------------------------------------------------------------
# code (code.py)

# A code span holding only signs is read by their names: "`#`" -> "hash", "`--`" -> "dash dash".
# Words that name a piece of code: a dotted name next to one is code ("the all.equal routine").
CODE_NOUNS = frozenset(
    "function functions routine routines method methods option options argument arguments package"
    " packages module modules attribute attributes property properties class object command variable"
    " field parameter parameters call calls".split()
)
CODE_SYMBOL_NAMES: dict[str, str] = {
    "#": "hash",
    "--": "dash dash",
    "-": "dash",
    "=": "equals",
    "==": "double equals",
    "::": "double colon",
    ":": "colon",
    ";": "semicolon",
    "*": "star",
    "/": "slash",
    "\\": "backslash",
    "|": "pipe",
    "&": "ampersand",
    "&&": "double ampersand",
    "@": "at",
    "$": "dollar sign",
    "%": "percent sign",
    "~": "tilde",
    "^": "caret",
    "_": "underscore",
    ".": "dot",
    ",": "comma",
    "<": "less than",
    ">": "greater than",
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    "!": "exclamation mark",
    "?": "question mark",
    "()": "parentheses",
    "[]": "square brackets",
    "{}": "braces",
    "+": "plus",
}

# ---------------------------------------------------------------------------
# phone numbers (telephone.py)

# a word before a 7-digit "555-1234" that makes it a phone number, not a range
PHONE_CUES: tuple[str, ...] = tuple(
    "call calling phone telephone tel fax text texting dial contact line hotline".split()
)

# ---------------------------------------------------------------------------
# addresses (addresses.py)

# Street types, read in full only after a house number and a street name ("500 N. Oak Ave.").
STREET_TYPES: dict[str, str] = {
    "Street": "Street", "St": "Street", "Avenue": "Avenue", "Ave": "Avenue", "Av": "Avenue",
    "Road": "Road", "Rd": "Road", "Highway": "Highway", "Hwy": "Highway", "Drive": "Drive", "Dr": "Drive",
    "Boulevard": "Boulevard", "Blvd": "Boulevard", "Lane": "Lane", "Ln": "Lane", "Court": "Court",
    "Ct": "Court", "Place": "Place", "Pl": "Place", "Way": "Way", "Common": "Common", "Cmn": "Common",
    "Parkway": "Parkway", "Pkwy": "Parkway", "Terrace": "Terrace", "Ter": "Terrace", "Circle": "Circle",
    "Cir": "Circle", "Square": "Square", "Sq": "Square", "Trail": "Trail", "Trl": "Trail",
    "Plaza": "Plaza", "Plz": "Plaza", "Alley": "Alley", "Expressway": "Expressway", "Expy": "Expressway",
    "Freeway": "Freeway", "Fwy": "Freeway", "Turnpike": "Turnpike", "Tpke": "Turnpike", "Loop": "Loop",
}  # fmt: skip
# US states and territories by their postal codes, read in full before a ZIP code ("CA 95472").
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts",
    "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico",
    "NY": "New York", "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "D C", "PR": "Puerto Rico",
}  # fmt: skip
# Compass points, read in full next to a house number or a grid number ("6641 N 2200 W").
COMPASS_POINTS: dict[str, str] = {
    "N": "North", "S": "South", "E": "East", "W": "West",
    "NE": "Northeast", "NW": "Northwest", "SE": "Southeast", "SW": "Southwest",
    "North": "North", "South": "South", "East": "East", "West": "West",
}  # fmt: skip

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
    (r"(?<![\w.])Ste\.(?=\s*\d)|(?<![\w.])Ste(?=\s+\d)", "Suite", False),
    (r"(?<![\w.])Apt\.?(?=\s*[A-Z]?\d)", "Apartment", False),
    (r"(?<![\w.])Dept\.", "Department", False),
    (r"(?<![\w.])[Ww]/o(?!\w)", "without", False),
    (r"(?<![\w.])[Ww]/\s*(?=[A-Za-z])", "with ", False),
    # before a number only: "Fig. 3", "Ch. 2", "Vol. 4"
    (r"(?<![\w.])Figs\.(?=\s?\d)", "Figures", False),
    (r"(?<![\w.])Fig\.(?=\s?\d)", "Figure", False),
    (r"(?<![\w.])fig\.(?=\s?\d)", "figure", False),
    (r"(?<![\w.])Ch\.(?=\s?\d)|(?<![\w.])Chap\.(?=\s?\d)", "Chapter", False),
    (r"(?<![\w.])Vol\.(?=\s?\d)", "Volume", False),
    (r"(?<![\w.])Eq\.(?=\s?\d)", "Equation", False),
    (r"(?<![\w.])Sect?\.(?=\s?\d)", "Section", False),
    # prescription shorthand that is not a frequency or a route
    (r"(?<![\w.])MWF(?!\w)", "Monday, Wednesday and Friday", False),
    (r"(?<=[a-z] )l\)(?=\s+[a-z])", "left", False),
    (r"(?<=[a-z] )r\)(?=\s+[a-z])", "right", False),
    (r"(?<![\w.])No\.(?=\s?\d)", "Number", False),
    (r"(?<![\w.])no\.(?=\s?\d)", "number", False),
    (r"(?<![\w.])([Nn])o\.(?=\s+of\b)", r"\1umber", False),
    (r"(?<![\w&])#(?=\s?\d{1,3}\b)", "number ", False),  # longer: an id (identifiers.py)
    (r"(?<=[A-Za-z])#(?=\s?[A-Z0-9])", " number ", False),  # "Claim# DEF5647"
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

# Dosing frequencies, written with dots or without, in any case ("bid", "b.i.d.", "BID").
# "qd" and "qod" are "Do Not Use" abbreviations: read in full, and still reported (donotuse.py).
FREQUENCIES: dict[str, str] = {
    "bid": "twice a day",
    "bd": "twice a day",
    "tid": "three times a day",
    "tds": "three times a day",
    "qid": "four times a day",
    "qds": "four times a day",
    "qd": "every day",
    "qod": "every other day",
    "qhs": "at bedtime",
    "qam": "every morning",
    "qpm": "every evening",
    "prn": "as needed",
    "ac": "before meals",
    "pc": "after meals",
    "mane": "in the morning",
    "nocte": "at night",
}
# frequencies that are also words ("a bid", "a horse's mane", "AC power"): shorthand without
# dots only next to a dose
WORDLIKE_FREQUENCIES = frozenset({"bid", "mane", "ac", "pc"})
# times a day, for a range of frequencies: "bid-tid" -> "two to three times a day"
FREQUENCY_COUNTS: dict[str, int] = {"bid": 2, "bd": 2, "tid": 3, "tds": 3, "qid": 4, "qds": 4}
# Routes without dots, in capitals or lower case; read only next to a dose (see DOSE_UNITS).
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
# Routes written with dots ("p.o.", "s.c.", "i.m."): shorthand wherever they are.
DOTTED_ROUTES: dict[str, str] = {
    "po": "by mouth",
    "iv": "intravenously",
    "im": "into a muscle",
    "sc": "under the skin",
    "sq": "under the skin",
    "sl": "under the tongue",
    "pr": "rectally",
}
# What makes a route or a word-like frequency shorthand: written just before it (regex fragments,
# any case) a dose unit or form (up to two words after it: "10 units insulin SC"), a verb of
# giving, a number, or a number word ("two mane").
DOSE_UNITS: tuple[str, ...] = (
    "mg", "mcg", "µg", "μg", "g", "kg", "ml", "l", "units?", "u", "iu", "meq", "mmol",
    "tablets?", "tabs?", "capsules?", "caps?", "doses?", "puffs?", "drops?", "sprays?", "patch(?:es)?",
)  # fmt: skip
DOSE_VERBS: tuple[str, ...] = (
    "give", "given", "take", "taken", "administer", "administered", "inject", "injected", "apply",
)  # fmt: skip
DOSE_NUMBER_WORDS: tuple[str, ...] = (
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "half",
)  # fmt: skip

# ---------------------------------------------------------------------------
# journal titles in references (citations.py)

# Words of journal titles as NLM (MEDLINE, the ICMJE's Vancouver style) and ISO 4 abbreviate them,
# read in full before a reference's year ("Arch Intern Med. 1992 Mar;..." -> "Archives of Internal
# Medicine"). Curated from NLM's journal abbreviations of common medical journals; each abbreviation
# was checked against the ISSN International Centre's List of Title Word Abbreviations (LTWA,
# 2021-07-02 edition, as pyiso4 0.1.6 ships it); where NLM's usage differs (Inform, Natl, Rep), NLM's
# is kept. The LTWA itself is not used: its rows are stems ("annal-" -> "ann.", "-medic-" ->
# "med."), one abbreviation stands for many stems ("Arch" for archive-, archi-, archei-), so it
# cannot be reversed into the spoken word without the choice this table makes. A pair is (the word
# last in a title, the word before another): "Med Care" is Medical Care, "Fam Med" Family Medicine.
JOURNAL_TITLE_WORDS: dict[str, str | tuple[str, str]] = {
    "Acad": "Academy", "Adv": "Advances", "Am": "American", "Anaesth": "Anaesthesia",
    "Anesth": "Anesthesia", "Anesthesiol": "Anesthesiology", "Ann": "Annals", "Annu": "Annual",
    "Appl": "Applied", "Arch": "Archives", "Assoc": "Association", "Aust": "Australian",
    "Biol": ("Biology", "Biological"), "Biomed": ("Biomedicine", "Biomedical"), "Br": "British",
    "Bull": "Bulletin", "Can": "Canadian", "Cardiol": "Cardiology", "Chem": ("Chemistry", "Chemical"),
    "Clin": "Clinical", "Coll": "College", "Commun": "Communications", "Comput": ("Computing", "Computer"),
    "Dermatol": "Dermatology", "Dis": "Diseases", "Educ": "Education", "Emerg": "Emergency",
    "Endocrinol": "Endocrinology", "Engl": "England", "Epidemiol": "Epidemiology", "Eur": "European",
    "Exp": "Experimental", "Fam": "Family", "Gastroenterol": "Gastroenterology", "Gen": "General",
    "Geriatr": "Geriatrics", "Gynecol": "Gynecology", "Hematol": "Hematology", "Hosp": "Hospital",
    "Hum": "Human", "Immunol": "Immunology", "Infect": "Infectious", "Inform": "Informatics",
    "Int": "International", "Intern": "Internal", "J": "Journal", "Lett": "Letters",
    "Med": ("Medicine", "Medical"), "Microbiol": "Microbiology", "Natl": "National",
    "Nephrol": "Nephrology", "Neurol": ("Neurology", "Neurological"), "Nurs": "Nursing",
    "Nutr": "Nutrition", "Obstet": "Obstetrics", "Oncol": "Oncology", "Ophthalmol": "Ophthalmology",
    "Otolaryngol": "Otolaryngology", "Pathol": "Pathology", "Pediatr": ("Pediatrics", "Pediatric"),
    "Pharmacol": "Pharmacology", "Physiol": "Physiology", "Pract": "Practice", "Prev": "Preventive",
    "Proc": "Proceedings", "Psychiatr": "Psychiatric", "Psychol": ("Psychology", "Psychological"),
    "Radiol": "Radiology", "Rehabil": "Rehabilitation", "Rep": "Reports", "Res": "Research",
    "Respir": "Respiratory", "Rev": "Review", "Rheumatol": "Rheumatology", "Sci": "Science",
    "Stat": "Statistics", "Stud": "Studies", "Surg": ("Surgery", "Surgical"), "Symp": "Symposium",
    "Technol": "Technology", "Transl": "Translational", "Trop": "Tropical", "Urol": "Urology",
    "Vasc": "Vascular", "Virol": "Virology",
    # single letters NLM keeps only before the word they name with
    "N Engl": "New England", "N Y": "New York", "N Z": "New Zealand",
}  # fmt: skip
# The nouns a title names a subject after, with the small word ISO 4 drops ("Journal of Family
# Practice"); said only before another word of the title.
JOURNAL_HEAD_NOUNS: dict[str, str] = {
    "Journal": "of", "Annals": "of", "Archives": "of", "Proceedings": "of", "Bulletin": "of",
    "Academy": "of", "College": "of", "Review": "of", "Studies": "in", "Advances": "in",
}  # fmt: skip
# Abbreviated words of titles in other languages (LTWA rows of German, Dutch, Danish, ...): a title
# holding one is left as written, since English words amid it would make it neither language.
FOREIGN_TITLE_WORDS = frozenset(
    "Z Zschr Klin Wochenschr Dtsch Allg Arztl Ärztl Fortbild Schweiz Wien Tijdschr Geneeskd Ned Ugeskr"
    " Laeger Esp Gesundheitswes Nervenarzt Fortschr Tidsskr Laegeforen".split()
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
    "PMID",
    "PMCID",
    "FIPS",
)
# Weekdays as abbreviated before a date or between slashes ("Thu 2/19/15", "Mon/Wed").
WEEKDAY_ABBREVIATIONS: dict[str, str] = {
    "Mon": "Monday", "Tue": "Tuesday", "Tues": "Tuesday", "Wed": "Wednesday", "Thu": "Thursday",
    "Thur": "Thursday", "Thurs": "Thursday", "Fri": "Friday", "Sat": "Saturday", "Sun": "Sunday",
}  # fmt: skip
# Word pairs whose slash is a ratio or a comparison, read "to" ("observed/expected"); a pair followed
# by "ratio" is read so too.
SLASH_RATIO_PAIRS: frozenset[tuple[str, str]] = frozenset(
    {
        ("observed", "expected"),
        ("female", "male"),
        ("male", "female"),
        ("risk", "benefit"),
        ("benefit", "risk"),
        ("signal", "noise"),
        ("waist", "hip"),
    }
)
# What two people's names joined by a slash name ("the Gell/Coombs sense", "a Kaplan/Meier
# estimate"): before one of these, the slash between two capitalized names is "and".
EPONYM_NOUNS: tuple[str, ...] = tuple(
    "sense classification criteria criterion equation equations test syndrome method model scale"
    " algorithm formula index score law effect disease reaction technique procedure approach"
    " hypothesis theory estimator estimate estimates distribution staging grading curve curves"
    " plot maneuver manoeuvre sign signs operation repair".split()
)
# Two names before one of these are two of them, a pair said with "and": "Christmas/Boxing Day"
# (Christmas Day and Boxing Day), "Easter/Whitsun holidays".
NAMED_DAY_NOUNS: tuple[str, ...] = ("Day", "Days", "Eve", "holiday", "holidays")
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
    "t": ("tonne", "tonnes"),  # SI's metric ton, lower case ("T" is the tesla of an MRI scanner)
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
    # written in capitals ("TAKE 1 TABLET (20 MG)"), or the plural written out ("240 mls")
    "MG": ("milligram", "milligrams"),
    "MCG": ("microgram", "micrograms"),
    "ML": ("milliliter", "milliliters"),
    "mls": ("milliliter", "milliliters"),
    "ng": ("nanogram", "nanograms"),
    "pg": ("picogram", "picograms"),
    "µL": ("microliter", "microliters"),
    "μL": ("microliter", "microliters"),
    "uL": ("microliter", "microliters"),
    "cL": ("centiliter", "centiliters"),
    "cl": ("centiliter", "centiliters"),
    "µmol": ("micromole", "micromoles"),
    "μmol": ("micromole", "micromoles"),
    "nmol": ("nanomole", "nanomoles"),
    "nm": ("nanometer", "nanometers"),
    "mi": ("mile", "miles"),
    "sq mi": ("square mile", "square miles"),
    "km2": ("square kilometer", "square kilometers"),
    "km²": ("square kilometer", "square kilometers"),
    "m2": ("square meter", "square meters"),
    "m²": ("square meter", "square meters"),
    "cm H2O": ("centimeter of water", "centimeters of water"),
    "cmH2O": ("centimeter of water", "centimeters of water"),
    "cm H20": ("centimeter of water", "centimeters of water"),  # the letter O written as a zero
    "cal": ("calorie", "calories"),
    "J": ("joule", "joules"),
    "kJ": ("kilojoule", "kilojoules"),
    "eV": ("electron volt", "electron volts"),
    "keV": ("kilo electron volt", "kilo electron volts"),
    "MeV": ("mega electron volt", "mega electron volts"),
    "GeV": ("giga electron volt", "giga electron volts"),
    "TeV": ("tera electron volt", "tera electron volts"),
    "Gy": ("gray", "grays"),
    "cGy": ("centigray", "centigrays"),
    "mGy": ("milligray", "milligrays"),
    "mSv": ("millisievert", "millisieverts"),
    "kW": ("kilowatt", "kilowatts"),
    "MW": ("megawatt", "megawatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"),
    "MWh": ("megawatt hour", "megawatt hours"),
    "KB": ("kilobyte", "kilobytes"),
    "kB": ("kilobyte", "kilobytes"),
    "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"),
    "tab": ("tablet", "tablets"),
    "tabs": ("tablet", "tablets"),
    "cap": ("capsule", "capsules"),
    "caps": ("capsule", "capsules"),
    "yo": ("year old", "year old"),
    "y/o": ("year old", "year old"),
    # "Do Not Use" abbreviations: read in full, still reported to the author (donotuse.py)
    "IU": ("international unit", "international units"),
    "U": ("unit", "units"),
}
# words after which "x" before a number is "times": "every 15 minutes x 4"
MULTIPLIED_AFTER: tuple[str, ...] = (
    "minutes", "hours", "days", "weeks", "months", "doses", "times", "min", "hrs", "hr", "h",
)  # fmt: skip
# nouns a measure describes, taking the singular: "a 100 cl bottle", "a 25 mg tablet"
MODIFIED_NOUNS: tuple[str, ...] = (
    "bottles?", "tablets?", "capsules?", "vials?", "syringes?", "bags?", "tubes?", "pens?", "patch(?:es)?",
    "containers?", "jars?", "cans?", "ampoules?", "sachets?", "cartons?", "packs?", "pouch(?:es)?",
)  # fmt: skip
# words after which "in" after a number is an inch: "2 1/2 in thick"
INCH_AFTER: tuple[str, ...] = (
    "thick", "thin", "long", "wide", "deep", "tall", "high", "across", "diameter", "apart",
)  # fmt: skip
# Units that may follow "per" or "/" (singular reading).
PER_UNITS: dict[str, str] = {
    **{
        key: value[0]
        for key, value in UNITS.items()
        if not key.startswith("°") and key not in {"in", "in.", "yo", "y/o", "tab", "tabs", "cap", "caps"}
    },
    "day": "day",
    "dose": "dose",
    "week": "week",
    "hour": "hour",
    "d": "day",
    "m2": "square meter",
    "m²": "square meter",
    "m^2": "square meter",
    "m": "meter",
    "mm3": "cubic millimeter",
    "mm³": "cubic millimeter",
    "hpf": "high power field",
    "month": "month",
    "year": "year",
    "Month": "Month",
    "Year": "Year",
    "Day": "Day",
    "Hour": "Hour",
    "Week": "Week",
}
# what an amount of money may be "per": "$15.4/hour", "$30.56/Month", "12000 USD/year"
PER_WORDS: tuple[str, ...] = tuple(
    "hour hr day week month year night visit person session Hour Day Week Month Year Night Visit".split()
)
# currency codes after an amount: (one, many, one hundredth, many hundredths)
CURRENCY_CODES: dict[str, tuple[str, str, str, str]] = {
    "USD": ("US dollar", "US dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "NZD": ("New Zealand dollar", "New Zealand dollars", "cent", "cents"),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
}
# "$10M", "€10B", "$2.174T": a letter after an amount of money is its scale
SCALE_SUFFIXES: dict[str, str] = {"K": "thousand", "M": "million", "B": "billion", "T": "trillion"}

# ---------------------------------------------------------------------------
# symbols (symbols.py)

# Signs said on their own, the last reader: every sign inside a token (a URL's "/", a version's
# ".", a phone number's "+", a range's "-") was read by that token's class first.
# (pattern, reading), applied in order: "<=" before "<", "~5" before "a~b"
SYMBOL_READINGS: tuple[tuple[str, str], ...] = (
    (r"\band/or\b", "and or"),
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
    (r"(?<=[A-Za-z])#(?!\w)", " sharp"),  # C#, F#
    (r"#(?=\w)", "hash "),  # "#define", "#hashtag"
    (r"#", " "),  # a heading's or a comment's mark
    (r"(?<![\w:])::(?![\w:])", " double colon "),
    (r"\*", "star"),  # a quoted asterisk: every other "*" is gone (characters.py)
    (r"\s*\|\s*", ", "),
    (r"[\\^_`]", " "),
)
