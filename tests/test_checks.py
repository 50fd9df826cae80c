"""Static checks: each deliberately broken ruleset is caught by exactly the right finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import discretion
from discretion.checks.static import Severity, check_versions
from discretion.registry import ruleset_files

from .conftest import FIXTURES, RULESETS

CHECKS = FIXTURES / "checks"
BROKEN = sorted([*CHECKS.glob("*.yaml"), *(p for p in CHECKS.iterdir() if p.is_dir())])


def _expected(path: Path) -> str:
    head = (path / "ruleset.yaml" if path.is_dir() else path).read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# finding: ([a-z-]+)", head)
    assert match, f"{path} starts with '# finding: <code>'"
    return match.group(1)


def _findings(path: Path) -> list[discretion.Finding]:
    rulesets = [discretion.load_ruleset(f) for f in ruleset_files(path)]
    return [f for r in rulesets for f in discretion.check(r)] + check_versions(rulesets)


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_ruleset_is_caught_by_exactly_its_finding(path: Path) -> None:
    expected = _expected(path)
    found = [f for f in _findings(path) if f.severity is not Severity.info]
    assert [f.code for f in found] == [expected], [str(f) for f in found]
    finding = found[0]
    assert finding.location is not None and finding.location.line is not None
    assert finding.hint, "every finding says how to fix it"


def test_the_clean_base_has_no_findings() -> None:
    found = [f for f in _findings(FIXTURES / "clean.yaml") if f.severity is not Severity.info]
    assert found == []


def test_a_real_published_table_with_a_gap_is_reported_with_the_uncovered_case() -> None:
    [finding] = [f for f in _findings(CHECKS / "tier-gap-zhejiang-tax.yaml") if f.code == "tier-gap"]
    assert "registered_within_deadline: False" in finding.message and "refused_to_register: False" in finding.message


def test_findings_name_file_line_and_column() -> None:
    [finding] = [f for f in _findings(CHECKS / "tier-outside-statutory.yaml") if f.code == "tier-outside-statutory"]
    assert str(finding).startswith(f"{CHECKS / 'tier-outside-statutory.yaml'}:30:9: error: tier-outside-statutory")


def test_waivers_turn_a_finding_into_a_visible_note(tmp_path: Path) -> None:
    text = (CHECKS / "tier-gap.yaml").read_text(encoding="utf-8")
    text += "waivers:\n  - {check: tier-gap, subject: v1, reason: the published table itself has this gap}\n"
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    [finding] = [f for f in _findings(path) if f.code == "tier-gap"]
    assert finding.severity is Severity.info and "the published table itself has this gap" in finding.message


def test_fact_implications_satisfy_the_ground(tmp_path: Path) -> None:
    text = (CHECKS / "item-ground-mismatch.yaml").read_text(encoding="utf-8")
    text = text.replace("    direction: aggravating\n", "    direction: aggravating\n  fixed_next_day:\n"
                        "    type: bool\n    zh: 次日完成整改\n    implies: {timely_corrected: true}\n", 1)
    text = text.replace('[first_violation, harm == "minor"]', '[first_violation, harm == "minor", fixed_next_day]')
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    assert [f.code for f in _findings(path) if f.severity is not Severity.info] == []


def test_cli_check_exits_1_on_errors_and_0_on_warnings() -> None:
    import io

    from discretion.cli import main

    out = io.StringIO()
    assert main(["check", str(CHECKS / "tier-order.yaml")], out=out) == 1
    assert "error: tier-order" in out.getvalue()
    assert main(["check", str(CHECKS / "tier-gap.yaml")], out=io.StringIO()) == 0


def test_every_bundled_ruleset_passes_the_checks() -> None:
    findings = _findings(RULESETS)
    errors = [str(f) for f in findings if f.severity is Severity.error]
    assert errors == []
