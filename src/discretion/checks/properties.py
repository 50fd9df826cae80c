"""Ready properties that any ruleset must satisfy, checked with hypothesis on generated cases.

Each property is a function ``(ruleset, case) -> None`` that raises PropertyFailure with the case as a
ready-to-paste ``*.cases.yaml`` entry; ``run_property`` drives it with hypothesis so the failing case is
shrunk first. Facts declare their ``direction``, which is what makes monotonicity checkable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .. import law
from ..case import validate_case
from ..compile import CompiledRuleset
from ..errors import DiscretionError
from ..evaluate import evaluate, evaluate_valid, match_native
from ..models.facts import Direction, FactKind
from ..models.outcome import Recommendation, to_json_value
from ..models.vocabulary import Outcome
from ..money import statutory_range
from ..standard_facts import DERIVED_FACTS
from . import PROPERTY_NAMES
from .strategies import bounds, cases, thresholds

__all__ = ["PROPERTIES", "PropertyFailure", "as_yaml_case", "run_property"]

Property = Callable[[CompiledRuleset, dict[str, Any]], None]


class PropertyFailure(AssertionError):
    """A property does not hold; the message carries the case as YAML to paste into a case file."""


def as_yaml_case(case: Mapping[str, Any], rec: Recommendation | None, why: str) -> str:
    entry: dict[str, Any] = {"name": f"counterexample: {why}", "violation": case.get("violation"),
                             "facts": to_json_value(dict(case.get("facts", {})))}
    if rec is not None:
        entry["expect"] = {"outcome": rec.outcome.value,
                           "fine": None if rec.fine is None else {"min": str(rec.fine.min), "max": str(rec.fine.max)}}
    text = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, default_flow_style=None)
    return "# paste into cases/<name>.cases.yaml under 'cases:' and set the expected outcome\n" + text


def _fail(case: dict[str, Any], rec: Recommendation | None, why: str) -> PropertyFailure:
    return PropertyFailure(f"{why}\n{as_yaml_case(case, rec, why)}")


def _run(ruleset: CompiledRuleset, case: dict[str, Any]) -> Recommendation:
    try:
        return evaluate(ruleset, case)
    except DiscretionError as exc:
        raise _fail(case, None, f"a generated valid case raised {exc.code}: {exc}") from None


def _decide(ruleset: CompiledRuleset, case: dict[str, Any]) -> Recommendation:
    """``_run`` without the questions for unknown facts: they never change the outcome or the fine, and
    working them out is most of the time of a sweep over many variants of a sparse case."""
    try:
        return evaluate_valid(ruleset, validate_case(ruleset, case), match_native)
    except DiscretionError as exc:
        raise _fail(case, None, f"a generated valid case raised {exc.code}: {exc}") from None


def total_and_deterministic(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """Every valid case gets exactly one recommendation, the same every time."""
    first, second = _run(ruleset, case), _run(ruleset, case)
    if first != second:
        raise _fail(case, first, "two evaluations of the same case differ")


def json_round_trip(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """The JSON form of a recommendation reads back to the same recommendation."""
    rec = _run(ruleset, case)
    if Recommendation.model_validate_json(rec.model_dump_json()) != rec:
        raise _fail(case, rec, "the JSON round trip changed the recommendation")


def exempt_never_fined(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """No penalty means no fine and no penalty types, and education is among the measures."""
    rec = _run(ruleset, case)
    if rec.outcome is Outcome.no_penalty and (rec.fine is not None or rec.penalties):
        raise _fail(case, rec, "an exempt case carries a fine or a penalty")
    if rec.outcome is Outcome.no_penalty and not rec.has_flag("education_required"):
        raise _fail(case, rec, "an exempt case lacks the duty to educate (art. 33 para. 3)")


def statutory_bounds(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """A fine is never negative and stays in its statutory band, below the minimum only for 减轻."""
    rec = _run(ruleset, case)
    if rec.fine is None:
        return
    if rec.fine.min < 0 or rec.fine.min > rec.fine.max:
        raise _fail(case, rec, f"fine range {rec.fine.min}–{rec.fine.max} is negative or inverted")
    violation = ruleset.violations[rec.violation.code]
    band = next((b for b in violation.bands if b.model.id == rec.band), None)
    if band is None or band.model.fine is None:
        return
    facts = {k: v for k, v in _typed_facts(ruleset, rec).items()}
    bounds = statutory_range(band.model.fine, facts)
    if not isinstance(bounds, tuple):
        return
    low, high = bounds
    cent = Decimal("0.01")
    if rec.fine.max > high + cent:
        raise _fail(case, rec, f"fine maximum {rec.fine.max} is above the statutory maximum {high}")
    if rec.outcome is not Outcome.mitigated and rec.fine.min < low - cent:
        raise _fail(case, rec, f"fine minimum {rec.fine.min} is below the statutory minimum {low} without 减轻")


def _typed_facts(ruleset: CompiledRuleset, rec: Recommendation) -> dict[str, Any]:
    from ..fact_values import coerce

    out: dict[str, Any] = {}
    for name, value in rec.facts.items():
        spec = ruleset.schema.get(name)
        if spec is not None and value is not None:
            out[name] = coerce(spec, value)
    return out


def _result(rec: Recommendation) -> str:
    return f"{rec.outcome.value} " + ("(no fine)" if rec.fine is None else f"{rec.fine.min}–{rec.fine.max}")


def _severity(rec: Recommendation) -> tuple[int, int, Decimal, Decimal]:
    """Outcome, then how many penalties besides the fine (a revocation weighs more than any fine), then the fine."""
    others = sum(1 for p in rec.penalties if p.type.value != "fine" and not p.optional)
    if rec.fine is None:
        return rec.outcome.rank, others, Decimal(-1), Decimal(-1)
    return rec.outcome.rank, others, rec.fine.max, rec.fine.min


def _ladder(ruleset: CompiledRuleset, name: str, value: Any, edges: set[Any]) -> list[Any]:
    """The values of a fact in its own order of growth, which a sweep compares with one another.

    Bools and enums give all their values; numbers give those around every threshold a condition
    compares them with, and the case's own value with the one just above it.
    """
    spec = ruleset.schema[name]
    if spec.type is FactKind.bool:
        return [False, True]
    if spec.type is FactKind.enum:
        return list(spec.codes)
    if spec.type in (FactKind.integer, FactKind.days, FactKind.money, FactKind.number):
        counts = spec.type in (FactKind.integer, FactKind.days)
        step = Decimal(1) if counts else Decimal("0.01")
        low, high = bounds(spec)  # the strategies' range: below 0 is no valid amount when no minimum is declared
        points = {p for v in edges for p in (Decimal(str(v)) - step, Decimal(str(v)), Decimal(str(v)) + step)
                  if low <= p <= high}
        if value is not None:  # the case's own value, and the one above it unless past the declared maximum
            given = Decimal(str(value))
            points |= {p for p in (given, given + step) if spec.max is None or p <= spec.max}
        return [int(p) if counts else str(p) for p in sorted(points)]
    return []


def _swept(ruleset: CompiledRuleset, case: dict[str, Any]) -> list[str]:
    """The facts with a direction to sweep: all a generated case may hold, present or not.

    An absent fact counts too: a sparse case that leaves ``serious_circumstances`` out must still show
    that setting it never lowers the fine. Derived facts only when given (the library derives them).
    """
    waived = {w.subject for w in ruleset.model.waivers if w.check == "monotone"}
    given = case["facts"]
    return [name for name, spec in sorted(ruleset.schema.items())
            if spec.direction is not Direction.neutral and name not in waived
            and (name in given or name not in DERIVED_FACTS)]


def monotone(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """An added aggravating circumstance never lowers the result; an added mitigating one never raises it.

    Each directional fact is swept through its values in order (false, true; the enum's values; numbers
    across their thresholds) with the case's other facts held, whether the case gave it or not, and
    every value is compared with every lower one: a pair that cannot be compared (an unknown fact, a
    gap between tiers) must not hide an inversion between the values on either side of it.
    """
    edges = thresholds(ruleset)
    for name in _swept(ruleset, case):
        direction = ruleset.schema[name].direction
        lower: list[tuple[Any, Recommendation]] = []
        for value in _ladder(ruleset, name, case["facts"].get(name), edges.get(name, set())):
            changed = {**case, "facts": {**case["facts"], name: value}}
            rec = _decide(ruleset, changed)
            for before in reversed(lower):  # the nearest lower value first: the step that breaks
                _compare(name, direction, before, (value, rec), changed)
            lower.append((value, rec))


def _compare(name: str, direction: Direction, lower: tuple[Any, Recommendation], higher: tuple[Any, Recommendation],
             changed: dict[str, Any]) -> None:
    (low, base), (high, rec) = lower, higher
    undecided = (rec.fine is None or base.fine is None) and (
        rec.has_flag("facts_unknown") or base.has_flag("facts_unknown"))
    if undecided:
        return  # a range that an unknown fact left open is not comparable
    if rec.band == base.band and (rec.has_flag("no_tier_matched") or base.has_flag("no_tier_matched")):
        return  # a gap between tiers leaves the band's whole range, no level to order: tier-gap reports it
    worse, better = _severity(rec), _severity(base)
    if direction is Direction.aggravating and worse < better:
        raise _fail(changed, rec, f"raising aggravating fact '{name}' ({low!r} → {high!r}) lowered "
                    f"{_result(base)} to {_result(rec)}")
    if direction is Direction.mitigating and worse > better:
        raise _fail(changed, rec, f"raising mitigating fact '{name}' ({low!r} → {high!r}) raised "
                    f"{_result(base)} to {_result(rec)}")


def statute_not_overridden(ruleset: CompiledRuleset, case: dict[str, Any]) -> None:
    """The statutory layer wins over any ruleset (art. 30, 31, 33, 36), and arguing never costs (art. 45)."""
    rec = _run(ruleset, case)
    typed = _typed_facts(ruleset, rec)
    for ground, holds, _ in law.exemption(typed, ruleset.special_limitation):
        if holds and ground.modality.value == "shall" and not (
                rec.outcome is Outcome.no_penalty and rec.mandatory):
            raise _fail(case, rec, f"statutory ground {ground.rule} holds but the result is "
                        f"{rec.outcome.value} (mandatory={rec.mandatory})")
    shall_lenient = [g for g, h, _ in law.mandatory_leniency(typed) if h and g.modality.value == "shall"]
    if shall_lenient and rec.outcome.rank > Outcome.lighter.rank:
        raise _fail(case, rec, f"{shall_lenient[0].rule} requires a lighter or mitigated penalty, got "
                    f"{rec.outcome.value}")
    argued = {**case, "facts": {**case["facts"], "party_argued": True}}
    if _severity(_run(ruleset, argued)) > _severity(rec):
        raise _fail(argued, rec, "the party's statement and defence made the penalty heavier (art. 45)")


PROPERTIES: dict[str, Property] = {
    "total_and_deterministic": total_and_deterministic,
    "json_round_trip": json_round_trip,
    "exempt_never_fined": exempt_never_fined,
    "statutory_bounds": statutory_bounds,
    "monotone": monotone,
    "statute_not_overridden": statute_not_overridden,
}


assert tuple(PROPERTIES) == PROPERTY_NAMES, "checks.PROPERTY_NAMES lists the properties in order"


# No "explain" phase: it traces every line run while it replays a failure, which made a failing sweep
# ten times slower, and a property's own message already says what went wrong.
_PHASES = (Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink)


def run_property(name: str, ruleset: CompiledRuleset, *, max_examples: int = 100, seed: int | None = None,
                 derandomize: bool = True) -> None:
    """Check one property on generated cases; raise PropertyFailure with the shrunk case as YAML.

    Each violation is first tried with no facts given, whatever the budget: generated cases pick
    violations at random, and a small budget may otherwise never reach the one that is wrong.
    """
    prop = PROPERTIES[name]
    if any(w.check == name and w.subject is None for w in ruleset.model.waivers):
        return  # waived as a whole: the static checks report the waiver and its reason
    for vid in sorted(ruleset.violations):
        prop(ruleset, {"violation": vid, "facts": {}})

    @settings(max_examples=max_examples, deadline=None, derandomize=derandomize and seed is None, phases=_PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], database=None)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        case = data.draw(cases(ruleset), label="case")
        prop(ruleset, case)

    if seed is not None:
        from hypothesis import seed as fix_seed

        check = fix_seed(seed)(check)
    check()
