"""Cases per second of ``discretion.batch.evaluate_frame`` on one core, 10^3 to 10^6 rows (10^7 with --big).

Not collected by pytest. Run: ``taskset -c 0 .venv/bin/python benchmarks/bench_batch.py [--ruleset PATH] [--big]
[--repeat N] [--kinds patterns,random] [--max-rows N]`` (``--max-rows`` leaves out the larger sizes: a smoke
run, as tests/test_benchmarks.py makes).
Two corpora: ``patterns`` (rows drawn from 2,000 distinct synthetic fact patterns, as real case files
repeat themselves) and ``random`` (every row drawn independently: the worst case for grouping).

What each size measures (changed at the commit that added the ``cold`` column): ``cold`` clears
discretion's memo first, so every distinct fact pattern of the frame is evaluated from scratch, as on an
analyst's first run of a new frame; ``warm`` is the best of ``--repeat`` further runs, with the memo
holding those patterns. Both are CPU seconds of this process (user and system: page faults included),
because the machine is shared; the warm wall time is shown too. Earlier versions reported a "first"
run that was not cold (the smaller sizes had already filled the memo with the same 2,000 patterns).
``fixed cost``: one call on a one-row frame, warm (median of 20), the part of any call that does not
grow with rows or patterns.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from _common import machine, table

from discretion import load_ruleset, memo, synthetic
from discretion.batch import evaluate_frame

SIZES = (10**3, 10**4, 10**5, 10**6)


def corpus(ruleset: Any, rows: int, kind: str, seed: int = 0) -> Any:
    if kind == "random":
        return synthetic.cases(ruleset, rows, seed)
    base = synthetic.cases(ruleset, 2000, seed)
    picks = np.random.default_rng(seed).integers(0, len(base), rows)
    return base.iloc[picks].reset_index(drop=True)


def timed(run: Callable[[], Any]) -> tuple[float, float]:
    """CPU seconds and wall seconds of one run."""
    cpu, wall = time.process_time(), time.perf_counter()
    run()
    return time.process_time() - cpu, time.perf_counter() - wall


def cold_and_warm(ruleset: Any, frame: Any, repeat: int) -> dict[str, float]:
    """One run with the memo cleared, then the best of ``repeat`` warm runs (CPU and wall seconds)."""
    def run() -> Any:
        return evaluate_frame(ruleset, frame, progress=False)

    memo.clear()
    gc.collect()  # garbage of the previous size (or of a full memo) is not this run's cost
    cold_cpu, cold_wall = timed(run)
    warm = [timed(run) for _ in range(max(repeat, 1))]
    return {"cold": cold_cpu, "cold_wall": cold_wall, "warm": min(c for c, _ in warm),
            "warm_median": statistics.median(c for c, _ in warm), "warm_wall": min(w for _, w in warm)}


def fixed_cost(ruleset: Any) -> float:
    """Median CPU seconds of a call on a one-row frame, warm: what a call costs whatever its size."""
    frame = corpus(ruleset, 1, "patterns")
    evaluate_frame(ruleset, frame, progress=False)
    return statistics.median(timed(lambda: evaluate_frame(ruleset, frame, progress=False))[0] for _ in range(20))


def distinct(frame: Any) -> int:
    return len(frame.drop(columns=[c for c in ("case_id", "synthetic") if c in frame.columns]).drop_duplicates())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ruleset", default="rulesets/tax/first-violation")
    parser.add_argument("--big", action="store_true", help="also 10^7 rows")
    parser.add_argument("--kinds", default="patterns,random")
    parser.add_argument("--repeat", type=int, default=2, help="warm runs per size; the best is reported")
    parser.add_argument("--max-rows", type=int, default=None, help="only the sizes up to this many rows")
    args = parser.parse_args()
    ruleset = load_ruleset(args.ruleset)
    print(f"Machine: {machine()}\n")
    print(f"fixed cost of a call (one-row frame, warm): {fixed_cost(ruleset) * 1000:.1f} ms CPU")
    sizes = [rows for rows in (*SIZES, *((10**7,) if args.big else ()))
             if args.max_rows is None or rows <= args.max_rows]
    lines = []
    for kind in args.kinds.split(","):
        for rows in sizes:
            if kind == "random" and rows > 10**5:
                continue  # one real evaluation per distinct row: per-case speed, see the notes
            frame = corpus(ruleset, rows, kind)
            got = cold_and_warm(ruleset, frame, args.repeat)
            patterns = distinct(frame)
            print(f"{kind:9} {rows:>9} rows {patterns:>7} distinct: cold {got['cold']:.3f} s, warm best "
                  f"{got['warm']:.3f} s (median {got['warm_median']:.3f}, wall {got['warm_wall']:.3f}) "
                  f"{rows / got['warm']:12,.0f} cases/s", flush=True)
            lines.append((kind, f"{rows:,}", f"{patterns:,}", f"{got['cold']:.3f}", f"{got['warm']:.3f}",
                          f"{got['warm_wall']:.3f}", f"{rows / got['cold']:,.0f}", f"{rows / got['warm']:,.0f}"))
    print(f"\nLoad average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(table(["corpus", "rows", "distinct rows", "cold CPU s", f"warm CPU s (best of {args.repeat})",
                 "warm wall s", "cases/s cold", "cases/s warm"], lines))


if __name__ == "__main__":
    main()
