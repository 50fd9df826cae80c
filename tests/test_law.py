"""The Administrative Penalty Law layer: one test per article and clause, on both sides of each boundary.

Article texts: 行政处罚法 (2021-01-22), as quoted in discretion.law.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

import discretion
from discretion import Recommendation, law

from .conftest import FIXTURES, RULESETS

D = Decimal


@pytest.fixture(scope="module")
def province() -> discretion.Jurisdiction:
    return discretion.load_jurisdiction(FIXTURES / "jurisdiction" / "test-province.yaml")


def run(rs: Any, violation: str, jurisdiction: Any = None, **facts: Any) -> Recommendation:
    return discretion.evaluate(rs, {"violation": violation, "facts": facts}, jurisdiction=jurisdiction)


def flags(rec: Recommendation) -> set[str]:
    return {f.code for f in rec.flags}


def heavy(**extra: Any) -> dict[str, Any]:
    """Facts that alone give the heaviest tier of the 'range' violation."""
    return {"aggravations": 2, "harm": "serious", **extra}


# --- art. 27, 57(4): transfer to the judicial organs --------------------------------------------------------
def test_art27_transfer_when_the_declared_criminal_threshold_is_met(shapes: Any) -> None:
    assert "transfer_to_judicial" in flags(run(shapes, "amount", assessed="50000"))
    assert "transfer_to_judicial" not in flags(run(shapes, "amount", assessed="49999.99"))


# --- art. 28: correction and confiscation --------------------------------------------------------------------
def test_art28_1_correction_is_always_ordered(shapes: Any) -> None:
    for rec in (run(shapes, "range", **heavy()), run(shapes, "range", **heavy(age_at_act=12))):
        assert "order_correction" in rec.measure_codes and "correction_ordered" in flags(rec)


def test_art28_2_illegal_gains_confiscated_unless_refunded(shapes: Any) -> None:
    kept = run(shapes, "multiple", illegal_gains=100, aggravations=0)
    refunded = run(shapes, "multiple", illegal_gains=100, aggravations=0, illegal_gains_refunded=True)
    assert "illegal_gains_confiscated" in flags(kept) and "illegal_gains_confiscated" not in flags(refunded)


# --- art. 29: one act, several provisions --------------------------------------------------------------------
def test_art29_several_provisions_take_the_higher_fine(shapes: Any) -> None:
    rec = discretion.evaluate(shapes, {"violations": ["max-only", "range"], "facts": heavy()})
    assert rec.violation.code == "range" and rec.fine is not None and rec.fine.max == D(10000)
    assert "several_provisions" in flags(rec) and any(s.kind == "several_provisions" for s in rec.trace)


def test_art29_one_fine_only(shapes: Any) -> None:
    rec = discretion.evaluate(shapes, {"violations": ["range", "max-only"], "facts": heavy()})
    assert sum(1 for p in rec.penalties if p.type.value == "fine") == 1


# --- art. 30: age at the act ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("age", "outcome", "mandatory"), [
    (13, "no_penalty", True), (14, "lighter", False), (17, "lighter", False), (18, "heavier", True),
])
def test_art30_age_at_the_act(shapes: Any, age: int, outcome: str, mandatory: bool) -> None:
    rec = run(shapes, "range", **heavy(age_at_act=age))
    assert (rec.outcome.value, rec.mandatory) == (outcome, mandatory)
    assert ("leniency_required" in flags(rec)) == (14 <= age < 18)


def test_art30_under_14_orders_the_guardian_to_discipline(shapes: Any) -> None:
    assert "guardian_discipline" in run(shapes, "range", **heavy(age_at_act=13)).measure_codes


# --- art. 31: mental capacity ---------------------------------------------------------------------------------
def test_art31_no_capacity_is_never_penalised(shapes: Any) -> None:
    rec = run(shapes, "range", **heavy(capacity="none"))
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", True) and "guardian_custody" in rec.measure_codes


def test_art31_partial_capacity_may_be_lighter(shapes: Any) -> None:
    rec = run(shapes, "range", **heavy(capacity="partial"))
    assert (rec.outcome.value, rec.mandatory) == ("lighter", False)
    assert [o.value for o in rec.alternatives] == ["mitigated", "heavier"]
    assert "leniency_required" not in flags(rec)


def test_art31_full_capacity_changes_nothing(shapes: Any) -> None:
    assert run(shapes, "range", **heavy(capacity="full")).outcome.value == "heavier"


# --- art. 32: shall be lighter or mitigated -----------------------------------------------------------------
@pytest.mark.parametrize(("fact", "item"), [
    ("consequences_eliminated", 1), ("coerced", 2), ("confessed", 3), ("meritorious", 4),
])
def test_art32_each_ground(shapes: Any, fact: str, item: int) -> None:
    rec = run(shapes, "range", **heavy(**{fact: True}))
    assert (rec.outcome.value, rec.mandatory) == ("lighter", False)
    assert [o.value for o in rec.alternatives] == ["mitigated"]
    assert any(c.law == "行政处罚法" and c.article == 32 and c.item == item for c in rec.citations)
    assert "leniency_required" in flags(rec)
    assert run(shapes, "range", **heavy(**{fact: False})).outcome.value == "heavier"


def test_art32_flag_is_not_raised_when_no_penalty_is_imposed(shapes: Any) -> None:
    """Art. 32 grounds bind the penalty imposed; with no penalty there is nothing to make lighter."""
    rec = run(shapes, "range", minor_violation=True, corrected="immediately", harm="none",
              consequences_eliminated=True)
    assert rec.outcome.value == "no_penalty"
    assert "leniency_required" not in flags(rec)
    assert any(s.rule == "APL-32-1" and s.matched for s in rec.trace)  # the ground held; it is recorded


# --- art. 33: no penalty ----------------------------------------------------------------------------------------
def test_art33_1_minor_corrected_no_harm_shall_not_be_penalised(shapes: Any) -> None:
    rec = run(shapes, "range", aggravations=1, minor_violation=True, corrected="immediately", harm="none")
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", True)
    with_harm = run(shapes, "range", aggravations=1, minor_violation=True, corrected="immediately", harm="minor")
    assert with_harm.outcome.value != "no_penalty" or not with_harm.mandatory


def test_art33_1_first_violation_may_not_be_penalised(shapes: Any) -> None:
    rec = run(shapes, "range", aggravations=1, harm="minor", first_violation=True, corrected="within_deadline")
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", False)
    assert [o.value for o in rec.alternatives] == ["heavier"]
    late = run(shapes, "range", aggravations=1, harm="minor", first_violation=True, corrected="late")
    assert late.outcome.value == "heavier"


def test_art33_2_proven_absence_of_fault(shapes: Any) -> None:
    assert run(shapes, "range", **heavy(no_fault_evidence=True)).outcome.value == "no_penalty"
    assert run(shapes, "range", **heavy(no_fault_evidence=False)).outcome.value == "heavier"


def test_art33_3_education_whenever_no_penalty(shapes: Any) -> None:
    rec = run(shapes, "range", **heavy(no_fault_evidence=True))
    assert "education_required" in flags(rec) and "persuasion_education" in rec.measure_codes


# --- art. 36: limitation --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("found", "barred"), [
    (date(2024, 2, 29), False),  # two years less a day
    (date(2024, 3, 1), False),  # the last day of the two years
    (date(2024, 3, 2), True),  # two years plus a day
])
def test_art36_two_years_from_the_act(shapes: Any, found: date, barred: bool) -> None:
    rec = run(shapes, "range", **heavy(act_date="2022-03-01", discovery_date=found.isoformat(),
                                       life_health_financial_safety=False))
    assert (rec.outcome.value == "no_penalty") is barred
    assert ("time_barred" in flags(rec)) is barred


def test_art36_five_years_for_life_health_or_financial_safety_with_harm(shapes: Any) -> None:
    facts = heavy(act_date="2019-03-01", discovery_date="2024-03-01", life_health_financial_safety=True)
    assert run(shapes, "range", **facts).outcome.value == "heavier"
    facts["discovery_date"] = "2024-03-02"
    assert run(shapes, "range", **facts).outcome.value == "no_penalty"


def test_art36_five_years_needs_harm(shapes: Any) -> None:
    facts = {"aggravations": 1, "harm": "none", "act_date": "2020-01-01", "discovery_date": "2023-01-01",
             "life_health_financial_safety": True}
    assert "time_barred" in flags(run(shapes, "range", **facts))


def test_art36_2_continuing_act_counts_from_its_end(shapes: Any) -> None:
    facts = heavy(act_date="2019-01-01", act_end_date="2023-06-30", discovery_date="2024-01-15")
    assert "time_barred" not in flags(run(shapes, "range", **facts))


def test_art36_unknown_dates_do_not_bar(shapes: Any) -> None:
    rec = run(shapes, "range", **heavy(act_date="2019-01-01"))
    assert "time_barred" not in flags(rec)
    step = next(s for s in rec.trace if s.rule == "APL-36-time-barred")
    assert step.matched is None


# --- facts absent from a case: what each ground makes of them --------------------------------------------------
def _holds(facts: dict[str, Any]) -> dict[str, bool | None]:
    return {g.rule: h for g, h, _ in [*law.exemption_undated(facts), *law.mandatory_leniency(facts)]}


def test_circumstances_to_be_shown_hold_only_when_given() -> None:
    """Art. 31 (capacity is presumed), 32 (the party's own conduct) and 33(2) ('有证据足以证明'): absent,
    the ground does not hold, and it is never open."""
    empty = _holds({})
    for rule in ("APL-31-no-capacity", "APL-31-partial-capacity", "APL-33-2-no-fault",
                 "APL-32-1", "APL-32-2", "APL-32-3", "APL-32-4"):
        assert empty[rule] is False, rule
        assert law.open_facts(law.GROUNDS[rule], {}) == (), rule
    given = _holds({"capacity": "partial", "no_fault_evidence": True, "coerced": True})
    assert given["APL-31-partial-capacity"] and given["APL-33-2-no-fault"] and given["APL-32-2"]


@pytest.mark.parametrize(("party", "holds", "opened"), [
    ("natural_person", None, ("age_at_act",)), (None, None, ()), ("legal_person", False, ()),
    ("other_organization", False, ()),
])
def test_art30_absent_age_by_party(party: str | None, holds: bool | None, opened: tuple[str, ...]) -> None:
    facts = {} if party is None else {"party_type": party}
    art30 = [(ground, value) for ground, value, _ in [*law.exemption_undated(facts), *law.mandatory_leniency(facts)]
             if ground.rule.startswith("APL-30")]
    assert len(art30) == 2  # under 14, and 14 to 17
    for ground, value in art30:
        assert value is holds and (law.open_facts(ground, facts) if value is None else ()) == opened, ground.rule


def test_art33_1_is_open_on_the_facts_of_the_act_it_lacks() -> None:
    facts = {"harm": "none", "timely_corrected": True}
    [minor] = [(g, h) for g, h, _ in law.exemption_undated(facts) if g is law.ART33_MINOR]
    assert minor[1] is None and law.open_facts(minor[0], facts) == ("minor_violation",)
    # a correction is asked for as the fact it is derived from
    assert law.open_facts(law.ART33_FIRST, {"harm": "minor"}) == ("first_violation", "corrected")
    assert law.open_facts(law.ART36_BARRED, {}) == ()  # dates are not asked


def test_art30_answers_and_their_words() -> None:
    assert law.ANSWERS["age_at_act"] == (13, 14, 18)
    assert [law.answer_label("age_at_act", a) for a in (13, 14, 17, 18)] == [
        "13（不满十四周岁）", "14（已满十四周岁不满十八周岁）", "17（已满十四周岁不满十八周岁）", "18（已满十八周岁）"]
    assert law.answer_label("harm", "none") is None


# --- art. 37: the law at the time of the act, unless the new one is lighter --------------------------------
@pytest.fixture(scope="module")
def tax_registry() -> discretion.Registry:
    return discretion.load_registry(RULESETS / "tax")


def test_art37_the_version_in_force_on_the_act_date_applies(tax_registry: Any) -> None:
    case = {"violation": "late-filing", "facts": {"act_date": "2021-06-01", "first_violation": False}}
    rec = tax_registry.evaluate(case, ruleset="cn.tax.first-violation")
    assert rec.applied_version is not None and rec.applied_version.version == "2021.1"


def test_art37_a_lighter_later_version_applies(tax_registry: Any) -> None:
    facts = {"act_date": "2021-10-01", "decision_date": "2022-02-01", "first_violation": True, "harm": "minor",
             "corrected": "within_deadline", "illegal_gains": 0}
    rec = tax_registry.evaluate({"violation": "invoice-software-filing", "facts": facts},
                                ruleset="cn.tax.first-violation")
    assert rec.applied_version is not None
    assert (rec.applied_version.version, rec.applied_version.act_version) == ("2022.1", "2021.1")
    assert (rec.outcome.value, rec.mandatory, rec.list_item) == ("no_penalty", True, "tax-fv-11")
    assert "从旧兼从轻" in rec.applied_version.reason


def test_art37_a_heavier_later_version_does_not_apply(tax_registry: Any) -> None:
    facts = {"act_date": "2021-10-01", "decision_date": "2022-02-01", "first_violation": True, "harm": "minor",
             "corrected": "within_deadline"}
    old_only = {**facts, "irreparable_loss_or_major_impact": True}
    rec = tax_registry.evaluate({"violation": "late-filing", "facts": facts}, ruleset="cn.tax.first-violation")
    assert rec.applied_version is not None and rec.applied_version.version == "2021.1"
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", True)
    with pytest.raises(discretion.CaseError):  # the old version does not know the new fact
        tax_registry.evaluate({"violation": "late-filing", "facts": old_only}, ruleset="cn.tax.first-violation")


def test_art37_strict_mode_refuses_an_act_before_any_version(tax_registry: Any) -> None:
    case = {"violation": "late-filing", "facts": {"act_date": "2020-01-01"}}
    with pytest.raises(discretion.RegistryError) as info:
        tax_registry.evaluate(case, ruleset="cn.tax.first-violation")
    assert info.value.code == "not-in-force"
    rec = tax_registry.evaluate(case, ruleset="cn.tax.first-violation", strict=False)
    assert "ruleset_not_in_force" in flags(rec)


def test_art37_unknown_ruleset_suggests_the_right_id(tax_registry: Any) -> None:
    with pytest.raises(discretion.RegistryError) as info:
        tax_registry.evaluate({"violation": "x", "facts": {}}, ruleset="cn.tax.first-violaton")
    assert "cn.tax.first-violation" in str(info.value)


# --- art. 44, 45: notice, and no heavier penalty for arguing -------------------------------------------------
def test_art44_notice_of_rights_whenever_a_penalty_is_proposed(shapes: Any) -> None:
    assert "notice_of_rights" in flags(run(shapes, "range", **heavy()))
    assert "notice_of_rights" not in flags(run(shapes, "range", **heavy(age_at_act=10)))


def test_art45_arguing_never_makes_it_heavier(shapes: Any) -> None:
    assert run(shapes, "range", **heavy(party_argued=True)).fine == run(shapes, "range", **heavy()).fine


# --- art. 51: summary procedure -------------------------------------------------------------------------------
@pytest.mark.parametrize(("amount", "party", "allowed"), [
    ("200", "natural_person", True), ("200.01", "natural_person", False),
    ("3000", "legal_person", True), ("3000.01", "legal_person", False), ("3000", "other_organization", True),
    ("200.01", None, False),
])
def test_art51_summary_procedure_thresholds(shapes: Any, amount: str, party: str | None, allowed: bool) -> None:
    facts: dict[str, Any] = {"assessed": amount}
    if party:
        facts["party_type"] = party
    assert ("summary_procedure_allowed" in flags(run(shapes, "amount", **facts))) is allowed


def test_art51_a_warning_alone_allows_summary_procedure(shapes: Any) -> None:
    assert "summary_procedure_allowed" in flags(run(shapes, "max-only", harm="serious", aggravations=0))


# --- art. 57, 58: collective decision and legal review --------------------------------------------------------
def test_art57_2_collective_decision_for_complex_or_major_cases(shapes: Any) -> None:
    assert "collective_decision" in flags(run(shapes, "range", **heavy(major_violation=True)))
    assert "collective_decision" not in flags(run(shapes, "range", **heavy()))


@pytest.mark.parametrize("fact", ["major_public_interest", "hearing_held", "complex_case"])
def test_art58_legal_review(shapes: Any, fact: str) -> None:
    assert "legal_review_required" in flags(run(shapes, "range", **heavy(**{fact: True})))


# --- art. 63, 64, 85: hearings and working days -------------------------------------------------------------
def test_art63_licence_and_business_penalties_always_give_a_hearing(shapes: Any) -> None:
    assert "hearing_right" in flags(run(shapes, "bands", serious=True))


def test_art63_large_fines_are_unknown_without_a_jurisdiction(shapes: Any) -> None:
    assert "hearing_right_unknown" in flags(run(shapes, "amount", assessed="100000"))


@pytest.mark.parametrize(("amount", "party", "hearing"), [
    ("5000", "natural_person", True), ("4999.99", "natural_person", False),
    ("50000", "legal_person", True), ("49999.99", "legal_person", False),
])
def test_art63_jurisdiction_thresholds(shapes: Any, province: Any, amount: str, party: str, hearing: bool) -> None:
    rec = run(shapes, "amount", province, assessed=amount, party_type=party)
    assert ("hearing_right" in flags(rec)) is hearing
    assert rec.jurisdiction == "test-province"



@pytest.mark.parametrize(("amount", "hearing"), [("4999.99", set()), ("5000", {"hearing_right_unknown"}),
                                                 ("49999.99", {"hearing_right_unknown"}), ("50000", {"hearing_right"})])
def test_art63_a_party_of_unknown_type_is_decided_where_both_thresholds_agree(shapes: Any, province: Any, amount: str,
                                                                                hearing: set[str]) -> None:
    """Below both parties' 较大数额 there is no hearing right, at or above both there is; in between the party
    type decides, and only there is the right unknown."""
    rec = run(shapes, "amount", province, assessed=amount)
    assert flags(rec) & {"hearing_right", "hearing_right_unknown"} == hearing


def test_art64_hearing_request_deadline_counts_working_days(shapes: Any, province: Any) -> None:
    rec = run(shapes, "amount", province, assessed="60000", party_type="legal_person", notice_date="2025-09-26")
    deadline = next(d for d in rec.deadlines if d.code == "hearing_request")
    # Fri 26 Sep; Sun 28 Sep is a working day; 1-8 Oct are holidays: 28, 29, 30 Sep, 9, 10 Oct
    assert (deadline.days, deadline.due) == (5, date(2025, 10, 10))


def test_art85_working_days_skip_weekends_without_a_calendar() -> None:
    assert law.working_days_after(date(2025, 3, 7), 5) == date(2025, 3, 14)  # Friday to next Friday


# --- properties -----------------------------------------------------------------------------------------------
def test_art37_is_never_heavier_than_either_version_alone(tax_registry: Any) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from discretion.registry import lightness
    from discretion.testing import cases

    old, new = tax_registry.versions("cn.tax.first-violation")
    common = sorted(set(old.violations) & set(new.violations))

    @settings(max_examples=60, deadline=None, derandomize=True)
    @given(case=cases(old), violation=st.sampled_from(common),
           act=st.dates(date(2021, 4, 1), date(2021, 12, 31)), later=st.integers(0, 600))
    def check(case: dict[str, Any], violation: str, act: date, later: int) -> None:
        decided = date.fromordinal(act.toordinal() + later)
        facts = {**case["facts"], "act_date": act.isoformat(), "decision_date": decided.isoformat()}
        facts.pop("discovery_date", None)
        case = {"violation": violation, "facts": facts}
        applied = tax_registry.evaluate(case, ruleset="cn.tax.first-violation")
        alone = [discretion.evaluate(version, case) for version in (old, new)
                 if tax_registry.in_force(version.id, act) is version
                 or tax_registry.in_force(version.id, decided) is version]
        assert all(lightness(applied) <= lightness(rec) for rec in alone)

    check()


def test_no_bundled_ruleset_overrides_the_statutory_layer() -> None:
    from discretion.loading import find_ruleset_files
    from discretion.testing import run_property

    for path in find_ruleset_files(RULESETS):
        run_property("statute_not_overridden", discretion.load_ruleset(path), max_examples=15)


@pytest.mark.parametrize(("act", "years", "end"), [
    (date(2024, 2, 29), 2, date(2026, 2, 28)),
    (date(2023, 5, 31), 5, date(2028, 5, 31)),
    (date(9998, 6, 1), 2, date.max),  # past the calendar: the period never runs out
])
def test_add_years(act: date, years: int, end: date) -> None:
    assert law.add_years(act, years) == end


def test_an_act_near_the_end_of_the_calendar_gets_a_recommendation_not_an_error() -> None:
    rs = discretion.load_ruleset(RULESETS / "tax" / "first-violation")
    case = {"violation": "late-filing", "facts": {"act_date": "9999-06-01", "discovery_date": "9999-12-01"}}
    for _ in range(3):  # the long way, then the word-for-word key
        rec = discretion.evaluate(rs, case)
        assert not any(s.matched for s in rec.trace if s.rule == law.ART36_BARRED.rule)
    assert law.time_bars({"act_date": date(9999, 6, 1), "discovery_date": date(9999, 12, 1)}) == (False, False)
