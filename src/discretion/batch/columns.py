"""Frames at the boundary: read, check the columns against the fact schema, coerce each kind once.

Each fact column becomes a ``Column`` (bool; enum code; int64 for integers and days; integer fen for
money; days since 1970 for dates) plus a ``bad`` mask of rows whose value the vectorised path cannot
take as it is (wrong type, out of bounds, more than two decimals of yuan ...). Those rows are
evaluated one by one through ``discretion.evaluate``, which gives them their exact result or error.
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..compile import CompiledRuleset
from ..errors import CaseError, Location, Problem, did_you_mean
from ..fact_values import _integer, _money, _number
from ..models.facts import FactKind, FactSpec
from .vector import EPOCH, Column

__all__ = ["DEFAULT_PASSTHROUGH", "PROBLEM_COLUMNS", "cells", "coerce_column", "located", "python_value",
           "python_values", "read_frame", "row_problems", "text_booleans", "to_pandas", "unknown_columns"]

DEFAULT_PASSTHROUGH = ("id", "case_id", "synthetic", "violation", "violations")
MAX_FEN = 10**18
NUMBER_SCALE = 4  # decimal places kept for 'number' facts on the fast path; more go per case
NUMBER_FACTOR = 10**NUMBER_SCALE
PER_DAY = {"D": 1, "s": 86_400, "ms": 86_400_000, "us": 86_400_000_000, "ns": 86_400_000_000_000}
FIRST_DAY, LAST_DAY = (date(1, 1, 1) - EPOCH).days, (date(9999, 12, 31) - EPOCH).days
TRUE_TEXT, FALSE_TEXT = ("true", "True", "TRUE"), ("false", "False", "FALSE")  # as pandas reads a CSV
PROBLEM_COLUMNS = ("row", "case_id", "column", "code", "message")
_PROBLEM_LINE = re.compile(r"([\w.]+): ([a-z]+(?:-[a-z0-9]+)+): (.*)")
PLAIN = frozenset({str, bool, int, Decimal, date})  # cells that are already what a case carries


def read_frame(source: Any) -> Any:
    """A pandas DataFrame from a DataFrame (pandas or polars), an Arrow table, or a CSV/Parquet/Arrow path.

    A file that cannot be read (missing, empty, not UTF-8, malformed CSV, corrupt Parquet) is a
    CaseError naming the file, never pandas' or pyarrow's own exception from deep inside.

    The rows are numbered from 0 (a filtered or sorted frame's index is dropped): they are the rows that
    audit and diff report, and their results line up with them by position whatever the caller's index.
    ``evaluate_frame`` itself gives its result the caller's index.
    """
    if not isinstance(source, str | Path):
        return _numbered(to_pandas(source))
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".pq", ".arrow", ".feather", ".ipc"):
        raise CaseError([Problem("unreadable-frame", f"cannot read cases from '{path.name}': expected .csv, "
                                 ".parquet or .arrow/.feather", Location(str(path)))])
    try:
        with warnings.catch_warnings():
            # a row longer than the header would shift every value into the wrong column: an error here
            warnings.simplefilter("error", pd.errors.ParserWarning)
            if suffix == ".csv":
                return pd.read_csv(path, dtype_backend="numpy_nullable", keep_default_na=True, index_col=False)
            if suffix in (".parquet", ".pq"):
                return pd.read_parquet(path)
            return pd.read_feather(path)
    except (OSError, ValueError, pd.errors.ParserWarning) as exc:
        raise CaseError([_unreadable(path, exc)]) from None


def _numbered(frame: Any) -> Any:
    """The frame with its rows numbered 0..n-1 (as it is when they already are; no copy of the values)."""
    index = frame.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return frame
    return frame.reset_index(drop=True)  # (attrs, e.g. ``synthetic``, which diff and audit read, go with it)


def _unreadable(path: Path, exc: Exception) -> Problem:
    """What is wrong with a file pandas or pyarrow could not read, located as well as the reader says."""
    where = Location(str(path))
    if isinstance(exc, FileNotFoundError):
        return Problem("file-not-found", "no such file", where)
    if isinstance(exc, IsADirectoryError):
        return Problem("unreadable-frame", "a folder, not a file of cases", where)
    if isinstance(exc, OSError):
        return Problem("unreadable-frame", f"cannot read the file: {exc.strerror or exc}", where)
    if isinstance(exc, pd.errors.EmptyDataError):
        return Problem("empty-file", "the file is empty: expected a header row naming the columns", where)
    if isinstance(exc, UnicodeDecodeError):
        return Problem("not-utf8", f"not UTF-8 text (byte {exc.start}); save the CSV as UTF-8 (GBK is not read)",
                       where)
    if isinstance(exc, pd.errors.ParserWarning):
        return Problem("malformed-csv", "a row has more fields than the header (a comma too many, or an unnamed "
                       "column)", where)
    message = str(exc).replace("Error tokenizing data. C error: ", "").strip()
    line = re.search(r"\bline (\d+)", message)
    if isinstance(exc, pd.errors.ParserError):
        if message.startswith("EOF inside string"):
            message = f"a quote is opened and never closed ({message})"
        return Problem("malformed-csv", message, Location(str(path), int(line.group(1))) if line else where)
    kind = "Parquet" if path.suffix.lower() in (".parquet", ".pq") else "Arrow"
    return Problem("unreadable-frame", f"not a readable {kind} file: {message}", where)


def to_pandas(frame: Any) -> Any:
    """Pandas as it is; polars and pyarrow tables converted (no copy of the values where possible)."""
    if isinstance(frame, pd.DataFrame):
        return frame
    module = type(frame).__module__
    if module.startswith("polars"):
        return frame.to_pandas()
    if module.startswith("pyarrow"):
        return frame.to_pandas()
    raise TypeError(f"expected a pandas or polars DataFrame, an Arrow table or a file path, got {type(frame)!r}")


def unknown_columns(ruleset: CompiledRuleset, columns: Iterable[str], passthrough: Sequence[str], *,
                    source: str | None = None, facts: Iterable[str] = ()) -> None:
    """Raise CaseError naming every column that is neither a fact (of the ruleset, or in ``facts``)
    nor passed through, and every column named more than once; ``source``: the file, named in each
    location."""
    columns = list(columns)
    allowed = set(passthrough) | set(DEFAULT_PASSTHROUGH) | set(facts)
    where = f"{source}: " if source else ""
    counts = Counter(columns)
    # a frame can name two columns alike (a CSV cannot: pandas renames the second harm.1); which one
    # would be the fact? Neither is guessed
    problems = [
        Problem("duplicate-column", f"column '{name}' appears {count} times in the frame; keep one (rename or drop "
                "the others)", Location(f"{where}column {name}"))
        for name, count in counts.items() if count > 1
    ]
    problems += [
        Problem("unknown-column", f"column '{name}' is not a fact of ruleset {ruleset.id}; if it is data to keep "
                "rather than a misspelt fact, pass it with passthrough=[...] (discretion audit/diff: --passthrough "
                f"{name}) or name it recorded_*", Location(f"{where}column {name}"), _column_hint(str(name), ruleset))
        for name in dict.fromkeys(columns)
        if name not in ruleset.schema and name not in allowed and not str(name).startswith("recorded_")
    ]
    if problems:
        raise CaseError(problems)


def _column_hint(name: str, ruleset: CompiledRuleset) -> str | None:
    if name.startswith("Unnamed: "):
        return "a column with an empty header: often a DataFrame's index written by to_csv without index=False"
    return did_you_mean(name, ruleset.schema)


def row_problems(errors: Any, ids: Any = None) -> list[dict[str, Any]]:
    """Each problem of each invalid row of a batch result, as a record of ``PROBLEM_COLUMNS``.

    An ``error`` cell is a case's error as text, one problem a line (``facts.harm: invalid-fact: ...``);
    its location becomes the column (``harm``, ``violation``). Why here: audit and diff report the
    rows they could not judge with row, column and message, and must not tell them from the text twice.
    """
    out: list[dict[str, Any]] = []
    cells = np.asarray(pd.Series(errors, dtype=object).to_numpy(), dtype=object)  # by position, not label
    labels = np.asarray(pd.Series(ids, dtype=object).to_numpy(), dtype=object) if ids is not None else None
    for row in np.flatnonzero(pd.notna(cells)).tolist():
        ident = python_value(labels[row]) if labels is not None else None
        for line in str(cells[row]).splitlines():
            parsed = _PROBLEM_LINE.match(line)
            where, code, message = parsed.groups() if parsed else ("", "invalid-case", line)
            out.append({"row": row, "case_id": ident, "column": where.removeprefix("facts."), "code": code,
                        "message": message})
    return out


def located(problems: Any, source: str | None = None, limit: int | None = None) -> list[Problem]:
    """Row problems (``row_problems`` records, or a frame of them) as Problems located by file, row and
    column: the first ``limit`` of them, and then one that counts the rest."""
    records = problems.to_dict("records") if hasattr(problems, "to_dict") else list(problems)
    where = f"{source}: " if source else ""
    out = []
    for record in records[:limit]:
        column = f", column {record['column']}" if record["column"] else ""
        out.append(Problem(record["code"], record["message"], Location(f"{where}row {record['row']}{column}")))
    if len(records) > len(out):
        rows = len({record["row"] for record in records})
        out.append(Problem("invalid-rows", f"{len(records) - len(out)} more problems not shown ({len(records)} in "
                           f"{rows} invalid rows)", Location(source) if source else None))
    return out


def text_booleans(ruleset: CompiledRuleset, data: Any) -> None:
    """Bool facts given as text, read cell by cell (in place): 'true' and 'false' (pandas' CSV
    spellings) become booleans; any other text stays, to be its own row's error.

    Why: pandas reads a clean column of a CSV as booleans, but one stray cell ('yes') leaves the whole
    column as text, and every row of it would then fail. Only text columns are looked at.
    """
    for name in data.columns:
        spec = ruleset.schema.get(name)
        if spec is None or spec.type is not FactKind.bool:
            continue
        series = data[name]
        if series.dtype != object and not pd.api.types.is_string_dtype(series.dtype):
            continue
        true = np.asarray(series.isin(TRUE_TEXT), dtype=bool)
        false = np.asarray(series.isin(FALSE_TEXT), dtype=bool)
        if not (true.any() or false.any()):
            continue
        values = np.array(series.to_numpy(dtype=object), dtype=object)  # a copy: the caller's frame is untouched
        values[true], values[false] = True, False
        if (true | false | _nulls(series)).all():
            data[name] = pd.array(values, dtype="boolean")  # all read: the vectorised path's own dtype
        else:
            data[name] = pd.Series(values, index=series.index, dtype=object)


def _nulls(series: Any) -> npt.NDArray[np.bool_]:
    return np.asarray(series.array.isna(), dtype=bool)  # the array's own test: no Series built around it


def coerce_column(spec: FactSpec, series: Any) -> tuple[Column, npt.NDArray[np.bool_]]:
    """The fact as arrays, and the rows that must go through per-case evaluation."""
    size = len(series)
    null = _nulls(series)
    kind = spec.type
    if kind is FactKind.bool:
        values, bad = _bools(series, null)
    elif kind is FactKind.enum:
        values, bad = _enums(spec, series, null)
    elif kind in (FactKind.integer, FactKind.days):
        values, bad = _ints(series, null, 1, _integer)
    elif kind is FactKind.money:
        values, bad = _ints(series, null, 100, _money)
    elif kind is FactKind.number:
        values, bad = _ints(series, null, NUMBER_FACTOR, _number, signed=True)
    elif kind is FactKind.date:
        values, bad = _dates(series, null)
    else:  # records: read by the law layer per case
        values, bad = np.zeros(size, dtype=np.int64), ~null
    factor = {FactKind.money: 100, FactKind.number: NUMBER_FACTOR}.get(kind, 1)
    if kind in (FactKind.integer, FactKind.days, FactKind.money, FactKind.number) \
            and (spec.min is not None or spec.max is not None):
        bad |= _out_of_bounds(spec, values, ~null & ~bad, factor)
    known = ~null & ~bad
    return Column(spec, values, known), bad


def _bools(series: Any, null: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    dtype = str(series.dtype)
    if dtype in ("bool", "boolean", "bool[pyarrow]"):
        return np.asarray(series.to_numpy(dtype=bool, na_value=False), dtype=bool), np.zeros(len(series), dtype=bool)
    raw = series.to_numpy(dtype=object)
    is_true = np.fromiter((v is True or v is np.True_ for v in raw), dtype=bool, count=len(raw))
    is_false = np.fromiter((v is False or v is np.False_ for v in raw), dtype=bool, count=len(raw))
    return is_true, ~null & ~is_true & ~is_false


def _enums(spec: FactSpec, series: Any, null: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = list(series.cat.categories)
        mapping = np.array([spec.codes.index(c) if isinstance(c, str) and c in spec.codes else -1
                            for c in categories] + [-1], dtype=np.int64)
        codes = mapping[np.asarray(series.cat.codes.to_numpy(), dtype=np.int64)]
    else:
        raw = series.to_numpy(dtype=object)
        strings = np.fromiter((isinstance(v, str) for v in raw), dtype=bool, count=len(raw))
        lookup = pd.Index(list(spec.codes), dtype=object)
        codes = np.full(len(raw), -1, dtype=np.int64)
        if strings.any():
            codes[strings] = lookup.get_indexer(pd.Index(raw[strings], dtype=object))
    return codes, ~null & (codes < 0)


def _ints(series: Any, null: npt.NDArray[np.bool_], factor: int, scalar: Any,
          signed: bool = False) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    size = len(series)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return np.zeros(size, dtype=np.int64), ~null
    if pd.api.types.is_integer_dtype(dtype):
        raw = np.asarray(series.fillna(0).to_numpy(), dtype=np.int64)
        limit = MAX_FEN // factor
        bad = ~null & (np.abs(raw) >= limit)
        if factor > 1 and not signed:
            bad |= ~null & (raw < 0)
        return np.where(bad | null, 0, raw) * np.int64(factor), bad
    if pd.api.types.is_float_dtype(dtype):
        raw = np.asarray(series.to_numpy(dtype=float, na_value=np.nan), dtype=float)
        finite = np.isfinite(raw)
        scaled = np.where(finite, raw * factor, 0.0)
        rounded = np.round(scaled)
        exact = finite & (np.abs(rounded) < 2**53) & (np.where(finite, rounded / factor, 0.0) == np.where(
            finite, raw, 0.0))
        if factor > 1 and not signed:
            exact &= raw >= 0
        bad = ~null & ~exact
        return np.where(bad | null, 0, rounded).astype(np.int64), bad
    raw_objects = series.to_numpy(dtype=object)
    values = np.zeros(size, dtype=np.int64)
    bad = np.zeros(size, dtype=bool)
    for index in np.flatnonzero(~null):
        try:
            value = scalar(python_value(raw_objects[index]))
            product = Decimal(value) * factor
            whole = int(product)
            if whole != product or abs(whole) >= MAX_FEN:
                raise ValueError("too large")
            values[index] = whole
        except (ValueError, ArithmeticError):
            bad[index] = True
    return values, bad


def _dates(series: Any, null: npt.NDArray[np.bool_]) -> tuple[npt.NDArray[Any], npt.NDArray[np.bool_]]:
    size = len(series)
    if isinstance(series.dtype, pd.DatetimeTZDtype):  # an aware timestamp is never a date: per case, as an error
        return np.zeros(size, dtype=np.int64), ~null
    if pd.api.types.is_datetime64_dtype(series.dtype):
        stamps = series.to_numpy()
        unit, _ = np.datetime_data(stamps.dtype)
        per_day = PER_DAY.get(unit)
        if per_day is not None:
            ticks = stamps.view(np.int64)
            days = ticks // per_day  # floor division by a constant: several times cheaper than divmod
            bad = ~null & (days * per_day != ticks)  # a time of day: not a date
            return np.where(null | bad, 0, days), bad
        days_ = stamps.astype("datetime64[D]")
        bad = ~null & (days_.astype(stamps.dtype) != stamps)
        return np.where(null | bad, 0, days_.astype(np.int64)), bad
    raw = series.to_numpy(dtype=object)
    values = np.zeros(size, dtype=np.int64)
    bad = np.zeros(size, dtype=bool)
    for index in np.flatnonzero(~null):
        value = python_value(raw[index])
        if isinstance(value, date) and not isinstance(value, datetime):
            values[index] = (value - EPOCH).days
            continue
        if isinstance(value, str) and len(value) == 10:
            try:
                values[index] = (date.fromisoformat(value) - EPOCH).days
                continue
            except ValueError:
                pass
        bad[index] = True
    return values, bad


def _out_of_bounds(spec: FactSpec, values: npt.NDArray[Any], checked: npt.NDArray[np.bool_],
                   factor: int) -> npt.NDArray[np.bool_]:
    out = np.zeros(len(values), dtype=bool)
    if spec.min is not None:
        floor = spec.min * factor
        out |= checked & (values < math.ceil(floor))
    if spec.max is not None:
        ceiling = spec.max * factor
        out |= checked & (values > math.floor(ceiling))
    return out


def cells(series: Any) -> npt.NDArray[Any]:
    """A (short) column's cells as objects; naive timestamps at midnight as ``datetime.date`` already."""
    if pd.api.types.is_datetime64_dtype(series.dtype) and not isinstance(series.dtype, pd.DatetimeTZDtype):
        stamps = series.to_numpy()
        days = stamps.astype("datetime64[D]")
        out: npt.NDArray[Any] = days.astype(object)  # NaT becomes None
        ordinal = days.astype(np.int64)
        odd = ~np.isnat(stamps) & ((days.astype(stamps.dtype) != stamps) | (ordinal < FIRST_DAY) | (ordinal > LAST_DAY))
        for at in np.flatnonzero(odd).tolist():  # a time of day, or no datetime.date: the cell as it is
            out[at] = series.iloc[at]
        return out
    return np.asarray(series.to_numpy(dtype=object), dtype=object)


def python_values(series: Any) -> list[Any]:
    """A (short) column's cells as the plain Python values a case would carry (see ``python_value``)."""
    return [value if type(value) in PLAIN else python_value(value) for value in cells(series).tolist()]


def python_value(value: Any) -> Any:
    """A cell as the plain Python value a case would carry (None for every kind of missing)."""
    if type(value) in PLAIN:
        return value
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tz is None and not (value.hour or value.minute or value.second or value.microsecond
                                     or value.nanosecond):
            return value.date()
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return python_value(pd.Timestamp(value)) if not np.isnat(value) else None
    if isinstance(value, np.generic):
        item = value.item()
        return None if isinstance(item, float) and math.isnan(item) else item
    if isinstance(value, np.ndarray):
        return [python_value(v) for v in value.tolist()]
    if isinstance(value, list | tuple):
        return [python_value(v) for v in value]
    if isinstance(value, dict):
        return {k: python_value(v) for k, v in value.items()}
    return value
