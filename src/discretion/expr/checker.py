"""Type-check a parsed condition against the declared facts, at load time.

A condition must be boolean; every name must be a declared fact (with a did-you-mean otherwise);
an enum is compared only with its declared values; money, days and integers mix only in ways that
keep their meaning (money × number is money, date − date is days).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from ..errors import did_you_mean
from . import nodes as n

__all__ = ["ExprTypeError", "FactType", "check", "fact_names"]

NUMERIC = frozenset({"integer", "money", "days", "number"})


class FactType(NamedTuple):  # not a dataclass: a tenth of the cost to define, as immutable
    """What the checker needs to know of a fact: its kind and, for enums, the closed values."""

    kind: str
    values: tuple[str, ...] = ()


@dataclass(eq=False)  # not frozen: Python sets __traceback__ on exceptions as they propagate
class ExprTypeError(Exception):
    code: str
    message: str
    offset: int = 0
    hint: str | None = None

    def __str__(self) -> str:
        return self.message


def fact_names(node: n.Node) -> set[str]:
    """Every fact a condition reads."""
    if isinstance(node, n.Name):
        return {node.fact}
    found: set[str] = set()
    for child in n.children(node):
        found |= fact_names(child)
    return found


def _literal_type(value: n.Value) -> FactType:
    if isinstance(value, bool):
        return FactType("bool")
    if isinstance(value, str):
        return FactType("string")
    if isinstance(value, int | Decimal):
        return FactType("number")
    if isinstance(value, date):
        return FactType("date")
    raise AssertionError(value)  # pragma: no cover


def check(node: n.Node, facts: Mapping[str, FactType]) -> None:
    """Raise ExprTypeError unless the condition is a well-typed boolean over declared facts."""
    result = _Checker(facts).type_of(node)
    if result.kind != "bool":
        raise ExprTypeError(
            "type-error", f"a condition must be true or false, but '{node.text}' is a {result.kind}",
            node.offset, "compare it, e.g. 'x > 0' or 'x == \"value\"'")


class _Checker:
    def __init__(self, facts: Mapping[str, FactType]) -> None:
        self.facts = facts

    def type_of(self, node: n.Node) -> FactType:
        if isinstance(node, n.Literal):
            return _literal_type(node.value)
        if isinstance(node, n.Name):
            fact = self.facts.get(node.fact)
            if fact is None:
                raise ExprTypeError("unknown-fact", f"'{node.fact}' is not a declared fact", node.offset,
                                    did_you_mean(node.fact, self.facts))
            if fact.kind not in {"bool", "enum", "integer", "money", "days", "date", "number"}:
                raise ExprTypeError("type-error", f"the fact '{node.fact}' ({fact.kind}) cannot be used in "
                                    "a condition", node.offset)
            return fact
        if isinstance(node, n.Not):
            self._expect_bool(node.operand)
            return FactType("bool")
        if isinstance(node, n.BoolOp):
            for operand in node.operands:
                self._expect_bool(operand)
            return FactType("bool")
        if isinstance(node, n.Compare):
            self._compare(node)
            return FactType("bool")
        if isinstance(node, n.Member):
            self._member(node)
            return FactType("bool")
        if isinstance(node, n.Negate):
            inner = self.type_of(node.operand)
            if inner.kind not in NUMERIC:
                raise ExprTypeError("type-error", f"cannot negate '{node.operand.text}' ({inner.kind})",
                                    node.offset)
            return inner
        if isinstance(node, n.Arith):
            return self._arith(node)
        raise AssertionError(node)  # pragma: no cover

    def _expect_bool(self, node: n.Node) -> None:
        kind = self.type_of(node).kind
        if kind != "bool":
            raise ExprTypeError("type-error", f"'{node.text}' is a {kind}, but and/or/not need true or false",
                                node.offset)

    def _enum_value(self, enum: FactType, literal: n.Node, fact_text: str) -> None:
        if not isinstance(literal, n.Literal) or not isinstance(literal.value, str):
            raise ExprTypeError("type-error", f"'{fact_text}' is an enum; compare it with one of its values "
                                f"{list(enum.values)}", literal.offset)
        if literal.value not in enum.values:
            raise ExprTypeError("unknown-value", f"'{literal.value}' is not a value of '{fact_text}' "
                                f"(values: {', '.join(enum.values)})", literal.offset,
                                did_you_mean(literal.value, enum.values))

    def _compatible(self, left: FactType, right: FactType) -> bool:
        if left.kind in NUMERIC and right.kind in NUMERIC:
            pair = {left.kind, right.kind}
            return not ({"money", "days"} <= pair)
        if left.kind == "enum" and right.kind == "enum":
            return set(left.values) == set(right.values)
        return left.kind == right.kind

    def _compare(self, node: n.Compare) -> None:
        left, right = self.type_of(node.left), self.type_of(node.right)
        if left.kind == "enum" and right.kind == "string":
            self._enum_value(left, node.right, node.left.text)
        elif right.kind == "enum" and left.kind == "string":
            self._enum_value(right, node.left, node.right.text)
        elif not self._compatible(left, right):
            raise ExprTypeError("type-error", f"cannot compare '{node.left.text}' ({left.kind}) with "
                                f"'{node.right.text}' ({right.kind})", node.offset)
        if node.op not in {"==", "!="} and left.kind not in NUMERIC | {"date"}:
            raise ExprTypeError("type-error", f"'{node.op}' needs numbers, money, days or dates, but "
                                f"'{node.left.text}' is a {left.kind}", node.offset)

    def _member(self, node: n.Member) -> None:
        item = self.type_of(node.item)
        for option in node.options:
            if item.kind == "enum":
                self._enum_value(item, option, node.item.text)
            elif not self._compatible(item, _literal_type(option.value)):
                raise ExprTypeError("type-error", f"'{option.text}' cannot be a value of '{node.item.text}' "
                                    f"({item.kind})", option.offset)
        if item.kind == "bool":
            raise ExprTypeError("type-error", f"use '{node.item.text}' or 'not {node.item.text}' instead of "
                                "'in' for a true/false fact", node.offset)

    def _arith(self, node: n.Arith) -> FactType:
        left, right = self.type_of(node.left), self.type_of(node.right)
        kinds = (left.kind, right.kind)
        if node.op == "-" and kinds == ("date", "date"):
            return FactType("days")
        if node.op in {"+", "-"} and left.kind == "date" and right.kind in {"days", "number", "integer"}:
            return FactType("date")
        if left.kind not in NUMERIC or right.kind not in NUMERIC:
            raise ExprTypeError("type-error", f"cannot compute '{node.text}': {left.kind} {node.op} "
                                f"{right.kind}", node.offset)
        if node.op in {"+", "-"}:
            if {"money", "days"} <= set(kinds):
                raise ExprTypeError("type-error", f"cannot add money and days in '{node.text}'", node.offset)
            for kind in ("money", "days", "integer"):
                if kind in kinds:
                    return FactType(kind)
            return FactType("number")
        if node.op == "*":
            if kinds.count("money") == 2 or {"money", "days"} <= set(kinds):
                raise ExprTypeError("type-error", f"cannot multiply {left.kind} by {right.kind} in "
                                    f"'{node.text}'", node.offset)
            for kind in ("money", "days", "integer"):
                if kind in kinds:
                    return FactType(kind)
            return FactType("number")
        # division
        if right.kind == "money" and left.kind != "money":
            raise ExprTypeError("type-error", f"cannot divide {left.kind} by money in '{node.text}'", node.offset)
        if left.kind == "money" and right.kind == "money":
            return FactType("number")
        return FactType("money" if left.kind == "money" else "number")
