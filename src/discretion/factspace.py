"""A finite model of the fact space, as DMN verification uses: exact over enums and booleans, and
intervals over numbers and dates cut at every literal the conditions compare them with.

Each numeric fact gets one representative point per interval (the literal itself, just below, just
above, and the open ends), so evaluating conditions on the cartesian product of representatives
decides gaps, overlaps and rules that never fire exactly for conditions of the form ``fact op
literal``. Arithmetic between facts is approximated by the same points, which is said in the finding.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from .case import TIMELY
from .expr import nodes as n
from .models.facts import FactKind, FactSpec

__all__ = ["MAX_POINTS", "enumerate_space", "literals_by_fact", "points", "representatives"]

MAX_POINTS = 50_000
CENT = Decimal("0.01")


def literals_by_fact(conditions: Iterable[n.Node]) -> dict[str, set[Any]]:
    found: dict[str, set[Any]] = {}
    for node in conditions:
        _walk(node, found)
    return found


def _walk(node: n.Node, found: dict[str, set[Any]]) -> None:
    if isinstance(node, n.Name):
        found.setdefault(node.fact, set())
    if isinstance(node, n.Compare):
        for side, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(side, n.Name) and isinstance(other, n.Literal) and not isinstance(other.value, bool | str):
                found.setdefault(side.fact, set()).add(other.value)
    if isinstance(node, n.Member) and isinstance(node.item, n.Name):
        found.setdefault(node.item.fact, set()).update(
            o.value for o in node.options if not isinstance(o.value, bool | str))
    for child in n.children(node):
        _walk(child, found)


def representatives(spec: FactSpec, literals: set[Any]) -> list[Any]:
    """One value per region of the fact's domain that the conditions can tell apart."""
    kind = spec.type
    if kind is FactKind.bool:
        return [False, True]
    if kind is FactKind.enum:
        return list(spec.codes)
    if kind is FactKind.date:
        days = sorted({d for d in literals if isinstance(d, date)})
        around = {d + timedelta(days=k) for d in days for k in (-1, 0, 1)} or {date(2024, 1, 1)}
        return sorted(around)
    if kind in (FactKind.integer, FactKind.days, FactKind.money, FactKind.number):
        step = Decimal(1) if kind in (FactKind.integer, FactKind.days) else CENT
        low = spec.min if spec.min is not None else (Decimal(0) if kind is not FactKind.number else None)
        values = sorted({Decimal(v) for v in literals})
        cuts: set[Decimal] = set()
        for v in values:
            cuts.update({v - step, v, v + step})
        if not values:
            cuts.add(low if low is not None else Decimal(0))
        if low is not None:
            cuts = {p for p in cuts if p >= low} | {low}
        if spec.max is not None:
            cuts = {p for p in cuts if p <= spec.max} | {spec.max}
        if kind in (FactKind.integer, FactKind.days):
            return sorted({int(p) for p in cuts})
        return sorted(cuts)
    return []


def enumerate_space(schema: Mapping[str, FactSpec], literals: Mapping[str, set[Any]],
                    limit: int = MAX_POINTS) -> tuple[list[str], list[list[Any]]] | None:
    """The facts and their representative values, or None when the product exceeds ``limit``."""
    names = sorted(name for name in literals if name in schema and schema[name].type is not FactKind.records)
    values = [representatives(schema[name], literals[name]) for name in names]
    size = 1
    for options in values:
        size *= max(len(options), 1)
        if size > limit:
            return None
    return names, values


def points(names: list[str], values: list[list[Any]],
           implications: Mapping[str, Mapping[str, Any]] | None = None) -> Iterator[dict[str, Any]]:
    """Assignments of the enumerated space, with derived facts computed as the case layer would."""
    for combo in itertools.product(*values):
        facts = dict(zip(names, combo, strict=True))
        for name, implied in (implications or {}).items():
            if facts.get(name) is True:
                for target, value in implied.items():
                    facts.setdefault(target, value)
        corrected = facts.get("corrected")
        if corrected is not None and "timely_corrected" not in facts:
            facts["timely_corrected"] = corrected in TIMELY
        if "prior_violation_count" in facts and "first_violation" not in facts:
            facts["first_violation"] = facts["prior_violation_count"] == 0
        yield facts
