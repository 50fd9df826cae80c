"""Benchmark: how cost grows with rules per ruleset (10 to 1,000) and with cases (10^3 to 10^5, batch to 10^6).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_scaling.py [--big]``
(``--big``: also 10^7 rows in batch, several minutes). Rules: the tax first-violation ruleset with
its list items copied under new ids onto one violation until it has N rules; time per evaluation
should grow linearly in N (every item is matched and traced), measured with the memo off. Cases:
total seconds for N cases through ``discretion.evaluate`` one by one, and for N rows through
``discretion.batch.evaluate_frame`` (rows drawn from 2,000 synthetic fact patterns); cases per second should stay flat.
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
    parser.add_argument("--big", action="store_true")
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
    try:
        import numpy as np

        from discretion import synthetic
        from discretion.batch import evaluate_frame
    except ImportError as exc:  # the analysis extra
        print(f"\nbatch skipped: {exc}")
    else:
        base = synthetic.cases(tax, 2000, 0)
        for count in (10**3, 10**4, 10**5, 10**6, *((10**7,) if args.big else ())):
            frame = base.iloc[np.random.default_rng(0).integers(0, len(base), count)].reset_index(drop=True)
            start = time.process_time()
            evaluate_frame(tax, frame, progress=False)
            spent = time.process_time() - start
            lines.append(("batch.evaluate_frame, 2,000 patterns", f"{count:,}", f"{spent:.2f}",
                          f"{count / spent:,.0f}"))
    print("\nCases (CPU seconds of this process):\n")
    print(table(["how", "cases", "seconds", "cases per second"], lines, "lrrr"))


if __name__ == "__main__":
    main()
