"""Many cases at once: a DataFrame of cases in, a DataFrame of recommendations out.

Install with ``pip install "discretion[analysis]"``. A frame has a ``violation`` column (or
``violation=`` for the whole frame) and one column per fact, named as in the ruleset's schema; a
null cell is an unknown fact. Results are identical to ``discretion.evaluate`` case by case (a
property test keeps it so); see ``engine`` for why the fast path is exact.

Result columns: the passed-through columns, then ``violation``, ``outcome`` (category),
``mandatory`` (nullable boolean), ``fine_min`` and ``fine_max`` (``decimal.Decimal`` yuan rounded to
the fen, or None: never float), ``measures``, ``list_item``, ``tier``, ``band``, ``rules`` (the rule
ids that matched, statute grounds included), ``flags`` and ``error`` (the message of a row whose case
is invalid; such a row never stops the run). The result has the input frame's index (a filtered or
sorted frame's own labels), so it can be assigned or joined back to that frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import BackendUnavailable

try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - exercised without the extra installed
    raise BackendUnavailable(
        f"discretion.batch needs pandas and numpy ({exc.name} is missing): pip install \"discretion[analysis]\"",
        code="analysis-unavailable") from None

from ..compile import CompiledRuleset
from ..errors import CaseError, Location, Problem
from ..models.jurisdiction import Jurisdiction
from ..models.vocabulary import Outcome
from .columns import read_frame, text_booleans, to_pandas, unknown_columns
from .engine import Frame, Row, evaluate_rows

__all__ = ["RESULT_COLUMNS", "evaluate_frame", "read_frame"]

RESULT_COLUMNS = ("violation", "outcome", "mandatory", "fine_min", "fine_max", "measures", "list_item", "tier",
                  "band", "rules", "flags", "error")
PROGRESS_FROM = 200_000


def _ruleset(ruleset: CompiledRuleset | str | Path) -> CompiledRuleset:
    if isinstance(ruleset, CompiledRuleset):
        return ruleset
    from ..loading import load_ruleset

    return load_ruleset(ruleset)


def evaluate_frame(ruleset: CompiledRuleset | str | Path, frame: Any, *, violation: str | None = None,
                   id_column: str | None = None, passthrough: Sequence[str] = (),
                   progress: bool | None = None, jurisdiction: Jurisdiction | None = None) -> Any:
    """Evaluate every row of a frame of cases.

    ``frame`` is a pandas or polars DataFrame, an Arrow table, a path to a CSV, Parquet or Arrow file,
    or a Dask DataFrame (evaluated partition by partition, returning a Dask DataFrame). Columns other
    than facts must be declared in ``passthrough`` (``id``, ``case_id``, ``synthetic`` and
    ``recorded_*`` always pass). ``progress``: a tqdm bar (default: on from 200,000 rows).
    ``jurisdiction``: hearing thresholds and calendar, as for ``discretion.evaluate``. The result is
    indexed as ``frame`` is (rows numbered from 0 for a file or a polars frame); a frame
    naming a column twice is refused (``duplicate-column``).

    One act breaching several provisions (行政处罚法第二十九条) is spelt as in a case's JSON: a
    ``violations`` column whose cell is a list of violation ids (a Python list or tuple, or a Parquet
    list), with ``violation`` null in that row; the result is the one fine of the provision with the
    higher fine, with the ``several_provisions`` flag, exactly as ``discretion.evaluate`` gives it. A
    row giving both, or neither, gets the case's error. With Dask, keep the lists as lists: set
    ``dask.config.set({"dataframe.convert-string": False})`` before ``dd.from_pandas``.

    >>> import pandas as pd
    >>> from discretion.batch import evaluate_frame
    >>> frame = pd.DataFrame({"violation": ["late-filing"], "first_violation": [True], "harm": ["minor"],
    ...                       "corrected": ["within_deadline"]})
    >>> evaluate_frame("rulesets/tax/first-violation", frame)[["outcome", "mandatory", "fine_max"]]
          outcome  mandatory fine_max
    0  no_penalty       True     None
    """
    compiled = _ruleset(ruleset)
    if type(frame).__module__.startswith("dask"):
        from .distributed import evaluate_dask

        return evaluate_dask(compiled, frame, violation=violation, id_column=id_column, passthrough=passthrough,
                             jurisdiction=jurisdiction)
    if isinstance(frame, str | Path):  # name the file in the message: evaluate_pandas sees only the frame
        data = read_frame(frame)
        unknown_columns(compiled, data.columns, passthrough, source=str(frame))
    else:  # not read_frame: it numbers the rows from 0, and the result keeps the caller's index
        data = to_pandas(frame)
    return evaluate_pandas(compiled, data, violation=violation, id_column=id_column, passthrough=passthrough,
                           progress=progress, jurisdiction=jurisdiction)


def evaluate_pandas(ruleset: CompiledRuleset, data: Any, *, violation: str | None = None,
                    id_column: str | None = None, passthrough: Sequence[str] = (),
                    progress: bool | None = None, jurisdiction: Jurisdiction | None = None) -> Any:
    """``evaluate_frame`` on a pandas DataFrame (the unit of work of every other input)."""
    unknown_columns(ruleset, data.columns, passthrough)
    if id_column is not None and id_column not in data.columns:
        raise CaseError([Problem("unknown-column", f"id column '{id_column}' is not in the frame",
                                 Location(f"column {id_column}"))])
    labels = data.index  # the caller's: the result carries it (rows are worked on by position)
    data = data.reset_index(drop=True)  # a copy of the frame, so that text_booleans leaves the caller's alone
    data.attrs = {}  # this copy's only: pandas deep-copies attrs into every column it hands out (~0.2 ms each)
    text_booleans(ruleset, data)  # text columns only: 'true'/'false' cells as booleans, the rest per row
    several = data["violations"] if "violations" in data.columns else None
    if several is not None and _text(several.dtype):
        raise CaseError([Problem("violations-not-lists", "column 'violations' holds text, not lists of provisions "
                                 "(Dask turns object columns into strings: set dask.config "
                                 "'dataframe.convert-string' to False before building the frame, or read lists "
                                 "from Parquet)", Location("column violations"))])
    if violation is not None:
        if several is not None:
            raise CaseError([Problem("ambiguous-violation", "violation=... names the provision of every row, but "
                                     "the frame also has a 'violations' column; pass one or the other",
                                     Location("column violations"))])
        violations = pd.Series(pd.Categorical.from_codes(np.zeros(len(data), dtype=np.int8), [violation]),
                               index=data.index)
    elif "violation" in data.columns:
        violations = data["violation"]
    elif several is not None:
        violations = None
    else:
        raise CaseError([Problem("missing-violation", "the frame has no 'violation' column; add one (or "
                                 "'violations', lists for one act breaching several provisions) or pass "
                                 "violation=... for the whole frame", Location("column violation"))])
    if id_column is None:
        id_column = next((c for c in ("case_id", "id") if c in data.columns), None)
    bar, tick = _progress(len(data), progress)
    try:
        index, table = evaluate_rows(Frame(ruleset, data, violations, id_column, jurisdiction, several), tick)
    finally:
        if bar is not None:
            bar.close()
    kept = [c for c in data.columns if c not in ruleset.schema and c != "violation"]
    out = {name: data[name] for name in kept}
    out.update(_columns(index, table, data.index))
    out["violation"] = violations if violations is not None else pd.Series(np.full(len(data), None, dtype=object),
                                                                           index=data.index, dtype=object)
    # copy=False: each column stays its own array (pandas would otherwise copy the object columns into one block);
    # built on the positions (the passed-through Series carry them, so none is realigned), then given the
    # caller's index: a result assigned back to a filtered or sorted frame lands on its own rows
    result = pd.DataFrame({name: out[name] for name in (*kept, *RESULT_COLUMNS)}, index=data.index, copy=False)
    result.index = labels
    return result


def _text(dtype: Any) -> bool:
    return isinstance(dtype, pd.StringDtype) or str(dtype) in ("string[pyarrow]", "large_string[pyarrow]")


OUTCOMES = [o.value for o in Outcome]
OUTCOME_CODES = {name: code for code, name in enumerate(OUTCOMES)}
OUTCOME_DTYPE = pd.Categorical.from_codes(np.zeros(0, dtype=np.int8), categories=OUTCOMES).dtype  # made once


def _columns(index: Any, table: list[Row], labels: Any) -> dict[str, Any]:
    """The result columns: each a table of distinct results broadcast to the rows by one ``take``
    (``labels``: the frame's index, which the object columns carry)."""
    codes = np.array([OUTCOME_CODES[r.outcome] if r.outcome else -1 for r in table], dtype=np.int8)
    mandatory = np.array([bool(r.mandatory) for r in table], dtype=bool)
    unknown = np.array([r.mandatory is None for r in table], dtype=bool)
    columns: dict[str, Any] = {
        "outcome": pd.Categorical.from_codes(codes.take(index), dtype=OUTCOME_DTYPE),
        "mandatory": pd.arrays.BooleanArray(mandatory.take(index), unknown.take(index)),
    }
    fields = dict(zip(Row._fields, zip(*table, strict=True), strict=True)) if table else {}
    for name in ("fine_min", "fine_max", "measures", "list_item", "tier", "band", "rules", "flags", "error"):
        cells = fields.get(name, ())
        if cells and all(cell is cells[0] for cell in cells):  # one value (often None): a fill, not a gather
            column = np.empty(len(index), dtype=object)
            column.fill(cells[0])  # fill, not np.full: a tuple is one value here, not a row to broadcast
        else:
            values = np.empty(len(table), dtype=object)
            values[:] = cells
            column = values.take(index)
        # a Series of object dtype: None and Decimal as they are (an array would be inferred, text as str)
        columns[name] = pd.Series(column, index=labels, dtype=object, copy=False)
    return columns


def _progress(total: int, wanted: bool | None) -> tuple[Any, Callable[[int], None] | None]:
    """A bar and its tick, or None for both when no bar is shown (nothing is then counted)."""
    show = total >= PROGRESS_FROM if wanted is None else wanted
    if not show:
        return None, None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=total, unit="case", desc="evaluate")
    return bar, lambda n: bar.update(n)
