"""Benchmark: how cost grows with rules per ruleset (10 to 1,000) and with cases (10^3 to 10^5, batch to 10^7).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_scaling.py [--small]``
(about 2 minutes; ``--small``: batch up to 10^6 rows only). Rules: the tax first-violation ruleset with
its list items copied under new ids onto one violation until it has N rules; time per evaluation
should grow linearly in N (every item is matched and traced), measured with the memo off. Cases:
total seconds for N cases through ``discretion.evaluate`` one by one; cases per second should stay flat.

Batch (changed with the batch table's columns): N rows drawn from 2,000 synthetic fact patterns through
``discretion.batch.evaluate_frame``. A batch call costs a fixed part, one evaluation per distinct fact
pattern, and a part per row; at 10^3 rows the patterns dominate (781 distinct rows of 1,000), so the
table shows them apart: ``cold`` clears the memo first (every pattern evaluated from scratch), ``warm``
runs again with the memo holding them, ``distinct rows alone`` is the warm cost of a frame of just the
distinct rows, and ``µs per row beyond them`` is what the other rows add; that last column is the one
that must stay flat for cost to be linear in rows. All CPU seconds of this process.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, median_of_repeats, table
from bench_backends import generate

import discretion
from discretion import memo
from discretion.compile import compile_ruleset


def with_rules(base: Any, count: int) -> Any:
    """The ruleset with ``count`` rules (list items) on its first violation, copies of its first item."""
    model = base.model
    template = model.list_items[0]
    items = [template.model_copy(update={"id": f"copy-{i:04d}"}) for i in range(count)]
    return compile_ruleset(model.model_copy(update={"list_items": items}), source="<scaled>", sha256=base.sha256)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="batch up to 10^6 rows (no 10^7)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    tax = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    print(f"Machine: {machine()}\n")

    lines = []
    first = None
    memo.set_enabled(False)  # the pipeline's own cost per rule, not a walk of remembered results
    for count in (10, 30, 100, 300, 1000):
        ruleset = with_rules(tax, count)
        vid = ruleset.model.list_items[0].violation
        cases = [c for _, c in generate([ruleset], 400, 1) if c["violation"] == vid][:100]
        calls = [lambda c=c, r=ruleset: discretion.evaluate(r, c) for c in cases]
        for call in calls[:20]:
            call()
        micro = median_of_repeats(calls, args.repeats)
        first = first or micro / count
        lines.append((f"{count:,}", len(cases), f"{micro:,.0f}", f"{micro / count:.1f}",
                      f"{micro / count / first:.2f}"))
    memo.set_enabled(True)
    print("Rules per ruleset (list items on the violation evaluated), one full evaluation each:\n")
    print(table(["rules", "cases", "median µs per evaluation", "µs per rule", "per rule vs 10 rules"], lines))

    lines = []
    corpus = generate([tax], 10**5, 2)
    for count in (10**3, 10**4, 10**5):
        subset = corpus[:count]
        start = time.process_time()
        for rs, case in subset:
            discretion.evaluate(rs, case)
        spent = time.process_time() - start
        lines.append(("discretion.evaluate, one by one", f"{count:,}", f"{spent:.2f}", f"{count / spent:,.0f}"))
    print("\nCases (CPU seconds of this process):\n")
    print(table(["how", "cases", "seconds", "cases per second"], lines, "lrrr"))
    try:
        batch_table(tax, small=args.small)
    except ImportError as exc:  # the analysis extra
        print(f"\nbatch skipped: {exc}")


def batch_table(tax: Any, small: bool) -> None:
    """Rows from 2,000 fact patterns through evaluate_frame: fixed, per-pattern and per-row costs apart."""
    import numpy as np
    from bench_batch import cold_and_warm, fixed_cost, timed

    from discretion import synthetic
    from discretion.batch import evaluate_frame

    print(f"\nBatch, rows drawn from 2,000 fact patterns; fixed cost of a call (one-row frame, warm): "
          f"{fixed_cost(tax) * 1000:.1f} ms CPU\n")
    base = synthetic.cases(tax, 2000, 0)  # 2,000 distinct rows
    lines = []
    for count in (10**3, 10**4, 10**5, 10**6, *(() if small else (10**7,))):
        picks = np.random.default_rng(0).integers(0, len(base), count)
        frame = base.iloc[picks].reset_index(drop=True)
        got = cold_and_warm(tax, frame, 1 if count >= 10**7 else 2)
        alone = base.iloc[np.unique(picks)]  # the frame's distinct rows, once each
        evaluate_frame(tax, alone, progress=False)
        patterns = min(timed(lambda a=alone: evaluate_frame(tax, a, progress=False))[0] for _ in range(2))
        beyond = (got["warm"] - patterns) / count * 1e6
        shown = f"{beyond:.3f}" if beyond > 0 else "within noise"  # too few rows beyond the patterns to tell
        lines.append((f"{count:,}", f"{len(alone):,}", f"{got['cold']:.2f}", f"{got['warm']:.2f}",
                      f"{patterns:.2f}", shown, f"{count / got['warm']:,.0f}"))
        del frame
    print(table(["rows", "distinct rows", "cold s", "warm s", "distinct rows alone, warm s",
                 "µs per row beyond them", "cases per second, warm"], lines))


if __name__ == "__main__":
    main()
