"""One compiled ruleset serves many threads and processes with results identical to serial evaluation.

Evaluation is meant to be pure and stateless; these tests hold it to that, and check that a loaded
ruleset cannot be changed behind the callers' backs (frozen models, read-only mappings).
"""

from __future__ import annotations

import dataclasses
import json
import random
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from functools import cache
from typing import Any

import pydantic
import pytest

import discretion
from discretion.compile import CompiledRuleset

from .conftest import TAX

THREADS = 8
CASES_PER_WORKER = 20


@cache
def _ruleset() -> CompiledRuleset:
    return discretion.load_ruleset(TAX)


def _cases(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Varied cases over every violation and the facts that decide: deterministic for a seed."""
    ruleset = _ruleset()
    rng = random.Random(seed)
    violations = sorted(ruleset.violations)
    out = []
    for index in range(count):
        facts: dict[str, Any] = {}
        for name, spec in sorted(ruleset.schema.items()):
            if rng.random() < 0.5:
                continue
            kind = spec.type.value
            if kind == "bool":
                facts[name] = rng.random() < 0.5
            elif kind == "enum":
                facts[name] = rng.choice(list(spec.codes))
            elif kind == "money":
                facts[name] = f"{rng.randint(0, 200_000)}.{rng.randint(0, 99):02d}"
            elif kind in ("integer", "days"):
                facts[name] = rng.randint(int(spec.min or 0), int(spec.max or 90))
            elif kind == "date":
                facts[name] = (date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat()
        if "act_date" in facts:  # an act is not discovered, nor does it end, before it began
            facts["act_date"] = min(facts.get(n, facts["act_date"]) for n in ("act_date", "act_end_date",
                                                                              "discovery_date"))
        out.append({"id": f"case-{index}", "violation": rng.choice(violations), "facts": facts})
    return out


def _evaluate_json(case: dict[str, Any]) -> str:
    """In a worker: evaluate with the ruleset loaded there; JSON so results compare across processes."""
    return discretion.evaluate(_ruleset(), case).model_dump_json()


def _serial(cases: list[dict[str, Any]]) -> list[str]:
    return [_evaluate_json(case) for case in cases]


def test_eight_threads_give_the_serial_results() -> None:
    cases = _cases(THREADS * CASES_PER_WORKER)
    expected = _serial(cases)
    ruleset = _ruleset()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        # every thread works through all the cases, in a different order, on the same compiled object
        def run(offset: int) -> list[str]:
            order = cases[offset:] + cases[:offset]
            results = [discretion.evaluate(ruleset, case).model_dump_json() for case in order]
            return results[len(cases) - offset:] + results[:len(cases) - offset]

        outputs = list(pool.map(run, [i * CASES_PER_WORKER for i in range(THREADS)]))
    for output in outputs:
        assert output == expected
    assert len({json.loads(r)["outcome"] for r in expected}) > 1  # the cases really differ


def test_durable_backend_in_threads_matches_native() -> None:
    pytest.importorskip("durable")
    cases = _cases(24, seed=3)
    expected = _serial(cases)
    ruleset = _ruleset()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        got = list(pool.map(lambda c: discretion.evaluate(ruleset, c, backend="durable").model_dump_json(), cases))
    assert [json.loads(g)["outcome"] for g in got] == [json.loads(e)["outcome"] for e in expected]


def test_a_process_pool_gives_the_serial_results() -> None:
    cases = _cases(60, seed=11)
    expected = _serial(cases)
    with ProcessPoolExecutor(max_workers=2) as pool:
        got = list(pool.map(_evaluate_json, cases, chunksize=10))
    assert got == expected


def test_a_compiled_ruleset_can_be_pickled_to_workers() -> None:
    """Workers may also receive the compiled ruleset itself; the result is the same."""
    import pickle

    ruleset = _ruleset()
    copy = pickle.loads(pickle.dumps(ruleset))  # data travels and is recompiled; closures do not
    assert copy.sha256 == ruleset.sha256 and copy.model == ruleset.model
    for case in _cases(20, seed=5):
        assert discretion.evaluate(copy, case) == discretion.evaluate(ruleset, case)


def test_loaded_rulesets_are_immutable() -> None:
    ruleset = _ruleset()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ruleset.sha256 = "0" * 64  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        ruleset.model.version = "9"  # type: ignore[misc]
    violation = next(iter(ruleset.model.violations.values()))
    with pytest.raises(pydantic.ValidationError):
        violation.title = violation.title  # type: ignore[misc]
    with pytest.raises(TypeError):
        ruleset.schema["harm"] = ruleset.schema["harm"]  # type: ignore[index]
    with pytest.raises(TypeError):
        del ruleset.violations["late-filing"]  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        ruleset.measure_labels["x"] = ruleset.measure_labels["order_correction"]  # type: ignore[index]
    compiled = ruleset.violations["late-filing"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        compiled.tiers = ()  # type: ignore[misc]
    assert isinstance(compiled.tiers, tuple) and isinstance(ruleset.model.list_items, tuple)


def test_evaluation_leaves_the_ruleset_and_the_case_unchanged() -> None:
    ruleset = _ruleset()
    before = ruleset.model.model_dump_json()
    case = _cases(1, seed=5)[0]
    frozen_case = json.dumps(case, sort_keys=True)
    first = discretion.evaluate(ruleset, case)
    assert json.dumps(case, sort_keys=True) == frozen_case
    assert ruleset.model.model_dump_json() == before
    assert discretion.evaluate(ruleset, case) == first
