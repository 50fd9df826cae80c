"""A strict, safe YAML reader that remembers where every value came from.

Why not ``yaml.safe_load``: it silently keeps the last of two duplicate keys, turns ``yes``/``no``
into booleans, parses ``1.10`` as a float, expands alias bombs without limit, and forgets line numbers.
Rulesets are legal data, so this reader refuses all of that and knows a position for every path, so
that later stages (pydantic, the condition compiler) can report ``file:line:col``. A text is first read
without positions, which only errors and findings need; they are worked out when first asked for, and
a text that does not read cleanly is read again with them, so that every problem is located.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

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


class Positions:
    """Path → (line, column) of keys and of values, 1-based; also the scalar style of each value.

    Positions serve only errors and findings, so a file that reads cleanly is read without them
    (``deferred``): they are worked out on first use by reading its text again, the same way. Keeping
    a position for every value was about a third of reading a ruleset, and most of what the garbage
    collector had to walk while loading.
    """

    __slots__ = ("_limits", "_maps", "_text")

    def __init__(self, keys: dict[Path, tuple[int, int]] | None = None,
                 values: dict[Path, tuple[int, int, str | None]] | None = None) -> None:
        self._maps: tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int, str | None]]] | None = (
            {} if keys is None else keys, {} if values is None else values)
        self._text: str | None = None
        self._limits = LIMITS

    @classmethod
    def deferred(cls, text: str, limits: Limits) -> Positions:
        """The positions of a text that has been read cleanly once, worked out when first asked for."""
        positions = cls.__new__(cls)
        positions._maps, positions._text, positions._limits = None, text, limits
        return positions

    @property
    def keys(self) -> dict[Path, tuple[int, int]]:
        return (self._maps or self._read())[0]

    @property
    def values(self) -> dict[Path, tuple[int, int, str | None]]:
        return (self._maps or self._read())[1]

    def _read(self) -> tuple[dict[Path, tuple[int, int]], dict[Path, tuple[int, int, str | None]]]:
        """Read the text again, keeping where each value is (it read cleanly before, so it reads cleanly now).
        Threads that ask at once each read it and keep equal results: one of them is kept."""
        assert self._text is not None
        reader = _Reader(self._text, "<positions>", self._limits, record=True)
        try:
            reader.document()
        finally:
            reader.dispose()
        self._maps = (reader.keys, reader.values)
        return self._maps

    def __getstate__(self) -> tuple[object, ...]:
        return self._maps, self._text, self._limits

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._maps, self._text, self._limits = state

    def of(self, path: Path) -> tuple[int, int] | None:
        """The best-known position for a path: the key if it has one, else the nearest ancestor."""
        keys, values = self.keys, self.values
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            if prefix in keys:
                return keys[prefix]
            if prefix in values:
                line, col, _ = values[prefix]
                return line, col
        return None

    def locate(self, source: str, path: Path) -> Location:
        pos = self.of(path)
        return Location(source, pos[0], pos[1]) if pos else Location(source)


class YamlDocument(NamedTuple):
    """The plain data of one YAML document and where each part of it is."""

    data: Any
    positions: Positions
    source: str


_MERGE = "tag:yaml.org,2002:merge"
_Parser: Any = getattr(yaml, "CSafeLoader", None)  # libyaml's C parser when present: several times faster
_ScalarEvent, _SequenceStartEvent, _AliasEvent = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.AliasEvent
_SequenceEndEvent, _MappingEndEvent = yaml.SequenceEndEvent, yaml.MappingEndEvent
_ScalarNode, _SequenceNode, _MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
_NON_FINITE = {".nan", ".inf", "-.inf", "+.inf", "nan", "inf", "-inf", "infinity", "-infinity"}


class _Reader:
    """Builds plain data from parser events, keeping positions if ``record``; refuses explicit tags as it
    meets them.

    Events come from libyaml's C parser when it is installed (PyYAML's pure-Python parser otherwise).
    Values are built as the events arrive, with no node tree in between (most of the cost of reading
    a ruleset). Recording, a part that carries an anchor (``&name``), a complex key or a merge (``<<``)
    is composed into nodes, so that each alias (``*name``) is expanded again where it is used, with its
    own positions, and counted against the node limit (an alias bomb is refused); not recording, an
    anchored part is built once and each alias gets a copy, counted the same way (``_shared``). Depth
    is checked before going deeper, so thousands of ``[`` are refused at the limit rather than running
    into Python's recursion limit.
    Nothing but plain data (str, int, Decimal, date, bool, None, list, dict) is ever constructed.
    """

    def __init__(self, stream: str, source: str, limits: Limits, *, record: bool) -> None:
        if record or _Parser is None:  # libyaml refuses the same characters: without positions, it is left to it
            yaml.reader.Reader(stream)  # refuses the control characters YAML does not allow, with their offset
        self._parser: Any = _Parser(stream) if _Parser is not None else yaml.SafeLoader(stream)
        self.source, self.limits = source, limits
        self._max_depth, self._max_nodes = limits.max_depth, limits.max_nodes  # read for every value
        self.record = record  # keep where each value is (else every path below is the root's: unused)
        self.keys: dict[Path, tuple[int, int]] = {}
        self.values: dict[Path, tuple[int, int, str | None]] = {}
        self.problems: list[Problem] = []
        self.data: Any = None
        self.nodes = 0
        self._anchors: dict[str, yaml.Node] = {}
        self._kept: dict[str, tuple[Any, int, int]] = {}  # without positions: anchor -> value, values, height
        self._open: list[int] = []  # depths of the collections being read from the events

    def dispose(self) -> None:
        self._parser.dispose()

    def document(self) -> Any:
        """The single document of the stream as plain data (None for an empty stream)."""
        parser = self._parser
        parser.get_event()  # stream start
        data = None
        if not parser.check_event(yaml.StreamEndEvent):
            parser.get_event()  # document start
            try:
                data = self._value((), 0)
            except _Late:
                self._drain()
                raise
            parser.get_event()  # document end
        self._single_document()
        return data

    def _single_document(self) -> None:
        parser = self._parser
        if not parser.check_event(yaml.StreamEndEvent):
            event: Any = parser.get_event()
            raise yaml.composer.ComposerError("expected a single document in the stream", None,
                                              "but found another document", event.start_mark)
        parser.get_event()  # stream end

    def _drain(self) -> None:
        """After a limit met while building, read the rest without building: an error in the text itself
        (syntax, a tag, nesting, an unknown alias, a second document) is reported first, as if the whole
        text had been checked before anything was built."""
        parser, stack = self._parser, self._open
        anchors = set(self._anchors) | set(self._kept)
        while True:
            event: Any = parser.peek_event()
            if type(event) in (_SequenceEndEvent, _MappingEndEvent):
                parser.get_event()
                stack.pop()
                continue
            if isinstance(event, yaml.DocumentEndEvent):
                parser.get_event()
                break
            if type(event) is _AliasEvent:
                parser.get_event()
                if event.anchor not in anchors:
                    mark: Any = event.start_mark
                    raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
                continue
            depth = stack[-1] + 1 if stack else 0
            self._check_event(event, depth)
            parser.get_event()
            if event.anchor is not None:
                anchors.add(event.anchor)
            if type(event) is not _ScalarEvent:
                stack.append(depth)
        self._single_document()

    # -- checks shared by both paths ---------------------------------------------------------------

    def _loc(self, mark: Any) -> Location:
        return Location(self.source, mark.line + 1, mark.column + 1)

    def _fail(self, code: str, message: str, mark: Any) -> None:
        self.problems.append(Problem(code, message, self._loc(mark)))

    def _check_event(self, event: Any, depth: int) -> None:
        """Before an event is consumed: no explicit tag, and not deeper than the limit."""
        tag = event.tag
        if tag is not None and tag != "!":
            raise yaml.MarkedYAMLError(None, None, f"tags are not allowed (found {tag!r}); write plain values",
                                       event.start_mark)
        if depth > self.limits.max_depth:
            raise _Abort(Problem("yaml-too-deep", f"nesting deeper than {self.limits.max_depth} levels",
                                 self._loc(event.start_mark)))

    def _count(self, mark: Any, depth: int) -> None:
        """Each value built (aliases expanded) counts against the node limit; depth after expansion too."""
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise _Late(
                Problem(
                    "yaml-too-large",
                    f"more than {self.limits.max_nodes} values after alias expansion (an alias bomb?)",
                    self._loc(mark),
                )
            )
        if depth > self.limits.max_depth:
            raise _Late(Problem("yaml-too-deep", f"nesting deeper than {self.limits.max_depth} levels",
                                self._loc(mark)))

    # -- straight from events ----------------------------------------------------------------------

    def _value(self, path: Path, depth: int) -> Any:
        parser = self._parser
        event: Any = parser.peek_event()
        kind = type(event)
        if kind is _AliasEvent or event.anchor is not None:
            return self.build(self._compose(depth), path, depth) if self.record else self._shared(depth)
        tag = event.tag
        if (tag is not None and tag != "!") or depth > self._max_depth:
            self._check_event(event, depth)  # raises
        parser.get_event()
        mark = event.start_mark
        if kind is _ScalarEvent:
            self.nodes += 1
            if self.nodes > self._max_nodes:
                self._count(mark, depth)  # raises
            style = event.style or None  # libyaml reports a plain scalar's style as ''
            if self.record:
                self.values[path] = (mark.line + 1, mark.column + 1, style)
            return self._scalar(event.value, style, mark)
        self._open.append(depth)
        self._count(mark, depth)
        record = self.record
        if record:
            self.values[path] = (mark.line + 1, mark.column + 1, None)
        if kind is _SequenceStartEvent:
            items: list[Any] = []
            while type(parser.peek_event()) is not _SequenceEndEvent:
                items.append(self._value((*path, len(items)) if record else path, depth + 1))
            parser.get_event()
            self._open.pop()
            return items
        return self._mapping_events(path, depth)

    def _mapping_events(self, path: Path, depth: int) -> dict[str, Any]:
        parser = self._parser
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        keys, record = self.keys, self.record
        mark: Any
        while True:
            event: Any = parser.peek_event()
            if type(event) is _MappingEndEvent:
                break
            if type(event) is _ScalarEvent and event.anchor is None:
                if event.tag is not None or depth >= self._max_depth:
                    self._check_event(event, depth + 1)
                parser.get_event()
                if event.value == "<<" and not event.style:
                    if record:
                        self._merge(self._compose(depth + 1), path, depth, merged)
                    else:
                        _merge_values(self._value(path, depth + 1), merged)
                    continue
                key, mark = event.value, event.start_mark
            else:
                key_node = self._compose(depth + 1)
                if isinstance(key_node, _ScalarNode) and key_node.tag == _MERGE:
                    self._merge(self._compose(depth + 1), path, depth, merged)
                    continue
                if not isinstance(key_node, _ScalarNode):
                    self._fail("yaml-key", "keys must be plain names (no complex keys)", key_node.start_mark)
                    self._compose(depth + 1)  # the value: checked, not built
                    continue
                key, mark = key_node.value, key_node.start_mark
            if key in result:
                first = keys.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                self._fail("duplicate-key", f"key '{key}' appears twice in the same mapping{where}", mark)
                self._compose(depth + 1)  # the value: checked, not built
                continue
            if record:
                inner = (*path, key)
                keys[inner] = (mark.line + 1, mark.column + 1)
                result[key] = self._value(inner, depth + 1)
            else:
                result[key] = self._value(path, depth + 1)
        parser.get_event()
        self._open.pop()
        for key, value in merged.items():
            result.setdefault(key, value)  # explicit keys win over merged ones (YAML merge semantics)
        return result

    # -- without positions: anchored parts built once, each alias a copy -----------------------------

    def _shared(self, depth: int) -> Any:
        """An anchored part (``&name``), built from its events and kept, or an alias (``*name``) to one:
        a copy, counted against the limits as if it had been expanded in place. Used only when reading
        without positions, which never has the last word on a problem: an alias to an unknown or
        unfinished anchor, or a limit met here, reads the text again with positions (``_Redo``), as
        anything else this reading refuses does, and that reading reports it exactly."""
        parser = self._parser
        event: Any = parser.peek_event()
        if type(event) is _AliasEvent:
            alias: Any = parser.get_event()
            kept = self._kept.get(alias.anchor)
            if kept is None:
                raise _Redo
            value, count, height = kept
            self.nodes += count
            if self.nodes > self._max_nodes or depth + height > self._max_depth:
                raise _Redo
            return _copied(value)
        anchor = event.anchor
        self._kept.pop(anchor, None)  # redefined: an alias inside its own definition is left to _Redo
        event.anchor = None  # built as any other value (the event is PyYAML's own Python object)
        value = self._value((), depth)
        if anchor not in self._kept:  # else defined again inside itself: that later definition is the one aliased
            self._kept[anchor] = (value, *_measured(value))
        return value

    # -- nodes: anchored parts, and each alias that expands them -----------------------------------

    def _compose(self, depth: int) -> yaml.Node:
        parser = self._parser
        event: Any = parser.peek_event()
        if type(event) is _AliasEvent:
            parser.get_event()
            if event.anchor not in self._anchors:
                mark: Any = event.start_mark
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}", mark)
            return self._anchors[event.anchor]
        self._check_event(event, depth)
        event = parser.get_event()
        start: Any = event.start_mark
        node: yaml.Node
        if type(event) is _ScalarEvent:
            style = event.style or None
            merge = event.value == "<<" and style is None
            end: Any = event.end_mark
            node = _ScalarNode(_MERGE if merge else "tag:yaml.org,2002:str", event.value, start, end, style=style)
            self._anchor(event, node)
            return node
        if type(event) is _SequenceStartEvent:
            node = _SequenceNode("tag:yaml.org,2002:seq", [], start, None)
            self._anchor(event, node)
            while type(parser.peek_event()) is not _SequenceEndEvent:
                node.value.append(self._compose(depth + 1))
            node.end_mark = parser.get_event().end_mark
            return node
        node = _MappingNode("tag:yaml.org,2002:map", [], start, None)
        self._anchor(event, node)
        while type(parser.peek_event()) is not _MappingEndEvent:
            key = self._compose(depth + 1)
            node.value.append((key, self._compose(depth + 1)))
        node.end_mark = parser.get_event().end_mark
        return node

    def _anchor(self, event: Any, node: yaml.Node) -> None:
        if event.anchor is not None:
            self._anchors[event.anchor] = node

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        mark = node.start_mark
        self._count(mark, depth)
        if isinstance(node, _ScalarNode):
            self.values[path] = (mark.line + 1, mark.column + 1, node.style)
            return self._scalar(node.value, node.style, mark)
        self.values[path] = (mark.line + 1, mark.column + 1, None)
        if isinstance(node, _SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, _MappingNode):
            return self._mapping(node, path, depth)
        self._fail("yaml-syntax", "unsupported YAML node", mark)  # pragma: no cover - PyYAML has 3 kinds
        return None

    def _merge(self, value_node: yaml.Node, path: Path, depth: int, merged: dict[str, Any]) -> None:
        sources = value_node.value if isinstance(value_node, _SequenceNode) else [value_node]
        for source in sources:
            if not isinstance(source, _MappingNode):
                self._fail("yaml-key", "'<<' merges only mappings (an alias such as *item)", source.start_mark)
                continue
            for key, value in self._mapping(source, path, depth + 1).items():
                merged.setdefault(key, value)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, _ScalarNode) and key_node.tag == _MERGE:
                self._merge(value_node, path, depth, merged)
                continue
            if not isinstance(key_node, _ScalarNode):
                self._fail("yaml-key", "keys must be plain names (no complex keys)", key_node.start_mark)
                continue
            key = key_node.value
            if key in result:
                first = self.keys.get((*path, key))
                where = f" (first at line {first[0]})" if first else ""
                self._fail("duplicate-key", f"key '{key}' appears twice in the same mapping{where}",
                           key_node.start_mark)
                continue
            self.keys[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = self.build(value_node, (*path, key), depth + 1)
        for key, value in merged.items():
            result.setdefault(key, value)  # explicit keys win over merged ones (YAML merge semantics)
        return result

    # -- scalars -----------------------------------------------------------------------------------

    def _scalar(self, text: str, style: str | None, mark: Any) -> Any:
        if len(text) > self.limits.max_scalar_chars:
            self._fail("yaml-value-too-long", f"a value of {len(text)} characters; at most "
                       f"{self.limits.max_scalar_chars} are allowed", mark)
            return ""
        if style is not None:  # quoted or block: always a string
            return text
        if text in _NULL:
            return None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        first = text[0]  # not empty: '' is null
        # only these can start a number or a date (the date pattern's \d takes any decimal digit)
        if first in "0123456789+-." or (first > "\x7f" and first.isdecimal()):
            if _INT.fullmatch(text):
                digits = text.replace("_", "").lstrip("+-")
                if len(digits) > MAX_INTEGER_DIGITS:  # also keeps int() under Python's 4300-digit guard
                    self._fail("yaml-number", f"a whole number of {len(digits)} digits; at most "
                               f"{MAX_INTEGER_DIGITS} (quote it if it is a code, not a number)", mark)
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
                    self._fail("yaml-date", f"'{text}' looks like a date but is not a real one", mark)
                    return None
        elif first not in "nNiI":  # nor, but for these, a spelling of a non-finite number
            return text
        if text.lower() in _NON_FINITE:
            self._fail("yaml-number", f"'{text}' is not a finite number", mark)
            return None
        return text


class _Abort(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _Redo(Exception):
    """Reading without positions met something it leaves to the reading with positions."""


def _copied(value: Any) -> Any:
    """A fresh copy of plain data (its scalars are immutable), so that no two places share a list or mapping."""
    if type(value) is dict:
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    return value


def _measured(value: Any) -> tuple[int, int]:
    """The values in plain data (itself included) and how many levels lie below it: what expanding it costs."""
    if type(value) is dict or type(value) is list:
        count, height = 1, 0
        for item in value.values() if type(value) is dict else value:
            inner, below = _measured(item)
            count, height = count + inner, max(height, below + 1)
        return count, height
    return 1, 0


def _merge_values(value: Any, merged: dict[str, Any]) -> None:
    """``<<`` read without positions: the keys of a mapping, or of each mapping in a list, not already merged."""
    for source in value if type(value) is list else [value]:
        if type(source) is not dict:
            raise _Redo  # a '<<' that merges no mapping: reported by the reading with positions
        for key, item in source.items():
            merged.setdefault(key, item)


class _Late(_Abort):
    """A limit met while building (after alias expansion), reported after any error in the text itself."""


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


def parse_yaml(raw: bytes | str, source: str, *, limits: Limits = LIMITS, positions: bool = False) -> YamlDocument:
    """Parse one YAML document strictly; raise RulesetError listing every problem found.

    Where each value is written is worked out when first asked for (``Positions.deferred``), unless
    ``positions`` asks for it now: a caller that locates every part anyway (a case file) reads once.
    """
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
    if not positions:
        try:
            fast: _Reader | None = _read(text, source, limits, record=False)
        except (RulesetError, _Redo, UnicodeEncodeError):  # the last: a lone surrogate, met by libyaml's encoding
            fast = None
        if fast is not None and not fast.problems:
            return YamlDocument(fast.data, Positions.deferred(text, limits), source)
        # anything refused without positions is read again with them, and reported from that reading
        # alone: its messages name lines (a duplicate key's first occurrence) and its expansions of
        # anchors are the exact ones
    reader = _read(text, source, limits, record=True)
    if reader.problems:
        raise RulesetError(reader.problems)
    return YamlDocument(reader.data, Positions(reader.keys, reader.values), source)


def _tab_hint(text: str, mark: Any) -> str | None:
    """YAML indents with spaces only; libyaml's message at a tab does not always say it is one."""
    if mark is None:
        return None
    lines = text.splitlines()
    line = lines[mark.line] if mark.line < len(lines) else ""
    indent = line[:len(line) - len(line.lstrip(" \t"))]
    return "this line is indented with a tab: YAML indents with spaces only" if "\t" in indent else None


def _read(text: str, source: str, limits: Limits, *, record: bool) -> _Reader:
    """The reader after reading the text's one document (``reader.data``); an error that stops it raised
    as a located RulesetError. Problems that do not stop it are left in ``reader.problems``."""
    try:
        reader = _Reader(text, source, limits, record=record)  # control characters are refused here
    except yaml.reader.ReaderError as exc:
        raise RulesetError([_reader_problem(exc, text, source)]) from None
    try:
        reader.data = reader.document()
    except _Abort as abort:
        raise RulesetError([abort.problem]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(source, mark.line + 1, mark.column + 1) if mark else Location(source)
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if "nesting depth" in message:  # libyaml's own bound, met while its scanner reads ahead
            raise RulesetError([Problem("yaml-too-deep", f"nesting deeper than {limits.max_depth} levels",
                                        loc)]) from None
        raise RulesetError([Problem("yaml-syntax", message or "invalid YAML", loc, _tab_hint(text, mark))]) from None
    except yaml.reader.ReaderError as exc:  # pragma: no cover - the reader checks all the text up front
        raise RulesetError([_reader_problem(exc, text, source)]) from None
    except yaml.YAMLError as exc:
        raise RulesetError([Problem("yaml-syntax", str(exc), Location(source))]) from None
    except RecursionError:
        raise RulesetError(
            [Problem("yaml-too-deep", f"nesting deeper than {limits.max_depth} levels", Location(source))]
        ) from None
    finally:
        reader.dispose()
    return reader
