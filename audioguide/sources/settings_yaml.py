"""The settings part of a guide script, read and written by walking their declarations.

:mod:`audioguide.model.settings` declares each setting once (type, range,
help, key); this module turns any of them into YAML and back, with
``<file>:<line>:`` errors, and writes the help as the script's header. What a
value may be follows from its type: a number within its LIMITS, a whole
number, true or false, text, one of an enum's values, a list, a mapping, or a
group of settings.
"""

from __future__ import annotations

import textwrap
import typing
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from audioguide.errors import AudioguideError
from audioguide.files import read_regular_file
from audioguide.model.settings import LIMITS, Declared, GuideSettings, declared, is_group, number_problem
from audioguide.sources.yaml_nodes import MAP, NULL, SEQ, STR, Keys, NodeReader, describe, is_null

MAX_COVER_BYTES = 10 * 1024 * 1024  # a podcast cover is at most 3000 px square: a few MB
MAX_COVER_SIDE = 8192  # pixels; the M4B muxer decodes the picture
COVER_FORMATS = ("JPEG", "PNG")  # what podcast apps and audiobook players show

_representer = yaml.representer.SafeRepresenter()


def setting_keys(cls: type = GuideSettings) -> tuple[str, ...]:
    """The guide script keys of ``cls``'s settings, in order."""
    return tuple(item.key for item in declared(cls))


# --------------------------------------------------------------------------- reading


class SettingsReader(NodeReader):
    """A :class:`NodeReader` that reads declared settings; paths are relative to ``folder``."""

    def __init__(self, name: str, folder: Path) -> None:
        super().__init__(name)
        self.folder = folder

    def settings(self, keys: Keys, cls: type = GuideSettings, prefix: str = "") -> Any:
        """An instance of ``cls`` from the keys given (its defaults for the rest)."""
        values = {}
        for item in declared(cls, prefix):
            if item.key in keys:
                values[item.name] = self.value(keys[item.key][1], item)
        return cls(**values)

    def value(self, node: Node, item: Declared) -> Any:
        """One setting's value from its node."""
        kind, path = item.type, item.path
        if is_group(item):
            if is_null(node):
                return item.default
            return self.settings(
                self.mapping(node, setting_keys(kind), path, f" in {path}"), kind, path + "."
            )
        if item.optional and is_null(node):
            return None
        if kind is bool:
            return self.flag(node, path)
        if path in LIMITS:
            return self.limited(node, path) if kind in (int, float) else self.numbers(node, item)
        if isinstance(kind, type) and issubclass(kind, Enum):
            return self.choice(node, item)
        origin = typing.get_origin(kind)
        if origin is dict:
            return self.words(node, item)
        if origin is tuple:
            return self.names(node, item)
        if item.spec.kind == "image":
            return str(self.image(node, path))
        value = self.text(node, path, optional=item.optional)
        if value is None or item.spec.check is None:
            return value
        return self.checked(node, item, value)

    def checked(self, node: Node, item: Declared, value: str) -> Any:
        assert item.spec.check is not None
        try:
            return item.spec.check(value, item.path)
        except AudioguideError as exc:
            self.fail(node, str(exc))

    def limited(self, node: Node, name: str) -> int | float:
        """A number within the setting's range (:data:`~audioguide.model.settings.LIMITS`)."""
        whole = LIMITS[name].whole
        value = self.number(node, name, whole=whole)
        problem = number_problem(name, value, describe(node) if whole else None)
        if problem:
            self.fail(node, f"{name} {problem}")
        return int(value) if whole else value

    def numbers(self, node: Node, item: Declared) -> tuple[int, ...]:
        """A list of whole numbers (``hold.tracks``), each within the setting's range."""
        noun = item.spec.noun or "number"
        if not isinstance(node, SequenceNode):
            self.fail(node, f"{item.path} must be a list of {noun}s, not {describe(node)}")
        if not node.value:
            self.fail(node, f"{item.path} must not be empty (leave it out for the default)")
        label = f"{item.path}: a {noun}"
        values = []
        for element in node.value:
            value = self.number(element, label, whole=True)
            problem = number_problem(item.path, value, describe(element))
            if problem:
                self.fail(element, f"{label} {problem}")
            values.append(int(value))
        return tuple(values)

    def choice(self, node: Node, item: Declared) -> Enum:
        raw = self.text(node, item.path)
        assert raw is not None
        try:
            return item.type(raw.lower())
        except ValueError:
            known = ", ".join(member.value for member in item.type)
            self.fail(node, f"unknown {item.spec.noun or item.path} '{raw}' (known: {known})")

    def words(self, node: Node, item: Declared) -> dict[str, str]:
        """A mapping of text to text: any words (``pronunciations``), or only ``spec.keys``."""
        path, keys = item.path, item.spec.keys
        if is_null(node):
            return {}
        if keys is not None:
            given = self.mapping(node, keys, path, f" in {path}")
            return {key: str(self.text(value, f"{path}.{key}")) for key, (_, value) in given.items()}
        if not isinstance(node, MappingNode):
            self.fail(node, f"{path} must be a mapping ({item.spec.noun}), not {describe(node)}")
        result: dict[str, str] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == NULL or not key_node.value.strip():
                self.fail(key_node, f"{path}: a word must be text, not {describe(key_node)}")
            word = key_node.value.strip()
            if word in result:
                self.fail(key_node, f"duplicate key '{word}' in {path}")
            say = self.text(value_node, f"pronunciation of '{word}'")
            assert say is not None
            result[word] = say
        return result

    def names(self, node: Node, item: Declared) -> tuple[str, ...]:
        """A YAML list of names, or one text of comma-separated names (``formats: web, phone``)."""
        if isinstance(node, SequenceNode):
            raw = [self.text(element, item.path) or "" for element in node.value]
        else:
            raw = (self.text(node, item.path) or "").split(",")
        names = [self.checked(node, item, name) if item.spec.check else name for name in raw if name.strip()]
        if not names:
            self.fail(node, f"{item.path} must name at least one (or: all)")
        return tuple(names)

    def path(self, node: Node, name: str, hint: str = "") -> Path:
        """An existing file in the guide script's folder (or below it): a page's guide script
        must not read, speak or publish files from anywhere, only what sits beside it.
        ``hint``: how else to give such a file."""
        value = self.text(node, name)
        assert value is not None
        path = Path(value).expanduser()
        path = path if path.is_absolute() else self.folder / path
        if not path.exists():
            self.fail(node, f"{name} '{value}': no such file (paths are relative to the guide script)")
        if not path.resolve().is_relative_to(self.folder):
            self.fail(node, f"{name} '{value}' is outside the guide script's folder ({self.folder}){hint}")
        return path

    def image(self, node: Node, name: str) -> Path:
        """A JPEG or PNG picture beside the guide script, by its content, of bounded size."""
        path = self.path(node, name)
        try:
            data = read_regular_file(path, limit=MAX_COVER_BYTES)
        except AudioguideError as exc:
            self.fail(node, f"{name} '{node.value}': {str(exc).removeprefix(f'{path}: ')}")
        problem = image_problem(data)
        if problem:
            self.fail(node, f"{name} '{node.value}': {problem}")
        return path


def image_problem(data: bytes) -> str | None:
    """Why ``data`` is not a cover picture (a JPEG or PNG that decodes, at most 8192 px a side), or None."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=COVER_FORMATS) as image:
            if max(image.size) > MAX_COVER_SIDE:
                return f"the picture is {image.width}x{image.height} px, more than {MAX_COVER_SIDE} a side"
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return "not a JPEG or PNG picture"
    return None


# --------------------------------------------------------------------------- writing


def scalar(value: Any) -> ScalarNode:
    """A plain scalar node; the emitter quotes strings only when it must."""
    if isinstance(value, str):
        return ScalarNode(STR, value)
    if value is None:
        return ScalarNode(NULL, "null")
    node = _representer.represent_data(value)
    assert isinstance(node, ScalarNode)
    return node


def mapping(pairs: list[tuple[str, Node]], flow: bool = False) -> MappingNode:
    return MappingNode(MAP, [(scalar(k), v) for k, v in pairs], flow_style=flow)


def _written(item: Declared, value: Any, owner: Any) -> bool:
    if item.spec.written is not None:
        return item.spec.written(value, owner)
    return value is not None or item.default is not None  # a None that is not the default: "null"


def settings_nodes(owner: Any) -> list[tuple[str, Node]]:
    """(key, node) for each setting of ``owner`` (a settings dataclass) that a script states."""
    pairs = []
    for item in declared(type(owner)):
        value = getattr(owner, item.name)
        if _written(item, value, owner):
            pairs.append((item.key, value_node(item, value)))
    return pairs


def value_node(item: Declared, value: Any) -> Node:
    """One setting's value as a YAML node (a group, a list of numbers and a mapping that
    may hold only some keys in flow style: ``{a: 1, b: 2}``)."""
    if is_group(item):  # in one line when it holds only numbers and names
        pairs = settings_nodes(value)
        flow = all(isinstance(node, ScalarNode) and " " not in node.value for _, node in pairs)
        return mapping(pairs, flow=flow)
    if value is None:
        return scalar(None)
    if isinstance(value, Enum):
        return scalar(value.value)
    if isinstance(value, dict):
        return mapping(
            [(k, scalar(v)) for k, v in value.items()], flow=item.spec.keys is not None or not value
        )
    if isinstance(value, tuple):
        if value and isinstance(value[0], int):
            return SequenceNode(SEQ, [scalar(int(v)) for v in value], flow_style=True)
        return scalar(", ".join(value))
    if item.path in LIMITS:
        return scalar(int(value) if LIMITS[item.path].whole else float(value))
    return scalar(value)


# --------------------------------------------------------------------------- the header


def _range(item: Declared) -> str:
    limit = LIMITS.get(item.path)
    if limit is None:
        return ""
    low, high = (f"{int(v)}" if float(v).is_integer() else f"{v:g}" for v in (limit.low, limit.high))
    return f" ({low} to {high})"


def help_lines(key: str, text: str, indent: int = 0) -> list[str]:
    """One key's header lines: ``#   key   text``, wrapped under the text's column."""
    first = f"#   {' ' * indent + key:<26} "
    return textwrap.wrap(
        text, width=108, initial_indent=first, subsequent_indent="#" + " " * (len(first) - 1)
    )


def settings_help(cls: type = GuideSettings, prefix: str = "", indent: int = 0) -> list[str]:
    """Header lines for ``cls``'s settings and, indented under a group, its members."""
    lines = []
    for item in declared(cls, prefix):
        lines += help_lines(item.key, item.spec.help + _range(item), indent)
        if is_group(item):
            lines += settings_help(item.type, item.path + ".", indent + 2)
    return lines


def named(settings: GuideSettings, default_voice: str) -> GuideSettings:
    """``settings`` with the voice that will speak named, for an editor to see and change."""
    voice = settings.voice
    if voice.voice is None and voice.engine is None:
        return replace(settings, voice=replace(voice, voice=default_voice))
    return settings
