"""The vectorised evaluator: rows grouped by everything the pipeline's decision reads, one real
evaluation per group, its result broadcast to the group.

Why this is exact: for a given violation, ``evaluate`` decides from (a) the value of every keyed
condition, (b) the statutory grounds of ``law.exemption`` and ``law.mandatory_leniency``, (c) the
base facts of fact-dependent fines (multiples, per-day amounts), and (d) the facts the procedure
flags read (party type, legal review, collective decision, confiscation). Those are computed here on
arrays, packed into one key per row, and rows that share a key share the recommendation, which is
computed by the real pipeline on the group's first row. Rows the arrays cannot represent go through
it one by one. A row naming several provisions (art. 29) is keyed by the list, in its order, and by
what each provision's decision reads: ``evaluate`` decides each provision, then keeps the higher fine.

Cost: a few dozen numpy passes over each column (no Python per row), then one evaluation per
distinct key; so the rate depends on how many distinct keys a frame has, not on its length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..case import validate_case
from ..compile import CompiledRuleset, CompiledViolation
from ..errors import DiscretionError
from ..evaluate import evaluate_read_only, match_native
from ..expr import nodes as n
from ..models.facts import FactKind, FactSpec
from ..models.jurisdiction import Jurisdiction
from ..models.outcome import Recommendation
from ..models.penalty import Fine
from ..procedure import CONFISCATIONS
from .columns import NUMBER_FACTOR, coerce_column, python_value, python_values
from .keys import Part, dense_codes, first_rows
from .patterns import distinct_rows
from .vector import EPOCH, Column, NotVectorisable, Tri, condition_mask, exemption_masks, in_codes, leniency_masks

__all__ = ["Row", "evaluate_rows", "row_result"]

Bools = npt.NDArray[np.bool_]
CHUNK = 2048  # evaluations between two ticks of the progress bar (and cases read from the frame at once)
MAX_PROVISIONS = 50  # Case.violations: at most 50 provisions for one act
PER_CASE_BELOW = 8  # frames shorter than this are evaluated row by row
FLAG_FACTS = ("major_public_interest", "hearing_held", "complex_case", "major_violation")
CONFISCATED_VALUES = tuple(fact for _, fact, _, _ in CONFISCATIONS)  # art. 63(1)(2): what the hearing right reads
_AMOUNTS = frozenset({FactKind.money, FactKind.number, FactKind.integer})


class Row(NamedTuple):
    """What one row yields: the columns of the result frame (money as Decimal yuan, never float).

    A named tuple: made thousands of times per frame, several times cheaper than a frozen dataclass.
    """

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
               tuple([step.rule for step in rec.trace if step.matched is True]), tuple([f.code for f in rec.flags]),
               None)


def _error_row(message: str) -> Row:
    return Row(None, None, None, None, (), None, None, None, (), (), message)


class Frame:
    """The input frame seen as cases: what each row names as its violation(s), and the facts.

    A row names one provision in ``violation`` (a column, or ``violation=`` for the whole frame) or,
    for one act breaching several provisions (行政处罚法第二十九条), a list in ``violations``, as a
    case's JSON does. ``spec_codes`` gives each row its provisions as an index into ``specs``; -1 marks
    a row that only per-case evaluation can judge (unknown violation, both or neither given, not a
    list of strings ...), which then yields exactly its error.
    """

    def __init__(self, ruleset: CompiledRuleset, frame: Any, violations: Any, id_column: str | None,
                 jurisdiction: Jurisdiction | None = None, several: Any = None) -> None:
        self.ruleset, self.frame, self.id_column, self.jurisdiction = ruleset, frame, id_column, jurisdiction
        self._violations, self._several = violations, several
        size = len(frame)
        self.single_codes: npt.NDArray[np.integer[Any]] | None = None
        self.single_names: list[Any] = []
        self.specs: list[tuple[str, ...]] = []
        spec_of: dict[tuple[str, ...], int] = {}
        if violations is not None:
            self.single_codes, self.single_names = _codes_and_names(violations)
            remap = np.full(len(self.single_names) + 1, -1, dtype=np.int64)
            for code, name in enumerate(self.single_names):
                if isinstance(name, str) and name in ruleset.violations:
                    remap[code] = spec_of.setdefault((name,), len(spec_of))
            spec_codes = remap.take(self.single_codes)  # -1 (missing) picks the sentinel at the end
        else:
            spec_codes = np.full(size, -1, dtype=np.int64)
        self.several: npt.NDArray[Any] | None = None
        self.several_given: npt.NDArray[np.bool_] | None = None
        if several is not None:
            self.several = several.to_numpy(dtype=object)
            self.several_given = ~np.asarray(pd.isna(several).to_numpy(), dtype=bool)
            for row in np.flatnonzero(self.several_given).tolist():
                spec = _provisions(self.several[row], ruleset)
                single = self.single_codes is not None and self.single_codes[row] >= 0
                spec_codes[row] = -1 if spec is None or single else spec_of.setdefault(spec, len(spec_of))
        self.specs = list(spec_of)
        self.spec_codes = spec_codes
        self.facts = [name for name in frame.columns if name in ruleset.schema]
        self.columns = {name: frame[name] for name in self.facts}  # each Series made once (~20 µs apiece)
        self.ids = frame[id_column] if id_column is not None else None

    def provision_parts(self) -> list[Part]:
        """What each row names as its provision(s), as codes that are equal only for identical cells.

        A ``violations`` list that only per-case evaluation can judge makes its row a pattern of its
        own (its error quotes the list).
        """
        size = len(self.frame)
        parts: list[Part] = []
        if self.single_codes is not None:
            parts.append((np.add(self.single_codes, 1, dtype=np.int32), len(self.single_names) + 1))
        if self.several_given is not None:
            listed = self.several_given & (self.spec_codes >= 0)
            parts.append((np.where(listed, self.spec_codes + 1, 0), len(self.specs) + 1))
            alone = self.several_given & ~listed
            if alone.any():
                parts.append((np.where(alone, np.arange(1, size + 1), 0), size + 1))
        return parts

    def subset(self, rows: npt.NDArray[np.int64]) -> Frame:
        """The frame reduced to the given rows (renumbered from 0)."""
        def part(series: Any) -> Any:
            return None if series is None else series.take(rows).reset_index(drop=True)

        return Frame(self.ruleset, self.frame.take(rows).reset_index(drop=True), part(self._violations),
                     self.id_column, self.jurisdiction, part(self._several))

    def cases(self, rows: npt.NDArray[np.int64]) -> list[dict[str, Any]]:
        """The rows as case mappings, reading only those rows (never a whole column as objects)."""
        whole = rows.size == len(self.frame) and bool((rows == np.arange(rows.size)).all())

        def cells(series: Any) -> list[Any]:
            return python_values(series if whole else series.take(rows))

        names = self.facts
        per_row = zip(*(cells(self.columns[name]) for name in names), strict=True) if names else \
            repeat((), rows.size)
        ids = cells(self.ids) if self.ids is not None else None
        out: list[dict[str, Any]] = []
        for at, (row, values) in enumerate(zip(rows.tolist(), per_row, strict=True)):
            facts = {name: value for name, value in zip(names, values, strict=True) if value is not None}
            case: dict[str, Any] = {"facts": facts}
            if self.single_codes is not None:
                code = int(self.single_codes[row])
                case["violation"] = self.single_names[code] if code >= 0 else None
            if self.several is not None:
                listed = python_value(self.several[row])
                if listed is not None:
                    case["violations"] = listed
            if ids is not None:
                ident = ids[at]
                case["id"] = None if ident is None else str(ident)
            out.append(case)
        return out


def _codes_and_names(violations: Any) -> tuple[npt.NDArray[np.integer[Any]], list[Any]]:
    """Each row's violation as a code (-1 if missing) into the names: a category column's own codes
    (no hash pass), else a factorisation in order of first appearance."""
    if isinstance(violations.dtype, pd.CategoricalDtype):
        categorical = violations.array
        return categorical.codes, [python_value(v) for v in categorical.categories]
    codes, uniques = pd.factorize(violations, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), [python_value(v) for v in uniques]


def _provisions(cell: Any, ruleset: CompiledRuleset) -> tuple[str, ...] | None:
    """A ``violations`` cell as the provisions it names, or None where only ``evaluate`` can judge it."""
    value = python_value(cell)
    if not isinstance(value, list) or not 0 < len(value) <= MAX_PROVISIONS:
        return None
    if not all(isinstance(v, str) and v in ruleset.violations for v in value):
        return None
    return tuple(value)


def evaluate_cases(frame: Frame, rows: npt.NDArray[np.int64]) -> list[Row]:
    """Rows through the real pipeline; an invalid case becomes an error row, never an exception."""
    return [_evaluate_one(frame.ruleset, case, frame.jurisdiction) for case in frame.cases(rows)]


def _evaluate_one(ruleset: CompiledRuleset, case: dict[str, Any], jurisdiction: Jurisdiction | None) -> Row:
    # validate_case + evaluate_valid is evaluate() without the questions for unknown facts, which no
    # batch column shows (evaluate adds them to the recommendation after deciding); read only, as the
    # row takes its columns and lets the recommendation go.
    try:
        return row_result(evaluate_read_only(ruleset, validate_case(ruleset, case), match_native, jurisdiction))
    except DiscretionError as exc:
        return _error_row(str(exc))
    except (ArithmeticError, ValueError, TypeError) as exc:  # e.g. a date pushed past year 9999
        return _error_row(f"evaluation-failed: {type(exc).__name__}: {exc}")


def evaluate_rows(frame: Frame, tick: Callable[[int], None] | None) -> tuple[npt.NDArray[np.int64], list[Row]]:
    """Each row's index into a table of results (so columns are built by one take each); ``tick``:
    the progress bar's, or None when no bar is shown.

    Identical rows are found first (``patterns``): the pipeline below then runs on one row of each,
    and the table has one entry per pattern.
    A frame of a few rows goes row by row: the arrays would cost more than they save (a fixed few
    milliseconds against tens of microseconds per row the memo has seen).
    """
    size = len(frame.frame)
    if size < PER_CASE_BELOW:
        rows = np.arange(size, dtype=np.int64)
        table = evaluate_cases(frame, rows)
        if tick is not None:
            tick(size)
        return rows, table
    patterns = distinct_rows(list(frame.columns.values()), frame.provision_parts(), size)
    if patterns is None:
        return _evaluate_keyed(frame, tick, None)
    weights = np.bincount(patterns.of_row, minlength=patterns.count) if tick is not None else None
    index, table = _evaluate_keyed(frame.subset(patterns.first), tick, weights)
    # each row's pattern, and each pattern's result: the columns are gathered from those by one take
    return patterns.of_row, [table[at] for at in index.tolist()]


def _evaluate_keyed(frame: Frame, tick: Callable[[int], None] | None,
                    weights: npt.NDArray[np.int64] | None) -> tuple[npt.NDArray[np.int64], list[Row]]:
    """Rows grouped by what the decision reads, one evaluation per group; ``weights``: the rows of the
    original frame that each row stands for (for the progress bar)."""
    size = len(frame.frame)
    index = np.full(size, -1, dtype=np.int64)
    ruleset = frame.ruleset
    columns: dict[str, Column] = {}
    bad = np.zeros(size, dtype=bool)
    for name in frame.facts:
        column, column_bad = coerce_column(ruleset.schema[name], frame.columns[name])
        columns[name] = column
        bad |= column_bad
    bad |= _dates_out_of_order(columns, size)
    _defaults_and_derived(ruleset, columns, size)
    masks = (*exemption_masks(columns, size, ruleset.special_limitation), *leniency_masks(columns, size))
    shared: list[tuple[npt.NDArray[Any], int]] = [(tri.trits(), 3) for tri in masks]
    shared.extend(_flag_parts(ruleset, columns, size, frame.jurisdiction))
    common = dense_codes(shared, size)
    codes = np.where(bad, -1, frame.spec_codes)
    schema = dict(ruleset.schema)
    firsts: list[npt.NDArray[np.int64]] = []
    count = 0
    for spec, rows in _groups(codes, len(frame.specs)):
        provisions = frame.specs[spec]
        try:
            parts = _provision_parts([ruleset.violations[vid] for vid in provisions], columns, rows, schema)
        except NotVectorisable:
            continue  # left at -1: per case below
        keys = dense_codes([(common[rows], int(common.max(initial=0)) + 1), *parts], rows.size)
        index[rows] = keys + count
        first = rows[first_rows(keys)]
        firsts.append(first)
        count += first.size
    rest = np.flatnonzero(index < 0)
    index[rest] = np.arange(count, count + rest.size)
    firsts.append(rest)
    chosen = np.concatenate(firsts)
    table: list[Row] = []
    served = np.bincount(index, weights, minlength=chosen.size).astype(np.int64) if tick is not None else None
    for start in range(0, chosen.size, CHUNK):  # the per-key evaluations are the slow part: show them
        part = chosen[start:start + CHUNK]
        table.extend(evaluate_cases(frame, part))
        if tick is not None and served is not None:
            tick(int(served[start:start + CHUNK].sum()))  # the rows these evaluations stand for
    return index, table


def _dates_out_of_order(columns: dict[str, Column], size: int) -> Bools:
    """The rows ``validate_case`` rejects as ``dates-out-of-order`` (a discovery or end before the act):
    per case, so that each gets its own error. The key reduces dates to what the decision reads of them
    (time-bar classes), which would otherwise group such a row with valid ones."""
    from ..case import AFTER_ACT

    out = np.zeros(size, dtype=bool)
    act = columns.get("act_date")
    if act is None:
        return out
    for name in AFTER_ACT:
        later = columns.get(name)
        if later is not None:
            out |= act.known & later.known & (later.values < act.values)
    return out


def _groups(codes: npt.NDArray[np.int64], count: int) -> Iterator[tuple[int, npt.NDArray[np.int64]]]:
    """The rows of each code 0..count-1 (a stable counting sort: rows stay in frame order)."""
    if count == 0:
        return
    small = codes.astype(np.int16 if count < 2**15 else np.int64)
    order = np.argsort(small, kind="stable")
    bounds = np.searchsorted(small[order], np.arange(-1, count + 1), side="left")
    for code in range(count):
        rows = order[bounds[code + 1]:bounds[code + 2]]
        if rows.size:
            yield code, rows


def _defaults_and_derived(ruleset: CompiledRuleset, columns: dict[str, Column], size: int) -> None:
    """``validate_case`` and ``case.derive`` on arrays: schema defaults, timely correction, first violation."""
    from ..case import TIMELY
    from ..fact_values import coerce

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
    for name, implied in ruleset.implications.items():  # derive(): a true fact sets facts still missing
        source = columns.get(name)
        if source is None:
            continue
        holds = source.known & source.values.astype(bool)
        for target, value in implied.items():
            spec = ruleset.schema[target]
            _fill(columns, target, spec, _scalar(spec.type, spec.codes, value), holds)
    corrected = columns.get("corrected")
    if corrected is not None:
        _fill(columns, "timely_corrected", ruleset.schema["timely_corrected"], in_codes(corrected, TIMELY),
              corrected.known)
    count = columns.get("prior_violation_count")
    if count is not None:  # rows that give prior_violations records are evaluated per case
        _fill(columns, "first_violation", ruleset.schema["first_violation"], count.values == 0, count.known)


def _fill(columns: dict[str, Column], name: str, spec: FactSpec, values: Any, where: Bools) -> None:
    """``facts.setdefault`` on arrays: ``values`` in the rows ``where`` that do not give ``name``."""
    column = columns.get(name)
    if column is None:
        columns[name] = Column(spec, np.where(where, values, _blank(spec.type)), where.copy())
    else:
        use = where & ~column.known
        columns[name] = Column(column.spec, np.where(use, values, column.values), column.known | use)


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


def _blank(kind: FactKind) -> Any:
    return False if kind is FactKind.bool else 0


def _flag_parts(ruleset: CompiledRuleset, columns: dict[str, Column], size: int,
                jurisdiction: Jurisdiction | None = None) -> list[Part]:
    parts: list[Part] = []
    act = columns.get("act_date")
    if act is not None:  # ruleset_not_in_force (art. 37)
        model = ruleset.model
        outside = act.values < (model.effective - EPOCH).days
        if model.expires is not None:
            outside |= act.values >= (model.expires - EPOCH).days
        parts.append((outside & act.known, 2))
    for name in FLAG_FACTS:
        column = columns.get(name)
        if column is not None:
            parts.append((column.values.astype(bool) & column.known, 2))
    party = columns.get("party_type")
    if party is not None:
        parts.append((np.where(party.known, party.values + 1, 0), len(party.spec.codes) + 1))
    gains = columns.get("illegal_gains")
    refunded = columns.get("illegal_gains_refunded")
    if gains is not None:
        keep = gains.known & (gains.values > 0)
        if refunded is not None:
            keep &= ~(refunded.known & refunded.values.astype(bool))
        parts.append((keep, 2))
    hearing = jurisdiction.hearing if jurisdiction is not None else None
    if hearing is not None and hearing.confiscation_value is not None:  # art. 63(1)(2): below / at or above
        for name in CONFISCATED_VALUES:
            column = columns.get(name)
            if column is not None and column.spec.type in _AMOUNTS:
                at_or_above = column.values >= int(_scalar(column.spec.type, (), hearing.confiscation_value))
                parts.append((np.where(column.known, 1 + at_or_above, 0), 3))
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


def _read(node: n.Node) -> Iterator[str]:
    if isinstance(node, n.Name):
        yield node.fact
    for child in n.children(node):
        yield from _read(child)


def _provision_parts(violations: list[CompiledViolation], columns: dict[str, Column],
                     rows: npt.NDArray[np.int64], schema: dict[str, Any]) -> list[Part]:
    """What the decision reads of each provision, on the given rows: conditions and fine bases."""
    names: set[str] = set()
    for violation in violations:
        names.update(base_facts(violation))
        for _key_name, cond in violation.keyed_conditions:
            names.update(_read(cond.compiled.node))
    sub = {name: Column(column.spec, column.values[rows], column.known[rows])
           for name, column in columns.items() if name in names}
    parts: list[Part] = []
    for violation in violations:
        for _key_name, cond in violation.keyed_conditions:
            tri: Tri = condition_mask(cond.compiled.node, sub, rows.size, schema)
            parts.append((tri.trits(), 3))
        for name in sorted(base_facts(violation)):
            column = sub.get(name)
            if column is None:
                continue
            codes, uniques = pd.factorize(np.where(column.known, column.values, -1))
            parts.append((codes, len(uniques)))
    return parts
