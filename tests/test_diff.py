"""Change impact: the rules that changed between two versions, and the cases whose result changes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas")

import discretion  # noqa: E402
from discretion.cli import main  # noqa: E402
from discretion.diff import diff, rule_changes  # noqa: E402

TAX = Path(__file__).resolve().parent.parent / "rulesets" / "tax" / "first-violation" / "ruleset.yaml"


@pytest.fixture(scope="module")
def revised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tax ruleset with the ordinary band of art. 62 lowered to 1,000 yuan and the version bumped."""
    text = TAX.read_text(encoding="utf-8").replace('version: "2022.1"', 'version: "2022.2"')
    marker = "    statutory: &art62"
    head, tail = text.split(marker, 1)
    tail = tail.replace("fine: {max: 2000}", "fine: {max: 1000}", 1)
    path = tmp_path_factory.mktemp("revised") / "ruleset.yaml"
    path.write_text(head + marker + tail, encoding="utf-8")
    return path


def test_identical_versions_change_nothing(tax: Any) -> None:
    result = diff(tax, tax, n=300)
    assert len(result.rules) == 0 and result.changed_cases == 0 and result.synthetic


def test_rules_and_impact(tax: Any, revised: Path) -> None:
    new = discretion.load_ruleset(revised)
    changes = rule_changes(tax, new)
    ids = {(c["kind"], c["id"], c["change"]) for c in changes}
    assert ("band", "late-filing/ordinary", "changed") in ids
    result = diff(tax, new, n=600, seed=3)
    impact = result.impact
    assert result.changed_cases == int(impact["cases"].sum()) > 0
    assert set(impact["violation"]) <= {"late-filing", "withholding-late-report"}
    assert set(impact["changed"]) <= {"fine", "outcome+fine", "fine+rule", "outcome+fine+rule"}


def test_cli_diff(revised: Path) -> None:
    out = io.StringIO()
    assert main(["diff", str(TAX), str(revised), "-n", "300"], out=out) == 0
    text = out.getvalue()
    assert "late-filing/ordinary" in text and "2022.1 → 2022.2" in text and "synthetic cases change" in text


MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def _minimal(tmp_path: Path, name: str, *, ident: str = "test.minimal", second: bool = False,
             fact: bool = False) -> Path:
    """The minimal fixture, under another id, or with a second violation or a fact added in this version."""
    text = MINIMAL.read_text(encoding="utf-8").replace("id: test.minimal", f"id: {ident}")
    if fact:
        text = text.replace("facts:\n", "facts:\n  amount:\n    type: money\n    zh: 金额\n", 1)
    if second:
        head, tail = text.split("list_items:", 1)
        text = head + ("  v2:\n    title: {zh: 新增违法行为, en: added violation}\n    penalty_basis:\n"
                       "      - {law: 测试法, version: 2020-01-01, article: 2}\n    statutory:\n      types: [fine]\n"
                       "      fine: {max: 500}\nlist_items:") + tail
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_invalid_cases_are_reported_not_counted_as_changes(tmp_path: Path, tax: Any) -> None:
    path = tmp_path / "dc.csv"
    path.write_text("case_id,violation,first_violation,harm,corrected,act_date\n"
                    "a,late-filing,true,minr,within_deadline,2024-01-01\n"
                    "b,late-filling,true,minor,within_deadline,2024-01-01\n"
                    "c,late-filing,true,minor,within_deadline,2024-02-30\n"
                    "d,late-filing,true,minor,within_deadline,2024-01-01\n", encoding="utf-8")
    result = diff(tax, tax, str(path))
    assert result.changed_cases == 0 and list(result.cases["changed"]) == ["", "", "", ""]
    assert result.invalid_rows == 3 and not result.synthetic
    assert [(p.row, p.case_id, p.column) for p in result.invalid.itertuples()] == [
        (0, "a", "harm"), (1, "b", "violation"), (2, "c", "act_date")]
    assert result.cases.loc[1, "new_error"].startswith("violation: unknown-violation")
    status, out, err = _run("diff", str(TAX), str(TAX), "--cases", str(path))
    assert status == 2 and "0 of 4 cases change; 3 invalid, not compared" in out
    assert f"{path}: row 1, column violation: unknown-violation" in err and "did you mean 'late-filing'?" in err


def test_a_case_only_one_version_can_judge_is_an_invalid_change(tmp_path: Path) -> None:
    old = discretion.load_ruleset(MINIMAL)
    new = discretion.load_ruleset(_minimal(tmp_path, "new.yaml", second=True))
    cases = pd.DataFrame({"violation": ["v1", "v2"], "days_late": [3, 3]})
    result = diff(old, new, cases)
    assert list(result.cases["changed"]) == ["", "invalid"] and result.changed_cases == 1
    assert result.invalid_rows == 0 and result.cases.loc[1, "old_error"].startswith("violation: unknown-violation")
    assert list(result.impact["changed"]) == ["invalid"]


def test_misspelt_fact_column_of_the_cases_is_an_error(tmp_path: Path, tax: Any) -> None:
    path = tmp_path / "dc.csv"
    pd.DataFrame({"case_id": [1], "violation": ["late-filing"], "frist_violation": [True]}).to_csv(path, index=False)
    with pytest.raises(discretion.CaseError, match="did you mean 'first_violation'"):
        diff(tax, tax, str(path))
    status, _out, err = _run("diff", str(TAX), str(TAX), "--cases", str(path))
    assert status == 2 and f"{path}: column frist_violation: unknown-column" in err
    assert _run("diff", str(TAX), str(TAX), "--cases", str(path), "--passthrough", "frist_violation")[0] == 0


def test_a_fact_of_one_version_only_is_not_unknown(tmp_path: Path) -> None:
    old = discretion.load_ruleset(MINIMAL)
    new = discretion.load_ruleset(_minimal(tmp_path, "new.yaml", fact=True))
    cases = pd.DataFrame({"violation": ["v1", "v1"], "days_late": [30, 3], "amount": ["12.50", None]})
    for a, b in ((old, new), (new, old)):
        result = diff(a, b, cases)
        assert result.changed_cases == 0 and result.invalid_rows == 0 and result.cases["new_error"].isna().all()


def test_rulesets_with_nothing_in_common_are_refused(tax: Any) -> None:
    minimal = discretion.load_ruleset(MINIMAL)
    with pytest.raises(discretion.DiscretionError, match="no violation in common") as info:
        diff(tax, minimal, n=10)
    assert info.value.code == "nothing-in-common"
    status, out, err = _run("diff", str(TAX), str(MINIMAL), "-n", "10")
    assert status == 2 and out == "" and "nothing-in-common" in err and str(MINIMAL) in err


def test_two_different_rulesets_are_compared_with_a_warning(tmp_path: Path) -> None:
    other = _minimal(tmp_path, "other.yaml", ident="test.other")
    result = diff(discretion.load_ruleset(MINIMAL), discretion.load_ruleset(other), n=20)
    assert result.warnings == ["two different rulesets (test.minimal and test.other), not two versions of one; "
                               "they share 1 of 1 violations"]
    status, out, _err = _run("diff", str(MINIMAL), str(other), "-n", "20")
    assert status == 0 and out.startswith("test.minimal 1 → test.other 1\nwarning: two different rulesets")


def test_synthetic_cases_of_no_violation_are_refused(tax: Any) -> None:
    with pytest.raises(ValueError, match=r"violations=\[\]"):
        discretion.synthetic.cases(tax, 5, violations=[])
    with pytest.raises(discretion.CaseError, match="did you mean 'late-filing'") as caught:
        discretion.synthetic.cases(tax, 5, violations=["late-filling"])
    assert caught.value.code == "unknown-violation"
    assert set(discretion.synthetic.cases(tax, 20, violations=["books"])["violation"]) == {"books"}


def test_cli_diff_of_an_unreadable_corpus_names_it(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    status, _out, err = _run("diff", str(TAX), str(TAX), "--cases", str(tmp_path / "empty.csv"))
    assert status == 2 and err.startswith(f"{tmp_path / 'empty.csv'}: empty-file:")


def _per_case_outcomes(ruleset: Any, frame: Any) -> list[str | None]:
    """Each row's outcome by ``discretion.evaluate`` (None for an invalid case)."""
    from discretion.batch.columns import python_value

    facts = [c for c in frame.columns if c in ruleset.schema]
    out: list[str | None] = []
    for row in frame.to_dict("records"):
        known = {k: python_value(row[k]) for k in facts if python_value(row[k]) is not None}
        try:
            out.append(discretion.evaluate(ruleset, {"violation": python_value(row["violation"]),
                                                     "facts": known}).outcome.value)
        except discretion.DiscretionError:
            out.append(None)
    return out


@pytest.mark.parametrize("reorder", ["sorted", "filtered", "labelled"])
def test_impact_is_the_same_whatever_the_order_or_index_of_the_cases(tax: Any, revised: Path, reorder: str) -> None:
    from discretion import synthetic

    new = discretion.load_ruleset(revised)
    cases = synthetic.cases(tax, 800, seed=7)
    frame = {"sorted": lambda: cases.sort_values("act_date"),
             "filtered": lambda: cases[cases["violation"] == "late-filing"],
             "labelled": lambda: cases.set_index(cases["case_id"].map(lambda i: f"c{i}"))}[reorder]()
    assert not frame.index.equals(pd.RangeIndex(len(frame)))
    whole = diff(tax, new, cases).cases.set_index("case_id")
    result = diff(tax, new, frame)
    assert list(result.cases["case_id"]) == list(frame["case_id"])
    assert result.cases.index.equals(pd.RangeIndex(len(frame)))
    expected = whole.loc[list(frame["case_id"])].reset_index()
    pd.testing.assert_frame_equal(result.cases, expected, check_dtype=False)
    assert result.changed_cases == int((expected["changed"] != "").sum()) > 0
    assert set(result.impact["violation"]) <= {"late-filing", "withholding-late-report"}
    head = frame.iloc[:40].drop(columns=["synthetic"])
    assert list(result.cases["old_outcome"].iloc[:40]) == _per_case_outcomes(tax, head)
    assert list(result.cases["new_outcome"].iloc[:40]) == _per_case_outcomes(new, head)
    assert list(result.cases["violation"].iloc[:40]) == list(head["violation"].astype(object))


def test_shall_turned_into_may_is_a_change(tax: Any, tmp_path: Path) -> None:
    text = TAX.read_text(encoding="utf-8")
    revised = text.replace("    ground: first_violation\n    modality: shall\n",
                           "    ground: first_violation\n    modality: may\n", 1)
    assert revised != text
    path = tmp_path / "ruleset.yaml"
    path.write_text(revised.replace('version: "2022.1"', 'version: "2022.3"'), encoding="utf-8")
    new = discretion.load_ruleset(path)
    case = {"violation": "late-filing", "facts": {"first_violation": True, "harm": "minor",
                                                  "corrected": "within_deadline"}}
    before, after = discretion.evaluate(tax, case), discretion.evaluate(new, case)
    assert before.outcome == after.outcome and before.mandatory is True and after.mandatory is False
    cases = pd.DataFrame([{"case_id": "m", "violation": "late-filing", **case["facts"]},
                          {"case_id": "s", "violation": "late-filing", "first_violation": False, "harm": "minor",
                           "corrected": "within_deadline"}])
    result = diff(tax, new, cases)
    assert list(result.cases["changed"]) == ["mandatory", ""] and result.changed_cases == 1
    row = result.cases.iloc[0]
    assert (row["old_outcome"], row["new_outcome"]) == (before.outcome.value, after.outcome.value)
    assert (row["old_mandatory"], row["new_mandatory"]) == (before.mandatory, after.mandatory)
    second = [discretion.evaluate(r, {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor",
                                                                             "corrected": "within_deadline"}})
              for r in (tax, new)]
    assert [result.cases.iloc[1]["old_mandatory"], result.cases.iloc[1]["new_mandatory"]] == \
        [r.mandatory for r in second]
    assert list(result.impact[["violation", "old_outcome", "new_outcome", "changed", "cases"]].itertuples(
        index=False, name=None)) == [("late-filing", "no_penalty", "no_penalty", "mandatory", 1)]
    # the columns that were there keep their names and places; the new ones come last
    assert list(result.cases.columns) == [
        "case_id", "violation", "old_outcome", "new_outcome", "old_fine_min", "old_fine_max", "new_fine_min",
        "new_fine_max", "old_rule", "new_rule", "changed", "old_error", "new_error", "old_mandatory",
        "new_mandatory"]
    synthetic_run = diff(tax, new, n=600, seed=1)
    assert synthetic_run.changed_cases > 0 and set(synthetic_run.impact["changed"]) == {"mandatory"}


def test_a_column_named_twice_in_the_cases_is_refused(tax: Any) -> None:
    cases = pd.DataFrame([["late-filing", "none", "minor"]], columns=["violation", "harm", "harm"])
    with pytest.raises(discretion.CaseError, match="duplicate-column: column 'harm' appears 2 times"):
        diff(tax, tax, cases)
