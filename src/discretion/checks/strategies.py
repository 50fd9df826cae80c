"""Hypothesis strategies built from a ruleset's fact schema and from its own condition thresholds.

Boundaries are where rulesets break, so numbers and dates are drawn mostly at, just below and just
above every literal a condition compares them with. Strategies shrink towards fewer facts (facts left
unknown), the first enum value, ``False``, and the boundary value itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ..compile import CompiledRuleset
from ..expr import nodes as n
from ..models.facts import FactKind, FactSpec
from ..standard_facts import DERIVED_FACTS

__all__ = ["cases", "facts", "thresholds"]

CENT = Decimal("0.01")
_DATE_FACTS = ("act_date", "act_end_date", "discovery_date", "decision_date", "notice_date")


def thresholds(ruleset: CompiledRuleset) -> dict[str, set[Any]]:
    """Every fact a condition reads, with the literals it is compared with (also ``fact ± literal``)."""
    found: dict[str, set[Any]] = {}
    for violation in ruleset.violations.values():
        for _, cond in violation.keyed_conditions:
            for name in cond.compiled.facts:
                found.setdefault(name, set())
            _collect(cond.compiled.node, found)
        for band in violation.model.statutory.bands:
            fine = band.fine
            if fine is not None and fine.multiple_of:
                found.setdefault(fine.multiple_of, set()).update({Decimal(0), Decimal(1)})
    return found


def _collect(node: n.Node, found: dict[str, set[Any]]) -> None:
    if isinstance(node, n.Compare):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            name = _fact_of(side)
            if name is not None and isinstance(other, n.Literal) and not isinstance(other.value, bool | str):
                found.setdefault(name, set()).add(other.value)
    for child in n.children(node):
        _collect(child, found)


def _fact_of(node: n.Node) -> str | None:
    if isinstance(node, n.Name):
        return node.fact
    if isinstance(node, n.Arith) and isinstance(node.left, n.Name):
        return node.left.fact
    return None


def _near(values: set[Any], step: Any) -> list[Any]:
    out: set[Any] = set()
    for value in values:
        out.update({value - step, value, value + step})
    return sorted(out)


def bounds(spec: FactSpec) -> tuple[Decimal, Decimal]:
    """The range numbers are drawn from: the declared one, else 0–10,000 (counts) or 0–1,000,000 (amounts)."""
    counts = spec.type in (FactKind.integer, FactKind.days)
    low = Decimal(spec.min) if spec.min is not None else Decimal(0)
    high = Decimal(spec.max) if spec.max is not None else Decimal(10_000 if counts else 1_000_000)
    return low, high


def _value(spec: FactSpec, edges: set[Any]) -> st.SearchStrategy[Any]:
    kind = spec.type
    if kind is FactKind.bool:
        return st.booleans()
    if kind is FactKind.enum:
        return st.sampled_from(spec.codes)
    if kind in (FactKind.integer, FactKind.days):
        lo, hi = (int(b) for b in bounds(spec))
        near = [int(v) for v in _near({Decimal(v) for v in edges}, Decimal(1)) if lo <= v <= hi]
        integers = st.integers(min_value=lo, max_value=hi)
        return st.one_of(st.sampled_from(near), integers) if near else integers
    if kind in (FactKind.money, FactKind.number):
        lo_d, hi_d = bounds(spec)
        near = [v.quantize(CENT) for v in _near({Decimal(v) for v in edges}, CENT) if lo_d <= v <= hi_d]
        amounts = st.decimals(min_value=lo_d, max_value=hi_d, places=2, allow_nan=False, allow_infinity=False)
        return st.one_of(st.sampled_from(near), amounts) if near else amounts
    if kind is FactKind.date:
        return st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
    if kind is FactKind.records:
        return st.just([])
    raise AssertionError(kind)  # pragma: no cover


def _often(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Present three times in four (hypothesis picks among the branches)."""
    return st.one_of(value, value, value, st.none())


def facts(schema: Mapping[str, FactSpec], *, edges: Mapping[str, set[Any]] | None = None,
          include: set[str] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Facts for a schema: each fact present or left unknown, values drawn around ``edges``.

    Facts the conditions read (those in ``edges``) are usually present; of the others at most two
    are, so that the statutory grounds do not decide every case. Shrinks towards fewer of those.
    Derived facts are left for the library to compute; dates are drawn as a consistent story
    (act ≤ discovery ≤ decision).
    """
    edges = edges or {}
    names = sorted(name for name in schema if name not in DERIVED_FACTS and name not in _DATE_FACTS
                   and (include is None or name in include) and schema[name].type is not FactKind.records)
    relevant = [name for name in names if name in edges]
    others = [name for name in names if name not in edges]
    values = {name: _value(schema[name], edges.get(name, set())) for name in names}
    main = st.fixed_dictionaries({}, optional={name: _often(values[name]) for name in relevant})
    extra = st.lists(st.sampled_from(others), max_size=2, unique=True).flatmap(
        lambda chosen: st.fixed_dictionaries({name: values[name] for name in chosen})) if others else st.just({})
    return st.tuples(main, extra).map(lambda pair: {k: v for k, v in {**pair[1], **pair[0]}.items()
                                                    if v is not None}).flatmap(
        lambda d: _dates().map(lambda ds: {**d, **ds}))


@st.composite
def _dates(draw: st.DrawFn) -> dict[str, Any]:
    if not draw(st.booleans()):
        return {}
    act = draw(st.dates(min_value=date(2018, 1, 1), max_value=date(2026, 12, 31)))
    span = draw(st.sampled_from([0, 1, 364, 365, 366, 729, 730, 731, 1826, 1827]) | st.integers(0, 2000))
    found = act + timedelta(days=span)
    out: dict[str, Any] = {"act_date": act.isoformat(), "discovery_date": found.isoformat()}
    if draw(st.booleans()):
        out["decision_date"] = (found + timedelta(days=draw(st.integers(0, 400)))).isoformat()
    if draw(st.booleans()):
        priors = draw(st.lists(st.integers(1, 1500), max_size=3))
        out["prior_violations"] = [{"date": (act - timedelta(days=d)).isoformat()} for d in priors]
    return out


def cases(ruleset: CompiledRuleset, violation: str | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid cases for a ruleset (or one violation): ``{"violation", "facts"}`` with boundary values.

    An unknown violation is a CaseError with did-you-mean here, not cases that all fail later."""
    edges = thresholds(ruleset)
    ids = [ruleset.violation(violation).id] if violation is not None else sorted(ruleset.violations)
    return st.builds(lambda vid, fs: {"violation": vid, "facts": fs}, st.sampled_from(ids),
                     facts(ruleset.schema, edges=edges))
