"""Missing facts: the outcomes still possible, and the questions whose answers decide between them.

A case may leave facts unknown. For each unknown fact that an undecided condition reads, each of its
values (enum values, true/false, and the points around the thresholds the conditions compare it
with) is tried. Several unknown facts often decide only together (a list item needs a first violation
*and* minor harm *and* correction): so the answers are also explored jointly, fact after fact, until
each branch is decided (at most ``MAX_EXPLORED`` decisions; beyond that, one fact at a time as
before). An answer then leads to the results still reachable after it, and a question's worth is how
many distinct such results its answers lead to: a question is asked when its answer narrows them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .case import ValidCase, completed
from .compile import CompiledRuleset
from .factspace import literals_by_fact, representatives
from .models.facts import FactKind
from .models.outcome import AnswerOption, FineRange, Question, Recommendation, build, to_json_value
from .models.vocabulary import Outcome

__all__ = ["MAX_QUESTIONS", "questions_for"]

MAX_QUESTIONS = 8
MAX_EXPLORED = 256
"""Decisions spent exploring joint answers per case (each remembered by the facts it read)."""
Answer = tuple[Outcome, FineRange | None, bool]
"""An answer's outcome and fine, and whether a rule still reads facts left unknown."""
Evaluator = Callable[[ValidCase], Answer]
Result = tuple[Outcome, tuple[Any, Any] | None]  # an outcome and its fine range's bounds, comparable


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

    ``evaluate`` gives each answer's outcome and fine, and whether it leaves the decision open.
    """
    given = {name: case.facts[name] for name in case.given}
    decided: dict[tuple[tuple[str, Any], ...], Answer] = {}  # the first fact's answers: explored, then asked

    def answer(answers: dict[str, Any]) -> Answer:
        key = tuple(answers.items())
        got = decided.get(key)
        if got is None:
            facts = completed(ruleset, case.violation, {**given, **answers})
            got = decided[key] = evaluate(ValidCase(case.id, case.violation, facts, frozenset(facts)))
        return got

    candidates = [name for name in _candidates(rec) if _options(ruleset, name)]
    leaves = _explore(ruleset, candidates, answer)
    questions: list[Question] = []
    possible = {rec.outcome}
    if leaves is not None:
        possible.update(result[0] for _, result in leaves)
    for name in candidates:
        options: list[AnswerOption] = []
        narrowed: set[Any] = set()
        for value in _options(ruleset, name):
            outcome, fine, _ = answer({name: value})
            possible.add(outcome)
            if leaves is None:  # too many joint answers to explore: this answer alone
                reachable: frozenset[Result] = frozenset({_result(outcome, fine)})
            else:  # a branch decided before it came to this fact holds whatever the answer
                reachable = frozenset(result for answers, result in leaves if answers.get(name, value) == value)
            narrowed.add(reachable)
            options.append(build(AnswerOption, value=to_json_value(value), zh=_label(ruleset, name, value),
                                 outcome=outcome, fine=fine, possible_outcomes=_ranked(r[0] for r in reachable)))
        if len(narrowed) < 2:
            continue  # every answer leaves the same results within reach: not worth asking
        spec = ruleset.schema[name]
        questions.append(build(Question, fact=name, zh=spec.zh, en=spec.en or name, options=options,
                               narrows=len(narrowed)))
    questions.sort(key=lambda q: (-q.narrows, q.fact))
    return questions, _ranked(possible)


def _explore(ruleset: CompiledRuleset, names: list[str], answer: Callable[[dict[str, Any]], Answer]
             ) -> list[tuple[dict[str, Any], Result]] | None:
    """Every branch of answers to the facts in turn, each as far as it takes to be decided (or to the
    last fact): its answers and its result. None when that takes more than ``MAX_EXPLORED`` decisions."""
    leaves: list[tuple[dict[str, Any], Result]] = []
    pending: list[dict[str, Any]] = [{}] if names else []  # depth first, in the order the facts were found
    spent = 0
    while pending:
        answers = pending.pop()
        name = names[len(answers)]
        for value in reversed(_options(ruleset, name)):
            spent += 1
            if spent > MAX_EXPLORED:
                return None
            branch = {**answers, name: value}
            outcome, fine, undecided = answer(branch)
            if undecided and len(branch) < len(names):
                pending.append(branch)
            else:
                leaves.append((branch, _result(outcome, fine)))
    return leaves


def _result(outcome: Outcome, fine: FineRange | None) -> Result:
    return outcome, None if fine is None else (fine.min, fine.max)


def _ranked(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return sorted(set(outcomes), key=lambda o: o.rank)
