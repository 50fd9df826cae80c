"""The condition language: parsing (a whitelist), type checking, three-valued evaluation, explanations."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest

from discretion.expr import ExprSyntaxError, ExprTypeError, FactType, condition

FACTS = {
    "first": FactType("bool"),
    "second": FactType("bool"),
    "third": FactType("bool"),
    "harm": FactType("enum", ("none", "minor", "serious")),
    "days": FactType("days"),
    "count": FactType("integer"),
    "gains": FactType("money"),
    "act": FactType("date"),
    "found": FactType("date"),
    "违法所得": FactType("money"),
}


def value(text: str, **facts: object) -> object:
    return condition(text, FACTS).matcher(facts)


@pytest.mark.parametrize(("text", "facts", "expected"), [
    ("first", {"first": True}, True),
    ("not first", {"first": True}, False),
    ('harm == "minor"', {"harm": "minor"}, True),
    ('harm in ["none", "minor"]', {"harm": "serious"}, False),
    ('harm not in ["serious"]', {"harm": "none"}, True),
    ("1 <= days < 5", {"days": 5}, False),
    ("1 <= days < 5", {"days": 4}, True),
    ("gains * 2 > 100", {"gains": Decimal("50.01")}, True),
    ("gains / 2 == 25", {"gains": Decimal(50)}, True),
    ("found - act <= 730", {"act": date(2023, 1, 1), "found": date(2024, 12, 31)}, True),
    ('act >= date("2021-04-01")', {"act": date(2021, 4, 1)}, True),
    ("act + 30 > found", {"act": date(2024, 1, 1), "found": date(2024, 1, 30)}, True),
    ("违法所得 == 0", {"违法所得": Decimal(0)}, True),
    ("count == 0 or first", {"count": 2, "first": True}, True),
    ("-count < 0", {"count": 2}, True),
    ("gains >= 0.5", {"gains": Decimal("0.50")}, True),
])
def test_evaluates(text: str, facts: dict[str, object], expected: bool) -> None:
    assert value(text, **facts) is expected


_OPERATORS = {"==": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
              "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


@pytest.mark.parametrize("op", sorted(_OPERATORS))
@pytest.mark.parametrize(("fact", "literal", "values"), [
    ("count", "3", [2, 3, 4]),
    ("gains", "0.5", [Decimal("0.49"), Decimal("0.50"), Decimal("0.5"), Decimal(1)]),
    ("act", 'date("2021-04-01")', [date(2021, 3, 31), date(2021, 4, 1), date(2021, 4, 2)]),
])
def test_a_fact_against_a_literal_compares_as_python_does(op: str, fact: str, literal: str,
                                                          values: list[object]) -> None:
    """``fact OP literal`` has a closure of its own per operator: each must agree with the operator
    below, at and above the literal, and give unknown for an unknown fact."""
    constant = {"count": 3, "gains": Decimal("0.5"), "act": date(2021, 4, 1)}[fact]
    for v in values:
        assert value(f"{fact} {op} {literal}", **{fact: v}) is _OPERATORS[op](v, constant), (op, v)
    assert value(f"{fact} {op} {literal}") is None


def test_unknown_facts_give_unknown_under_kleene_logic() -> None:
    assert value("first and days > 3") is None
    assert value("first and days > 3", first=False) is False
    assert value("first or days > 3", days=10) is True
    assert value("not first") is None
    assert value("gains / count > 1", gains=Decimal(1), count=0) is None  # division by zero is unknown


def _kleene(op: str, values: tuple[bool | None, ...]) -> bool | None:
    """Kleene's three-valued and/or, written out as the reference."""
    if op == "and":
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


@pytest.mark.parametrize("op", ["and", "or"])
@pytest.mark.parametrize("size", [2, 3])
def test_and_or_follow_kleene_for_every_combination(op: str, size: int) -> None:
    """Two operands take an unrolled path, three the general loop: both must agree with the table."""
    names = ["first", "second", "third"][:size]
    for values in itertools.product([True, False, None], repeat=size):
        facts = {name: v for name, v in zip(names, values, strict=True) if v is not None}
        for negate in (False, True):
            atoms = [f"not {name}" if negate else name for name in names]
            expected = _kleene(op, tuple(v if v is None or not negate else not v for v in values))
            assert value(f" {op} ".join(atoms), **facts) is expected, (op, values, negate)


@pytest.mark.parametrize(("text", "what"), [
    ("first.__class__", "attribute access"),
    ("__import__('os')", "function call"),
    ("open('x')", "function call"),
    ("(lambda: 1)()", "function call"),
    ("[x for x in [1]]", "comprehension"),
    ("f'{first}'", "f-string"),
    ("first[0]", "indexing"),
    ("_secret", "names may not start"),
    ("first if days else count", "not part of"),
    ("first is True", "'is'"),
    ("days ** 2 > 1", "Pow"),
    ("days in count", "list of values"),
    ("{1: 2}", "not part of"),
])
def test_escapes_are_refused_before_anything_runs(text: str, what: str) -> None:
    with pytest.raises(ExprSyntaxError) as info:
        condition(text, FACTS)
    assert info.value.code == "expr-forbidden" and what in info.value.message


def test_deep_nesting_and_long_text_have_their_own_codes() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        condition("(" * 100 + "first" + ")" * 100, FACTS)
    assert info.value.code == "expr-too-deep"
    with pytest.raises(ExprSyntaxError) as info:
        condition("first and " * 300 + "first", FACTS)
    assert info.value.code == "expr-too-long"
    with pytest.raises(ExprSyntaxError) as info:
        condition("not " * 200 + "first", FACTS)
    assert info.value.code == "expr-too-deep"


@pytest.mark.parametrize(("text", "code", "hint"), [
    ("frist", "unknown-fact", "first"),
    ('harm == "minr"', "unknown-value", "minor"),
    ("harm > 1", "type-error", None),
    ("days", "type-error", None),
    ("gains + days > 1", "type-error", None),
    ("gains * gains > 1", "type-error", None),
    ('days == "3"', "type-error", None),
    ("first in [true]", "type-error", None),
    ("act > 3", "type-error", None),
    ("not days", "type-error", None),
])
def test_type_errors_are_found_at_load_time(text: str, code: str, hint: str | None) -> None:
    with pytest.raises(ExprTypeError) as info:
        condition(text, FACTS)
    assert info.value.code == code
    if hint:
        assert hint in (info.value.hint or "")


def test_syntax_error_reports_the_column() -> None:
    with pytest.raises(ExprSyntaxError) as info:
        condition("days <= ", FACTS)
    assert info.value.code == "expr-syntax" and info.value.offset >= 5


def test_explanation_lists_failed_parts_and_facts_read() -> None:
    c = condition('first and harm in ["none", "minor"] and days <= 30', FACTS)
    why = c.explain({"first": True, "harm": "serious", "days": 40})
    assert why.value is False
    assert why.failed == ['harm in ["none", "minor"]', "days <= 30"]
    assert why.reads == {"first": True, "harm": "serious", "days": 40}


def test_explanation_marks_unknown_parts() -> None:
    why = condition("first and days <= 30", FACTS).explain({"first": True})
    assert why.value is None and why.unknown == ["days <= 30"]


def test_facts_read_are_collected() -> None:
    assert condition("first and (days > 3 or gains > 1)", FACTS).facts == {"first", "days", "gains"}


def test_brackets_inside_a_string_are_not_nesting() -> None:
    facts = {"name": FactType("enum", ("(" * 40,))}
    assert condition('name == "' + "(" * 40 + '"', facts).matcher({"name": "(" * 40}) is True


def test_loaded_rulesets_are_read_only_all_the_way_down() -> None:
    import discretion

    from .conftest import FIXTURES

    rs = discretion.load_ruleset(FIXTURES / "minimal.yaml")
    with pytest.raises(TypeError):
        rs.model.facts["x"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        rs.model.violations["v2"] = rs.model.violations["v1"]  # type: ignore[index]
