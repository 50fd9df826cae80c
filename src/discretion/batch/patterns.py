"""Rows that are identical in everything the evaluation reads: found once, evaluated once.

Real case files repeat themselves (the same few thousand fact patterns over millions of rows), so
the whole vectorised pipeline runs on one row per distinct pattern and the results are broadcast back
with one ``take``. Exact by construction: two rows share a pattern only when every fact cell and the
provision(s) they name are identical (floats compared bit for bit, object cells only when they are
all strings, booleans, integers or dates, so that ``1`` and ``True`` never meet). Columns of any other
kind make each row its own pattern, and then the frame is evaluated as it is.

Cost: a few numpy passes per column and one hash factorisation per packed int64 word, no Python per
row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .columns import PER_DAY
from .keys import CHUNK, HINT, Coder, Given, Part, dense_codes, first_rows

__all__ = ["Patterns", "distinct_rows"]

Ints = npt.NDArray[np.int64]
SPAN = 2**20  # integer columns spanning fewer values are coded by subtraction, without hashing
WORTH = 0.5  # evaluate patterns only when they are at most this share of the rows
SMALL = 64  # frames shorter than this go straight to the arrays: looking for patterns costs more than it saves
SAME_OBJECTS = frozenset({"string", "empty", "boolean", "integer", "date"})  # inferred kinds safe to hash


class Patterns:
    """Each row's pattern (dense, in order of first appearance) and the first row of each pattern."""

    __slots__ = ("first", "of_row")

    def __init__(self, of_row: Ints, first: Ints) -> None:
        self.of_row, self.first = of_row, first

    @property
    def count(self) -> int:
        return int(self.first.size)


def distinct_rows(columns: list[Any], provision_parts: list[Part], size: int) -> Patterns | None:
    """The patterns of a frame's rows, or None when some column cannot be compared exactly or when
    there are too many patterns for grouping to pay for itself."""
    if size < SMALL:
        return None
    # object columns first: they are the ones that may not compare exactly, so give up before the work
    ordered = sorted(columns, key=lambda series: series.dtype != np.dtype(object))
    coders: list[Part | Coder] = list(provision_parts)
    for series in ordered:
        coder = column_coder(series)
        if coder is None:
            return None
        coders.append(coder)
    of_row = dense_codes(coders, size)
    first = first_rows(of_row)
    if first.size > WORTH * size:
        return None
    return Patterns(of_row, first)


def column_coder(series: Any) -> Coder | None:
    """One column as small codes (0 for a missing cell), equal exactly when the cells are identical,
    given a slice of rows at a time (see ``keys``); None when the cells cannot be compared exactly."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return _Shifted(series.array.codes, len(dtype.categories) + 1)  # -1 for a missing cell: 0 once shifted
    if dtype == np.dtype(bool):
        return _Bools(series.to_numpy())
    array = series.array
    if isinstance(array, pd.arrays.BooleanArray):
        data, mask = _data_and_mask(array, bool)
        return _MaskedBools(data, mask)
    if isinstance(array, pd.arrays.IntegerArray | pd.arrays.FloatingArray):
        data, mask = _data_and_mask(array, array.dtype.numpy_dtype)
        return _numbers(data, mask)
    if dtype.kind in "iuf":
        values = series.to_numpy()
        return _numbers(values, np.isnan(values) if dtype.kind == "f" else None)
    if dtype.kind == "M" and not isinstance(dtype, pd.DatetimeTZDtype):
        values = series.to_numpy()
        return _numbers(values, np.isnat(values), PER_DAY.get(np.datetime_data(values.dtype)[0], 1))
    if dtype == np.dtype(object) and pd.api.types.infer_dtype(series, skipna=True) not in SAME_OBJECTS:
        return None
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    return _Shifted(codes, len(uniques) + 1)


class _Shifted:
    """Codes with -1 for a missing cell, shifted to start at 0."""

    __slots__ = ("base", "values")

    def __init__(self, values: npt.NDArray[Any], base: int) -> None:
        self.values, self.base = values, base

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        wide = np.int32 if self.base < 2**31 else np.int64
        shifted: npt.NDArray[Any] = np.add(self.values[start:stop], 1, dtype=wide)
        return shifted


class _Bools:
    __slots__ = ("base", "values")

    def __init__(self, values: npt.NDArray[np.bool_]) -> None:
        self.values, self.base = values, 2

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        return self.values[start:stop].view(np.int8)


class _MaskedBools:
    """0 false, 1 true, 2 missing (whatever the data under the mask)."""

    __slots__ = ("base", "data", "mask")

    def __init__(self, data: npt.NDArray[np.bool_], mask: npt.NDArray[np.bool_]) -> None:
        self.data, self.mask, self.base = data, mask, 3

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        data, mask = self.data[start:stop], self.mask[start:stop]
        return (data & ~mask).view(np.int8) + mask.view(np.int8) * np.int8(2)


class _Ranged:
    """Integers (or datetimes counted in ``unit`` ticks) of a small span: 1 + value - low; 0 if missing."""

    __slots__ = ("base", "bits", "low", "mask", "unit")

    def __init__(self, bits: Ints, mask: npt.NDArray[np.bool_] | None, low: int, high: int, unit: int) -> None:
        self.bits, self.mask, self.low, self.unit, self.base = bits, mask, low, unit, high - low + 2

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        bits = self.bits[start:stop]
        if self.unit > 1:
            bits = bits // self.unit
        ranged = np.subtract(bits, np.int64(self.low - 1), out=np.empty(stop - start, dtype=np.int32),
                             casting="unsafe")  # missing cells may wrap: overwritten below
        if self.mask is not None:
            ranged[self.mask[start:stop]] = 0
        return ranged


def _data_and_mask(array: Any, dtype: Any) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """A masked array's values and mask without a copy where pandas exposes them (``_data``/``_mask``
    are pandas internals: the public ``to_numpy`` copies and costs twenty times more)."""
    data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray) and data.shape == mask.shape == (len(array),):
        return data, mask
    missing = np.asarray(array.isna(), dtype=bool)  # pragma: no cover - another pandas layout
    return np.asarray(array.to_numpy(dtype=dtype, na_value=0)), missing  # pragma: no cover


def _numbers(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None, per_day: int = 1) -> Coder:
    """Numbers (and datetimes) by their bits: a small span by subtraction, else by hashing.

    Timestamps that are all at midnight (``per_day``: ticks in a day) are counted in days, which
    usually brings their span under ``SPAN``. Missing cells hold anything; they are never read, only
    given code 0.
    """
    bits = values.view(np.int64) if values.dtype.itemsize == 8 else values.astype(np.int64)
    if values.dtype.kind == "f":  # a float's bits: -0.0 and 0.0 stay apart, as they may per case
        codes, uniques = pd.factorize(bits, size_hint=HINT)
        return _with_missing(np.asarray(codes, dtype=np.int64), len(uniques), mask)
    span = _span(bits, mask)
    if span is None:  # no rows, or every cell missing
        return Given(np.zeros(len(bits), dtype=np.int64), 1)
    low, high = span
    if high - low < SPAN:
        return _Ranged(bits, mask, low, high, 1)
    if per_day > 1 and _all_whole(bits, mask, per_day):
        low, high = low // per_day, high // per_day
        if high - low < SPAN:
            return _Ranged(bits, mask, low, high, per_day)
    if mask is not None:
        bits = np.where(mask, low, bits)  # missing cells: a known value (code 0 set below)
    codes, uniques = pd.factorize(bits, size_hint=HINT)
    return _with_missing(np.asarray(codes, dtype=np.int64), len(uniques), mask)


def _span(bits: Ints, mask: npt.NDArray[np.bool_] | None) -> tuple[int, int] | None:
    """The lowest and highest known value, or None if there is none (a slice at a time)."""
    if mask is None:
        return (int(bits.min()), int(bits.max())) if bits.size else None
    first_known = int(np.argmin(mask)) if mask.size else 0
    if first_known >= mask.size or mask[first_known]:
        return None
    fill = bits[first_known]
    low = high = int(fill)
    for start in range(0, bits.size, CHUNK):
        known = np.where(mask[start:start + CHUNK], fill, bits[start:start + CHUNK])
        low, high = min(low, int(known.min())), max(high, int(known.max()))
    return low, high


def _all_whole(bits: Ints, mask: npt.NDArray[np.bool_] | None, unit: int) -> bool:
    """Whether every known value is a whole number of ``unit`` (checked a slice at a time)."""
    for start in range(0, bits.size, CHUNK):
        chunk = bits[start:start + CHUNK]
        odd = chunk // unit * unit != chunk
        if mask is not None:
            odd &= ~mask[start:start + CHUNK]
        if odd.any():
            return False
    return True


def _with_missing(codes: Ints, count: int, mask: npt.NDArray[np.bool_] | None) -> Coder:
    return Given(codes, count) if mask is None else _Masked(codes, mask, count + 1)


class _Masked:
    """Hashed codes shifted to start at 1, and 0 for a missing cell."""

    __slots__ = ("base", "mask", "values")

    def __init__(self, values: Ints, mask: npt.NDArray[np.bool_], base: int) -> None:
        self.values, self.mask, self.base = values, mask, base

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        out = np.add(self.values[start:stop], 1, dtype=np.int32 if self.base < 2**31 else np.int64)
        out[self.mask[start:stop]] = 0
        return out
