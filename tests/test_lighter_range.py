"""从轻 is never harsher than the same case without the ground (pipeline._lighter_range).

Art. 30 (aged 14–17) and art. 32 (消除或者减轻危害后果, 受他人胁迫或者诱骗, 主动供述, 配合查处有立功表现) make
a penalty 应当从轻或者减轻: a lighter penalty than the case would otherwise get, inside the statutory range.
Where a ruleset sets no 从轻 tier or formula of its own, the range offered ran over the whole statutory
band, above the baseline tier the facts matched (旅游法 95: a fixed 50,000 became 10,000–100,000).
"""

from __future__ import annotations

import zlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import discretion

from .publish_support import generate_cases, loadable_rulesets

ROOT = Path(__file__).resolve().parent.parent
TOURISM = ROOT / "rulesets" / "culture" / "tourism-law-95-baseline-unidentified"
TRAVEL_46 = ROOT / "rulesets" / "culture" / "travel-agency-46-baseline-fmx"
TAX = ROOT / "rulesets" / "tax" / "first-violation"
ANSHUN = ROOT / "rulesets" / "transport" / "anshun-highway-2023"

ART32 = ("consequences_eliminated", "coerced", "confessed", "meritorious")
LENIENCY_FACTS = ("age_at_act", "capacity", *ART32)


def _fine(rec: Any) -> tuple[Decimal, Decimal] | None:
    return (rec.fine.min, rec.fine.max) if rec.fine is not None else None


def _evaluate(ruleset: Any, violation: str, facts: dict[str, Any]) -> Any:
    return discretion.evaluate(ruleset, {"violation": violation, "facts": facts})


def _variants(facts: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The case with an art. 30 youth age, then with each art. 32 circumstance."""
    return [("age_at_act=16", {**facts, "age_at_act": 16}),
            *((f"{name}=true", {**facts, name: True}) for name in ART32)]


def _never_harsher(without: Any, with_ground: Any, what: str) -> None:
    if without.outcome.value == "no_penalty" or with_ground.fine is None:
        return
    assert without.fine is not None, f"{what}: a fine appeared only with the ground: {with_ground.fine}"
    assert with_ground.fine.max <= without.fine.max, (
        f"{what}: max {with_ground.fine.max} ({with_ground.outcome.value}) above {without.fine.max} "
        f"({without.outcome.value}, tier {without.tier})")
    assert with_ground.fine.min <= without.fine.min, (
        f"{what}: min {with_ground.fine.min} ({with_ground.outcome.value}) above {without.fine.min} "
        f"({without.outcome.value}, tier {without.tier})")


# -- the reviewer's repros ---------------------------------------------------------------------------

ORDINARY = {"illegal_gains": 20000, "party_type": "natural_person", "first_violation": False,
            "harm": "moderate", "corrected": "late"}
SERIOUS = {**ORDINARY, "illegal_gains": 200000, "serious_circumstances": True}


@pytest.mark.parametrize("extra", [{"age_at_act": 16}, {"meritorious": True}, {"confessed": True}])
def test_tourism_95_lighter_is_not_above_the_fixed_tier(extra: dict[str, Any]) -> None:
    ruleset = discretion.load_ruleset(TOURISM)
    standard = _evaluate(ruleset, "unlicensed-travel-agency", ORDINARY)
    assert (standard.outcome.value, standard.tier) == ("standard", "gains-to-50k")
    assert _fine(standard) == (Decimal(50000), Decimal(50000))
    lighter = _evaluate(ruleset, "unlicensed-travel-agency", {**ORDINARY, **extra})
    assert lighter.outcome.value == "lighter"
    # from the statutory minimum (一万元) up to the matched tier (五万元), never the band's 十万元
    assert _fine(lighter) == (Decimal(10000), Decimal(50000))
    assert any(s.rule.endswith("/lighter") and s.kind == "formula" and "gains-to-50k" in (s.note or "")
               for s in lighter.trace)


@pytest.mark.parametrize("extra", [{"age_at_act": 16}, {"meritorious": True}])
def test_tourism_95_serious_lighter_is_not_above_the_heavier_tier(extra: dict[str, Any]) -> None:
    ruleset = discretion.load_ruleset(TOURISM)
    heavier = _evaluate(ruleset, "unlicensed-travel-agency", SERIOUS)
    assert (heavier.outcome.value, heavier.tier) == ("heavier", "over-100k-serious")
    assert _fine(heavier) == (Decimal(1000000), Decimal(1000000))
    lighter = _evaluate(ruleset, "unlicensed-travel-agency", {**SERIOUS, **extra})
    assert lighter.outcome.value == "lighter"
    assert _fine(lighter) == (Decimal(200000), Decimal(1000000))  # 1 倍 (statutory minimum) up to the tier's 5 倍


@pytest.mark.parametrize("extra", [{"age_at_act": 16}, {"confessed": True}])
def test_travel_agency_46_lighter_is_not_above_the_matched_tier(extra: dict[str, Any]) -> None:
    ruleset = discretion.load_ruleset(TRAVEL_46)
    facts = {"illegal_gains": 20000, "party_type": "natural_person", "first_violation": True,
             "complaint_handled_harm_reduced": True, "within_three_months": True, "harm": "moderate",
             "corrected": "late"}
    standard = _evaluate(ruleset, "travel-agency-unlicensed-business", facts)
    assert (standard.tier, _fine(standard)) == ("general-small-gains", (Decimal(100000), Decimal(200000)))
    lighter = _evaluate(ruleset, "travel-agency-unlicensed-business", {**facts, **extra})
    assert lighter.outcome.value == "lighter"
    assert _fine(lighter) == (Decimal(100000), Decimal(200000))  # was 100,000–500,000


def test_without_tiers_the_lighter_range_is_the_statutory_range() -> None:
    """No tier, no formula: the baseline is the statutory range, and nothing narrower can be said
    without inventing a split the issuer did not publish (FORMAT.md: formulas are cited, never invented)."""
    ruleset = discretion.load_ruleset(TAX)
    facts = {"first_violation": False, "harm": "moderate", "corrected": "late"}
    standard = _evaluate(ruleset, "late-filing", facts)
    lighter = _evaluate(ruleset, "late-filing", {**facts, "confessed": True})
    assert lighter.outcome.value == "lighter"
    assert _fine(lighter) == _fine(standard) == (Decimal(0), Decimal(2000))


def test_a_lighter_tier_of_the_ruleset_is_kept() -> None:
    """Where the ruleset has its own 从轻 tier (安顺 较轻: 处1万元以下罚款), that tier is the lighter range."""
    ruleset = discretion.load_ruleset(ANSHUN)
    facts = {"road_property_loss": 25000, "road_interruption_hours": 0, "traffic_impeded": False,
             "party_type": "natural_person", "harm": "moderate", "corrected": "late", "first_violation": False}
    heavier = _evaluate(ruleset, "occupy-dig-highway", facts)
    assert (heavier.tier, _fine(heavier)) == ("serious", (Decimal(20000), Decimal(30000)))
    lighter = _evaluate(ruleset, "occupy-dig-highway", {**facts, "confessed": True})
    assert lighter.outcome.value == "lighter"
    assert _fine(lighter) == (Decimal(0), Decimal(10000))


# -- the property over every bundled ruleset ---------------------------------------------------------

@pytest.mark.parametrize("path, ruleset", loadable_rulesets(), ids=lambda x: str(x).rsplit("rulesets/", 1)[-1]
                         if isinstance(x, Path) else "")
def test_a_lenient_ground_never_raises_the_fine(path: Path, ruleset: Any) -> None:
    """For generated cases: adding art. 30's youth age or an art. 32 circumstance never gives a fine range
    whose maximum, or whose minimum, is above that of the same case without it."""
    checked = 0
    for case in generate_cases(ruleset, 60, seed=zlib.crc32(ruleset.id.encode()) + 7):
        if "violation" not in case:
            continue
        base = {k: v for k, v in case["facts"].items() if k not in LENIENCY_FACTS}
        base["party_type"] = "natural_person"  # art. 30 concerns a natural person only
        base["age_at_act"] = 30
        try:
            without = _evaluate(ruleset, case["violation"], base)
        except discretion.DiscretionError:
            continue
        for what, facts in _variants(base):
            with_ground = _evaluate(ruleset, case["violation"], facts)
            _never_harsher(without, with_ground, f"{path}: {case['violation']} {what} {base}")
            checked += 1
    assert checked
