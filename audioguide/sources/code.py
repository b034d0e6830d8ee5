"""Code a page shows: blocks of code, terminal sessions, commands and bare web addresses.

None of them is read character by character (a listener cannot follow
"dollar sign pip install dash dash upgrade"); the guide says a short note in
their place. These tests look at the text itself, so they hold for any
format: a block a reader marks as code that is really prose (a page written
in ``<pre>``) is read as prose, and a paragraph that is only a command
("npm install dicom-parser") or only a web address is code.
"""

from __future__ import annotations

import re

_ADDRESS_RE = re.compile(r"^<?(?:(?:https?|ftp)://|www\.)[^\s<>]+>?$", re.IGNORECASE)
# The first word of a command line: a package manager, a build or version-control tool, a shell builtin.
_COMMAND_RE = re.compile(
    r"^(?:[$#>%]\s+)?(?:sudo\s+)?(?:npm|npx|yarn|pnpm|pip3?|pipx|python3?|conda|git|apt(?:-get)?|dpkg|brew|"
    r"cargo|gem|node|deno|docker|kubectl|curl|wget|cmake|mvn|gradle|cd|ls|cp|mv|rm|mkdir|"
    r"chmod|chown|tar|ssh|scp|systemctl|\./[\w./-]+)\s+\S",
)
# Any program's name, then its options: "rpm -Uvh ctsim-*.rpm", "dcm2nii -a y scan.dcm".
_PROGRAM_OPTION_RE = re.compile(
    r"^(?:[$#>%]\s+)?(?:sudo\s+)?[a-z][\w.+-]*(?:\s+\S+)*?\s+--?[A-Za-z][\w-]*(?:\s|$)"
)
# Words that occur in sentences but not in a command line.
_SENTENCE_WORDS = frozenset(
    "a an the is are was were be been this that these those it its you your we our they their "
    "of to for with from and or but not if when which who what how why can will should would".split()
)
MAX_COMMAND_WORDS = 12
MIN_PROSE_WORDS = 30
_PLAIN_WORD_RE = re.compile(r"^[(\"“‘']?[A-Za-z][A-Za-z'’-]*[.,;:!?)\"”’]*$")


def is_bare_address(text: str) -> bool:
    """A paragraph that is only a web address ("https://cdn.example/lib.min.js")."""
    return bool(_ADDRESS_RE.match(text.strip()))


def looks_like_command(text: str) -> bool:
    """A short line that is a command to type ("npm install commander", "$ pip install --upgrade pip",
    "rpm -Uvh ctsim-*.rpm").

    It starts with a command's name, or with any lowercase name followed by an
    option, and has no word that only sentences use, so "pip is the package
    installer" and "use -v to see more" stay prose.
    """
    words = text.split(maxsplit=MAX_COMMAND_WORDS)
    if not words or len(words) > MAX_COMMAND_WORDS:
        return False
    if _COMMAND_RE.match(text.strip()):
        after = words[1:]  # a known command's name ("cd") may be a word sentences use
    elif _PROGRAM_OPTION_RE.match(text.strip()):
        after = words  # a name the line does not know: an option after it, and no sentence's words
    else:
        return False
    return not any(w.casefold().strip(".,;:!?") in _SENTENCE_WORDS for w in after)


# Marks of a line of code, a command or program output: a prompt or a dot request at its start,
# an option ("-a", "--help"), an assignment, a path, call or scope syntax, braces, backquotes.
_CODE_MARK_RE = re.compile(
    r"^\s*(?:[$#%]\s|>>>|\.[A-Za-z]{1,4}\b|\.{1,2}/)"
    r"|(?<!\S)--?[A-Za-z][\w-]*"
    r"|\w=\S|\S/\S+/|(?<!\w)[~.]?/\w+/|::|->|=>|==|[{}\\]|\w\(|\w\.\w+\(|;\s*\S+;|\w_\w|<\w+>"
)
MIN_CODE_LINES = 2
# "default: Y", "Type=simple": a setting, among other lines of code.
_SETTING_RE = re.compile(r"^\s*[\w .-]{1,20}[:=]\s*\S{1,20}\s*$")
CODE_LINE_SHARE = 0.5


_BULLET_RE = re.compile(r"^\s*[*•‣◦-]\s")
_URL_RE = re.compile(r"(?:https?|ftp)://\S*|www\.\S+", re.IGNORECASE)
_MAKE_RE = re.compile(r"^\s*(?:sudo\s+)?make(?:\s+[\w.-]+)?\s*$")  # "make", "make install"


def looks_like_code_line(line: str) -> bool:
    """A command, or a line with a mark of code and no more than one word only sentences use."""
    if _BULLET_RE.match(line):
        return False  # a list item
    if looks_like_command(line) or _MAKE_RE.match(line):
        return True
    if not _CODE_MARK_RE.search(_URL_RE.sub(" ", line)):  # a web address is no mark of code
        return False
    return _sentence_words(line) <= 1


def _sentence_words(line: str) -> int:
    return sum(w.casefold().strip(".,;:!?()") in _SENTENCE_WORDS for w in line.split())


def looks_like_code(text: str) -> bool:
    """Lines that are mostly code: a program, a command and its output, a usage screen.

    For text no markup marks as code (indented lines of a plain-text FAQ, a
    paragraph of ``<br>``-separated lines): few lines of sentences, and two
    lines of code, or half of three lines or more (a usage screen's
    "default: Y" lines between its options).
    """
    lines = [line for line in text.split("\n") if line.strip()]
    if sum(_sentence_words(line) >= 3 for line in lines) * 4 > len(lines):
        return False  # lines of sentences: prose that shows a name or a path
    if len(lines) < MIN_CODE_LINES:
        return (
            len(lines) == 1 and looks_like_code_line(lines[0]) and len(lines[0].split()) <= MAX_COMMAND_WORDS
        )
    if len(lines) == MIN_CODE_LINES:
        return all(looks_like_code_line(line) for line in lines)
    coded = sum(looks_like_code_line(line) or bool(_SETTING_RE.match(line)) for line in lines)
    return coded >= CODE_LINE_SHARE * len(lines)


def looks_like_prose(text: str) -> bool:
    """Text marked as code that reads as sentences: long, nearly all plain words, several sentences."""
    words = text.split()
    if len(words) < MIN_PROSE_WORDS:
        return False
    plain = sum(bool(_PLAIN_WORD_RE.match(w)) for w in words)
    sentences = len(re.findall(r"[a-z][.!?](?:\s|$)", text))
    return plain >= 0.9 * len(words) and sentences >= 2


# What an inline code statement in a sentence is said as (a name, a path or a command is read).
INLINE_CODE_NOTE = "the code shown on the page"
FORMULA_NOTE = "the formula shown on the page"
FORMULA_REASON = "formula (not read aloud)"
# TeX's delimiters of a formula: \( \), \[ \], $$ $$, $ $.
_TEX_DELIMITERS_RE = re.compile(r"^\s*(?:\\\(|\\\[|\$\$?)(.*?)(?:\\\)|\\\]|\$\$?)\s*$", re.DOTALL)
_TEX_NAME_RE = re.compile(r"^[A-Za-z]{1,3}\d{0,2}$|^\d+(?:\.\d+)?$")
_TEX_STYLED_RE = re.compile(r"\\(?:mathbf|mathrm|mathit|mathsf|boldsymbol|bm|vec)\{(\w{1,3})\}")  # \mathbf{q}
_TEX_NAMES_RE = re.compile(r"^\(?([A-Za-z]\d?(?:,\s*[A-Za-z]\d?){1,3})\)?$")  # (i, j, k)


def formula_said(tex: str) -> str | None:
    """What a formula says when it is only a name, names or a number ("\\(K\\)" -> "K", "$n$" -> "n",
    "\\(\\mathbf{q}\\)" -> "q", "\\((i, j, k)\\)" -> "i, j, k"), else None: TeX such as
    "\\mu_k = f_m(x_k)" is no sentence, and is not read."""
    match = _TEX_DELIMITERS_RE.match(tex)
    body = _TEX_STYLED_RE.sub(r"\1", (match.group(1) if match else tex).strip())
    if _TEX_NAME_RE.match(body):
        return body
    names = _TEX_NAMES_RE.match(body)
    return names.group(1) if names else None


# Punctuation only program text has: scope "::", a statement's ";", braces, an assignment or
# comparison set apart by spaces, "=>", "->", "&&", "||", a call with its arguments.
_STATEMENT_MARK_RE = re.compile(r"::|;|[{}]|\s=\s|[=!<>]=|=>|->|&&|\|\||\w\([^()]*[\s,][^()]*\)")


def is_code_statement(text: str) -> bool:
    """Inline code that is a statement or an expression ("use std::env", "x = f(y);", "fn(usize) -> bool").

    It has words apart (a name, a file name or an option has none: ``.env``,
    ``--save``, ``sqlite3_column_name()``, ``column1="column1"``) and
    punctuation only program text has; a command a reader types ("npm install
    dotenv --save", "git diff") has neither and is read as written, as is a notation
    in brackets.
    """
    words = text.split()
    if len(words) < 2 or looks_like_command(" ".join(words)):
        return False
    if words[0][0] + words[-1][-1] in ("[]", "()"):
        return False  # a notation in brackets ("[T; N]", "(1, 2, 3)") names a type or a value
    return bool(_STATEMENT_MARK_RE.search(" ".join(words)))
