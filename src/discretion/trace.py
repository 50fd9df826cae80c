"""Trace parts built cheaply: frozen output pieces interned per process and shared between results.

Evaluation is the hot path; most trace steps, explained conditions, flags and citation labels recur
from case to case, so each is built once and reused. Shared pieces are frozen models: callers read
them, never change them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from . import law
from .compile import CompiledCondition
from .models.common import Citation
from .models.outcome import Condition, Flag, LabelOut, TraceStep, build, replaced, to_json_value
from .models.vocabulary import FLAGS

__all__ = ["dated_statute_step", "explained", "interned_flag", "json_fact", "label_of", "label_out", "seen_before",
           "statute_step", "step"]

# Per-process caches of frozen output parts that recur from case to case. Keyed by the identity of
# long-lived compiled objects (kept alive in the entry, so an id is never confused with a reused
# one) and the values read; cleared when they grow past a bound rather than evicted one by one.
_CACHE_LIMIT = 65536
_EXPLAINED: dict[tuple[Any, ...], tuple[CompiledCondition, Condition]] = {}
_FLAGS: dict[tuple[str, str | None, str | None], Flag] = {}
_STEPS: dict[tuple[Any, ...], tuple[tuple[Condition, ...], TraceStep]] = {}
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


def step(rule: str, kind: str, matched: bool | None, conditions: list[Condition] | None = None,
          note: str | None = None, article: str | None = None) -> TraceStep:
    """A trace step, interned: the same rule with the same (interned) conditions is one frozen object.

    Interning makes a trace cheap to build and lets ``reasons`` recognise a trace it has read before.
    """
    conds = tuple(conditions) if conditions else ()
    key = (rule, kind, matched, note, article, *map(id, conds))
    entry = _STEPS.get(key)
    if entry is None or entry[0] != conds:  # identical objects compare at C speed; equal ones agree anyway
        made = build(TraceStep, rule=rule, kind=kind, matched=matched, conditions=list(conds), note=note,
                     article=article)
        if not seen_before(_STEPS_SEEN, key):
            return made
        if len(_STEPS) > _CACHE_LIMIT:
            _STEPS.clear()
        entry = _STEPS[key] = (conds, made)
    return entry[1]


def seen_before(seen: dict[tuple[Any, ...], None], key: tuple[Any, ...]) -> bool:
    """Whether a part's key was met before, noting it if not: a part is interned on its second sight.

    On a stream of new cases most steps and explained conditions occur once (they quote an amount, an
    age); interned, each stayed for every full pass of the garbage collector to walk. A key of plain
    values is itself untracked by the collector, so noting it costs no such pass.
    """
    if key in seen:
        return True
    if len(seen) > _CACHE_LIMIT:
        seen.clear()
    seen[key] = None
    return False


_STEPS_SEEN: dict[tuple[Any, ...], None] = {}
_EXPLAINED_SEEN: dict[tuple[Any, ...], None] = {}


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
    """The condition as evaluated, shared between cases that read the same values (it is frozen)."""
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
    if entry is None or entry[0] is not cond:
        made = _explain_afresh(cond, value, facts)
        if not seen_before(_EXPLAINED_SEEN, key):
            return made
        if len(_EXPLAINED) > _CACHE_LIMIT:
            _EXPLAINED.clear()
        entry = _EXPLAINED[key] = (cond, made)
    return entry[1]


def _explain_afresh(cond: CompiledCondition, value: bool | None, facts: dict[str, Any]) -> Condition:
    if value is True:
        reads = {name: to_json_value(facts.get(name)) for name in sorted(cond.compiled.facts)}
        return build(Condition, condition=cond.spec.when, zh=cond.spec.zh, value=True, facts=reads)
    why = cond.compiled.explain(facts)
    return build(Condition, condition=cond.spec.when, zh=cond.spec.zh, value=value, failed=why.failed,
                 unknown=why.unknown, facts={k: to_json_value(v) for k, v in why.reads.items()})
