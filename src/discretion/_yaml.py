"""A strict, safe YAML reader that remembers where every value came from.

Why not ``yaml.safe_load``: it silently keeps the last of two duplicate keys, turns ``yes``/``no``
into booleans, parses ``1.10`` as a float, expands alias bombs without limit, and forgets line numbers.
Rulesets are legal data, so this reader refuses all of that and keeps a position for every path, so
that later stages (pydantic, the condition compiler) can report ``file:line:col``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .errors import Location, Problem, RulesetError

__all__ = ["LIMITS", "Limits", "Positions", "YamlDocument", "parse_yaml"]

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Limits:
    """Declared bounds on what a ruleset or case file may contain; each has its own error code."""

    max_file_bytes: int = 5 * 1024 * 1024
    max_nodes: int = 200_000
    max_depth: int = 64
    max_scalar_chars: int = 100_000
    max_rules: int = 20_000  # violations + bands + tiers + list items + conditions (checked in loading)


LIMITS = Limits()
MAX_INTEGER_DIGITS = 30

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)")
_DECIMAL = re.compile(r"[-+]?([0-9][0-9_]*)?\.[0-9]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass
class Positions:
    """Path → (line, column) of keys and of values, 1-based; also the scalar style of each value."""

    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path, tuple[int, int, str | None]] = field(default_factory=dict)

    def of(self, path: Path) -> tuple[int, int] | None:
        """The best-known position for a path: the key if it has one, else the nearest ancestor."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in self.keys:
                return self.keys[prefix]
            if prefix in self.values:
                line, col, _ = self.values[prefix]
                return line, col
        return None

    def locate(self, source: str, path: Path) -> Location:
        pos = self.of(path)
        return Location(source, pos[0], pos[1]) if pos else Location(source)


@dataclass
class YamlDocument:
    """The plain data of one YAML document and where each part of it is."""

    data: Any
    positions: Positions
    source: str


_MERGE = "tag:yaml.org,2002:merge"
_Parser: Any = getattr(yaml, "CSafeLoader", None)  # libyaml's C parser when present: several times faster


class _StrictComposer:
    """Composes nodes from parser events; refuses explicit tags before anything is constructed.

    Events come from libyaml's C parser when it is installed (PyYAML's pure-Python parser otherwise);
    composing here, iteratively bounded by the depth limit, keeps our checks on either: thousands of
    ``[`` are refused at the limit rather than running into Python's recursion limit.
    """

    def __init__(self, stream: str, source: str = "<yaml>", max_depth: int = LIMITS.max_depth) -> None:
        yaml.reader.Reader(stream)  # refuses the control characters YAML does not allow, with their offset
        self._parser: Any = _Parser(stream) if _Parser is not None else yaml.SafeLoader(stream)
        self._source, self._max_depth = source, max_depth
        self._anchors: dict[str, yaml.Node] = {}

    def dispose(self) -> None:
        self._parser.dispose()

    def get_single_node(self) -> yaml.Node | None:
        parser = self._parser
        parser.get_event()  # stream start
        node = None
        if not parser.check_event(yaml.StreamEndEvent):
            parser.get_event()  # document start
            node = self._compose(0)
            parser.get_event()  # document end
        if not parser.check_event(yaml.StreamEndEvent):
            event: Any = parser.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        parser.get_event()  # stream end
        return node

    def _compose(self, depth: int) -> yaml.Node:
        parser = self._parser
        event: Any = parser.peek_event()
        if isinstance(event, yaml.AliasEvent):
            parser.get_event()
            if event.anchor not in self._anchors:
                mark: Any = event.start_mark
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
            return self._anchors[event.anchor]
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):
            raise yaml.MarkedYAMLError(None, None, f"tags are not allowed (found {tag!r}); write plain values",
                                       event.start_mark)
        if depth > self._max_depth:
            mark = event.start_mark
            raise _Abort(Problem("yaml-too-deep", f"nesting deeper than {self._max_depth} levels",
                                 Location(self._source, mark.line + 1, mark.column + 1)))
        event = parser.get_event()
        start: Any = event.start_mark
        node: yaml.Node
        if isinstance(event, yaml.ScalarEvent):
            style = event.style or None  # libyaml reports a plain scalar's style as ''
            merge = event.value == "<<" and style is None
            end: Any = event.end_mark
            node = yaml.ScalarNode(_MERGE if merge else "tag:yaml.org,2002:str", event.value, start, end,
                                   style=style)
            self._anchor(event, node)
            return node
        if isinstance(event, yaml.SequenceStartEvent):
            node = yaml.SequenceNode("tag:yaml.org,2002:seq", [], start, None)
            self._anchor(event, node)
            while not parser.check_event(yaml.SequenceEndEvent):
                node.value.append(self._compose(depth + 1))
            node.end_mark = parser.get_event().end_mark
            return node
        node = yaml.MappingNode("tag:yaml.org,2002:map", [], start, None)
        self._anchor(event, node)
        while not parser.check_event(yaml.MappingEndEvent):
            key = self._compose(depth + 1)
            node.value.append((key, self._compose(depth + 1)))
        node.end_mark = parser.get_event().end_mark
        return node

    def _anchor(self, event: Any, node: yaml.Node) -> None:
        if event.anchor is not None:
            self._anchors[event.anchor] = node


class _Builder:
    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.positions = Positions()
        self.problems: list[Problem] = []
        self.nodes = 0

    def _loc(self, node: yaml.Node) -> Location:
        return Location(self.source, node.start_mark.line + 1, node.start_mark.column + 1)

    def _fail(self, code: str, message: str, node: yaml.Node) -> None:
        self.problems.append(Problem(code, message, self._loc(node)))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _Abort(
                Problem(
                    "yaml-too-large",
                    f"more than {self.limits.max_nodes} values after alias expansion (an alias bomb?)",
                    self._loc(node),
                )
            )
        if depth > self.limits.max_depth:
            raise _Abort(
                Problem("yaml-too-deep", f"nesting deeper than {self.limits.max_depth} levels", self._loc(node))
            )
        mark = node.start_mark
        if isinstance(node, yaml.ScalarNode):
            self.positions.values[path] = (mark.line + 1, mark.column + 1, node.style)
            return self._scalar(node)
        self.positions.values[path] = (mark.line + 1, mark.column + 1, None)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        self._fail("yaml-syntax", "unsupported YAML node", node)  # pragma: no cover - PyYAML has 3 kinds
        return None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _MERGE:
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, yaml.MappingNode):
                        self._fail("yaml-key", "'<<' merges only mappings (an alias such as *item)", source)
                        continue
                    for key, value in self._mapping(source, path, depth + 1).items():
                        merged.setdefault(key, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail("yaml-key", "keys must be plain names (no complex keys)", key_node)
                continue
            key = key_node.value
            if key in result:
                first = self.positions.keys.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                self._fail("duplicate-key", f"key '{key}' appears twice in the same mapping{where}", key_node)
                continue
            self.positions.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)  # explicit keys win over merged ones (YAML merge semantics)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        text: str = node.value
        if len(text) > self.limits.max_scalar_chars:
            self._fail("yaml-value-too-long", f"a value of {len(text)} characters; at most "
                       f"{self.limits.max_scalar_chars} are allowed", node)
            return ""
        if node.style is not None:  # quoted or block: always a string
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if _INT.fullmatch(text):
            digits = text.replace("_", "").lstrip("+-")
            if len(digits) > MAX_INTEGER_DIGITS:  # also keeps int() under Python's 4300-digit guard
                self._fail("yaml-number", f"a whole number of {len(digits)} digits; at most "
                           f"{MAX_INTEGER_DIGITS} (quote it if it is a code, not a number)", node)
                return None
            return int(text.replace("_", ""))
        if _DECIMAL.fullmatch(text):
            try:
                return Decimal(text.replace("_", ""))
            except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
                return text
        if _DATE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                self._fail("yaml-date", f"'{text}' looks like a date but is not a real one", node)
                return None
        lowered = text.lower()
        if lowered in {".nan", ".inf", "-.inf", "+.inf", "nan", "inf", "-inf", "infinity", "-infinity"}:
            self._fail("yaml-number", f"'{text}' is not a finite number", node)
            return None
        return text


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _decode(raw: bytes, source: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RulesetError(
            [Problem("encoding", f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})",
                     Location(source, line))]
        ) from None


def _reader_problem(exc: yaml.reader.ReaderError, text: str, source: str) -> Problem:
    """A control character YAML does not allow, located by line and column (from the reader's offset)."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    return Problem("encoding", f"character U+{exc.character:04X} is not allowed in YAML; remove it",
                   Location(source, line, column))


def parse_yaml(raw: bytes | str, source: str, *, limits: Limits = LIMITS) -> YamlDocument:
    """Parse one YAML document strictly; raise RulesetError listing every problem found."""
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if size > limits.max_file_bytes:
        raise RulesetError(
            [Problem("file-too-large", f"{size} bytes; at most {limits.max_file_bytes} are allowed",
                     Location(source))]
        )
    text = raw if isinstance(raw, str) else _decode(raw, source)
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise RulesetError([Problem("encoding", "the file contains NUL characters", Location(source))])
    try:
        loader = _StrictComposer(text, source, limits.max_depth)  # the reader refuses control characters here
    except yaml.reader.ReaderError as exc:
        raise RulesetError([_reader_problem(exc, text, source)]) from None
    builder = _Builder(source, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            data: Any = None
        else:
            data = builder.build(node, (), 0)
    except _Abort as abort:
        raise RulesetError([abort.problem]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "nesting depth" in message:  # libyaml's own bound, met while its scanner reads ahead
            raise RulesetError([Problem("yaml-too-deep", f"nesting deeper than {limits.max_depth} levels",
                                        loc)]) from None
        raise RulesetError([Problem("yaml-syntax", message or "invalid YAML", loc)]) from None
    except yaml.reader.ReaderError as exc:  # pragma: no cover - the reader checks all the text up front
        raise RulesetError([_reader_problem(exc, text, source)]) from None
    except yaml.YAMLError as exc:
        raise RulesetError([Problem("yaml-syntax", str(exc), Location(source))]) from None
    except RecursionError:
        raise RulesetError(
            [Problem("yaml-too-deep", f"nesting deeper than {limits.max_depth} levels", Location(source))]
        ) from None
    finally:
        loader.dispose()
    if builder.problems:
        raise RulesetError(builder.problems)
    return YamlDocument(data, builder.positions, source)
