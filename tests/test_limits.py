"""Every declared limit is enforced with its own error code and a location (one test per code).

Limits bound the work a hostile or mistaken file can cause: bytes read, values after alias expansion,
nesting, the length of one value, the number of rules, and the length and depth of a condition.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import discretion
from discretion import RulesetError
from discretion._yaml import LIMITS, Limits, parse_yaml
from discretion.expr.parser import MAX_DEPTH, MAX_LENGTH

from .conftest import FIXTURES

MINIMAL = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")


def _code(raw: str | bytes, limits: Limits = LIMITS) -> RulesetError:
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset_text(raw, source="limit.yaml", limits=limits)
    error = info.value
    assert error.location is not None and error.location.path == "limit.yaml"
    return error


def test_limits_are_declared_with_sane_defaults() -> None:
    assert dataclasses.is_dataclass(LIMITS)
    assert LIMITS.max_file_bytes >= 1024 * 1024 and LIMITS.max_rules >= 1000
    with pytest.raises(dataclasses.FrozenInstanceError):
        LIMITS.max_rules = 1  # type: ignore[misc]


def test_file_too_large() -> None:
    assert _code(MINIMAL, Limits(max_file_bytes=100)).code == "file-too-large"


def test_file_too_large_from_disk(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path, limits=Limits(max_file_bytes=100))
    assert info.value.code == "file-too-large" and info.value.location is not None


def test_yaml_too_large_counts_values_after_alias_expansion() -> None:
    bomb = "a: &a [1, 2, 3, 4, 5]\nb: &b [*a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"
    error = _code(bomb, Limits(max_nodes=100))
    assert error.code == "yaml-too-large" and error.location is not None and error.location.line


def test_yaml_too_deep() -> None:
    error = _code("a:\n  b:\n    c:\n      d: 1\n", Limits(max_depth=2))
    assert error.code == "yaml-too-deep" and error.location is not None and error.location.line == 3


def test_yaml_value_too_long() -> None:
    error = _code(MINIMAL + "note: " + "长" * 50 + "\n", Limits(max_scalar_chars=40))
    assert error.code == "yaml-value-too-long"
    assert error.location is not None and error.location.line == MINIMAL.count("\n") + 1


def test_too_many_rules() -> None:
    """Counted after validation and before compiling; the location is the first rule over the limit."""
    error = _code(MINIMAL, Limits(max_rules=4))
    assert error.code == "too-many-rules" and "at most 4" in error.message
    assert error.location is not None and error.location.line == 29  # the second tier, where 4 is passed
    discretion.load_ruleset_text(MINIMAL, limits=Limits(max_rules=9))  # exactly at the limit: accepted


def test_expr_too_long() -> None:
    long = " or ".join(["days_late > 1"] * (MAX_LENGTH // 10))
    error = _code(MINIMAL.replace("when: days_late <= 10", "when: " + json.dumps(long)))
    assert error.code in {"expr-too-long", "invalid-value"}  # the model caps the text at the same length
    assert error.location is not None and error.location.line == 27


def test_expr_too_long_in_the_condition_language() -> None:
    from discretion.expr import ExprSyntaxError, FactType, condition

    with pytest.raises(ExprSyntaxError) as info:
        condition("days_late > 1" + " or days_late > 1" * 200, {"days_late": FactType("days")})
    assert info.value.code == "expr-too-long"


@pytest.mark.parametrize("text", ["(" * (MAX_DEPTH + 1) + "days_late" + ")" * (MAX_DEPTH + 1) + " > 1",
                                  "not " * (MAX_DEPTH + 2) + "first_violation",
                                  "-" * (MAX_DEPTH + 2) + "days_late > 1"])
def test_expr_too_deep(text: str) -> None:
    error = _code(MINIMAL.replace("when: days_late <= 10", "when: " + json.dumps(text)))
    assert error.code == "expr-too-deep"
    assert error.location is not None and error.location.line == 27 and error.location.column is not None


def test_limits_apply_to_case_files_too() -> None:
    with pytest.raises(RulesetError) as info:
        parse_yaml("facts: " + "{a: " * 100 + "1" + "}" * 100, "case.yaml")
    assert info.value.code == "yaml-too-deep"


def test_the_bundled_rulesets_are_far_from_the_limits() -> None:
    from discretion.registry import ruleset_files

    for file in ruleset_files(Path(__file__).resolve().parent.parent / "rulesets"):
        assert file.stat().st_size < LIMITS.max_file_bytes // 50
        discretion.load_ruleset(file, limits=dataclasses.replace(LIMITS, max_rules=LIMITS.max_rules // 100))
