"""Reading a composed YAML node tree with located errors: ``<file>:<line>: <problem>``.

The values are read from the nodes, not from the Python objects PyYAML would
construct, so that every problem names its line and text fields keep the
characters the editor typed: ``language: no`` is Norwegian, not ``False``.
"""

from __future__ import annotations

import math
import re
from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from audioguide.errors import GuideScriptError
from audioguide.text import strip_controls

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"

Keys = dict[str, tuple[ScalarNode, Node]]  # a mapping's keys: key -> (its node, its value's node)

# A YAML 1.2 float: an exponent needs no dot ("1e12", "2E-3"); YAML 1.1 resolves these to text.
_YAML12_FLOAT_RE = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$")


def describe(node: Node) -> str:
    """How a value looks, for 'must be X, not Y' messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node.tag == NULL:
        return "empty"
    return repr(node.value)


def is_null(node: Node) -> bool:
    """``key:`` with nothing after it, or ``key: null``."""
    return isinstance(node, ScalarNode) and node.tag == NULL


def one_line(text: str) -> str:
    """Strip each line and join them with spaces (wrapped text -> one line)."""
    return " ".join(line.strip() for line in text.strip().split("\n") if line.strip())


def without_controls(text: str) -> str:
    """``text`` without control characters, and no double space where one was taken out."""
    cleaned = strip_controls(text)
    return cleaned if cleaned == text else re.sub(r"[ \t]{2,}", " ", cleaned)


def _yaml12_float(node: Node) -> bool:
    """An unquoted scalar that YAML 1.2 reads as a number in exponent form and PyYAML as text."""
    return (
        isinstance(node, ScalarNode)
        and node.tag == STR
        and node.style is None
        and bool(_YAML12_FLOAT_RE.match(node.value))
    )


class NodeReader:
    """Reads the nodes of one YAML file, raising :class:`GuideScriptError` located in it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: Node | int, problem: str) -> NoReturn:
        line = node if isinstance(node, int) else node.start_mark.line + 1
        raise GuideScriptError(f"{self.name}:{line}: {problem}")

    def mapping(
        self, node: Node, known: tuple[str, ...] | None, what: str, where: str = "", key_name: str = "key"
    ) -> Keys:
        """Keys of a mapping node (checked: text keys, no duplicates, all ``known`` unless None).

        ``key_name`` is how errors call a key ("top-level key" for the script's own).
        """
        if not isinstance(node, MappingNode):
            self.fail(node, f"{what} must be a mapping, not {describe(node)}")
        result: Keys = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.fail(key_node, f"{what}: a {key_name} must be a word, not {describe(key_node)}")
            key = key_node.value
            if key in result:
                self.fail(key_node, f"duplicate {key_name} '{key}'{where}")
            if known is not None and key not in known:
                self.fail(key_node, f"unknown {key_name} '{key}'{where} (known: {', '.join(known)})")
            result[key] = (key_node, value_node)
        return result

    def text(self, node: Node, name: str, *, optional: bool = False) -> str | None:
        """A text value exactly as written (``no`` stays "no"), without control characters
        (a YAML escape such as "\\x1b" or "\\uD800" could bring them); None if empty."""
        if not isinstance(node, ScalarNode):
            self.fail(node, f"{name} must be text, not {describe(node)}")
        value = "" if node.tag == NULL else node.value
        value = one_line(without_controls(value))
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

    def number(self, node: Node, name: str, *, whole: bool = False) -> float:
        """A finite number (YAML 1.2's ``1e12`` included); ``whole``: without a fraction."""
        noun = "a whole number" if whole else "a number"
        if _yaml12_float(node):  # 1e12: PyYAML (YAML 1.1) reads it as text
            value = float(node.value)
        elif not isinstance(node, ScalarNode) or node.tag not in (INT, FLOAT):
            self.fail(node, f"{name} must be {noun}, not {describe(node)}")
        else:
            value = self._value(node)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            self.fail(node, f"{name} must be {noun}, not {describe(node)}")
        if whole and not float(value).is_integer():
            self.fail(node, f"{name} must be {noun}, not {describe(node)}")
        return float(value)

    def flag(self, node: Node, name: str) -> bool:
        if not isinstance(node, ScalarNode) or node.tag != BOOL:
            self.fail(node, f"{name} must be true or false, not {describe(node)}")
        return bool(self._value(node))
