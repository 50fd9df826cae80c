"""Remembered decisions are exactly the decisions: the memo never changes a result, only its cost."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import discretion
from discretion import memo
from discretion.loading import find_ruleset_files
from discretion.models.outcome import Recommendation
from discretion.testing import cases

ROOT = Path(__file__).resolve().parent.parent
FILES = find_ruleset_files(ROOT / "rulesets")
FIXTURES = Path(__file__).resolve().parent / "fixtures"


pytestmark = pytest.mark.usefixtures("fresh_memo")  # every test starts and ends with an empty memo


def _without_memo(ruleset: discretion.CompiledRuleset, case: Any) -> Recommendation:
    memo.set_enabled(False)
    try:
        return discretion.evaluate(ruleset, case)
    finally:
        memo.set_enabled(True)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.parent.relative_to(ROOT / "rulesets")))
def test_remembered_results_equal_fresh_evaluation(path: Path) -> None:
    ruleset = discretion.load_ruleset(path)

    @settings(max_examples=40, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=cases(ruleset))
    def check(case: dict[str, Any]) -> None:
        fresh = _without_memo(ruleset, case)  # the memo is empty again after this
        first = discretion.evaluate(ruleset, case)  # remembered now
        again = discretion.evaluate(ruleset, discretion.Case.model_validate(case))  # a model: a hit in the trie
        second = discretion.evaluate(ruleset, case)  # seen twice word for word: kept now, if plain data
        word_for_word = discretion.evaluate(ruleset, case)  # recalled whole, if plain data
        for result in (first, again, second, word_for_word):
            assert result.model_dump_json() == fresh.model_dump_json()
            assert result == fresh
        counts = memo.stats()
        assert counts["hits"] >= 1 or counts["not_remembered"] > 0
        assert counts["repeats"] == (memo.repeat_key(ruleset, None, case) is not None)

    check()


def test_a_hit_carries_its_own_case_id_and_facts() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    base = {"first_violation": True, "harm": "minor", "corrected": "within_deadline"}
    one = discretion.evaluate(rs, {"id": "A-1", "violation": "late-filing", "facts": base})
    hits = memo.stats()["hits"]
    two = discretion.evaluate(rs, {"id": "B-2", "violation": "late-filing",
                                   "facts": {**base, "discovery_date": "2025-01-02"}})
    assert memo.stats()["hits"] == hits + 1  # a discovery date alone (no act date) decides nothing
    assert (one.case_id, two.case_id) == ("A-1", "B-2")
    assert "discovery_date" not in one.facts
    assert two.facts["discovery_date"] == "2025-01-02"


def test_a_fact_no_rule_reads_does_not_prevent_a_hit() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    facts = {"first_violation": True, "harm": "minor", "corrected": "within_deadline"}
    discretion.evaluate(rs, {"id": "first", "violation": "late-filing", "facts": facts})
    before = memo.stats()["hits"]
    case = {"id": "second", "violation": "late-filing", "facts": {**facts, "illegal_gains_refunded": True}}
    rec = discretion.evaluate(rs, case)
    assert memo.stats()["hits"] == before + 1
    assert rec == _without_memo(rs, case)


def test_a_case_repeated_word_for_word_is_recalled_whole_with_its_own_id() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": True, "harm": "minor"}}  # questions too
    first = discretion.evaluate(rs, {**case, "id": "A-1"})
    assert first.questions
    discretion.evaluate(rs, {**case, "id": "A-2"})  # kept the second time it is seen
    assert memo.stats()["repeats"] == 0
    again = discretion.evaluate(rs, {**case, "id": "B-2"})
    assert memo.stats()["repeats"] == 1
    assert again.case_id == "B-2" and first.case_id == "A-1"
    assert again.model_dump_json() == _without_memo(rs, {**case, "id": "B-2"}).model_dump_json()
    assert again.trace is not first.trace and again.facts is not first.facts


@pytest.mark.parametrize(("kept", "asked"), [
    ({"first_violation": True}, {"first_violation": 1}),  # equal in Python, but 1 is not a boolean
    ({"prior_violation_count": 1}, {"prior_violation_count": True}),
])
def test_values_equal_in_python_but_of_other_types_are_not_confused(kept: dict[str, Any],
                                                                    asked: dict[str, Any]) -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    discretion.evaluate(rs, {"violation": "late-filing", "facts": kept})
    with pytest.raises(discretion.CaseError):
        discretion.evaluate(rs, {"violation": "late-filing", "facts": asked})
    assert memo.stats()["repeats"] == 0


def test_facts_given_in_another_order_are_echoed_in_their_own_order() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    one = discretion.evaluate(rs, {"violation": "late-filing", "facts": {"harm": "minor", "first_violation": True}})
    two = discretion.evaluate(rs, {"violation": "late-filing", "facts": {"first_violation": True, "harm": "minor"}})
    assert list(one.facts)[:2] == ["harm", "first_violation"] and list(two.facts)[:2] == ["first_violation", "harm"]
    assert memo.stats()["repeats"] == 0


def test_decimals_are_recalled_by_their_printed_form() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    one = discretion.evaluate(rs, {"violation": "invoice-data", "facts": {"illegal_gains": Decimal("10.5")}})
    two = discretion.evaluate(rs, {"violation": "invoice-data", "facts": {"illegal_gains": Decimal("10.50")}})
    assert memo.stats()["repeats"] == 0
    assert (one.facts["illegal_gains"], two.facts["illegal_gains"]) == ("10.5", "10.50")
    discretion.evaluate(rs, {"violation": "invoice-data", "facts": {"illegal_gains": Decimal("10.50")}})
    assert memo.stats()["repeats"] == 0
    again = discretion.evaluate(rs, {"violation": "invoice-data", "facts": {"illegal_gains": Decimal("10.50")}})
    assert memo.stats()["repeats"] == 1 and again.model_dump_json() == two.model_dump_json()


@pytest.mark.parametrize("case", [
    {"violation": "late-filing", "facts": {"illegal_gains": 100.5}},  # a float: its printed form is not its value
    {"violations": ["late-filing", "invoice-data"], "facts": {}},  # art. 29
    {"violation": "late-filing", "facts": {"prior_violations": []}},
    {"violation": "late-filing", "facts": {}, "id": 7},  # not a valid id: the long way reports it
    discretion.Case(violation="late-filing", facts={}),
])
def test_only_plain_scalar_cases_are_recalled_word_for_word(case: Any) -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    assert memo.repeat_key(rs, None, case) is None


def test_word_for_word_recall_is_per_ruleset_and_jurisdiction_and_off_with_the_memo() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    other = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False}}
    discretion.evaluate(rs, case)
    discretion.evaluate(rs, case)  # kept for rs now
    discretion.evaluate(other, case)
    assert memo.stats()["repeats"] == 0  # not for the other ruleset
    discretion.evaluate(other, case)
    assert memo.stats()["repeats"] == 0
    discretion.evaluate(other, case)
    discretion.evaluate(rs, case)
    assert memo.stats()["repeats"] == 2
    memo.set_enabled(False)
    assert memo.repeat_key(rs, None, case) is None


def test_amounts_that_print_differently_are_not_confused() -> None:
    shapes = discretion.load_ruleset(FIXTURES / "shapes.yaml")
    facts = {"aggravations": 1, "act_date": "2024-05-01"}
    a = discretion.evaluate(shapes, {"violation": "multiple", "facts": {**facts, "illegal_gains": "1234.5"}})
    b = discretion.evaluate(shapes, {"violation": "multiple", "facts": {**facts, "illegal_gains": "1234.50"}})
    assert a.facts["illegal_gains"] == "1234.5" and b.facts["illegal_gains"] == "1234.50"
    assert b.model_dump_json() == _without_memo(
        shapes, {"violation": "multiple", "facts": {**facts, "illegal_gains": "1234.50"}}).model_dump_json()


def test_changing_a_result_does_not_change_the_next_one() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}}
    first = discretion.evaluate(rs, case)
    expected = first.model_dump_json()
    first.trace.clear()
    first.flags.append(first.flags[0])
    first.facts["harm"] = "serious"
    assert discretion.evaluate(rs, case).model_dump_json() == expected  # kept now: seen twice
    second = discretion.evaluate(rs, case)  # recalled word for word this time
    assert memo.stats()["repeats"] == 1
    second.questions.clear()
    assert discretion.evaluate(rs, case).model_dump_json() == expected


def test_a_run_that_iterates_the_facts_is_not_remembered() -> None:
    template = discretion.evaluate(discretion.load_ruleset(ROOT / "rulesets/tax/first-violation"),
                                   {"violation": "late-filing", "facts": {}})
    leaves = memo.stats()["leaves"]
    calls = []

    def run(facts: Mapping[str, Any]) -> Recommendation:
        calls.append(facts)
        sorted(facts)  # iteration: the path cannot say what was read
        return template

    for _ in range(2):
        memo.remembered(object, "v", None, {"a": 1}, "id", run)
    assert memo.stats()["not_remembered"] == 2
    assert memo.stats()["leaves"] == leaves
    assert len(calls) == 4  # the recorded attempt, then a plain run, each time


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "LIMIT", 3)
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    for count in range(10):
        discretion.evaluate(rs, {"violation": "late-filing", "facts": {"prior_violation_count": count}})
    assert 1 <= memo.stats()["leaves"] <= 3


def test_threads_share_the_memo_safely() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    corpus = [{"violation": vid, "facts": {"prior_violation_count": n % 3, "harm": h, "corrected": c}}
              for n in range(6) for vid in sorted(rs.violations)[:4]
              for h in ("none", "minor", "serious") for c in ("within_deadline", "late")]
    expected = [_without_memo(rs, case).model_dump_json() for case in corpus]
    failures: list[int] = []

    def worker() -> None:
        for _ in range(3):
            for index, case in enumerate(corpus):
                if discretion.evaluate(rs, case).model_dump_json() != expected[index]:
                    failures.append(index)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert memo.stats()["hits"] > 0 and memo.stats()["repeats"] > 0


def test_a_remembered_part_inside_a_remembered_run_still_reports_what_it_read() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    lenient = discretion.evaluate(rs, {"violation": "late-filing", "facts": {
        "first_violation": True, "harm": "minor", "corrected": "within_deadline"}})
    standard = discretion.evaluate(rs, {"violation": "late-filing", "facts": {"first_violation": False}})
    inner = memo.ByReads(lambda facts: facts.get("a") == 1)

    def run(facts: Mapping[str, Any]) -> Recommendation:
        return lenient if inner(facts) else standard

    owner = object()
    assert memo.remembered(owner, "v", None, {"a": 1}, None, run).outcome == lenient.outcome
    assert memo.remembered(owner, "v", None, {"a": 2}, None, run).outcome == standard.outcome  # inner hit
    hits = memo.stats()["hits"]
    assert memo.remembered(owner, "v", None, {"a": 1, "b": 5}, None, run).outcome == lenient.outcome
    assert memo.remembered(owner, "v", None, {"a": 2, "b": 5}, None, run).outcome == standard.outcome
    assert memo.stats()["hits"] == hits + 2


def test_dated_cases_share_the_statute_layer_but_keep_their_own_dates() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    facts = {"first_violation": False, "harm": "minor", "act_date": "2023-01-05"}
    early = discretion.evaluate(rs, {"violation": "late-filing", "facts": {**facts, "discovery_date": "2024-01-05"}})
    late = discretion.evaluate(rs, {"violation": "late-filing", "facts": {**facts, "discovery_date": "2028-03-01"}})
    assert (early.outcome.value, late.outcome.value) == ("standard", "no_penalty")  # tax: five years (art. 86)
    assert late.has_flag("time_barred") and not early.has_flag("time_barred")
    step = next(s for s in late.trace if s.rule == "APL-36-time-barred")
    assert "2028-03-01" in (step.note or "")
    for case in (early, late):
        fresh = _without_memo(rs, {"violation": "late-filing", "facts": {**facts, "discovery_date": case.facts[
            "discovery_date"]}})
        assert case.model_dump_json() == fresh.model_dump_json()


@pytest.mark.parametrize(("first", "second"), [
    ({"act_date": "2023-01-05", "discovery_date": "2023-06-01"},
     {"act_date": "2024-03-09", "discovery_date": "2024-04-30"}),
    ({"act_date": "2021-05-01", "discovery_date": "2021-06-01"},  # both before the version took effect
     {"act_date": "2021-07-02", "discovery_date": "2021-08-01"}),
])
def test_cases_differing_only_in_dates_share_one_decision(first: dict[str, str], second: dict[str, str]) -> None:
    """The time bar and the version in force are worked out first; the dated wording is each case's own."""
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    base = {"first_violation": False, "harm": "minor", "corrected": "late"}
    discretion.evaluate(rs, {"violation": "late-filing", "facts": {**base, **first}})
    hits = memo.stats()["hits"]
    case = {"violation": "late-filing", "facts": {**base, **second}}
    rec = discretion.evaluate(rs, case)
    assert memo.stats()["hits"] == hits + 1
    assert rec.model_dump_json() == _without_memo(rs, case).model_dump_json()
    step = next(s for s in rec.trace if s.rule == "APL-36-time-barred")
    assert second["discovery_date"] in (step.note or "")
    outside = [f for f in rec.flags if f.code == "ruleset_not_in_force"]
    assert [second["act_date"] in (f.detail or "") for f in outside] == ([True] if "2021" in second["act_date"] else [])


def test_recording_pauses_when_cases_do_not_repeat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memo, "LIMIT", 8)
    monkeypatch.setattr(memo, "PAUSE", 2)
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    cases = [{"violation": "invoice-data", "facts": {"illegal_gains": f"{n}.01", "first_violation": True}}
             for n in range(40)]  # every amount new: nothing repeats
    results = [discretion.evaluate(rs, case).model_dump_json() for case in cases]
    assert memo.stats()["paused"] > 0 and memo.stats()["hits"] == 0
    assert results == [_without_memo(rs, case).model_dump_json() for case in cases]
    again = discretion.Case.model_validate(cases[0])  # a model: not recalled word for word, the memo is asked
    repeated = [discretion.evaluate(rs, again) for _ in range(40)]  # after the pause, recording resumes
    assert memo.stats()["hits"] > 0 and len({r.model_dump_json() for r in repeated}) == 1


def test_json_text_is_recalled_by_the_data_it_holds() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    first = discretion.evaluate(rs, '{"id": "A", "violation": "late-filing", "facts": {"first_violation": false}}')
    discretion.evaluate(rs, {"id": "A2", "violation": "late-filing", "facts": {"first_violation": False}})
    again = discretion.evaluate(rs, b'{"violation":"late-filing","facts":{"first_violation":false},"id":"B"}')
    assert memo.stats()["repeats"] == 1
    assert (first.case_id, again.case_id) == ("A", "B")
    assert again.model_dump_json() == _without_memo(
        rs, '{"id": "B", "violation": "late-filing", "facts": {"first_violation": false}}').model_dump_json()
    with pytest.raises(discretion.CaseError):  # not JSON: the long way reports it, each time
        discretion.evaluate(rs, '{"violation": "late-filing", "facts": {"first_violation": false}')


# -- cases alike but for their dates (redating) ------------------------------------------------------

def _dated(case: dict[str, Any], act: str, found: str, **more: str) -> dict[str, Any]:
    return {**case, "facts": {**case["facts"], "act_date": act, "discovery_date": found, **more}}


def test_a_case_with_other_dates_that_decide_the_same_is_recalled_with_its_own_dates() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}}
    discretion.evaluate(rs, _dated(case, "2024-03-01", "2024-06-01"))  # its facts but for the dates noted
    discretion.evaluate(rs, _dated(case, "2024-04-01", "2024-07-01"))  # seen before: kept
    assert memo.stats()["repeats"] == 0
    other = _dated(case, "2024-05-02", "2025-01-31")  # not barred after 2 years or 5, in force: alike
    rec = discretion.evaluate(rs, other)
    assert memo.stats()["repeats"] == 1
    assert rec.model_dump_json() == _without_memo(rs, other).model_dump_json()
    assert (rec.facts["act_date"], rec.facts["discovery_date"]) == ("2024-05-02", "2025-01-31")
    assert any("2024-05-02" in (step.note or "") for step in rec.trace)  # art. 36's step quotes them


@pytest.mark.parametrize(("found", "alike"), [
    ("2029-03-01", True),  # the five years of 税收征收管理法 art. 86 (art. 36's 法律另有规定) not yet over
    ("2029-03-02", False),  # one day past them: barred
])
def test_dates_that_decide_otherwise_are_not_confused(found: str, alike: bool) -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}}
    for _ in range(2):
        discretion.evaluate(rs, _dated(case, "2024-03-01", "2024-06-01"))
    asked = _dated(case, "2024-03-01", found)
    rec = discretion.evaluate(rs, asked)
    assert memo.stats()["repeats"] == (1 if alike else 0)
    assert rec.model_dump_json() == _without_memo(rs, asked).model_dump_json()


def test_an_act_outside_the_version_in_force_is_flagged_with_its_own_date() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}}
    early = rs.model.effective.replace(year=rs.model.effective.year - 1)
    days = (early, early, early.replace(day=2))
    asked = [_dated(case, day.isoformat(), rs.model.effective.isoformat()) for day in days]
    fresh = [_without_memo(rs, one).model_dump_json() for one in asked]  # (this empties the memo)
    results = [discretion.evaluate(rs, one) for one in asked]
    assert memo.stats()["repeats"] == 1
    assert [rec.model_dump_json() for rec in results] == fresh
    for day, rec in zip(days, results, strict=True):
        assert any(f.code == "ruleset_not_in_force" and f"act {day}" in (f.detail or "") for f in rec.flags)


def test_a_ruleset_whose_conditions_read_dates_recalls_only_the_same_dates() -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace(
        "when: days_late <= 10", "when: discovery_date - act_date <= 10")
    rs = discretion.load_ruleset_text(text, source="dates.yaml")
    assert rs.conditions_read_dates
    case = {"violation": "v1", "facts": {"first_violation": False, "days_late": 3}}
    kept = [discretion.evaluate(rs, _dated(case, "2024-03-01", "2024-03-05")) for _ in range(2)]
    asked = _dated(case, "2024-03-01", "2024-03-20")  # alike for the statute, not for the tier
    rec = discretion.evaluate(rs, asked)
    assert memo.stats()["repeats"] == 0
    assert kept[1].tier == "light" and rec.tier != "light"
    assert rec.model_dump_json() == _without_memo(rs, asked).model_dump_json()


def test_an_invalid_date_still_gets_its_error() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False}}
    for _ in range(2):
        discretion.evaluate(rs, _dated(case, "2024-03-01", "2024-06-01"))
    with pytest.raises(discretion.CaseError, match="discovery_date"):
        discretion.evaluate(rs, _dated(case, "2024-03-01", "2024-02-30"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.parent.relative_to(ROOT / "rulesets")))
def test_results_recalled_across_dates_equal_fresh_evaluation(path: Path) -> None:
    ruleset = discretion.load_ruleset(path)
    spans = st.sampled_from([0, 364, 365, 366, 730, 731, 1826, 1827, 1828]) | st.integers(0, 2200)
    dates = st.tuples(st.dates(date(2017, 1, 1), date(2027, 12, 31)), spans, st.none() | st.integers(0, 400))
    recalled = [0]

    @settings(max_examples=15, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(case=cases(ruleset), stories=st.lists(dates, min_size=2, max_size=4))
    def check(case: dict[str, Any], stories: list[tuple[date, int, int | None]]) -> None:
        memo.clear()
        variants = []
        for act, span, lasted in stories:
            facts = {k: v for k, v in case["facts"].items() if k not in ("act_date", "act_end_date", "discovery_date")}
            end = act + timedelta(days=lasted) if lasted is not None else None
            facts.update(act_date=act.isoformat(), discovery_date=((end or act) + timedelta(days=span)).isoformat())
            if end is not None:
                facts["act_end_date"] = end.isoformat()
            variants.append({**case, "facts": facts})
        sequence = [*variants, *variants, *variants]  # kept on a second sight, recalled from then on
        fresh = [_without_memo(ruleset, variant).model_dump_json() for variant in sequence]  # empties the memo
        assert [discretion.evaluate(ruleset, variant).model_dump_json() for variant in sequence] == fresh
        recalled[0] += memo.stats()["repeats"]

    check()
    assert recalled[0] > 0  # cases alike but for their dates were recalled, not only evaluated


def _small_windows(monkeypatch: pytest.MonkeyPatch, count: int) -> tuple[discretion.CompiledRuleset,
                                                                           list[discretion.Case]]:
    """Windows of 8 misses and pauses of 2 windows; ``count`` cases each with an amount of its own."""
    monkeypatch.setattr(memo, "WINDOW", 8)
    monkeypatch.setattr(memo, "PAUSE", 2)
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    return rs, [discretion.Case.model_validate(
        {"violation": "invoice-data", "facts": {"illegal_gains": f"{n}.01", "first_violation": True}})
        for n in range(count)]


def test_a_window_that_finds_as_many_as_half_keeps_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    rs, cases = _small_windows(monkeypatch, 20)
    for case in cases[:4]:
        discretion.evaluate(rs, case)
        discretion.evaluate(rs, case)  # found
    for case in cases[4:12]:
        discretion.evaluate(rs, case)  # the window ends at the eighth miss: 4 found, recording goes on
    assert memo.stats()["paused"] == 0 and memo.stats()["misses"] == 12 and memo.stats()["hits"] == 4
    for case in cases[12:]:
        discretion.evaluate(rs, case)  # the next window (misses 9 to 16) finds nothing: a pause
    assert memo.stats()["paused"] == 4 and memo.stats()["misses"] == 16


def test_a_window_that_finds_little_pauses_recording_then_it_resumes(monkeypatch: pytest.MonkeyPatch) -> None:
    rs, cases = _small_windows(monkeypatch, 40)  # every amount new: nothing repeats
    results = [discretion.evaluate(rs, case) for case in cases[:23]]  # the eighth miss ends a window: a pause
    assert memo.stats()["misses"] == 8 and memo.stats()["paused"] == 15
    discretion.evaluate(rs, cases[23])
    assert memo.stats()["misses"] == 9  # recorded again: PAUSE * WINDOW lookups after the window's end
    assert [r.model_dump_json() for r in results] == [_without_memo(rs, c).model_dump_json() for c in cases[:23]]


# -- what the dated path remembers besides results ---------------------------------------------------


def test_a_date_text_read_before_gives_the_same_date_and_a_bad_one_still_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    from discretion import fact_values

    spec = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation").schema["act_date"]
    monkeypatch.setattr(fact_values, "_DAYS_LIMIT", 3)
    fact_values._DAYS.clear()
    assert fact_values.coerce(spec, "2024-02-29") == fact_values.coerce(spec, "2024-02-29") == date(2024, 2, 29)
    for _ in range(2):
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            fact_values.coerce(spec, "2023-02-29")  # never remembered, so never let through
    for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
        fact_values.coerce(spec, day)
    assert len(fact_values._DAYS) <= 3  # bounded: cleared when full
    assert fact_values.coerce(spec, "2024-01-03") == date(2024, 1, 3)

    class Text(str):
        pass

    fact_values.coerce(spec, Text("2024-05-06"))
    assert "2024-05-06" not in fact_values._DAYS  # only plain text is remembered


def test_replaced_gives_a_variant_and_leaves_the_model_alone() -> None:
    from discretion.models.outcome import replaced
    from discretion.trace import interned_flag

    flag = interned_flag("ruleset_not_in_force", "行政处罚法第37条", None)
    dumped, fields = flag.model_dump(), set(flag.model_fields_set)
    variant = replaced(flag, detail="act 2019-01-01", article=None)
    assert (variant.detail, variant.article) == ("act 2019-01-01", None)
    assert variant.model_dump() == {**dumped, "detail": "act 2019-01-01", "article": None}
    assert variant.model_fields_set == fields | {"detail", "article"}
    assert flag.model_dump() == dumped and flag.model_fields_set == fields  # the model itself is left alone


def test_replaced_again_on_a_field_already_set_keeps_the_set_of_fields_right() -> None:
    from discretion.models.outcome import replaced
    from discretion.trace import interned_flag

    flag = interned_flag("ruleset_not_in_force", "行政处罚法第37条", None)
    once = replaced(flag, detail="act 2019-01-01")
    twice = replaced(once, detail="act 2020-02-02")  # detail is already set: the set is reused as it is
    assert twice.model_fields_set is once.model_fields_set and "detail" in twice.model_fields_set
    assert twice.model_dump(exclude_unset=True) == {**once.model_dump(exclude_unset=True), "detail": "act 2020-02-02"}
    assert once.detail == "act 2019-01-01"  # the model it was made from is left alone


def test_a_cleared_memo_is_a_cold_one_and_an_off_memo_writes_reasons_afresh() -> None:
    from discretion import reasons

    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}}
    first = discretion.evaluate(rs, case)
    assert reasons._MEMO  # the sentences written for its trace are remembered
    memo.clear()
    assert not reasons._MEMO
    memo.set_enabled(False)
    again = discretion.evaluate(rs, case)
    assert not reasons._MEMO  # off: written afresh, not remembered
    assert again.reasons == first.reasons and again.reasons


def test_output_models_share_their_set_of_fields_and_stay_apart_when_copied() -> None:
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    first = discretion.evaluate(rs, {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor"}})
    second = discretion.evaluate(rs, {"violation": "late-filing", "facts": {"first_violation": True, "harm": "none"}})
    steps = [s for s in (*first.trace, *second.trace) if s.model_fields_set == first.trace[0].model_fields_set]
    assert len(steps) > 2 and len({id(s.__pydantic_fields_set__) for s in steps}) == 1  # one set: one object
    assert "reasons" in first.model_fields_set
    before = set(first.model_fields_set)
    unset = next(name for name in Recommendation.model_fields if name not in before)
    copied = first.model_copy(update={unset: None})  # pydantic copies the set before it adds to it
    assert unset in copied.model_fields_set
    assert first.model_fields_set == before and unset not in second.model_fields_set
    with pytest.raises(ValueError):  # frozen: the only way pydantic would add to the shared set is refused
        first.trace[0].note = "changed"  # type: ignore[misc]


def test_trace_parts_are_interned_on_their_second_sight_and_equal_either_way() -> None:
    from discretion import law, trace

    rule = f"R-once-{id(object())}"
    first, second, third = (trace.step(rule, "list_item", False, note="amount = 12.34") for _ in range(3))
    assert first is not second and second is third  # kept from the second sight on
    assert first == second
    rs = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    case = {"violation": "late-filing", "facts": {"first_violation": False, "harm": "minor", "age_at_act": 37}}
    results = [_without_memo(rs, case) for _ in range(4)]
    assert len({r.model_dump_json() for r in results}) == 1
    # a step is keyed by its interned conditions, themselves kept on their second sight: the third
    # evaluation keeps the steps, and from then on a trace is the same objects
    same = [a is b for a, b in zip(results[2].trace, results[3].trace, strict=True)]
    del same[law.LIMITATION_POSITION]  # art. 36's step quotes the case's dates: made for each case
    assert all(same)


def test_an_interned_table_keeps_a_part_on_its_second_offer_and_stays_bounded() -> None:
    from discretion.trace import Interned

    table: Interned[str] = Interned(limit=2)
    table.offer("a", "first")
    assert table.get("a") is None  # noted, not kept
    table.offer("a", "second")
    assert table.get("a") == "second"
    for key in ("b", "c", "d"):
        table.offer(key, key)
        table.offer(key, key)
    assert table.get("d") == "d" and table.get("a") is None  # cleared once past the limit, not grown


def test_reasons_are_not_kept_while_recording_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    from discretion import reasons

    rs, cases = _small_windows(monkeypatch, 24)  # every amount new: the eighth miss starts a pause
    for case in cases[:8]:
        discretion.evaluate(rs, case)
    kept = len(reasons._MEMO)
    assert kept > 0 and memo.paused()
    paused = [discretion.evaluate(rs, case) for case in cases[8:23]]
    assert memo.stats()["paused"] == 15 and len(reasons._MEMO) == kept  # written, not kept
    assert [r.model_dump_json() for r in paused] == [_without_memo(rs, c).model_dump_json() for c in cases[8:23]]
