"""Benchmark: what the garbage collector costs a stream of new cases, generation by generation.

Not collected by pytest, and not part of ``benchmarks/run``. Evaluates ``--warm`` distinct cases of
the tax ruleset, then times ``--cases`` more (new ones) and, with ``gc.callbacks``, each collection
during them; prints µs per case in all and in collections of each generation, and the objects the
collector tracks at the end. Run it with ``--off`` to compare with the collector disabled.

    taskset -c 0 .venv/bin/python benchmarks/bench_collections.py [--cases 9000] [--warm 3000] [--off]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine
from bench_backends import generate

import discretion


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=9000)
    parser.add_argument("--warm", type=int, default=3000)
    parser.add_argument("--off", action="store_true", help="disable the collector while the cases are timed")
    args = parser.parse_args()
    ruleset = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    for rs, case in generate([ruleset], args.warm, 5):
        discretion.evaluate(rs, case)
    cases = generate([ruleset], args.cases, 11)
    spent: Counter[int] = Counter()
    counted: Counter[int] = Counter()
    began = [0.0]

    def timed(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            spent[info["generation"]] += time.perf_counter() - began[0]
            counted[info["generation"]] += 1

    gc.callbacks.append(timed)
    if args.off:
        gc.disable()
    start = time.perf_counter()
    for rs, case in cases:
        discretion.evaluate(rs, case)
    total = time.perf_counter() - start
    gc.enable()
    gc.callbacks.remove(timed)
    print(f"Machine: {machine()}")
    print(f"{args.cases} new cases of rulesets/tax/first-violation after {args.warm}; collector "
          f"{'off' if args.off else 'on'}: {total / args.cases * 1e6:.1f} µs per case in all")
    for generation in (0, 1, 2):
        print(f"generation {generation}: {counted[generation]} collections, {spent[generation] * 1e3:.1f} ms, "
              f"{spent[generation] / args.cases * 1e6:.1f} µs per case")
    print(f"objects tracked at the end: {len(gc.get_objects()):,}")


if __name__ == "__main__":
    main()
