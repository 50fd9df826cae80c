"""Missing facts: the outcomes still possible, and the questions whose answers decide between them.

A case may leave facts unknown. For each unknown fact that an undecided condition reads, each of its
values (enum values, true/false, and the points around the thresholds the conditions compare it
with) is tried. Several unknown facts often decide only together (a list item needs a first violation
*and* minor harm *and* correction): so the answers are also explored jointly, fact after fact, until
each branch is decided (at most ``MAX_EXPLORED`` decisions; beyond that, one fact at a time as
before). An answer then leads to the results still reachable after it, and a question's worth is how
many distinct such results its answers lead to: a question is asked when its answer narrows them.

The statute's own grounds count as well as the ruleset's rules, on the law's reading of an absent
fact (``law``'s docstring, ground by ground). Decided, and the reasons:

* Art. 33(1) ("minor, corrected in time, no harm: shall not penalise"; "first violation, minor harm,
  corrected in time: may not penalise") rests on facts of the act that the agency establishes in
  every case (art. 40, 54): its harm, its correction, whether it is minor, whether it is a first
  one. Left undecided by them, it is *open* whenever it could give a more lenient outcome: the case
  raises ``facts_unknown`` (its detail names the ground and the facts), no penalty is within reach,
  and those facts are candidates (after the ruleset's; a correction is asked as ``corrected``,
  which decides whether it was in time). At most four facts, and only those the case lacks: a case
  that gives harm and correction is asked nothing more unless they leave art. 33(1) open.
* Art. 30 is open for a party given as a natural person: the age is asked with one answer on each
  side of the law's thresholds 14 and 18 (13, 14, 18, labelled in the statute's words), with any a
  ruleset compares. For a party not
  described it stays undecided in the trace (the note says so) but is not opened: that would
  open it in nearly every case that omits the party type, on no fact of the case.
* Art. 31, 32 and 33(2) hold only on circumstances the case shows (capacity is presumed; the
  party's own conduct; "有证据足以证明"): absent, they do not hold and are not within reach. Asking
  for them would put the same seven questions in every result. Art. 36 without dates stays
  undecided and unasked (a date is not a choice among a few answers).

So ``possible_outcomes`` is every outcome that answering the open facts can reach (exactly, while a
case has at most ``MAX_QUESTIONS`` candidates, the ruleset's first, and exploring them jointly stays
within ``MAX_EXPLORED``; beyond, answers one fact at a time), and a question is asked only when its
answers narrow that set: whether a violation is a first one narrows nothing while art. 33(1) can
exempt it either way, and is asked once other answers make it decide. Whether a no penalty is
mandatory is not part of an answer's result: an open "shall" ground under a discretionary no
penalty is flagged, not asked.

An answer's ``possible_outcomes`` follow the same rule for the case answered with it: its own
outcome and what answering the facts *that* case asks can reach, so that evaluating the case with the
answer gives the answer's outcome and, with its ``possible_outcomes``, the answer's list exactly
(tests/test_questions_consistency.py, within the same limits). Two things make an answer's case ask
less than the case it answers: it decides other facts (a correction late: not in time), so the
branches that answered those otherwise are not its own; and art. 31's, 32's and 33(2)'s
circumstances are asked only where a rule reads them, so where no rule left undecided by the answer
reads one (``_unasked``), the branches' answers to it are taken back (``_without``): the statute reads
such a circumstance wherever it is given, but the answer's case does not ask it and, absent, it does
not hold.

Cost: art. 33(1)'s facts are not explored by evaluating each answer where no rule left undecided
reads them (``_eligible``): each branch explored for the ruleset's facts is completed from art. 33(1)
itself, which gives no penalty or leaves the branch's result as it is (``_completion``); a test
compares this with evaluating every answer on every bundled violation. What a rule decided reads is
no candidate (Kleene: it stays decided). A branch is followed further only while a rule is undecided
or a ground may yet hold on a fact still to come that no completion answers (art. 30's age; art.
31, 32 and 33(2)'s facts where a rule asks them), so a case costs about as many decisions as before
art. 33(1) was counted (measured in the README's performance section). Questions that ask only
art. 33(1)'s facts are remembered with the memo by what they read (``_ASKED``); the other tables of
output parts here are cleared with the memo too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from typing import Any

from . import law, memo
from .case import TIMELY, ValidCase, completed
from .compile import CompiledRuleset
from .factspace import literals_by_fact, representatives
from .models.facts import FactKind
from .models.outcome import AnswerOption, FineRange, Question, Recommendation, build, to_json_value
from .models.vocabulary import Outcome
from .trace import RULE_KINDS, unknown_reads

__all__ = ["MAX_QUESTIONS", "questions_for"]

MAX_QUESTIONS = 8
MAX_EXPLORED = 256
"""Decisions spent exploring joint answers per case (each remembered by the facts it read)."""
Answer = tuple[Outcome, FineRange | None, bool]
"""An answer's outcome and fine, and whether a rule still reads facts left unknown."""
Evaluator = Callable[[ValidCase], Answer]
Result = tuple[Outcome, tuple[Any, Any] | None]  # an outcome and its fine range's bounds, comparable


def _candidates(rec: Recommendation, facts: dict[str, Any], special: law.Special = None
                ) -> tuple[list[str], list[str], bool, list[law.StatutoryGround]]:
    """The unknown facts read by the ruleset's undecided rules, and those of the statutory grounds that
    are open, or that answering those facts could open (``law.open_facts``; ``special``: the ruleset's
    own art. 36 period), when they could give a more lenient outcome: each in the trace's order. And
    whether a band, tier or list item is undecided, and the statutory grounds that are."""
    names = list(dict.fromkeys(unknown_reads(rec.trace, _ASKED_KINDS)))
    rules_open = any(step.matched is None and step.kind in RULE_KINDS for step in rec.trace)
    lenient = rec.outcome is not Outcome.no_penalty  # every ground that can be opened is more lenient
    undecided = [ground for step in rec.trace if lenient and step.matched is None and step.kind == "statute"
                 and (ground := _ASKING.get(step.rule)) is not None]
    statute: list[str] = []
    for ground in undecided:
        for name in law.open_facts(ground, facts, names, special):
            if name not in statute and not (name == "corrected" and "timely_corrected" in names):
                statute.append(name)  # a ruleset that reads timely_corrected asks it: the statute reads it too
    return names, statute, rules_open, undecided


_ASKING = {ground.rule: ground for ground in law.GROUNDS.values() if ground.asks}
"""The grounds that can be opened: art. 30 (under 14: no penalty; 14–17: lighter), art. 33(1) and art. 36."""
_ASKED_KINDS = frozenset({"band", "tier", "list_item", "criminal"})


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

    ``evaluate`` gives each answer's outcome and fine, and whether a rule still reads facts left unknown.
    """
    given = {name: case.facts[name] for name in case.given}
    decided: dict[tuple[tuple[str, Any], ...], tuple[Answer, dict[str, Any]]] = {}  # explored, then asked

    def decide(answers: dict[str, Any]) -> tuple[Answer, dict[str, Any]]:
        key = tuple(answers.items())
        got = decided.get(key)
        if got is None:
            facts = completed(ruleset, case.violation, {**given, **answers})
            got = decided[key] = (evaluate(ValidCase(case.id, case.violation, facts, frozenset(facts))), facts)
        return got

    rules, statute, rules_open, undecided = _candidates(rec, case.facts, ruleset.special_limitation)
    eligible = _eligible(case.facts, ruleset.special_limitation) \
        if law.ART33_MINOR in undecided or law.ART33_FIRST in undecided else ()
    completable = _completable(case.facts, eligible)
    free = frozenset(name for name in completable if name in statute
                     and not any(source in rules for source in _SOURCES.get(name, (name,))))
    candidates = [name for name in (rules + [n for n in statute if n not in rules])[:MAX_QUESTIONS]
                  if _options(ruleset, name)]
    joint = [name for name in candidates if name not in free]
    root: Leaf = ({}, _result(rec.outcome, rec.fine), case.facts, rules_open)
    key: tuple[Any, ...] | None = None
    if not joint and memo.enabled():  # art. 33(1)'s facts alone: the same answers for every case alike
        key = (id(ruleset), root[1], tuple(candidates), free, root[3] or tuple(completable),
               *(case.facts.get(name) for name in _ART33_READS))
        kept = _ASKED.get(key)
        if kept is not None and kept[0] is ruleset:
            return list(kept[1]), list(kept[2])
    waiting = [name for name in joint if name in _STATUTE_READS and name not in eligible]  # not completed at a leaf
    leaves = _explore(ruleset, joint, decide, root, waiting)

    def complete(leaf: Leaf) -> tuple[dict[str, Any], dict[str, Any], Completion]:
        answers, result, facts, rules_open = leaf
        names = free if rules_open else _completable(facts, eligible)
        return answers, facts, (_completion(result, facts, names) if names and result[0] is not Outcome.no_penalty
                                else _alone(result))

    completions = None if leaves is None else [complete(leaf) for leaf in leaves]
    shown = [name for name in joint if name in _SHOWN]  # asked for a rule: count for art. 31, 32 or 33(2) too
    questions: list[Question] = []
    possible = {rec.outcome}
    if completions is not None:
        possible.update(result[0] for _, _, (_, results, _) in completions for result in results)
    for name in candidates:
        options: list[AnswerOption] = []
        narrowed: set[Any] = set()
        by_value = None if completions is None else _reachable(name, completions)
        by_kind: dict[Any, tuple[Outcome, FineRange | None]] = {}
        for value in _options(ruleset, name):
            if name in free:  # read by art. 33(1) alone: what the answer leads to needs no evaluation
                kind = _CLASS[name](value)
                if kind not in by_kind:
                    held = _completion(root[1], _answered(case.facts, name, value), ())[0][0][1]
                    by_kind[kind] = (held[0], rec.fine if held == root[1] else None)
                outcome, fine = by_kind[kind]
            else:
                (outcome, fine, _), facts = decide({name: value})
            possible.add(outcome)
            if by_value is None:  # too many joint answers to explore: this answer alone
                reachable: frozenset[Result] = frozenset({_result(outcome, fine)})
            else:
                answered, anyway, by_class = by_value
                if name not in free and completions is not None and leaves is not None:
                    # the other facts this answer decides (a correction: whether in time), and those its
                    # case no longer asks: the branches that answered otherwise are not its own, and the
                    # answers to unasked facts are taken back (the statute reads them where given)
                    derived = {other: facts[other] for other in joint
                               if other != name and case.facts.get(other) is None and facts.get(other) is not None}
                    unasked = _unasked(ruleset, case, name, facts, shown) if shown else frozenset()
                    if derived or unasked:
                        answered, anyway, by_class = _reachable(name, [
                            complete(_without(leaf, unasked, decide)) if unasked.intersection(leaf[0]) else done
                            for leaf, done in zip(leaves, completions, strict=True)
                            if all(leaf[0].get(other, known) == known for other, known in derived.items())])
                reachable = frozenset(answered.get(value, _NONE) | anyway
                                      | by_class.get(_class(name, value) if by_class else None, _NONE))
            narrowed.add(reachable)
            possible.update(result[0] for result in reachable)
            options.append(_option(ruleset, name, value, outcome, fine, reachable))
        if len(narrowed) < 2:
            continue  # every answer leaves the same results within reach: not worth asking
        spec = ruleset.schema[name]
        key_q = (id(ruleset), name, len(narrowed), *map(id, options))
        kept_q = _QUESTIONS.get(key_q)
        if kept_q is None or kept_q[0] is not ruleset or kept_q[1] != options:
            if len(_QUESTIONS) > 4096:
                _QUESTIONS.clear()
            kept_q = _QUESTIONS[key_q] = (ruleset, options, build(
                Question, fact=name, zh=spec.zh, en=spec.en or name, options=options, narrows=len(narrowed)))
        questions.append(kept_q[2])
    questions.sort(key=lambda q: (-q.narrows, q.fact))
    ranked = _ranked(possible)
    if key is not None and not memo.paused():
        if len(_ASKED) > 4096:
            _ASKED.clear()
        _ASKED[key] = (ruleset, questions, ranked)
    return list(questions), list(ranked)


_ASKED: dict[tuple[Any, ...], tuple[CompiledRuleset, list[Question], list[Outcome]]] = {}
"""Questions and possible outcomes when only art. 33(1)'s own facts are asked (no evaluation): they
depend on the ruleset, the case's result, the candidates and what art. 33(1) reads (frozen parts).
Part of the memo: cleared with it, unused while it is off (``memo.clears_with``)."""
memo.clears_with(_ASKED.clear)
_ART33_READS = ("minor_violation", "first_violation", "timely_corrected", "corrected", "harm")


def _reachable(name: str, completions: list[tuple[dict[str, Any], dict[str, Any], Completion]]
               ) -> tuple[dict[Any, set[Result]], set[Result], dict[Any, set[Result]]]:
    """Where each answer to a fact leads, in one pass over the branches: the results of those that
    came to the fact (or derived it from another answer: a correction whether it was in time), by
    answer; of those decided before they came to it (they hold whatever the answer); and of those
    where art. 33(1) reads it, by what it tells apart in the answer."""
    answered: dict[Any, set[Result]] = {}
    anyway: set[Result] = set()
    by_class: dict[Any, set[Result]] = {}
    read = _ALIAS.get(name, (name,))[0]  # the fact art. 33(1) reads through this one
    for answers, facts, (entries, results, named) in completions:
        value = answers.get(name, _MISSING)
        if value is _MISSING and facts.get(name) is not None:
            value = facts[name]
        if value is not _MISSING:
            answered.setdefault(value, set()).update(results)
        elif read in named:
            for classes, result in entries:
                by_class.setdefault(classes[read], set()).add(result)
        else:
            anyway.update(results)
    return answered, anyway, by_class


_MISSING = object()
_NONE: frozenset[Result] = frozenset()
_OPTIONS_OUT: dict[tuple[Any, ...], tuple[CompiledRuleset, AnswerOption]] = {}
_QUESTIONS: dict[tuple[Any, ...], tuple[CompiledRuleset, list[AnswerOption], Question]] = {}
memo.clears_with(_OPTIONS_OUT.clear)
memo.clears_with(_QUESTIONS.clear)


def _option(ruleset: CompiledRuleset, name: str, value: Any, outcome: Outcome, fine: FineRange | None,
            reachable: frozenset[Result]) -> AnswerOption:
    """An answer and where it leads, one frozen object per ruleset, fact, answer and results (they
    recur from case to case; questions hold them, read only)."""
    key = (id(ruleset), name, type(value), value, outcome, None if fine is None else (fine.min, fine.max), reachable)
    kept = _OPTIONS_OUT.get(key)
    if kept is None or kept[0] is not ruleset:
        if len(_OPTIONS_OUT) > 16384:
            _OPTIONS_OUT.clear()
        kept = _OPTIONS_OUT[key] = (ruleset, build(
            AnswerOption, value=to_json_value(value), zh=_label(ruleset, name, value), outcome=outcome, fine=fine,
            possible_outcomes=_ranked((outcome, *(r[0] for r in reachable)))))
    return kept[1]


Leaf = tuple[dict[str, Any], Result, dict[str, Any], bool]
"""A branch explored to its end: its answers, its result, the case's facts completed with them, and
whether a rule still reads a fact left unknown (the last fact reached before it was decided)."""


def _explore(ruleset: CompiledRuleset, names: list[str],
             decide: Callable[[dict[str, Any]], tuple[Answer, dict[str, Any]]], root: Leaf,
             statute: list[str]) -> list[Leaf] | None:
    """Every branch of answers to the facts in turn, each as far as it takes to be decided (or to the
    last fact): its answers, its result and its facts; the case itself when there is nothing to
    explore. None when that takes more than ``MAX_EXPLORED`` decisions.

    A branch is decided when no rule reads a fact left unknown and no open statutory ground that could
    give a more lenient outcome waits for one of the ``statute``'s facts still to come (art. 30's age)."""
    if not names:
        return [root]
    leaves: list[Leaf] = []
    pending: list[dict[str, Any]] = [{}]  # depth first, in the order the facts were found
    spent = 0
    while pending:
        answers = pending.pop()
        name = names[len(answers)]
        for value in reversed(_options(ruleset, name)):
            spent += 1
            if spent > MAX_EXPLORED:
                return None
            branch = {**answers, name: value}
            (outcome, fine, undecided), facts = decide(branch)
            later = [later for later in names[len(branch):] if later in statute] if statute else []
            if len(branch) < len(names) and (undecided or (later and _waits(outcome, facts, later,
                                                                             ruleset.special_limitation))):
                pending.append(branch)
            else:
                leaves.append((branch, _result(outcome, fine), facts, undecided))
    return leaves


def _waits(outcome: Outcome, facts: dict[str, Any], later: list[str], special: law.Special = None) -> bool:
    """Whether a statutory ground that could give a more lenient outcome may yet hold on one of the
    facts still to come that a branch's completion does not answer: art. 30's age, art. 31's, 32's
    and 33(2)'s circumstances where a rule asks them, art. 33(1)'s facts that ``_eligible`` leaves out,
    art. 36's five years' facts (under the ruleset's ``special`` period, if any).
    (A rule decided without such a fact leaves the statute to read it: its answer may still count, for
    this case, which asks it; an answer to another question whose case no longer asks it takes it
    back: ``_unasked``.)"""
    if outcome is Outcome.no_penalty:
        return False  # nothing outranks it
    holds: dict[str, bool | None] | None = None
    for rule, reads in law.READS.items():
        ground = law.GROUNDS[rule]
        if ground.outcome.rank >= outcome.rank or not any(
                name in later and facts.get(name) is None for name in reads):
            continue
        if holds is None:
            holds = {g.rule: h for g, h, _ in (*law.exemption(facts, special), *law.mandatory_leniency(facts))}
        held = holds[rule]  # undecided, or not shown yet
        if not held and (not ground.asks or (held is None and law.open_facts(ground, facts, later, special))):
            return True
    return False


_STATUTE_READS = frozenset(name for reads in law.READS.values() for name in reads)
_SHOWN = frozenset(name for rule, reads in law.READS.items() if not law.GROUNDS[rule].asks for name in reads)
"""The facts of the grounds that hold only on circumstances the case shows (art. 31, 32, 33(2)): asked
only where a rule reads them."""


def _unasked(ruleset: CompiledRuleset, case: ValidCase, name: str, facts: dict[str, Any],
             shown: list[str]) -> frozenset[str]:
    """Of the ``shown`` facts (art. 31's, 32's and 33(2)'s that a rule reads in the case), those that the
    case answered with ``name`` (its completed ``facts``) no longer asks: no rule left undecided reads
    them there. The statute reads an answer to them wherever one is given, so the branches explored
    for the case itself (which asks them) answer them; the answer to ``name`` must not: its case does
    not ask them, and art. 31, 32 and 33(2) do not hold on a fact it does not show."""
    rest = [other for other in shown if other != name]
    if not rest:
        return frozenset()
    reads = _rule_reads(ruleset, case.violation, facts)
    return frozenset(other for other in rest if other not in reads)


def _rule_reads(ruleset: CompiledRuleset, violation_id: str, facts: dict[str, Any]) -> frozenset[str]:
    """The unknown facts the rules left undecided read, as ``_candidates`` finds them in a trace."""
    from .evaluate import match_native
    from .pipeline import Evaluation  # the pipeline composes recommendations; it does not ask questions

    violation = ruleset.violations[violation_id]
    valid = ValidCase("", violation_id, facts, frozenset(facts))
    return Evaluation(ruleset, violation, valid, match_native(violation, facts)).unknown_reads(_ASKED_KINDS)


def _without(leaf: Leaf, unasked: frozenset[str],
             decide: Callable[[dict[str, Any]], tuple[Answer, dict[str, Any]]]) -> Leaf:
    """A branch with the answers to ``unasked`` facts taken back: decided on the others alone."""
    answers = {name: value for name, value in leaf[0].items() if name not in unasked}
    (outcome, fine, undecided), facts = decide(answers)
    return answers, _result(outcome, fine), facts, undecided


# -- art. 33(1)'s own facts, answered without evaluating (see the module's docstring) -------------------------
_FREE = ("minor_violation", "first_violation", "corrected", "harm")
_CLASS: dict[str, Callable[[Any], Any]] = {
    "minor_violation": bool, "first_violation": bool, "corrected": lambda value: value in TIMELY,
    "harm": lambda value: value if value in law.MINOR_HARM else "moderate",
}
"""What art. 33(1) tells apart in each such fact's values: a correction in time or not; harm none,
minor, or more."""
_CLASSES: dict[str, tuple[Any, ...]] = {"minor_violation": (True, False), "first_violation": (True, False),
                                        "corrected": (True, False), "harm": ("none", "minor", "moderate")}
_ALIAS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "timely_corrected": ("corrected", bool), "prior_violation_count": ("first_violation", lambda count: count == 0)}
"""Facts a ruleset may read that art. 33(1) reads through another: what each answer tells it."""


def _class(name: str, value: Any) -> Any:
    """What art. 33(1) tells apart in an answer to a fact it reads, directly or through another."""
    alias = _ALIAS.get(name)
    return alias[1](value) if alias is not None else _CLASS[name](value)


_SOURCES = {"corrected": ("corrected", "timely_corrected"),
            "first_violation": ("first_violation", "prior_violation_count", "prior_violations")}


def _eligible(facts: dict[str, Any], special: law.Special = None) -> tuple[str, ...]:
    """Art. 33(1)'s facts that only art. 33(1) reads wherever no rule left undecided reads them: all
    four, but harm where it decides art. 36's period (its five years need harm; a law's ``special``
    period needs none). Answering one then changes no rule and no other ground, so where its answers
    lead is worked out from art. 33(1) itself, without an evaluation (``_completion``). (A ruleset's
    fact that implies one is a fact of its own: answered or not, the branch's completed facts say what
    follows.)"""
    bars = None if special is not None else law.time_bars(facts)
    if bars is not None and bars[0] != bars[1]:
        return tuple(name for name in _FREE if name != "harm")
    return _FREE


def _completable(facts: dict[str, Any], eligible: tuple[str, ...]) -> tuple[str, ...]:
    """The ``eligible`` facts still unknown (a correction: nor whether it was in time). The caller
    leaves out those an undecided rule reads."""
    return tuple(name for name in eligible if facts.get(name) is None and not (
        name == "corrected" and facts.get("timely_corrected") is not None))


Completion = tuple[list[tuple[dict[str, Any], Result]], frozenset[Result], tuple[str, ...]]
"""A leaf's results for each way of answering its free facts (by what art. 33(1) tells apart), all
its results, and the free facts it answers."""


def _completion(result: Result, facts: dict[str, Any], free: Iterable[str]) -> Completion:
    """The results a branch reaches as its free facts are answered (remembered by what it reads)."""
    names = tuple(free)
    key = (result, names, *(facts.get(name) for name in _ART33_READS))
    got = _COMPLETIONS.get(key)
    if got is None:
        if len(_COMPLETIONS) > 4096:
            _COMPLETIONS.clear()
        got = _COMPLETIONS[key] = _completion_afresh(result, facts, names)
    return got


_COMPLETIONS: dict[tuple[Any, ...], Completion] = {}
memo.clears_with(_COMPLETIONS.clear)


def _alone(result: Result) -> Completion:
    """The completion of a branch with no free fact left: its own result."""
    got = _ALONE.get(result)
    if got is None:
        if len(_ALONE) > 4096:
            _ALONE.clear()
        got = _ALONE[result] = ([({}, result)], frozenset({result}), ())
    return got


_ALONE: dict[Result, Completion] = {}
memo.clears_with(_ALONE.clear)


def _completion_afresh(result: Result, facts: dict[str, Any], free: Iterable[str]) -> Completion:
    """The results a branch reaches as its free facts (``_completable``) are answered: its own, or no
    penalty where art. 33(1) then holds (nothing outranks it). A ground left undecided by a fact that
    is not free does not hold."""
    if result[0] is Outcome.no_penalty:
        return [({}, result)], frozenset({result}), ()
    unknown = _completable(facts, tuple(free))  # this branch's own facts: derived ones may now be known
    known = {"minor_violation": facts.get("minor_violation"), "first_violation": facts.get("first_violation"),
             "corrected": facts.get("timely_corrected"), "harm": facts.get("harm")}
    if known["harm"] is not None:
        known["harm"] = _CLASS["harm"](known["harm"])
    out: list[tuple[dict[str, Any], Result]] = []
    for values in itertools.product(*(_CLASSES[name] for name in unknown)):
        classes = dict(zip(unknown, values, strict=True))
        case = {**known, **classes}
        out.append((classes, _NO_PENALTY if _art33_1(case) else result))
    return out, frozenset(result for _, result in out), tuple(unknown)


_NO_PENALTY: Result = (Outcome.no_penalty, None)


def _answered(facts: dict[str, Any], name: str, value: Any) -> dict[str, Any]:
    """The facts with one free fact answered (a correction with whether it was in time)."""
    if name == "corrected":
        return {**facts, name: value, "timely_corrected": value in TIMELY}
    return {**facts, name: value}


def _art33_1(case: dict[str, Any]) -> bool:
    """Whether art. 33(1) holds on a branch's classes (``law.art33_1``; an undecided ground does not)."""
    return True in law.art33_1(case["minor_violation"], case["first_violation"], case["corrected"], case["harm"])


def _result(outcome: Outcome, fine: FineRange | None) -> Result:
    return outcome, None if fine is None else (fine.min, fine.max)


def _ranked(outcomes: Iterable[Outcome]) -> list[Outcome]:
    return sorted(set(outcomes), key=lambda o: o.rank)
