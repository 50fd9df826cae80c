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

from collections.abc import Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .columns import PER_DAY
from .keys import Part, dense_codes, first_rows

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
    try:
        of_row = dense_codes(_parts(provision_parts, ordered), size)
    except _Incomparable:
        return None
    first = first_rows(of_row)
    if first.size > WORTH * size:
        return None
    return Patterns(of_row, first)


class _Incomparable(Exception):
    """A column whose cells cannot be compared exactly (see ``column_codes``)."""


def _parts(provision_parts: list[Part], columns: list[Any]) -> Iterator[Part]:
    """Each column's codes, one at a time (the packer drops each before the next is made)."""
    yield from provision_parts
    for series in columns:
        part = column_codes(series)
        if part is None:
            raise _Incomparable
        yield part


def column_codes(series: Any) -> Part | None:
    """One column as small codes (0 for a missing cell), equal exactly when the cells are identical."""
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        codes = series.array.codes  # -1 for a missing cell: +1 below makes it 0
        return np.add(codes, 1, dtype=np.int32), len(dtype.categories) + 1
    if dtype == np.dtype(bool):
        return series.to_numpy().view(np.int8), 2
    array = series.array
    if isinstance(array, pd.arrays.BooleanArray):
        data, mask = _data_and_mask(array, bool)
        return (data & ~mask).view(np.int8) + mask.view(np.int8) * np.int8(2), 3
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
    return np.asarray(codes, dtype=np.int64) + 1, len(uniques) + 1


def _data_and_mask(array: Any, dtype: Any) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    """A masked array's values and mask without a copy where pandas exposes them (``_data``/``_mask``
    are pandas internals: the public ``to_numpy`` copies and costs twenty times more)."""
    data, mask = getattr(array, "_data", None), getattr(array, "_mask", None)
    if isinstance(data, np.ndarray) and isinstance(mask, np.ndarray) and data.shape == mask.shape == (len(array),):
        return data, mask
    missing = np.asarray(array.isna(), dtype=bool)  # pragma: no cover - another pandas layout
    return np.asarray(array.to_numpy(dtype=dtype, na_value=0)), missing  # pragma: no cover


def _numbers(values: npt.NDArray[Any], mask: npt.NDArray[np.bool_] | None, per_day: int = 1) -> Part:
    """Numbers (and datetimes) by their bits: a small span by subtraction, else by hashing.

    Timestamps that are all at midnight (``per_day``: ticks in a day) are first counted in days, which
    usually brings their span under ``SPAN``. Missing cells hold anything; they are never read, only
    overwritten with code 0 at the end.
    """
    bits = values.view(np.int64) if values.dtype.itemsize == 8 else values.astype(np.int64)
    if values.dtype.kind == "f":  # a float's bits: -0.0 and 0.0 stay apart, as they may per case
        codes, uniques = pd.factorize(bits)
        return _with_missing(np.asarray(codes, dtype=np.int64), len(uniques), mask)
    if bits.size == 0:
        return bits, 1
    if mask is not None:
        first_known = int(np.argmin(mask))
        if mask[first_known]:  # every cell missing
            return np.zeros(len(bits), dtype=np.int64), 1
        bits = np.where(mask, bits[first_known], bits)  # missing cells: a known value (code 0 set at the end)
    low, high = int(bits.min()), int(bits.max())
    if high - low >= SPAN and per_day > 1:
        days = bits // per_day  # floor division by a constant is several times cheaper than divmod
        if np.array_equal(days * per_day, bits):
            bits, low, high = days, low // per_day, high // per_day
    if high - low < SPAN:  # 1 .. span + 1 in int32 (cheaper passes when packed); 0 for a missing cell
        ranged = np.subtract(bits, np.int64(low - 1), out=np.empty(len(bits), dtype=np.int32), casting="unsafe")
        if mask is not None:
            ranged[mask] = 0
        return ranged, high - low + 2
    codes, uniques = pd.factorize(bits)
    return _with_missing(np.asarray(codes, dtype=np.int64), len(uniques), mask)


def _with_missing(codes: Ints, count: int, mask: npt.NDArray[np.bool_] | None) -> Part:
    if mask is None:
        return codes, count
    return np.where(mask, 0, codes + 1), count + 1
