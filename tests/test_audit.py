"""Audit: decisions outside the range, exemptions not used, similar cases treated differently."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("matplotlib")

from discretion import CaseError, synthetic  # noqa: E402
from discretion.audit import audit  # noqa: E402
from discretion.cli import main  # noqa: E402

TAX = Path(__file__).resolve().parent.parent / "rulesets" / "tax" / "first-violation"


def _frame() -> Any:
    base = {"violation": "late-filing", "serious_circumstances": False, "first_violation": False, "harm": "moderate",
            "corrected": "late"}
    rows = [
        {**base, "case_id": "in-range", "recorded_outcome": "standard", "recorded_fine": "500"},
        {**base, "case_id": "too-high", "recorded_outcome": "standard", "recorded_fine": "2500"},
        {**base, "case_id": "same-1", "recorded_outcome": "standard", "recorded_fine": "400"},
        {**base, "case_id": "other-outcome", "recorded_outcome": "heavier", "recorded_fine": "450"},
        {**base, "first_violation": True, "harm": "minor", "corrected": "within_deadline", "case_id": "exempt",
         "recorded_outcome": "standard", "recorded_fine": 300},
    ]
    return pd.DataFrame(rows)


def test_findings_of_each_kind(tax: Any) -> None:
    report = audit(tax, _frame())
    kinds = {(f.case_id, f.kind, f.detail) for f in report.findings.itertuples()}
    assert ("too-high", "fine_outside_range", "above") in kinds
    assert ("exempt", "exemption_not_used", "shall") in kinds
    assert ("other-outcome", "inconsistent", "outcome") in kinds
    assert not any(case == "in-range" for case, _, _ in kinds)
    assert report.cases.loc[1, "recorded_fine"] == Decimal("2500")
    summary = report.summary.set_index("kind")["cases"].to_dict()
    assert summary == {"fine_outside_range": 1, "exemption_not_used": 1, "penalty_not_imposed": 0,
                       "inconsistent": 2}  # too-high: both


def test_html_report_has_charts_and_label(tax: Any) -> None:
    report = audit(tax, synthetic.decisions(tax, 300, seed=4))
    html = report.to_html()
    assert report.synthetic and "synthetic" in html
    assert html.count("data:image/png;base64,") == 2
    assert len(report.findings) > 0


def test_missing_recorded_column_is_named(tax: Any) -> None:
    with pytest.raises(CaseError, match="recorded_fine"):
        audit(tax, _frame().drop(columns=["recorded_fine"]))


def test_cli_audit(tmp_path: Path) -> None:
    path = tmp_path / "decisions.csv"
    _frame().to_csv(path, index=False)
    out = io.StringIO()
    status = main(["audit", str(TAX), str(path), "--html", str(tmp_path / "r.html"), "--csv",
                   str(tmp_path / "f.csv")], out=out)
    assert status == 1 and "fine_outside_range" in out.getvalue()
    assert (tmp_path / "r.html").read_text(encoding="utf-8").startswith("<html>")
    assert len(pd.read_csv(tmp_path / "f.csv")) == 4


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_invalid_rows_are_reported_not_skipped(tax: Any) -> None:
    frame = _frame()
    frame.loc[1, "violation"] = "late-filling"
    frame["act_date"] = [None, None, "2024-02-30", None, None]
    report = audit(tax, frame)
    assert report.invalid_rows == 2 and report.audited == 3
    problems = {(p.row, p.case_id, p.column, p.code) for p in report.invalid.itertuples()}
    assert problems == {(1, "too-high", "violation", "unknown-violation"), (2, "same-1", "act_date", "invalid-fact")}
    assert "did you mean 'late-filing'?" in report.invalid.loc[0, "message"]
    assert not set(report.findings["row"]) & {1, 2}
    assert report.cases.loc[2, "error"] is not None and report.cases.loc[0, "error"] is None
    assert [str(p.location) for p in report.problems()] == ["row 1, column violation", "row 2, column act_date"]
    exempt = report.summary.set_index("kind").loc["exemption_not_used"]
    assert exempt["cases"] == 1 and exempt["share"] == round(1 / 3, 4)  # of the cases audited
    assert "Invalid rows, not audited (2" in report.to_html()


def test_cli_audit_of_a_file_where_every_row_is_invalid_fails(tmp_path: Path) -> None:
    frame = _frame()
    frame["first_violation"] = [0, 0, 0, 0, 1]  # booleans written as 1/0
    frame.to_csv(tmp_path / "a.csv", index=False)
    status, out, err = _run("audit", str(TAX), str(tmp_path / "a.csv"), "--invalid-csv", str(tmp_path / "bad.csv"))
    assert status == 2
    assert "0 cases audited; 5 of 5 rows invalid" in out
    assert f"{tmp_path / 'a.csv'}: row 4, column first_violation: invalid-fact:" in err
    assert "expected true or false, found 1" in err
    assert list(pd.read_csv(tmp_path / "bad.csv")["row"]) == [0, 1, 2, 3, 4]


def test_cli_lists_the_first_problems_and_counts_the_rest(tmp_path: Path) -> None:
    frame = pd.concat([_frame()] * 6, ignore_index=True)
    frame["recorded_outcome"] = "standrd"
    frame.to_csv(tmp_path / "a.csv", index=False)
    status, _out, err = _run("audit", str(TAX), str(tmp_path / "a.csv"))
    assert status == 2 and err.count("invalid-recorded-outcome") == 20
    assert err.strip().endswith("invalid-rows: 10 more problems not shown (30 in 30 invalid rows)")


def test_misspelt_fact_column_is_an_error_not_an_unknown_fact(tmp_path: Path, tax: Any) -> None:
    frame = _frame().rename(columns={"harm": "harms"})
    with pytest.raises(CaseError, match="did you mean 'harm'") as info:
        audit(tax, frame)
    assert info.value.code == "unknown-column"
    frame.to_csv(tmp_path / "a.csv", index=False)
    status, _out, err = _run("audit", str(TAX), str(tmp_path / "a.csv"))
    assert status == 2 and f"{tmp_path / 'a.csv'}: column harms: unknown-column" in err
    kept = _frame().assign(officer=["x"] * 5)  # a column of its own, declared
    assert list(audit(tax, kept, passthrough=["officer"]).cases["officer"]) == ["x"] * 5
    kept.to_csv(tmp_path / "kept.csv", index=False)
    assert _run("audit", str(TAX), str(tmp_path / "kept.csv"), "--passthrough", "officer")[0] == 1


def test_recorded_outcomes_are_checked(tax: Any) -> None:
    frame = _frame()
    frame["recorded_outcome"] = ["standrd", "standard", None, "一般处罚", "不予处罚"]
    frame.loc[4, "recorded_fine"] = None
    report = audit(tax, frame)
    problems = report.invalid.set_index("row")
    assert list(problems.index) == [0, 2]
    assert problems.loc[0, "code"] == "invalid-recorded-outcome" and problems.loc[0, "column"] == "recorded_outcome"
    assert "expected one of no_penalty, mitigated, lighter, standard, heavier" in problems.loc[0, "message"]
    assert "found 'standrd'; did you mean 'standard'?" in problems.loc[0, "message"]
    assert problems.loc[2, "code"] == "missing-recorded-outcome"
    assert list(report.cases["recorded_outcome"]) == [None, "standard", None, "standard", "no_penalty"]
    assert not (report.findings["row"] == 4).any()  # 不予处罚 recorded where no penalty is recommended: no finding


def test_a_bad_recorded_fine_is_its_rows_problem(tax: Any) -> None:
    frame = _frame()
    frame["recorded_fine"] = frame["recorded_fine"].astype(object)
    frame.loc[0, "recorded_fine"] = "five hundred"
    frame.loc[3, "recorded_fine"] = "-450"
    report = audit(tax, frame)
    assert list(report.invalid["row"]) == [0, 3] and set(report.invalid["column"]) == {"recorded_fine"}
    assert "negative" in report.invalid.loc[1, "message"]
    assert ("too-high", "fine_outside_range") in {(f.case_id, f.kind) for f in report.findings.itertuples()}


@pytest.mark.parametrize(("content", "words"), [(b"", "empty-file"), (b'a,"b\n', "never closed")])
def test_cli_audit_of_an_unreadable_file_names_it(tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(content)
    status, _out, err = _run("audit", str(TAX), str(path))
    assert status == 2 and err.startswith(f"{path}: ") and words in err
    status, _out, err = _run("audit", str(TAX), str(tmp_path / "missing.csv"))
    assert status == 2 and err == f"{tmp_path / 'missing.csv'}: file-not-found: no such file\n"


def test_the_median_of_an_even_group_is_the_mean_of_its_middle_two(tax: Any) -> None:
    """Not the upper middle value, which took one side of a split group for the usual fine."""
    base = {"violation": "late-filing", "serious_circumstances": False, "first_violation": False, "harm": "moderate",
            "corrected": "late", "recorded_outcome": "standard"}
    fines = {"low-1": "1000", "low-2": "1000", "high-1": "999999", "high-2": "999999"}
    frame = pd.DataFrame([{**base, "case_id": case, "recorded_fine": fine} for case, fine in fines.items()])
    report = audit(tax, frame)
    far = {f.case_id: f.message for f in report.findings.itertuples() if (f.kind, f.detail) == ("inconsistent", "fine")}
    assert set(far) == set(fines)
    assert all("vs median 500499.5 of 4 similar cases" in message for message in far.values())


def test_the_ladder_draws_recorded_fines_with_pandas_missing_values() -> None:
    from discretion import load_ruleset
    from discretion.plots import ladder

    ruleset = load_ruleset(TAX)
    for recorded in (pd.Series([100, None, 300], dtype="Float64"), pd.Series([100, None], dtype="Int64"),
                     pd.Series([Decimal(100), pd.NA, None, float("nan")], dtype=object)):
        ax = ladder(ruleset, "late-filing", recorded=recorded)
        drawn = [float(x) for x, _y in ax.collections[-1].get_offsets()]  # the recorded points, the last drawn
        assert drawn == [float(v) for v in recorded if not pd.isna(v)]


def test_no_penalty_recorded_without_a_ground_is_a_finding(tax: Any) -> None:
    """该罚不罚: the reverse of an exemption not used; softened where unknown facts might give a ground."""
    penalised = {"violation": "late-filing", "first_violation": False, "harm": "serious", "corrected": "not_corrected"}
    rows = [{**penalised, "case_id": "no-ground", "recorded_outcome": "不予处罚", "recorded_fine": None},
            {"violation": "late-filing", "first_violation": True, "case_id": "unknown",
             "recorded_outcome": "no_penalty", "recorded_fine": None},
            {**penalised, "case_id": "penalised", "recorded_outcome": "standard", "recorded_fine": "500"}]
    report = audit(tax, pd.DataFrame(rows))
    assert list(report.cases["outcome"]) == ["standard", "standard", "standard"]
    found = {(f.case_id, f.detail) for f in report.findings.itertuples() if f.kind == "penalty_not_imposed"}
    assert found == {("no-ground", "no_ground"), ("unknown", "facts_unknown")}


def test_an_audit_of_a_filtered_frame_with_its_recommendations_reports_rows_from_0(tax: Any) -> None:
    from discretion.batch import evaluate_frame

    frame = pd.concat([_frame(), _frame()], ignore_index=True)
    part = frame.iloc[3:].copy()  # labelled 3..9
    recommendations = evaluate_frame(tax, part, passthrough=["recorded_outcome", "recorded_fine"])
    given = audit(tax, part, recommendations=recommendations)
    alone = audit(tax, part)
    assert given.findings.to_dict("records") == alone.findings.to_dict("records")
    assert sorted(given.findings["row"].unique()) == sorted(alone.findings["row"].unique())
    assert given.findings["row"].max() < len(part)


def test_the_findings_do_not_depend_on_the_order_of_the_rows() -> None:
    """Similar cases whose ranges depend on their own facts (linyi's fines are multiples of the investment):
    each row is judged against its own range, not the first row's."""
    from discretion import load_ruleset

    linyi = load_ruleset(TAX.parent.parent / "environment" / "linyi-minor")
    frame = synthetic.decisions(linyi, 1500, seed=3)
    frame["case_id"] = [f"c{n}" for n in range(len(frame))]

    def found(cases: Any) -> set[tuple[str, str, str]]:
        return {(f.case_id, f.kind, f.detail) for f in audit(linyi, cases).findings.itertuples()}

    given = found(frame)
    assert any(kind == "inconsistent" for _, kind, _ in given)
    assert found(frame.sort_values("act_date")) == given == found(frame.iloc[::-1])


def test_given_recommendations_without_a_column_the_audit_reads_are_a_located_error(tax: Any) -> None:
    from discretion.batch import evaluate_frame

    frame = _frame()
    recommendations = evaluate_frame(tax, frame, passthrough=["recorded_outcome", "recorded_fine"])
    with pytest.raises(CaseError) as caught:
        audit(tax, frame, recommendations=recommendations.drop(columns=["flags", "tier"]))
    problem = caught.value.problems[0]
    assert problem.code == "bad-recommendations"
    assert str(problem.location) == "recommendations"
    assert "'flags'" in problem.message and "'tier'" in problem.message


def test_given_recommendations_with_another_number_of_rows_are_a_located_error(tax: Any) -> None:
    from discretion.batch import evaluate_frame

    frame = _frame()
    recommendations = evaluate_frame(tax, frame, passthrough=["recorded_outcome", "recorded_fine"])
    with pytest.raises(CaseError) as caught:
        audit(tax, frame, recommendations=recommendations.iloc[:3])
    problem = caught.value.problems[0]
    assert problem.code == "bad-recommendations"
    assert f"3 rows for {len(frame)} cases" in problem.message
