"""What a case file's expectations compare: a key given as null expects none; a key left out is not compared."""

from __future__ import annotations

from pathlib import Path

import pytest

import discretion
from discretion.casefiles import compare, load_case_file

from .conftest import FIXTURES

CLEAN = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")
ITEM = "{first_violation: true, harm: minor, corrected: within_deadline, days_late: 3}"  # item-1, no tier
TIER = "{first_violation: false, days_late: 3}"  # tier light, no item


def _diffs(folder: Path, facts: str, expect: str) -> list[str]:
    (folder / "ruleset.yaml").write_text(CLEAN, encoding="utf-8")
    (folder / "cases").mkdir()
    cases = folder / "cases" / "c.cases.yaml"
    cases.write_text(f"cases:\n  - name: c\n    violation: v1\n    facts: {facts}\n    expect: {expect}\n",
                     encoding="utf-8")
    [spec] = load_case_file(cases)
    got = discretion.evaluate(discretion.load_ruleset(spec.ruleset_path), spec.case)
    assert (got.list_item, got.tier) == (("item-1", None) if facts == ITEM else (None, "light"))
    return compare(spec.expect, spec.fine_given, got)


@pytest.mark.parametrize(("facts", "expect", "wrong"), [
    (ITEM, "{list_item: null}", "list_item: expected None, got 'item-1'"),
    (ITEM, "{outcome: no_penalty, list_item: null, tier: null}", "list_item: expected None, got 'item-1'"),
    (TIER, "{tier: null}", "tier: expected None, got 'light'"),
    (TIER, "{list_item: null, tier: null, band: default}", "tier: expected None, got 'light'"),
])
def test_a_rule_expected_as_null_fails_when_one_applied(tmp_path: Path, facts: str, expect: str, wrong: str) -> None:
    assert _diffs(tmp_path, facts, expect) == [wrong]


@pytest.mark.parametrize(("facts", "expect"), [
    (ITEM, "{}"), (ITEM, "{list_item: item-1, tier: null, band: default}"), (TIER, "{}"),
    (TIER, "{list_item: null, tier: light, band: default}"),
])
def test_null_or_absent_expectations_that_hold_pass(tmp_path: Path, facts: str, expect: str) -> None:
    assert _diffs(tmp_path, facts, expect) == []
