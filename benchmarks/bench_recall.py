"""Benchmark: the steady cost of a case alike but for its dates (recalled whole, given its own dates).

Not collected by pytest, and not part of ``benchmarks/run`` (bench_evaluate's row of dated fact
patterns measures the same path mixed with the first sights that fill the memo). This one measures
the recall alone once the memo holds every class of dates: ``--cases`` dated cases of 200 fact
patterns of the tax ruleset, evaluated once to warm up, then timed as a loop, best of ``--repeats``
(µs per case, wall time, no clock read per case). Compare two versions of the code by running it
with ``PYTHONPATH=<copy>/src`` and without, in turn:

    taskset -c 0 .venv/bin/python benchmarks/bench_recall.py [--cases 20000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine
from bench_backends import generate
from bench_evaluate import dated

import discretion
from discretion import memo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ruleset = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    rng = random.Random(args.seed)
    patterns = generate([ruleset], 200, args.seed)
    cases = [dated(rng.choice(patterns)[1], rng) for _ in range(args.cases)]
    evaluate = discretion.evaluate
    for case in cases:  # every pattern and class of dates seen twice at most: kept
        evaluate(ruleset, case)
    before = memo.stats()["repeats"]
    timings = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        for case in cases:
            evaluate(ruleset, case)
        timings.append((time.perf_counter() - start) / len(cases) * 1e6)
    recalled = (memo.stats()["repeats"] - before) / (len(cases) * args.repeats)
    print(f"Machine: {machine()}")
    print(f"{args.cases} dated cases of 200 fact patterns (tax first-violation); {recalled:.1%} of the timed "
          f"cases recalled whole")
    print(f"µs per case, best of {args.repeats}: {min(timings):.1f} (all: {', '.join(f'{t:.1f}' for t in timings)})")


if __name__ == "__main__":
    main()
