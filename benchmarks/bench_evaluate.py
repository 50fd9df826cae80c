"""Benchmark: one recommendation, stage by stage, on a typical ruleset and on every bundled ruleset.

Not collected by pytest. Run ``taskset -c 0 .venv/bin/python benchmarks/bench_evaluate.py``. Rows:
validation alone, matching alone (``match_native``), deciding a validated case (``evaluate_valid``:
statute, matching, fine, flags, trace, reasons) and the whole ``discretion.evaluate``. Two corpora:
``distinct`` (every case drawn independently, a fifth of the facts unknown: questions are computed
for those) and variants of it described below.

Evaluation remembers (``discretion.memo``): a case repeated word for word (same violation and facts,
any id) is recalled whole; otherwise each decision is remembered by the facts it read, and a case
whose read facts were seen before costs validation and a walk of the memo, not a pipeline run. The
columns: ``distinct`` (independent draws; some still repeat), ``200 cases repeated word for word``
(the recall), ``200 fact patterns, each case with its own dates`` (what an enforcement app sends:
the facts repeat, the act and discovery dates do not; the time bar and the version in force are
worked out per case, the rest is a walk of the memo), and ``distinct, each case with its own dates``.
The last two rows show the cost with the memo off, as for a fact pattern never seen before.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import ROOT, in_a_block, machine, median_of_repeats, per_call, table
from bench_backends import generate

import discretion
from discretion import memo
from discretion.case import validate_case
from discretion.evaluate import evaluate_valid, match_native
from discretion.loading import find_ruleset_files

FIRST_SIGHT = "(memo off: every case as if its fact pattern were new)"
MATCH_BLOCK = "match_native, per case in a loop over the corpus (called directly: no clock read, no wrapper per call)"
JSON_ROW = "the result as JSON text (model_dump_json: what a caller sending JSON adds; pydantic-core, in Rust)"
CLOCK = "the clock alone: an empty call timed like the rows above (included in each of them)"


def rows_for(rulesets: list[Any], cases: list[tuple[Any, dict[str, Any]]], repeats: int) -> list[tuple[str, float]]:
    valid = [(rs, validate_case(rs, c)) for rs, c in cases]
    memo.set_enabled(False)
    first_sight = [
        (f"evaluate_valid {FIRST_SIGHT}",
         median_of_repeats([lambda rs=rs, c=c: evaluate_valid(rs, c, match_native) for rs, c in valid], repeats)),
        (f"discretion.evaluate {FIRST_SIGHT}",
         median_of_repeats([lambda rs=rs, c=c: discretion.evaluate(rs, c) for rs, c in cases], repeats)),
    ]
    memo.set_enabled(True)
    matching = [lambda v=rs.violations[c.violation], f=c.facts: match_native(v, f) for rs, c in valid]
    pairs = [(rs.violations[c.violation], c.facts) for rs, c in valid]
    block = [(MATCH_BLOCK, in_a_block(match_native, pairs, repeats)),
             (CLOCK, median_of_repeats([_nothing] * 1000, repeats))]
    stages = [
        ("validate_case", [lambda rs=rs, c=c: validate_case(rs, c) for rs, c in cases]),
        ("match_native (matching alone)", matching),
        ("evaluate_valid (statute, matching, fine, flags, trace, reasons)",
         [lambda rs=rs, c=c: evaluate_valid(rs, c, match_native) for rs, c in valid]),
        ("discretion.evaluate (all of it, questions when facts are unknown)",
         [lambda rs=rs, c=c: discretion.evaluate(rs, c) for rs, c in cases]),
    ]
    rows = [(label, once_each(calls, repeats)) for label, calls in stages] + first_sight
    results = [discretion.evaluate(rs, c) for rs, c in cases]
    serialised = [(JSON_ROW, median_of_repeats([rec.model_dump_json for rec in results], repeats))]
    return rows[:2] + block[:1] + rows[2:] + serialised + block[1:]


def output_size(cases: list[tuple[Any, dict[str, Any]]]) -> tuple[float, float]:
    """The median number of output models in a recommendation (the result, its trace steps, conditions,
    flags, reasons, ...) and the median length of its JSON text: what any result must build."""
    results = [discretion.evaluate(rs, c) for rs, c in cases]
    return (statistics.median(_models(rec) for rec in results),
            statistics.median(len(rec.model_dump_json()) for rec in results))


def _models(value: Any) -> int:
    if isinstance(value, BaseModel):
        return 1 + sum(_models(v) for v in value.__dict__.values())
    if isinstance(value, list | tuple):
        return sum(_models(v) for v in value)
    if isinstance(value, dict):
        return sum(_models(v) for v in value.values())
    return 0


def _nothing() -> None:
    """An empty call: what timing one call costs by itself."""


def once_each(calls: list[Any], repeats: int) -> float:
    """The median over repeats of the per-call median, the memo emptied before each pass.

    Within a pass each case is evaluated once, after the cases before it (so the memo holds what
    they taught it, as in a running app); no case is recalled from an earlier pass of itself.
    """
    medians = []
    for _ in range(repeats):
        memo.clear()
        medians.append(statistics.median(per_call(calls)))
    return statistics.median(medians)


def dated(case: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """The case with an act date and a discovery date of its own, as real cases have."""
    act = date(2020, 1, 1) + timedelta(days=rng.randrange(2000))
    found = act + timedelta(days=rng.randrange(900))
    return {**case, "facts": {**case["facts"], "act_date": act.isoformat(), "discovery_date": found.isoformat()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tax = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    every = [discretion.load_ruleset(p) for p in find_ruleset_files(ROOT / "rulesets")]
    distinct_tax = generate([tax], args.cases, args.seed)
    patterns = generate([tax], 200, args.seed + 1)
    rng = random.Random(args.seed)
    repeated_tax = [rng.choice(patterns) for _ in range(args.cases)]
    patterns_dated = [(rs, dated(case, rng)) for rs, case in repeated_tax]
    distinct_all = generate(every, args.cases, args.seed)
    dated_tax = [(rs, dated(case, rng)) for rs, case in distinct_tax]
    print(f"Machine: {machine()}")
    print(f"{args.cases} cases per corpus; medians of {args.repeats} repeats of the per-case median "
          f"(thread CPU time, µs)\n")
    results = {
        "tax, distinct": rows_for([tax], distinct_tax, args.repeats),
        "tax, 200 cases repeated word for word": rows_for([tax], repeated_tax, args.repeats),
        "tax, 200 fact patterns, each case with its own dates": rows_for([tax], patterns_dated, args.repeats),
        "tax, distinct, each case with its own dates": rows_for([tax], dated_tax, args.repeats),
        f"all {len(every)} bundled, distinct": rows_for(every, distinct_all, args.repeats),
    }
    labels = [label for label, _ in next(iter(results.values()))]
    print(table(["stage", *results], [
        (label, *(f"{dict(rows)[label]:.1f}" for rows in results.values())) for label in labels]))
    models, length = output_size(distinct_tax)
    print(f"\nA recommendation on the tax corpus (distinct) holds a median {models:.0f} output models "
          f"(trace steps, conditions, flags, reasons, ...) and {length:.0f} characters of JSON.")


if __name__ == "__main__":
    main()
