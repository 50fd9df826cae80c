"""Shared fixtures: the bundled rulesets, and the opt-in `--run-slow` for long checks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["pytester"]

# Broken rulesets live in fixtures on purpose: the tests load them; the plugin must not collect them.
collect_ignore_glob = ["fixtures/*"]

ROOT = Path(__file__).resolve().parent.parent
RULESETS = ROOT / "rulesets"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
TAX = RULESETS / "tax" / "first-violation" / "ruleset.yaml"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False, help="run tests marked slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def tax():  # type: ignore[no-untyped-def]
    import discretion

    return discretion.load_ruleset(TAX)


@pytest.fixture(scope="session")
def shapes():  # type: ignore[no-untyped-def]
    """The fixture ruleset with one violation per penalty shape."""
    import discretion

    return discretion.load_ruleset(FIXTURES / "shapes.yaml")


def synthetic_header(ruleset_id: str, zh: str, en: str) -> str:
    """The metadata of a synthetic test ruleset (not a published list): a test adds its facts,
    violations and list items below it."""
    return f"""\
format: 1
id: {ruleset_id}
title: {{zh: {zh}, en: "{en}"}}
department: test
issuer: 测试机关
jurisdiction: TEST
version: "1"
effective: 2024-01-01
sources:
  - {{id: test, title: synthetic test data}}
"""


@pytest.fixture
def fresh_memo() -> Iterator[None]:
    """The memo on and empty before the test, and again after it (a test must not feed the next one)."""
    from discretion import memo

    memo.set_enabled(True)
    memo.clear()
    yield
    memo.set_enabled(True)
    memo.clear()


@pytest.fixture
def over_budget(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether each joint exploration of questions since the list was last cleared ran past
    ``questions.MAX_EXPLORED`` (where answers are explored one fact at a time: approximate by design)."""
    from discretion import questions

    found: list[bool] = []
    explore = questions._explore

    def counting(*args: Any) -> Any:
        leaves = explore(*args)
        found.append(leaves is None)
        return leaves

    monkeypatch.setattr(questions, "_explore", counting)
    yield found
