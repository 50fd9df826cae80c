"""Reasons for and against, questions for unknown facts, the --ask questionnaire, notice texts."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion.cli import main
from discretion.notice import render_notice

from .conftest import RULESETS

TAX = RULESETS / "tax" / "first-violation"


def late_filing(**facts: Any) -> dict[str, Any]:
    return {"violation": "late-filing", "facts": facts}


def test_reasons_for_the_outcome_cite_the_list_item(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=True, harm="minor", corrected="within_deadline"))
    [reason] = [r for r in rec.reasons if r.stance == "for" and r.rule == "tax-fv-03"]
    assert "符合不予处罚清单第3项" in reason.zh and "首次发生清单中所列事项" in reason.zh
    assert reason.basis and "国家税务总局公告2021年第6号" in reason.basis


def test_reasons_against_name_prior_violations_with_their_dates(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(
        act_date="2025-10-01", harm="minor", corrected="late",
        prior_violations=[{"date": "2025-03-02", "violation": "late-filing"}, {"date": "2025-09-14"}]))
    against = [r for r in rec.reasons if r.stance == "against" and r.outcome.value == "no_penalty"]
    text = " ".join(r.zh for r in against)
    assert "非初次违法：此前有2次同类违法记录（2025-03-02、2025-09-14）" in text
    assert "未及时改正（改正情况：逾期改正）" in text
    assert all(r.basis for r in against) and all(r.en for r in against)


def test_reasons_respect_the_first_violation_window(tmp_path: Path) -> None:
    text = (TAX / "ruleset.yaml").read_text(encoding="utf-8").replace(
        "first_violation_window_months: null", "first_violation_window_months: 24")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    rs = discretion.load_ruleset(path)
    rec = discretion.evaluate(rs, late_filing(act_date="2025-10-01", harm="minor", corrected="within_deadline",
                                              prior_violations=[{"date": "2022-01-01"}, {"date": "2025-09-14"}]))
    assert any("24个月内有1次同类违法记录（2025-09-14）" in r.zh for r in rec.reasons)


@pytest.mark.parametrize(("found", "first"), [("2022-10-12", True), ("2022-10-13", False), ("2023-01-01", False)])
def test_prior_violations_count_only_from_first_violation_since(tmp_path: Path, found: str, first: bool) -> None:
    """'自本清单正式施行之日起…第一次被发现': a record before the day does not count, one on the day does."""
    since = "first_violation_window_months: null\n  first_violation_since: 2022-10-13"
    text = (TAX / "ruleset.yaml").read_text(encoding="utf-8").replace("first_violation_window_months: null", since)
    assert "first_violation_since" in text
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    rs = discretion.load_ruleset(path)
    rec = discretion.evaluate(rs, late_filing(act_date="2025-10-01", harm="minor", corrected="late",
                                              prior_violations=[{"date": found}]))
    assert rec.facts["first_violation"] is first
    against = " ".join(r.zh for r in rec.reasons if r.stance == "against")
    assert ("2022-10-13以来有1次同类违法记录（" + found + "）" in against) is not first


def test_reasons_are_in_the_json(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=False))
    data = json.loads(rec.model_dump_json())
    assert data["reasons"] and {"stance", "outcome", "zh", "en", "basis"} <= set(data["reasons"][0])


def test_unknown_facts_give_possible_outcomes_and_deciding_questions(tax: Any) -> None:
    rec = discretion.evaluate(tax, {"violation": "invoice-substitute",
                                    "facts": {"harm": "minor", "corrected": "within_deadline", "illegal_gains": 0}})
    assert [o.value for o in rec.possible_outcomes] == ["no_penalty", "standard"]
    [question] = rec.questions
    assert (question.fact, question.zh, question.narrows) == ("first_violation", "初次违法", 2)
    assert {(o.value, o.outcome.value) for o in question.options} == {(True, "no_penalty"), (False, "standard")}


def test_facts_that_decide_only_together_are_asked_and_keep_their_outcomes_possible(tax: Any) -> None:
    """No single answer decides an empty case (the list item needs a first violation, minor harm and
    a correction together); the outcomes within reach and the questions say so all the same."""
    rec = discretion.evaluate(tax, late_filing())
    assert [o.value for o in rec.possible_outcomes] == ["no_penalty", "standard"]
    asked = {q.fact: q for q in rec.questions}
    assert {"harm", "corrected"} <= set(asked)
    # Not a first violation, no penalty is still within reach: art. 33(1) (minor, corrected, no harm)
    # does not ask for one. So the first violation narrows nothing yet, and is asked once harm and
    # correction leave the list item as the only way to it.
    assert "first_violation" not in asked
    harm = asked["harm"]
    assert {o.value: [p.value for p in o.possible_outcomes] for o in harm.options} == {
        "none": ["no_penalty", "standard"], "minor": ["no_penalty", "standard"],
        "moderate": ["standard"], "serious": ["standard"]}
    assert {o.outcome.value for o in harm.options} == {"standard"}  # alone, with the rest unknown
    later = discretion.evaluate(tax, late_filing(harm="minor", corrected="within_deadline"))
    [first] = later.questions
    assert {o.value: [p.value for p in o.possible_outcomes] for o in first.options} == {
        True: ["no_penalty"], False: ["standard"]}


_DOMAINS = {"first_violation": [True, False], "harm": ["none", "minor", "moderate", "serious"],
            "corrected": ["before_discovery", "immediately", "within_deadline", "late", "not_corrected"]}


@pytest.mark.parametrize("facts", [{}, {"first_violation": True}, {"harm": "minor"}, {"corrected": "late"}])
def test_every_way_of_answering_ends_within_the_outcomes_said_possible(tax: Any, facts: dict[str, Any]) -> None:
    """Every completion of the facts the list item reads (all their values) ends in an outcome the
    case said was possible, and within what each answer to its questions said was still possible."""
    import itertools

    rec = discretion.evaluate(tax, late_filing(**facts))
    possible = rec.possible_outcomes or [rec.outcome]  # a decided case lists none: its own is the only one
    options = {q.fact: {json.dumps(o.value): o for o in q.options} for q in rec.questions}
    open_facts = [name for name in _DOMAINS if name not in facts]
    for values in itertools.product(*(_DOMAINS[name] for name in open_facts)):
        answers = dict(zip(open_facts, values, strict=True))
        done = discretion.evaluate(tax, late_filing(**facts, **answers))
        assert done.outcome in possible, (facts, answers)
        for fact, value in answers.items():
            if fact in options:
                assert done.outcome in options[fact][json.dumps(value)].possible_outcomes, (facts, answers)


def test_answers_decided_without_explanations_decide_alike(tax: Any) -> None:
    """Answers are decided without explaining each condition (a third of their cost): the same outcome
    and fine, for every combination of the list item's facts, known or not."""
    import itertools

    from discretion.case import validate_case
    from discretion.evaluate import match_native
    from discretion.pipeline import Evaluation

    violation = tax.violations["late-filing"]
    for values in itertools.product(*([None, *domain] for domain in _DOMAINS.values())):
        facts = {name: value for name, value in zip(_DOMAINS, values, strict=True) if value is not None}
        case = validate_case(tax, late_filing(**facts))
        full, lean = (Evaluation(tax, violation, case, match_native(violation, case.facts), explain=explain)
                      for explain in (True, False))
        assert full.answer() == lean.answer(), facts
        assert [(s.rule, s.matched) for s in full.trace] == [(s.rule, s.matched) for s in lean.trace], facts


def test_answering_the_top_question_each_time_reaches_every_possible_outcome(tax: Any) -> None:
    for goal in ("no_penalty", "standard"):
        facts: dict[str, Any] = {}
        for _ in range(8):
            rec = discretion.evaluate(tax, late_filing(**facts))
            if not rec.questions:
                break
            top = rec.questions[0]
            chosen = next(o for o in top.options if goal in [p.value for p in o.possible_outcomes])
            facts[top.fact] = chosen.value
        assert rec.outcome.value == goal and not rec.has_flag("facts_unknown"), (goal, facts)


@pytest.mark.usefixtures("fresh_memo")
def test_beyond_the_exploring_budget_answers_count_one_at_a_time(tax: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from discretion import questions

    monkeypatch.setattr(questions, "MAX_EXPLORED", 0)
    rec = discretion.evaluate(tax, late_filing())
    assert rec.questions == [] and [o.value for o in rec.possible_outcomes] == ["standard"]  # as before joint answers


def test_questions_are_ordered_by_how_much_they_decide(shapes: Any) -> None:
    rec = discretion.evaluate(shapes, {"violation": "range", "facts": {}})
    assert rec.questions and rec.questions == sorted(rec.questions, key=lambda q: -q.narrows)


def test_a_decided_case_asks_nothing(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=True, harm="minor", corrected="within_deadline"))
    assert rec.questions == [] and rec.possible_outcomes == []


def test_ask_starts_from_an_empty_case_and_ends_decided(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"violation": "late-filing", "facts": {}}))
    # corrected: within the deadline (3); harm: minor (2); first violation: yes (2)
    monkeypatch.setattr("sys.stdin", io.StringIO("3\n2\n2\n"))
    out = io.StringIO()
    assert main(["evaluate", str(TAX), str(case), "--ask"], out=out) == 0
    text = out.getvalue()
    assert "仍可能的结果 Possible outcomes: no_penalty、standard" in text
    assert "3. 责令改正期限内改正 → 仍可能 still possible: no_penalty、standard" in text
    assert "1. 否 → standard" in text and "危害后果 (harm)?" in text
    assert "处理结果 Outcome: 不予处罚" in text


def test_ask_turns_questions_into_a_questionnaire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"violation": "invoice-substitute",
                                "facts": {"harm": "minor", "corrected": "within_deadline", "illegal_gains": 0}}))
    monkeypatch.setattr("sys.stdin", io.StringIO("2\n"))
    out = io.StringIO()
    assert main(["evaluate", str(TAX), str(case), "--ask"], out=out) == 0
    text = out.getvalue()
    assert "初次违法 (first violation)?" in text and "2. 是 → no_penalty" in text
    assert text.rstrip().splitlines()[-1].startswith("规则 Ruleset") and "处理结果 Outcome: 不予处罚" in text


def test_notice_before_a_penalty_names_rights_and_the_proposed_fine(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=False, serious_circumstances=True))
    text = render_notice(tax, rec, party="某某公司", agency="某税务局")
    warning, _, notice = text.partition("─" * 40 + "\n")  # facts left unknown: a warning above, not served
    assert "不得送达" in warning and notice.lstrip().startswith("行政处罚事先告知书") and "某某公司：" in notice
    assert "罚款，2000.00元至10000.00元" in text and "第四十四条、第四十五条" in text
    assert "陈述和申辩" in text and "《税收征收管理法》(2015-04-24) 第62条" in text


def test_notice_not_to_penalise_orders_correction_and_education(tax: Any) -> None:
    rec = discretion.evaluate(tax, late_filing(first_violation=True, harm="minor", corrected="within_deadline"))
    text = render_notice(tax, rec)
    assert text.startswith("不予行政处罚决定书") and "决定对你（单位）不予行政处罚" in text
    assert "税法宣传和辅导" in text and "第三十三条第三款" in text


def test_notice_hearing_deadline_with_a_jurisdiction(shapes: Any) -> None:
    from .conftest import FIXTURES

    province = discretion.load_jurisdiction(FIXTURES / "jurisdiction" / "test-province.yaml")
    rec = discretion.evaluate(shapes, {"violation": "amount", "facts": {
        "assessed": "60000", "party_type": "legal_person", "notice_date": "2025-09-26"}}, jurisdiction=province)
    assert "最后期限：2025年10月10日" in render_notice(shapes, rec)


def test_templates_a_department_overrides(tax: Any, tmp_path: Path) -> None:
    (tmp_path / "notice_no_penalty.txt").write_text("不予处罚：${party}；${violation_zh}", encoding="utf-8")
    rec = discretion.evaluate(tax, late_filing(first_violation=True, harm="minor", corrected="within_deadline"))
    assert render_notice(tax, rec, party="甲", templates=tmp_path) == \
        "不予处罚：甲；纳税人未按照规定的期限办理纳税申报和报送纳税资料"


def test_cli_notice(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps(late_filing(first_violation=False)))
    out = io.StringIO()
    assert main(["notice", str(TAX), str(case), "--party", "乙", "--date", "2025-01-02"], out=out) == 0
    assert "乙：" in out.getvalue() and "2025年01月02日" in out.getvalue()
