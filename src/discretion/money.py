"""Fine ranges in Decimal yuan: statutory bands, multiples of a base, per-day amounts, tier splits.

Every function is pure. A range is ``(low, high)`` in yuan. ``UNKNOWN`` means a base fact the range
depends on (illegal gains, days) is not known; ``None`` means no fine applies (e.g. the statute fines
only after a refusal to correct, or a percentage has no band). A multiple of a base of 0 is the statute's
``no_base`` branch where it has one, else the multiples of 0: a fine of 0.00, as a base too small to
reach a cent gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from .models.penalty import Fine, FineShape, Formula
from .models.vocabulary import Outcome

__all__ = ["UNKNOWN", "Range", "clamp", "formula_percent", "mitigated_range", "statutory_range", "tier_range"]

Range = tuple[Decimal, Decimal]
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()
RangeResult = Range | None | _Unknown


def statutory_range(fine: Fine, facts: Mapping[str, Any]) -> RangeResult:
    """The range a statutory fine allows for these facts (the band's own bounds)."""
    return _absolute(fine, facts, None)


def _absolute(fine: Fine, facts: Mapping[str, Any], band: Range | None) -> RangeResult:
    shape = fine.shape
    if shape is FineShape.fixed:
        assert fine.fixed is not None
        return fine.fixed, fine.fixed
    if shape is FineShape.multiple:
        assert fine.multiple_of is not None and fine.max_multiple is not None
        base = facts.get(fine.multiple_of)
        if base is None:
            return UNKNOWN
        if base == 0 and fine.no_base is not None:  # the statute's own branch for "没有违法所得的" and the like
            return _absolute(fine.no_base, facts, band)
        # Without one, a base of 0 is a base like any other: the multiples of 0, a fine of 0.00 (as a base
        # of 0.10 gives 0.00 once rounded), within the fine's own bounds if it has any.
        low = base * (fine.min_multiple or ZERO)
        high = base * fine.max_multiple
        return _cap(low, high, fine)
    if shape is FineShape.per_unit:
        assert fine.per_unit is not None and fine.units is not None
        units = facts.get(fine.units)
        per = fine.per_unit
        amount = facts.get(per.amount_of) if per.amount_of is not None else None
        if units is None or (per.amount_of is not None and amount is None):
            return UNKNOWN
        if amount is not None:
            return _cap(amount * units, amount * units, fine)
        assert per.max is not None
        return _cap(per.min * units, per.max * units, fine)
    if shape is FineShape.percent:
        if band is None:
            return None
        assert fine.percent is not None
        return _percent(band, fine.percent)
    low = fine.min if fine.min is not None else ZERO
    if fine.max is not None:
        return low, fine.max
    return (low, band[1]) if band is not None else (low, low)


def _cap(low: Decimal, high: Decimal, fine: Fine) -> Range:
    if fine.min is not None:
        low, high = max(low, fine.min), max(high, fine.min)
    if fine.max is not None:
        low, high = min(low, fine.max), min(high, fine.max)
    return low, high


def _percent(band: Range, percent: tuple[Decimal, Decimal]) -> Range:
    low, high = band
    span = high - low
    return low + span * percent[0] / HUNDRED, low + span * percent[1] / HUNDRED


def formula_percent(formula: Formula, outcome: Outcome, band_fine: Fine) -> tuple[Decimal, Decimal] | None:
    """The percentage a formula gives an outcome: of the maximum when the statute gives only one."""
    max_only = band_fine.shape is FineShape.range and not band_fine.min
    if max_only and outcome in formula.percent_of_max:
        return formula.percent_of_max[outcome]
    return formula.percent_of_range.get(outcome)


def tier_range(fine: Fine | None, facts: Mapping[str, Any], band: Range) -> RangeResult:
    """A tier's range inside its band: explicit, a percentage of the band, or the whole band."""
    if fine is None:
        return band
    return _absolute(fine, facts, band)


def clamp(value: Range, bounds: Range) -> Range:
    """Keep a range inside bounds (an empty intersection collapses onto the nearer bound)."""
    low = min(max(value[0], bounds[0]), bounds[1])
    high = min(max(value[1], bounds[0]), bounds[1])
    return low, max(low, high)


def mitigated_range(band: Range, floor_percent: Decimal | None) -> Range:
    """减轻: below the statutory minimum, down to a declared floor (a % of the minimum) or to zero."""
    minimum = band[0]
    floor = minimum * floor_percent / HUNDRED if floor_percent is not None else ZERO
    return floor, minimum
