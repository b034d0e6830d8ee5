"""Code inside prose: inline code spans, command-line options, escapes, template placeholders.

READMEs and manuals quote code in running text: "`.env`", "`--save`", "`#`",
"`\\n`", "psql -d NAME". A listener hears none of the typography, so a span's
backticks are silent and what is inside is read by what it is: a file name
or a dotted name as a name ("dot env", "JSON dot parse"), a lone symbol by its
name ("hash"), an option by its dashes ("dash dash save"), anything else (a
version, a phone number, a command of words) as the same text outside a span
would be read. Whole code blocks never reach the normalizer (the sources
leave them out). Symbol names: :data:`~audioguide.speech.normalize.tables.CODE_SYMBOL_NAMES`.
"""

from __future__ import annotations

import re

from audioguide.speech.normalize.tables import CODE_NOUNS, CODE_SYMBOL_NAMES
from audioguide.speech.normalize.tokens import said
from audioguide.speech.numwords import cardinal, digits

# ``x`` (reStructuredText) or `x` (Markdown); LaTeX's ``quotes'' and `quotes' are not code
CODE_SPAN_RE = re.compile(r"``(?P<rst>[^`]+?)``|`(?P<md>[^`'\n]+)`")
# POD's C<code>, F<file>, B<bold>, I<italic>, L<link>: the text between the angle brackets
_POD_RE = re.compile(r"(?<![\w<])(?P<kind>[CBIFL])<(?P<body>[^<>\s][^<>]{0,200})>")
# a wiki template placeholder: $<lastname::::>$, $<latest_vaccs_table::latex>$
_PLACEHOLDER_RE = re.compile(r"\$<(?P<name>[A-Za-z][\w ]{0,60}?)(?:::[^<>$]{0,200})?>\$")
# a command-line option standing alone in prose: "--save", "-f", "-U"
_OPTION_RE = re.compile(
    r"(?:(?<=[\s(\[\"'/])|^)(?P<dashes>--?)(?P<name>[A-Za-z](?:[\w-]*\w)?)(?=[\s,;:)\]\"'.=/]|$)"
)
_SINGLE_DASH_NAME = re.compile(r"^[A-Za-z]$")
# an option in prose with its value when that is a hyphenated name: "-U gm-dbo"
_OPTION_ARGUMENT_RE = re.compile(
    _OPTION_RE.pattern
    + r"(?:(?P<space>\s+)(?P<argument>[A-Za-z][\w.]*(?:-[A-Za-z0-9][\w.]*)+)(?=[\s,;:)\]]|$))?"
)
# a name joined by underscores in prose: "waiting_zone", "gnumed_v16", "package_name"
_UNDERSCORED_RE = re.compile(r"(?<![\w.$@-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w(])")
# a dotted name in prose: R's "read.table()", "all.equal", Python's "Dataset.waveform_array"; each
# piece two characters or more, so "e.g.", "i.e." and "a.m." are not names
_DOTTED_NAME_RE = re.compile(
    r"(?<![\w.@/$\\-])(?P<first>[A-Za-z_][A-Za-z0-9_]+)(?P<rest>(?:\.[A-Za-z_][A-Za-z0-9_]+)+)(?P<call>\(\))?"
    r"(?![\w@-]|\.\w)"
)
# "Dr.Smith", "Fig.Caption": an abbreviation's full stop without its space is not a name's dot
_NOT_NAME_FIRST = frozenset(
    "Dr Mr Mrs Ms Prof St Ste Sr Jr No Fig Figs Vol Ch Chap Eq Sec Sect Apt Inc Ltd Co Corp approx etc vs".split()
)
# an escape sequence: \n, \t, \l
_ESCAPE_RE = re.compile(r"(?<![\w\\])\\(?P<ch>[A-Za-z])(?![A-Za-z])")
# a dotted or slashed name: dotenv.config(), JSON.parse, req.setEncoding, apps/backend/app.js, .env
_NAME_RE = re.compile(r"^\.?[A-Za-z_][\w-]*(?:[./][A-Za-z_][\w-]*)*(?:\(\))?$")
_NAME_PIECE_RE = re.compile(r"[^\W\d_]+|[0-9]+|[./_\-()]|[^\s./_\-()]")
_NAME_SYMBOLS = {".": "dot", "/": "slash", "-": "dash"}


def read_name(name: str) -> str:
    """A file, dotted or slashed name as it is said: ".env" -> "dot env", "JSON.parse" -> "JSON dot parse".

    Letters stay as written (the voice says "JSON" or spells "js" as it would
    anywhere), digits are read one by one, "_" and "()" are silent.
    """
    words = []
    for piece in _NAME_PIECE_RE.findall(name):
        if piece in _NAME_SYMBOLS:
            words.append(_NAME_SYMBOLS[piece])
        elif piece.isascii() and piece.isdigit():
            words.append(digits(piece) if len(piece) > 2 or piece.startswith("0") else cardinal(piece))
        elif piece not in "_()":
            words.append(piece)  # letters as written, in any script; a sign such as "²" kept
    return " ".join(words)


def _symbols(content: str) -> str | None:
    """A span of symbols only, named: "#" -> "hash", "--" -> "dash dash"; None if it has a word."""
    stripped = content.strip().strip("\"'")
    if not stripped or any(ch.isalnum() for ch in stripped):
        return None
    if stripped in CODE_SYMBOL_NAMES:
        return CODE_SYMBOL_NAMES[stripped]
    names = [CODE_SYMBOL_NAMES.get(ch) for ch in stripped]
    return " ".join(n for n in names if n) if all(names) else None


def _option(content: str) -> str | None:
    match = _OPTION_RE.fullmatch(content)
    if match is None or (
        len(match.group("dashes")) == 1 and not _SINGLE_DASH_NAME.match(match.group("name"))
    ):
        return None
    return _read_option(match)


def _read_option(match: re.Match[str]) -> str:
    dashes = " ".join("dash" for _ in match.group("dashes"))
    return f"{dashes} {read_name(match.group('name'))}"


def read_span(content: str) -> str:
    """What is inside a code span, as it is said (see the module docstring)."""
    from audioguide.speech.normalize.classifier import read_fragment

    content = content.strip()
    unquoted = content.strip("\"'") if len(content) > 2 and content[0] == content[-1] in "\"'" else content
    for reading in (_symbols(unquoted), _option(unquoted)):
        if reading is not None:
            return reading
    escape = _ESCAPE_RE.fullmatch(unquoted)
    if escape:
        return f"backslash {escape.group('ch')}"
    if _NAME_RE.match(unquoted) and re.search(r"[./_]|\(\)", unquoted):
        return read_name(unquoted)
    return read_fragment(unquoted)


def read_code(text: str) -> str:
    """Inline code, options, escapes and placeholders read as a careful reader says them.

    "`.env`" -> "dot env"; "`#`" -> "hash"; "npm install dotenv --save" ->
    "npm install dotenv dash dash save"; "\\n" -> "backslash n"; "C<study_chunk()>" ->
    "study chunk"; "$<lastname::::>$" -> "the lastname placeholder".
    """
    text = _PLACEHOLDER_RE.sub(
        lambda m: said("code", m.group(0), f"the {read_name(m.group('name'))} placeholder"), text
    )
    text = CODE_SPAN_RE.sub(
        lambda m: said("code", m.group(0), read_span(m.group("rst") or m.group("md"))), text
    )
    text = _POD_RE.sub(lambda m: said("code", m.group(0), read_span(m.group("body"))), text)
    text = _ESCAPE_RE.sub(lambda m: said("code", m.group(0), f"backslash {m.group('ch')}"), text)

    def option(match: re.Match[str]) -> str:
        if len(match.group("dashes")) == 1 and not _SINGLE_DASH_NAME.match(match.group("name")):
            return match.group(0)
        option_end = match.end("name") - match.start()
        reading = said("code", match.group(0)[:option_end], _read_option(match))
        argument = match.group("argument")
        if not argument:
            return reading
        # "-U gm-dbo": an option's value is a name, its hyphen "dash" like the option's
        return reading + match.group("space") + said("code", argument, read_name(argument))

    return _OPTION_ARGUMENT_RE.sub(option, text)


def _code_like(match: re.Match[str]) -> bool:
    """Whether a dotted name reads as code, not as two words a full stop lost its space between
    ("meal.starting"): a call "()", quotes around it, a capital, digit or underscore inside it, or a
    word such as "function" or "option" next to it."""
    name = match.group(0)
    if match.group("call") or re.search(r"[A-Z0-9_]", name):
        return True
    before, after = match.string[: match.start()], match.string[match.end() :]
    if before[-1:] in "\"'‘“" and after[:1] in "\"'’”":
        return True
    previous = re.search(r"(\w+)\s+$", before)
    following = re.match(r"\s+(\w+)", after)
    return any(m and m.group(1).lower() in CODE_NOUNS for m in (previous, following))


def read_dotted_names(text: str) -> str:
    """ "all.equal routine" -> "all dot equal routine", "read.table()" -> "read dot table": a name's
    dot said where the name reads as code (see :func:`_code_like`).

    "end.The" (a lower-case word, then a capitalised one), "Dr.Smith" and "meal.starting" stay as
    written: a full stop that lost its space.
    """
    if "." not in text:
        return text

    def name(match: re.Match[str]) -> str:
        first, pieces = match.group("first"), match.group("rest")[1:].split(".")
        if first in _NOT_NAME_FIRST or (first.islower() and re.fullmatch(r"[A-Z][a-z]+", pieces[0])):
            return match.group(0)
        if not _code_like(match):
            return match.group(0)
        return said("code", match.group(0), read_name(match.group(0)))

    return _DOTTED_NAME_RE.sub(name, text)


def read_underscored_names(text: str) -> str:
    """ "waiting_zone" -> "waiting zone", "gnumed_v16" -> "gnumed v sixteen": the underscore is silent."""
    if "_" not in text:
        return text
    return _UNDERSCORED_RE.sub(lambda m: said("code", m.group(0), read_name(m.group(0))), text)
