"""Many small codes per row packed into one dense code per row, with numpy and pandas' hash tables.

Used twice: to find the rows of a frame that are identical in everything the evaluation reads
(``patterns``), and to group those rows by what the decision reads (``engine``). Codes are numbered
in order of first appearance, so the first row of each code is found without sorting.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Part", "dense_codes", "first_rows"]

Part = tuple[npt.NDArray[Any], int]  # small non-negative codes and how many values they can take
WORD = 2**62


def dense_codes(parts: list[Part]) -> npt.NDArray[np.int64]:
    """One dense code per distinct combination of the parts, numbered in order of first appearance.

    The parts are packed as digits of a mixed radix into an int64 word; when the next digit would
    overflow it, the word is factorised (one hash pass) and its dense codes, which need only a few
    bits, start the next word. So the hashing is one pass per ~60 bits of parts, none per part.
    """
    size = len(parts[0][0]) if parts else 0
    word: npt.NDArray[np.int64] | None = None
    radix = 1
    for values, base in parts:
        if base <= 1:
            continue
        if word is None:
            word = values.astype(np.int64)
            radix = base
            continue
        if radix * base >= WORD:
            codes, uniques = pd.factorize(word)
            word, radix = np.asarray(codes, dtype=np.int64), max(len(uniques), 1)
            if radix * base >= WORD:  # pragma: no cover - a part of more than 2**40 values after billions of rows
                raise OverflowError("too many distinct values to pack")
        word *= base
        word += values
        radix *= base
    if word is None:
        return np.zeros(size, dtype=np.int64)
    codes, _ = pd.factorize(word)
    return np.asarray(codes, dtype=np.int64)


def first_rows(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The first row of each code (codes are dense and numbered in order of first appearance)."""
    if codes.size == 0:
        return np.zeros(0, dtype=np.int64)
    seen = np.maximum.accumulate(codes)
    return np.flatnonzero(np.diff(seen, prepend=-1) > 0)
