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
    assert summary == {"fine_outside_range": 1, "exemption_not_used": 1, "inconsistent": 2}  # too-high: both


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
