"""Missing facts: the outcomes still possible, and the questions whose answers decide between them.

A case may leave facts unknown. For each unknown fact that an undecided condition reads, each of its
values (enum values, true/false, and the points around the thresholds the conditions compare it
with) is tried. Several unknown facts often decide only together (a list item needs a first violation
*and* minor harm *and* correction): so the answers are also explored jointly, fact after fact, until
each branch is decided (at most ``MAX_EXPLORED`` decisions; beyond that, one fact at a time as
before). An answer then leads to the results still reachable after it, and a question's worth is how
many distinct such results its answers lead to: a question is asked when its answer narrows them.

The statute's own grounds count as well as the ruleset's rules, on the law's reading of an absent
fact (``law``'s docstring, ground by ground):

* A ground left undecided by facts of the act, which the agency establishes in every case (art.
  33(1): minor, corrected in time, harm, first violation), or by the age of a party given as a
  natural person (art. 30), is *open*: when it could give a more lenient outcome it raises
  ``facts_unknown`` (the flag's detail names it), its outcome is within reach, and its facts are
  candidates (after the ruleset's), answered as the law tells them apart (ages 13, 14 and 18 unless
  a ruleset compares the age too; a correction through ``corrected``, which decides it). Open
  grounds stay open in every branch until answered, so exploring from the case's candidates reaches
  every outcome they can give.
* Grounds that hold only on circumstances the case must show (art. 31 incapacity, art. 32's four,
  art. 33(2)'s evidence of no fault) do not hold when the fact is absent: they are decided, never
  asked, and not within reach until the case gives them. They are absent from almost every case;
  asking for them would put the same seven questions in every result for no fact of the case.
* Art. 30 for a party whose type is not given, and art. 36 without the dates, stay undecided in the
  trace (its note says why) but are not opened: the one would open nearly every case that omits the
  party type, the other needs a date, not a choice among a few answers.

So ``possible_outcomes`` is every outcome the answers to the open facts can reach (exactly, while a
case has at most ``MAX_QUESTIONS`` candidate facts, the ruleset's first, and exploring them jointly
stays within ``MAX_EXPLORED``; beyond it, answers one fact at a time), and a
question is asked only when its answers narrow that set: a fact that decides nothing on its own
(whether a violation is a first one, while art. 33(1) can still exempt it either way) is asked once
the other answers make it decide. Whether a no penalty is mandatory is not part of an answer's result:
an open "shall" ground under a discretionary no penalty is flagged but not asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import law
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


def _candidates(rec: Recommendation, facts: dict[str, Any]) -> list[str]:
    """The unknown facts read by the ruleset's undecided rules, then those of the open statutory
    grounds that could give a more lenient outcome (``law.open_facts``), in the trace's order."""
    names: list[str] = []
    statute: list[str] = []
    rank = rec.outcome.rank
    for step in rec.trace:
        if step.kind == "statute":
            ground = law.GROUNDS.get(step.rule) if step.matched is None else None
            if ground is not None and ground.outcome.rank < rank:
                statute.extend(law.open_facts(ground, None, facts))
            continue
        if step.kind not in ("band", "tier", "list_item", "criminal"):
            continue
        for cond in step.conditions:
            if cond.value is None:
                names.extend(name for name, value in cond.facts.items() if value is None and name not in names)
    names.extend(name for name in statute if name not in names)
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
    literals = literals_by_fact(nodes).get(name, set())
    if not literals and name in law.ANSWERS:  # compared by the statute alone: one answer per span it tells apart
        return list(law.ANSWERS[name])
    return representatives(spec, literals | set(law.THRESHOLDS.get(name, ())))


def _label(ruleset: CompiledRuleset, name: str, value: Any) -> str:
    spec = ruleset.schema[name]
    if isinstance(value, bool):
        return "是" if value else "否"
    statutory = law.answer_label(name, value)
    if statutory is not None:
        return statutory
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

    candidates = [name for name in _candidates(rec, case.facts) if _options(ruleset, name)]
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
