"""The pytest plugin, run with pytester: cases, checks, properties and coverage of a ruleset folder."""

from __future__ import annotations

import pytest
import yaml  # noqa: F401  imported here, before any in-process pytester run (see below)

from .conftest import FIXTURES

# pytester's in-process runs forget the modules each run imported. PyYAML's C parser, which cannot be
# imported twice, keeps the event classes of the first import; a second run's fresh yaml.events no
# longer matches them and parsing a case file recursed forever. Importing yaml once, outside the
# runs, keeps one set of classes (the failure showed only when this file ran alone).

CLEAN = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")

CASES = """\
cases:
  - name: 首次、轻微、及时改正 → 可以不予处罚
    violation: v1
    facts: {first_violation: true, harm: minor, corrected: within_deadline, days_late: 3}
    expect: {outcome: no_penalty, mandatory: false, list_item: item-1}
  - name: 逾期十五天 → 一般
    violation: v1
    facts: {first_violation: false, days_late: 15}
    expect: {outcome: standard, tier: normal, fine: {min: "300", max: "1000"}}
"""


def _folder(pytester: pytest.Pytester, ruleset: str = CLEAN, cases: str = CASES) -> None:
    pytester.makefile(".yaml", **{"rs/ruleset": ruleset})
    pytester.makefile(".cases.yaml", **{"rs/cases/basic": cases})


def test_cases_checks_and_properties_run_for_a_ruleset_folder(pytester: pytest.Pytester) -> None:
    _folder(pytester)
    result = pytester.runpytest("rs", "--discretion-examples", "5")
    result.assert_outcomes(passed=2 + 1 + 6)


def test_a_failing_case_shows_file_line_expected_actual_and_trace(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases=CASES.replace("expect: {outcome: standard, tier: normal", "expect: {outcome: heavier, "
                                          "tier: normal"))
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines([
        "*basic.cases.yaml:6:5: case '逾期十五天 → 一般'*",
        "*outcome: expected 'heavier', got 'standard'*",
        "trace:*",
        "*?tier? v1/normal*",
    ])


def test_a_broken_ruleset_fails_its_checks_with_the_finding(pytester: pytest.Pytester) -> None:
    _folder(pytester, ruleset=CLEAN.replace("fine: {min: 300, max: 1000}", "fine: {min: 300, max: 1500}"))
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*ruleset.yaml:*: error: tier-outside-statutory: tier v1/normal*"])


def test_a_failing_property_prints_a_yaml_case_to_paste(pytester: pytest.Pytester) -> None:
    backwards = CLEAN.replace("when: days_late <= 10", "when: days_late > 10").replace(
        "when: days_late > 10\n        fine: {min: 300", "when: days_late <= 10\n        fine: {min: 300")
    _folder(pytester, ruleset=backwards, cases="cases:\n  - name: x\n    violation: v1\n    facts: {}\n"
                                               "    expect: {}\n")
    result = pytester.runpytest("rs", "-k", "monotone", "--discretion-examples", "30")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*property monotone does not hold*", "*raising aggravating fact 'days_late'*",
                                 "*paste into cases/*", "*violation: v1*"])


def test_coverage_lists_unexercised_rules_and_can_fail_the_run(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases=CASES.split("  - name: 逾期十五天")[0])
    result = pytester.runpytest("rs", "--discretion-no-properties", "--discretion-cov-fail-under", "100")
    result.stdout.fnmatch_lines(["*discretion coverage*", "test.clean: 67% of 3 rules; not exercised: "
                                 "tier v1/normal", "TOTAL: 66.7%",
                                 "未达覆盖率要求 (coverage threshold not met): 规则覆盖率 66.7% 低于要求的 100% "
                                 "(rule coverage 66.7% is below the required 100%, --discretion-cov-fail-under); "
                                 "1 条规则未被案例覆盖，见上 (1 rules not exercised by any case, listed above)",
                                 "*2 passed*"])
    assert result.ret == 1


def test_coverage_at_the_threshold_passes_without_the_failure_line(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases=CASES.split("  - name: 逾期十五天")[0])
    result = pytester.runpytest("rs", "--discretion-no-properties", "--discretion-cov-fail-under", "66.5")
    assert result.ret == 0
    result.stdout.no_fnmatch_line("*coverage threshold not met*")


def test_the_threshold_line_never_rounds_up_to_the_threshold() -> None:
    from discretion.pytest_plugin import below_threshold

    assert "规则覆盖率 18.2% 低于要求的 100%" in str(below_threshold(18.1818, 100, 18))  # as TOTAL rounds it
    assert "规则覆盖率 99.966% 低于要求的 100%" in str(below_threshold(99.9667, 100, 1))
    assert below_threshold(66.7, 66.5, 1) is None and below_threshold(10.0, None, 9) is None


def test_the_durable_backend_option_is_offered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--discretion-backend*", "*--discretion-cov-fail-under*"])


def test_warnings_are_listed_after_the_tests_though_the_checks_pass(pytester: pytest.Pytester) -> None:
    gap = CLEAN.replace("when: days_late > 10", "when: days_late > 12")  # 11 and 12 fall in no tier
    _folder(pytester, ruleset=gap, cases=CASES.split("  - name: 逾期十五天")[0])
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*discretion warnings*", "*ruleset.yaml:*: warning: tier-gap:*"])


def test_a_yaml_file_in_cases_not_named_cases_yaml_fails_instead_of_passing_unread(pytester: pytest.Pytester) -> None:
    _folder(pytester)
    for name in ("more.cases.yml", "more.case.yaml"):  # (makefile would replace the inner suffix)
        (pytester.path / "rs" / "cases" / name).write_text(CASES, encoding="utf-8")
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=3, failed=2)
    result.stdout.fnmatch_lines(["*more.cases.yml: misnamed-case-file: case files are named *.cases.yaml*"])
    result.stdout.fnmatch_lines(["*more.case.yaml: misnamed-case-file*"])


def test_a_case_file_naming_a_missing_ruleset_fails_at_its_ruleset_line(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases="# cases\nruleset: ../rulset.yaml\n" + CASES)
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*basic.cases.yaml:2:*: no-ruleset: ruleset '../rulset.yaml' not found: no file*"])
    result.stdout.no_fnmatch_line("*Traceback*")
    result.stdout.no_fnmatch_line("*FileNotFoundError*")


def test_a_misspelt_flag_code_is_refused_where_it_is_written(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases=CASES.replace("list_item: item-1}", "list_item: item-1,\n"
                                          "             flags_exclude: [hearing_rigth]}"))
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*basic.cases.yaml:6:*flags_exclude*'hearing_rigth' is not a flag code; "
                                 "did you mean*hearing_right*"])


def test_a_misspelt_measure_code_fails_the_case(pytester: pytest.Pytester) -> None:
    _folder(pytester, cases=CASES.replace("list_item: item-1}", "list_item: item-1,\n"
                                          "             measures_exclude: [persuasion_educaton]}"))
    result = pytester.runpytest("rs", "--discretion-no-properties")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*measures: 'persuasion_educaton' is not a measure of this ruleset; did you mean*"])


def test_yaml_in_a_cases_folder_of_another_project_is_left_alone(pytester: pytest.Pytester) -> None:
    """The plugin loads wherever discretion is installed: only a ruleset's own cases/ folder is ours."""
    pytester.makefile(".yaml", **{"tests/cases/data": "a: 1\n"})
    pytester.makepyfile(**{"tests/test_x": "def test_x():\n    assert True\n"})
    result = pytester.runpytest("tests")
    result.assert_outcomes(passed=1)
