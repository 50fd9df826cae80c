"""Trace parts built cheaply: frozen output pieces interned per process and shared between results.

Evaluation is the hot path; most trace steps, explained conditions, flags and citation labels recur
from case to case, so each is built once and reused (steps and explained conditions from their second
sight on: see ``Interned``). Shared pieces are frozen models: callers read them, never change them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from decimal import Decimal
from typing import Any, Generic, TypeVar

from . import law
from .compile import CompiledCondition
from .models.common import Citation
from .models.outcome import Condition, Flag, LabelOut, TraceStep, build, replaced, to_json_value
from .models.vocabulary import FLAGS

__all__ = ["RULE_KINDS", "Interned", "dated_statute_step", "explained", "interned_flag", "json_fact", "label_of",
           "label_out", "statute_step", "step", "unknown_reads"]

# Per-process caches of frozen output parts that recur from case to case. Keyed by the identity of
# long-lived compiled objects (kept alive in the entry, so an id is never confused with a reused
# one) and the values read; cleared when they grow past a bound rather than evicted one by one.
_CACHE_LIMIT = 65536
V = TypeVar("V")


class Interned(Generic[V]):
    """A bounded table of output parts that keeps a part on its second sight, not its first.

    On a stream of new cases most steps and explained conditions occur once (they quote an amount, an
    age); kept at once, each stayed for every full pass of the garbage collector to walk. So the first
    time only the key is noted (a key of plain values is itself untracked by the collector) and the
    part is kept the second time. Past ``limit`` entries the table is cleared at once rather than
    evicted one by one. A key that holds ids may be noted for an object since freed: that only keeps
    a part early, and callers check the entry they get back.
    """

    __slots__ = ("_kept", "_limit", "_noted", "get")

    def __init__(self, limit: int = _CACHE_LIMIT) -> None:
        self._kept: dict[Hashable, V] = {}
        self._noted: dict[Hashable, None] = {}
        self._limit = limit
        # The part kept under a key, or None (TypeError for a key that cannot be hashed): the dict's own
        # method, since every step and condition of every case asks (the table is cleared, never replaced).
        self.get: Callable[[Hashable], V | None] = self._kept.get

    def offer(self, key: Hashable, part: V) -> None:
        """Keep ``part`` under ``key`` if the key was offered before; note the key otherwise."""
        if key not in self._noted:
            if len(self._noted) > self._limit:
                self._noted.clear()
            self._noted[key] = None
            return
        if len(self._kept) > self._limit:
            self._kept.clear()
        self._kept[key] = part

    def clear(self) -> None:
        """Forget every part kept and every key noted (a table cleared with the memo)."""
        self._kept.clear()
        self._noted.clear()


_EXPLAINED: Interned[tuple[CompiledCondition, Condition]] = Interned()
_FLAGS: dict[tuple[str, str | None, str | None], Flag] = {}
_STEPS: Interned[tuple[tuple[Condition, ...], TraceStep]] = Interned()
_READS: dict[int, tuple[CompiledCondition, tuple[str, ...]]] = {}
_LABELS: dict[int, tuple[Citation, str]] = {}
_PLAIN = frozenset({bool, str, int, type(None)})


def label_of(citation: Citation) -> str:
    """``citation.label()`` by identity: hashing a pydantic model on every call was a hot spot."""
    entry = _LABELS.get(id(citation))
    if entry is None or entry[0] is not citation:
        if len(_LABELS) > _CACHE_LIMIT:
            _LABELS.clear()
        entry = _LABELS[id(citation)] = (citation, citation.label())
    return entry[1]


def json_fact(value: Any) -> Any:
    """A fact value in JSON form, with no call for the common plain values."""
    return value if type(value) in _PLAIN else to_json_value(value)


def _key(value: Any) -> Any:
    """A cache key for a fact value: Decimal('1.0') and Decimal('1.00') are equal but print differently."""
    return str(value) if type(value) is Decimal else value


RULE_KINDS = frozenset({"band", "tier", "list_item"})
"""The kinds of trace step that are the ruleset's own rules (the others: statute, formula, criminal)."""


def unknown_reads(steps: Iterable[TraceStep], kinds: frozenset[str]) -> Iterator[str]:
    """The unknown facts that the undecided steps of ``kinds`` read (an undecided condition's facts left
    unknown), in the trace's order, repeats included: what questions ask for a ruleset's rules. A rule
    decided stays so whatever the answers (Kleene): what it reads decides nothing."""
    for step in steps:
        if step.matched is None and step.kind in kinds:
            for cond in step.conditions:
                if cond.value is None:
                    yield from (name for name, value in cond.facts.items() if value is None)


def step(rule: str, kind: str, matched: bool | None, conditions: list[Condition] | None = None,
          note: str | None = None, article: str | None = None) -> TraceStep:
    """A trace step, interned from its second sight: the same rule with the same (interned) conditions
    is then one frozen object.

    Interning makes a trace cheap to build and lets ``reasons`` recognise a trace it has read before.
    """
    conds = tuple(conditions) if conditions else ()
    key = (rule, kind, matched, note, article, *map(id, conds))
    entry = _STEPS.get(key)
    if entry is not None and entry[0] == conds:  # identical objects compare at C speed; equal ones agree
        return entry[1]
    made = build(TraceStep, rule=rule, kind=kind, matched=matched, conditions=list(conds), note=note,
                 article=article)
    _STEPS.offer(key, (conds, made))
    return made


def statute_step(ground: law.StatutoryGround, holds: bool | None, why: str) -> TraceStep:
    return step(ground.rule, "statute", holds, None, why, label_of(ground.citation))


def dated_statute_step(ground: law.StatutoryGround, holds: bool | None, why: str) -> TraceStep:
    """A statute step whose wording quotes the case's own dates: built, not interned (it rarely recurs,
    and a stream of dated cases would otherwise crowd out the steps that do)."""
    undated = _UNDATED.get((ground.rule, holds))
    if undated is None:  # a handful: law's few dated grounds, each matched, not or unknown
        undated = _UNDATED[ground.rule, holds] = statute_step(ground, holds, "")
    return replaced(undated, conditions=[], note=why)


_UNDATED: dict[tuple[str, bool | None], TraceStep] = {}


_LABELS_OUT: dict[tuple[str, str, str], LabelOut] = {}


def label_out(code: str, zh: str, en: str) -> LabelOut:
    """A code with its labels (an outcome, a violation, a measure), one frozen object each."""
    key = (code, zh, en)
    label = _LABELS_OUT.get(key)
    if label is None:
        if len(_LABELS_OUT) > _CACHE_LIMIT:
            _LABELS_OUT.clear()
        label = _LABELS_OUT[key] = build(LabelOut, code=code, zh=zh, en=en)
    return label


def interned_flag(code: str, article: str | None, detail: str | None) -> Flag:
    """A flag with its labels, one frozen object per (code, article, detail)."""
    key = (code, article, detail)
    flag = _FLAGS.get(key)
    if flag is None:
        if len(_FLAGS) > _CACHE_LIMIT:
            _FLAGS.clear()
        label = FLAGS[code]
        flag = _FLAGS[key] = build(Flag, code=code, zh=label.zh, en=label.en, article=article, detail=detail)
    return flag


def explained(cond: CompiledCondition, value: bool | None, facts: dict[str, Any]) -> Condition:
    """The condition as evaluated, shared from its second sight between cases that read the same values
    (it is frozen)."""
    names = _READS.get(id(cond))
    if names is None or names[0] is not cond:
        if len(_READS) > _CACHE_LIMIT:
            _READS.clear()
        names = _READS[id(cond)] = (cond, tuple(sorted(cond.compiled.facts)))
    key = (id(cond), value, *[_key(facts.get(name)) for name in names[1]])
    try:
        entry = _EXPLAINED.get(key)
    except TypeError:  # an unhashable value: explain afresh
        return _explain_afresh(cond, value, facts)
    if entry is not None and entry[0] is cond:
        return entry[1]
    made = _explain_afresh(cond, value, facts)
    _EXPLAINED.offer(key, (cond, made))
    return made


def _explain_afresh(cond: CompiledCondition, value: bool | None, facts: dict[str, Any]) -> Condition:
    if value is True:
        reads = {name: to_json_value(facts.get(name)) for name in sorted(cond.compiled.facts)}
        return build(Condition, condition=cond.spec.when, zh=cond.spec.zh, value=True, facts=reads)
    why = cond.compiled.explain(facts)
    return build(Condition, condition=cond.spec.when, zh=cond.spec.zh, value=value, failed=why.failed,
                 unknown=why.unknown, facts={k: to_json_value(v) for k, v in why.reads.items()})
