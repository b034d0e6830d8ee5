"""Joint Commission "Do Not Use" abbreviations found in an article.

These are written forms that have caused dosing errors: "U" (read as 0 or
4), "IU" (read as IV or 10), "QD"/"QOD" (confused with each other and with
QID), "MS"/"MSO4"/"MgSO4" (morphine or magnesium sulfate?), a trailing zero
("5.0 mg" read as 50 mg) and a missing leading zero (".5 mg" read as 5 mg).

:func:`find_warnings` reports them so the author can fix the article. The
normalizer reads in full the ones a written context leaves one meaning
("10 U" -> "ten units", "400 IU" -> "four hundred international units",
"qd" -> "every day": a listener hears no letters to misread), never guesses
"MS", and reads a dose's digits plainly ("5.0 mg" -> "five point zero
milligrams"): the warning stays, since the page still holds the risk.

To avoid flagging ordinary text, "U" counts only after a number ("10 U",
not "U.S." or "U-shaped"), "MS" only next to a dose ("MS 10 mg",
"15 mg MS", "MS ER"), and the zero rules only before a dose unit.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechWarning:
    """One "Do Not Use" finding: a code, the text as written, and advice."""

    code: str
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


_DOSE_UNIT = (
    r"(?:mg|mcg|µg|μg|ug|g|kg|mL|ml|L|mEq|mmol|units?|U|IU|tablets?|tabs?|capsules?|caps?"
    r"|drops?|puffs?|tsp|tbsp)"
)
_END = r"(?!\w)(?!\.\w)"  # a token end that is not inside "U.S."

_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "U",
        re.compile(rf"(?<=\d)\s?(U){_END}"),
        "'U' for unit can be misread as 0, 4 or cc; write 'unit'",
    ),
    (
        "IU",
        re.compile(rf"(?<![\w.])(IU){_END}"),
        "'IU' can be misread as IV or 10; write 'international unit'",
    ),
    (
        "QOD",
        re.compile(r"(?<![\w.])([Qq]\.[Oo]\.[Dd]\.?|[Qq][Oo][Dd])(?!\w)"),
        "'QOD' can be misread as QD or QID; write 'every other day'",
    ),
    (
        "QD",
        re.compile(r"(?<![\w.])([Qq]\.[Dd]\.?|[Qq][Dd])(?!\w)"),
        "'QD' can be misread as QID; write 'daily'",
    ),
    (
        "MSO4",
        re.compile(r"(?<![\w.])(MSO[4₄])(?!\w)"),
        "'MSO4' can mean morphine sulfate or magnesium sulfate; write the drug name",
    ),
    (
        "MgSO4",
        re.compile(r"(?<![\w.])(MgSO[4₄])(?!\w)"),
        "'MgSO4' can be confused with morphine sulfate; write 'magnesium sulfate'",
    ),
    (
        "MS",
        re.compile(
            rf"(?<![\w.])(MS){_END}(?=\s*(?:\d|\(|(?:IR|ER|SR|CR|Contin)\b))"
            rf"|(?<=\d)\s?{_DOSE_UNIT}\s+(?:of\s+)?(MS){_END}"
        ),
        "'MS' can mean morphine sulfate or magnesium sulfate; write the drug name",
    ),
    (
        "trailing-zero",
        re.compile(rf"(?<![\w.])(\d+\.0+)(?!\d)(?=\s?{_DOSE_UNIT}(?!\w))"),
        "a trailing zero ('5.0 mg') can be misread as ten times the dose; write '5 mg'",
    ),
    (
        "leading-zero",
        re.compile(rf"(?<![\w.$£€])(\.\d+)(?=\s?{_DOSE_UNIT}(?!\w))"),
        "a missing leading zero ('.5 mg') can be misread as 5 mg; write '0.5 mg'",
    ),
)


def find_warnings(text: str) -> list[SpeechWarning]:
    """Every "Do Not Use" abbreviation in ``text``, in reading order."""
    found: list[tuple[int, SpeechWarning]] = []
    for code, pattern, message in _PATTERNS:
        for match in pattern.finditer(text):
            index = match.lastindex or 0
            group = next((g for g in range(1, index + 1) if match.group(g)), 0)
            found.append((match.start(group), SpeechWarning(code, match.group(group), message)))
    found.sort(key=lambda item: item[0])
    if found:
        logger.debug("found %d Do Not Use abbreviation(s)", len(found))
    return [warning for _pos, warning in found]
