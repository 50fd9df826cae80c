"""Benchmark: discretion against what a user would pick instead, on one bundled ruleset and the same cases.

Not collected by pytest. Needs the ``bench`` extra (``pip install -e ".[bench]"``). Run

    taskset -c 0 .venv/bin/python benchmarks/bench_alternatives.py [--cases 3000] [--repeats 5]

The ruleset is rulesets/tax/first-violation (10 violations, one "shall" no-penalty list item each, a
serious and an ordinary statutory band for six of them). The alternatives get the same decision as
a first-hit table, per violation: the list item (no penalty, mandatory), then art. 33(1)'s
first-violation ground (no penalty, optional), then the bands in order (standard, the band's fine).

* rule-engine (zeroSteiner/rule-engine): one compiled ``Rule`` per row, tried in order;
* zen-engine (GoRules ZEN, Rust with Python bindings): one JDM decision table, hit policy "first".

Every case gives every fact (neither alternative has unknowns). Before timing, the outcome and fine
of each alternative are checked against discretion's on every case; a disagreement stops the run.
The alternatives return the decision only: no statutory layer, trace, reasons or citations, which is
what the ``match`` and ``decide`` rows of discretion are there to compare with.

The corpus draws from few values per fact, so its cases repeat word for word: discretion's
``evaluate`` row is mostly a recall of a result kept whole (see ``discretion.memo``), which the
alternatives do not have; the ``memo off`` row is the cost of a case as if never seen, and the durable
backend (when durable_rules is installed) is timed on the same cases, its results checked against
the native backend's first.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from decimal import Decimal
from typing import Any

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))

from _common import ROOT, machine, median_of_repeats, table

import discretion
from discretion import memo
from discretion.backends import BackendUnavailable, matcher_for
from discretion.case import validate_case
from discretion.evaluate import evaluate_valid, match_native

TIMELY = ["before_discovery", "immediately", "within_deadline"]
CORRECTED = [*TIMELY, "late", "not_corrected"]
HARM = ["none", "minor", "moderate", "serious"]

# The condition texts of the ruleset, each with its rule-engine text and its ZEN cells.
RULE_ENGINE = {
    "first_violation": "first_violation",
    'harm in ["none", "minor"] and not irreparable_loss_or_major_impact':
        'harm in ["none", "minor"] and not irreparable_loss_or_major_impact',
    'corrected in ["before_discovery", "immediately", "within_deadline"]':
        'corrected in ["before_discovery", "immediately", "within_deadline"]',
    "illegal_gains == 0": "illegal_gains == 0",
}
ZEN = {
    "first_violation": {"first_violation": "true"},
    'harm in ["none", "minor"] and not irreparable_loss_or_major_impact':
        {"harm": '"none","minor"', "irreparable_loss_or_major_impact": "false"},
    'corrected in ["before_discovery", "immediately", "within_deadline"]':
        {"corrected": '"before_discovery","immediately","within_deadline"'},
    "illegal_gains == 0": {"illegal_gains": "0"},
}
ART33_FIRST_RE = 'first_violation and harm in ["none", "minor"] and corrected in ' + json.dumps(TIMELY)
ART33_FIRST_ZEN = {"first_violation": "true", "harm": '"none","minor"',
                   "corrected": ",".join(json.dumps(t) for t in TIMELY)}
INPUTS = ["violation", "first_violation", "harm", "irreparable_loss_or_major_impact", "corrected", "illegal_gains",
          "serious_circumstances"]


def rows(ruleset: Any) -> list[tuple[str, list[str], dict[str, str], tuple[str, str | None, str | None]]]:
    """(violation, rule-engine conditions, ZEN cells, (outcome, fine min, fine max)) in first-hit order."""
    out = []
    for vid, violation in ruleset.violations.items():
        assert not violation.tiers and not violation.criminal, "the table encodes items and bands only"
        for item in violation.items:
            assert item.model.kind.value == "no_penalty"
            texts = [c.spec.when for c in item.conditions]
            cells: dict[str, str] = {}
            for text in texts:
                cells.update(ZEN[text])
            out.append((vid, [RULE_ENGINE[t] for t in texts], cells, ("no_penalty", None, None)))
        out.append((vid, [ART33_FIRST_RE], dict(ART33_FIRST_ZEN), ("no_penalty", None, None)))
        for band in violation.bands:
            fine = band.model.fine
            assert fine is not None and band.only_if is None
            low = f"{(fine.min or Decimal(0)):.2f}"
            high = f"{fine.max:.2f}"
            when = band.when.spec.when if band.when else None
            assert when in (None, "serious_circumstances")
            out.append((vid, [when] if when else [], {"serious_circumstances": "true"} if when else {},
                        ("standard", low, high)))
    return out


def cases(ruleset: Any, count: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        out.append({"violation": rng.choice(sorted(ruleset.violations)), "facts": {
            "first_violation": rng.random() < 0.6, "harm": rng.choice(HARM),
            "irreparable_loss_or_major_impact": rng.random() < 0.2, "corrected": rng.choice(CORRECTED),
            "illegal_gains": 0 if rng.random() < 0.7 else rng.randint(1, 50_000),
            "serious_circumstances": rng.random() < 0.3}})
    return out


def zen_table(table_rows: list[Any]) -> dict[str, Any]:
    inputs = [{"id": f"in-{name}", "name": name, "field": name} for name in INPUTS]
    outputs = [{"id": f"out-{name}", "name": name, "field": name} for name in ("outcome", "min", "max")]
    rules = []
    for index, (vid, _, cells, (outcome, low, high)) in enumerate(table_rows):
        rule = {"_id": f"r{index}", "in-violation": json.dumps(vid)}
        rule.update({f"in-{name}": cells.get(name, "") for name in INPUTS[1:]})
        rule.update({"out-outcome": json.dumps(outcome), "out-min": low or "null", "out-max": high or "null"})
        rules.append(rule)
    return {
        "nodes": [
            {"id": "input", "type": "inputNode", "name": "input", "position": {"x": 0, "y": 0}},
            {"id": "table", "type": "decisionTableNode", "name": "table", "position": {"x": 1, "y": 0},
             "content": {"hitPolicy": "first", "inputs": inputs, "outputs": outputs, "rules": rules}},
            {"id": "output", "type": "outputNode", "name": "output", "position": {"x": 2, "y": 0}},
        ],
        "edges": [{"id": "e1", "sourceId": "input", "targetId": "table", "type": "edge"},
                  {"id": "e2", "sourceId": "table", "targetId": "output", "type": "edge"}],
    }


def _money(value: Any) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


FIRST_SIGHT = "(memo off: every case as if its fact pattern were new)"


def _decision(rec: Any) -> tuple[str, str | None, str | None]:
    return rec.outcome.value, _money(rec.fine.min if rec.fine else None), _money(rec.fine.max if rec.fine else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    ruleset = discretion.load_ruleset(ROOT / "rulesets/tax/first-violation")
    table_rows = rows(ruleset)
    corpus = cases(ruleset, args.cases, args.seed)

    truth = [_decision(discretion.evaluate(ruleset, c)) for c in corpus]
    timed: list[tuple[str, list[Any]]] = []

    valid = [validate_case(ruleset, c) for c in corpus]
    violations = [ruleset.violations[v.violation] for v in valid]
    timed.append(("discretion: evaluate (validation, statute, matching, fine, trace, reasons)",
                  [lambda c=c: discretion.evaluate(ruleset, c) for c in corpus]))
    timed.append(("discretion: decide a validated case (evaluate_valid)",
                  [lambda v=v: evaluate_valid(ruleset, v, match_native) for v in valid]))
    timed.append(("discretion: match only (match_native)",
                  [lambda v=v, f=f.facts: match_native(v, f) for v, f in zip(violations, valid, strict=True)]))
    notes: list[str] = []
    try:
        durable = matcher_for("durable", ruleset)
    except BackendUnavailable as exc:
        notes.append(f"durable backend not measured ({exc})")
    else:
        bad = sum(_decision(discretion.evaluate(ruleset, c, backend="durable")) != t
                  for c, t in zip(corpus, truth, strict=True))
        if bad:
            raise SystemExit(f"the durable backend disagrees with the native one on {bad} cases")
        timed.append(("discretion: evaluate, durable backend (durable_rules' Rete; no memo)",
                      [lambda c=c: discretion.evaluate(ruleset, c, backend="durable") for c in corpus]))
        timed.append(("discretion: match only, durable backend",
                      [lambda v=v, f=f.facts: durable(v, f) for v, f in zip(violations, valid, strict=True)]))

    try:
        import rule_engine
    except ImportError as exc:
        notes.append(f"rule-engine not installed ({exc}); `pip install -e '.[bench]'`")
    else:
        context = rule_engine.Context(default_value=None)
        compiled: dict[str, list[tuple[rule_engine.Rule, tuple[str, str | None, str | None]]]] = {}
        for vid, conditions, _, result in table_rows:
            text = " and ".join(f"({c})" for c in conditions) or "true"
            compiled.setdefault(vid, []).append((rule_engine.Rule(text, context=context), result))

        def with_rule_engine(case: dict[str, Any]) -> tuple[str, str | None, str | None] | None:
            facts = case["facts"]
            for rule, result in compiled[case["violation"]]:
                if rule.matches(facts):
                    return result
            return None

        bad = sum(with_rule_engine(c) != t for c, t in zip(corpus, truth, strict=True))
        if bad:
            raise SystemExit(f"rule-engine disagrees with discretion on {bad} cases")
        timed.append((f"rule-engine {rule_engine.__version__}: first matching rule",
                      [lambda c=c: with_rule_engine(c) for c in corpus]))

    try:
        import zen
    except ImportError as exc:
        notes.append(f"zen-engine not installed ({exc}); `pip install -e '.[bench]'`")
    else:
        decision = zen.ZenEngine().create_decision(json.dumps(zen_table(table_rows)))
        inputs = [{"violation": c["violation"], **c["facts"]} for c in corpus]

        def with_zen(data: dict[str, Any]) -> tuple[str, str | None, str | None]:
            result = decision.evaluate(data)["result"]
            return result["outcome"], _money(result.get("min")), _money(result.get("max"))

        bad = sum(with_zen(d) != t for d, t in zip(inputs, truth, strict=True))
        if bad:
            raise SystemExit(f"zen-engine disagrees with discretion on {bad} cases")
        from importlib.metadata import version
        timed.append((f"zen-engine {version('zen-engine')}: decision table, hit policy first",
                      [lambda d=d: decision.evaluate(d) for d in inputs]))

    memo.set_enabled(False)  # first, as turning the memo off empties it
    first_sight = median_of_repeats([lambda c=c: discretion.evaluate(ruleset, c) for c in corpus], args.repeats)
    memo.set_enabled(True)
    for _, calls in timed:  # warm up
        for call in calls[:200]:
            call()
    medians = [(label, median_of_repeats(calls, args.repeats)) for label, calls in timed]
    medians.insert(3, (f"discretion: evaluate {FIRST_SIGHT}", first_sight))
    base = medians[0][1]
    print(f"Machine: {machine()}")
    print(f"{len(corpus)} cases of rulesets/tax/first-violation (seed {args.seed}), all facts known; "
          f"the alternatives agree with discretion on outcome and fine for every case; medians of "
          f"{args.repeats} repeats of the per-case median (thread CPU time)\n")
    print(table(["engine", "median µs per case", "× discretion evaluate"],
                [(label, f"{m:.1f}", f"{m / base:.2f}") for label, m in medians]))
    for note in notes:
        print(f"\n{note}")


if __name__ == "__main__":
    main()
