"""The CLI, run in-process through main(argv)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from discretion.cli import main

from .conftest import FIXTURES, RULESETS

TAX_DIR = RULESETS / "tax" / "first-violation"
EXAMPLE = TAX_DIR / "cases" / "example.json"


def run(*argv: str, stdin: str | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None and monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_evaluate_prints_a_chinese_summary_with_glosses() -> None:
    code, out, _ = run("evaluate", str(TAX_DIR), str(EXAMPLE))
    assert code == 0
    assert "处理结果 Outcome: 不予处罚 (no penalty)" in out and "tax-fv-03" in out


def test_evaluate_json_is_the_recommendation() -> None:
    code, out, _ = run("evaluate", str(TAX_DIR), str(EXAMPLE), "--json")
    data = json.loads(out)
    assert code == 0 and data["outcome"] == "no_penalty" and data["mandatory"] is True
    assert data["ruleset"]["id"] == "cn.tax.first-violation" and len(data["ruleset"]["sha256"]) == 64


def test_evaluate_reads_yaml_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    case = "violation: late-filing\nfacts: {first_violation: false, serious_circumstances: true}\n"
    code, out, _ = run("evaluate", str(TAX_DIR), "-", "--json", stdin=case, monkeypatch=monkeypatch)
    assert code == 0 and json.loads(out)["fine"] == {"min": "2000.00", "max": "10000.00"}


def test_evaluate_a_list_of_cases(tmp_path: Path) -> None:
    cases = tmp_path / "cases.json"
    cases.write_text(json.dumps([{"violation": "books", "facts": {}}, {"violation": "late-filing", "facts": {}}]))
    code, out, _ = run("evaluate", str(TAX_DIR), str(cases), "--json")
    assert code == 0 and [r["violation"]["code"] for r in json.loads(out)] == ["books", "late-filing"]


def test_trace_option_prints_every_rule() -> None:
    code, out, _ = run("evaluate", str(TAX_DIR), str(EXAMPLE), "--trace")
    assert code == 0 and "APL-33-1-first" in out and "tax-fv-03" in out


def test_bad_case_is_a_located_message_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"violation": "late-filing", "facts": {"harm": "huge"}}')
    code, out, err = run("evaluate", str(TAX_DIR), str(bad))
    assert code == 2 and out == ""
    assert f"{bad}: facts.harm: invalid-fact" in err and "Traceback" not in err


def test_broken_ruleset_is_reported_with_file_line_and_exit_2() -> None:
    path = FIXTURES / "broken" / "unknown-fact.yaml"
    code, _, err = run("evaluate", str(path), str(EXAMPLE))
    assert code == 2 and f"{path}:27:15: unknown-fact" in err


def test_show_json_is_the_loaded_ruleset() -> None:
    code, out, _ = run("show", str(TAX_DIR), "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "cn.tax.first-violation" and "late-filing" in data["violations"]


def test_show_text_lists_violations() -> None:
    code, out, _ = run("show", str(TAX_DIR))
    assert code == 0 and "late-filing" in out


def test_schema_is_json_schema_and_matches_the_shipped_file() -> None:
    code, out, _ = run("schema")
    assert code == 0 and json.loads(out)["$schema"].startswith("https://json-schema.org/")
    shipped = json.loads((RULESETS / "ruleset.schema.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(out), "regenerate with: discretion schema > rulesets/ruleset.schema.json"


def test_unknown_command_exits_2() -> None:
    code, _, _ = run("frobnicate")
    assert code == 2


class _ClosedPipe(io.StringIO):
    """A reader that went away: every write fails as it would on a closed pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_goes_away_is_not_an_internal_error() -> None:
    err = io.StringIO()
    assert main(["rulesets", str(RULESETS)], out=_ClosedPipe(), err=err) == 141  # as after SIGPIPE
    assert err.getvalue() == ""


def test_a_closed_pipe_ends_the_process_quietly() -> None:
    """`discretion rulesets | head -1`: the reader closes first; no internal error, no complaint at exit."""
    import subprocess
    import sys

    with subprocess.Popen([sys.executable, "-m", "discretion", "rulesets", str(RULESETS)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        assert child.stdout is not None and child.stderr is not None
        child.stdout.close()  # before the child has even imported discretion: its first write fails
        stderr = child.stderr.read().decode()
        status = child.wait(timeout=120)
    assert status == 141, stderr
    assert stderr == ""


def test_check_counts_the_files_that_did_not_load(tmp_path: Path) -> None:
    text = (RULESETS / "tax" / "first-violation" / "ruleset.yaml").read_text(encoding="utf-8")
    (tmp_path / "ruleset.yaml").write_text(text.replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    status, out, _ = run("check", str(tmp_path))
    assert status == 1
    assert out.splitlines()[-1] == "0 ruleset(s): 0 error(s), 0 warning(s), 0 note(s); 1 file(s) not loaded, " \
        "2 problem(s) above"
