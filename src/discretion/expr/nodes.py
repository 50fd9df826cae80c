"""The condition language's syntax tree: a small closed set of frozen nodes.

Conditions are parsed into these nodes (never evaluated as Python); the checker gives each a type and
the compiler turns them into closures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

__all__ = [
    "Arith",
    "BoolOp",
    "Compare",
    "Literal",
    "Member",
    "Name",
    "Negate",
    "Node",
    "Not",
    "Value",
    "children",
]

Value = bool | str | int | Decimal | date


@dataclass(frozen=True, slots=True)
class Node:
    """Base: every node knows its source text and its column offset inside the condition."""

    text: str
    offset: int


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A reference to a declared fact."""

    fact: str


@dataclass(frozen=True, slots=True)
class Literal(Node):
    """A constant: bool, string, integer, Decimal, or a date written ``date("2021-04-01")``."""

    value: Value


@dataclass(frozen=True, slots=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    """``and`` / ``or`` over two or more operands, with three-valued (Kleene) logic at run time."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """One binary comparison; chains like ``1 <= x < 5`` become a BoolOp of Compares."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Member(Node):
    """``x in [..]`` or ``x not in [..]`` against a list of literals."""

    item: Node
    options: tuple[Literal, ...]
    negated: bool


@dataclass(frozen=True, slots=True)
class Arith(Node):
    """``+ - * /`` on numbers, money, days and dates."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Negate(Node):
    operand: Node


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-expressions of a node (a membership's options are literals, and children too)."""
    if isinstance(node, Not | Negate):
        return (node.operand,)
    if isinstance(node, BoolOp):
        return node.operands
    if isinstance(node, Compare | Arith):
        return (node.left, node.right)
    if isinstance(node, Member):
        return (node.item, *node.options)
    return ()
