"""Mistakes at the command line and in the files it reads: each a located message and exit 2, never
an internal error, never a silent pass (a CI job with a mistyped path must fail)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from discretion import DiscretionError, load_ruleset
from discretion.casefiles import load_case_file
from discretion.cli import main
from discretion.errors import RulesetError
from discretion.plots import ladder_rows
from discretion.registry import load_registry

from .conftest import RULESETS

TAX_DIR = RULESETS / "tax" / "first-violation"


def run(*argv: str, stdin: io.TextIOBase | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", stdin)
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_every_bad_case_of_a_list_is_named_by_line_and_number(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text("- violation: late-filing\n  facts:\n    first_violation: true\n"
                     "- violation: late-filing\n  facts:\n    frist_violation: true\n"
                     "- violation: late-filling\n  facts: {}\n", encoding="utf-8")
    code, out, err = run("evaluate", str(TAX_DIR), str(cases), "--json")
    assert code == 2 and out == ""  # no partial output a pipeline could take for the whole
    lines = err.splitlines()
    assert lines[0].startswith(f"{cases}:4 (case 2): facts.frist_violation: unknown-fact")
    assert lines[1].startswith(f"{cases}:7 (case 3): violation: unknown-violation")
    assert "did you mean 'late-filing'" in lines[1]


def test_a_json_list_names_the_case_by_number(tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"violation": "late-filing", "facts": {}},
                                 {"violation": "late-filing", "facts": {"harm": "big"}}]))
    code, _, err = run("evaluate", str(TAX_DIR), str(cases))
    assert code == 2 and err.startswith(f"{cases} (case 2): facts.harm: invalid-fact")


def test_an_empty_list_of_cases_is_refused(tmp_path: Path) -> None:
    cases = tmp_path / "none.json"
    cases.write_text("[]")
    code, out, err = run("evaluate", str(TAX_DIR), str(cases), "--json")
    assert code == 2 and out == "" and "no-cases" in err


def test_a_mistyped_answer_is_asked_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"violation": "late-filing", "facts": {"first_violation": True}}))
    code, out, err = run("evaluate", str(TAX_DIR), str(case), "--ask", stdin=io.StringIO("abc\n9\n1\n1\n"),
                         monkeypatch=monkeypatch)
    assert code == 0 and err == ""
    assert out.count("无效的回答 not a valid answer") == 2 and "'abc'" in out and "'9'" in out
    assert "处理结果 Outcome: 不予处罚 (no penalty)" in out  # corrected before discovery, no harm


def test_a_notice_date_in_another_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    case = TAX_DIR / "cases" / "example.json"
    code, _, _ = run("notice", str(TAX_DIR), str(case), "--date", "2025/05/01")
    assert code == 2 and "--date: '2025/05/01' is not a date; write YYYY-MM-DD" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["check"], ["rulesets"], ["publish", "--out", "SITE"]])
def test_a_path_that_names_no_ruleset_is_bad_input(command: list[str], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    missing, empty = tmp_path / "nonexist", tmp_path / "empty"
    empty.mkdir()
    argv = [part.replace("SITE", str(tmp_path / "site")) for part in command]
    for path, problem in ((missing, "not-found: no such file or folder"), (empty, "no-rulesets")):
        code, out, err = run(*argv[:1], str(path), *argv[1:])
        said = err + capsys.readouterr().err  # `rulesets` writes its problems to the process's stderr
        assert code == 2 and f"{path}: {problem}" in said, (command, path, out, said)
    assert not (tmp_path / "site").exists()  # nothing published for a typo


def test_test_command_refuses_a_missing_path_and_an_empty_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                                 ) -> None:
    code, _, err = run("test", str(tmp_path / "nonexist"))
    assert code == 2 and "not-found" in err
    code, _, _ = run("test", str(tmp_path))  # pytest collects nothing (its exit 5): not a pass
    assert code == 2 and "nothing to test" in capsys.readouterr().err


def test_pytest_options_after_the_separator_are_not_taken_for_paths() -> None:
    code, out, err = run("test", str(TAX_DIR / "cases" / "first-violation.cases.yaml"), "--", "-q", "-x")
    assert code == 0 and "not-found" not in err and "passed" in out


def test_an_options_value_after_the_separator_goes_to_pytest_untouched() -> None:
    """``-p no:cacheprovider``: the value is pytest's, not a path to look for (it was reported not-found)."""
    cases = str(TAX_DIR / "cases" / "first-violation.cases.yaml")
    code, out, err = run("test", cases, "--", "-p", "no:cacheprovider", "-q")
    assert code == 0 and "not-found" not in err and "passed" in out
    code, out, _ = run("test", cases, "--", "-k", "no_such_case_name", "-q")  # a -k expression, not a path
    assert code == 2 and "deselected" in out  # pytest's exit 5, nothing selected: said, not passed


def test_a_missing_path_before_the_separator_is_still_refused(tmp_path: Path) -> None:
    code, _, err = run("test", str(tmp_path / "nonexist"), "--", "-q")
    assert code == 2 and err.startswith(f"{tmp_path / 'nonexist'}: not-found")


@pytest.mark.parametrize(("text", "code_word"), [
    ('{"violation": "late-filing", "facts": {"age_at_act": ' + "9" * 5000 + "}}", "json-number"),
    ("[" * 100_000, "json-too-deep"),
    ('{"violation": "late-filing", "facts": {"harm": "minor", "harm": "serious"}}', "duplicate-key"),
])
def test_json_beyond_what_python_reads_is_a_located_message(text: str, code_word: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = run("evaluate", str(TAX_DIR), "-", stdin=io.StringIO(text), monkeypatch=monkeypatch)
    assert code == 2 and err.startswith(f"<stdin>: {code_word}")


def test_standard_input_must_be_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    gbk = '{"violation": "late-filing", "id": "测试", "facts": {}}'.encode("gbk")
    code, out, err = run("evaluate", str(TAX_DIR), "-", "--json", stdin=io.TextIOWrapper(io.BytesIO(gbk)),
                         monkeypatch=monkeypatch)
    assert code == 2 and out == "" and err.startswith("<stdin>:1: encoding: standard input is not UTF-8")


def test_utf8_on_standard_input_is_read_as_such(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{"violation": "late-filing", "id": "测试", "facts": {}}'.encode()
    code, out, _ = run("evaluate", str(TAX_DIR), "-", "--json", stdin=io.TextIOWrapper(io.BytesIO(text)),
                       monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["case_id"] == "测试"


@pytest.mark.parametrize(("content", "found"), [("", "nothing (the file is empty)"), ("42\n", "a int")])
def test_a_case_file_without_cases_says_what_it_found(content: str, found: str, tmp_path: Path) -> None:
    file = tmp_path / "x.cases.yaml"
    file.write_text(content)
    with pytest.raises(RulesetError) as caught:
        load_case_file(file)
    problem = caught.value.problems[0]
    assert problem.code == "invalid-case-file" and found in problem.message
    assert problem.location is not None and problem.location.path == str(file)


def test_a_plot_of_an_unknown_violation_names_the_nearest_ids() -> None:
    with pytest.raises(DiscretionError) as caught:
        ladder_rows(load_ruleset(TAX_DIR), "late-filling")
    assert caught.value.code == "unknown-violation" and "did you mean 'late-filing'" in str(caught.value)


def test_a_registry_of_a_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as caught:
        load_registry(tmp_path / "nonexist")
    assert caught.value.problems[0].code == "not-found"


def test_cases_of_an_unknown_violation_are_refused_with_the_nearest_ids() -> None:
    from discretion.testing import cases

    with pytest.raises(DiscretionError) as caught:
        cases(load_ruleset(TAX_DIR), violation="late-filling")
    assert caught.value.code == "unknown-violation" and "did you mean 'late-filing'" in str(caught.value)


@pytest.mark.parametrize("argv", [["diff", "R", "R", "-n", "-5"], ["audit", "R", "x.csv", "--synthetic", "0"],
                                  ["diff", "R", "R", "-n", "99999999999999999999999"],
                                  ["audit", "R", "x.csv", "--synthetic", "10000001"]])
def test_a_count_of_cases_must_be_positive_and_bounded(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(*[str(TAX_DIR) if a == "R" else a for a in argv])
    assert code == 2 and "is not a positive whole number up to 10,000,000" in capsys.readouterr().err


@pytest.mark.parametrize("seed", ["-1", "x", "1.5"])
def test_a_seed_must_be_a_whole_number_from_zero(seed: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run("diff", str(TAX_DIR), str(TAX_DIR), "-n", "5", "--seed", seed)
    assert code == 2 and "is not a whole number from 0" in capsys.readouterr().err


def test_a_report_that_cannot_be_written_is_bad_input(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.html"
    code, _, err = run("audit", str(TAX_DIR), "x.csv", "--synthetic", "30", "--html", str(target))
    assert code == 2 and f"{target}: file-unwritable: cannot write the file" in err
