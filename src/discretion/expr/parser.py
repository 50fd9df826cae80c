"""Parse a condition into our own nodes by walking a whitelist of the stdlib ``ast``.

Python's parser gives us a tested grammar for ``a and not b``, ``x in ["p", "q"]`` and ``1 <= n < 5``;
we then accept only the node kinds listed here, so attribute access, calls (except the ``date("…")``
literal), subscripts, lambdas, comprehensions and f-strings are refused before anything runs.
Nothing is ever compiled or evaluated by Python.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from . import nodes as n

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "ExprSyntaxError", "parse"]

MAX_LENGTH = 2000
MAX_DEPTH = 32
MAX_DIGITS = 30

_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_BOOL_NAMES = {"true": True, "false": False, "True": True, "False": False}


@dataclass(eq=False)  # not frozen: Python sets __traceback__ on exceptions as they propagate
class ExprSyntaxError(Exception):
    """A condition that is not in the language; ``offset`` is the 0-based column inside the text."""

    code: str
    message: str
    offset: int = 0

    def __str__(self) -> str:
        return self.message


def parse(text: str) -> n.Node:
    """Parse one condition. Raises ExprSyntaxError with a code and the offending column."""
    if not isinstance(text, str):
        raise ExprSyntaxError("expr-syntax", "a condition must be a non-empty text")
    return _parse(text)


@lru_cache(maxsize=4096)
def _parse(text: str) -> n.Node:
    """Parsed once per text and process: nodes are frozen, and rulesets repeat conditions a lot
    (``first_violation`` alone appears dozens of times). Errors are raised afresh, never cached."""
    if not text.strip():
        raise ExprSyntaxError("expr-syntax", "a condition must be a non-empty text")
    if len(text) > MAX_LENGTH:
        raise ExprSyntaxError("expr-too-long", f"a condition of {len(text)} characters; at most {MAX_LENGTH}")
    if "\n" in text.strip() or "\r" in text:
        text = " ".join(text.split())
    if text.count("(") + text.count("[") + text.count("{") > MAX_DEPTH:  # fewer cannot nest deeper than that
        _check_nesting(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        stripped = text.strip()
        if not exc.offset:  # Python reports an unexpected end of input at offset 0: point at the end
            raise ExprSyntaxError("expr-syntax", f"not a valid condition: {exc.msg} (it ends too early)",
                                  len(stripped)) from None
        raise ExprSyntaxError("expr-syntax", f"not a valid condition: {exc.msg}", exc.offset - 1) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprSyntaxError("expr-too-deep", "the condition is nested too deeply") from None
    return _Walker(text.strip()).walk(tree.body, 0)


def _check_nesting(text: str) -> None:
    """Refuse brackets nested deeper than MAX_DEPTH before Python's parser meets them."""
    depth, quote = 0, ""
    for index, char in enumerate(text):
        if quote:  # brackets inside a string literal are text, not nesting
            quote = "" if char == quote else quote
            continue
        if char in "\"'":
            quote = char
            continue
        depth += char in "([{"
        depth -= char in ")]}"
        if depth > MAX_DEPTH:
            raise ExprSyntaxError("expr-too-deep", f"brackets nested deeper than {MAX_DEPTH}", index)


class _Walker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.single_line = "\n" not in source and "\r" not in source
        self.encoded = source.encode("utf-8")

    def _text(self, node: ast.AST) -> str:
        """The node's source text; ast's own get_source_segment splits the whole source on every call."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if self.single_line and start is not None and end is not None:
            return self.encoded[start:end].decode("utf-8")  # ast's columns are UTF-8 byte offsets
        return ast.get_source_segment(self.source, node) or ""

    def _refuse(self, node: ast.AST, what: str) -> ExprSyntaxError:
        return ExprSyntaxError(
            "expr-forbidden",
            f"{what} is not part of the condition language (allowed: facts, literals, comparisons, "
            "and/or/not, in [...], + - * /, date(\"YYYY-MM-DD\"))",
            getattr(node, "col_offset", 0),
        )

    def walk(self, node: ast.AST, depth: int) -> n.Node:
        if depth > MAX_DEPTH:
            raise ExprSyntaxError("expr-too-deep", f"expression nested deeper than {MAX_DEPTH}",
                                  getattr(node, "col_offset", 0))
        text, offset = self._text(node), getattr(node, "col_offset", 0)
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            return n.BoolOp(text, offset, op, tuple(self.walk(v, depth + 1) for v in node.values))
        if isinstance(node, ast.UnaryOp):
            operand = self.walk(node.operand, depth + 1)
            if isinstance(node.op, ast.Not):
                return n.Not(text, offset, operand)
            if isinstance(node.op, ast.USub):
                if isinstance(operand, n.Literal) and isinstance(operand.value, int | Decimal) \
                        and not isinstance(operand.value, bool):
                    return n.Literal(text, offset, -operand.value)
                return n.Negate(text, offset, operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            raise self._refuse(node, "the operator '~'")
        if isinstance(node, ast.Compare):
            return self._compare(node, text, offset, depth)
        if isinstance(node, ast.BinOp):
            symbol = _ARITH.get(type(node.op))
            if symbol is None:
                raise self._refuse(node, f"the operator {type(node.op).__name__}")
            return n.Arith(text, offset, symbol, self.walk(node.left, depth + 1), self.walk(node.right, depth + 1))
        if isinstance(node, ast.Name):
            if node.id in _BOOL_NAMES:
                return n.Literal(text, offset, _BOOL_NAMES[node.id])
            if node.id.startswith("_"):
                raise self._refuse(node, f"the name '{node.id}' (names may not start with '_')")
            return n.Name(text, offset, node.id)
        if isinstance(node, ast.Constant):
            return self._constant(node, text, offset)
        if isinstance(node, ast.Call):
            return self._date_literal(node, text, offset)
        if isinstance(node, ast.Attribute):
            raise self._refuse(node, "attribute access ('.')")
        if isinstance(node, ast.Subscript):
            raise self._refuse(node, "indexing ('[...]' after a value)")
        if isinstance(node, ast.Lambda):
            raise self._refuse(node, "lambda")
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            raise self._refuse(node, "a comprehension")
        if isinstance(node, ast.JoinedStr):
            raise self._refuse(node, "an f-string")
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise self._refuse(node, "a list outside 'in [...]'")
        raise self._refuse(node, f"'{text or type(node).__name__}'")

    def _compare(self, node: ast.Compare, text: str, offset: int, depth: int) -> n.Node:
        parts: list[n.Node] = []
        left_ast = node.left
        left = self.walk(left_ast, depth + 1)
        for op, right_ast in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                options = self._options(right_ast, depth)
                part_text = f"{self._text(left_ast)} {'not in' if isinstance(op, ast.NotIn) else 'in'} " \
                            f"{self._text(right_ast)}"
                parts.append(n.Member(part_text, left.offset, left, options, isinstance(op, ast.NotIn)))
                right: n.Node = left
            else:
                symbol = _COMPARE.get(type(op))
                if symbol is None:
                    raise self._refuse(node, "'is' / 'is not' (use == or !=)")
                right = self.walk(right_ast, depth + 1)
                part_text = f"{self._text(left_ast)} {symbol} {self._text(right_ast)}"
                parts.append(n.Compare(part_text, left.offset, symbol, left, right))
            left, left_ast = right, right_ast
        if len(parts) == 1:
            return parts[0]
        return n.BoolOp(text, offset, "and", tuple(parts))

    def _options(self, node: ast.AST, depth: int) -> tuple[n.Literal, ...]:
        if not isinstance(node, ast.List | ast.Tuple | ast.Set):
            raise ExprSyntaxError("expr-forbidden", "'in' must be followed by a list of values, like "
                                  "in [\"minor\", \"none\"]", getattr(node, "col_offset", 0))
        options: list[n.Literal] = []
        for element in node.elts:
            value = self.walk(element, depth + 1)
            if not isinstance(value, n.Literal):
                raise ExprSyntaxError("expr-forbidden", "a list after 'in' may hold only literal values",
                                      getattr(element, "col_offset", 0))
            options.append(value)
        if not options:
            raise ExprSyntaxError("expr-syntax", "the list after 'in' is empty", getattr(node, "col_offset", 0))
        return tuple(options)

    def _constant(self, node: ast.Constant, text: str, offset: int) -> n.Literal:
        value = node.value
        if isinstance(value, bool | str):
            return n.Literal(text, offset, value)
        if isinstance(value, int):
            if abs(value) >= 10 ** MAX_DIGITS:
                raise ExprSyntaxError("expr-syntax", f"a number of more than {MAX_DIGITS} digits", offset)
            return n.Literal(text, offset, value)
        if isinstance(value, float):
            try:
                exact = Decimal(text.replace("_", ""))
            except InvalidOperation:
                raise ExprSyntaxError("expr-syntax", f"'{text}' is not a decimal number", offset) from None
            if not exact.is_finite():
                raise ExprSyntaxError("expr-syntax", f"'{text}' is not a finite number", offset)
            # bounded so that arithmetic over nested literals can never leave Decimal's exponent range
            if exact and not -MAX_DIGITS <= exact.adjusted() < MAX_DIGITS:
                raise ExprSyntaxError("expr-syntax", f"'{text}' is not a number of plausible size (at most "
                                      f"{MAX_DIGITS} digits before or after the point)", offset)
            return n.Literal(text, offset, exact)
        raise self._refuse(node, f"the constant {text!r}")

    def _date_literal(self, node: ast.Call, text: str, offset: int) -> n.Literal:
        if not (isinstance(node.func, ast.Name) and node.func.id == "date" and len(node.args) == 1
                and not node.keywords and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)):
            raise self._refuse(node, "a function call (only date(\"YYYY-MM-DD\") is allowed)")
        raw = node.args[0].value
        try:
            return n.Literal(text, offset, date.fromisoformat(raw))
        except ValueError:
            raise ExprSyntaxError("expr-syntax", f"'{raw}' is not a date in the form YYYY-MM-DD", offset) from None
