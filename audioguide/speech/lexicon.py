"""Pronunciation lexicons: how to say a word the engine gets wrong.

A :class:`Lexicon` maps written words to what the engine should say. It is
built in layers, later layers winning: the built-in table
(:mod:`audioguide.speech.builtin_lexicon`), then a lexicon file, then the
guide script's own entries::

    lexicon = Lexicon.builtin().with_entries(Lexicon.from_yaml(path), source=str(path))
    lexicon = lexicon.with_entries(guide_pronunciations, source="guide")

Matching rules of :meth:`Lexicon.apply`:

* whole words only: a key matches when it is not preceded or followed by a
  letter, digit or underscore. Hyphens and apostrophes are boundaries, so
  "CT" matches in "CT-guided" and "MRI's" but not in "CTA" or "act";
* a key with any capital letter (an acronym, "PhD", "MgSO4") matches with
  exact case: "CT" matches "CT" but not "Ct" or "ct";
* an all-lower-case key matches in any case ("tylenol" matches "Tylenol" and
  "TYLENOL"); the replacement is inserted as written, nothing is carried over;
* an all-capitals acronym key also matches its plural and possessive
  ("MRIs", "MRI's"): spelled readings take "'s" ("M R I's": the Piper voice
  reads "M R Is" as "M R is"), readings ending in a dot drop it first
  ("A.C.L's"), word readings take the suffix as written ("en-seds");
* a reading wrapped in ``[[ ]]`` is a phoneme string that Piper passes
  through to espeak; it is kept verbatim, and such an entry does not match a
  plural (add the plural as its own entry);
* an acronym key whose reading is its expansion in words ("FAQ": "frequently asked
  question") is spelled before a number: "FAQ 7.31" names an item of a document
  called the FAQ, "F A Q seven point three one";
* a key of several words matches across any run of whitespace
  ("Dr. Who" matches "Dr.  Who");
* the longest key wins where two could match; for two keys matching the very
  same text ("TENS" exact and "tens" any case), the later layer wins, and on a
  tie the exact-case key.

File formats: a YAML mapping ``word: how to say it`` (optionally under a
top-level ``pronunciations:`` key), or a W3C PLS 1.0 XML file.

:func:`merge_layers` flattens several layers into one mapping with the same
winner for every written word, so lexicon files can travel inside a guide's
settings (``GuideSettings.pronunciations``) to every stage that speaks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml

from audioguide.errors import GuideScriptError, SourceError
from audioguide.files import read_regular_file
from audioguide.model.settings import DEFAULT_VOICE, GuideSettings
from audioguide.speech.builtin_lexicon import BUILTIN_ENTRIES, KNOWN_TO_VOICE
from audioguide.text import yaml_error_location

logger = logging.getLogger(__name__)

PLS_NAMESPACE = "http://www.w3.org/2005/01/pronunciation-lexicon"

_ACRONYM_KEY = re.compile(r"^[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*$")
_EXPANSION = re.compile(r"^[a-z]+(?: [a-z]+)+$")  # "frequently asked question", not "M R I" or "hippa"
_NUMBER_AFTER = re.compile(r"\s+\d")
_SPELLED_END = re.compile(r"(?:^|\s)[A-Z]$")
_PHONEME_SPAN = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_PLURAL_SUFFIXES = ("s", "'s", "’s")


def spell(letters: str) -> str:
    """ "WJ" -> "W J"; letters with an "A" dotted ("MA" -> "M.A."): a lone "A" is read as the article."""
    return ".".join(letters) + "." if "A" in letters else " ".join(letters)


def is_phoneme(value: str) -> bool:
    """True when a reading is a whole ``[[ phonemes ]]`` string."""
    stripped = value.strip()
    return stripped.startswith("[[") and stripped.endswith("]]")


def _plural(value: str, suffix: str) -> str | None:
    """The reading of an acronym's plural/possessive, or None to leave it as written."""
    if is_phoneme(value) or _PHONEME_SPAN.search(value):
        return None
    if _SPELLED_END.search(value):
        return f"{value}'s"
    if value.endswith("."):
        return f"{value[:-1]}'s"
    return f"{value}{suffix.replace('’', chr(39))}"


class Lexicon(Mapping[str, str]):
    """An immutable pronunciation table: written word -> how to say it.

    A Lexicon is a read-only mapping, so one can be layered on another with
    :meth:`with_entries`.
    """

    def __init__(self, entries: Mapping[str, str] | None = None, source: str = "custom") -> None:
        # key -> (reading, layer rank, source name)
        self._entries: dict[str, tuple[str, int, str]] = {}
        self._layers = 0
        self._pattern: re.Pattern[str] | None = None
        self._exact: dict[str, str] = {}
        self._folded: dict[str, str] = {}
        self.locale: str | None = None  # the guide's locale: how numeric dates are read
        if entries:
            self._add(entries, source)

    # -- building -------------------------------------------------------

    @classmethod
    def builtin(cls, voice: str | None = None) -> Lexicon:
        """The built-in table of medical acronyms and clinical readings (shared, immutable).

        With a ``voice`` name, without the respellings of words that voice's own
        dictionary says right (builtin_lexicon.KNOWN_TO_VOICE).
        """
        return _builtin(voice if voice in KNOWN_TO_VOICE else None)

    def with_entries(self, mapping: Mapping[str, str], source: str = "guide") -> Lexicon:
        """A new Lexicon with ``mapping`` layered on top (its entries win)."""
        if not mapping:
            return self
        new = Lexicon()
        new._entries = dict(self._entries)
        new._layers = self._layers
        new.locale = self.locale
        new._add(mapping, source)
        return new

    def with_locale(self, locale: str | None) -> Lexicon:
        """The same entries, read for ``locale`` ("en-GB": 3/4/2024 is the third of April)."""
        if locale == self.locale:
            return self
        new = Lexicon()
        new._entries = dict(self._entries)
        new._layers = self._layers
        new.locale = locale
        return new

    def _add(self, mapping: Mapping[str, str], source: str) -> None:
        rank = self._layers
        self._layers += 1
        for key, value in mapping.items():
            key_text, value_text = _check_entry(key, value, source)
            self._entries[key_text] = (value_text, rank, source)
        self._pattern = None

    @classmethod
    def from_yaml(cls, path: str | Path) -> Lexicon:
        """Entries of a YAML lexicon file (``word: reading``, optionally under ``pronunciations:``)."""
        path = Path(path)
        return cls(_load_yaml(path), source=path.name)

    @classmethod
    def from_pls(cls, path: str | Path) -> Lexicon:
        """Entries of a W3C PLS 1.0 lexicon file (alias, else ``[[phoneme]]``)."""
        path = Path(path)
        return cls(_load_pls(path), source=path.name)

    @classmethod
    def from_file(cls, path: str | Path) -> Lexicon:
        """A YAML or PLS lexicon file, chosen by its extension (.pls/.xml -> PLS, .yaml/.yml -> YAML)."""
        path = Path(path)
        suffix = path.suffix.lower()
        if suffix in PLS_SUFFIXES:
            return cls.from_pls(path)
        if suffix in YAML_SUFFIXES:
            return cls.from_yaml(path)
        raise SourceError(f"{path}: unsupported lexicon file type '{suffix}' (use .yaml, .yml or .pls)")

    # -- mapping protocol -----------------------------------------------

    def __getitem__(self, key: str) -> str:
        return self._entries[key][0]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"Lexicon({len(self)} entries, identity={self.identity()[:12]})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Lexicon):
            return self.identity() == other.identity()
        return super().__eq__(other)

    def __hash__(self) -> int:
        return hash(self.identity())

    def source_of(self, key: str) -> str:
        """Which layer (source name) an entry comes from."""
        return self._entries[key][2]

    # -- use ---------------------------------------------------------------

    def identity(self) -> str:
        """A stable SHA-256 of the entries and their precedence (for cache keys)."""
        rows = sorted((key, value, rank) for key, (value, rank, _source) in self._entries.items())
        if self.locale:
            rows.append(("", f"locale={self.locale}", -1))
        payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def apply(self, text: str, mark: Callable[[str, str], str] | None = None) -> str:
        """``text`` with every whole-word match replaced by its reading.

        With ``mark``, each replacement is ``mark(written, reading)`` instead
        (the normalizer puts the reading aside so no later rule reads it again).
        """
        if not self._entries or not text:
            return text
        if mark is None:
            return self._compiled().sub(self._replace, text)

        def marked(match: re.Match[str]) -> str:
            reading = self._replace(match)
            return reading if reading == match.group(0) else mark(match.group(0), reading)

        return self._compiled().sub(marked, text)

    def find(self, text: str) -> list[tuple[str, str]]:
        """Every (written word, reading) :meth:`apply` would replace in ``text``, in order."""
        if not self._entries or not text:
            return []
        found = []
        for match in self._compiled().finditer(text):
            reading = self._replace(match)
            if reading != match.group(0):
                found.append((match.group(0), reading))
        return found

    def _compiled(self) -> re.Pattern[str]:
        """One regex for all keys: longest first, then the later layer."""
        if self._pattern is None:
            ordered = sorted(
                self._entries.items(),
                key=lambda item: (-len(item[0]), -item[1][1], item[0]),
            )
            alternatives = []
            exact: dict[str, str] = {}
            folded: dict[str, str] = {}
            for key, (value, _rank, _source) in ordered:
                body = r"\s+".join(re.escape(part) for part in key.split())
                if key.lower() == key:
                    alternatives.append(f"(?i:{body})")
                    folded[key] = value
                else:
                    alternatives.append(body)
                    exact[key] = value
            pattern = re.compile(rf"(?<!\w)({'|'.join(alternatives)})('s|’s|s)?(?!\w)")
            # assigned last, so a concurrent apply() never sees half-built tables
            self._exact, self._folded = exact, folded
            self._pattern = pattern
        return self._pattern

    def _lookup(self, written: str) -> str | None:
        written = " ".join(written.split())
        exact = self._exact.get(written)
        folded_key = written.lower()
        folded = self._folded.get(folded_key)
        if exact is not None and folded is not None:
            ranks = self._entries
            return folded if ranks[folded_key][1] > ranks[written][1] else exact
        return exact if exact is not None else folded

    def _replace(self, match: re.Match[str]) -> str:
        written, suffix = match.group(1), match.group(2)
        value = self._lookup(written)
        if value is None:  # pragma: no cover - the pattern only holds known keys
            return match.group(0)
        if not suffix:
            if (
                _EXPANSION.match(value)
                and _ACRONYM_KEY.match(written)
                and _NUMBER_AFTER.match(match.string, match.end())
            ):
                return spell(written)
            return value
        if _ACRONYM_KEY.match(written) and written in self._exact:
            plural = _plural(value, suffix)
            return match.group(0) if plural is None else plural
        # An ordinary word followed by "s" is another word: leave it alone.
        return match.group(0)


PLS_SUFFIXES = {".pls", ".xml"}
YAML_SUFFIXES = {".yaml", ".yml"}


def merge_layers(layers: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """One mapping that says every word as the layers would, later layers winning.

    A later entry replaces an earlier one with the same key. An earlier
    exact-case key ("TENS") that a later any-case key ("tens") also matches is
    removed, since in layers the later one would win where both match.
    """
    merged: dict[str, str] = {}
    for layer in layers:
        this_layer: set[str] = set()
        for key, value in layer.items():
            key_text = " ".join(str(key).split())
            if key_text == key_text.lower():
                shadowed = [
                    k for k in merged if k not in this_layer and k != k.lower() and k.lower() == key_text
                ]
                for old in shadowed:
                    del merged[old]
            merged.pop(key_text, None)  # re-inserted last: keeps the file order readable
            merged[key_text] = value
            this_layer.add(key_text)
    return merged


@cache
def _builtin(voice: str | None) -> Lexicon:
    known = KNOWN_TO_VOICE.get(voice or "", frozenset())
    return Lexicon({k: v for k, v in BUILTIN_ENTRIES.items() if k not in known}, source="built-in")


# -- validation and file loading ------------------------------------------------


def _check_entry(key: object, value: object, source: str, line: int | None = None) -> tuple[str, str]:
    """A clean (key, reading) pair, or a one-line GuideScriptError."""
    where = f"{source}:{line}" if line else source
    if not isinstance(key, str) or not key.strip():
        raise GuideScriptError(f"{where}: a pronunciation entry has an empty word")
    if not isinstance(value, str):
        raise GuideScriptError(f"{where}: the reading of '{key}' must be text")
    if "\n" in key.strip() or "\r" in key.strip():
        raise GuideScriptError(f"{where}: the word {key.strip()!r} spans several lines")
    key_text, value_text = " ".join(key.split()), " ".join(value.split())
    if not value_text:
        raise GuideScriptError(f"{where}: '{key_text}' has an empty reading")
    if value_text.count("[[") != value_text.count("]]") or _PHONEME_SPAN.sub("", value_text).count("[["):
        raise GuideScriptError(f"{where}: the reading of '{key_text}' has unbalanced [[ ]]")
    return key_text, value_text


MAX_LEXICON_BYTES = 50 * 1024 * 1024


def _read_bytes(path: Path) -> bytes:
    return read_regular_file(
        path, limit=MAX_LEXICON_BYTES, error=SourceError, prefix="cannot read lexicon file: "
    )


def _load_yaml(path: Path) -> dict[str, str]:
    """Entries of a YAML lexicon, every error one line with file and line."""
    data = _read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GuideScriptError(f"{path.name}: lexicon file is not UTF-8 text") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        line, problem = yaml_error_location(text, exc)
        raise GuideScriptError(f"{path.name}:{line}: invalid YAML: {problem}") from None
    if root is None:
        return {}
    node = root
    if not isinstance(node, yaml.MappingNode):
        raise GuideScriptError(
            f"{path.name}:{node.start_mark.line + 1}: a lexicon must be a mapping of word: reading"
        )
    keys = [k.value for k, _v in node.value if isinstance(k, yaml.ScalarNode)]
    if "pronunciations" in keys:
        for key_node, value_node in node.value:
            if key_node.value != "pronunciations":
                raise GuideScriptError(
                    f"{path.name}:{key_node.start_mark.line + 1}: unknown top-level key "
                    f"'{key_node.value}' next to 'pronunciations'"
                )
            node = value_node
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise GuideScriptError(
                f"{path.name}:{node.start_mark.line + 1}: 'pronunciations' must be a mapping of word: reading"
            )
    entries: dict[str, str] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise GuideScriptError(f"{path.name}:{line}: a word must be plain text")
        if not isinstance(value_node, yaml.ScalarNode) or value_node.tag.endswith(":null"):
            raise GuideScriptError(f"{path.name}:{line}: the reading of '{key_node.value}' must be text")
        key, value = _check_entry(key_node.value, value_node.value, path.name, line)
        if key in entries:
            raise GuideScriptError(f"{path.name}:{line}: '{key}' is listed twice")
        entries[key] = value
    return entries


def _local(tag: str) -> tuple[str | None, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return None, tag


def _load_pls(path: Path) -> dict[str, str]:
    """Entries of a PLS 1.0 file; errors name the file and the line."""
    data = _read_bytes(path)
    parser = ET.XMLPullParser(events=("start",))
    lines: dict[int, int] = {}  # id(element) -> line where its start tag ended
    root: ET.Element | None = None
    try:
        for number, chunk in enumerate(data.splitlines(keepends=True), start=1):
            parser.feed(chunk)
            for _event, element in parser.read_events():
                lines[id(element)] = number
                if root is None:
                    root = element
        parser.close()
        for _event, element in parser.read_events():  # pragma: no cover - flushed above
            lines.setdefault(id(element), len(data.splitlines()))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else 1
        message = str(exc).split(":")[0]
        raise GuideScriptError(f"{path.name}:{line}: malformed PLS XML: {message}") from exc
    if root is None:  # pragma: no cover - an empty document is a ParseError
        raise GuideScriptError(f"{path.name}:1: empty PLS file")

    def where(element: ET.Element) -> str:
        return f"{path.name}:{lines.get(id(element), 1)}"

    namespace, local = _local(root.tag)
    if local != "lexicon" or namespace not in (PLS_NAMESPACE, None):
        raise GuideScriptError(f"{where(root)}: not a PLS lexicon (root element is <{local}>)")
    alphabet = root.get("alphabet", "ipa")
    entries: dict[str, str] = {}
    for lexeme in root:
        if _local(lexeme.tag)[1] != "lexeme":
            continue
        graphemes = [g for g in lexeme if _local(g.tag)[1] == "grapheme"]
        aliases = [a for a in lexeme if _local(a.tag)[1] == "alias"]
        phonemes = [p for p in lexeme if _local(p.tag)[1] == "phoneme"]
        if not graphemes:
            raise GuideScriptError(f"{where(lexeme)}: a <lexeme> has no <grapheme>")
        reading: str | None = None
        if aliases:
            chosen = next((a for a in aliases if a.get("prefer") == "true"), aliases[0])
            reading = (chosen.text or "").strip()
            if not reading:
                raise GuideScriptError(f"{where(chosen)}: empty <alias>")
        elif phonemes:
            chosen = next((p for p in phonemes if p.get("prefer") == "true"), phonemes[0])
            symbols = " ".join((chosen.text or "").split())
            if not symbols:
                raise GuideScriptError(f"{where(chosen)}: empty <phoneme>")
            used = chosen.get("alphabet", alphabet)
            if used.lower() != "ipa":
                raise GuideScriptError(
                    f"{where(chosen)}: phoneme alphabet '{used}' is not supported; use ipa"
                )
            reading = f"[[{symbols}]]"
        else:
            raise GuideScriptError(f"{where(lexeme)}: a <lexeme> has neither <alias> nor <phoneme>")
        for grapheme in graphemes:
            word = " ".join((grapheme.text or "").split())
            if not word:
                raise GuideScriptError(f"{where(grapheme)}: empty <grapheme>")
            key, value = _check_entry(word, reading, path.name, lines.get(id(grapheme)))
            entries[key] = value
    return entries


def build_lexicon(settings: GuideSettings, lexicon_files: Sequence[str | Path] = ()) -> Lexicon:
    """The pronunciations a build uses: built-in < lexicon files (later win) < the guide's own.

    The command line folds its ``--lexicon`` files and the guide script's
    ``lexicon:`` into ``settings.pronunciations`` (see :func:`with_lexicon_files`),
    so every stage that calls ``build_lexicon(settings)`` says the same words;
    ``lexicon_files`` is for callers that keep them apart. A lexicon changes the
    speech text, and the clip keys are made from the speech text. The built-in
    respellings follow the guide's voice (a part spoken in another voice, see
    ``GuideSettings.voices``, gets the guide voice's).
    """
    voice = settings.voice.voice or (DEFAULT_VOICE if settings.voice.engine is None else None)
    lexicon = Lexicon.builtin(voice)
    for path in lexicon_files:
        lexicon = lexicon.with_entries(Lexicon.from_file(path), source=Path(path).name)
    if settings.pronunciations:
        lexicon = lexicon.with_entries(settings.pronunciations, source="guide")
    return lexicon.with_locale(settings.locale)


def with_lexicon_files(settings: GuideSettings, lexicon_files: Sequence[str | Path]) -> GuideSettings:
    """``settings`` whose pronunciations also hold the files' entries, with the same precedence."""
    if not lexicon_files:
        return settings
    layers = [Lexicon.from_file(path) for path in lexicon_files]
    merged = merge_layers([*layers, settings.pronunciations])
    return replace(settings, pronunciations=merged)
