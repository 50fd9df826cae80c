"""Helpers shared by the publish tests: loadable bundled rulesets, generated cases, comparable answers."""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import discretion
from discretion.compile import CompiledRuleset
from discretion.errors import DiscretionError
from discretion.expr import nodes as n
from discretion.models.facts import FactKind, FactSpec
from discretion.registry import ruleset_files

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
EVALUATOR = ROOT / "src" / "discretion" / "publish" / "templates" / "evaluator.js"
NODE_DRIVER = Path(__file__).resolve().parent / "publish_node.js"


@cache
def loadable_rulesets() -> list[tuple[Path, CompiledRuleset]]:
    """Every bundled ruleset version that loads (one being written may not yet: its own tests say so)."""
    out = []
    for path in ruleset_files(RULESETS):
        try:
            out.append((path, discretion.load_ruleset(path)))
        except DiscretionError:
            continue
    return out


def _literals(node: n.Node) -> Iterator[n.Value]:
    if isinstance(node, n.Literal):
        yield node.value
    for child in (getattr(node, a, None) for a in ("operand", "left", "right", "item")):
        if isinstance(child, n.Node):
            yield from _literals(child)
    for child in (*getattr(node, "operands", ()), *getattr(node, "options", ())):
        yield from _literals(child)


def condition_literals(ruleset: CompiledRuleset) -> list[n.Value]:
    """Literal values of every condition: boundary values make the interesting cases."""
    found: list[n.Value] = []
    for violation in ruleset.violations.values():
        for _key, cond in violation.keyed_conditions:
            found.extend(_literals(cond.compiled.node))
    return found


def _within(spec: FactSpec, value: Decimal) -> Decimal:
    """The value moved inside the fact's declared bounds."""
    if spec.min is not None:
        value = max(value, spec.min)
    if spec.max is not None:
        value = min(value, spec.max)
    return value


def _money(rng: random.Random, anchors: list[Decimal]) -> str:
    choice = rng.random()
    if anchors and choice < 0.5:
        base = rng.choice(anchors)
        steps = [Decimal(-1), Decimal("-0.01"), Decimal(0), Decimal("0.01"), Decimal(1)]
        value = max(Decimal(0), base + rng.choice(steps))
    elif choice < 0.6:
        value = Decimal(0)
    else:
        value = Decimal(rng.randrange(0, 10 ** rng.randint(1, 8))) / Decimal(rng.choice([1, 10, 100]))
    return f"{value:f}"


def _date(rng: random.Random, anchors: list[date]) -> date:
    if anchors and rng.random() < 0.4:
        return rng.choice(anchors) + timedelta(days=rng.choice([-1, 0, 1]))
    return date(2019, 1, 1) + timedelta(days=rng.randrange(0, 365 * 6))


# Values each side must refuse, or accept, alike (fact_values.py, case.py): text that is almost a number,
# sizes at the limits, dates that are not YYYY-MM-DD. Some of them are valid on purpose.
MALFORMED: dict[FactKind, tuple[Any, ...]] = {
    FactKind.money: ("1,00", "12,34.5", "+0", ",0", "0,", ".5", "5.", "1_000", "１０", "0x10", "NaN", "Infinity",
                     "-5", "0.001", "1.000", "0E-50", "1e3", "1e-3", "1e16", "1000000000000000.01",
                     "1000000000000000", " 1,000 ", "1,000.50", "1,000,000", "\t5", "-0", "100元", "", " ", 1e21),
    FactKind.number: ("+1", ".5", "5.", "1,0", "1e-16", "1e16", "1e15", "0.0000000000000001", " 2.5 ", "2.5\t", "NaN",
                      "-0", "1E2", "0e-20", "", "Infinity"),
    FactKind.integer: ("+2", "3.0", " 4 ", "03", "-1", "1e1", "３", "9999999999999999999999", "1000000000000000",
                       "1000000000000001", "-1000000000000001", "2.5", 10 ** 16, 1e300, 3.0, "\t4", "", True),
    FactKind.date: ("2023-02-29", "2023-3-1", "20230301", " 2023-03-01", "2023-03-01T00:00", "2024-02-29", 20230301),
    FactKind.bool: ("true", 1, 0, "是", None),
}
MALFORMED[FactKind.days] = MALFORMED[FactKind.integer]


def _malform(rng: random.Random, ruleset: CompiledRuleset, facts: dict[str, Any]) -> None:
    """Spoil one fact of a generated case (or put its dates out of order), for the refusals' comparison."""
    act = facts.get("act_date")
    if isinstance(act, str) and rng.random() < 0.25:
        later = rng.choice([n for n in ("act_end_date", "discovery_date") if n in ruleset.schema])
        facts[later] = (date.fromisoformat(act) - timedelta(days=rng.choice([1, 2, 30, 800]))).isoformat()
        return
    names = [n for n, spec in ruleset.schema.items()
             if n != "party_argued" and (spec.type in MALFORMED or spec.type is FactKind.enum)]
    name = rng.choice(names)
    spec = ruleset.schema[name]
    if spec.type is FactKind.enum:
        facts[name] = rng.choice(["", "unknown-code", spec.codes[0].upper(), f" {spec.codes[0]}", 1])
    else:
        facts[name] = rng.choice(MALFORMED[spec.type])


def generate_cases(ruleset: CompiledRuleset, count: int, seed: int, *, malformed: float = 0.0) -> list[dict[str, Any]]:
    """Random cases over every fact (declared and standard), biased to the conditions' boundaries.

    With ``malformed`` above 0, that share of the cases has one fact spoilt (text that is almost a number,
    a date out of order…), so that the page and the library are compared on what they refuse too; at 0
    the cases are those of earlier runs, seed for seed.
    """
    rng = random.Random(seed)
    spoil = random.Random(seed + 1)
    literals = condition_literals(ruleset)
    numbers = [Decimal(v) for v in literals if isinstance(v, int | Decimal) and not isinstance(v, bool)]
    dates = [v for v in literals if isinstance(v, date)]
    violations = sorted(ruleset.violations)
    cases = []
    for index in range(count):
        vid = violations[index % len(violations)]
        group = ruleset.violations[vid].model.group
        unknown = rng.choice([0.0, 0.1, 0.3, 0.6])
        facts: dict[str, Any] = {}
        act = _date(rng, dates)
        for name, spec in ruleset.schema.items():
            if rng.random() < unknown or name == "party_argued":
                continue
            kind = spec.type
            if name in ("first_violation", "timely_corrected", "prior_violation_count") and rng.random() < 0.6:
                continue
            if kind is FactKind.bool:
                facts[name] = rng.random() < 0.5
            elif kind is FactKind.enum:
                facts[name] = rng.choice(spec.codes)
            elif kind in (FactKind.integer, FactKind.days):
                low = int(spec.min) if spec.min is not None else 0
                high = int(spec.max) if spec.max is not None else max([low + 40, *(int(x) + 2 for x in numbers)])
                pick = rng.choice(numbers) + rng.choice([-1, 0, 1]) if numbers and rng.random() < 0.5 \
                    else rng.randint(low, min(high, low + 60))
                facts[name] = int(min(max(int(pick), low), high))
            elif kind is FactKind.number:
                facts[name] = f"{_within(spec, rng.choice([*numbers, Decimal(0)]) + Decimal(rng.randint(-2, 2)) / 2):f}"
            elif kind is FactKind.money:
                facts[name] = f"{_within(spec, Decimal(_money(rng, numbers))):f}"
            elif kind is FactKind.date:
                if name == "act_date":
                    facts[name] = act.isoformat()
                elif name in ("discovery_date", "decision_date", "act_end_date"):
                    later = rng.choice([0, 30, 700, 730, 731, 1500, 1826, 1827])
                    facts[name] = (act + timedelta(days=later)).isoformat()
                else:
                    facts[name] = _date(rng, dates).isoformat()
            elif kind is FactKind.records:
                facts[name] = [{"date": (act - timedelta(days=rng.randrange(-30, 1200))).isoformat(),
                                "violation": rng.choice([vid, group, "other", None])}
                               for _ in range(rng.choice([0, 0, 1, 2]))]
        if malformed and spoil.random() < malformed:
            _malform(spoil, ruleset, facts)
        cases.append({"violation": vid, "facts": facts})
    return cases


def comparable(result: dict[str, Any]) -> dict[str, Any]:
    """The parts of an answer the page must reproduce exactly (from Python's JSON or the page's)."""
    return {
        "outcome": result["outcome"], "mandatory": result["mandatory"], "alternatives": result["alternatives"],
        "fine": result["fine"], "list_item": result["list_item"], "tier": result["tier"], "band": result["band"],
        "measures": [m["code"] for m in result["measures"]],
        "penalties": [[p["type"], p["amount"], p["optional"]] for p in result["penalties"]],
        "flags": [f["code"] for f in result["flags"]],
        "citations": [c if isinstance(c, str) else _label(c) for c in result["citations"]],
    }


def _label(citation: dict[str, Any]) -> str:
    from discretion.models.common import Citation

    return Citation.model_validate(citation).label()


def _python_answer(ruleset: CompiledRuleset, case: dict[str, Any]) -> dict[str, Any]:
    from discretion.errors import CaseError

    try:
        return comparable(discretion.evaluate(ruleset, case).model_dump(mode="json"))
    except CaseError as exc:  # refused: compared by the fields named
        return refused(str(p.location.path).removeprefix("facts.") if p.location else "" for p in exc.problems)


def refused(fields: Any) -> dict[str, Any]:
    """A refusal as both sides are compared: the sorted set of the case fields it names."""
    return {"refused": sorted(set(fields))}


def python_answers(ruleset: CompiledRuleset, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [_python_answer(ruleset, case) for case in cases]


def page_answer(answer: dict[str, Any]) -> dict[str, Any]:
    """The page evaluator's answer (from Node or the browser), comparable with :func:`python_answers`."""
    if "crash" in answer:
        return answer
    if answer.get("errors"):
        return refused(e.get("field", "") for e in answer["errors"])
    return comparable(answer["recommendation"])


def node_answers(exported: dict[str, Any], cases: list[dict[str, Any]], node: str) -> list[Any]:
    payload = json.dumps({"ruleset": exported, "cases": cases}, ensure_ascii=False)
    done = subprocess.run([node, str(NODE_DRIVER), str(EVALUATOR)], input=payload, capture_output=True,
                          text=True, check=True, timeout=120)
    return [page_answer(r) for r in json.loads(done.stdout)]


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--lang=zh-CN")


def start_chromium(profile: Path, width: int = 1280, height: int = 900) -> Any:
    """Debian's chromium through its chromedriver (Selenium), with a fresh profile and console logs kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.page_load_strategy = "eager"  # DOMContentLoaded: scripts have run; no wait for idle
    return webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
