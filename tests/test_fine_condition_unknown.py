"""A statutory fine whose condition (``only_if``) the facts leave unknown is undecided, not dropped.

人力资源市场暂行条例 art. 42: "有违法所得的，没收违法所得，并处1万元以上5万元以下的罚款". With the illegal gains
not given, the recommendation gave 责令关闭 alone and said "条件未成立 (condition not met)", asking nothing:
the unknown condition was read as false. FORMAT.md: a fact left unknown makes a condition unknown, and
the recommendation flags ``facts_unknown`` (so ``questions`` asks it).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import discretion

from .publish_support import loadable_rulesets

ROOT = Path(__file__).resolve().parent.parent
BEIJING = ROOT / "rulesets" / "labour" / "beijing-minor-v1"
FACTS = {"party_type": "legal_person", "harm": "moderate", "corrected": "late", "prior_violations": [],
         "act_date": "2025-03-01"}


def _evaluate(extra: dict[str, Any]) -> Any:
    ruleset = discretion.load_ruleset(BEIJING)
    return discretion.evaluate(ruleset, {"violation": "unlicensed-job-agency", "facts": {**FACTS, **extra}})


def _flags(rec: Any) -> dict[str, Any]:
    return {f.code: f for f in rec.flags}


def test_unknown_gains_leave_the_fine_undecided_and_flag_it() -> None:
    rec = _evaluate({})
    flags = _flags(rec)
    assert rec.fine is None  # not imposed while undecided …
    assert "facts_unknown" in flags  # … nor ruled out: the facts are incomplete
    assert "有违法所得的" in (flags["facts_unknown"].detail or "")
    assert "罚款待定" in (flags["facts_unknown"].detail or "")
    assert not any("condition not met" in (f.detail or "") or "未成立" in (f.detail or "") for f in rec.flags)
    assert "fine_only_after_refusal" not in flags
    assert any("罚款待定" in r.zh and "有违法所得的" in r.zh for r in rec.reasons)
    only_if = next(s for s in rec.trace if s.rule.endswith("/only_if"))
    assert only_if.matched is None and "待查明" in (only_if.note or "")


def test_unknown_gains_are_asked_and_the_answers_decide_the_fine() -> None:
    rec = _evaluate({})
    question = next(q for q in rec.questions if q.fact == "illegal_gains")
    fines = {(o.fine.min, o.fine.max) if o.fine else None for o in question.options}
    assert None in fines and (Decimal(10000), Decimal(50000)) in fines


def test_known_gains_decide_the_fine_either_way() -> None:
    with_gains = _evaluate({"illegal_gains": 5000})
    assert (with_gains.fine.min, with_gains.fine.max) == (Decimal(10000), Decimal(50000))
    assert "facts_unknown" not in _flags(with_gains)
    none = _evaluate({"illegal_gains": 0})
    assert none.fine is None
    flags = _flags(none)
    assert "fine_only_after_refusal" in flags and "condition not met" in (flags["fine_only_after_refusal"].detail or "")
    assert "facts_unknown" not in flags
    assert not any("罚款待定" in r.zh for r in none.reasons)


def _conditional_bands() -> list[tuple[Any, str, Any]]:
    out = []
    for _path, ruleset in loadable_rulesets():
        for violation in ruleset.violations.values():
            for band in violation.bands:
                if band.only_if is not None and band.when is None:
                    out.append((ruleset, violation.id, band))
    return out


@pytest.mark.parametrize("ruleset, violation, band", _conditional_bands(),
                         ids=lambda x: x if isinstance(x, str) else "")
def test_every_unknown_fine_condition_is_flagged_and_never_called_not_met(ruleset: Any, violation: str,
                                                                          band: Any) -> None:
    """Each bundled default band with an ``only_if``: a case that leaves its facts out (and stays penalised)
    flags facts_unknown with the fine's condition, and no flag says the condition is not met."""
    rec = discretion.evaluate(ruleset, {"violation": violation, "facts": {
        "party_type": "legal_person", "harm": "serious", "first_violation": False}})
    step = next((s for s in rec.trace if s.rule == f"{violation}/{band.model.id}/only_if"), None)
    flags = _flags(rec)
    if step is None or step.matched is not None or rec.outcome.value == "no_penalty":
        # decided by a declared default or a derived fact, or no penalty at all: nothing is pending on it
        assert not any("罚款待定" in r.zh for r in rec.reasons)
        assert "罚款待定" not in (flags["facts_unknown"].detail or "" if "facts_unknown" in flags else "")
        return
    assert "facts_unknown" in flags and "罚款待定" in (flags["facts_unknown"].detail or "")
    assert "fine_only_after_refusal" not in flags
    assert rec.fine is None
