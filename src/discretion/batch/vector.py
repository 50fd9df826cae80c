"""Conditions and statutory grounds over whole columns: numpy arrays in, three-valued masks out.

A condition's syntax tree (``expr.nodes``) is walked once per frame and turned into array operations
that give exactly what the per-case closures give: a ``Tri`` holds two boolean arrays, ``true`` and
``known`` (``true`` implies ``known``), combined with Kleene's and/or/not. Numbers are int64 with a
decimal scale (money is integer fen, scale 2) so that comparisons stay exact; anything that cannot be
kept exact (division, values that would overflow) raises ``NotVectorisable`` and the caller falls
back to per-case evaluation for those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from ..expr import nodes as n
from ..law import (
    AGE_OF_MAJORITY,
    AGE_OF_RESPONSIBILITY,
    EXTENDED_LIMITATION_YEARS,
    LIMITATION_YEARS,
    ORGANISATIONS,
    SAFETY,
    Special,
)
from ..models.facts import FactKind, FactSpec

__all__ = ["Column", "NotVectorisable", "Tri", "condition_mask", "exemption_masks", "in_codes", "leniency_masks"]

Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]
EPOCH = date(1970, 1, 1)
SAFE = 2**62
NUMBER_SCALE = 4
LOOKUP_FROM = 4096


class NotVectorisable(Exception):
    """This condition (or these values) cannot be computed exactly on arrays."""


@dataclass(frozen=True)
class Tri:
    """A three-valued column: ``true`` where it holds, ``known`` where it is not unknown."""

    true: Bools
    known: Bools

    @property
    def false(self) -> Bools:
        return self.known & ~self.true

    def trits(self) -> npt.NDArray[np.int8]:
        """0 false, 1 true, 2 unknown: the per-row code that goes into a decision key."""
        out: npt.NDArray[np.int8] = self.true.view(np.int8) + (~self.known).view(np.int8) * np.int8(2)
        return out


@dataclass(frozen=True)
class Column:
    """One fact as arrays: ``values`` (bool, enum code, scaled int, or days since 1970) and ``known``."""

    spec: FactSpec
    values: npt.NDArray[Any]
    known: Bools


@dataclass(frozen=True)
class _Vec:
    kind: str  # bool | enum | num | date | str
    values: Any  # array or scalar
    known: Any  # array or scalar bool
    scale: int = 0
    codes: tuple[str, ...] = ()


def _and(parts: list[Tri], size: int) -> Tri:
    true = np.ones(size, dtype=bool)
    false = np.zeros(size, dtype=bool)
    for part in parts:
        true &= part.true
        false |= part.false
    return Tri(true, true | false)


def _or(parts: list[Tri], size: int) -> Tri:
    true = np.zeros(size, dtype=bool)
    false = np.ones(size, dtype=bool)
    for part in parts:
        true |= part.true
        false &= part.false
    return Tri(true, true | false)


def _const(value: bool, size: int) -> Tri:
    return Tri(np.full(size, value), np.ones(size, dtype=bool))


def _tri(vec: _Vec, size: int) -> Tri:
    values = np.broadcast_to(np.asarray(vec.values, dtype=bool), (size,))
    known = np.broadcast_to(np.asarray(vec.known, dtype=bool), (size,))
    return Tri(values & known, known.copy())


def condition_mask(node: n.Node, columns: dict[str, Column], size: int,
                   schema: dict[str, FactSpec] | None = None) -> Tri:
    """The three-valued value of a checked boolean condition for every row."""
    return _tri(_Eval(columns, size, schema).value(node), size)


class _Eval:
    def __init__(self, columns: dict[str, Column], size: int, schema: dict[str, FactSpec] | None = None) -> None:
        self.columns, self.size = columns, size
        self.kinds: dict[str, tuple[Any, ...]] = {}
        for name, spec in (schema or {}).items():
            kind = {FactKind.bool: "bool", FactKind.enum: "enum", FactKind.money: "num", FactKind.date: "date"}.get(
                spec.type, "num")
            self.kinds[name] = (kind, np.int64(0) if kind != "bool" else False, False,
                                {FactKind.money: 2, FactKind.number: NUMBER_SCALE}.get(spec.type, 0), spec.codes)

    def value(self, node: n.Node) -> _Vec:
        if isinstance(node, n.Literal):
            return _literal(node.value)
        if isinstance(node, n.Name):
            return self._name(node.fact)
        if isinstance(node, n.Not):
            inner = _tri(self.value(node.operand), self.size)
            return _Vec("bool", inner.known & ~inner.true, inner.known)
        if isinstance(node, n.BoolOp):
            parts = [_tri(self.value(op), self.size) for op in node.operands]
            result = _and(parts, self.size) if node.op == "and" else _or(parts, self.size)
            return _Vec("bool", result.true, result.known)
        if isinstance(node, n.Compare):
            return self._compare(node.op, self.value(node.left), self.value(node.right))
        if isinstance(node, n.Member):
            return self._member(node)
        if isinstance(node, n.Negate):
            number = self.value(node.operand)
            if number.kind != "num":
                raise NotVectorisable(node.text)
            return _Vec("num", -np.asarray(number.values, dtype=np.int64), number.known, number.scale)
        if isinstance(node, n.Arith):
            return self._arith(node)
        raise NotVectorisable(node.text)  # pragma: no cover

    def _name(self, fact: str) -> _Vec:
        column = self.columns.get(fact)
        if column is None:  # a fact no row gives: unknown everywhere (values are never read)
            return _Vec("num", np.int64(0), False, 0) if fact not in self.kinds else \
                _Vec(*self.kinds[fact])
        kind = column.spec.type
        if kind is FactKind.bool:
            return _Vec("bool", column.values, column.known)
        if kind is FactKind.enum:
            return _Vec("enum", column.values, column.known, codes=column.spec.codes)
        if kind in (FactKind.integer, FactKind.days):
            return _Vec("num", column.values, column.known, 0)
        if kind is FactKind.money:
            return _Vec("num", column.values, column.known, 2)
        if kind is FactKind.number:
            return _Vec("num", column.values, column.known, NUMBER_SCALE)
        if kind is FactKind.date:
            return _Vec("date", column.values, column.known)
        raise NotVectorisable(fact)

    def _compare(self, op: str, left: _Vec, right: _Vec) -> _Vec:
        known = np.logical_and(left.known, right.known)
        a, b = _comparable(left, right)
        if op == "==":
            result = np.equal(a, b)
        elif op == "!=":
            result = np.not_equal(a, b)
        elif op == "<":
            result = np.less(a, b)
        elif op == "<=":
            result = np.less_equal(a, b)
        elif op == ">":
            result = np.greater(a, b)
        else:
            result = np.greater_equal(a, b)
        return _Vec("bool", np.logical_and(result, known), known)

    def _member(self, node: n.Member) -> _Vec:
        item = self.value(node.item)
        hits: Any = np.zeros(self.size, dtype=bool)
        for option in node.options:
            a, b = _comparable(item, _literal(option.value))
            hits = np.logical_or(hits, np.equal(a, b))
        if node.negated:
            hits = np.logical_not(hits)
        return _Vec("bool", np.logical_and(hits, item.known), item.known)

    def _arith(self, node: n.Arith) -> _Vec:
        left, right = self.value(node.left), self.value(node.right)
        known = np.logical_and(left.known, right.known)
        if node.op == "/":
            raise NotVectorisable(node.text)  # Decimal division rounds at 28 digits: keep it per case
        if left.kind == "date" and right.kind == "date":
            return _Vec("num", _masked(left.values, known) - _masked(right.values, known), known, 0)
        if left.kind == "date":
            if right.kind != "num":
                raise NotVectorisable(node.text)
            days = _truncate(right)  # timedelta(days=int(b)) truncates towards zero
            values = _masked(left.values, known) + (days if node.op == "+" else -days)
            return _Vec("date", values, known)
        if left.kind != "num" or right.kind != "num":
            raise NotVectorisable(node.text)
        if node.op == "*":
            a, b = _masked(left.values, known), _masked(right.values, known)
            _guard(a, b)
            return _Vec("num", a * b, known, left.scale + right.scale)
        a, b = _aligned(left, right)
        a, b = _masked(a, known), _masked(b, known)
        _guard_sum(a, b)
        return _Vec("num", a + b if node.op == "+" else a - b, known, max(left.scale, right.scale))


def _literal(value: n.Value) -> _Vec:
    if isinstance(value, bool):
        return _Vec("bool", value, True)
    if isinstance(value, str):
        return _Vec("str", value, True)
    if isinstance(value, date):
        return _Vec("date", (value - EPOCH).days, True)
    exponent = Decimal(value).as_tuple().exponent
    scale = max(0, -int(exponent)) if isinstance(exponent, int) else 0
    if scale > 8:
        raise NotVectorisable(str(value))
    scaled = Decimal(value).scaleb(scale)
    if abs(scaled) >= SAFE:
        raise NotVectorisable(str(value))
    return _Vec("num", np.int64(int(scaled)), True, scale)


def _comparable(left: _Vec, right: _Vec) -> tuple[Any, Any]:
    if left.kind == "enum" and right.kind == "str":
        return left.values, _code(left.codes, right.values)
    if right.kind == "enum" and left.kind == "str":
        return _code(right.codes, left.values), right.values
    if left.kind == "enum" and right.kind == "enum":
        remap = np.array([left.codes.index(c) if c in left.codes else -2 for c in right.codes] + [-3],
                         dtype=np.int64)
        return left.values, remap[np.asarray(right.values, dtype=np.int64)]
    if left.kind == "num" and right.kind == "num":
        return _aligned(left, right)
    if left.kind == right.kind:
        return left.values, right.values
    raise NotVectorisable(f"{left.kind} vs {right.kind}")


def _code(codes: tuple[str, ...], value: Any) -> int:
    return codes.index(value) if value in codes else -2


def _aligned(left: _Vec, right: _Vec) -> tuple[Any, Any]:
    scale = max(left.scale, right.scale)
    return _rescale(left.values, scale - left.scale), _rescale(right.values, scale - right.scale)


def _rescale(values: Any, extra: int) -> Any:
    if extra == 0:
        return values
    factor = 10**extra
    array = np.asarray(values, dtype=np.int64)
    if array.size and int(np.max(np.abs(array))) >= SAFE // factor:
        raise NotVectorisable("values too large to compare exactly")
    return array * np.int64(factor)


def _masked(values: Any, known: Any) -> Any:
    """Unknown rows hold arbitrary values; zero them so that arithmetic never overflows on them."""
    array = np.asarray(values, dtype=np.int64)
    if array.ndim == 0:
        return array
    return np.where(np.broadcast_to(known, array.shape), array, 0)


def _truncate(vec: _Vec) -> Any:
    values = np.asarray(vec.values, dtype=np.int64)
    if vec.scale == 0:
        return values
    factor = np.int64(10**vec.scale)
    return np.sign(values) * (np.abs(values) // factor)


def _guard(a: Any, b: Any) -> None:
    top_a = int(np.max(np.abs(a))) if np.size(a) else 0
    top_b = int(np.max(np.abs(b))) if np.size(b) else 0
    if top_a * top_b >= SAFE:
        raise NotVectorisable("product too large to keep exact")


def _guard_sum(a: Any, b: Any) -> None:
    top_a = int(np.max(np.abs(a))) if np.size(a) else 0
    top_b = int(np.max(np.abs(b))) if np.size(b) else 0
    if top_a + top_b >= SAFE:
        raise NotVectorisable("sum too large to keep exact")


# -- the statutory layer (law.exemption / law.mandatory_leniency) on arrays ------------------------------

def _fact_tri(columns: dict[str, Column], name: str, size: int) -> Tri:
    column = columns.get(name)
    if column is None:
        return Tri(np.zeros(size, dtype=bool), np.zeros(size, dtype=bool))
    return Tri(column.values.astype(bool) & column.known, column.known.copy())


def _enum_in(columns: dict[str, Column], name: str, values: tuple[str, ...], size: int) -> Tri:
    column = columns.get(name)
    if column is None:
        return Tri(np.zeros(size, dtype=bool), np.zeros(size, dtype=bool))
    return Tri(in_codes(column, values) & column.known, column.known.copy())


def in_codes(column: Column, values: tuple[str, ...] | frozenset[str]) -> Bools:
    """Rows whose enum code is one of ``values`` (a lookup table: codes are small; -1 is never in it)."""
    table = np.zeros(len(column.spec.codes) + 1, dtype=bool)
    for at, code in enumerate(column.spec.codes):
        table[at] = code in values
    hit: Bools = table.take(np.where(column.values < 0, len(column.spec.codes), column.values))
    return hit


def _int_test(columns: dict[str, Column], name: str, low: int, high: int | None, size: int) -> Tri:
    column = columns.get(name)
    if column is None:
        return Tri(np.zeros(size, dtype=bool), np.zeros(size, dtype=bool))
    values = column.values
    hit = values >= low if high is None else (values >= low) & (values < high)
    return Tri(hit & column.known, column.known.copy())


def add_years(days: Ints, years: int) -> Ints:
    """``law.add_years`` on days since 1970: the same calendar day, 29 February becoming 28 February.

    Dates in a frame span a few thousand days at most: the calendar is computed once over that span
    and read back with one ``take`` (the direct computation goes through datetime64 casts per row).
    """
    if days.size > LOOKUP_FROM:
        low, high = int(days.min()), int(days.max())
        if high - low < days.size // 4:
            table = _add_years(np.arange(low, high + 1, dtype=np.int64), years)
            looked: Ints = table.take(days - low)
            return looked
    return _add_years(days, years)


def _add_years(days: Ints, years: int) -> Ints:
    stamps = days.astype("datetime64[D]")
    year = stamps.astype("datetime64[Y]")
    month_start = stamps.astype("datetime64[M]")
    day = (stamps - month_start).astype(np.int64)  # 0-based day of month
    month = (month_start - year.astype("datetime64[M]")).astype(np.int64)
    target_year = year + np.timedelta64(years, "Y")
    target_month = target_year.astype("datetime64[M]") + month
    next_month = target_month + np.timedelta64(1, "M")
    length = (next_month.astype("datetime64[D]") - target_month.astype("datetime64[D]")).astype(np.int64)
    day = np.minimum(day, length - 1)
    result: Ints = (target_month.astype("datetime64[D]") + day).astype(np.int64)
    return result


def exemption_masks(columns: dict[str, Column], size: int, special: Special = None) -> list[Tri]:
    """``law.exemption`` in its order: under 14, no capacity, time-barred, no fault, minor, first."""
    child = _int_test(columns, "age_at_act", 0, AGE_OF_RESPONSIBILITY, size)
    incapable = _capacity(columns, "none", size)
    timely = _fact_tri(columns, "timely_corrected", size)
    no_harm = _enum_in(columns, "harm", ("none",), size)
    small_harm = _enum_in(columns, "harm", ("none", "minor"), size)
    minor = _and([_fact_tri(columns, "minor_violation", size), timely, no_harm], size)
    first = _and([_fact_tri(columns, "first_violation", size), timely, small_harm], size)
    return [child, incapable, _barred(columns, size, special), _fact_tri(columns, "no_fault_evidence", size), minor,
            first]


def _capacity(columns: dict[str, Column], lost: str, size: int) -> Tri:
    """``law._capacity``: the loss given, and never for an organisation (art. 31 concerns persons)."""
    given = _enum_in(columns, "capacity", (lost,), size)
    organisation = _enum_in(columns, "party_type", tuple(sorted(ORGANISATIONS)), size).true
    return Tri(given.true & ~organisation, given.known | organisation)


def _barred(columns: dict[str, Column], size: int, special: Special = None) -> Tri:
    act = columns.get("act_date")
    end = columns.get("act_end_date")
    found = columns.get("discovery_date")
    zeros = np.zeros(size, dtype=np.int64)
    start = np.where(end.known, end.values, act.values if act else zeros) if end is not None else \
        (act.values if act is not None else zeros)
    start_known = (end.known if end is not None else np.zeros(size, dtype=bool)) | \
        (act.known if act is not None else np.zeros(size, dtype=bool))
    if found is None:
        return Tri(np.zeros(size, dtype=bool), np.zeros(size, dtype=bool))
    known = start_known & found.known
    safe_start = np.where(known, start, 0).astype(np.int64)
    if special is not None:  # a law's own period (art. 36: 法律另有规定), whatever the harm
        return Tri((found.values > add_years(safe_start, special[0])) & known, known)
    safety = _fact_tri(columns, SAFETY, size)
    harm = columns.get("harm")
    harm_known = harm.known if harm is not None else np.zeros(size, dtype=bool)
    no_harm = harm_known & (harm.values == harm.spec.codes.index("none")) if harm is not None else harm_known
    ruled_out = (safety.known & ~safety.true) | no_harm  # law._extension_unknown: neither rules five years out
    after_two = found.values > add_years(safe_start, LIMITATION_YEARS)
    after_five = found.values > add_years(safe_start, EXTENDED_LIMITATION_YEARS)
    period_open = ~ruled_out & ~(safety.known & harm_known) & after_two & ~after_five  # law.limitation_open_facts
    known = known & ~period_open
    extended = safety.true & harm_known & ~no_harm
    return Tri(np.where(extended, after_five, after_two) & known, known)


def leniency_masks(columns: dict[str, Column], size: int) -> list[Tri]:
    """``law.mandatory_leniency`` in its order: aged 14–17, partial capacity, art. 32 items 1–4."""
    return [
        _int_test(columns, "age_at_act", AGE_OF_RESPONSIBILITY, AGE_OF_MAJORITY, size),
        _capacity(columns, "partial", size),
        *(_fact_tri(columns, name, size)
          for name in ("consequences_eliminated", "coerced", "confessed", "meritorious")),
    ]
