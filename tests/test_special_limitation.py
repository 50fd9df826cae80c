"""Art. 36's "法律另有规定的除外": a ruleset's own period (税收征收管理法 art. 86: five years, whatever the
harm) replaces two and five years, alike per case, when recalled with other dates, and in a batch; and
art. 31 (no capacity) concerns persons, never an organisation."""

from __future__ import annotations

from typing import Any

import pytest

import discretion
from discretion import memo

from .conftest import RULESETS

TAX = RULESETS / "tax" / "first-violation"
LATE = {"first_violation": False, "harm": "minor", "corrected": "within_deadline", "party_type": "legal_person"}


@pytest.fixture(scope="module")
def tax() -> discretion.CompiledRuleset:
    return discretion.load_ruleset(TAX)


def _case(act: str, found: str, **facts: Any) -> dict[str, Any]:
    return {"violation": "late-filing", "facts": {**LATE, "act_date": act, "discovery_date": found, **facts}}


@pytest.mark.parametrize(("found", "barred"), [
    ("2023-03-02", False),  # past two years: art. 36 alone would bar it
    ("2026-03-01", False),  # the fifth anniversary: still within
    ("2026-03-02", True),
])
@pytest.mark.parametrize("memo_on", [True, False])
def test_tax_violations_are_barred_after_five_years_as_art_86_says(tax: Any, found: str, barred: bool,
                                                                    memo_on: bool, fresh_memo: None) -> None:
    memo.set_enabled(memo_on)
    for act in ("2021-03-01", "2021-03-01", "2021-03-01"):  # seen, kept, recalled with these dates
        rec = discretion.evaluate(tax, _case(act, found))
        step = next(s for s in rec.trace if s.rule == "APL-36-time-barred")
        assert step.matched is barred and (rec.outcome.value == "no_penalty") is barred
        assert step.note.startswith("5 years (《税收征收管理法》(2015-04-24) 第86条) from act_date 2021-03-01")


def test_the_special_period_holds_whatever_the_harm(tax: Any) -> None:
    harmless = discretion.evaluate(tax, _case("2021-03-01", "2024-03-02", harm="none"))
    grave = discretion.evaluate(tax, _case("2021-03-01", "2026-03-02", harm="serious",
                                           life_health_financial_safety=True))
    assert harmless.outcome.value != "no_penalty" and grave.outcome.value == "no_penalty"


def test_a_ruleset_without_a_special_period_keeps_two_years() -> None:
    labour = discretion.load_ruleset(RULESETS / "labour" / "beijing-minor-v1")
    assert labour.special_limitation is None
    rec = discretion.evaluate(labour, {"violation": "unlicensed-job-agency", "facts": {
        "act_date": "2021-03-01", "discovery_date": "2023-03-02",
        "life_health_financial_safety": False}})
    assert rec.outcome.value == "no_penalty"
    assert next(s for s in rec.trace if s.rule == "APL-36-time-barred").note.startswith("2 years from act_date")


def test_a_batch_reads_the_special_period_as_evaluate_does(tax: Any) -> None:
    pd = pytest.importorskip("pandas")
    from discretion.batch import evaluate_frame

    cases = [_case("2021-03-01", found, harm=harm) for found in ("2023-03-01", "2023-03-02", "2026-03-01",
                                                                 "2026-03-02") for harm in ("none", "serious")]
    frame = pd.DataFrame([{"violation": c["violation"], **c["facts"]} for c in cases])
    rows = evaluate_frame(tax, frame)
    assert list(rows["outcome"]) == [discretion.evaluate(tax, c).outcome.value for c in cases]
    assert list(rows["outcome"]).count("no_penalty") == 2


@pytest.mark.parametrize(("party", "exempt"), [("legal_person", False), ("other_organization", False),
                                               ("natural_person", True), (None, True)])
def test_no_capacity_exempts_a_person_never_an_organisation(tax: Any, party: str | None, exempt: bool) -> None:
    facts = {"first_violation": False, "harm": "moderate", "corrected": "late", "capacity": "none"}
    if party is not None:
        facts["party_type"] = party
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": facts})
    assert (rec.outcome.value == "no_penalty") is exempt
    assert "guardian_custody" in rec.measure_codes if exempt else "guardian_custody" not in rec.measure_codes
    pd = pytest.importorskip("pandas")
    from discretion.batch import evaluate_frame

    assert evaluate_frame(tax, pd.DataFrame([{"violation": "late-filing", **facts}]))["outcome"].iat[0] == \
        rec.outcome.value
