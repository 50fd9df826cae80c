"""From a case to a Recommendation: validate, match, decide (``pipeline``), remember (``memo``).

Pure and stateless. The order of precedence between the statute, the lists and the baseline is
documented in ``pipeline`` (and in the README, tested in tests/test_evaluate.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from . import law, memo, redating
from .case import Case, ValidCase, for_violation, validate_case
from .compile import CompiledRuleset, CompiledViolation
from .models.jurisdiction import Jurisdiction
from .models.outcome import FineRange, Recommendation, TraceStep, build
from .models.vocabulary import Outcome
from .pipeline import Evaluation, Matches
from .procedure import BARRED, BARRED_OPEN, OUTSIDE_VERSION
from .questions import questions_for
from .trace import interned_flag

__all__ = ["Matches", "evaluate", "evaluate_read_only", "evaluate_valid", "match_native"]

Matcher = Callable[[CompiledViolation, Mapping[str, Any]], Matches]


def match_native(violation: CompiledViolation, facts: Mapping[str, Any]) -> dict[str, bool | None]:
    """The native backend: every keyed condition through its precompiled closure.

    A plain loop, not a comprehension: on Python 3.11 a comprehension is a function call of its own,
    a sixth of matching a typical violation's four conditions.
    """
    matches = {}
    for key, matcher in violation.matchers:
        matches[key] = matcher(facts)
    return matches


def evaluate(ruleset: CompiledRuleset, case: Case | Mapping[str, Any] | str | bytes, *,
             backend: str = "native", source: str | None = None,
             jurisdiction: Jurisdiction | None = None) -> Recommendation:
    """Recommend an outcome for one case.

    >>> from discretion import load_ruleset, evaluate
    >>> rs = load_ruleset("rulesets/tax/first-violation/ruleset.yaml")
    >>> evaluate(rs, {"violation": "late-filing", "facts": {"first_violation": True, "harm": "minor",
    ...     "corrected": "within_deadline"}}).outcome.value
    'no_penalty'
    """
    if not isinstance(ruleset, CompiledRuleset) or not (jurisdiction is None or isinstance(jurisdiction, Jurisdiction)):
        raise _not_compiled(ruleset, jurisdiction)
    if type(case) is str or type(case) is bytes:  # JSON read once, for the key and for validation alike
        case = memo.plain_case(case) or case  # (not a case as data: validation reads it again and says why)
    key = memo.repeat_key(ruleset, jurisdiction, case) if backend == "native" else None
    key, dates = redating.classed_key(ruleset, key) if key is not None else (None, {})  # dates by what they decide
    if key is not None:
        seen = memo.recall(key, ruleset, jurisdiction)
        if seen is not None:
            return redating.redated(seen, ruleset, dates) if dates else seen
    valid = validate_case(ruleset, case, source=source)
    if backend == "native":
        matcher: Matcher = match_native
    else:
        from .backends import matcher_for

        matcher = matcher_for(backend, ruleset)
    rec = evaluate_valid(ruleset, valid, matcher, jurisdiction)
    if rec.has_flag("facts_unknown") and not valid.others:
        questions, possible = questions_for(
            ruleset, valid, rec, lambda answered: _answer(ruleset, answered, matcher, jurisdiction))
        rec = rec.model_copy(update={"questions": questions, "possible_outcomes": possible})
    if key is not None:
        memo.keep(key, ruleset, jurisdiction, rec, pattern=redating.pattern(key) if dates else None)
    return rec


def _not_compiled(ruleset: object, jurisdiction: object) -> TypeError:
    """A caller's programming error, said plainly (it was an AttributeError from inside)."""
    if not isinstance(ruleset, CompiledRuleset):
        return TypeError(f"evaluate() takes a ruleset from discretion.load_ruleset(path) (a CompiledRuleset), "
                         f"not a {type(ruleset).__name__}")
    return TypeError(f"jurisdiction takes one from discretion.load_jurisdiction(path) (a Jurisdiction) or None, "
                     f"not a {type(jurisdiction).__name__}")


def evaluate_valid(ruleset: CompiledRuleset, case: ValidCase, matcher: Matcher,
                   jurisdiction: Jurisdiction | None = None) -> Recommendation:
    """Evaluate an already validated case with a given matching backend."""
    if case.others:
        return _several_provisions(ruleset, case, matcher, jurisdiction)
    return _single(ruleset, case, matcher, jurisdiction)


def evaluate_read_only(ruleset: CompiledRuleset, case: ValidCase, matcher: Matcher,
                       jurisdiction: Jurisdiction | None = None) -> Recommendation:
    """``evaluate_valid`` for a caller that reads the decision and never hands the result out (a
    batch row): it may be the remembered result itself, shared, without this case's id and echo,
    its dated wording the placeholder. Outcome, fine, measures, the rules that
    matched and the flags' codes are this case's. Do not change it."""
    if case.others or matcher is not match_native:
        return evaluate_valid(ruleset, case, matcher, jurisdiction)
    return _single(ruleset, case, matcher, jurisdiction, shared=True)


def _single(ruleset: CompiledRuleset, case: ValidCase, matcher: Matcher,
            jurisdiction: Jurisdiction | None, *, shared: bool = False) -> Recommendation:
    """One provision. With the native matcher, remembered by the facts it reads (see ``memo``).

    Dates rarely repeat, so what the statute reads them for (art. 36's time bar, art. 37's version
    in force) is worked out first and given to the run as two derived inputs; the dated wording of
    the trace step and of the flag is filled in afterwards. Cases that differ only in those dates
    then share one remembered decision.
    """
    violation = ruleset.violations[case.violation]
    facts = case.facts
    view, barred, why, act = _statute_view(ruleset, facts)

    def run(read: Mapping[str, Any]) -> Recommendation:
        valid = ValidCase(case.id, case.violation, read, case.given)  # type: ignore[arg-type]
        return Evaluation(ruleset, violation, valid, matcher(violation, read), jurisdiction).run()

    if matcher is match_native:
        rec = memo.remembered(ruleset, violation.id, jurisdiction, view, case.id, run, shown=facts, shared=shared)
    else:
        rec = run(view)
    if shared:
        return rec  # read-only; its dated wording may be the placeholder, its outcome and fine are this case's
    redating.stamp(rec, ruleset, barred, why, act)  # its own lists: see memo._for_case
    return rec


def _statute_view(ruleset: CompiledRuleset, facts: dict[str, Any]) -> tuple[dict[str, Any], bool | None, str,
                                                                            date | None]:
    """The facts with what the statute reads their dates for as two derived inputs (art. 36's time
    bar, art. 37's version in force), and the bar's wording and the act's date to fill in after. A bar
    left undecided comes with the facts that decide it, if any (its harm: ``law.limitation_open_facts``)."""
    special = ruleset.special_limitation
    barred, why = law.limitation(facts, special)
    act = facts.get("act_date")
    outside = act is not None and not ruleset.model.in_force_on(act)
    view = {**facts, BARRED: barred, OUTSIDE_VERSION: outside}
    if barred is None:
        view[BARRED_OPEN] = law.limitation_open_facts(facts, special)
    return view, barred, why, act


def _answer(ruleset: CompiledRuleset, case: ValidCase, matcher: Matcher,
            jurisdiction: Jurisdiction | None) -> tuple[Outcome, FineRange | None, bool]:
    """A question's answer: the outcome and fine of the case completed with it, and whether a rule
    still reads facts left unknown; decided without the recommendation around them and remembered
    apart (``memo.remembered_part``)."""
    violation = ruleset.violations[case.violation]
    view = _statute_view(ruleset, case.facts)[0]

    def run(read: Mapping[str, Any]) -> tuple[Outcome, FineRange | None, bool]:
        valid = ValidCase(case.id, case.violation, read, case.given)  # type: ignore[arg-type]
        return Evaluation(ruleset, violation, valid, matcher(violation, read), jurisdiction, explain=False).answer()

    if matcher is match_native:
        return memo.remembered_part(ruleset, violation.id, jurisdiction, view, run)
    return run(view)


def _several_provisions(ruleset: CompiledRuleset, case: ValidCase, matcher: Matcher,
                        jurisdiction: Jurisdiction | None) -> Recommendation:
    """Art. 29: one act breaching several provisions gets one fine, under the provision with the higher fine."""
    results = []
    for vid in (case.violation, *case.others):
        results.append(_single(ruleset, for_violation(ruleset, case, vid), matcher, jurisdiction))

    def weight(rec: Recommendation) -> tuple[Decimal, Decimal, int]:
        if rec.fine is None:
            return Decimal(-1), Decimal(-1), rec.outcome.rank
        return rec.fine.max, rec.fine.min, rec.outcome.rank

    chosen = max(results, key=weight)  # max() keeps the first of equals: the order the case gives
    others = [r for r in results if r is not chosen]
    steps = [build(TraceStep, rule=r.violation.code, kind="several_provisions", matched=False,
                       note=f"{r.label.zh}; fine {r.fine.min}–{r.fine.max}" if r.fine else f"{r.label.zh}; no fine",
                       article="行政处罚法第29条") for r in others]
    flag = interned_flag("several_provisions", "行政处罚法第29条", "、".join(r.violation.code for r in others))
    return chosen.model_copy(update={"trace": [*chosen.trace, *steps], "flags": [*chosen.flags, flag],
                                     "citations": [*chosen.citations, law.article(29)]})
