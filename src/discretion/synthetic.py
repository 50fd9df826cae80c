"""Synthetic cases and recorded decisions, seeded and labelled as such, for demos, tests and benchmarks.

Why: analysts need realistic-looking corpora to try audits and change-impact reports without real
case files, and such data must never pass for real: every frame made here has ``synthetic=True`` in a
column and in ``frame.attrs``. Values cluster around the thresholds the ruleset's conditions use, so
that every tier and list item is reached. Install with ``pip install "discretion[analysis]"``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from .compile import CompiledRuleset
from .errors import BackendUnavailable
from .expr import nodes as n
from .models.facts import FactKind

__all__ = ["LABEL", "cases", "decisions", "thresholds"]

LABEL = "合成数据 synthetic data (discretion.synthetic), not real cases"
_SKIP = {"prior_violations", "party_argued", "timely_corrected", "prior_violation_count"}


def _modules() -> tuple[Any, Any]:
    try:
        import numpy as np
        import pandas as pd
    except ImportError as exc:  # pragma: no cover
        raise BackendUnavailable(f"discretion.synthetic needs {exc.name}: pip install \"discretion[analysis]\"",
                                 code="analysis-unavailable") from None
    return np, pd


def _nodes(node: n.Node) -> Iterator[n.Node]:
    yield node
    for child in (getattr(node, "operand", None), getattr(node, "left", None), getattr(node, "right", None),
                  getattr(node, "item", None)):
        if isinstance(child, n.Node):
            yield from _nodes(child)
    for child in (*getattr(node, "operands", ()), *getattr(node, "options", ())):
        yield from _nodes(child)


def thresholds(ruleset: CompiledRuleset) -> dict[str, set[Decimal]]:
    """Numeric literals each fact is compared with, anywhere in the ruleset's conditions."""
    found: dict[str, set[Decimal]] = {}
    for violation in ruleset.violations.values():
        for _key, cond in violation.keyed_conditions:
            for node in _nodes(cond.compiled.node):
                if isinstance(node, n.Compare):
                    pairs = [(node.left, node.right), (node.right, node.left)]
                elif isinstance(node, n.Member):
                    pairs = [(node.item, option) for option in node.options]
                else:
                    continue
                for name, literal in pairs:
                    if isinstance(name, n.Name) and isinstance(literal, n.Literal) \
                            and isinstance(literal.value, int | Decimal) and not isinstance(literal.value, bool):
                        found.setdefault(name.fact, set()).add(Decimal(literal.value))
    return found


def cases(ruleset: CompiledRuleset, n_cases: int, seed: int = 0, *, unknown: float = 0.05,
          violations: list[str] | None = None) -> Any:
    """A seeded DataFrame of synthetic cases: ``case_id``, ``synthetic``, ``violation`` and fact columns.

    ``violations``: the violations to draw from (None: all of the ruleset's; an empty list is an error,
    never "all").

    >>> from discretion import load_ruleset
    >>> frame = cases(load_ruleset("rulesets/tax/first-violation"), 3, seed=1)
    >>> bool(frame["synthetic"].all()), frame.attrs["synthetic"], len(frame)
    (True, True, 3)
    """
    np, pd = _modules()
    rng = np.random.default_rng(seed)
    pool = _pool(ruleset, violations)
    data: dict[str, Any] = {
        "case_id": [f"SYN-{seed}-{i:07d}" for i in range(n_cases)],
        "synthetic": np.ones(n_cases, dtype=bool),
        "violation": pd.Categorical.from_codes(rng.integers(0, len(pool), n_cases), categories=pool),
    }
    cuts = thresholds(ruleset)
    act = rng.integers((date(2023, 1, 1) - date(1970, 1, 1)).days, (date(2024, 12, 31) - date(1970, 1, 1)).days,
                       n_cases)
    for name, spec in ruleset.schema.items():
        if name in _SKIP:
            continue
        missing = rng.random(n_cases) < unknown
        kind = spec.type
        if kind is FactKind.bool:
            bias = 0.5 if name not in ("no_fault_evidence", "coerced", "confessed", "meritorious") else 0.1
            values = rng.random(n_cases) < bias
            data[name] = pd.array(np.where(missing, None, values), dtype="boolean")
        elif kind is FactKind.enum:
            codes = np.where(missing, -1, rng.integers(0, len(spec.codes), n_cases))
            data[name] = pd.Categorical.from_codes(codes, categories=list(spec.codes))
        elif kind in (FactKind.integer, FactKind.days):
            values = _numbers(rng, np, spec, cuts.get(name, set()), n_cases, name == "age_at_act")
            data[name] = pd.array(np.where(missing, None, values.astype(np.int64)), dtype="Int64")
        elif kind in (FactKind.money, FactKind.number):
            fen = _numbers(rng, np, spec, cuts.get(name, set()), n_cases, False, money=True)
            yuan = np.round(fen) / 100
            data[name] = np.where(missing, np.nan, yuan)
        elif kind is FactKind.date:
            offset = {"act_date": 0, "act_end_date": 0, "discovery_date": 1, "decision_date": 2}.get(name, 0)
            days = act + (rng.integers(0, 400 if offset == 1 else 60, n_cases) * offset) if offset else act
            if name == "discovery_date":
                days = act + np.where(rng.random(n_cases) < 0.05, rng.integers(731, 1200, n_cases),
                                      rng.integers(0, 400, n_cases))
            stamps = days.astype("datetime64[D]").astype("datetime64[s]")
            data[name] = np.where(missing, np.datetime64("NaT", "s"), stamps)
    frame = pd.DataFrame(data)
    frame.attrs.update({"synthetic": True, "label": LABEL, "seed": seed, "ruleset": ruleset.id})
    return frame


def _pool(ruleset: CompiledRuleset, violations: list[str] | None) -> list[str]:
    """The violations cases are drawn from; ValueError for an empty list, and the unknown-violation
    CaseError with did-you-mean (``CompiledRuleset.violation``) for a name the ruleset lacks."""
    if violations is None:
        return list(ruleset.violations)
    pool = list(violations)
    if not pool:
        raise ValueError("violations=[] names no violation to draw cases from (pass None for all of them)")
    return [ruleset.violation(name).id for name in pool]


def _numbers(rng: Any, np: Any, spec: Any, cuts: set[Decimal], size: int, age: bool, *, money: bool = False) -> Any:
    """Around the thresholds (each ± one unit) half the time, otherwise spread over a plausible range."""
    unit = 100 if money else 1
    low = int((spec.min or 0) * unit)
    high = int(spec.max * unit) if spec.max is not None else (int(max(cuts) * unit * 3) if cuts else 100 * unit)
    if age:
        low, high = 10, 70
    high = max(high, low + unit)
    spread = rng.integers(low, high + 1, size)
    if not cuts:
        return spread
    points = sorted({int(c * unit) + d for c in cuts for d in (-unit, 0, unit)})
    points = np.array([p for p in points if low <= p <= high] or [low], dtype=np.int64)
    near = points[rng.integers(0, len(points), size)]
    return np.where(rng.random(size) < 0.5, near, spread)


def decisions(ruleset: CompiledRuleset, n_cases: int, seed: int = 0, *, deviation: float = 0.15) -> Any:
    """Synthetic cases with synthetic recorded decisions (``recorded_outcome``, ``recorded_fine`` in
    Decimal yuan, ``recorded_unit``, ``recorded_date``): mostly as recommended, with a share of
    deviations (fines outside the range, exemptions not applied, random outcomes) for audit demos."""
    np, pd = _modules()
    from .batch import evaluate_frame

    frame = cases(ruleset, n_cases, seed)
    recs = evaluate_frame(ruleset, frame, progress=False)
    rng = np.random.default_rng(seed + 1)
    roll = rng.random(n_cases)
    outcomes: list[str | None] = []
    fines: list[Decimal | None] = []
    kinds = [o for o in ("lighter", "standard", "heavier")]
    for i, (outcome, low, high) in enumerate(zip(recs["outcome"], recs["fine_min"], recs["fine_max"], strict=True)):
        chosen = None if pd.isna(outcome) else str(outcome)
        fine = _within(rng, low, high)
        if chosen is not None and roll[i] < deviation:
            mode = roll[i] / deviation
            if mode < 0.35 and high is not None:
                fine = (high * Decimal("1.2") + 100).quantize(Decimal(1))
            elif mode < 0.7 and chosen == "no_penalty":
                chosen, fine = "standard", Decimal(int(rng.integers(1, 20)) * 100)
            else:
                chosen = kinds[int(rng.integers(0, len(kinds)))]
        outcomes.append(chosen)
        fines.append(None if chosen in (None, "no_penalty") else fine)
    frame["recorded_outcome"] = pd.Series(outcomes, dtype=object)
    frame["recorded_fine"] = pd.Series(fines, dtype=object)
    frame["recorded_unit"] = pd.Categorical.from_codes(rng.integers(0, 3, n_cases),
                                                       categories=["一中队 unit 1", "二中队 unit 2", "三中队 unit 3"])
    start = np.datetime64("2024-01-01")
    frame["recorded_date"] = start + rng.integers(0, 366, n_cases).astype("timedelta64[D]")
    frame.attrs.update({"synthetic": True, "label": LABEL, "seed": seed, "ruleset": ruleset.id})
    return frame


def _within(rng: Any, low: Decimal | None, high: Decimal | None) -> Decimal | None:
    if low is None or high is None:
        return None
    if high <= low:
        return low
    step = (high - low) / 10
    return (low + step * int(rng.integers(0, 4))).quantize(Decimal("0.01"))
