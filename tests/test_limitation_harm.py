"""Art. 36's five years turn on harm: where the act is shown to involve life, health or financial safety
and its harm is unknown, a discovery after two years but within five leaves the bar open on the harm.

行政处罚法第三十六条：违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害
后果的，上述期限延长至五年。Harm is a fact of the act the agency establishes (art. 40, 54), so an unknown
harm is asked, never read as "no harm" (which would bar the act on two years).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

import discretion
from discretion import Recommendation, law, memo

from .conftest import RULESETS
from .publish_support import node_answers, python_answers

NODE = shutil.which("node")
SAFETY = {"life_health_financial_safety": True, "act_date": "2019-03-01"}


def run(rs: Any, **facts: Any) -> Recommendation:
    return discretion.evaluate(rs, {"violation": "range", "facts": {"aggravations": 2, **facts}})


def bar(rec: Recommendation) -> Any:
    return next(s for s in rec.trace if s.rule == law.ART36_BARRED.rule)


def flag(rec: Recommendation, code: str) -> Any:
    return next((f for f in rec.flags if f.code == code), None)


@pytest.mark.parametrize("memo_on", [True, False])
def test_harm_unknown_between_two_and_five_years_leaves_the_bar_open(shapes: Any, memo_on: bool,
                                                                     fresh_memo: None) -> None:
    memo.set_enabled(memo_on)
    for found in ("2022-03-01", "2023-06-30", "2024-03-01", "2022-03-01"):  # seen, kept, recalled with these dates
        rec = run(shapes, **SAFETY, discovery_date=found)
        step = bar(rec)
        assert step.matched is None and step.note.startswith("harm = None: 2 years from act_date 2019-03-01")
        assert step.note.endswith(f"5 years on 2024-03-01 (有危害后果); discovered {found}")
        assert flag(rec, "time_barred") is None and rec.outcome.value == "heavier"
        unknown = flag(rec, "facts_unknown")
        assert unknown is not None and "APL-36-time-barred (harm)" in unknown.detail
        assert "no_penalty" in {o.value for o in rec.possible_outcomes}
        harm = next(q for q in rec.questions if q.fact == "harm")
        answers = {o.value: o.outcome.value for o in harm.options}
        assert answers["none"] == "no_penalty" and answers["serious"] != "no_penalty"


def test_each_answer_to_the_harm_is_what_the_answered_case_gives(shapes: Any) -> None:
    rec = run(shapes, **SAFETY, discovery_date="2022-03-01")
    for option in next(q for q in rec.questions if q.fact == "harm").options:
        answered = run(shapes, **SAFETY, discovery_date="2022-03-01", harm=option.value)
        assert answered.outcome == option.outcome and bar(answered).matched is (option.value == "none")


@pytest.mark.parametrize(("found", "barred"), [("2021-03-01", False), ("2024-03-02", True)])
def test_outside_the_window_the_harm_decides_nothing(shapes: Any, found: str, barred: bool) -> None:
    rec = run(shapes, **SAFETY, discovery_date=found)
    assert bar(rec).matched is barred and (flag(rec, "time_barred") is not None) is barred
    unknown = flag(rec, "facts_unknown")
    assert unknown is None or "APL-36" not in (unknown.detail or "")


def test_without_safety_shown_two_years_apply_whatever_the_harm(shapes: Any) -> None:
    rec = run(shapes, act_date="2019-03-01", discovery_date="2022-03-01")
    assert bar(rec).matched is True and rec.outcome.value == "no_penalty"


def test_the_open_facts_of_art_36() -> None:
    dates = {"act_date": discretion.fact_values.as_date("2019-03-01"),
             "discovery_date": discretion.fact_values.as_date("2022-03-01")}
    shown = {**dates, "life_health_financial_safety": True}
    assert law.limitation_open_facts(shown) == ("harm",) == law.open_facts(law.ART36_BARRED, shown)
    assert law.limitation(shown)[0] is None
    assert law.limitation_open_facts({**shown, "harm": "none"}) == ()
    assert law.limitation_open_facts(dates) == ()  # safety not shown: two years
    assert law.limitation_open_facts(shown, (5, "a law's own period")) == ()
    assert law.open_facts(law.ART36_BARRED, {"life_health_financial_safety": True}) == ()  # no dates: not asked


def test_a_batch_keeps_the_harm_open_as_evaluate_does(shapes: Any) -> None:
    pd = pytest.importorskip("pandas")
    from discretion.batch import evaluate_frame

    cases = [{"violation": "range", "facts": {"aggravations": 2, **SAFETY, "discovery_date": found, **harm}}
             for found in ("2021-03-01", "2022-03-01", "2024-03-02") for harm in ({}, {"harm": "none"},
                                                                              {"harm": "minor"})]
    frame = pd.DataFrame([{"violation": c["violation"], **c["facts"]} for c in cases] * 30)  # vectorised
    rows = evaluate_frame(shapes, frame)
    want = [discretion.evaluate(shapes, c) for c in cases] * 30
    assert list(rows["outcome"]) == [r.outcome.value for r in want]
    assert [("facts_unknown" in flags) for flags in rows["flags"]] == [flag(r, "facts_unknown") is not None
                                                                     for r in want]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_evaluator_keeps_the_harm_open_as_the_library_does() -> None:
    assert NODE is not None
    from discretion.publish import export_ruleset

    ruleset = discretion.load_ruleset(RULESETS / "labour" / "beijing-minor-v1")
    cases = [{"violation": "unlicensed-job-agency", "facts": {**SAFETY, "discovery_date": found, **harm}}
             for found in ("2021-03-01", "2022-03-01", "2024-03-02") for harm in ({}, {"harm": "none"})]
    want = python_answers(ruleset, cases)
    assert node_answers(export_ruleset(ruleset), cases, NODE) == want
    assert sum(w["outcome"] == "no_penalty" for w in want) == 3  # barred: after five; after two with no harm
