"""The vectorised evaluator: rows grouped by everything the pipeline's decision reads, one real
evaluation per group, its result broadcast to the group.

Why this is exact: for a given violation, ``evaluate`` decides from (a) the value of every keyed
condition, (b) the statutory grounds of ``law.exemption`` and ``law.mandatory_leniency``, (c) the
base facts of fact-dependent fines (multiples, per-day amounts), and (d) the facts the procedure
flags read (party type, legal review, collective decision, confiscation). Those are computed here on
arrays, packed into one key per row, and rows that share a key share the recommendation, which is
computed by ``discretion.evaluate`` on the group's first row. Rows the arrays cannot represent go
through ``discretion.evaluate`` one by one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..compile import CompiledRuleset, CompiledViolation
from ..errors import DiscretionError
from ..evaluate import evaluate
from ..models.facts import FactKind
from ..models.jurisdiction import Jurisdiction
from ..models.outcome import Recommendation
from ..models.penalty import Fine
from .columns import NUMBER_FACTOR, coerce_column, python_value
from .vector import EPOCH, Column, NotVectorisable, Tri, condition_mask, exemption_masks, leniency_masks

__all__ = ["Row", "evaluate_rows", "row_result"]

Bools = npt.NDArray[np.bool_]
FLAG_FACTS = ("major_public_interest", "hearing_held", "complex_case", "major_violation")


@dataclass(frozen=True, slots=True)
class Row:
    """What one row yields: the columns of the result frame (money as Decimal yuan, never float)."""

    outcome: str | None
    mandatory: bool | None
    fine_min: Decimal | None
    fine_max: Decimal | None
    measures: tuple[str, ...]
    list_item: str | None
    tier: str | None
    band: str | None
    rules: tuple[str, ...]
    flags: tuple[str, ...]
    error: str | None


def row_result(rec: Recommendation) -> Row:
    """The batch columns of one recommendation."""
    fine = rec.fine
    return Row(rec.outcome.value, rec.mandatory, fine.min if fine else None, fine.max if fine else None,
               tuple(rec.measure_codes), rec.list_item, rec.tier, rec.band,
               tuple(step.rule for step in rec.trace if step.matched is True), tuple(f.code for f in rec.flags), None)


def _error_row(message: str) -> Row:
    return Row(None, None, None, None, (), None, None, None, (), (), message)


class Frame:
    """The input frame seen as cases: the violation of each row and the facts as Python values."""

    def __init__(self, ruleset: CompiledRuleset, frame: Any, violations: Any, id_column: str | None,
                 jurisdiction: Jurisdiction | None = None) -> None:
        self.ruleset, self.frame, self.id_column, self.jurisdiction = ruleset, frame, id_column, jurisdiction
        codes, uniques = pd.factorize(violations, use_na_sentinel=True)
        self.violation_codes: npt.NDArray[np.int64] = np.asarray(codes, dtype=np.int64)
        self.violation_names = [python_value(v) for v in uniques]
        self.facts = [name for name in frame.columns if name in ruleset.schema]

    def cases(self, rows: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
        """The rows as case mappings, reading only those rows (never a whole column as objects)."""
        part = self.frame.iloc[rows]
        columns = {name: part[name].to_numpy(dtype=object) for name in self.facts}
        ids = part[self.id_column].to_numpy(dtype=object) if self.id_column is not None else None
        out: list[dict[str, Any]] = []
        for at, row in enumerate(rows.tolist()):
            facts = {}
            for name, values in columns.items():
                value = python_value(values[at])
                if value is not None:
                    facts[name] = value
            code = int(self.violation_codes[row])
            case: dict[str, Any] = {"violation": self.violation_names[code] if code >= 0 else None, "facts": facts}
            if ids is not None:
                ident = python_value(ids[at])
                case["id"] = None if ident is None else str(ident)
            out.append(case)
        return out


def evaluate_cases(frame: Frame, rows: npt.NDArray[np.int64]) -> list[Row]:
    """Rows through the real pipeline; an invalid case becomes an error row, never an exception."""
    return [_evaluate_one(frame.ruleset, case, frame.jurisdiction) for case in frame.cases(rows)]


def _evaluate_one(ruleset: CompiledRuleset, case: dict[str, Any], jurisdiction: Jurisdiction | None) -> Row:
    try:
        return row_result(evaluate(ruleset, case, jurisdiction=jurisdiction))
    except DiscretionError as exc:
        return _error_row(str(exc))
    except (ArithmeticError, ValueError, TypeError) as exc:  # e.g. a date pushed past year 9999
        return _error_row(f"evaluation-failed: {type(exc).__name__}: {exc}")


def evaluate_rows(frame: Frame, tick: Callable[[int], None]) -> tuple[npt.NDArray[np.int64], list[Row]]:
    """Each row's index into a table of distinct results (so columns are built by one take each)."""
    size = len(frame.frame)
    index = np.full(size, -1, dtype=np.int64)
    table: list[Row] = []
    ruleset = frame.ruleset
    columns: dict[str, Column] = {}
    bad = np.zeros(size, dtype=bool)
    for name in frame.facts:
        column, column_bad = coerce_column(ruleset.schema[name], frame.frame[name])
        columns[name] = column
        bad |= column_bad
    _defaults_and_derived(ruleset, columns, size)
    exemptions = exemption_masks(columns, size)
    leniency = leniency_masks(columns, size)
    shared = [tri.trits() for tri in (*exemptions, *leniency)] + _flag_parts(ruleset, columns, size)
    slow: list[int] = np.flatnonzero(bad).tolist()
    for vid, violation in ruleset.violations.items():
        if vid not in frame.violation_names:
            continue
        rows = np.flatnonzero((frame.violation_codes == frame.violation_names.index(vid)) & ~bad)
        if rows.size == 0:
            continue
        try:
            parts = _violation_parts(violation, columns, size, dict(ruleset.schema))
        except NotVectorisable:
            slow.extend(rows.tolist())
            continue
        keys = _key([part[rows] for part in (*shared, *parts)])
        firsts = np.flatnonzero(~pd.Index(keys).duplicated())
        index[rows] = keys + len(table)
        table.extend(evaluate_cases(frame, rows[firsts]))
        tick(int(rows.size))
    slow.extend(np.flatnonzero((index < 0) & ~bad).tolist())
    rest = np.array(sorted(set(slow)), dtype=np.int64)
    index[rest] = np.arange(len(table), len(table) + len(rest))
    table.extend(evaluate_cases(frame, rest))
    tick(len(rest))
    return index, table


def _defaults_and_derived(ruleset: CompiledRuleset, columns: dict[str, Column], size: int) -> None:
    """``validate_case`` and ``case.derive`` on arrays: schema defaults, timely correction, first violation."""
    from ..case import TIMELY, coerce

    for name, spec in ruleset.schema.items():
        if spec.default is None or spec.type is FactKind.records:
            continue
        value = coerce(spec, spec.default)
        scalar = _scalar(spec.type, spec.codes, value)
        column = columns.get(name)
        if column is None:
            columns[name] = Column(spec, np.full(size, scalar), np.ones(size, dtype=bool))
        else:
            filled = np.where(column.known, column.values, scalar)
            columns[name] = Column(spec, filled, np.ones(size, dtype=bool))
    corrected = columns.get("corrected")
    timely = columns.get("timely_corrected")
    if corrected is not None:
        timely_codes = [corrected.spec.codes.index(c) for c in TIMELY]
        derived = np.isin(corrected.values, timely_codes)
        if timely is None:
            columns["timely_corrected"] = Column(ruleset.schema["timely_corrected"], derived & corrected.known,
                                                 corrected.known.copy())
        else:
            use = ~timely.known & corrected.known
            columns["timely_corrected"] = Column(timely.spec, np.where(use, derived, timely.values),
                                                 timely.known | use)
    count = columns.get("prior_violation_count")
    first = columns.get("first_violation")
    if count is not None:  # rows that give prior_violations records are evaluated per case
        derived = count.values == 0
        if first is None:
            columns["first_violation"] = Column(ruleset.schema["first_violation"], derived & count.known,
                                                count.known.copy())
        else:
            use = ~first.known & count.known
            columns["first_violation"] = Column(first.spec, np.where(use, derived, first.values),
                                                first.known | use)


def _scalar(kind: FactKind, codes: tuple[str, ...], value: Any) -> Any:
    if kind is FactKind.enum:
        return codes.index(value)
    if kind is FactKind.money:
        return int(Decimal(value) * 100)
    if kind is FactKind.number:
        return int(Decimal(value) * NUMBER_FACTOR)
    if kind is FactKind.date:
        return (value - EPOCH).days
    return value


def _flag_parts(ruleset: CompiledRuleset, columns: dict[str, Column], size: int) -> list[npt.NDArray[Any]]:
    parts: list[npt.NDArray[Any]] = []
    act = columns.get("act_date")
    if act is not None:  # ruleset_not_in_force (art. 37)
        model = ruleset.model
        outside = act.values < (model.effective - EPOCH).days
        if model.expires is not None:
            outside |= act.values >= (model.expires - EPOCH).days
        parts.append((outside & act.known).astype(np.int8))
    for name in FLAG_FACTS:
        column = columns.get(name)
        parts.append(np.zeros(size, dtype=np.int8) if column is None else
                     (column.values.astype(bool) & column.known).astype(np.int8))
    party = columns.get("party_type")
    parts.append(np.full(size, -1, dtype=np.int64) if party is None else np.where(party.known, party.values, -1))
    gains = columns.get("illegal_gains")
    refunded = columns.get("illegal_gains_refunded")
    keep = np.zeros(size, dtype=bool) if gains is None else gains.known & (gains.values > 0)
    if refunded is not None:
        keep &= ~(refunded.known & refunded.values.astype(bool))
    parts.append(keep.astype(np.int8))
    return parts


def _fines(violation: CompiledViolation) -> Iterator[Fine]:
    for band in violation.bands:
        if band.model.fine is not None:
            yield band.model.fine
    for tier in violation.tiers:
        if tier.fine is not None:
            yield tier.fine
    for item in violation.items:
        if item.model.fine is not None:
            yield item.model.fine


def base_facts(violation: CompiledViolation) -> set[str]:
    """The facts a fine of this violation is computed from (multiples, per-day and per-person amounts)."""
    names: set[str] = set()
    pending = list(_fines(violation))
    while pending:
        fine = pending.pop()
        names.update(n for n in (fine.multiple_of, fine.units) if n is not None)
        if fine.per_unit is not None and fine.per_unit.amount_of is not None:
            names.add(fine.per_unit.amount_of)
        if fine.no_base is not None:
            pending.append(fine.no_base)
    return names


def _violation_parts(violation: CompiledViolation, columns: dict[str, Column], size: int,
                     schema: dict[str, Any]) -> list[npt.NDArray[Any]]:
    parts: list[npt.NDArray[Any]] = []
    for _key_name, cond in violation.keyed_conditions:
        tri: Tri = condition_mask(cond.compiled.node, columns, size, schema)
        parts.append(tri.trits())
    for name in sorted(base_facts(violation)):
        column = columns.get(name)
        if column is None:
            continue
        parts.append(np.where(column.known, column.values, -1).astype(np.int64))
    return parts


def _key(parts: list[npt.NDArray[Any]]) -> npt.NDArray[np.int64]:
    """One dense code per distinct combination of the parts (codes in order of first appearance)."""
    size = len(parts[0]) if parts else 0
    codes = np.zeros(size, dtype=np.int64)
    cardinality = 1
    trits = [p for p in parts if p.dtype == np.int8]
    others = [p for p in parts if p.dtype != np.int8]
    packed: list[npt.NDArray[Any]] = []
    for start in range(0, len(trits), 39):  # 3**39 < 2**63: 39 trits per int64
        word = np.zeros(size, dtype=np.int64)
        for trit in trits[start:start + 39]:
            word = word * 3 + trit
        packed.append(word)
    for part in (*packed, *others):
        part_codes, uniques = pd.factorize(part)
        if cardinality * len(uniques) >= 2**62:
            codes, dense = pd.factorize(codes)
            cardinality = len(dense)
        codes = codes * len(uniques) + part_codes
        cardinality *= max(len(uniques), 1)
    final, _ = pd.factorize(codes)
    return np.asarray(final, dtype=np.int64)
