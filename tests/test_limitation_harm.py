"""Art. 36's five years need two facts of the act: it involves life, health or financial safety, and harm
followed. Where the act was discovered after two years but within five and the case leaves either
unknown (the other not ruling the five years out), the bar is open on them, never decided on two years.

行政处罚法第三十六条：违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害
后果的，上述期限延长至五年。The agency establishes the facts of the act (art. 40, 54), so an unknown one is
asked, never read as the one that bars the act.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

import discretion
from discretion import Recommendation, law, memo
from discretion.fact_values import as_date

from .conftest import RULESETS
from .publish_support import node_answers, python_answers

NODE = shutil.which("node")
SAFETY = "life_health_financial_safety"
WINDOW = "2022-03-01"  # discovered three years after the act of 2019-03-01


def run(rs: Any, **facts: Any) -> Recommendation:
    return discretion.evaluate(rs, {"violation": "range", "facts": {"aggravations": 2, "act_date": "2019-03-01",
                                                                     **facts}})


def bar(rec: Recommendation) -> Any:
    return next(s for s in rec.trace if s.rule == law.ART36_BARRED.rule)


def flag(rec: Recommendation, code: str) -> Any:
    return next((f for f in rec.flags if f.code == code), None)


@pytest.mark.parametrize("memo_on", [True, False])
@pytest.mark.parametrize(("given", "unknown"), [
    ({SAFETY: True}, ("harm",)),
    ({"harm": "serious"}, (SAFETY,)),
    ({}, (SAFETY, "harm")),
])
def test_an_unknown_fact_of_the_five_years_leaves_the_bar_open(shapes: Any, memo_on: bool, given: dict[str, Any],
                                                               unknown: tuple[str, ...], fresh_memo: None) -> None:
    memo.set_enabled(memo_on)
    for found in (WINDOW, "2023-06-30", "2024-03-01", WINDOW):  # seen, kept, recalled with these dates
        rec = run(shapes, **given, discovery_date=found)
        step = bar(rec)
        assert step.matched is None
        assert step.note == (f"{', '.join(f'{name} = None' for name in unknown)}: 2 years from act_date 2019-03-01 "
                             f"end on 2021-03-01, 5 years (涉及生命健康安全、金融安全且有危害后果) on 2024-03-01; "
                             f"discovered {found}")
        assert flag(rec, "time_barred") is None and rec.outcome.value == "heavier"
        assert f"APL-36-time-barred ({', '.join(unknown)})" in flag(rec, "facts_unknown").detail
        assert "no_penalty" in {o.value for o in rec.possible_outcomes}
        assert set(unknown) <= {q.fact for q in rec.questions}


@pytest.mark.parametrize("fact", [SAFETY, "harm"])
def test_each_answer_is_what_the_answered_case_gives(shapes: Any, fact: str) -> None:
    given = {"harm": "serious"} if fact == SAFETY else {SAFETY: True}
    rec = run(shapes, **given, discovery_date=WINDOW)
    options = next(q for q in rec.questions if q.fact == fact).options
    assert {str(o.value) for o in options} >= ({"True", "False"} if fact == SAFETY else {"none", "serious"})
    for option in options:
        answered = run(shapes, **given, discovery_date=WINDOW, **{fact: option.value})
        barred = option.value in (False, "none")
        assert answered.outcome == option.outcome and bar(answered).matched is barred
        assert (option.outcome.value == "no_penalty") is barred


@pytest.mark.parametrize("given", [{SAFETY: False}, {"harm": "none"}, {SAFETY: False, "harm": "serious"}])
def test_a_known_fact_that_rules_out_five_years_bars_on_two(shapes: Any, given: dict[str, Any]) -> None:
    rec = run(shapes, **given, discovery_date=WINDOW)
    assert bar(rec).matched is True and rec.outcome.value == "no_penalty"
    assert bar(rec).note.startswith("2 years from act_date 2019-03-01 end on 2021-03-01")


@pytest.mark.parametrize(("found", "barred"), [("2021-03-01", False), ("2024-03-02", True)])
def test_outside_the_window_the_facts_decide_nothing(shapes: Any, found: str, barred: bool) -> None:
    rec = run(shapes, discovery_date=found)
    assert bar(rec).matched is barred and (flag(rec, "time_barred") is not None) is barred
    unknown = flag(rec, "facts_unknown")
    assert unknown is None or "APL-36" not in (unknown.detail or "")


def test_the_open_facts_of_art_36() -> None:
    dates = {"act_date": as_date("2019-03-01"), "discovery_date": as_date(WINDOW)}
    assert law.limitation_open_facts(dates) == (SAFETY, "harm") == law.open_facts(law.ART36_BARRED, dates)
    assert law.limitation_open_facts({**dates, SAFETY: True}) == ("harm",)
    assert law.limitation_open_facts({**dates, "harm": "minor"}) == (SAFETY,)
    assert law.limitation({**dates, SAFETY: True})[0] is None
    assert law.limitation_open_facts({**dates, "harm": "none"}) == ()
    assert law.limitation_open_facts({**dates, SAFETY: False}) == ()
    assert law.limitation_open_facts(dates, (5, "a law's own period")) == ()
    assert law.open_facts(law.ART36_BARRED, dates, special=(5, "a law's own period")) == ()
    assert law.open_facts(law.ART36_BARRED, {SAFETY: True}) == ()  # no dates: not asked


def test_a_batch_keeps_the_bar_open_as_evaluate_does(shapes: Any) -> None:
    pd = pytest.importorskip("pandas")
    from discretion.batch import evaluate_frame

    variants = [{}, {SAFETY: True}, {SAFETY: False}, {"harm": "none"}, {"harm": "minor"},
                {SAFETY: True, "harm": "minor"}]
    cases = [{"violation": "range", "facts": {"aggravations": 2, "act_date": "2019-03-01", "discovery_date": found,
                                              **given}}
             for found in ("2021-03-01", WINDOW, "2024-03-02") for given in variants]
    frame = pd.DataFrame([{"violation": c["violation"], **c["facts"]} for c in cases] * 20)  # vectorised
    rows = evaluate_frame(shapes, frame)
    want = [discretion.evaluate(shapes, c) for c in cases] * 20
    assert list(rows["outcome"]) == [r.outcome.value for r in want]
    assert [("facts_unknown" in flags) for flags in rows["flags"]] == [flag(r, "facts_unknown") is not None
                                                                     for r in want]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_page_evaluator_keeps_the_bar_open_as_the_library_does() -> None:
    assert NODE is not None
    from discretion.publish import export_ruleset

    ruleset = discretion.load_ruleset(RULESETS / "labour" / "beijing-minor-v1")
    cases = [{"violation": "unlicensed-job-agency", "facts": {"act_date": "2019-03-01", "discovery_date": found,
                                                              **given}}
             for found in ("2021-03-01", WINDOW, "2024-03-02")
             for given in ({}, {SAFETY: True}, {SAFETY: False}, {"harm": "none"}, {"harm": "serious"})]
    want = python_answers(ruleset, cases)
    assert node_answers(export_ruleset(ruleset), cases, NODE) == want
    assert sum(w["outcome"] == "no_penalty" for w in want) == 5 + 2  # after five years; in the window, ruled out
