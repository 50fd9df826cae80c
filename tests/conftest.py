"""Shared fixtures: the bundled rulesets, and the opt-in `--run-slow` for long checks."""

from __future__ import annotations

from pathlib import Path

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
