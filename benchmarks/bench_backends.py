"""Benchmark: the native and durable backends on the same generated cases, and raw durable_rules.

Not a test (pytest does not collect bench_*.py): numbers depend on the machine. Run

    .venv/bin/python benchmarks/bench_backends.py [--cases 3000] [--seed 1]

and paste the Markdown table into the README's performance section. Rows:

* ``evaluate``: the whole pipeline (validation, matching, decision, Recommendation) per backend;
* ``match``: the matching step alone (``match_native`` versus the durable adapter);
* ``raw durable_rules``: the same durable rules on a host of their own, posting the same prebuilt
  messages with no-op actions and deleting each session: what the engine costs without the adapter.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import discretion
from discretion import rete
from discretion.backends import matcher_for
from discretion.case import validate_case
from discretion.compile import CompiledRuleset
from discretion.evaluate import match_native
from discretion.loading import find_ruleset_files
from discretion.models.facts import FactKind, FactSpec

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu

ROOT = Path(__file__).resolve().parent.parent


def _value(spec: FactSpec, rng: random.Random) -> Any:
    kind = spec.type
    if kind is FactKind.bool:
        return rng.random() < 0.5
    if kind is FactKind.enum:
        return rng.choice(spec.codes)
    if kind in (FactKind.integer, FactKind.days):
        low = int(spec.min) if spec.min is not None else 0
        high = int(spec.max) if spec.max is not None else 1000
        return rng.randint(low, high)
    if kind is FactKind.money:
        return Decimal(rng.randint(0, 10_000_000)) / 100
    if kind is FactKind.date:
        return date(2020, 1, 1) + timedelta(days=rng.randint(0, 2000))
    return None


def generate(rulesets: list[CompiledRuleset], count: int, seed: int) -> list[tuple[CompiledRuleset, dict[str, Any]]]:
    """Cases over the facts each violation's conditions read, about a fifth of them left unknown."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        ruleset = rng.choice(rulesets)
        vid = rng.choice(sorted(ruleset.violations))
        read = sorted({f for _, c in ruleset.violations[vid].keyed_conditions for f in c.compiled.facts})
        facts = {}
        for name in read:
            value = _value(ruleset.schema[name], rng)
            if value is not None and rng.random() > 0.2:
                facts[name] = value
        cases.append((ruleset, {"violation": vid, "facts": facts}))
    return cases


def _time(calls: list[Callable[[], Any]]) -> list[float]:
    out = []
    for call in calls:
        start = time.perf_counter_ns()
        call()
        out.append((time.perf_counter_ns() - start) / 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rulesets = [discretion.load_ruleset(p) for p in find_ruleset_files(ROOT / "rulesets")]
    cases = generate(rulesets, args.cases, args.seed)
    valid = [(rs, rs.violations[c["violation"]], validate_case(rs, c)) for rs, c in cases]
    for rs, _, _ in valid:  # translate and register outside the timings
        matcher_for("durable", rs)

    raw_host = rete._OwnHost()
    raw_names: set[str] = set()
    raw_calls = []
    for index, (rs, violation, case) in enumerate(valid):
        translation = matcher_for("durable", rs).translations[violation.id]
        if not translation.keys:
            continue
        name = translation.name
        if name not in raw_names:
            rules = {rule: {**body, "run": lambda c: None} for rule, body in translation.rules.items()}
            raw_host.register_rulesets({"raw_" + name: rules})
            raw_names.add(name)
        message = {**rete.message(translation, case.facts), "sid": f"raw{index}"}

        def post(name: str = name, message: dict[str, Any] = message) -> None:
            raw_host.assert_fact("raw_" + name, dict(message))
            raw_host.delete_state("raw_" + name, message["sid"])

        raw_calls.append(post)

    def evaluate(backend: str) -> list[Callable[[], Any]]:
        return [lambda rs=rs, c=c: discretion.evaluate(rs, c, backend=backend) for rs, c in cases]

    def match(backend: str) -> list[Callable[[], Any]]:
        chosen = [match_native if backend == "native" else matcher_for("durable", rs) for rs, _, _ in valid]
        return [lambda m=m, v=v, f=case.facts: m(v, f) for m, (_, v, case) in zip(chosen, valid, strict=True)]

    for warm in (evaluate("native")[:200], evaluate("durable")[:200]):
        _time(warm)
    rows = [
        ("evaluate, native", _time(evaluate("native"))),
        ("evaluate, durable", _time(evaluate("durable"))),
        ("match, native", _time(match("native"))),
        ("match, durable (adapter)", _time(match("durable"))),
        ("raw durable_rules, same rules", _time(raw_calls)),
    ]
    conditions = sum(len(v.keyed_conditions) for _, v, _ in valid) / len(valid)
    print(f"Machine: {cpu()}, {os.cpu_count()} cores, Python {platform.python_version()} "
          f"({platform.python_implementation()}), {platform.system()} {platform.release()}")
    print(f"{len(cases)} cases over {len(rulesets)} bundled rulesets (seed {args.seed}), "
          f"{conditions:.1f} conditions per violation on average; raw rows exclude violations without "
          f"conditions ({len(raw_calls)} posts)\n")
    print("| what | median µs per evaluation | evaluations per second | × native |")
    print("|---|---:|---:|---:|")
    medians = {label: statistics.median(times) for label, times in rows}
    for label, times in rows:
        base = medians["match, native"] if label.startswith(("match", "raw")) else medians["evaluate, native"]
        rate = len(times) / (sum(times) / 1e6)
        print(f"| {label} | {medians[label]:.1f} | {rate:,.0f} | {medians[label] / base:.1f} |")
    adapter, raw = medians["match, durable (adapter)"], medians["raw durable_rules, same rules"]
    print(f"\ndurable backend (adapter) vs raw durable_rules: {adapter / raw:.2f}× the median time per match")


if __name__ == "__main__":
    main()
