"""An answer's ``possible_outcomes`` are the outcomes still possible once it is given: evaluating the case
with that answer gives its ``outcome``, and that outcome with its own ``possible_outcomes`` (or the
outcome alone, where nothing is left to ask) is the answer's list, exactly.

Both sides follow one rule (``questions``' docstring): what is still possible is the outcome as the
case stands and what answering the facts the case asks can reach. Art. 31's, 32's and 33(2)'s
circumstances are asked only where a rule reads them; the statute reads an answer to them wherever one
is given, so an answer to another question whose case no longer asks them reaches nothing through them.

Exact while the case and the answered one explore their answers jointly within ``MAX_EXPLORED``
(beyond it, one fact at a time: documented as approximate); such cases are left out and counted.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

import discretion
from discretion import questions
from discretion.compile import CompiledRuleset
from discretion.loading import find_ruleset_files
from discretion.models.facts import FactKind, FactSpec

from .conftest import RULESETS

LOUDI = RULESETS / "health" / "loudi-flexible-2022"


@pytest.fixture(scope="module")
def bundled() -> list[CompiledRuleset]:
    return [discretion.load_ruleset(path) for path in find_ruleset_files(RULESETS)]


def _value(spec: FactSpec, rng: random.Random) -> Any:
    kind = spec.type
    if kind is FactKind.bool:
        return rng.random() < 0.5
    if kind is FactKind.enum:
        return rng.choice(spec.codes)
    if kind in (FactKind.integer, FactKind.days):
        low = int(spec.min) if spec.min is not None else 0
        high = int(spec.max) if spec.max is not None else 1000
        return rng.randint(low, min(high, low + rng.choice([5, 50, 1000])))
    if kind is FactKind.money:
        return str(Decimal(rng.randint(0, 10_000_000)) / 100)
    if kind is FactKind.date:
        return (date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))).isoformat()
    return None


def _cases(rulesets: list[CompiledRuleset], count: int, seed: int) -> list[tuple[CompiledRuleset, dict[str, Any]]]:
    """Cases over the facts each violation's conditions read, about a fifth of them left unknown (and
    the statute's own facts unknown unless a condition reads them)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        ruleset = rng.choice(rulesets)
        vid = rng.choice(sorted(ruleset.violations))
        out.append((ruleset, _case(ruleset, vid, rng)))
    return out


def _case(ruleset: CompiledRuleset, vid: str, rng: random.Random) -> dict[str, Any]:
    read = sorted({name for _, cond in ruleset.violations[vid].keyed_conditions for name in cond.compiled.facts})
    facts = {}
    for name in read:
        value = _value(ruleset.schema[name], rng)
        if value is not None and rng.random() > 0.2:
            facts[name] = value
    return {"violation": vid, "facts": facts}


def _shown(rulesets: list[CompiledRuleset], seed: int) -> list[tuple[CompiledRuleset, dict[str, Any]]]:
    """Every violation whose rules read a circumstance of art. 31, 32 or 33(2): empty, and a few cases
    (these are where an answer's case may stop asking such a circumstance)."""
    rng = random.Random(seed)
    out = []
    for ruleset in rulesets:
        for vid, violation in sorted(ruleset.violations.items()):
            if any(name in questions._SHOWN for _, cond in violation.keyed_conditions for name in cond.compiled.facts):
                out.append((ruleset, {"violation": vid, "facts": {}}))
                out.extend((ruleset, _case(ruleset, vid, rng)) for _ in range(8))
    return out


def _check(ruleset: CompiledRuleset, case: dict[str, Any], over: list[bool]) -> tuple[int, int]:
    """Every answer to every question of the case against the case answered with it: (answers compared,
    answers left out because either side ran past the budget)."""
    over.clear()
    rec = discretion.evaluate(ruleset, case)
    if any(over):
        return 0, sum(len(q.options) for q in rec.questions)
    compared = skipped = 0
    for question in rec.questions:
        for option in question.options:
            over.clear()
            answered = discretion.evaluate(ruleset, {**case, "facts": {**case["facts"], question.fact: option.value}})
            if any(over):
                skipped += 1
                continue
            where = (ruleset.id, case, question.fact, option.value)
            assert answered.outcome is option.outcome, where
            assert answered.outcome in option.possible_outcomes, where
            still = answered.possible_outcomes or [answered.outcome]
            assert option.possible_outcomes == still, (*where, option.possible_outcomes, still)
            compared += 1
    return compared, skipped


def test_the_reviewed_answer_agrees_with_its_case() -> None:
    """Loudi's item 1 reads 主动消除危害后果 only for a correction within the deadline: a late correction's case
    asks nothing more, so art. 32(1) (lighter, on that circumstance shown) is not within its reach."""
    loudi = discretion.load_ruleset(LOUDI)
    facts = {"affected_workers": 2, "harm": "moderate"}
    rec = discretion.evaluate(loudi, {"violation": "hazard-not-disclosed", "facts": facts})
    assert [o.value for o in rec.possible_outcomes] == ["lighter", "standard"]
    options = {q.fact: {o.value: o for o in q.options} for q in rec.questions}
    late = options["corrected"]["late"]
    answered = discretion.evaluate(loudi, {"violation": "hazard-not-disclosed",
                                           "facts": {**facts, "corrected": "late"}})
    assert answered.outcome is late.outcome and answered.questions == [] and answered.possible_outcomes == []
    assert [o.value for o in late.possible_outcomes] == ["standard"]
    # where item 1 still reads it, the circumstance is asked, and an answer to it counts for art. 32 too
    assert [o.value for o in options["corrected"]["within_deadline"].possible_outcomes] == ["lighter", "standard"]
    assert [o.value for o in options["consequences_eliminated"][True].possible_outcomes] == ["lighter"]


@pytest.mark.usefixtures("fresh_memo")
def test_every_answer_agrees_with_its_case_on_bundled_rulesets(
        bundled: list[CompiledRuleset], over_budget: list[bool]) -> None:
    cases = _cases(bundled, 300, seed=20261205) + _shown(bundled, seed=7)
    compared = skipped = 0
    for ruleset, case in cases:
        done, left = _check(ruleset, case, over_budget)
        compared, skipped = compared + done, skipped + left
    assert compared > 1000 and skipped < compared / 20, (compared, skipped)


def test_the_same_without_the_memo(bundled: list[CompiledRuleset], over_budget: list[bool]) -> None:
    from discretion import memo

    memo.set_enabled(False)
    compared = skipped = 0
    try:
        for ruleset, case in _shown(bundled, seed=8):
            done, left = _check(ruleset, case, over_budget)
            compared, skipped = compared + done, skipped + left
        assert compared > 100 and skipped < compared / 20, (compared, skipped)
    finally:
        memo.set_enabled(True)
        memo.clear()


def test_the_statutes_askable_and_shown_grounds_are_told_apart() -> None:
    """What ``questions`` relies on in ``law``: the grounds it opens are all more lenient than the standard
    outcome, and no fact is both asked for an open ground and shown for art. 31, 32 or 33(2)."""
    from discretion import law
    from discretion.models.vocabulary import Outcome

    assert all(ground.outcome.rank < Outcome.standard.rank for ground in questions._ASKING.values())
    asked = {name for rule, reads in law.READS.items() if law.GROUNDS[rule].asks for name in reads}
    assert questions._SHOWN and asked and not questions._SHOWN & asked


def test_harm_is_completed_from_art_33_1_where_a_special_period_makes_it_no_matter_for_art_36() -> None:
    from discretion import law

    facts = {"act_date": date(2020, 1, 1), "discovery_date": date(2023, 1, 1)}  # between two years and five
    assert "harm" not in questions._eligible(facts)
    assert "harm" in questions._eligible(facts, (5, "《税收征收管理法》(2015-04-24) 第86条"))
    assert law.time_bars(facts, (5, "")) == (False,)
