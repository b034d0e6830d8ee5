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
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from audioguide.errors import AudioguideError, GuideScriptError
from audioguide.files import normal_mode, read_regular_file, write_atomic
from audioguide.model.checks import TEMPLATE_FIELDS
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
from audioguide.model.settings import DEFAULT_VOICE, GuideSettings
from audioguide.sources.settings_yaml import (
    SettingsReader,
    help_lines,
    mapping,
    named,
    scalar,
    setting_keys,
    settings_help,
    settings_nodes,
)
from audioguide.sources.yaml_nodes import SEQ, STR, Keys, describe, is_null, without_controls
from audioguide.text import language_tag, yaml_error_location

logger = logging.getLogger(__name__)

__all__ = ["GuideScript", "dump_guide", "load_guide", "load_guide_script", "SKIPPED_REASON", "PLACEHOLDERS"]

SKIPPED_REASON = "skipped in guide script"
MAX_SCRIPT_BYTES = 50 * 1024 * 1024  # as for article files
PLACEHOLDERS = TEMPLATE_FIELDS
ITEM_MARK = "- "
ESCAPE = "\\"

# The document's own keys, before the settings (model.settings declares those), and what they are.
DOCUMENT_KEYS = {
    "title": "the guide's title (the album tag of the MP3 files)",
    "publisher": "who publishes it",
    "author": "who wrote it (the artist tag)",
    "language": "BCP 47 language tag of the text (en, de, pt-BR, ...)",
    "source": "the article this came from (informational), relative to this file",
    "faq_title": "name of the FAQ part (the track title with faq: single)",
}
LEXICON_HELP = (
    "a lexicon file (.yaml/.yml or .pls) or a list of them, beside this file; later files win "
    "over earlier ones and the built-in table"
)
_SETTING_KEYS = setting_keys()
_LEXICON_AFTER = _SETTING_KEYS.index("pronunciations") + 1  # the files, after the words they add to
TOP_KEYS = (
    *DOCUMENT_KEYS,
    *_SETTING_KEYS[:_LEXICON_AFTER],
    "lexicon",
    *_SETTING_KEYS[_LEXICON_AFTER:],
    "chapters",
)
CHAPTER_KEYS = ("kind", "title", "lead", "text", "skip", "group")


def _header() -> str:
    lines = [
        "# audioguide guide script: edit it, then run `audioguide build <this file>`.",
        "#",
        "# Top level (only title and chapters are required):",
        *(line for key, text in DOCUMENT_KEYS.items() for line in help_lines(key, text)),
        *settings_help(),
        *help_lines("lexicon", LEXICON_HELP),
    ]
    return "\n".join(lines) + "\n" + _CHAPTERS_HELP


_CHAPTERS_HELP = """\
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


def _block(text: str) -> ScalarNode:
    """A literal block scalar (``|``) for editable multi-line text."""
    return ScalarNode(STR, text + "\n", style="|")


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
        ("kind", scalar(chapter.kind.value)),
        ("title", scalar(chapter.title)),
    ]
    if chapter.group is not None:
        pairs.append(("group", scalar(chapter.group)))
    if chapter.lead is not None:
        pairs.append(("lead", scalar(chapter.lead)))
    pairs.append(("text", _block(_chapter_text(chapter.paragraphs))))
    return mapping(pairs)


def write_guide_script(doc: Document, settings: GuideSettings, output: Path) -> None:
    """Write ``doc``'s guide script to ``output``, whole or not at all, with the permissions any new
    file gets; ``source:`` is written relative to the script's folder, wherever that is."""
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

    ``lexicon_files`` are written as given (``lexicon:``, after the
    pronunciations); a setting only when it is stated (model.settings).
    """
    pairs: list[tuple[str, Node]] = [
        (key, scalar(getattr(doc, key))) for key in DOCUMENT_KEYS if getattr(doc, key) is not None
    ]
    for key, node in settings_nodes(named(settings, DEFAULT_VOICE)):
        pairs.append((key, node))
        if key == "pronunciations" and lexicon_files:
            files = [scalar(str(f)) for f in lexicon_files]
            pairs.append(
                ("lexicon", files[0] if len(files) == 1 else SequenceNode(SEQ, files, flow_style=False))
            )
    pairs.append(("chapters", SequenceNode(SEQ, [_chapter_node(c) for c in doc.chapters], flow_style=False)))

    body = yaml.serialize(mapping(pairs), Dumper=_Dumper, allow_unicode=True, width=1_000_000, indent=2)
    # A blank line before the chapter list and between chapters, for the reader.
    # Safe: top-level keys start in column 0 and chapter items in column 2;
    # chapter text is indented deeper, and no scalar is wrapped (huge width).
    head, sep, chapters = body.partition("\nchapters:\n")
    chapters = chapters.replace("\n  - ", "\n\n  - ")
    return _header() + "\n" + head + "\n" + sep + chapters


# --------------------------------------------------------------------------- load


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


class _Reader(SettingsReader):
    """Walks the node tree of one guide script, raising located errors."""

    def language(self, keys: Keys) -> str | None:
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

    def lexicon(self, keys: Keys) -> tuple[Path, ...]:
        if "lexicon" not in keys or is_null(keys["lexicon"][1]):
            return ()
        node = keys["lexicon"][1]
        if isinstance(node, MappingNode):
            self.fail(
                node,
                "lexicon must be a file name or a list of file names, not a mapping "
                "(write word: reading entries under pronunciations)",
            )
        files: list[Path] = []
        for item in node.value if isinstance(node, SequenceNode) else [node]:
            path = self.path(item, "lexicon", hint="; give it on the command line with --lexicon")
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
            paragraphs = _paragraphs(without_controls(text_node.value)) if text else ()
        if not paragraphs and not skip:
            where = keys["text"][1] if "text" in keys else node
            self.fail(where, f"{what} ('{title}') has no text")

        if skip:
            dropped_text = "\n\n".join([title, *paragraphs])
            return None, Dropped(dropped_text, SKIPPED_REASON, line=node.start_mark.line + 1)
        return Chapter(kind=kind, title=title, paragraphs=paragraphs, lead=lead, group=group), None

    def chapters(self, root: Node, keys: Keys) -> tuple[list[Chapter], list[Dropped]]:
        if "chapters" not in keys:
            self.fail(root, "missing chapters (the list of chapters to build)")
        chapters_key, chapters_node = keys["chapters"]
        if is_null(chapters_node):
            self.fail(chapters_key, "chapters must not be empty")
        if not isinstance(chapters_node, SequenceNode):
            self.fail(chapters_node, f"chapters must be a list, not {describe(chapters_node)}")
        if not chapters_node.value:
            self.fail(chapters_key, "chapters must not be empty")
        chapters: list[Chapter] = []
        dropped: list[Dropped] = []
        for number, item in enumerate(chapters_node.value, start=1):
            chapter, skipped = self.chapter(item, number)
            if chapter is not None:
                chapters.append(chapter)
            if skipped is not None:
                dropped.append(skipped)
        if not chapters:
            self.fail(chapters_key, "every chapter is skipped; nothing to build")
        return chapters, dropped


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

    r = _Reader(name, path.resolve().parent)
    if root is None:
        r.fail(1, "guide script is empty (expected title and chapters)")
    if not isinstance(root, MappingNode):
        r.fail(
            root, f"the guide script must be a mapping of keys (title, chapters, ...), not {describe(root)}"
        )
    keys = r.mapping(root, TOP_KEYS, "the guide script", key_name="top-level key")

    def opt_text(key: str) -> str | None:
        return r.text(keys[key][1], key, optional=True) if key in keys else None

    if "title" not in keys:
        r.fail(root, "missing title (the article's title)")
    title = r.text(keys["title"][1], "title")
    assert title is not None
    settings = r.settings(keys)
    lexicon_files = r.lexicon(keys)
    chapters, dropped = r.chapters(root, keys)
    chapters = [_with_code_examples(chapter, settings) for chapter in chapters]
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
