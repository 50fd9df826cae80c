"""Many small codes per row packed into one dense code per row, with numpy and pandas' hash tables.

Used twice: to find the rows of a frame that are identical in everything the evaluation reads
(``patterns``), and to group those rows by what the decision reads (``engine``). Codes are numbered
in order of first appearance, so the first row of each code is found without sorting.

The packing runs over slices of ``CHUNK`` rows: every temporary is then a few hundred kilobytes that
stays in cache and is reused by the allocator, where whole-column temporaries (8 MB a column at a
million rows) each cost fresh pages from the kernel, which on a VM cost more than the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["CHUNK", "HINT", "Coder", "Part", "dense_codes", "first_rows"]

Part = tuple[npt.NDArray[Any], int]  # small non-negative codes and how many values they can take
WORD = 2**62
LANE = 2**31
CHUNK = 2**16  # rows per slice: the temporaries of a slice stay in cache
HINT = 2**12  # distinct values expected by a hash pass: pandas otherwise sizes its table for every row
# (16 MB of fresh pages at a million rows, three times the hashing); a table that must grow still grows


class Coder(Protocol):
    """A column of small codes given a slice of rows at a time (``base``: how many values they take)."""

    base: int

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]: ...


class Given:
    """Codes already computed for every row."""

    __slots__ = ("base", "values")

    def __init__(self, values: npt.NDArray[Any], base: int) -> None:
        self.values, self.base = values, base

    def codes(self, start: int, stop: int) -> npt.NDArray[Any]:
        return self.values[start:stop]


def dense_codes(parts: Iterable[Part | Coder], size: int = 0) -> npt.NDArray[np.int64]:
    """One dense code per distinct combination of the parts, numbered in order of first appearance.

    The parts are packed as digits of a mixed radix: small ones first into int32 lanes (three times
    cheaper per pass than int64), lanes into an int64 word; when the next digit would overflow the
    word, the word is factorised (one hash pass) and its dense codes, which need only a few bits,
    start the next word. So the hashing is one pass per ~60 bits of parts, none per part. ``size``:
    the rows, for parts that are all ``Coder``s or when there are none (arrays give their length).
    """
    coders: list[Coder] = []
    for part in parts:
        if isinstance(part, tuple):
            size = len(part[0])
            part = Given(*part)
        if part.base > 1:
            coders.append(part)
    if not coders:
        return np.zeros(size, dtype=np.int64)
    codes: Coder | None = None
    word = np.empty(size, dtype=np.int64)  # one buffer for every word: fresh pages cost more than the sums
    while coders:
        radix = codes.base if codes is not None else 1
        taken = 0
        while taken < len(coders) and radix * coders[taken].base < WORD:
            radix *= coders[taken].base
            taken += 1
        if taken == 0:  # pragma: no cover - a part of more than 2**40 values after billions of rows
            raise OverflowError("too many distinct values to pack")
        _word(word, codes, coders[:taken])
        coders = coders[taken:]
        dense, uniques = pd.factorize(word, size_hint=HINT)
        packed: npt.NDArray[np.int64] = np.asarray(dense, dtype=np.int64)
        codes = Given(packed, max(len(uniques), 1))
    return packed


def _word(word: npt.NDArray[np.int64], first: Coder | None, parts: list[Coder]) -> None:
    """The parts (after ``first``) as one int64 mixed-radix number per row, written into ``word``
    slice by slice."""
    size = word.size
    for start in range(0, size, CHUNK):
        stop = min(start + CHUNK, size)
        out = word[start:stop]
        if first is None:
            out.fill(0)
        else:
            out[:] = first.codes(start, stop)
        lane: npt.NDArray[np.int32] | None = None
        lane_radix = 1
        for part in parts:
            values, base = part.codes(start, stop), part.base
            if base >= LANE:
                _fold(out, lane, lane_radix)
                lane, lane_radix = None, 1
                out *= base
                out += values
            elif lane is not None and lane_radix * base < LANE:
                lane *= base
                np.add(lane, values, out=lane, casting="unsafe")  # values < base: they fit
                lane_radix *= base
            else:
                _fold(out, lane, lane_radix)
                lane, lane_radix = values.astype(np.int32), base
        _fold(out, lane, lane_radix)


def _fold(out: npt.NDArray[np.int64], lane: npt.NDArray[np.int32] | None, radix: int) -> None:
    if lane is not None:
        out *= radix
        out += lane


def first_rows(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The first row of each code (codes are dense and numbered in order of first appearance)."""
    firsts: list[npt.NDArray[np.int64]] = []
    seen = -1  # the highest code before this slice
    for start in range(0, codes.size, CHUNK):
        running = np.maximum.accumulate(codes[start:start + CHUNK])
        np.maximum(running, seen, out=running)
        firsts.append(np.flatnonzero(np.diff(running, prepend=seen) > 0) + start)
        seen = int(running[-1])
    return np.concatenate(firsts) if firsts else np.zeros(0, dtype=np.int64)
