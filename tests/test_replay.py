"""Replay: a record reproduces its recommendation from the ruleset text it names, or says what differs."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion.cli import main
from discretion.errors import DiscretionError, RegistryError
from discretion.replay import find_ruleset, make_record, replay

from .conftest import RULESETS, TAX

CASE = {"id": "c-1", "violation": "late-filing",
        "facts": {"first_violation": True, "harm": "minor", "corrected": "within_deadline"}}
STANDARD = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "serious", "corrected": "late",
                                                  "act_date": "2024-03-01"}}


def _record(tax: discretion.CompiledRuleset, case: dict[str, Any] = CASE) -> dict[str, Any]:
    record = make_record(discretion.evaluate(tax, case), case)
    return json.loads(json.dumps(record))  # as stored: plain JSON


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(list(argv), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_a_record_carries_the_ruleset_hash_and_the_case(tax: discretion.CompiledRuleset) -> None:
    record = _record(tax)
    assert record["record"] == 1 and record["case"] == CASE
    assert record["recommendation"]["ruleset"] == {"id": tax.id, "version": tax.version, "sha256": tax.sha256}


def test_replay_confirms(tax: discretion.CompiledRuleset) -> None:
    for case in (CASE, STANDARD):
        result = replay(_record(tax, case), RULESETS)
        assert result.confirmed, result.differences
        assert result.ruleset.sha256 == tax.sha256


def test_replay_of_a_tampered_record_reports_the_difference(tax: discretion.CompiledRuleset) -> None:
    record = _record(tax)
    record["recommendation"]["outcome"] = "standard"
    record["recommendation"]["measures"] = []
    result = replay(record, RULESETS)
    assert not result.confirmed
    assert any(d.startswith('outcome: recorded "standard", recomputed "no_penalty"') for d in result.differences)
    assert any(d.startswith("measures:") for d in result.differences)


def test_replay_of_a_tampered_case_reports_the_difference(tax: discretion.CompiledRuleset) -> None:
    record = _record(tax)
    record["case"]["facts"]["harm"] = "serious"
    assert any(d.startswith("outcome:") for d in replay(record, RULESETS).differences)


def test_unknown_hash_is_not_available(tax: discretion.CompiledRuleset) -> None:
    record = _record(tax)
    record["recommendation"]["ruleset"]["sha256"] = "0" * 64
    with pytest.raises(RegistryError) as info:
        replay(record, RULESETS)
    assert info.value.code == "ruleset-not-available" and "ruleset.yaml (sha256" in str(info.value)


def test_an_earlier_version_is_found_in_versions(tmp_path: Path) -> None:
    old = RULESETS / "tax" / "first-violation" / "versions" / "2021.1.yaml"
    ruleset = discretion.load_ruleset(old)
    found = find_ruleset(ruleset.id, ruleset.version, ruleset.sha256, RULESETS)
    assert found.sha256 == ruleset.sha256 and found.version == ruleset.version
    record = make_record(discretion.evaluate(ruleset, CASE), CASE)
    assert replay(record, RULESETS).confirmed


def test_an_edited_ruleset_text_is_not_the_recorded_one(tmp_path: Path, tax: discretion.CompiledRuleset) -> None:
    folder = tmp_path / "rulesets" / "tax" / "first-violation"
    folder.mkdir(parents=True)
    shutil.copy(TAX, folder / "ruleset.yaml")
    record = _record(tax)
    assert replay(record, tmp_path / "rulesets").confirmed
    (folder / "ruleset.yaml").write_bytes(TAX.read_bytes() + b"\n# a comment changes the hash\n")
    with pytest.raises(RegistryError):
        replay(record, tmp_path / "rulesets")


def test_a_bare_recommendation_replays_from_its_facts(tax: discretion.CompiledRuleset) -> None:
    bare = json.loads(discretion.evaluate(tax, CASE).model_dump_json())
    result = replay(bare, RULESETS)
    assert result.confirmed, result.differences
    assert result.notes and "no original case" in result.notes[0]


def test_a_registry_recommendation_replays_through_the_registry(tax: discretion.CompiledRuleset) -> None:
    registry = discretion.load_registry(RULESETS / "tax")
    case = {**STANDARD, "facts": {**STANDARD["facts"], "decision_date": "2024-05-01"}}
    rec = registry.evaluate(case, ruleset=tax.id)
    assert rec.applied_version is not None
    assert replay(make_record(rec, case), RULESETS / "tax").confirmed


def test_a_malformed_record_is_a_located_error() -> None:
    for record in ([], {"recommendation": {"outcome": "nonsense"}}):
        with pytest.raises(DiscretionError) as info:
            replay(record, RULESETS)  # type: ignore[arg-type]
        assert info.value.code == "invalid-record" and info.value.location is not None


def test_cli_record_and_replay(tmp_path: Path, tax: discretion.CompiledRuleset) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    status, out, _ = _cli("record", str(TAX), str(case))
    assert status == 0
    record = tmp_path / "record.json"
    record.write_text(out, encoding="utf-8")
    status, out, _ = _cli("replay", str(record), "--rulesets", str(RULESETS))
    assert (status, out.split(":")[0]) == (0, "confirmed")

    tampered = json.loads(record.read_text(encoding="utf-8"))
    tampered["recommendation"]["outcome"] = "standard"
    record.write_text(json.dumps(tampered), encoding="utf-8")
    status, out, _ = _cli("replay", str(record), "--rulesets", str(RULESETS))
    assert status == 1 and out.startswith("differs") and 'outcome: recorded "standard"' in out

    tampered["recommendation"]["ruleset"]["sha256"] = "f" * 64
    record.write_text(json.dumps(tampered), encoding="utf-8")
    status, out, err = _cli("replay", str(record), "--rulesets", str(RULESETS))
    assert status == 2 and "ruleset-not-available" in err and not out


def test_cli_replays_evaluate_json_output(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(CASE), encoding="utf-8")
    status, out, _ = _cli("evaluate", "--json", str(TAX), str(case))
    assert status == 0
    rec = tmp_path / "rec.json"
    rec.write_text(out, encoding="utf-8")
    status, out, _ = _cli("replay", str(rec), "--rulesets", str(RULESETS))
    assert status == 0 and "note:" in out and "confirmed" in out


def test_cli_unreadable_record(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    status, _, err = _cli("replay", str(bad))
    assert status == 2 and "json-syntax" in err and "bad.json:1:2" in err
    status, _, err = _cli("replay", str(tmp_path / "missing.json"))
    assert status == 2 and "file-unreadable" in err
