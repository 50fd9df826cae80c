"""Profile one recommendation: where the time of ``discretion.evaluate`` goes, as a call tree.

Not collected by pytest; not a benchmark (a profiler slows what it watches). Run

    .venv/bin/python benchmarks/profile_evaluate.py [--path hit|first-sight|recall|distinct] [--cases 2000]

with the ``bench`` extra installed (pyinstrument, a sampling profiler); without it, cProfile's table is
printed instead. py-spy (also in the extra) samples the same run from outside the process, as it would
a service or a batch job that cannot be changed, and draws a flame graph:
``py-spy record -o profile.svg -- .venv/bin/python benchmarks/profile_evaluate.py --path distinct``.
The paths are the costs the README's performance table reports:

* ``recall``: cases repeated word for word, answered from the results kept whole;
* ``hit``: cases with their own act and discovery dates whose other facts repeat (recalled whole
  under a key that holds what the dates decide, then given their own dates: ``redating``);
* ``first-sight``: every case as if its fact pattern were new (the memo off);
* ``distinct``: distinct cases with the memo on (the parts of a decision that recur are remembered:
  the statute's grounds, a question's answers; the results themselves are not seen again).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT
from bench_backends import generate
from bench_evaluate import dated

import discretion
from discretion import memo


def corpus(path: str, count: int, seed: int) -> list[tuple[Any, dict[str, Any]]]:
    ruleset = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    rng = random.Random(seed)
    patterns = generate([ruleset], 200, seed)
    if path == "distinct":
        return generate([ruleset], count, seed)
    cases = [rng.choice(patterns) for _ in range(count)]
    if path == "hit":
        cases = [(rs, dated(case, rng)) for rs, case in cases]
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--path", choices=["hit", "first-sight", "recall", "distinct"], default="hit")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    cases = corpus(args.path, args.cases, args.seed)
    memo.set_enabled(args.path != "first-sight")
    for ruleset, case in cases:  # warm up: the memo fills, the caches of output parts too
        discretion.evaluate(ruleset, case)
    if args.path == "distinct":
        cases = corpus(args.path, args.cases, args.seed + 1)  # new cases, the parts that recur remembered
    if args.path == "hit":
        rng = random.Random(args.seed + 1)
        cases = [(rs, dated(case, rng)) for rs, case in cases]  # new dates: no case repeats word for word

    def run() -> None:
        for ruleset, case in cases:
            discretion.evaluate(ruleset, case)

    try:
        from pyinstrument import Profiler
    except ImportError:
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0001)
    profiler.start()
    run()
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))
    print(memo.stats())


if __name__ == "__main__":
    main()
