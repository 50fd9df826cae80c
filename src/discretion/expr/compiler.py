"""Turn checked conditions into closures, and explain why a condition did not hold.

Closures read a plain ``dict`` of validated facts. A fact absent from the dict is *unknown* and the
closure returns ``None``; ``and``/``or``/``not`` follow Kleene's three-valued logic, so ``False and
unknown`` is False and ``True or unknown`` is True. Unknowns are what lets a case leave facts open.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import nodes as n

__all__ = ["Explanation", "Matcher", "compile_condition", "explain"]

Facts = Mapping[str, Any]
Matcher = Callable[[Facts], Any]

_CMP: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}


def _sub(a: Any, b: Any) -> Any:
    if isinstance(a, date) and isinstance(b, date):
        return (a - b).days
    if isinstance(a, date):
        return _shift(a, -int(b))
    return a - b


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, date):
        return _shift(a, int(b))
    return a + b


def _shift(day: date, days: int) -> date | None:
    """A date moved by some days; None (unknown) outside the calendar rather than an OverflowError."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def _div(a: Any, b: Any) -> Any:
    if b == 0:
        return None  # undefined: treated as unknown rather than crashing the caller
    return Decimal(a) / Decimal(b)


_ARITH: dict[str, Callable[[Any, Any], Any]] = {"+": _add, "-": _sub, "*": operator.mul, "/": _div}


@lru_cache(maxsize=8192)
def compile_condition(node: n.Node) -> Matcher:
    """A closure computing the node's value (None when unknown). The node must be type-checked.

    Cached: nodes are frozen and closures pure, so explanations reuse the matchers built at load time.
    """
    if isinstance(node, n.Literal):
        value = node.value
        return lambda facts: value
    if isinstance(node, n.Name):
        name = node.fact
        return lambda facts: facts.get(name)
    if isinstance(node, n.Not):
        if isinstance(node.operand, n.Name):  # ``not fact``, the common case, in one step
            fact = node.operand.fact
            return lambda facts: None if (v := facts.get(fact)) is None else not v
        inner = compile_condition(node.operand)

        def negate(facts: Facts) -> Any:
            value = inner(facts)
            return None if value is None else not value

        return negate
    if isinstance(node, n.BoolOp):
        return _bool_op(node)
    if isinstance(node, n.Compare):
        return _compare(node)
    if isinstance(node, n.Member):
        return _member(node)
    if isinstance(node, n.Negate):
        inner = compile_condition(node.operand)
        return lambda facts: None if (v := inner(facts)) is None else -v
    if isinstance(node, n.Arith):
        left, right, fn = compile_condition(node.left), compile_condition(node.right), _ARITH[node.op]

        def arith(facts: Facts) -> Any:
            a = left(facts)
            if a is None:
                return None
            b = right(facts)
            return None if b is None else fn(a, b)

        return arith
    raise AssertionError(node)  # pragma: no cover


def _bool_op(node: n.BoolOp) -> Matcher:
    parts = tuple(compile_condition(op) for op in node.operands)
    if len(parts) == 2:
        return _pair(node.op, *parts)
    if node.op == "and":
        def all_of(facts: Facts) -> Any:
            unknown = False
            for part in parts:
                value = part(facts)
                if value is None:
                    unknown = True
                elif not value:
                    return False
            return None if unknown else True

        return all_of

    def any_of(facts: Facts) -> Any:
        unknown = False
        for part in parts:
            value = part(facts)
            if value is None:
                unknown = True
            elif value:
                return True
        return None if unknown else False

    return any_of


def _pair(op: str, first: Matcher, second: Matcher) -> Matcher:
    """Two operands, the common case, unrolled: the same order and short-circuits as the loops below."""
    if op == "and":
        def both(facts: Facts) -> Any:
            a = first(facts)
            if a is not None and not a:
                return False
            b = second(facts)
            if b is not None and not b:
                return False
            return None if a is None or b is None else True

        return both

    def either(facts: Facts) -> Any:
        a = first(facts)
        if a is not None and a:
            return True
        b = second(facts)
        if b is not None and b:
            return True
        return None if a is None or b is None else False

    return either


def _compare(node: n.Compare) -> Matcher:
    left, right = node.left, node.right
    if isinstance(left, n.Name) and isinstance(right, n.Literal):  # the common case, kept lean
        return _FACT_VS_LITERAL[node.op](left.fact, right.value)
    fn = _CMP[node.op]
    lhs, rhs = compile_condition(left), compile_condition(right)

    def general(facts: Facts) -> Any:
        a = lhs(facts)
        if a is None:
            return None
        b = rhs(facts)
        return None if b is None else fn(a, b)

    return general


# ``fact OP literal``, one closure per operator with the comparison written out: calling
# ``operator.eq`` and the like from a closure was one C call more per comparison (about 8 of 45 ns).
_FACT_VS_LITERAL: dict[str, Callable[[str, Any], Matcher]] = {
    "==": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v == c,
    "!=": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v != c,
    "<": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v < c,
    "<=": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v <= c,
    ">": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v > c,
    ">=": lambda name, c: lambda facts: None if (v := facts.get(name)) is None else v >= c,
}


def _member(node: n.Member) -> Matcher:
    options = frozenset(option.value for option in node.options)
    if isinstance(node.item, n.Name):  # ``fact in [...]``, the common case, in one step
        fact = node.item.fact
        if node.negated:
            return lambda facts: None if (v := facts.get(fact)) is None else v not in options
        return lambda facts: None if (v := facts.get(fact)) is None else v in options
    item = compile_condition(node.item)
    if node.negated:
        return lambda facts: None if (v := item(facts)) is None else v not in options
    return lambda facts: None if (v := item(facts)) is None else v in options


@dataclass
class Explanation:
    """Why a condition came out as it did: the failed (or unknown) atoms and the facts they read."""

    value: bool | None
    failed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    reads: dict[str, Any] = field(default_factory=dict)


def explain(node: n.Node, facts: Facts) -> Explanation:
    """Evaluate with bookkeeping: used for the trace, never on the fast path."""
    out = Explanation(value=None)
    out.value = _explain(node, facts, out)
    return out


def _explain(node: n.Node, facts: Facts, out: Explanation) -> bool | None:
    if isinstance(node, n.BoolOp):
        values = [_explain(op, facts, out) for op in node.operands]
        if node.op == "and":
            if any(v is False for v in values):
                return False
            return None if any(v is None for v in values) else True
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False
    if isinstance(node, n.Not):
        inner = Explanation(value=None)
        value = _explain(node.operand, facts, inner)
        out.reads.update(inner.reads)
        result = None if value is None else not value
        if result is None:
            out.unknown.append(node.text)
        elif not result:
            out.failed.append(node.text)
        return result
    from .checker import fact_names  # local: checker imports nothing from here

    value = compile_condition(node)(facts)
    for name in sorted(fact_names(node)):
        out.reads[name] = facts.get(name)
    if value is None:
        out.unknown.append(node.text)
        return None
    if not value:
        out.failed.append(node.text)
    return bool(value)
