"""Batch rows: the result keeps the caller's index, rows whose dates are out of order get their own
error (and only they), and a frame naming a column twice is refused. Each checked against
``discretion.evaluate`` case by case."""

from __future__ import annotations

from typing import Any

import pytest

pd = pytest.importorskip("pandas")

import discretion  # noqa: E402
from discretion import CaseError, synthetic  # noqa: E402
from discretion.audit import audit  # noqa: E402
from discretion.batch import evaluate_frame  # noqa: E402
from discretion.batch.columns import python_value  # noqa: E402


def _per_case(ruleset: Any, frame: Any) -> list[tuple[Any, ...] | str]:
    """Each row of the frame through ``discretion.evaluate``: its error, or what the batch columns show."""
    facts = [c for c in frame.columns if c in ruleset.schema]
    out: list[tuple[Any, ...] | str] = []
    for row in frame.to_dict("records"):
        known = {k: python_value(row[k]) for k in facts if python_value(row[k]) is not None}
        try:
            rec = discretion.evaluate(ruleset, {"violation": python_value(row["violation"]), "facts": known})
        except discretion.DiscretionError as exc:
            out.append(str(exc))
            continue
        out.append((rec.outcome.value, rec.mandatory, rec.fine.min if rec.fine else None,
                    rec.fine.max if rec.fine else None, rec.list_item, rec.tier))
    return out


def _batch(result: Any) -> list[tuple[Any, ...] | str]:
    out: list[tuple[Any, ...] | str] = []
    for row in result.itertuples(index=False):
        if row.error is not None:
            out.append(str(row.error))
        else:
            out.append((str(row.outcome), bool(row.mandatory), row.fine_min, row.fine_max, row.list_item, row.tier))
    return out


# -- the caller's index -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reorder", ["filtered", "sorted", "labelled"])
def test_the_result_carries_the_frames_own_index(tax: Any, reorder: str) -> None:
    cases = synthetic.cases(tax, 400, seed=5)
    if reorder == "filtered":
        frame = cases[cases["violation"] == "late-filing"]
    elif reorder == "sorted":
        frame = cases.sort_values("act_date")
    else:
        frame = cases.set_index(cases["case_id"].map(lambda i: f"row-{i}"))
    assert not frame.index.equals(pd.RangeIndex(len(frame)))
    facts = frame.drop(columns=["synthetic"])
    result = evaluate_frame(tax, facts, progress=False)
    assert result.index.equals(frame.index)
    # assigned back by label, each row gets its own result: the same as evaluating the rows numbered from 0
    plain = evaluate_frame(tax, facts.reset_index(drop=True), progress=False)
    joined = frame.assign(outcome=result["outcome"], error=result["error"], fine_max=result["fine_max"])
    assert list(joined["outcome"].astype(object)) == list(plain["outcome"].astype(object))
    assert list(joined["fine_max"]) == list(plain["fine_max"]) and list(joined["error"]) == list(plain["error"])
    assert list(result["case_id"]) == list(frame["case_id"])
    head = facts.iloc[:40]
    assert _batch(result.iloc[:40]) == _per_case(tax, head)


def test_an_audit_of_a_filtered_frame_reports_rows_from_0(tax: Any) -> None:
    decisions = synthetic.decisions(tax, 600, seed=2)
    subset = decisions[decisions["violation"] == "late-filing"]
    report = audit(tax, subset)
    assert list(report.cases["case_id"]) == list(subset["case_id"])
    for finding in report.findings.itertuples():
        assert report.cases["case_id"].iat[finding.row] == finding.case_id


# -- dates out of order -----------------------------------------------------------------------------------

BASE = {"violation": "late-filing", "first_violation": True, "harm": "minor", "corrected": "within_deadline",
        "act_date": "2023-05-01"}


@pytest.mark.parametrize("size", [10, 120])  # the keyed arrays alone; and first the distinct patterns
@pytest.mark.parametrize("bad_at", ["first", "middle", "last"])
@pytest.mark.parametrize("field", ["discovery_date", "act_end_date"])
def test_only_rows_with_dates_out_of_order_get_that_error(tax: Any, size: int, bad_at: str, field: str) -> None:
    rows = [dict(BASE, **{field: f"2023-{6 + i // 28:02d}-{1 + i % 28:02d}"}) for i in range(size)]
    bad = {"first": [0], "middle": [size // 2], "last": [size - 1]}[bad_at]
    bad.append(3 if bad_at != "first" else 4)  # two bad rows, one of them not the first of its group
    for at in bad:
        rows[at][field] = "2023-04-01"
    frame = pd.DataFrame(rows)
    result = evaluate_frame(tax, frame, progress=False)
    got, expected = _batch(result), _per_case(tax, frame)
    assert got == expected
    erred = [at for at, error in enumerate(result["error"]) if error is not None]
    assert erred == sorted(bad)
    assert all("dates-out-of-order" in result["error"].iat[at] and "2023-04-01" in result["error"].iat[at]
               for at in bad)
    assert result["outcome"].notna().sum() == size - len(bad)


def test_dates_out_of_order_in_a_synthetic_frame_match_per_case(tax: Any) -> None:
    valid = synthetic.cases(tax, 150, seed=11).drop(columns=["synthetic"])
    shifted = valid.copy()
    swap = shifted.index[::3]
    shifted.loc[swap, "discovery_date"] = shifted.loc[swap, "act_date"] - pd.Timedelta(days=3)
    cases = pd.concat([valid, shifted], ignore_index=True)  # each bad row after its valid twin, and before
    cases = pd.concat([cases, valid], ignore_index=True)
    result = evaluate_frame(tax, cases, progress=False)
    assert _batch(result) == _per_case(tax, cases)
    erred = set(cases.index[result["error"].fillna("").str.contains("dates-out-of-order").to_numpy()])
    assert erred == {150 + at for at in swap if pd.notna(shifted.at[at, "act_date"])} and erred


# -- columns named twice ----------------------------------------------------------------------------------


def test_a_column_named_twice_is_refused_by_name(tax: Any) -> None:
    frame = pd.DataFrame([["late-filing", "none", "minor", True]] * 10,
                         columns=["violation", "harm", "harm", "first_violation"])
    with pytest.raises(CaseError) as caught:
        evaluate_frame(tax, frame, progress=False)
    [problem] = caught.value.problems
    assert problem.code == "duplicate-column" and "'harm'" in problem.message
    assert str(problem.location) == "column harm"
    frame.columns = ["violation", "harm", "harm", "harm"]  # with the unknown columns: every problem at once
    frame["colour"] = "red"
    with pytest.raises(CaseError) as caught:
        evaluate_frame(tax, frame, progress=False)
    assert [p.code for p in caught.value.problems] == ["duplicate-column", "unknown-column"]
    assert "3 times" in caught.value.problems[0].message
