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
