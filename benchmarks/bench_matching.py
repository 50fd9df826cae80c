"""Benchmark: matching alone, the closures one by one (before) against ``discretion.matching`` (after).

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_matching.py``.

"before" is what ``evaluate.match_native`` did until ``discretion.matching``: every keyed condition's
closure, one after another, into a dict. "after" is ``discretion.matching.match_native``. Both are
warmed up on the corpus first (the closures' caches, the matcher's tables), as in a long-running
process. Corpora are drawn as in ``bench_evaluate.py``: ``tax, distinct`` (independent cases, a fifth of
the facts unknown), ``tax, repeated`` (cases from 200 fact patterns) and every bundled ruleset.

Two timings, because the first is dominated by the clock at this scale:

* ``per call``: the median over repeats of the per-case median of thread CPU time, exactly as
  ``bench_evaluate.py`` times its ``match_native`` row. Reading the thread CPU clock twice costs
  about a microsecond on a VM, so the row ``timer alone`` (an empty call timed the same way) is
  printed too; it is included in every per-call figure, not subtracted.
* ``per case, in a block``: the thread CPU time of a loop over the whole corpus divided by its size,
  median and best of the repeats; the loop's own cost is the ``timer alone`` row of that column.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, machine, median_of_repeats, table
from bench_backends import generate

import discretion
from discretion.case import validate_case
from discretion.compile import CompiledViolation
from discretion.loading import find_ruleset_files
from discretion.matching import match_native

Pair = tuple[CompiledViolation, Mapping[str, Any]]
Matcher = Callable[[CompiledViolation, Mapping[str, Any]], Any]


def closures_one_by_one(violation: CompiledViolation, facts: Mapping[str, Any]) -> dict[str, bool | None]:
    """The matcher before ``discretion.matching``, as it was in ``evaluate.match_native``."""
    entry = _BEFORE.get(id(violation))
    if entry is None or entry[0] is not violation:
        entry = _BEFORE[id(violation)] = (
            violation, tuple((key, cond.compiled.matcher) for key, cond in violation.keyed_conditions))
    return {key: matcher(facts) for key, matcher in entry[1]}


_BEFORE: dict[int, tuple[CompiledViolation, tuple[tuple[str, Callable[[Mapping[str, Any]], Any]], ...]]] = {}


def nothing(violation: CompiledViolation, facts: Mapping[str, Any]) -> None:
    """The timer alone: an empty call, timed the same way."""


def block(matcher: Matcher, pairs: list[Pair], repeats: int) -> tuple[float, float]:
    """Median and best µs per case of a loop over all pairs (thread CPU time, collector off)."""
    out = []
    for _ in range(repeats):
        gc.disable()
        start = time.thread_time_ns()
        for violation, facts in pairs:
            matcher(violation, facts)
        out.append((time.thread_time_ns() - start) / 1000 / len(pairs))
        gc.enable()
    return statistics.median(out), min(out)


def rows_for(pairs: list[Pair], repeats: int) -> dict[str, tuple[float, float, float]]:
    for matcher in (closures_one_by_one, match_native):
        for violation, facts in pairs:
            matcher(violation, facts)
    out = {}
    for label, matcher in (("timer alone (empty call)", nothing), ("before: closures one by one",
                                                                   closures_one_by_one),
                           ("after: discretion.matching", match_native)):
        calls = [lambda v=v, f=f, m=matcher: m(v, f) for v, f in pairs]
        out[label] = (median_of_repeats(calls, repeats), *block(matcher, pairs, repeats))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tax = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    every = [discretion.load_ruleset(p) for p in find_ruleset_files(ROOT / "rulesets")]
    rng = random.Random(args.seed)
    patterns = generate([tax], 200, args.seed + 1)
    corpora = {
        "tax, distinct": generate([tax], args.cases, args.seed),
        "tax, repeated (200 patterns)": [rng.choice(patterns) for _ in range(args.cases)],
        f"all {len(every)} bundled, distinct": generate(every, args.cases, args.seed),
    }
    print(f"Machine: {machine()}")
    print(f"{args.cases} cases per corpus; µs per case: per call = median of {args.repeats} repeats of the "
          "per-case median (thread CPU time, the timer included); block = loop over the corpus, median / best\n")
    rows = []
    for name, cases in corpora.items():
        pairs = [(rs.violations[c["violation"]], validate_case(rs, c).facts) for rs, c in cases]
        for label, (per_call, median, best) in rows_for(pairs, args.repeats).items():
            rows.append((name, label, f"{per_call:.2f}", f"{median:.2f} / {best:.2f}"))
    print(table(["corpus", "matcher", "per call", "block: median / best"], rows, "llrr"))


if __name__ == "__main__":
    main()
