"""Missing facts: the outcomes still possible, and the questions whose answers decide between them.

A case may leave facts unknown. For each unknown fact that an undecided condition reads, each of its
values (enum values, true/false, and the points around the thresholds the conditions compare it
with) is tried; a question's worth is how many distinct results its answers lead to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .case import ValidCase, completed
from .compile import CompiledRuleset
from .factspace import literals_by_fact, representatives
from .models.facts import FactKind
from .models.outcome import AnswerOption, FineRange, Question, Recommendation, build, to_json_value
from .models.vocabulary import Outcome

__all__ = ["MAX_QUESTIONS", "questions_for"]

MAX_QUESTIONS = 8
Evaluator = Callable[[ValidCase], tuple[Outcome, FineRange | None]]


def _candidates(rec: Recommendation) -> list[str]:
    names: list[str] = []
    for step in rec.trace:
        if step.kind not in ("band", "tier", "list_item", "criminal"):
            continue
        for cond in step.conditions:
            if cond.value is None:
                names.extend(name for name, value in cond.facts.items() if value is None and name not in names)
    return names[:MAX_QUESTIONS]


_OPTIONS: dict[tuple[int, str], tuple[CompiledRuleset, list[Any]]] = {}


def _options(ruleset: CompiledRuleset, name: str) -> list[Any]:
    """The answers worth trying for a fact, worked out once per ruleset and fact."""
    entry = _OPTIONS.get((id(ruleset), name))
    if entry is None or entry[0] is not ruleset:
        if len(_OPTIONS) > 65536:
            _OPTIONS.clear()
        entry = _OPTIONS[(id(ruleset), name)] = (ruleset, _options_afresh(ruleset, name))
    return entry[1]


def _options_afresh(ruleset: CompiledRuleset, name: str) -> list[Any]:
    spec = ruleset.schema[name]
    if spec.type is FactKind.records or spec.type is FactKind.date:
        return []
    nodes = [cond.compiled.node for violation in ruleset.violations.values()
             for _, cond in violation.keyed_conditions if name in cond.compiled.facts]
    return representatives(spec, literals_by_fact(nodes).get(name, set()))


def _label(ruleset: CompiledRuleset, name: str, value: Any) -> str:
    spec = ruleset.schema[name]
    if isinstance(value, bool):
        return "是" if value else "否"
    for option in spec.values:
        if option.code == value:
            return option.zh or str(value)
    return str(value)


def questions_for(ruleset: CompiledRuleset, case: ValidCase, rec: Recommendation,
                  evaluate: Evaluator) -> tuple[list[Question], list[Outcome]]:
    """Questions ordered by how much their answers decide, and the outcomes still possible.

    ``evaluate`` gives each answer's outcome and fine.
    """
    questions: list[Question] = []
    possible = {rec.outcome}
    given = {name: case.facts[name] for name in case.given}
    for name in _candidates(rec):
        options: list[AnswerOption] = []
        for value in _options(ruleset, name):
            facts = completed(ruleset, case.violation, {**given, name: value})
            outcome, fine = evaluate(ValidCase(case.id, case.violation, facts, frozenset(facts)))
            possible.add(outcome)
            options.append(build(AnswerOption, value=to_json_value(value), zh=_label(ruleset, name, value),
                                 outcome=outcome, fine=fine))
        if not options:
            continue
        distinct = {(o.outcome, None if o.fine is None else (o.fine.min, o.fine.max)) for o in options}
        if len(distinct) < 2:
            continue  # every answer leads to the same result: not worth asking
        spec = ruleset.schema[name]
        questions.append(build(Question, fact=name, zh=spec.zh, en=spec.en or name, options=options,
                               narrows=len(distinct)))
    questions.sort(key=lambda q: (-q.narrows, q.fact))
    return questions, sorted(possible, key=lambda o: o.rank)
