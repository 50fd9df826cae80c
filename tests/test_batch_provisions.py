"""Frames with art. 29 rows (one act breaching several provisions) and facts implied by others:
every row gives exactly what discretion.evaluate gives for the same case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import discretion  # noqa: E402
from discretion import CaseError, synthetic  # noqa: E402
from discretion.batch import evaluate_frame  # noqa: E402
from discretion.batch.columns import python_value  # noqa: E402
from discretion.loading import find_ruleset_files  # noqa: E402

from .test_batch import _expected, _got  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TAX = ROOT / "rulesets" / "tax" / "first-violation" / "ruleset.yaml"
LINYI = ROOT / "rulesets" / "environment" / "linyi-minor" / "ruleset.yaml"
SEVERAL = [p for p in find_ruleset_files(ROOT / "rulesets") if len(discretion.load_ruleset(p).violations) >= 2]


def _case(row: dict[str, Any], facts: list[str], columns: Any) -> dict[str, Any]:
    """The case a row stands for, spelt as a case's JSON spells it."""
    values = {k: python_value(row[k]) for k in facts}
    case: dict[str, Any] = {"facts": {k: v for k, v in values.items() if v is not None}}
    if "violation" in columns:
        case["violation"] = python_value(row["violation"])
    listed = python_value(row["violations"]) if "violations" in columns else None
    if listed is not None:
        case["violations"] = listed
    return case


def _assert_same(ruleset: Any, frame: Any) -> None:
    out = evaluate_frame(ruleset, frame, progress=False)
    facts = [c for c in frame.columns if c in ruleset.schema]
    for i, row in enumerate(frame.to_dict("records")):
        case = _case(row, facts, frame.columns)
        assert _got(out.iloc[i]) == _expected(ruleset, case), (i, case)


def _lists(ids: list[str]) -> Any:
    """What a ``violations`` cell may hold: lists of known provisions (repeats allowed), odd cells, null."""
    known = st.lists(st.sampled_from(ids), min_size=1, max_size=3)
    odd = st.sampled_from([[], ["no-such-provision"], [ids[0], "nope"], "a string", [1, 2]])
    return st.one_of(known, known, known, odd, st.none())


@pytest.mark.parametrize("path", SEVERAL, ids=lambda p: p.parent.name)
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2**31), unknown=st.sampled_from([0.0, 0.2]))
def test_several_provisions_in_a_frame_equal_per_case_evaluation(path: Path, data: Any, seed: int,
                                                                 unknown: float) -> None:
    ruleset = discretion.load_ruleset(path)
    frame = synthetic.cases(ruleset, 40, seed, unknown=unknown)
    ids = list(ruleset.violations)
    listed = data.draw(st.lists(_lists(ids), min_size=len(frame), max_size=len(frame)))
    keep_single = data.draw(st.lists(st.sampled_from([False, False, True]), min_size=len(frame),
                                     max_size=len(frame)))
    frame["violations"] = pd.Series(listed, dtype=object)
    # a row names one provision, a list, both (an error, as for a case) or neither (an error too)
    frame["violation"] = [v if (lst is None or keep) else None
                          for v, lst, keep in zip(frame["violation"], listed, keep_single, strict=True)]
    _assert_same(ruleset, frame)


def test_a_violations_column_alone_and_repeated_patterns(tax: Any) -> None:
    """No ``violation`` column at all; many rows sharing few keys; the higher fine wins (art. 29)."""
    base = synthetic.cases(tax, 30, 3)
    frame = base.drop(columns=["violation"]).iloc[[i % 30 for i in range(300)]].reset_index(drop=True)
    frame["violations"] = [["late-filing", "books"] if i % 3 else ["books"] for i in range(300)]
    _assert_same(tax, frame)
    out = evaluate_frame(tax, frame, progress=False)
    several = out[pd.Series([i % 3 != 0 for i in range(300)]) & out["error"].isna()]
    assert len(several) and all("several_provisions" in flags for flags in several["flags"])
    assert out["violations"].tolist() == frame["violations"].tolist()  # passed through as given


def test_violations_from_parquet_arrive_as_arrays(tmp_path: Path, tax: Any) -> None:
    frame = pd.DataFrame({"violations": [["late-filing", "books"], ["books"]], "first_violation": [True, False],
                          "harm": ["minor", "serious"], "corrected": ["within_deadline", "late"]})
    frame.to_parquet(tmp_path / "cases.parquet")
    out = evaluate_frame(tax, tmp_path / "cases.parquet")
    for i, row in enumerate(frame.to_dict("records")):
        assert _got(out.iloc[i]) == _expected(tax, _case(row, ["first_violation", "harm", "corrected"],
                                                          frame.columns))


def test_violation_for_the_whole_frame_and_a_violations_column_are_refused(tax: Any) -> None:
    frame = pd.DataFrame({"violations": [["late-filing"]], "first_violation": [True]})
    with pytest.raises(CaseError) as info:
        evaluate_frame(tax, frame, violation="books")
    assert info.value.problems[0].code == "ambiguous-violation"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({
    "violation": st.sampled_from(["water-over-standard", "air-over-standard", "eia-unapproved-construction",
                                  "eia-registration-filing"]),
    "rectified_next_day": st.sampled_from([True, False, None]),
    "timely_corrected": st.sampled_from([True, False, None, None]),
    "corrected": st.sampled_from(["late", "within_deadline", None, None]),
    "minor_violation": st.sampled_from([True, None]),
    "first_violation": st.sampled_from([True, False, None]),
    "harm": st.sampled_from(["none", "minor", None]),
}), min_size=1, max_size=25))
def test_facts_implied_by_others_match_per_case(rows: list[dict[str, Any]]) -> None:
    """``implies: {timely_corrected: true}`` fills the fact before the statute reads it, as per case."""
    ruleset = discretion.load_ruleset(LINYI)
    frame = pd.DataFrame(rows)
    for name in ("rectified_next_day", "timely_corrected", "minor_violation", "first_violation"):
        frame[name] = frame[name].astype("boolean")
    _assert_same(ruleset, frame)


@pytest.mark.parametrize("violation", ["water-over-standard", "eia-unapproved-construction"])
def test_implied_fact_splits_rows_no_condition_tells_apart(violation: str) -> None:
    """Regression: rows differing only in a fact that implies timely correction were grouped together
    where no condition of the violation reads that fact, so art. 33(1) came out for both."""
    ruleset = discretion.load_ruleset(LINYI)
    frame = pd.DataFrame({"violation": [violation] * 2, "rectified_next_day": pd.array([True, None], dtype="boolean"),
                          "minor_violation": [True, True], "harm": ["none", "none"]})
    _assert_same(ruleset, frame)
