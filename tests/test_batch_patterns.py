"""Frames whose rows repeat: identical rows are evaluated once, and every row still gives exactly what
discretion.evaluate gives for its case (bad cells, unknown violations and art. 29 lists included)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import discretion  # noqa: E402
from discretion import synthetic  # noqa: E402
from discretion.batch import evaluate_frame  # noqa: E402
from discretion.batch.engine import Frame  # noqa: E402
from discretion.batch.keys import dense_codes, first_rows  # noqa: E402
from discretion.batch.patterns import column_coder, distinct_rows  # noqa: E402
from discretion.loading import find_ruleset_files  # noqa: E402

from .test_batch_provisions import _assert_same  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOME = [p for p in find_ruleset_files(ROOT / "rulesets")][::8]


def _repeated(frame: Any, times: int, seed: int) -> Any:
    picks = np.random.default_rng(seed).integers(0, len(frame), len(frame) * times)
    return frame.iloc[picks].reset_index(drop=True)


def _grouped(ruleset: Any, frame: Any) -> bool:
    """Whether the frame goes through the pattern path (rather than row by row through the arrays)."""
    violations = frame["violation"] if "violation" in frame.columns else None
    several = frame["violations"] if "violations" in frame.columns else None
    view = Frame(ruleset, frame, violations, None, None, several)
    return distinct_rows([frame[n] for n in view.facts], view.provision_parts(), len(frame)) is not None


@pytest.mark.parametrize("path", SOME, ids=lambda p: p.parent.name)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), unknown=st.sampled_from([0.0, 0.3]))
def test_repeated_rows_equal_per_case_evaluation(path: Path, seed: int, unknown: float) -> None:
    ruleset = discretion.load_ruleset(path)
    frame = _repeated(synthetic.cases(ruleset, 25, seed, unknown=unknown), 4, seed)
    assert _grouped(ruleset, frame)
    _assert_same(ruleset, frame)


def test_repeated_bad_cells_and_unknown_violations_keep_their_own_errors(tax: Any) -> None:
    """Typed columns holding values only per-case evaluation can judge, each repeated many times."""
    frame = pd.DataFrame({
        "violation": pd.Series(["late-filing", "nope", "books", None, "late-filing", "books"], dtype="string"),
        "age_at_act": pd.array([40, -1, 15, None, 10, 40], dtype="Int64"),
        "illegal_gains": [0.0, -0.0, 0.005, np.nan, 12.5, -3.0],
        "act_date": pd.to_datetime(["2024-01-01", "2024-01-01 12:00", None, "2023-05-05", "2021-02-28",
                                    "2024-02-29"], format="ISO8601").astype("datetime64[s]"),
        "first_violation": pd.array([True, None, False, True, True, None], dtype="boolean"),
        "harm": pd.Categorical(["minor", "none", None, "serious", "minor", "none"]),
        "corrected": ["within_deadline", "late", None, "within_deadline", "before_discovery", "late"],
    })
    repeated = _repeated(frame, 20, 1)
    assert _grouped(tax, repeated)
    _assert_same(tax, repeated)


def test_repeated_lists_of_provisions(tax: Any) -> None:
    base = synthetic.cases(tax, 10, 4).drop(columns=["violation"])
    base["violations"] = [["late-filing", "books"], ["books"], ["books", "nope"], [], None,
                          ["books", "late-filing"], ["late-filing"], "text", ["late-filing", "books"], ["books"]]
    frame = _repeated(base, 10, 2)
    assert _grouped(tax, frame)
    _assert_same(tax, frame)


def column_codes(series: Any) -> tuple[Any, int] | None:
    """A whole column's codes and how many values they take (None: cells not comparable exactly)."""
    coder = column_coder(series)
    return None if coder is None else (coder.codes(0, len(series)), coder.base)


def test_cells_that_are_equal_but_not_identical_never_share_a_pattern() -> None:
    mixed = pd.Series([1, True, 1, True], dtype=object)
    assert column_codes(mixed) is None  # 1 == True for a hash table, not for a case
    floats, _ = column_codes(pd.Series([0.0, -0.0, np.nan, 0.0]))  # type: ignore[misc]
    assert floats[0] == floats[3] and len({floats[0], floats[1], floats[2]}) == 3
    stamps = pd.Series(pd.to_datetime([datetime(2024, 1, 1), datetime(2024, 1, 1, 0, 0, 1), None,
                                       datetime(2030, 1, 1)]).astype("datetime64[s]"))
    codes, _ = column_codes(stamps)  # type: ignore[misc]
    assert len(set(codes.tolist())) == 4 and codes[2] == 0
    days = pd.Series(pd.to_datetime(["2024-01-01", None, "2030-01-01", "2024-01-01"]).astype("datetime64[s]"))
    codes, count = column_codes(days)  # type: ignore[misc]
    assert codes[0] == codes[3] and codes[1] == 0 and count < 2**20  # counted in days, not seconds
    booleans, count = column_codes(pd.Series(pd.array([True, None, False, None], dtype="boolean")))  # type: ignore[misc]
    assert count == 3 and booleans[1] == booleans[3] and len(set(booleans.tolist())) == 3
    text, _ = column_codes(pd.Series(["a", None, "a", float("nan")], dtype=object))  # type: ignore[misc]
    assert text[0] == text[2] and text[1] == text[3] == 0


def test_mostly_distinct_rows_are_left_to_the_arrays(tax: Any) -> None:
    frame = synthetic.cases(tax, 50, 9)
    assert not _grouped(tax, frame)
    assert not _grouped(tax, frame.iloc[:0]) and not _grouped(tax, pd.concat([frame.iloc[:2]] * 10))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 40), st.integers(0, 2**40)), min_size=1, max_size=60),
       st.sampled_from([3, 2**21, 2**41]))
def test_dense_codes_number_combinations_in_order_of_first_appearance(rows: list[tuple[int, int, int]],
                                                                     wide: int) -> None:
    """Codes are equal exactly when every part is; the words fold whatever the bases (large ones too)."""
    columns = [np.array(c, dtype=np.int64) for c in zip(*rows, strict=True)]
    parts = [(columns[0], 3), (columns[1], 41), (columns[2], 2**41), (columns[0] % 3, wide)]
    codes = dense_codes(parts)
    seen: dict[tuple[int, int, int], int] = {}
    expected = [seen.setdefault(row, len(seen)) for row in rows]
    assert codes.tolist() == expected
    assert first_rows(codes).tolist() == [expected.index(code) for code in range(len(seen))]


def test_a_whole_frame_result_is_unchanged_by_grouping(tax: Any) -> None:
    """The same rows, grouped (repeated) and alone, give the same result columns and dtypes."""
    base = synthetic.cases(tax, 40, 5)
    alone = evaluate_frame(tax, base, progress=False)
    grouped = evaluate_frame(tax, pd.concat([base] * 3, ignore_index=True), progress=False).iloc[:40]
    assert list(grouped.dtypes) == list(alone.dtypes)
    assert str(grouped["outcome"].dtype) == "category" and str(grouped["mandatory"].dtype) == "boolean"
    pd.testing.assert_frame_equal(grouped.reset_index(drop=True), alone)


def test_a_column_with_one_value_keeps_it_whole(tax: Any) -> None:
    """Every row gets the same tuple (and the same None) where the whole frame shares one result."""
    frame = pd.DataFrame({"violation": ["late-filing"] * 100, "first_violation": [True] * 100,
                          "harm": ["minor"] * 100, "corrected": ["within_deadline"] * 100})
    out = evaluate_frame(tax, frame, progress=False)
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": frame.iloc[0, 1:].to_dict()})
    assert out["measures"].map(type).eq(tuple).all()
    assert set(out["measures"]) == {tuple(rec.measure_codes)} and out["error"].isna().all()
    assert out["fine_max"].map(lambda v: v is None).all() and out["mandatory"].all()


@pytest.mark.parametrize("rows", [3, 50, 100])
def test_the_progress_bar_counts_every_row(tax: Any, rows: int, monkeypatch: Any) -> None:
    """Row by row, through the arrays, or through patterns: the bar ends at the frame's length."""
    auto = pytest.importorskip("tqdm.auto")
    closed: list[tuple[int, int]] = []

    class Bar:
        def __init__(self, total: int, **_: Any) -> None:
            self.total, self.n = total, 0

        def update(self, n: int) -> None:
            self.n += n

        def close(self) -> None:
            closed.append((self.total, self.n))

    monkeypatch.setattr(auto, "tqdm", Bar)
    frame = _repeated(synthetic.cases(tax, 25, 3), 4, 3).iloc[:rows] if rows == 100 else synthetic.cases(tax, rows, 3)
    evaluate_frame(tax, frame, progress=True)
    evaluate_frame(tax, frame, progress=False)
    assert closed == [(rows, rows)]
