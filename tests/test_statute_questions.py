"""The statute's own grounds when facts are unknown: which are open (flagged, asked, counted among the
possible outcomes), which hold only on facts given, and that what is said possible is what answering
can reach. See ``discretion.law`` (what an absent fact means, ground by ground) and ``questions``."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion import Recommendation, memo
from discretion.cli import main

from .conftest import RULESETS

TAX = RULESETS / "tax" / "first-violation"
REVIEWED = {"first_violation": False, "harm": "none", "corrected": "immediately"}


def late_filing(**facts: Any) -> dict[str, Any]:
    return {"violation": "late-filing", "facts": facts}


def unknown_flag(rec: Recommendation) -> Any:
    return next((f for f in rec.flags if f.code == "facts_unknown"), None)


def step(rec: Recommendation, rule: str) -> Any:
    return next(s for s in rec.trace if s.rule == rule)


def outcomes(values: list[Any]) -> list[str]:
    return [o.value for o in values]


# --- art. 33(1) first sentence: minor + corrected in time + no harm, shall not penalise ----------------------
def test_minor_violation_undecided_is_flagged_asked_and_possible(tax: Any) -> None:
    """The reviewed case: not a first violation, no harm, corrected at once; whether the act is minor
    decides between a mandatory no penalty and a fine, so the recommendation says so and asks."""
    rec = discretion.evaluate(tax, late_filing(**REVIEWED))
    assert rec.outcome.value == "standard" and step(rec, "APL-33-1-minor").matched is None
    flag = unknown_flag(rec)
    assert flag is not None and "APL-33-1-minor (minor_violation)" in (flag.detail or "")
    assert outcomes(rec.possible_outcomes) == ["no_penalty", "standard"]
    [question] = rec.questions
    assert (question.fact, question.zh, question.narrows) == ("minor_violation", "违法行为轻微", 2)
    assert {o.value: (o.outcome.value, outcomes(o.possible_outcomes)) for o in question.options} == {
        True: ("no_penalty", ["no_penalty"]), False: ("standard", ["standard"])}
    decided = discretion.evaluate(tax, late_filing(**REVIEWED, minor_violation=True))
    assert (decided.outcome.value, decided.mandatory, decided.questions) == ("no_penalty", True, [])
    assert unknown_flag(decided) is None


def test_ask_walks_the_statutes_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(late_filing(**REVIEWED)))
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))  # 1. 否, 2. 是
    out = io.StringIO()
    assert main(["evaluate", str(TAX), str(case), "--ask"], out=out) == 0
    text = out.getvalue()
    assert "违法行为轻微 (minor violation)?" in text and "2. 是 → no_penalty" in text
    assert "处理结果 Outcome: 不予处罚" in text


def test_an_open_ground_that_cannot_change_a_mandatory_no_penalty_is_not_flagged(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=True, harm="none", corrected="within_deadline"))
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", True)
    assert step(rec, "APL-33-1-minor").matched is None and unknown_flag(rec) is None


def test_an_open_ground_that_would_make_no_penalty_mandatory_is_flagged(shapes: Any) -> None:
    """Art. 33(1)'s first-violation ground says 'may'; its first sentence, if the act is minor, 'shall'."""
    rec = discretion.evaluate(shapes, {"violation": "range", "facts": {
        "first_violation": True, "harm": "none", "corrected": "immediately", "aggravations": 0,
        "party_type": "legal_person"}})
    assert (rec.outcome.value, rec.mandatory) == ("no_penalty", False)
    flag = unknown_flag(rec)
    assert flag is not None and "APL-33-1-minor (minor_violation)" in (flag.detail or "")
    assert outcomes(rec.possible_outcomes) == ["no_penalty"] and rec.questions == []  # the outcome is certain
    assert discretion.evaluate(shapes, {"violation": "range", "facts": {
        "first_violation": True, "harm": "none", "corrected": "immediately", "aggravations": 0,
        "party_type": "legal_person", "minor_violation": True}}).mandatory


def test_a_correction_is_asked_for_what_it_decides_not_as_the_derived_fact(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=False, harm="none", minor_violation=True))
    assert [q.fact for q in rec.questions] == ["corrected"]
    assert "APL-33-1-minor (corrected)" in (unknown_flag(rec).detail or "")


# --- art. 30: the age of a natural person ---------------------------------------------------------------------
def test_a_natural_persons_unknown_age_is_asked_at_the_statutes_thresholds(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=False, harm="serious", corrected="late",
                                               party_type="natural_person"))
    assert outcomes(rec.possible_outcomes) == ["no_penalty", "lighter", "standard"]
    [question] = rec.questions
    assert question.fact == "age_at_act" and question.narrows == 3
    assert [(o.value, o.zh, o.outcome.value) for o in question.options] == [
        (13, "13（不满十四周岁）", "no_penalty"), (14, "14（已满十四周岁不满十八周岁）", "lighter"),
        (18, "18（已满十八周岁）", "standard")]
    for option in question.options:
        answered = discretion.evaluate(tax, late_filing(first_violation=False, harm="serious", corrected="late",
                                                        party_type="natural_person", age_at_act=option.value))
        assert answered.outcome == option.outcome and unknown_flag(answered) is None
    against = " ".join(r.zh for r in rec.reasons if r.stance == "against")
    assert "第三十条规定的情形待查明（违法行为发生时年龄未知）" in against


def test_age_and_capacity_do_not_apply_to_an_organisation(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=False, harm="serious", corrected="late",
                                               party_type="legal_person"))
    assert unknown_flag(rec) is None and rec.questions == [] and rec.possible_outcomes == []
    for rule in ("APL-30-under-14", "APL-30-14-to-17", "APL-31-no-capacity", "APL-31-partial-capacity"):
        assert step(rec, rule).matched is False, rule
    assert "单位不适用" in step(rec, "APL-30-under-14").note


def test_a_party_not_described_leaves_art30_undecided_but_unasked(tax: Any) -> None:
    """Opening art. 30 for every case that omits the party type would flag nearly every case."""
    rec = discretion.evaluate(tax, late_filing(first_violation=False, harm="serious", corrected="late"))
    assert step(rec, "APL-30-under-14").matched is None and "party type not given" in step(rec, "APL-30-under-14").note
    assert unknown_flag(rec) is None and rec.questions == []
    against = " ".join(r.zh for r in rec.reasons if r.stance == "against")
    assert "无行政处罚法第三十条、第三十一条、第三十二条规定的从轻或者减轻处罚情形" in against


# --- grounds that hold only on facts the case gives -----------------------------------------------------------
@pytest.mark.parametrize(("rule", "fact", "value"), [
    ("APL-31-no-capacity", "capacity", "none"), ("APL-31-partial-capacity", "capacity", "partial"),
    ("APL-33-2-no-fault", "no_fault_evidence", True), ("APL-32-1", "consequences_eliminated", True),
    ("APL-32-2", "coerced", True), ("APL-32-3", "confessed", True), ("APL-32-4", "meritorious", True)])
def test_circumstances_to_be_shown_do_not_hold_when_absent(tax: Any, rule: str, fact: str, value: Any) -> None:
    plain = late_filing(first_violation=False, harm="serious", corrected="late", party_type="natural_person",
                        age_at_act=40)
    rec = discretion.evaluate(tax, plain)
    assert step(rec, rule).matched is False and "= None" in step(rec, rule).note
    assert unknown_flag(rec) is None and rec.questions == []
    shown = discretion.evaluate(tax, {**plain, "facts": {**plain["facts"], fact: value}})
    assert step(shown, rule).matched is True


def test_no_fault_is_argued_against_only_when_the_case_says_there_is_no_evidence(tax: Any) -> None:
    def against(**facts: Any) -> str:
        rec = discretion.evaluate(tax, late_filing(first_violation=False, harm="serious", corrected="late", **facts))
        return " ".join(r.zh for r in rec.reasons if r.stance == "against")

    assert "无证据足以证明没有主观过错" not in against()
    assert "无证据足以证明没有主观过错" in against(no_fault_evidence=False)


# --- the contract: every outcome within reach is said possible, every answer's too ------------------------
_DOMAINS: dict[str, list[Any]] = {
    "first_violation": [True, False], "harm": ["none", "minor", "moderate", "serious"],
    "corrected": ["before_discovery", "immediately", "within_deadline", "late", "not_corrected"],
    "minor_violation": [True, False], "age_at_act": [13, 14, 17, 18, 60]}


@pytest.mark.parametrize("facts", [
    {}, REVIEWED, {"party_type": "natural_person"}, {"party_type": "natural_person", **REVIEWED},
    {"party_type": "legal_person", "harm": "none"}, {"corrected": "within_deadline", "first_violation": False},
    {"harm": "minor", "party_type": "natural_person", "age_at_act": 16},
])
def test_every_completion_ends_within_the_outcomes_said_possible(tax: Any, facts: dict[str, Any]) -> None:
    """Answering the open facts in every way reaches only outcomes the case said possible (and, for each
    answer to a question, the outcomes that answer said possible); an age only for a natural person."""
    rec = discretion.evaluate(tax, late_filing(**facts))
    possible = rec.possible_outcomes or [rec.outcome]
    options = {q.fact: {json.dumps(o.value): o for o in q.options} for q in rec.questions}
    person = facts.get("party_type") == "natural_person"
    open_facts = [name for name in _DOMAINS if name not in facts and (name != "age_at_act" or person)]
    reached = set()
    by_answer: dict[tuple[str, str], set[Any]] = {}
    for values in itertools.product(*(_DOMAINS[name] for name in open_facts)):
        answers = dict(zip(open_facts, values, strict=True))
        done = discretion.evaluate(tax, late_filing(**facts, **answers))
        reached.add(done.outcome)
        assert done.outcome in possible, (facts, answers)
        for fact, value in answers.items():
            by_answer.setdefault((fact, json.dumps(value)), set()).add(done.outcome)
    assert reached == set(possible), facts  # and nothing said possible is out of reach
    for fact, answers in options.items():  # each answer: exactly what answering the rest can reach
        for value, option in answers.items():
            assert set(option.possible_outcomes) == by_answer[fact, value], (facts, fact, value)


def test_the_reviewed_empty_case(tax: Any) -> None:
    """An empty case: art. 33(1)'s grounds are open (no penalty within reach); coercion and the party's
    age are not facts of the act, so lighter is not said possible until the case raises them."""
    rec = discretion.evaluate(tax, late_filing())
    assert outcomes(rec.possible_outcomes) == ["no_penalty", "standard"]
    assert step(rec, "APL-32-2").matched is False and step(rec, "APL-30-14-to-17").matched is None
    assert outcomes(discretion.evaluate(tax, late_filing(party_type="natural_person")).possible_outcomes) == [
        "no_penalty", "lighter", "standard"]


# --- exactness: remembered and fresh, native and durable ------------------------------------------------------
_STATUTE_GRID: dict[str, list[Any]] = {
    "party_type": [None, "natural_person", "legal_person"], "age_at_act": [None, 13, 15],
    "minor_violation": [None, True], "harm": [None, "none", "moderate"],
    "corrected": [None, "immediately", "late"], "first_violation": [None, False]}


def _grid() -> list[dict[str, Any]]:
    cases = []
    for values in itertools.product(*_STATUTE_GRID.values()):
        facts = {name: value for name, value in zip(_STATUTE_GRID, values, strict=True) if value is not None}
        cases.append(late_filing(**facts))
    return cases


def _comparable(rec: Recommendation) -> dict[str, Any]:
    data = json.loads(rec.model_dump_json())
    data.pop("case_id", None)
    return data


@pytest.mark.usefixtures("fresh_memo")
def test_remembered_and_fresh_decisions_agree_on_statute_facts(tax: Any) -> None:
    cases = _grid()
    remembered = [_comparable(discretion.evaluate(tax, case)) for case in cases + cases]
    memo.set_enabled(False)
    fresh = [_comparable(discretion.evaluate(tax, case)) for case in cases]
    assert remembered[:len(cases)] == fresh and remembered[len(cases):] == fresh


def test_durable_backend_agrees_on_statute_facts(tax: Any) -> None:
    pytest.importorskip("durable")
    for case in _grid()[::3]:
        native, durable = (discretion.evaluate(tax, case, backend=b) for b in ("native", "durable"))
        assert _comparable(native) == _comparable(durable), case


# --- art. 33(1)'s facts completed without evaluating: the same as evaluating every answer -------------------
def _asked(ruleset: Any, case: dict[str, Any]) -> str:
    rec = discretion.evaluate(ruleset, case)
    return json.dumps([json.loads(q.model_dump_json()) for q in rec.questions]
                      + [o.value for o in rec.possible_outcomes], sort_keys=True)


def test_completing_art33_1_from_the_statute_asks_what_evaluating_every_answer_asks(
        monkeypatch: pytest.MonkeyPatch, over_budget: list[bool]) -> None:
    """``questions`` answers art. 33(1)'s own facts from the statute (``_completion``); evaluating each
    answer jointly instead (no fact eligible, a budget that is never reached) gives the same questions,
    answers and possible outcomes on every bundled violation, empty and with generated facts, wherever
    both explore within their budget and the candidates fit ``MAX_QUESTIONS`` (past it, the
    statute's completion still reaches what a candidate left out would)."""
    from discretion import questions
    from discretion.case import validate_case
    from discretion.loading import find_ruleset_files

    from .publish_support import generate_cases

    rulesets = [discretion.load_ruleset(path) for path in find_ruleset_files(RULESETS)]
    cases = [(rs, {"violation": vid, "facts": {}}) for rs in rulesets for vid in rs.violations]
    cases += [(rs, case) for rs in rulesets for case in generate_cases(rs, 4, seed=len(rs.id))
              if "prior_violations" not in case["facts"]]

    def run() -> list[tuple[str, bool]]:
        memo.clear()
        out = []
        for rs, case in cases:
            over_budget.clear()
            out.append((_asked(rs, case), any(over_budget)))
        return out

    statute = run()
    monkeypatch.setattr(questions, "_eligible", lambda facts, special=None: ())
    monkeypatch.setattr(questions, "MAX_EXPLORED", 100_000)
    evaluated = run()
    memo.clear()
    compared = 0
    for (rs, case), (fast, fast_over), (slow, slow_over) in zip(cases, statute, evaluated, strict=True):
        rec = discretion.evaluate(rs, case)
        rules, law_facts, _, _ = questions._candidates(rec, validate_case(rs, case).facts)
        if fast_over or slow_over or len(set(rules) | set(law_facts)) > questions.MAX_QUESTIONS:
            continue
        assert fast == slow, (rs.id, case)
        compared += 1
    assert compared > 100
