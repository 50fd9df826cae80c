"""Cases per second of ``discretion.batch.evaluate_frame`` on one core, 10^3 to 10^6 rows (10^7 with --big).

Not collected by pytest. Run: ``.venv/bin/python benchmarks/bench_batch.py [--ruleset PATH] [--big] [--repeat N]``.
Two corpora: ``patterns`` (rows drawn from 2,000 distinct synthetic fact patterns, as real case files
repeat themselves) and ``random`` (every row drawn independently: the worst case for grouping).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from discretion import load_ruleset, synthetic
from discretion.batch import evaluate_frame


def corpus(ruleset, rows: int, kind: str, seed: int = 0):  # type: ignore[no-untyped-def]
    if kind == "random":
        return synthetic.cases(ruleset, rows, seed)
    base = synthetic.cases(ruleset, 2000, seed)
    picks = np.random.default_rng(seed).integers(0, len(base), rows)
    return base.iloc[picks].reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ruleset", default="rulesets/tax/first-violation")
    parser.add_argument("--big", action="store_true", help="also 10^7 rows")
    parser.add_argument("--kinds", default="patterns,random")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best is reported")
    args = parser.parse_args()
    ruleset = load_ruleset(args.ruleset)
    sizes = [10**3, 10**4, 10**5, 10**6] + ([10**7] if args.big else [])
    lines = ["| corpus | rows | seconds | cases/second |", "|---|---:|---:|---:|"]
    for kind in args.kinds.split(","):
        for rows in sizes:
            if kind == "random" and rows > 10**5:
                continue  # one real evaluation per distinct row: per-case speed, see the notes
            frame = corpus(ruleset, rows, kind)
            times = []
            for _ in range(args.repeat):  # the first run pays for cold caches (evaluate's, numpy's, the CPU's)
                start = time.perf_counter()
                evaluate_frame(ruleset, frame, progress=False)
                times.append(time.perf_counter() - start)
            seconds = min(times)
            if args.repeat > 1:
                print(f"{kind:9} {rows:>9} rows first {times[0]:.3f} s, best of {args.repeat} {seconds:.3f} s")
            rate = rows / seconds
            print(f"{kind:9} {rows:>9} rows {seconds:8.3f} s {rate:12,.0f} cases/s", flush=True)
            lines.append(f"| {kind} | {rows:,} | {seconds:.3f} | {rate:,.0f} |")
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
