"""Decisions remembered by the facts they read: a case that agrees with an earlier one on every fact
the earlier evaluation looked at gets the same recommendation without evaluating again.

Why this is exact: the pipeline is a pure function of the ruleset, the violation, the jurisdiction
and the facts, and it reads facts only through ``get``, ``[]`` and ``in`` (anything else, such as
iterating over all facts, marks the run as not rememberable). One evaluation is run over a
recording view of the facts; the facts it read, in the order it first read them, with their values,
form a path in a trie. Evaluation is deterministic, so the first fact read is always the same, the
second depends only on the first's value, and so on: a later case walks the trie reading the same
facts and, if it reaches a leaf, agrees with the remembered case on everything the evaluation
looked at, so the evaluation would return the same result. Values are compared with their type and,
for ``Decimal``, their printed form (``1.0`` and ``1.00`` print differently in the output).

Only the case's id and the echo of its facts differ between cases that share a leaf; they are filled
in per case. The per-case result is a new object whose top-level lists are fresh copies; the parts
inside are shared and frozen, as elsewhere in the pipeline (read them, do not change them).

In front of the trie sits a plain dictionary of whole cases seen before word for word (``repeat_key``,
``recall``, ``keep``): a case sent as JSON-like data whose violation and facts (names, order, values
and their types) equal an earlier case's gets that case's final result, questions included, with its
own id, for the cost of one hash. Validation is skipped too, which is exact because it is a pure
function of those data: only scalars of JSON's types, decimals (by their printed form) and dates
qualify (no floats: -0.0 equals 0.0), so equal keys are equal inputs. A result is kept the second
time its case (or, for cases alike but for their dates, its facts without the dates: see
``redating``) is seen, not the first: a stream whose cases never repeat then pays one dictionary
entry per case instead of a copy of every result, and the garbage collector does not walk results
that will never be asked for again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, cast

from pydantic import BaseModel

from .case import loads_case, plain_parts
from .models.outcome import Recommendation, shared_fields
from .trace import json_fact

__all__ = ["HIDDEN", "LIMIT", "ByReads", "clear", "clears_with", "echo", "enabled", "keep", "paused", "recall",
           "remembered", "remembered_part", "repeat_key", "set_enabled", "stats"]

T = TypeVar("T")

LIMIT = 4096
"""Results remembered per process in each table (the trie, and whole cases seen word for word); past
it the table is forgotten at once (a bounded cache).

Measured on the tax ruleset (tracemalloc): a result with its trie path takes about 9 KB, a whole
case kept word for word less (its parts are shared with the trie's), so the memo stays under about
80 MB;
``set_enabled(False)`` turns it off for a process that prefers the memory.
"""

_MISSING = object()
_PLAIN = frozenset({bool, str, type(None), date})  # keys as they are
_LOCK = threading.Lock()
_ROOTS: _Tries = {}  # (ruleset, violation, jurisdiction) → the trie of whole results
_COUNTS = {"hits": 0, "misses": 0, "leaves": 0, "not_remembered": 0, "paused": 0, "repeats": 0}
_ENABLED = [True]


class _Unrememberable(Exception):
    """The run read the facts in a way a path cannot describe (iteration, an unhashable value)."""


class _Trie:
    """A trie kept flat: node ids are integers, edges a dict keyed by (node, value).

    Flat on purpose: a node object per step would put tens of objects per remembered result under the
    cyclic garbage collector, whose full passes then cost more than the memo saves.
    """

    __slots__ = ("edges", "nodes", "size")

    def __init__(self) -> None:
        self.nodes: dict[int, Any] = {}  # node → the fact it reads next (str), or its leaf
        self.edges: dict[tuple[int, Any], int] = {}  # (node, value read) → child node
        self.size = 0  # leaves


_Tries = dict[tuple[int, str, int], tuple[object, object, _Trie]]  # the entry keeps its owners alive

PAUSE = 4
"""When the memo fills up while its results were used less than once in 4 on average, runs are not
recorded for the next ``PAUSE * LIMIT`` cases it does not find; nor for the next ``PAUSE * WINDOW``
when, over the last ``WINDOW`` cases it did not find, it found fewer than half as many. Recording and
keeping a result makes a run about twice as dear (measured, the garbage collector included), so it
pays only for cases that come back; a stream that rarely repeats (unique amounts, say) then costs a
failed walk for most cases."""

WINDOW = 1024


def _norm(value: Any) -> Any:
    """A hashable key that tells apart values the output would print differently."""
    kind = type(value)
    if kind in _PLAIN or value is _MISSING:
        return value
    if kind is Decimal:
        return ("decimal", str(value))
    if kind is int:
        return ("int", value)
    if kind is tuple:
        return ("tuple", tuple(_norm(v) for v in value))
    if isinstance(value, BaseModel):
        return ("model", kind, tuple((k, _norm(v)) for k, v in value.__dict__.items()))
    raise _Unrememberable(f"value of type {kind.__name__}")


class _Reads(Mapping[str, Any]):
    """The case's facts, recording which were read (first read only) and their values."""

    __slots__ = ("_data", "_log", "_seen")

    def __init__(self, data: Mapping[str, Any], log: list[tuple[str, Any]], seen: set[str]) -> None:
        self._data, self._log, self._seen = data, log, seen

    def _record(self, name: str, real: Any) -> None:
        if name not in self._seen:
            self._seen.add(name)
            self._log.append((name, _norm(real)))

    def get(self, name: str, default: Any = None) -> Any:
        value = self._data.get(name, _MISSING)
        if name not in self._seen:  # ``_record`` inlined: this is most of what recording a run costs
            self._seen.add(name)
            self._log.append((name, value if type(value) in _PLAIN or value is _MISSING else _norm(value)))
        return default if value is _MISSING else value

    def __getitem__(self, name: str) -> Any:
        value = self._data.get(name, _MISSING)
        self._record(name, value)
        if value is _MISSING:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        self._record(name, self._data.get(name, _MISSING))
        return name in self._data

    def __iter__(self) -> Iterator[str]:
        raise _Unrememberable("the facts were iterated")

    def __len__(self) -> int:
        raise _Unrememberable("the facts were counted")


class _EchoReads(_Reads):
    """The JSON echo of the facts (``Recommendation.facts``), read as the typed value it echoes."""

    __slots__ = ("_real",)

    def __init__(self, real: Mapping[str, Any], log: list[tuple[str, Any]], seen: set[str]) -> None:
        super().__init__(_echoed(real), log, seen)
        self._real = real

    def _record(self, name: str, real: Any) -> None:
        super()._record(name, self._real.get(name, _MISSING))

    def get(self, name: str, default: Any = None) -> Any:
        value = self._data.get(name, _MISSING)
        self._record(name, value)
        return default if value is _MISSING else value

    def plain(self) -> dict[str, Any]:
        return dict(self._data)


HIDDEN = "\x00"
"""Names beginning with it are inputs a caller derived, not facts: they are never echoed."""


def echo(facts: Mapping[str, Any]) -> Mapping[str, Any]:
    """``Recommendation.facts`` for these facts: a recording view while a run is being remembered."""
    if isinstance(facts, _Reads):
        return _EchoReads(facts._data, facts._log, facts._seen)
    return _echoed(facts)


def _echoed(facts: Mapping[str, Any]) -> dict[str, Any]:
    return {k: json_fact(v) for k, v in facts.items() if not k.startswith(HIDDEN)}


def remembered(ruleset: object, violation: str, jurisdiction: object | None, facts: Mapping[str, Any],
               case_id: str | None, run: Callable[[Mapping[str, Any]], Recommendation], *,
               shown: Mapping[str, Any] | None = None, shared: bool = False) -> Recommendation:
    """``run(facts)``, or the result of an earlier run that read the same values; ``case_id`` filled in.

    ``shown`` are the facts echoed in the result (default ``facts``); ``facts`` may add inputs the
    caller derived, under names beginning with ``HIDDEN``, which are never echoed. ``shared`` returns
    the remembered result itself, without this case's id and echo, for a caller that only reads its
    decision (a batch row) and never hands it out; such runs are always recorded (a frame's rows are
    its distinct fact patterns, and a frame is often evaluated again: what if a baseline changed).
    """
    if not _ENABLED[0]:
        return run(facts)
    shown = facts if shown is None else shown
    key = (id(ruleset), violation, id(jurisdiction))
    leaf = _found(_ROOTS, key, ruleset, jurisdiction, facts)
    if leaf is not None:
        _RATE[1] += 1
        _COUNTS["hits"] += 1
        return leaf if shared else _for_case(leaf, shown, case_id)
    if not shared:  # a batch's rows are distinct by construction: their misses say nothing of repeats
        _RATE[0] += 1
        if _RATE[0] < _RATE[2]:
            _COUNTS["paused"] += 1
            return run(facts)  # the run itself echoes the facts and carries the case id
        if _RATE[0] - _WINDOW[0] >= WINDOW:
            _check_window()
    _COUNTS["misses"] += 1
    recorded = _recorded(run, facts)
    if recorded is None:
        _COUNTS["not_remembered"] += 1
        return run(facts)  # the run itself echoes the facts and carries the case id
    template = _template(recorded[0])
    _insert(key, ruleset, jurisdiction, recorded[1], template)
    return template if shared else _for_case(template, shown, case_id)


def remembered_part(ruleset: object, violation: str, jurisdiction: object | None, facts: Mapping[str, Any],
                    run: Callable[[Mapping[str, Any]], T]) -> T:
    """``run(facts)`` for a caller that needs only a small immutable part of a decision (a question's
    answer: its outcome and fine), remembered by the facts it read like whole results, in a table
    of its own: a part is a few shared objects, where a whole result is dozens for the garbage
    collector to walk. The same bound; cleared with the rest."""
    if not _ENABLED[0]:
        return run(facts)
    key = (id(ruleset), violation, id(jurisdiction))
    leaf = _found(_PARTS, key, ruleset, jurisdiction, facts)
    if leaf is not None:
        return cast(T, leaf[0])
    recorded = _recorded(run, facts)
    if recorded is None:
        return run(facts)
    with _LOCK:
        if _PART_LEAVES[0] >= LIMIT:
            _PARTS.clear()
            _PART_LEAVES[0] = 0
        if _add(_trie_for(_PARTS, key, ruleset, jurisdiction), recorded[1], (recorded[0],)):
            _PART_LEAVES[0] += 1
    return recorded[0]


_PARTS: _Tries = {}  # the same for parts of a decision (remembered_part)
_PART_LEAVES = [0]


class ByReads(Generic[T]):
    """A function of the facts, remembered the same way: by the values of the facts it read.

    Used for parts of the pipeline that read few facts and cost much, such as the statutory layer.
    Inside a run that is being remembered, its reads are recorded by that run too. Its results are
    shared: they must be immutable.
    """

    def __init__(self, function: Callable[[Mapping[str, Any]], T], limit: int = 4096) -> None:
        self.function, self.limit = function, limit
        self.trie = _Trie()
        self.lock = threading.Lock()

    def __call__(self, facts: Mapping[str, Any]) -> T:
        if not _ENABLED[0]:
            return self.function(facts)
        leaf = _walk(self.trie, facts)
        if leaf is not None:
            return cast(T, leaf[0])
        recorded = _recorded(self.function, facts)
        if recorded is None:
            return self.function(facts)
        with self.lock:
            if self.trie.size >= self.limit:
                self.trie = _Trie()
            _add(self.trie, recorded[1], (recorded[0],))
        return recorded[0]


_RATE = [0, 0, 0]  # lookups that missed, hits since the memo was last emptied, end of a pause (in misses)
_WINDOW = [0, 0]  # misses and hits when the last window began


def _check_window() -> None:
    """At the end of a window of ``WINDOW`` misses: pause recording if it found fewer than half as many."""
    hits = _COUNTS["hits"] - _WINDOW[1]
    if hits * 2 < _RATE[0] - _WINDOW[0]:
        _RATE[2] = _RATE[0] + PAUSE * WINDOW
    _WINDOW[:] = [max(_RATE[0], _RATE[2]), _COUNTS["hits"]]  # the next window starts after any pause


def _walk(trie: _Trie, facts: Mapping[str, Any]) -> Any:
    plain, missing, norm = _PLAIN, _MISSING, _norm  # locals: this loop is the whole cost of a hit
    nodes, edges, get = trie.nodes, trie.edges, facts.get
    node = 0
    while True:
        here = nodes.get(node)
        if type(here) is not str:
            return here  # a leaf, or None: nothing remembered here yet
        value = get(here, missing)
        if type(value) not in plain and value is not missing:
            try:
                value = norm(value)
            except _Unrememberable:
                return None
        child = edges.get((node, value))
        if child is None:
            return None
        node = child


def _template(result: Recommendation) -> Recommendation:
    """The result with its echo made plain and without a case id: what every matching case shares."""
    facts = result.__dict__["facts"]
    return _kept(result, facts.plain() if isinstance(facts, _EchoReads) else dict(facts))


def _kept(result: Recommendation, facts: dict[str, Any]) -> Recommendation:
    """A read-only copy to keep, without a case id: its lists and set of fields shared with the
    results kept before it wherever they hold the same objects.

    Results are kept by the thousand and live long, so each object they hold is walked by every full
    pass of the garbage collector, which made up about a third of a new pattern's cost; most of their
    lists (citations, measures, flags, penalties, reasons, and the empty ones) recur from result to
    result. Kept results are never changed (``_for_case`` copies the lists), so they may share them.
    """
    data = result.__dict__.copy()
    for name in _LISTS:
        items = data[name]
        key = (name, *map(id, items))  # the shared list holds the items: their ids stay theirs
        shared = _SHARED.get(key)
        if shared is None:
            if len(_SHARED) >= 8 * LIMIT:
                _SHARED.clear()
            shared = _SHARED[key] = list(items)
        data[name] = shared
    data["case_id"] = None
    data["facts"] = facts
    return _copy(data, shared_fields(result.__pydantic_fields_set__))


_SHARED: dict[tuple[Any, ...], list[Any]] = {}


def _copy(data: dict[str, Any], fields: set[str]) -> Recommendation:
    obj = _NEW(Recommendation)
    _SET(obj, "__dict__", data)
    _SET(obj, "__pydantic_fields_set__", fields)
    _SET(obj, "__pydantic_extra__", None)
    _SET(obj, "__pydantic_private__", None)
    return obj


_NEW, _SET = Recommendation.__new__, object.__setattr__


def _for_case(template: Recommendation, facts: Mapping[str, Any] | None, case_id: str | None) -> Recommendation:
    """A result of its own for this case; ``facts`` None keeps the template's echo (a copy of it)."""
    data = template.__dict__.copy()
    for name in _LISTS:  # fresh top-level lists (a plain loop: the quickest way, measured)
        data[name] = data[name].copy()
    data["case_id"] = case_id
    data["facts"] = _echoed(facts) if facts is not None else data["facts"].copy()
    return _copy(data, template.__pydantic_fields_set__)  # shared: results are frozen (models.outcome.shared_fields)


# -- whole cases seen before ---------------------------------------------------------------------

_REPEATS: dict[tuple[Any, ...], tuple[object, object, Recommendation]] = {}
_NOTED: dict[tuple[Any, ...], None] = {}  # cases (or fact patterns) seen once: kept when seen again
_JSON_SCALARS = frozenset({str, int, bool, type(None)})
_SCALARS = _JSON_SCALARS | {Decimal, date, datetime}  # what Python callers pass besides JSON's types


def plain_case(case: Any) -> dict[str, Any] | None:
    """A case as plain data: the dict itself, or JSON text read into one; None for anything else."""
    if type(case) is dict:
        return case
    if type(case) is str or type(case) is bytes:
        try:
            data = loads_case(case)  # as validation reads it: UTF-8 only, no key given twice
        except (ValueError, RecursionError):
            return None  # the long way reports it
        return data if type(data) is dict else None
    return None


def repeat_key(ruleset: object, jurisdiction: object | None, case: Any) -> tuple[Any, ...] | None:
    """The key of a case given as plain data with one violation and scalar facts; None for any other.

    The key holds the violation and the facts' names, values and value types in the order given (the
    echo keeps that order); its last part is the case id, which is not compared. Decimals count by
    their printed form. Anything else (a ``Case`` model, art. 29's several violations, floats, lists)
    goes the long way. JSON text counts by the data it holds.
    """
    if not _ENABLED[0]:
        return None
    parts = plain_parts(plain_case(case))  # the shape validation would accept without the Case model
    if parts is None:
        return None
    case_id, violation, facts = parts
    values = tuple(facts.values())
    types = tuple(map(type, values))
    if not _JSON_SCALARS.issuperset(types):
        if not _SCALARS.issuperset(types):
            return None
        values = tuple(str(v) if type(v) is Decimal else v for v in values)  # 1.0 and 1.00 print apart
    return (id(ruleset), id(jurisdiction), violation, tuple(facts), values, types, case_id)


def recall(key: tuple[Any, ...], ruleset: object, jurisdiction: object | None) -> Recommendation | None:
    """The result kept for this key, as this case's own (its id), or None."""
    entry = _REPEATS.get(key[:-1])
    if entry is None or entry[0] is not ruleset or entry[1] is not jurisdiction:
        return None
    _COUNTS["repeats"] += 1
    return _for_case(entry[2], None, key[-1])


def keep(key: tuple[Any, ...], ruleset: object, jurisdiction: object | None, result: Recommendation, *,
         pattern: tuple[Any, ...] | None = None) -> None:
    """Keep a final result for later cases with this key (a copy: the caller's result stays the
    caller's), if its ``pattern`` (by default the key without the case id) was seen before; else note it."""
    short = key[:-1]
    seen = short if pattern is None else pattern
    with _LOCK:
        if seen not in _NOTED:
            if len(_NOTED) >= LIMIT:
                _NOTED.clear()
            _NOTED[seen] = None
            return
        if len(_REPEATS) >= LIMIT:
            _REPEATS.clear()
        _REPEATS[short] = (ruleset, jurisdiction, _kept(result, dict(result.facts)))


_LISTS = tuple(name for name, info in Recommendation.model_fields.items()
               if getattr(info.annotation, "__origin__", None) is list)


def _insert(key: tuple[int, str, int], ruleset: object, jurisdiction: object | None,
            path: list[tuple[str, Any]], template: Recommendation) -> None:
    with _LOCK:
        if _COUNTS["leaves"] >= LIMIT:
            if _RATE[1] * 4 < _COUNTS["leaves"]:  # the results kept were hardly used: stop keeping for a while
                _RATE[2] = _RATE[0] + PAUSE * LIMIT
            _ROOTS.clear()
            _COUNTS["leaves"] = 0
            _RATE[1] = 0
        if _add(_trie_for(_ROOTS, key, ruleset, jurisdiction), path, template):
            _COUNTS["leaves"] += 1


def _found(table: _Tries, key: tuple[int, str, int], ruleset: object, jurisdiction: object | None,
           facts: Mapping[str, Any]) -> Any:
    """The leaf this ruleset's and jurisdiction's trie holds for these facts, or None."""
    entry = table.get(key)
    if entry is None or entry[0] is not ruleset or entry[1] is not jurisdiction:
        return None
    return _walk(entry[2], facts)


def _trie_for(table: _Tries, key: tuple[int, str, int], ruleset: object, jurisdiction: object | None) -> _Trie:
    """The trie of a ruleset, violation and jurisdiction, made if there is none (under ``_LOCK``).
    The entry keeps the ruleset and jurisdiction, so that an id in the key is never reused for another."""
    entry = table.get(key)
    if entry is None or entry[0] is not ruleset or entry[1] is not jurisdiction:
        entry = table[key] = (ruleset, jurisdiction, _Trie())
    return entry[2]


def _recorded(run: Callable[[Mapping[str, Any]], T],
              facts: Mapping[str, Any]) -> tuple[T, list[tuple[str, Any]]] | None:
    """``run`` over a recording view of the facts: its result and the facts it read, in order, with
    their values; None if it read them in a way a path cannot describe (iterated them, say)."""
    log: list[tuple[str, Any]] = []
    try:
        return run(_Reads(facts, log, set())), log
    except _Unrememberable:
        return None


def _add(trie: _Trie, path: list[tuple[str, Any]], leaf: Any) -> bool:
    """Hang ``leaf`` at the end of ``path``; False if the path disagrees with the trie (never remembered)."""
    nodes, edges = trie.nodes, trie.edges
    node = 0
    for name, value in path:
        here = nodes.get(node)
        if here is None:
            nodes[node] = name
        elif here != name:  # a leaf, or not the order an earlier run read in: do not remember
            return False
        child = edges.get((node, value))
        if child is None:
            child = edges[(node, value)] = len(edges) + 1
        node = child
    if node in nodes:
        return False
    nodes[node] = leaf
    trie.size += 1
    return True


def clear() -> None:
    """Forget every remembered result (rulesets are immutable, so this is never needed for correctness)."""
    with _LOCK:
        _ROOTS.clear()
        _REPEATS.clear()
        _NOTED.clear()
        _SHARED.clear()
        _PARTS.clear()
        _PART_LEAVES[0] = 0
        _COUNTS.update(hits=0, misses=0, leaves=0, not_remembered=0, paused=0, repeats=0)
        _RATE[:] = [0, 0, 0]
        _WINDOW[:] = [0, 0]
        for forget in _ALSO_CLEARED:
            forget()


def set_enabled(enabled: bool) -> None:
    """Turn remembering on (the default) or off for the whole process, e.g. to measure without it."""
    _ENABLED[0] = enabled
    if not enabled:
        clear()


def enabled() -> bool:
    """Whether remembering is on: a table kept elsewhere (``clears_with``) is not used while it is off."""
    return _ENABLED[0]


def paused() -> bool:
    """Whether recording is paused because the stream of cases is not repeating (see ``WINDOW``): a
    table kept elsewhere should not grow then either, each entry being more for the collector to walk."""
    return _RATE[0] < _RATE[2]


def clears_with(forget: Callable[[], None]) -> None:
    """Have ``clear`` also forget a table kept by another module that remembers what a result held
    (``reasons``: the sentences written for a trace), so that a cleared memo is a cold one."""
    _ALSO_CLEARED.append(forget)


_ALSO_CLEARED: list[Callable[[], None]] = []


def stats() -> dict[str, int]:
    """Hits, misses (recorded runs), remembered results, runs that could not be remembered, runs not
    recorded during a pause, and whole cases recalled word for word (``repeats``), since the last clear."""
    return dict(_COUNTS)
