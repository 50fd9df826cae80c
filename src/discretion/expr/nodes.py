"""The condition language's syntax tree: a small closed set of frozen nodes.

Conditions are parsed into these nodes (never evaluated as Python); the checker gives each a type and
the compiler turns them into closures.
"""

from __future__ import annotations

from dataclasses import FrozenInstanceError
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


class Node:
    """Base: every node knows its source text and its column offset inside the condition.

    Nodes behave as frozen dataclasses with slots (equal and hashed by their fields, read-only), written
    out by hand: generating dataclass methods cost about a millisecond per class at import, on the path
    of every ruleset load.
    """

    __slots__ = ("_hash", "offset", "text")
    __match_args__: tuple[str, ...] = ("text", "offset")
    text: str
    offset: int
    _hash: int

    def __init__(self, text: str, offset: int) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__match_args__)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        """Kept once computed (the node is frozen): compiling hashes each subtree on the way down."""
        try:
            return self._hash
        except AttributeError:
            value = hash(self._values())
            _set(self, "_hash", value)
            return value

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__match_args__)
        return f"{type(self).__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Node], tuple[object, ...]]:
        return type(self), self._values()


_set = object.__setattr__


class Name(Node):
    """A reference to a declared fact."""

    __slots__ = ("fact",)
    __match_args__ = ("text", "offset", "fact")
    fact: str

    def __init__(self, text: str, offset: int, fact: str) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "fact", fact)


class Literal(Node):
    """A constant: bool, string, integer, Decimal, or a date written ``date("2021-04-01")``."""

    __slots__ = ("value",)
    __match_args__ = ("text", "offset", "value")
    value: Value

    def __init__(self, text: str, offset: int, value: Value) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "value", value)


class Not(Node):
    __slots__ = ("operand",)
    __match_args__ = ("text", "offset", "operand")
    operand: Node

    def __init__(self, text: str, offset: int, operand: Node) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "operand", operand)


class BoolOp(Node):
    """``and`` / ``or`` over two or more operands, with three-valued (Kleene) logic at run time."""

    __slots__ = ("op", "operands")
    __match_args__ = ("text", "offset", "op", "operands")
    op: str
    operands: tuple[Node, ...]

    def __init__(self, text: str, offset: int, op: str, operands: tuple[Node, ...]) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "op", op)
        _set(self, "operands", operands)


class _Binary(Node):
    """An operator between two operands: comparisons and arithmetic share this shape."""

    __slots__ = ("left", "op", "right")
    __match_args__ = ("text", "offset", "op", "left", "right")
    op: str
    left: Node
    right: Node

    def __init__(self, text: str, offset: int, op: str, left: Node, right: Node) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "op", op)
        _set(self, "left", left)
        _set(self, "right", right)


class Compare(_Binary):
    """One binary comparison; chains like ``1 <= x < 5`` become a BoolOp of Compares."""

    __slots__ = ()


class Member(Node):
    """``x in [..]`` or ``x not in [..]`` against a list of literals."""

    __slots__ = ("item", "negated", "options")
    __match_args__ = ("text", "offset", "item", "options", "negated")
    item: Node
    options: tuple[Literal, ...]
    negated: bool

    def __init__(self, text: str, offset: int, item: Node, options: tuple[Literal, ...], negated: bool) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "item", item)
        _set(self, "options", options)
        _set(self, "negated", negated)


class Arith(_Binary):
    """``+ - * /`` on numbers, money, days and dates."""

    __slots__ = ()


class Negate(Node):
    __slots__ = ("operand",)
    __match_args__ = ("text", "offset", "operand")
    operand: Node

    def __init__(self, text: str, offset: int, operand: Node) -> None:
        _set(self, "text", text)
        _set(self, "offset", offset)
        _set(self, "operand", operand)


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
