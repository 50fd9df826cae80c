"""Case files (``*.cases.yaml``) name ``violations: [a, b]`` for one act breaching several provisions (art. 29)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml  # noqa: F401  imported before any in-process pytester run (see tests/test_plugin.py)

from discretion.casefiles import load_case_file
from discretion.errors import RulesetError

from .conftest import synthetic_header

RULESET = synthetic_header("test.two-provisions", "一个行为违反两个规定", "one act, two provisions") + """\
violations:
  v1:
    title: {zh: 违法行为一, en: violation one}
    penalty_basis:
      - {law: 测试法, version: 2020-01-01, article: 1}
    statutory:
      types: [warning, fine]
      fine: {max: 1000}
  v2:
    title: {zh: 违法行为二, en: violation two}
    penalty_basis:
      - {law: 测试法, version: 2020-01-01, article: 2}
    statutory:
      types: [warning, fine]
      fine: {min: 2000, max: 5000}
"""

CASES = """\
cases:
  - name: 只违反一个规定
    violation: v1
    expect: {outcome: standard, fine: {min: "0", max: "1000"}}
  - name: 一个行为违反两个规定 → 按罚款数额高的规定处罚
    violations: [v1, v2]
    facts: {}
    expect: {outcome: standard, fine: {min: "2000", max: "5000"}}
"""


def _folder(pytester: pytest.Pytester, cases: str = CASES) -> None:
    pytester.makefile(".yaml", **{"rs/ruleset": RULESET})
    pytester.makefile(".cases.yaml", **{"rs/cases/provisions": cases})


def test_a_case_file_names_several_violations_and_the_plugin_evaluates_them(pytester: pytest.Pytester) -> None:
    _folder(pytester)
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2 + 1)


def test_the_several_violations_reach_the_evaluation(pytester: pytest.Pytester) -> None:
    # expecting the lower provision's fine fails: the case was evaluated under both, not under v1 alone
    _folder(pytester, cases=CASES.replace('fine: {min: "2000", max: "5000"}', 'fine: {min: "0", max: "1000"}'))
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*provisions.cases.yaml:5:5: case '一个行为违反两个规定*",
                                 "*fine: expected '0–1000', got '2000.00–5000.00'*"])


def _write(tmp_path: Path, cases: str) -> Path:
    (tmp_path / "ruleset.yaml").write_text(RULESET, encoding="utf-8")
    file = tmp_path / "x.cases.yaml"
    file.write_text(cases, encoding="utf-8")
    return file


def test_the_case_passes_violations_through(tmp_path: Path) -> None:
    one, several = load_case_file(_write(tmp_path, CASES))
    assert one.case["violation"] == "v1" and "violations" not in one.case
    assert several.case["violations"] == ["v1", "v2"] and "violation" not in several.case


@pytest.mark.parametrize(("entry", "message"), [
    ("violation: v1\n    violations: [v1, v2]", "a case names 'violation', or 'violations'"),
    ("facts: {}", "a case names 'violation', or 'violations'"),
    ("violations: []", "a case names 'violation', or 'violations'"),
    ("violations: [v1, v1]", "listed twice"),
])
def test_a_case_names_one_violation_or_several_once_each(tmp_path: Path, entry: str, message: str) -> None:
    file = _write(tmp_path, f"cases:\n  - name: c\n    {entry}\n    expect: {{outcome: standard}}\n")
    with pytest.raises(RulesetError) as caught:
        load_case_file(file)
    assert message in str(caught.value)
    assert "unknown key" not in str(caught.value)
