"""Batch evaluation: a frame of cases gives exactly what discretion.evaluate gives case by case."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
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

ROOT = Path(__file__).resolve().parent.parent
TAX = ROOT / "rulesets" / "tax" / "first-violation" / "ruleset.yaml"
RULESET_FILES = find_ruleset_files(ROOT / "rulesets")
FIELDS = ("outcome", "mandatory", "fine_min", "fine_max", "list_item", "tier", "band", "measures", "flags", "rules")


def _expected(ruleset: Any, case: dict[str, Any]) -> tuple[Any, ...] | str:
    try:
        rec = discretion.evaluate(ruleset, case)
    except discretion.DiscretionError as exc:
        return str(exc)
    return (rec.outcome.value, rec.mandatory, rec.fine.min if rec.fine else None, rec.fine.max if rec.fine else None,
            rec.list_item, rec.tier, rec.band, tuple(rec.measure_codes), tuple(f.code for f in rec.flags),
            tuple(s.rule for s in rec.trace if s.matched is True))


def _got(row: Any) -> tuple[Any, ...] | str:
    if row["error"] is not None:
        return str(row["error"])
    return tuple(None if (v is None or v is pd.NA) else (str(v) if f == "outcome" else v)
                 for f, v in ((f, row[f]) for f in FIELDS))


def _assert_same(ruleset: Any, frame: Any) -> None:
    out = evaluate_frame(ruleset, frame, progress=False)
    facts = [c for c in frame.columns if c in ruleset.schema]
    for i, row in enumerate(frame.to_dict("records")):
        values = {k: python_value(row[k]) for k in facts}
        known = {k: v for k, v in values.items() if v is not None}
        case = {"violation": python_value(row["violation"]), "facts": known}
        assert _got(out.iloc[i]) == _expected(ruleset, case), (i, case)


@pytest.mark.parametrize("path", RULESET_FILES, ids=lambda p: p.parent.name)
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), unknown=st.sampled_from([0.0, 0.1, 0.5]))
def test_frame_equals_per_case_evaluation(path: Path, seed: int, unknown: float) -> None:
    ruleset = discretion.load_ruleset(path)
    _assert_same(ruleset, synthetic.cases(ruleset, 60, seed, unknown=unknown))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({
    "violation": st.sampled_from(["late-filing", "books", "bank-accounts", "nope", None]),
    "first_violation": st.sampled_from([True, False, None]),
    "harm": st.sampled_from(["none", "minor", "serious", "bad", None]),
    "corrected": st.sampled_from(["before_discovery", "late", None]),
    "serious_circumstances": st.sampled_from([True, False, None, 1]),
    "age_at_act": st.sampled_from([None, 10, 15, 40, -1, 2.5, "16"]),
    "illegal_gains": st.sampled_from([None, 0, 12.5, 0.005, "1,000", Decimal("3.10"), -1]),
    "act_date": st.sampled_from([None, date(2021, 2, 28), "2024-02-29", "2024-13-01", date(2019, 1, 1)]),
    "discovery_date": st.sampled_from([None, date(2024, 3, 1), date(2023, 2, 28)]),
    "prior_violations": st.sampled_from([None, [{"date": "2020-01-01", "violation": "books"}]]),
}), min_size=1, max_size=30))
def test_mixed_and_invalid_values_match_per_case(rows: list[dict[str, Any]]) -> None:
    """Object columns, bad values and unknown violations: errors per row, never a stopped run."""
    ruleset = discretion.load_ruleset(TAX)
    _assert_same(ruleset, pd.DataFrame(rows))


def test_result_columns_and_money_are_exact(tax: Any) -> None:
    frame = pd.DataFrame({"violation": ["late-filing", "late-filing"], "serious_circumstances": [True, False],
                          "first_violation": [False, True], "harm": ["serious", "minor"],
                          "corrected": ["late", "within_deadline"], "case_id": ["a", "b"]})
    out = evaluate_frame(tax, frame)
    assert list(out["case_id"]) == ["a", "b"]
    assert out.loc[0, "fine_min"] == Decimal("2000.00") and isinstance(out.loc[0, "fine_max"], Decimal)
    assert out.loc[1, "outcome"] == "no_penalty" and out.loc[1, "fine_min"] is None
    assert out["error"].isna().all()


def test_unknown_column_is_named(tax: Any) -> None:
    frame = pd.DataFrame({"violation": ["late-filing"], "frist_violation": [True]})
    with pytest.raises(CaseError) as info:
        evaluate_frame(tax, frame)
    assert "frist_violation" in str(info.value) and "first_violation" in str(info.value)
    assert evaluate_frame(tax, frame, passthrough=["frist_violation"])["frist_violation"].tolist() == [True]


def test_violation_for_the_whole_frame_and_files(tmp_path: Path, tax: Any) -> None:
    frame = pd.DataFrame({"first_violation": [True, None], "harm": ["minor", None],
                          "corrected": ["within_deadline", None]})
    out = evaluate_frame(tax, frame, violation="late-filing")
    assert list(out["outcome"]) == ["no_penalty", "standard"]
    frame["violation"] = "late-filing"
    frame.to_csv(tmp_path / "cases.csv", index=False)
    frame.to_parquet(tmp_path / "cases.parquet")
    polars = pytest.importorskip("polars")
    for source in (tmp_path / "cases.csv", tmp_path / "cases.parquet", polars.from_pandas(frame)):
        assert list(evaluate_frame(tax, source)["outcome"]) == ["no_penalty", "standard"]


def test_synthetic_frames_are_labelled(tax: Any) -> None:
    frame = synthetic.decisions(tax, 50, seed=2)
    assert frame.attrs["synthetic"] is True and frame["synthetic"].all()
    assert "synthetic" in frame.attrs["label"]
    assert synthetic.cases(tax, 20, 5).equals(synthetic.cases(tax, 20, 5))


def test_jurisdiction_thresholds_in_a_frame_match_per_case() -> None:
    """Hearing rights under a jurisdiction's thresholds come out as per-case evaluation gives them."""
    import discretion
    from discretion.batch import evaluate_frame

    from .conftest import FIXTURES

    shapes = discretion.load_ruleset(FIXTURES / "shapes.yaml")
    province = discretion.load_jurisdiction(FIXTURES / "jurisdiction" / "test-province.yaml")
    rows = [("4999.99", "natural_person"), ("5000", "natural_person"), ("49999.99", "legal_person"),
            ("50000", "legal_person"), ("5000", "legal_person")]
    frame = pd.DataFrame({"violation": ["amount"] * len(rows), "assessed": [a for a, _ in rows],
                          "party_type": [p for _, p in rows]})
    out = evaluate_frame(shapes, frame, jurisdiction=province)
    for i, (amount, party) in enumerate(rows):
        rec = discretion.evaluate(shapes, {"violation": "amount", "facts": {"assessed": amount, "party_type": party}},
                                  jurisdiction=province)
        assert list(out.loc[i, "flags"]) == [f.code for f in rec.flags]
    assert ["hearing_right" in out.loc[i, "flags"] for i in range(len(rows))] == [False, True, False, True, False]


@pytest.mark.usefixtures("fresh_memo")
def test_rows_read_for_a_frame_are_always_remembered(monkeypatch: Any) -> None:
    """A frame's rows are its distinct patterns: their misses must not pause recording (what-if reruns)."""
    from discretion import memo
    from discretion.case import validate_case
    from discretion.evaluate import evaluate_read_only, match_native

    monkeypatch.setattr(memo, "WINDOW", 8)
    ruleset = discretion.load_ruleset(TAX)
    cases = [validate_case(ruleset, {"violation": "invoice-data",
                                     "facts": {"first_violation": True, "illegal_gains": f"{n}.01"}})
             for n in range(30)]
    first = [evaluate_read_only(ruleset, case, match_native) for case in cases]
    assert memo.stats()["paused"] == 0 and memo.stats()["misses"] == 30
    again = [evaluate_read_only(ruleset, case, match_native) for case in cases]
    assert memo.stats()["hits"] == 30 and all(a is b for a, b in zip(first, again, strict=True))


UNREADABLE = {  # file name, its bytes, and the code and words of the message that names it
    "empty.csv": (b"", "empty-file", "header row"),
    "quote.csv": (b'violation,first_violation\n"late-filing,true\n', "malformed-csv", "never closed"),
    "long.csv": (b"violation,harm\nlate-filing,minor\nlate-filing,minor,extra\n", "malformed-csv", "line 3"),
    "shifted.csv": (b"violation,harm\nlate-filing,minor,extra\n", "malformed-csv", "more fields than the header"),
    "gbk.csv": ("violation,harm\n逾期,minor\n".encode("gbk"), "not-utf8", "UTF-8"),
    "corrupt.parquet": (b"PAR1 not really parquet", "unreadable-frame", "Parquet"),
    "corrupt.arrow": (b"xx", "unreadable-frame", "Arrow"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_unreadable_files_are_named_not_raised_from_pandas(tmp_path: Path, tax: Any, name: str) -> None:
    content, code, words = UNREADABLE[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CaseError) as info:
        evaluate_frame(tax, path)
    assert info.value.code == code and str(path) in str(info.value) and words in str(info.value)


def test_a_missing_file_is_named(tmp_path: Path, tax: Any) -> None:
    with pytest.raises(CaseError, match="file-not-found") as info:
        evaluate_frame(tax, tmp_path / "nowhere.csv")
    assert str(tmp_path / "nowhere.csv") in str(info.value)


def test_unknown_column_of_a_file_names_the_file(tmp_path: Path, tax: Any) -> None:
    pd.DataFrame({"violation": ["late-filing"], "harms": ["minor"]}).to_csv(tmp_path / "c.csv")  # index too
    with pytest.raises(CaseError) as info:
        evaluate_frame(tax, tmp_path / "c.csv")
    text = str(info.value)
    assert f"{tmp_path / 'c.csv'}: column harms" in text and "did you mean 'harm'?" in text
    assert "column Unnamed: 0" in text and "index=False" in text


@pytest.mark.parametrize("size", [3, 100])  # row by row, and the vectorised path with its patterns
def test_one_bad_cell_spoils_only_its_own_row_of_a_bool_column(tmp_path: Path, tax: Any, size: int) -> None:
    cells = (["true", "", "yes", "False", "TRUE"] * size)[:size]
    lines = ["violation,first_violation,harm,corrected"] + [f"late-filing,{c},minor,within_deadline" for c in cells]
    (tmp_path / "cases.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = evaluate_frame(tax, tmp_path / "cases.csv")
    expected = {"true": "no_penalty", "TRUE": "no_penalty", "": "standard", "False": "standard", "yes": None}
    for i, cell in enumerate(cells):
        if expected[cell] is None:
            assert out.loc[i, "error"].endswith("expected true or false, found 'yes'"), i
        else:
            assert out.loc[i, "error"] is None and out.loc[i, "outcome"] == expected[cell], (i, cell)


def test_text_booleans_leave_the_callers_frame_alone(tax: Any) -> None:
    frame = pd.DataFrame({"violation": ["late-filing"] * 2, "first_violation": pd.array(["true", None],
                          dtype="string"), "harm": ["minor"] * 2, "corrected": ["within_deadline"] * 2})
    assert list(evaluate_frame(tax, frame)["outcome"]) == ["no_penalty", "standard"]
    assert frame["first_violation"].tolist() == ["true", pd.NA]
