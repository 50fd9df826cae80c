"""Every value of a bundled ruleset replaced, one at a time, by an empty or ill-typed one: loading either
succeeds or raises a RulesetError, and a ruleset that loads evaluates an empty case of each violation
or raises a DiscretionError. Never anything else (an empty band 'when' once raised pydantic's own
ValidationError from inside compiling).

The smallest bundled ruleset runs in CI; every bundled ruleset behind ``--run-slow`` (about 80,000 loads).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import discretion
from discretion import memo
from discretion._yaml import parse_yaml
from discretion.errors import DiscretionError, RulesetError
from discretion.loading import find_ruleset_files, load_ruleset_text

from .conftest import RULESETS

VARIANTS: list[Any] = ["", "   ", None, [], {}, 0, -1, True, "x" * 3000, "2021-02-30"]
FILES = sorted(find_ruleset_files(RULESETS), key=lambda f: (f.stat().st_size, str(f)))


class _Dumper(yaml.SafeDumper):
    """Writes the values parse_yaml gives back (decimals as plain numbers)."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


def _sweep(file: Path) -> tuple[int, int, list[str]]:
    """Loads tried, loads that succeeded, and what escaped as another exception."""
    data = parse_yaml(file.read_bytes(), str(file)).data
    tried = loaded = 0
    escaped: list[str] = []
    for path in _leaves(data):
        for value in VARIANTS:
            tried += 1
            text = yaml.dump(_replaced(data, path, value), Dumper=_Dumper, allow_unicode=True, sort_keys=False)
            try:
                ruleset = load_ruleset_text(text, source="mutated.yaml")
            except RulesetError:
                continue
            except Exception as exc:  # what the test is looking for
                escaped.append(f"load {path} = {value!r:.20}: {type(exc).__name__}: {exc}"[:300])
                continue
            loaded += 1
            for vid in ruleset.violations:
                try:
                    discretion.evaluate(ruleset, {"violation": vid, "facts": {}})
                except DiscretionError:
                    pass
                except Exception as exc:
                    escaped.append(f"evaluate {vid} after {path} = {value!r:.20}: {type(exc).__name__}: {exc}"[:300])
    return tried, loaded, escaped


@pytest.fixture(autouse=True)
def _memo_off() -> Iterator[None]:
    memo.set_enabled(False)  # thousands of rulesets used once: nothing to remember
    yield
    memo.set_enabled(True)
    memo.clear()


def _check(file: Path) -> None:
    tried, loaded, escaped = _sweep(file)
    assert not escaped, "\n".join(escaped[:20])
    assert 0 < loaded < tried  # some mutations load (a label emptied), some are refused


def test_every_value_of_the_smallest_ruleset_replaced_ends_in_a_result_or_a_located_error() -> None:
    _check(FILES[0])


@pytest.mark.slow
@pytest.mark.parametrize("file", FILES[1:], ids=[str(f.parent.relative_to(RULESETS)) for f in FILES[1:]])
def test_every_value_of_each_bundled_ruleset_replaced_ends_in_a_result_or_a_located_error(file: Path) -> None:
    _check(file)
