"""The guide script: an editable YAML file that says exactly what to build.

``audioguide init`` writes one from the detected structure (:func:`dump_guide`);
an editor reorders, retitles, skips or rewrites chapters; ``audioguide build``
reads it back (:func:`load_guide`). ``load_guide(dump_guide(doc, s))`` gives an
equal document and equal settings.

Validation walks the composed YAML node tree (not the constructed Python
objects) so that every problem is reported as ``<file>:<line>: <problem>``.
Text fields keep the characters the editor typed: ``language: no`` is
Norwegian, not ``False``.

Text normalisation on load: paragraphs are separated by blank lines; the lines
of one paragraph are stripped and joined with single spaces, so an editor may
wrap long paragraphs. Titles and leads are normalised the same way. A line
starting with "- " is a list item (read with a short pause); a paragraph that
really starts with "- " is written with a backslash first ("\\- ...").

Paths (``lexicon`` files, ``cover_image``) are relative to the guide script's
folder and must exist; they are loaded as absolute paths.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from audioguide.errors import AudioguideError, GuideScriptError
from audioguide.files import normal_mode, read_regular_file, write_atomic
from audioguide.model.document import (
    DEFAULT_ADDRESS_NOTE,
    DEFAULT_CODE_NOTE,
    Chapter,
    ChapterKind,
    CodeExample,
    Document,
    Dropped,
    ListItem,
    is_item,
)
from audioguide.model.plan import TEMPLATE_FIELDS, check_template
from audioguide.model.settings import (
    DEFAULT_VOICE,
    VOICE_ROLES,
    Encoding,
    FaqMode,
    GuideSettings,
    HoldProgramme,
    Loudness,
    Pauses,
    VoiceSettings,
    check_base_url,
    number_problem,
)
from audioguide.text import language_tag, strip_controls, yaml_error_location

logger = logging.getLogger(__name__)

__all__ = ["GuideScript", "dump_guide", "load_guide", "load_guide_script", "SKIPPED_REASON", "PLACEHOLDERS"]

SKIPPED_REASON = "skipped in guide script"
MAX_SCRIPT_BYTES = 50 * 1024 * 1024  # as for article files
PLACEHOLDERS = TEMPLATE_FIELDS

TOP_KEYS = (
    "title",
    "publisher",
    "author",
    "language",
    "source",
    "faq_title",
    "voice",
    "voices",
    "pauses",
    "loudness",
    "encoding",
    "announce",
    "announce_template",
    "faq",
    "pronunciations",
    "lexicon",
    "hold",
    "cover_image",
    "base_url",
    "chapters",
    "locale",
    "formats",
    "code_note",
    "address_note",
)
CHAPTER_KEYS = ("kind", "title", "lead", "text", "skip", "group")
VOICE_KEYS = ("engine", "voice", "rate", "lang", "tld")
PAUSE_KEYS = (
    "head_ms",
    "after_announcement_ms",
    "sentence_ms",
    "paragraph_ms",
    "question_answer_ms",
    "tail_ms",
    "item_ms",
)
HOLD_KEYS = ("tracks", "gap_ms", "opening", "repeat_opening", "max_seconds", "max_bytes")
ITEM_MARK = "- "
ESCAPE = "\\"
LOUDNESS_KEYS = ("target_lufs", "true_peak_dbtp")
ENCODING_KEYS = ("bitrate_kbps",)

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"

_HEADER = """\
# audioguide guide script: edit it, then run `audioguide build <this file>`.
#
# Top level (only title and chapters are required):
#   title, publisher, author   the guide's metadata (album, artist tags of the MP3 files)
#   language                   language code of the text (en, de, ...)
#   source                     the article this came from (informational), relative to this file
#   faq_title                  name of the FAQ part (the track title with faq: single)
#   voice                      voice (heart | joe | a Piper .onnx file: the engine follows from it),
#                              engine (hibari | piper | gtts), rate (speaking time: 0.9 = 11 % longer),
#                              lang/tld (gtts); `audioguide voices` lists the voices
#   voices                     a voice of their own for parts of the guide, e.g.
#                              {question: joe, answer: heart}; parts: announcement, heading,
#                              lead, question, answer (the rest of an FAQ), paragraph, item
#   pauses                     silences in milliseconds
#   loudness                   target_lufs (integrated loudness), true_peak_dbtp
#   encoding                   bitrate_kbps of the MP3 files
#   announce                   true: each track starts with announce_template spoken aloud
#   announce_template          placeholders {number} {total} {title} {kind}
#   faq                        each: one track per question | single: all questions in one track
#   pronunciations             word: how to say it (e.g. NSAIDs: en-seds); wins over lexicon files
#   lexicon                    a lexicon file (.yaml/.yml or .pls) or a list of them, relative to
#                              this file; later files win over earlier ones and the built-in table
#   hold                       phone hold loop: tracks [numbers], gap_ms, opening (text or null),
#                              repeat_opening, max_seconds, max_bytes
#   cover_image                picture for the M4B audiobook and the podcast feed, relative to this file
#   base_url                   where the guide folder is published (https://...): podcast feed, QR code
#   locale                     en-US, en-GB, ...: how numeric dates such as 3/4/2024 are read
#   formats                    what build makes: all, or a list (tracks, single, m4b, captions,
#                              daisy, epub, web, phone, podcast, qr); --formats on the command line wins
#   code_note                  said where the page shows code (default "An example is shown on the page.")
#   address_note               said where it shows a web address on a line of its own
#
# chapters: one entry per track, built in this order. Each entry has
#   kind    intro | section | faq | conclusion (default section)
#   title   chapter heading (for faq: the question)
#   group   optional topic the chapter sits under (said in the announcement; a level-1
#           navigation point over the chapters of the same group that follow each other)
#   lead    optional text spoken first (intro: the article title)
#   text    the paragraphs, separated by a blank line; lines of a paragraph may be wrapped;
#           a line starting with "- " is a list item (a short pause after each)
#   skip    true: keep the chapter here but leave it out of the build
"""


# --------------------------------------------------------------------------- dump


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents list items under their key (``  - kind: ...``)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_representer = yaml.representer.SafeRepresenter()


def _scalar(value: Any) -> ScalarNode:
    """A plain scalar node; the emitter quotes strings only when it must."""
    if isinstance(value, str):
        return ScalarNode(_STR, value)
    node = _representer.represent_data(value)
    assert isinstance(node, ScalarNode)
    return node


def _block(text: str) -> ScalarNode:
    """A literal block scalar (``|``) for editable multi-line text."""
    return ScalarNode(_STR, text + "\n", style="|")


def _mapping(pairs: list[tuple[str, Node]], flow: bool = False) -> MappingNode:
    return MappingNode(_MAP, [(_scalar(k), v) for k, v in pairs], flow_style=flow)


def _voice_node(voice: VoiceSettings) -> MappingNode:
    default = VoiceSettings()
    pairs: list[tuple[str, Node]] = []
    if voice.engine is not None:
        pairs.append(("engine", _scalar(voice.engine)))
    if voice.voice is not None or voice.engine is None:  # name the voice that will speak
        pairs.append(("voice", _scalar(voice.voice or DEFAULT_VOICE)))
    pairs.append(("rate", _scalar(float(voice.rate))))
    if voice.engine == "gtts" or (voice.lang, voice.tld) != (default.lang, default.tld):
        pairs += [("lang", _scalar(voice.lang)), ("tld", _scalar(voice.tld))]
    return _mapping(pairs, flow=True)


def _chapter_text(paragraphs: Sequence[str]) -> str:
    """Paragraphs apart by a blank line; the items of a list one "- " line each."""
    chunks: list[str] = []
    previous_item = False
    for paragraph in paragraphs:
        if is_item(paragraph):
            line = ITEM_MARK + paragraph
            if previous_item:
                chunks[-1] += "\n" + line
            else:
                chunks.append(line)
        else:
            escape = paragraph.startswith((ITEM_MARK, ESCAPE))
            chunks.append(ESCAPE + paragraph if escape else paragraph)
        previous_item = is_item(paragraph)
    return "\n\n".join(chunks)


def _chapter_node(chapter: Chapter) -> MappingNode:
    pairs: list[tuple[str, Node]] = [
        ("kind", _scalar(chapter.kind.value)),
        ("title", _scalar(chapter.title)),
    ]
    if chapter.group is not None:
        pairs.append(("group", _scalar(chapter.group)))
    if chapter.lead is not None:
        pairs.append(("lead", _scalar(chapter.lead)))
    pairs.append(("text", _block(_chapter_text(chapter.paragraphs))))
    return _mapping(pairs)


def _hold_node(hold: HoldProgramme) -> MappingNode:
    pairs: list[tuple[str, Node]] = []
    if hold.tracks is not None:
        pairs.append(("tracks", SequenceNode(_SEQ, [_scalar(int(t)) for t in hold.tracks], flow_style=True)))
    pairs.append(("gap_ms", _scalar(int(hold.gap_ms))))
    pairs.append(
        ("opening", _scalar(hold.opening) if hold.opening is not None else ScalarNode(_NULL, "null"))
    )
    pairs.append(("repeat_opening", _scalar(bool(hold.repeat_opening))))
    pairs.append(("max_seconds", _scalar(float(hold.max_seconds))))
    if hold.max_bytes is not None:
        pairs.append(("max_bytes", _scalar(int(hold.max_bytes))))
    return _mapping(pairs)


def write_guide_script(doc: Document, settings: GuideSettings, output: Path) -> None:
    """Write ``doc``'s guide script to ``output``, whole or not at all, with the permissions any new
    file gets; ``source:`` is written relative to the script's folder, wherever that is."""
    import os

    if doc.source and not re.match(r"^\s*https?://", doc.source, re.IGNORECASE):
        where = Path(doc.source).resolve()
        doc = replace(doc, source=os.path.relpath(where, output.parent.resolve()))
    text = dump_guide(doc, settings)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, text, mode=normal_mode())
    except OSError as exc:
        raise AudioguideError(f"{output}: cannot write ({exc.strerror})") from None


def dump_guide(doc: Document, settings: GuideSettings, lexicon_files: Sequence[str | Path] = ()) -> str:
    """The guide script for ``doc`` and ``settings`` as YAML text (stable output).

    ``lexicon_files`` are written as given (``lexicon:``); ``hold`` and
    ``cover_image`` only when they differ from the defaults.
    """
    pairs: list[tuple[str, Node]] = [("title", _scalar(doc.title))]
    for key in ("publisher", "author"):
        value = getattr(doc, key)
        if value is not None:
            pairs.append((key, _scalar(value)))
    pairs.append(("language", _scalar(doc.language)))
    if doc.source is not None:
        pairs.append(("source", _scalar(doc.source)))
    pairs.append(("faq_title", _scalar(doc.faq_title)))
    pairs.append(("voice", _voice_node(settings.voice)))
    if settings.voices:
        pairs.append(
            ("voices", _mapping([(role, _scalar(name)) for role, name in settings.voices.items()], flow=True))
        )
    pairs.append(
        ("pauses", _mapping([(k, _scalar(int(getattr(settings.pauses, k)))) for k in PAUSE_KEYS], flow=True))
    )
    pairs.append(
        (
            "loudness",
            _mapping([(k, _scalar(float(getattr(settings.loudness, k)))) for k in LOUDNESS_KEYS], flow=True),
        )
    )
    pairs.append(
        ("encoding", _mapping([("bitrate_kbps", _scalar(int(settings.encoding.bitrate_kbps)))], flow=True))
    )
    pairs.append(("announce", _scalar(bool(settings.announce))))
    pairs.append(("announce_template", _scalar(settings.announce_template)))
    pairs.append(("faq", _scalar(FaqMode(settings.faq_mode).value)))
    pairs.append(
        (
            "pronunciations",
            _mapping(
                [(word, _scalar(say)) for word, say in settings.pronunciations.items()],
                flow=not settings.pronunciations,
            ),
        )
    )
    if lexicon_files:
        files = [_scalar(str(f)) for f in lexicon_files]
        pairs.append(
            ("lexicon", files[0] if len(files) == 1 else SequenceNode(_SEQ, files, flow_style=False))
        )
    if settings.hold != HoldProgramme():
        pairs.append(("hold", _hold_node(settings.hold)))
    if settings.cover_image is not None:
        pairs.append(("cover_image", _scalar(str(settings.cover_image))))
    if settings.locale is not None:
        pairs.append(("locale", _scalar(settings.locale)))
    if settings.formats is not None:
        pairs.append(("formats", _scalar(", ".join(settings.formats))))
    if settings.base_url is not None:
        pairs.append(("base_url", _scalar(settings.base_url)))
    for key, default in (("code_note", DEFAULT_CODE_NOTE), ("address_note", DEFAULT_ADDRESS_NOTE)):
        if getattr(settings, key) != default:
            pairs.append((key, _scalar(getattr(settings, key))))
    pairs.append(("chapters", SequenceNode(_SEQ, [_chapter_node(c) for c in doc.chapters], flow_style=False)))

    body = yaml.serialize(
        _mapping(pairs),
        Dumper=_Dumper,
        allow_unicode=True,
        width=1_000_000,
        indent=2,
    )
    # A blank line before the chapter list and between chapters, for the reader.
    # Safe: top-level keys start in column 0 and chapter items in column 2;
    # chapter text is indented deeper, and no scalar is wrapped (huge width).
    head, sep, chapters = body.partition("\nchapters:\n")
    chapters = chapters.replace("\n  - ", "\n\n  - ")
    return _HEADER + "\n" + head + "\n" + sep + chapters


# --------------------------------------------------------------------------- load


def _describe(node: Node) -> str:
    """How a value looks, for 'must be X, not Y' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == _NULL:
        return "empty"
    return repr(node.value)


def _one_line(text: str) -> str:
    """Strip each line and join them with spaces (wrapped text -> one line)."""
    return " ".join(line.strip() for line in text.strip().split("\n") if line.strip())


def _with_code_examples(chapter: Chapter, settings: GuideSettings) -> Chapter:
    """A paragraph that is the code (or address) note stands for code the page shows again.

    So a script written with the default note speaks the script's own
    ``code_note`` there, once an editor sets one.
    """
    notes = {
        DEFAULT_CODE_NOTE: "code",
        settings.code_note: "code",
        DEFAULT_ADDRESS_NOTE: "address",
        settings.address_note: "address",
    }
    if not any(p in notes for p in chapter.paragraphs):
        return chapter
    paragraphs = tuple(
        CodeExample(notes[p]) if p in notes and not is_item(p) else p for p in chapter.paragraphs
    )
    return replace(chapter, paragraphs=paragraphs)


def _without_controls(text: str) -> str:
    """``text`` without control characters, and no double space where one was taken out."""
    cleaned = strip_controls(text)
    return cleaned if cleaned == text else re.sub(r"[ \t]{2,}", " ", cleaned)


def _paragraphs(text: str) -> tuple[str, ...]:
    """Split text at blank lines into normalised paragraphs; "- " lines are list items."""
    out: list[str] = []
    for part in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")):
        runs: list[tuple[bool, list[str]]] = []  # (is an item, its lines)
        for line in part.split("\n"):
            line = line.strip()
            if line.startswith(ITEM_MARK) and line[len(ITEM_MARK) :].strip():
                runs.append((True, [line[len(ITEM_MARK) :].strip()]))
            elif line:
                if not runs:
                    runs.append((False, []))
                runs[-1][1].append(line)
        for item, lines in runs:
            joined = " ".join(lines)
            if item:
                out.append(ListItem(joined))
            elif joined:
                out.append(joined.removeprefix(ESCAPE))
    return tuple(out)


# A YAML 1.2 float: an exponent needs no dot ("1e12", "2E-3"); YAML 1.1 resolves these to text.
_YAML12_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$")


def _yaml12_float(node: Node) -> bool:
    """An unquoted scalar that YAML 1.2 reads as a number in exponent form and PyYAML as text."""
    return (
        isinstance(node, ScalarNode)
        and node.tag == _STR
        and node.style is None
        and bool(_YAML12_FLOAT_RE.match(node.value))
    )


class _Reader:
    """Walks the node tree of one guide script, raising located errors."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: Node | int, problem: str) -> NoReturn:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        raise GuideScriptError(f"{self.name}:{line}: {problem}")

    # -- structure

    def mapping(
        self, node: Node, known: tuple[str, ...], what: str, where: str = "", key_name: str = "key"
    ) -> dict[str, tuple[ScalarNode, Node]]:
        """Keys of a mapping node (checked: text keys, no duplicates, all known).

        ``key_name`` is how errors call a key ("top-level key" for the script's own).
        """
        if not isinstance(node, MappingNode):
            self.fail(node, f"{what} must be a mapping, not {_describe(node)}")
        result: dict[str, tuple[ScalarNode, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, f"{what}: a {key_name} must be a word, not {_describe(key_node)}")
            key = key_node.value
            if key in result:
                self.fail(key_node, f"duplicate {key_name} '{key}'{where}")
            if key not in known:
                self.fail(key_node, f"unknown {key_name} '{key}'{where} (known: {', '.join(known)})")
            result[key] = (key_node, value_node)
        return result

    # -- leaves

    def text(self, node: Node, name: str, *, optional: bool = False) -> str | None:
        """A text value exactly as written (``no`` stays "no"), without control characters
        (a YAML escape such as "\\x1b" or "\\uD800" could bring them); None if empty."""
        if not isinstance(node, ScalarNode):
            self.fail(node, f"{name} must be text, not {_describe(node)}")
        value = "" if node.tag == _NULL else node.value
        value = _one_line(_without_controls(value))
        if not value:
            if optional:
                return None
            self.fail(node, f"{name} must not be empty")
        return value

    def _value(self, node: ScalarNode) -> Any:
        try:
            return self._constructor.construct_object(node, deep=True)
        except yaml.YAMLError as exc:  # e.g. an out-of-range explicit tag
            self.fail(node, f"cannot read value {node.value!r}: {exc}".splitlines()[0])

    def number(self, node: Node, name: str) -> float:
        if _yaml12_float(node):  # 1e12: PyYAML (YAML 1.1) reads it as text
            value = float(node.value)
            if not math.isfinite(value):
                self.fail(node, f"{name} must be a number, not {_describe(node)}")
            return value
        if not isinstance(node, ScalarNode) or node.tag not in (_INT, _FLOAT):
            self.fail(node, f"{name} must be a number, not {_describe(node)}")
        value = self._value(node)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            self.fail(node, f"{name} must be a number, not {_describe(node)}")
        return float(value)

    def limited(self, node: Node, name: str) -> float:
        """A number within the setting's range (:data:`~audioguide.model.settings.LIMITS`)."""
        value = self.number(node, name)
        problem = number_problem(name, value)
        if problem:
            self.fail(node, f"{name} {problem}")
        return value

    def positive_number(self, node: Node, name: str) -> float:
        value = self.number(node, name)
        if value <= 0:
            self.fail(node, f"{name} must be greater than 0, not {_describe(node)}")
        return value

    def whole(self, node: Node, name: str, *, minimum: int) -> int:
        if not _yaml12_float(node) and (not isinstance(node, ScalarNode) or node.tag not in (_INT, _FLOAT)):
            self.fail(node, f"{name} must be a whole number, not {_describe(node)}")
        value = self.number(node, name)
        if not value.is_integer():
            self.fail(node, f"{name} must be a whole number, not {_describe(node)}")
        if value < minimum:
            self.fail(node, f"{name} must be at least {minimum}, not {_describe(node)}")
        return int(value)

    def flag(self, node: Node, name: str) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != _BOOL:
            self.fail(node, f"{name} must be true or false, not {_describe(node)}")
        return bool(self._value(node))

    # -- sections

    def optional_group(
        self, keys: dict[str, tuple[ScalarNode, Node]], name: str, known: tuple[str, ...]
    ) -> dict[str, tuple[ScalarNode, Node]]:
        """The sub-mapping under ``name``, empty if absent or left empty."""
        if name not in keys:
            return {}
        node = keys[name][1]
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return {}
        return self.mapping(node, known, name, f" in {name}")

    def voice(self, keys: dict[str, tuple[ScalarNode, Node]]) -> VoiceSettings:
        group = self.optional_group(keys, "voice", VOICE_KEYS)
        voice = VoiceSettings()
        if "engine" in group:
            voice = replace(voice, engine=self.text(group["engine"][1], "voice.engine").lower())
        if "voice" in group:
            voice = replace(voice, voice=self.text(group["voice"][1], "voice.voice", optional=True))
        if "rate" in group:
            voice = replace(voice, rate=self.limited(group["rate"][1], "voice.rate"))
        for key in ("lang", "tld"):
            if key in group:
                voice = replace(voice, **{key: self.text(group[key][1], f"voice.{key}")})
        return voice

    def role_voices(self, keys: dict[str, tuple[ScalarNode, Node]]) -> dict[str, str]:
        group = self.optional_group(keys, "voices", VOICE_ROLES)
        voices = {}
        for role, (_, node) in group.items():
            voices[role] = self.text(node, f"voices.{role}")
        return voices

    def pauses(self, keys: dict[str, tuple[ScalarNode, Node]]) -> Pauses:
        group = self.optional_group(keys, "pauses", PAUSE_KEYS)
        values = {k: self.whole(v, f"pauses.{k}", minimum=0) for k, (_, v) in group.items()}
        return replace(Pauses(), **values)

    def loudness(self, keys: dict[str, tuple[ScalarNode, Node]]) -> Loudness:
        group = self.optional_group(keys, "loudness", LOUDNESS_KEYS)
        values = {k: self.limited(v, f"loudness.{k}") for k, (_, v) in group.items()}
        return replace(Loudness(), **values)

    def encoding(self, keys: dict[str, tuple[ScalarNode, Node]]) -> Encoding:
        group = self.optional_group(keys, "encoding", ENCODING_KEYS)
        values = {k: self.whole(v, f"encoding.{k}", minimum=8) for k, (_, v) in group.items()}
        if values.get("bitrate_kbps", 0) > 320:
            self.fail(group["bitrate_kbps"][1], "encoding.bitrate_kbps must be at most 320")
        return replace(Encoding(), **values)

    def template(self, node: Node) -> str:
        value = self.text(node, "announce_template")
        assert value is not None
        try:
            check_template(value, label="announce_template")
        except AudioguideError as exc:
            self.fail(node, str(exc))
        return value

    def formats(self, node: Node) -> tuple[str, ...]:
        """``formats: all``, ``formats: web, phone`` or a YAML list of names (checked by the build)."""
        if isinstance(node, SequenceNode):
            names = [self.text(item, "formats") or "" for item in node.value]
        else:
            names = (self.text(node, "formats") or "").split(",")
        names = [n.strip().lower() for n in names if n.strip()]
        for name in names:
            if not re.fullmatch(r"[a-z0-9]+", name):
                self.fail(node, f"formats: '{name}' is not a format name (write e.g. formats: web, phone)")
        if not names:
            self.fail(node, "formats must name at least one format (or: all)")
        return tuple(names)

    def pronunciations(self, keys: dict[str, tuple[ScalarNode, Node]]) -> dict[str, str]:
        if "pronunciations" not in keys:
            return {}
        node = keys["pronunciations"][1]
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return {}
        if not isinstance(node, MappingNode):
            self.fail(node, f"pronunciations must be a mapping (word: how to say it), not {_describe(node)}")
        result: dict[str, str] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _NULL or not key_node.value.strip():
                self.fail(key_node, f"pronunciations: a word must be text, not {_describe(key_node)}")
            word = key_node.value.strip()
            if word in result:
                self.fail(key_node, f"duplicate key '{word}' in pronunciations")
            say = self.text(value_node, f"pronunciation of '{word}'")
            assert say is not None
            result[word] = say
        return result

    def hold(self, keys: dict[str, tuple[ScalarNode, Node]]) -> HoldProgramme:
        group = self.optional_group(keys, "hold", HOLD_KEYS)
        hold = HoldProgramme()
        if "tracks" in group:
            node = group["tracks"][1]
            if isinstance(node, ScalarNode) and node.tag == _NULL:
                tracks = None
            else:
                if not isinstance(node, SequenceNode):
                    self.fail(node, f"hold.tracks must be a list of track numbers, not {_describe(node)}")
                if not node.value:
                    self.fail(
                        node,
                        "hold.tracks must not be empty (leave it out for every track but the conclusion)",
                    )
                tracks = tuple(
                    self.whole(item, "hold.tracks: a track number", minimum=1) for item in node.value
                )
            hold = replace(hold, tracks=tracks)
        if "gap_ms" in group:
            hold = replace(hold, gap_ms=self.whole(group["gap_ms"][1], "hold.gap_ms", minimum=0))
        if "opening" in group:
            hold = replace(hold, opening=self.text(group["opening"][1], "hold.opening", optional=True))
        if "repeat_opening" in group:
            hold = replace(hold, repeat_opening=self.flag(group["repeat_opening"][1], "hold.repeat_opening"))
        if "max_seconds" in group:
            hold = replace(
                hold, max_seconds=self.positive_number(group["max_seconds"][1], "hold.max_seconds")
            )
        if "max_bytes" in group:
            node = group["max_bytes"][1]
            empty = isinstance(node, ScalarNode) and node.tag == _NULL
            hold = replace(hold, max_bytes=None if empty else self.whole(node, "hold.max_bytes", minimum=1))
        return hold

    def path(self, node: Node, name: str, folder: Path) -> Path:
        """An existing file, relative to the guide script's folder."""
        value = self.text(node, name)
        assert value is not None
        path = Path(value).expanduser()
        path = path if path.is_absolute() else folder / path
        if not path.is_file():
            self.fail(node, f"{name} '{value}': no such file (paths are relative to the guide script)")
        return path

    def language(self, keys: dict[str, tuple[ScalarNode, Node]]) -> str | None:
        """A BCP 47 language tag (it becomes xml:lang in EPUB and DAISY, and the ID3 language)."""
        if "language" not in keys:
            return None
        node = keys["language"][1]
        value = self.text(node, "language", optional=True)
        if value is None:
            return None
        tag = language_tag(value)
        if tag is None:
            self.fail(node, f"language {value!r} is not a BCP 47 language tag (e.g. en, en-GB, pt-BR)")
        return tag

    def lexicon(self, keys: dict[str, tuple[ScalarNode, Node]], folder: Path) -> tuple[Path, ...]:
        if "lexicon" not in keys:
            return ()
        node = keys["lexicon"][1]
        if isinstance(node, ScalarNode) and node.tag == _NULL:
            return ()
        items = node.value if isinstance(node, SequenceNode) else [node]
        if isinstance(node, MappingNode):
            self.fail(
                node,
                "lexicon must be a file name or a list of file names, not a mapping "
                "(write word: reading entries under pronunciations)",
            )
        files: list[Path] = []
        for item in items:
            path = self.path(item, "lexicon", folder)
            if not path.resolve().is_relative_to(folder):
                # A page's guide script must not read (and speak) files from anywhere:
                # only what sits beside it, or what the user names with --lexicon.
                self.fail(
                    item,
                    f"lexicon '{item.value}' is outside the guide script's folder "
                    f"({folder}); give it on the command line with --lexicon",
                )
            if path.suffix.lower() not in (".yaml", ".yml", ".pls"):
                self.fail(item, f"lexicon '{item.value}': use a .yaml, .yml or .pls file")
            files.append(path)
        return tuple(files)

    def chapter(self, node: Node, number: int) -> tuple[Chapter | None, Dropped | None]:
        """One chapter entry: the chapter, or (if skipped) what was dropped."""
        what = f"chapter {number}"
        keys = self.mapping(node, CHAPTER_KEYS, what, f" in {what}")
        skip = self.flag(keys["skip"][1], f"{what}: skip") if "skip" in keys else False

        kind = ChapterKind.SECTION
        if "kind" in keys:
            kind_node = keys["kind"][1]
            raw = self.text(kind_node, f"{what}: kind")
            assert raw is not None
            try:
                kind = ChapterKind(raw.lower())
            except ValueError:
                known = ", ".join(k.value for k in ChapterKind)
                self.fail(kind_node, f"{what}: unknown kind '{raw}' (known: {known})")

        if "title" not in keys:
            self.fail(node, f"{what} has no title")
        title = self.text(keys["title"][1], f"{what}: title", optional=True)
        if title is None:
            self.fail(keys["title"][1], f"{what} has no title")

        lead = self.text(keys["lead"][1], f"{what}: lead", optional=True) if "lead" in keys else None
        group = self.text(keys["group"][1], f"{what}: group", optional=True) if "group" in keys else None

        paragraphs: tuple[str, ...] = ()
        if "text" in keys:
            text_node = keys["text"][1]
            text = self.text(text_node, f"{what}: text", optional=True)
            paragraphs = _paragraphs(_without_controls(text_node.value)) if text else ()
        if not paragraphs and not skip:
            where = keys["text"][1] if "text" in keys else node
            self.fail(where, f"{what} ('{title}') has no text")

        if skip:
            dropped_text = "\n\n".join([title, *paragraphs])
            return None, Dropped(dropped_text, SKIPPED_REASON, line=node.start_mark.line + 1)
        return Chapter(kind=kind, title=title, paragraphs=paragraphs, lead=lead, group=group), None


def _read_text(path: Path) -> str:
    """The file's text; a located error if it cannot be read or is not UTF-8."""
    data = read_regular_file(
        path, limit=MAX_SCRIPT_BYTES, error=GuideScriptError, prefix="cannot read guide script: "
    )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start]
        raise GuideScriptError(
            f"{path}:{line}: not UTF-8 text (byte 0x{byte:02x}); save the guide script as UTF-8"
        ) from None


def _yaml_error(name: str, text: str, exc: yaml.YAMLError) -> GuideScriptError:
    """A one-line, located error for a YAML syntax problem."""
    line, problem = yaml_error_location(text, exc)
    return GuideScriptError(f"{name}:{line}: invalid YAML: {problem}{_colon_hint(text, line)}")


def _colon_hint(text: str, line: int) -> str:
    """A value with ": " in it ("title: Knee Pain: Causes") must be quoted: say so, with the fix."""
    lines = text.split("\n")
    for number in (line, line - 1):
        if not 1 <= number <= len(lines):
            continue
        match = re.match(r"^(\s*(?:- )?[A-Za-z_][\w-]*):\s+([^\"'|>{\[#].*?:\s.*)$", lines[number - 1])
        if match:
            value = match.group(2).rstrip().replace('"', '\\"')
            return f"; a value containing ': ' must be quoted: {match.group(1).strip()}: \"{value}\""
    return ""


@dataclass(frozen=True)
class GuideScript:
    """What a guide script says: the document, its settings, and the lexicon files it names."""

    document: Document
    settings: GuideSettings
    lexicon_files: tuple[Path, ...] = ()


def load_guide(path: Path) -> tuple[Document, GuideSettings]:
    """Parse and validate a guide script into the document and settings it describes."""
    script = load_guide_script(path)
    return script.document, script.settings


def load_guide_script(path: Path) -> GuideScript:
    """Parse and validate a guide script (document, settings, lexicon files)."""
    path = Path(path)
    name = str(path)
    text = _read_text(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(name, text, exc) from None

    r = _Reader(name)
    if root is None:
        r.fail(1, "guide script is empty (expected title and chapters)")
    if not isinstance(root, MappingNode):
        r.fail(
            root, f"the guide script must be a mapping of keys (title, chapters, ...), not {_describe(root)}"
        )
    keys = r.mapping(root, TOP_KEYS, "the guide script", key_name="top-level key")

    def opt_text(key: str) -> str | None:
        return r.text(keys[key][1], key, optional=True) if key in keys else None

    if "title" not in keys:
        r.fail(root, "missing title (the article's title)")
    title = r.text(keys["title"][1], "title")
    assert title is not None

    voice = r.voice(keys)
    pauses = r.pauses(keys)
    loudness = r.loudness(keys)
    encoding = r.encoding(keys)
    settings = GuideSettings(
        voice=voice, pauses=pauses, loudness=loudness, encoding=encoding, voices=r.role_voices(keys)
    )
    if "announce" in keys:
        settings = replace(settings, announce=r.flag(keys["announce"][1], "announce"))
    if "announce_template" in keys:
        settings = replace(settings, announce_template=r.template(keys["announce_template"][1]))
    if "faq" in keys:
        faq_node = keys["faq"][1]
        raw = r.text(faq_node, "faq")
        assert raw is not None
        try:
            settings = replace(settings, faq_mode=FaqMode(raw.lower()))
        except ValueError:
            known = ", ".join(m.value for m in FaqMode)
            r.fail(faq_node, f"unknown faq mode '{raw}' (known: {known})")
    settings = replace(settings, pronunciations=r.pronunciations(keys))
    folder = path.resolve().parent
    lexicon_files = r.lexicon(keys, folder)
    settings = replace(settings, hold=r.hold(keys))
    if "locale" in keys:
        locale = r.text(keys["locale"][1], "locale", optional=True)
        if locale is not None and not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", locale):
            r.fail(keys["locale"][1], f"locale '{locale}' is not a language tag (write e.g. en-US or en-GB)")
        settings = replace(settings, locale=locale)
    if "formats" in keys:
        settings = replace(settings, formats=r.formats(keys["formats"][1]))
    if "cover_image" in keys and not (
        isinstance(keys["cover_image"][1], ScalarNode) and keys["cover_image"][1].tag == _NULL
    ):
        settings = replace(settings, cover_image=str(r.path(keys["cover_image"][1], "cover_image", folder)))
    if "base_url" in keys:
        node = keys["base_url"][1]
        url = r.text(node, "base_url", optional=True)
        if url is not None:
            try:
                settings = replace(settings, base_url=check_base_url(url))
            except AudioguideError as exc:
                r.fail(node, str(exc))
    for key in ("code_note", "address_note"):
        note = opt_text(key)
        if note:
            settings = replace(settings, **{key: " ".join(note.split())})

    if "chapters" not in keys:
        r.fail(root, "missing chapters (the list of chapters to build)")
    chapters_key, chapters_node = keys["chapters"]
    if isinstance(chapters_node, ScalarNode) and chapters_node.tag == _NULL:
        r.fail(chapters_key, "chapters must not be empty")
    if not isinstance(chapters_node, SequenceNode):
        r.fail(chapters_node, f"chapters must be a list, not {_describe(chapters_node)}")
    if not chapters_node.value:
        r.fail(chapters_key, "chapters must not be empty")
    chapters: list[Chapter] = []
    dropped: list[Dropped] = []
    for number, item in enumerate(chapters_node.value, start=1):
        chapter, skipped = r.chapter(item, number)
        if chapter is not None:
            chapters.append(_with_code_examples(chapter, settings))
        if skipped is not None:
            dropped.append(skipped)
    if not chapters:
        r.fail(chapters_key, "every chapter is skipped; nothing to build")

    doc = Document(
        title=title,
        chapters=tuple(chapters),
        dropped=tuple(dropped),
        faq_title=opt_text("faq_title") or Document.faq_title,
        publisher=opt_text("publisher"),
        author=opt_text("author"),
        language=r.language(keys) or Document.language,
        source=opt_text("source"),
    )
    logger.debug("loaded guide script %s: %d chapters, %d skipped", name, len(chapters), len(dropped))
    return GuideScript(doc, settings, lexicon_files)
