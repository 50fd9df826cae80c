"""Evaluation: every penalty shape, tiers and formulas, list-item precedence, measures, JSON round trip."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import discretion
from discretion import Recommendation
from discretion.errors import CaseError

from .conftest import FIXTURES

D = Decimal


@pytest.fixture(scope="module")
def minimal() -> discretion.CompiledRuleset:
    return discretion.load_ruleset(FIXTURES / "minimal.yaml")


def run(rs: discretion.CompiledRuleset, violation: str, **facts: Any) -> Recommendation:
    return discretion.evaluate(rs, {"violation": violation, "facts": facts})


def fine(rec: Recommendation) -> tuple[Decimal, Decimal] | None:
    return None if rec.fine is None else (rec.fine.min, rec.fine.max)


def flags(rec: Recommendation) -> set[str]:
    return {f.code for f in rec.flags}


class TestRangeWithFormula:
    def test_lighter_tier_is_the_lowest_thirty_percent(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=0, harm="minor")
        assert (rec.outcome.value, rec.tier, fine(rec)) == ("lighter", "lighter", (D(1000), D(3700)))

    def test_standard_tier_is_thirty_to_seventy_percent(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=0, harm="moderate")
        assert (rec.outcome.value, fine(rec)) == ("standard", (D(3700), D(7300)))

    def test_heavier_tier_reaches_the_statutory_maximum(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=2, harm="serious")
        assert (rec.outcome.value, fine(rec)) == ("heavier", (D(7300), D(10000)))

    def test_formula_is_cited(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=0, harm="minor")
        assert any(c.title == "测试裁量办法" for c in rec.citations)

    def test_mitigated_item_goes_below_the_minimum_down_to_the_declared_floor(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=0, harm="none", consequences_eliminated=True)
        assert (rec.outcome.value, rec.list_item, rec.mandatory) == ("mitigated", "mitigate-range", True)
        assert fine(rec) == (D(500), D(1000))

    def test_no_coercion_item_flags_without_changing_the_outcome(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=0, harm="none")
        assert rec.outcome.value == "lighter" and "no_coercive_measures" in flags(rec)

    def test_statutory_mandatory_leniency_lowers_a_heavier_tier(self, shapes: Any) -> None:
        rec = run(shapes, "range", aggravations=1, harm="serious", coerced=True)
        assert (rec.outcome.value, rec.mandatory) == ("lighter", False)  # 从轻 or 减轻: the law leaves the choice
        assert "leniency_required" in flags(rec)
        assert [o.value for o in rec.alternatives] == ["mitigated"]
        assert fine(rec) == (D(1000), D(3700))


class TestMaximumOnly:
    def test_lighter_uses_percent_of_the_maximum(self, shapes: Any) -> None:
        assert fine(run(shapes, "max-only", harm="minor")) == (D(0), D(400))

    def test_standard_uses_forty_to_sixty_percent_of_the_maximum(self, shapes: Any) -> None:
        assert fine(run(shapes, "max-only", harm="moderate")) == (D(800), D(1200))

    def test_fixed_amount_tier(self, shapes: Any) -> None:
        rec = run(shapes, "max-only", harm="serious", aggravations=1)
        assert (rec.tier, fine(rec)) == ("fixed", (D(1800), D(1800)))

    def test_warning_only_tier_carries_no_fine_and_allows_summary_procedure(self, shapes: Any) -> None:
        rec = run(shapes, "max-only", harm="serious", aggravations=0)
        assert rec.fine is None and [p.type.value for p in rec.penalties] == ["warning"]
        assert "summary_procedure_allowed" in flags(rec)

    def test_may_lighter_item_is_not_mandatory(self, shapes: Any) -> None:
        rec = run(shapes, "max-only", harm="moderate", coerced=True)
        assert (rec.outcome.value, rec.list_item, rec.mandatory) == ("lighter", "lighter-maxonly", False)
        assert fine(rec) == (D(0), D(400))


class TestMultipleOfBase:
    def test_tier_multiples_of_illegal_gains(self, shapes: Any) -> None:
        rec = run(shapes, "multiple", illegal_gains="1000", aggravations=0)
        assert fine(rec) == (D(1000), D(2000))
        assert {p.type.value for p in rec.penalties} == {"fine", "confiscate_illegal_gains"}

    def test_heavier_multiples(self, shapes: Any) -> None:
        assert fine(run(shapes, "multiple", illegal_gains=1000, aggravations=3)) == (D(3000), D(5000))

    def test_no_gains_takes_the_no_base_branch_and_confiscates_nothing(self, shapes: Any) -> None:
        rec = run(shapes, "multiple", illegal_gains=0, aggravations=0)
        assert fine(rec) == (D(20000), D(50000))
        assert [p.type.value for p in rec.penalties] == ["fine"]

    def test_refunded_gains_are_not_confiscated(self, shapes: Any) -> None:
        rec = run(shapes, "multiple", illegal_gains=1000, aggravations=0, illegal_gains_refunded=True)
        assert "confiscate_illegal_gains" not in {p.type.value for p in rec.penalties}

    def test_unknown_base_gives_no_range_and_says_so(self, shapes: Any) -> None:
        rec = run(shapes, "multiple", aggravations=0)
        assert rec.fine is None and "facts_unknown" in flags(rec)

    def test_money_keeps_fen_exactly(self, shapes: Any) -> None:
        assert fine(run(shapes, "multiple", illegal_gains="0.01", aggravations=0)) == (D("0.01"), D("0.02"))


class TestPerUnit:
    def test_per_day_amount_times_days(self, shapes: Any) -> None:
        assert fine(run(shapes, "per-day", days_late=10)) == (D(1000), D(5000))

    def test_per_day_is_capped_by_the_maximum(self, shapes: Any) -> None:
        assert fine(run(shapes, "per-day", days_late=100)) == (D(10000), D(20000))

    def test_daily_repeat_of_the_original_fine_only_after_refusal(self, shapes: Any) -> None:
        rec = run(shapes, "per-day-amount", original_fine=500, days_late=3, refused_to_correct=True)
        assert fine(rec) == (D(1500), D(1500))
        rec = run(shapes, "per-day-amount", original_fine=500, days_late=3, refused_to_correct=False)
        assert rec.fine is None and "fine_only_after_refusal" in flags(rec)

    def test_per_person(self, shapes: Any) -> None:
        assert fine(run(shapes, "per-person", workers=3)) == (D(300), D(1500))


class TestBands:
    def test_serious_band_is_its_own_statutory_range(self, shapes: Any) -> None:
        rec = run(shapes, "bands", serious=True)
        assert (rec.band, fine(rec), rec.mandatory) == ("serious", (D(2000), D(10000)), True)
        assert "hearing_right" in flags(rec)

    def test_ordinary_band_may_fine_up_to_its_maximum(self, shapes: Any) -> None:
        rec = run(shapes, "bands", serious=False)
        assert (rec.band, fine(rec), rec.mandatory) == ("ordinary", (D(0), D(2000)), False)
        assert [p.type.value for p in rec.penalties] == ["fine"]

    @pytest.mark.parametrize(("value", "band", "expected"), [
        ("9999.99", "small", (D(50000), D(100000))),
        ("10000", "large", (D(100000), D(200000))),
        ("20000", "large", (D(200000), D(400000))),
    ])
    def test_goods_value_threshold_chooses_the_band(self, shapes: Any, value: str, band: str,
                                                     expected: tuple[Decimal, Decimal]) -> None:
        rec = run(shapes, "threshold", goods_value=value)
        assert (rec.band, fine(rec)) == (band, expected)


class TestFineOnlyAfterRefusal:
    def test_no_fine_without_refusal(self, shapes: Any) -> None:
        rec = run(shapes, "refusal", refused_to_correct=False, illegal_gains=0)
        assert rec.fine is None and rec.penalties == [] and "fine_only_after_refusal" in flags(rec)
        assert "order_correction" in rec.measure_codes

    def test_fine_after_refusal(self, shapes: Any) -> None:
        assert fine(run(shapes, "refusal", refused_to_correct=True)) == (D(10000), D(100000))


class TestPrecedenceAndStatute:
    def test_under_fourteen_is_never_penalised(self, shapes: Any) -> None:
        rec = run(shapes, "bands", serious=True, age_at_act=13)
        assert (rec.outcome.value, rec.mandatory, rec.fine) == ("no_penalty", True, None)
        assert "guardian_discipline" in rec.measure_codes and "education_required" in flags(rec)

    def test_fourteen_is_penalised_but_lighter(self, shapes: Any) -> None:
        rec = run(shapes, "range", age_at_act=14, aggravations=1, harm="serious")
        assert (rec.outcome.value, rec.mandatory) == ("lighter", False)
        assert "leniency_required" in flags(rec)

    def test_no_fault_shall_not_be_penalised(self, shapes: Any) -> None:
        rec = run(shapes, "range", no_fault_evidence=True, aggravations=2, harm="serious")
        assert (rec.outcome.value, rec.mandatory) == ("no_penalty", True)

    def test_may_item_leaves_the_choice_with_the_penalty_as_alternative(self, minimal: Any) -> None:
        rec = run(minimal, "v1", first_violation=True, harm="minor", days_late=20)
        assert (rec.outcome.value, rec.mandatory, rec.list_item) == ("no_penalty", False, "item-1")
        assert [o.value for o in rec.alternatives] == ["standard"] and "discretionary" in flags(rec)

    def test_no_penalty_always_carries_education_and_correction(self, minimal: Any) -> None:
        rec = run(minimal, "v1", first_violation=True, harm="minor", days_late=20)
        assert {"order_correction", "persuasion_education"} <= set(rec.measure_codes)

    def test_exactly_one_tier_is_chosen(self, minimal: Any) -> None:
        rec = run(minimal, "v1", first_violation=False, harm="minor", days_late=10)
        assert rec.tier == "light" and fine(rec) == (D(0), D(300))
        rec = run(minimal, "v1", first_violation=False, harm="minor", days_late=11)
        assert rec.tier == "normal" and fine(rec) == (D(0), D(1000))

    def test_no_tier_matched_is_not_said_of_a_case_not_penalised(self) -> None:
        """With no penalty no statutory range is applied; the flag would mislead (安顺 路政, row 1)."""
        rs = discretion.load_ruleset(FIXTURES.parent.parent / "rulesets/transport/anshun-highway-2023")
        rec = run(rs, "occupy-dig-highway", minor_violation=True, corrected="immediately", harm="none",
                  road_property_loss=0, traffic_impeded=False, road_interruption_hours=0)
        assert rec.outcome.value == "no_penalty" and rec.tier is None
        assert "no_tier_matched" not in flags(rec)


class TestCaseValidation:
    @pytest.mark.parametrize(("facts", "code", "field"), [
        ({"harm": "minr"}, "invalid-fact", "facts.harm"),
        ({"days_lat": 3}, "unknown-fact", "facts.days_lat"),
        ({"days_late": "three"}, "invalid-fact", "facts.days_late"),
        ({"first_violation": "yes"}, "invalid-fact", "facts.first_violation"),
        ({"illegal_gains": -5}, "invalid-fact", "facts.illegal_gains"),
        ({"illegal_gains": "NaN"}, "invalid-fact", "facts.illegal_gains"),
        ({"illegal_gains": "1.001"}, "invalid-fact", "facts.illegal_gains"),
        ({"act_date": "2024-02-30"}, "invalid-fact", "facts.act_date"),
    ])
    def test_bad_facts_name_the_field(self, minimal: Any, facts: dict[str, Any], code: str, field: str) -> None:
        with pytest.raises(CaseError) as info:
            discretion.evaluate(minimal, {"violation": "v1", "facts": facts})
        problem = info.value.problems[0]
        assert problem.code == code and problem.location is not None and problem.location.path == field

    def test_unknown_violation_suggests_the_right_one(self, minimal: Any) -> None:
        with pytest.raises(CaseError) as info:
            discretion.evaluate(minimal, {"violation": "v2", "facts": {}})
        assert info.value.problems[0].code == "unknown-violation" and "v1" in (info.value.problems[0].hint or "")

    def test_case_as_json_text(self, minimal: Any) -> None:
        rec = discretion.evaluate(minimal, '{"violation": "v1", "facts": {"days_late": 3}}')
        assert rec.tier == "light"

    def test_malformed_json_is_a_case_error(self, minimal: Any) -> None:
        with pytest.raises(CaseError):
            discretion.evaluate(minimal, '{"violation": ')


class TestRecommendationContract:
    def test_top_level_json_keys(self, tax: Any) -> None:
        rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"first_violation": False}})
        keys = set(rec.model_dump(mode="json"))
        assert {"outcome", "mandatory", "measures", "penalties", "fine", "citations", "flags", "trace",
                "ruleset"} <= keys
        assert set(rec.model_dump(mode="json")["ruleset"]) == {"id", "version", "sha256"}

    def test_fine_is_decimal_strings_in_yuan(self, tax: Any) -> None:
        rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"first_violation": False}})
        assert rec.model_dump(mode="json")["fine"] == {"min": "0.00", "max": "2000.00"}

    def test_json_round_trip_is_the_identity(self, shapes: Any) -> None:
        rec = run(shapes, "multiple", illegal_gains="1234.56", aggravations=1, act_date="2024-05-01")
        again = Recommendation.model_validate_json(rec.model_dump_json())
        assert again == rec

    def test_trace_names_the_failed_sub_condition_and_the_facts_read(self, minimal: Any) -> None:
        rec = run(minimal, "v1", first_violation=True, harm="moderate", days_late=3)
        step = next(s for s in rec.trace if s.rule == "item-1")
        assert step.matched is False
        failed = [c for c in step.conditions if c.value is False]
        assert failed[0].failed == ['harm == "minor"'] and failed[0].facts == {"harm": "moderate"}

    def test_evaluation_is_deterministic(self, shapes: Any) -> None:
        assert run(shapes, "range", aggravations=1, harm="minor") == run(shapes, "range", aggravations=1, harm="minor")


def test_a_raw_value_seen_before_is_typed_and_checked_as_the_first_time() -> None:
    """Validation keeps the typed form of raw dates and amounts it has read; the checks still hold."""
    rs = discretion.load_ruleset(FIXTURES.parent.parent / "rulesets/tax/first-violation")
    for _ in range(2):
        rec = discretion.evaluate(rs, {"violation": "invoice-data", "facts": {
            "act_date": "2024-02-29", "illegal_gains": "12.50"}})
        assert (rec.facts["act_date"], rec.facts["illegal_gains"]) == ("2024-02-29", "12.50")
        for bad in ({"act_date": "2023-02-29"}, {"illegal_gains": "12.505"},
                    {"illegal_gains": "2024-02-29"}, {"act_date": "12.50"}):  # valid for the other fact only
            with pytest.raises(CaseError):
                discretion.evaluate(rs, {"violation": "invoice-data", "facts": bad})


def test_decimals_and_dates_seen_before_keep_their_own_form() -> None:
    """Equal decimals that print differently stay apart after validation has seen one of them."""
    from datetime import date

    from discretion.case import validate_case

    rs = discretion.load_ruleset(FIXTURES.parent.parent / "rulesets/tax/first-violation")
    for _ in range(2):
        for amount in ("10.5", "10.50", "1E+1"):
            valid = validate_case(rs, {"violation": "invoice-data", "facts": {"illegal_gains": Decimal(amount),
                                                                             "act_date": date(2024, 2, 29)}})
            assert str(valid.facts["illegal_gains"]) == amount and valid.facts["act_date"] == date(2024, 2, 29)
        for bad in (Decimal("10.505"), Decimal("-1"), Decimal("sNaN"), Decimal("NaN")):
            with pytest.raises(CaseError):
                validate_case(rs, {"violation": "invoice-data", "facts": {"illegal_gains": bad}})
