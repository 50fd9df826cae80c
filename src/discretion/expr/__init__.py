"""The condition language: parse (stdlib ast, whitelisted), type-check, compile to closures.

>>> from discretion.expr import FactType, condition
>>> c = condition('harm in ["none", "minor"] and days_late <= 30',
...               {"harm": FactType("enum", ("none", "minor", "serious")), "days_late": FactType("days")})
>>> c.matcher({"harm": "minor", "days_late": 3})
True
>>> c.matcher({"harm": "minor"}) is None   # days_late unknown
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from .checker import ExprTypeError, FactType, check, fact_names
from .compiler import Explanation, Matcher, compile_condition, explain
from .nodes import Node
from .parser import ExprSyntaxError, parse

__all__ = [
    "Condition",
    "Explanation",
    "ExprSyntaxError",
    "ExprTypeError",
    "FactType",
    "Matcher",
    "condition",
    "explain",
    "fact_names",
]


@dataclass(frozen=True, eq=False)
class Condition:
    """A parsed, checked and compiled condition; ``matcher(facts)`` returns True, False or None."""

    text: str
    node: Node
    matcher: Matcher
    facts: frozenset[str]

    def explain(self, facts: Mapping[str, object]) -> Explanation:
        return explain(self.node, facts)


def condition(text: str, facts: Mapping[str, FactType]) -> Condition:
    """Parse, check and compile; raises ExprSyntaxError or ExprTypeError (both carry code and offset)."""
    node, names = _parsed(text) if isinstance(text, str) else (parse(text), frozenset())
    check(node, facts)  # against these facts, every time: only the parse is shared between rulesets
    return Condition(text, node, compile_condition(node), names)


@lru_cache(maxsize=4096)
def _parsed(text: str) -> tuple[Node, frozenset[str]]:
    """A condition's tree and the facts it reads, once per text and process (errors are not kept)."""
    node = parse(text)
    return node, frozenset(fact_names(node))
