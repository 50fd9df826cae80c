"""A fine that is a multiple of a base (FORMAT.md) with a base of 0: the statute's ``no_base`` branch
where it has one, else the multiples of 0, a fine of 0.00 with the fine among the penalties, exactly
as a base too small to reach a cent gives. 环境影响评价法 art. 31(1) fines 1–5 % of the total
investment and has no branch for none: a 'standard' outcome is a fine, of 0.00 here, never an empty
penalty."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

import discretion
from discretion.models.penalty import Fine
from discretion.money import statutory_range

from .conftest import RULESETS

LINYI = RULESETS / "environment" / "linyi-minor"


def _eia(investment: str) -> Any:
    ruleset = discretion.load_ruleset(LINYI)
    return discretion.evaluate(ruleset, {"violation": "eia-unapproved-construction",
                                         "facts": {"total_investment": investment}})


@pytest.mark.parametrize("investment", ["0", "0.10", "0.09"])
def test_an_investment_of_nothing_is_fined_nothing_like_a_tiny_one(investment: str) -> None:
    rec = _eia(investment)
    assert rec.outcome.value == "standard"
    assert rec.fine is not None and (rec.fine.min, rec.fine.max) == (Decimal("0.00"), Decimal("0.00"))
    assert [p.type.value for p in rec.penalties] == ["fine"]


def test_zero_and_a_tiny_base_agree() -> None:
    zero, tiny = _eia("0"), _eia("0.10")
    assert (zero.outcome, zero.fine, [p.type for p in zero.penalties]) == (
        tiny.outcome, tiny.fine, [p.type for p in tiny.penalties])


def test_a_larger_investment_is_still_1_to_5_percent() -> None:
    rec = _eia("1000000")
    assert rec.fine is not None and (rec.fine.min, rec.fine.max) == (Decimal("10000.00"), Decimal("50000.00"))


def test_the_money_rule_for_a_zero_base() -> None:
    plain = Fine(multiple_of="illegal_gains", min_multiple=Decimal(1), max_multiple=Decimal(5))
    assert statutory_range(plain, {"illegal_gains": Decimal(0)}) == (Decimal(0), Decimal(0))
    branch = Fine(multiple_of="illegal_gains", max_multiple=Decimal(5),
                  no_base=Fine(min=Decimal(20000), max=Decimal(200000)))
    assert statutory_range(branch, {"illegal_gains": Decimal(0)}) == (Decimal(20000), Decimal(200000))
    floored = Fine(multiple_of="illegal_gains", min_multiple=Decimal(1), max_multiple=Decimal(5), min=Decimal(500))
    assert statutory_range(floored, {"illegal_gains": Decimal(0)}) == statutory_range(
        floored, {"illegal_gains": Decimal("0.01")})
