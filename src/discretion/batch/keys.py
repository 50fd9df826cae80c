"""Many small codes per row packed into one dense code per row, with numpy and pandas' hash tables.

Used twice: to find the rows of a frame that are identical in everything the evaluation reads
(``patterns``), and to group those rows by what the decision reads (``engine``). Codes are numbered
in order of first appearance, so the first row of each code is found without sorting.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Part", "dense_codes", "first_rows"]

Part = tuple[npt.NDArray[Any], int]  # small non-negative codes and how many values they can take
WORD = 2**62
LANE = 2**31


def dense_codes(parts: Iterable[Part], size: int = 0) -> npt.NDArray[np.int64]:
    """One dense code per distinct combination of the parts, numbered in order of first appearance.

    The parts are packed as digits of a mixed radix: small ones first into int32 lanes (three times
    cheaper per pass than int64), lanes into an int64 word; when the next digit would overflow the
    word, it is factorised (one hash pass) and its dense codes, which need only a few bits, start the
    next word. So the hashing is one pass per ~60 bits of parts, none per part. ``parts`` may be a
    generator: each part is dropped once packed, so its memory serves the next (``size``: the rows,
    for when there are no parts).
    """
    word = _Word()
    lane: npt.NDArray[np.int32] | None = None
    lane_radix = 1
    for values, base in parts:
        if base <= 1:
            continue
        if base >= LANE:
            word.add(values, base)
        elif lane is not None and lane_radix * base < LANE:
            np.multiply(lane, base, out=lane)
            np.add(lane, values, out=lane, casting="unsafe")  # values < base: they fit
            lane_radix *= base
        else:
            if lane is not None:
                word.add(lane, lane_radix)
            lane, lane_radix = values.astype(np.int32), base
    if lane is not None:
        word.add(lane, lane_radix)
    return word.codes(size)


class _Word:
    """An int64 mixed-radix accumulator that factorises itself before it would overflow."""

    def __init__(self) -> None:
        self.values: npt.NDArray[np.int64] | None = None
        self.radix = 1

    def add(self, values: npt.NDArray[Any], base: int) -> None:
        if self.values is None:
            self.values, self.radix = values.astype(np.int64), base
            return
        if self.radix * base >= WORD:
            codes, uniques = pd.factorize(self.values)
            self.values, self.radix = np.asarray(codes, dtype=np.int64), max(len(uniques), 1)
            if self.radix * base >= WORD:  # pragma: no cover - a part of more than 2**40 values after billions of rows
                raise OverflowError("too many distinct values to pack")
        self.values *= base
        self.values += values
        self.radix *= base

    def codes(self, size: int) -> npt.NDArray[np.int64]:
        if self.values is None:
            return np.zeros(size, dtype=np.int64)
        codes, _ = pd.factorize(self.values)
        return np.asarray(codes, dtype=np.int64)


def first_rows(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The first row of each code (codes are dense and numbered in order of first appearance)."""
    if codes.size == 0:
        return np.zeros(0, dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(seen, prepend=-1) > 0)
