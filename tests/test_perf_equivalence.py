"""The sentences ``reasons`` finds again (by the conditions that failed, the articles and facts the
statute's grounds read, the band) are the ones it would write afresh, and a cleared memo forgets them."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion import memo, reasons
from discretion.errors import CaseError
from discretion.loading import find_ruleset_files
from discretion.models.facts import FactKind

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.usefixtures("fresh_memo")

# Facts the statute's grounds and the sentences read, added at random to the facts the rules read.
_STATUTE_FACTS: dict[str, list[Any]] = {
    "party_type": ["natural_person", "legal_person"], "age_at_act": [13, 15, 30],
    "harm": ["none", "minor", "moderate", "serious"], "corrected": ["within_deadline", "not_corrected"],
    "first_violation": [True, False], "minor_violation": [True, False], "no_fault_evidence": [True, False],
    "prior_violation_count": [0, 2], "act_date": ["2024-06-01"],
    "prior_violations": [[], [{"date": "2024-01-01"}, {"date": "2023-03-02", "violation": "books"}]],
}


def _cases(count: int, seed: int) -> list[tuple[discretion.CompiledRuleset, dict[str, Any]]]:
    rng = random.Random(seed)
    rulesets = [discretion.load_ruleset(path) for path in find_ruleset_files(ROOT / "rulesets")]
    tax = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    rulesets += [tax] * len(rulesets)  # half the cases on one ruleset: they meet again under the sentences' keys
    out = []
    for _ in range(count):
        ruleset = rng.choice(rulesets)
        vid = rng.choice(sorted(ruleset.violations))
        read = sorted({f for _, c in ruleset.violations[vid].keyed_conditions for f in c.compiled.facts})
        facts: dict[str, Any] = {}
        for name in read:
            spec = ruleset.schema[name]
            if rng.random() < 0.2:
                continue  # left unknown
            if spec.values:
                facts[name] = rng.choice(spec.values).code
            elif spec.type is FactKind.bool:
                facts[name] = rng.random() < 0.5
            elif spec.type in (FactKind.integer, FactKind.number, FactKind.money, FactKind.days):
                facts[name] = rng.choice([0, 1, 3, 10, 100, 5000])
        for name, values in _STATUTE_FACTS.items():
            if name in ruleset.schema and name not in facts and rng.random() < 0.3:
                facts[name] = rng.choice(values)
        out.append((ruleset, {"violation": vid, "facts": facts}))
    return out


def test_sentences_found_again_are_those_written_afresh() -> None:
    cases = _cases(800, 3)
    memo.set_enabled(False)  # every case runs the pipeline; the sentences' own tables still fill
    for ruleset, case in cases + cases:  # twice: their parts are kept from the second sight
        try:
            discretion.evaluate(ruleset, case)
        except CaseError:
            continue
    warm = []  # the sentences as found again
    for ruleset, case in cases:
        try:
            warm.append((ruleset, case, discretion.evaluate(ruleset, case).reasons))
        except CaseError:
            continue
    for ruleset, case, found in warm:
        memo.clear()  # the sentences' tables emptied: these are written afresh
        written = discretion.evaluate(ruleset, case).reasons
        assert [r.model_dump_json() for r in found] == [r.model_dump_json() for r in written], case
    assert len(warm) > 600


def test_a_cleared_memo_forgets_the_sentences_found_again() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "moderate"}}
    first = discretion.evaluate(rs, case)
    assert reasons._STATUTORY and reasons._FIXED
    memo.clear()
    assert not reasons._STATUTORY and not reasons._FIXED
    assert discretion.evaluate(rs, case).reasons == first.reasons
