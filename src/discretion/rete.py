"""The durable_rules (Rete) backend: the only module that imports ``durable``.

Each condition becomes two durable rules, one firing when it is true and one when it is false, so that
neither firing means *unknown*; negation is pushed down with Kleene's rules (T(a and b) = T(a) ∧ T(b),
F(a and b) = F(a) ∨ F(b), T(not a) = F(a)), and every atom requires its facts to be present. Messages
carry money as integer fen and dates as ordinals, and arithmetic is scaled to integers, so every
comparison the engine makes is exact 64-bit integer arithmetic. What the engine cannot do exactly
(division, or arithmetic that could overflow 64 bits) is *precomputed*: that one atom is computed by
the native closure and posted as a 0/1 field, unless ``precompute=False`` asks for a refusal.

durable_rules' hazards, each handled here and tested in tests/test_durable.py:

* its C core holds at most 1,024 sessions: every evaluation uses a fresh session deleted afterwards;
* a message no rule matches still takes a session, and deleting that session crashes the process:
  a catch-all rule makes every message handled;
* ``durable.lang`` creates one global host lazily and races under threads: we own a ``Host``, with
  its dispatch timers off, behind one lock;
* events are consumed by the first rule they match: we assert *facts*, which fire every match;
* an exception in an action is stored in the session state, not raised: actions record it and the
  evaluation raises EngineError;
* registering a ruleset name twice raises: durable rulesets are named by the hash of their
  definition and registered once per host, so reloading a ruleset (a notebook cell run again) reuses
  them;
* JSON has no Decimal or date: money goes as integer fen, dates as ordinals, booleans as 0/1;
* fact names (which may be Chinese) become short ASCII field names; values go as UTF-8 JSON.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor, lcm
from typing import Any

from durable.engine import Host, MessageNotHandledException

from .compile import CompiledCondition, CompiledRuleset, CompiledViolation
from .errors import DiscretionError, EngineError
from .expr import nodes as n
from .expr.checker import fact_names
from .expr.compiler import Matcher, compile_condition
from .models.facts import FactKind, FactSpec

__all__ = ["DurableMatcher", "matcher", "translate"]

INT64 = 2**63 - 1
EXACT = 2**53  # default magnitude of a fact inside arithmetic, when its schema gives no bounds
ORDINALS = (date.min.toordinal(), date.max.toordinal())
Pattern = dict[str, Any] | bool  # a durable condition, or a constant
_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
_NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


class _Precompute(Exception):
    """This atom cannot be matched exactly by the engine; the reason says why."""


# -- patterns ------------------------------------------------------------------------------------
def _all(parts: list[Pattern]) -> Pattern:
    kept: list[Pattern] = []
    for part in parts:
        if part is False:
            return False
        if part is not True:
            kept.extend(part["$and"] if isinstance(part, dict) and "$and" in part else [part])
    return True if not kept else kept[0] if len(kept) == 1 else {"$and": kept}


def _any(parts: list[Pattern]) -> Pattern:
    kept: list[Pattern] = []
    for part in parts:
        if part is True:
            return True
        if part is not False:
            kept.extend(part["$or"] if isinstance(part, dict) and "$or" in part else [part])
    return False if not kept else kept[0] if len(kept) == 1 else {"$or": kept}


def _compare(op: str, left: str, right: Any) -> dict[str, Any]:
    return {left: right} if op == "==" else {_OPS[op]: {left: right}}


# -- numeric terms: value = term / den, with the term an exact 64-bit integer expression ---------
@dataclass(frozen=True)
class _Term:
    json: Any
    den: int
    lo: int
    hi: int
    field: str | None = None  # the term is exactly this message field
    facts: frozenset[str] = frozenset()

    @property
    def literal(self) -> bool:
        return isinstance(self.json, int)


def _const(value: Fraction) -> _Term:
    return _checked(_Term(value.numerator, value.denominator, value.numerator, value.numerator))


def _checked(term: _Term) -> _Term:
    if term.lo < -INT64 or term.hi > INT64:
        raise _Precompute("its arithmetic could exceed the engine's 64-bit integers")
    return term


def _scale(term: _Term, factor: int) -> _Term:
    if factor == 1:
        return term
    if term.literal:  # not through Fraction, which would cancel the factor again
        value = term.json * factor
        return _checked(_Term(value, term.den * factor, value, value))
    ends = (term.lo * factor, term.hi * factor)
    return _checked(_Term({"$mul": {"$l": term.json, "$r": factor}}, term.den * factor, min(ends), max(ends),
                          facts=term.facts))


def _combine(op: str, left: _Term, right: _Term) -> _Term:
    if op == "*":
        ends = [a * b for a in (left.lo, left.hi) for b in (right.lo, right.hi)]
        return _checked(_Term({"$mul": {"$l": left.json, "$r": right.json}}, left.den * right.den, min(ends),
                              max(ends), facts=left.facts | right.facts))
    common = lcm(left.den, right.den)
    a, b = _scale(left, common // left.den), _scale(right, common // right.den)
    lo, hi = (a.lo + b.lo, a.hi + b.hi) if op == "+" else (a.lo - b.hi, a.hi - b.lo)
    name = "$add" if op == "+" else "$sub"
    return _checked(_Term({name: {"$l": a.json, "$r": b.json}}, common, lo, hi, facts=a.facts | b.facts))


def _to_fraction(value: Any) -> Fraction:
    if isinstance(value, date):
        return Fraction(value.toordinal())
    return Fraction(value)


# -- translation of one violation --------------------------------------------------------------
@dataclass
class _Translation:
    """One violation as a durable ruleset definition (without actions) and what a message needs."""

    rules: dict[str, dict[str, Any]]
    keys: tuple[str, ...]
    fields: dict[str, tuple[str, FactKind]]  # fact → (message field, kind)
    bounds: dict[str, tuple[int, int]]  # fact → bounds of its message value, when it enters arithmetic
    precomputed: list[tuple[str, Matcher]]  # message field → native closure of one atom
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        text = json.dumps(self.rules, sort_keys=True, ensure_ascii=False)
        return "discretion_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class _Translator:
    def __init__(self, schema: Mapping[str, FactSpec], violation: CompiledViolation, precompute: bool) -> None:
        self.schema, self.violation, self.allow = schema, violation, precompute
        self.fields: dict[str, tuple[str, FactKind]] = {}
        self.bounds: dict[str, tuple[int, int]] = {}
        self.precomputed: list[tuple[str, Matcher]] = []
        self.notes: list[str] = []
        self.rule = ""
        self.current: CompiledCondition | None = None
        self.pending: set[str] = set()

    def run(self) -> _Translation:
        rules: dict[str, dict[str, Any]] = {"seen": {"all": [{"m": {"z": 0}}]}}
        keys: list[str] = []
        for index, (key, cond) in enumerate(self.violation.keyed_conditions):
            keys.append(key)
            self.rule = key
            self.current = cond
            true, false = self.truth(cond.compiled.node)
            for kind, pattern in (("t", true), ("f", false)):
                if pattern is not False:
                    rules[f"{kind}{index}"] = {"all": [{"m": _all([{"z": 0}, pattern])}]}
        return _Translation(rules, tuple(keys), self.fields, self.bounds, self.precomputed, self.notes)

    # fields --------------------------------------------------------------------------------
    def field_of(self, fact: str) -> tuple[str, FactKind]:
        if fact not in self.fields:
            self.fields[fact] = (f"f{len(self.fields)}", self.schema[fact].type)
        return self.fields[fact]

    def present(self, node: n.Node) -> list[Pattern]:
        return [{"$ex": {self.field_of(fact)[0]: 1}} for fact in sorted(fact_names(node))]

    def leaf_bounds(self, fact: str, kind: FactKind) -> tuple[int, int]:
        spec = self.schema[fact]
        if kind is FactKind.date:
            return ORDINALS
        scale = 100 if kind is FactKind.money else 1
        lo = floor(spec.min * scale) if spec.min is not None else (0 if kind is FactKind.money else -EXACT)
        hi = ceil(spec.max * scale) if spec.max is not None else EXACT
        return lo, hi

    # booleans ------------------------------------------------------------------------------
    def truth(self, node: n.Node) -> tuple[Pattern, Pattern]:
        """(when true, when false); both False means the value is unknown."""
        if not fact_names(node):
            value = compile_condition(node)({})
            return (False, False) if value is None else (bool(value), not value)
        if isinstance(node, n.Not):
            true, false = self.truth(node.operand)
            return false, true
        if isinstance(node, n.BoolOp):
            parts = [self.truth(op) for op in node.operands]
            trues, falses = [p[0] for p in parts], [p[1] for p in parts]
            return (_all(trues), _any(falses)) if node.op == "and" else (_any(trues), _all(falses))
        if isinstance(node, n.Name):
            name = self.field_of(node.fact)[0]
            return {name: 1}, {name: 0}
        if isinstance(node, n.Compare) and self.is_bool(node.left):
            (lt, lf), (rt, rf) = self.truth(node.left), self.truth(node.right)
            same, differ = _any([_all([lt, rt]), _all([lf, rf])]), _any([_all([lt, rf]), _all([lf, rt])])
            return (same, differ) if node.op == "==" else (differ, same)
        return self.atom(node)

    def is_bool(self, node: n.Node) -> bool:
        if isinstance(node, n.Literal):
            return isinstance(node.value, bool)
        if isinstance(node, n.Name):
            return self.schema[node.fact].type is FactKind.bool
        return isinstance(node, n.Not | n.BoolOp | n.Compare | n.Member)

    def atom(self, node: n.Node) -> tuple[Pattern, Pattern]:
        self.pending = set()
        try:
            if isinstance(node, n.Member):
                true, false = self.member(node)
            elif isinstance(node, n.Compare):
                true, false = self.compare(node.op, node.left, node.right), \
                    self.compare(_NEGATED[node.op], node.left, node.right)
            else:  # pragma: no cover - the checker admits no other boolean node
                raise _Precompute(f"'{node.text}' is not a construct the adapter knows")
        except _Precompute as why:
            return self.precompute(node, str(why))
        for fact in self.pending:
            self.bounds[fact] = self.leaf_bounds(fact, self.schema[fact].type)
        present = self.present(node)
        return _all([*present, true]), _all([*present, false])

    def precompute(self, node: n.Node, why: str) -> tuple[Pattern, Pattern]:
        if not self.allow:
            where = f" at {self.current.location}" if self.current is not None else ""
            raise DiscretionError(
                f"the durable backend cannot match rule {self.violation.id} {self.rule}{where} exactly: "
                f"'{node.text}': {why}; use the native backend", code="backend-unsupported")
        name = f"p{len(self.precomputed)}"
        self.precomputed.append((name, compile_condition(node)))
        self.notes.append(f"{self.violation.id} {self.rule}: '{node.text}' precomputed ({why})")
        return {name: 1}, {name: 0}

    # atoms ---------------------------------------------------------------------------------
    def member(self, node: n.Member) -> tuple[Pattern, Pattern]:
        equal = [self.compare("==", node.item, option) for option in node.options]
        differ = [self.compare("!=", node.item, option) for option in node.options]
        true, false = _any(equal), _all(differ)
        return (false, true) if node.negated else (true, false)

    def compare(self, op: str, left: n.Node, right: n.Node) -> Pattern:
        if self.is_text(left) or self.is_text(right):
            return self.compare_text(op, left, right)
        a, b = self.term(left), self.term(right)
        if a is None or b is None:
            return False  # a constant operand that is itself unknown (1 / 0)
        common = lcm(a.den, b.den)
        a, b = _scale(a, common // a.den), _scale(b, common // b.den)
        if a.field is not None and (b.literal or b.field is not None):
            return _compare(op, a.field, b.json)
        if b.field is not None and a.literal:
            return _compare(_FLIPPED[op], b.field, a.json)
        self.pending |= a.facts | b.facts
        difference = _combine("-", b, a)  # a op b  ⟺  0 op b − a, with "z" the message's constant 0
        return _compare(op, "z", difference.json)

    def is_text(self, node: n.Node) -> bool:
        if isinstance(node, n.Literal):
            return isinstance(node.value, str)
        return isinstance(node, n.Name) and self.schema[node.fact].type is FactKind.enum

    def compare_text(self, op: str, left: n.Node, right: n.Node) -> Pattern:
        if isinstance(left, n.Literal):
            left, right = right, left
        assert isinstance(left, n.Name)
        target: Any = right.value if isinstance(right, n.Literal) else {"$m": self.field_of(
            right.fact)[0]} if isinstance(right, n.Name) else None
        if target is None:  # pragma: no cover - the checker admits no other text operand
            raise _Precompute(f"'{right.text}' is not a value")
        return _compare(op, self.field_of(left.fact)[0], target)

    def term(self, node: n.Node) -> _Term | None:
        """The node as an integer term, or None when it is a constant that is unknown."""
        if not fact_names(node):
            value = compile_condition(node)({})
            return None if value is None else _const(_to_fraction(value))
        if isinstance(node, n.Name):
            if self.schema[node.fact].type is FactKind.number:  # any number of decimals: no exact integer scale
                raise _Precompute(f"'{node.fact}' is a decimal number, compared in Python")
            name, kind = self.field_of(node.fact)
            lo, hi = self.leaf_bounds(node.fact, kind)
            return _Term({"$m": name}, 100 if kind is FactKind.money else 1, lo, hi, name,
                         frozenset({node.fact}))
        if isinstance(node, n.Negate):
            inner = self.term(node.operand)
            if inner is None:
                return None
            return _checked(_Term({"$sub": {"$l": 0, "$r": inner.json}}, inner.den, -inner.hi, -inner.lo,
                                  facts=inner.facts))
        if isinstance(node, n.Arith):
            return self.arith(node)
        raise _Precompute(f"'{node.text}' is not a number")  # pragma: no cover

    def arith(self, node: n.Arith) -> _Term | None:
        if node.op == "/":
            raise _Precompute("division is not exact in the engine")
        left, right = self.term(node.left), self.term(node.right)
        if left is None or right is None:
            return None
        if node.op in "+-" and self.is_date(node.left) and not self.is_date(node.right):
            if right.literal:  # the native backend adds int(days): truncated toward zero
                right = _const(Fraction(int(Fraction(right.json, right.den))))
            elif right.den != 1:
                raise _Precompute("a date moved by a fractional number of days")
        return _combine(node.op, left, right)

    def is_date(self, node: n.Node) -> bool:
        if isinstance(node, n.Literal):
            return isinstance(node.value, date)
        if isinstance(node, n.Name):
            return self.schema[node.fact].type is FactKind.date
        if isinstance(node, n.Arith):
            return node.op in "+-" and self.is_date(node.left) and not self.is_date(node.right)
        return False


def translate(ruleset: CompiledRuleset, *, precompute: bool = True) -> dict[str, _Translation]:
    """Every violation as durable rules; DiscretionError ``backend-unsupported`` names a refused rule."""
    return {vid: _Translator(ruleset.schema, violation, precompute).run()
            for vid, violation in ruleset.violations.items()}


# -- the engine: one host, one lock, one session per evaluation --------------------------------
class _OwnHost(Host):  # type: ignore[misc]
    """A host without the dispatch timers, which would run actions on their own threads."""

    def _run(self) -> None:
        return None


@dataclass
class _Firing:
    values: dict[int, bool] = field(default_factory=dict)
    seen: bool = False
    error: tuple[str, BaseException] | None = None


class _Engine:
    def __init__(self) -> None:
        self.host = _OwnHost()
        self.lock = threading.Lock()
        self.registered: set[str] = set()
        self.sessions = itertools.count()
        self.firing: _Firing | None = None

    def register(self, name: str, rules: Mapping[str, Mapping[str, Any]]) -> None:
        """Register a definition once; the same name again (a reloaded ruleset) is reused."""
        if name in self.registered:
            return
        definition: dict[str, dict[str, Any]] = {}
        for rule, body in rules.items():
            definition[rule] = {**json.loads(json.dumps(body)), "run": self._action(rule)}
        self.host.register_rulesets({name: definition})
        self.registered.add(name)

    def _action(self, rule: str) -> Callable[[Any], None]:
        index = -1 if rule == "seen" else int(rule[1:])
        value = rule.startswith("t")

        def run(c: Any) -> None:
            try:
                self.fired(index, value)
            except BaseException as exc:  # durable would store it in the state and carry on
                firing = self.firing
                if firing is not None and firing.error is None:
                    firing.error = (rule, exc)

        return run

    def fired(self, index: int, value: bool) -> None:
        firing = self.firing
        assert firing is not None, "an action fired outside an evaluation"
        if index < 0:
            firing.seen = True
        elif firing.values.setdefault(index, value) is not value:
            raise RuntimeError(f"condition {index} matched as both true and false")

    def run(self, name: str, message: dict[str, Any]) -> dict[int, bool]:
        with self.lock:
            sid = str(next(self.sessions))
            message["sid"] = sid
            firing = self.firing = _Firing()
            handled = True
            try:
                self.host.assert_fact(name, message)
            except MessageNotHandledException:
                handled = False  # deleting such a session crashes the C core; the catch-all prevents it
            except Exception as exc:
                raise EngineError(f"durable_rules failed on ruleset {name}: {exc}") from exc
            finally:
                self.firing = None
                if handled:
                    self.host.delete_state(name, sid)
        if firing.error is not None:
            rule, cause = firing.error
            if not isinstance(cause, Exception):
                raise cause
            raise EngineError(f"an action of durable rule {rule} in {name} raised {type(cause).__name__}: "
                              f"{cause}") from cause
        if not handled or not firing.seen:
            raise EngineError(f"durable_rules did not handle the message for ruleset {name}")
        return firing.values


_ENGINE: _Engine | None = None
_ENGINE_LOCK = threading.Lock()


def _engine() -> _Engine:
    global _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            _ENGINE = _Engine()
        return _ENGINE


# -- the matcher ---------------------------------------------------------------------------------
class DurableMatcher:
    """Matches a violation's conditions through durable_rules; the same contract as match_native."""

    def __init__(self, ruleset: CompiledRuleset, *, precompute: bool = True) -> None:
        self.translations = translate(ruleset, precompute=precompute)
        self.engine = _engine()
        for translation in self.translations.values():
            self.engine.register(translation.name, translation.rules)
        self.names = {vid: t.name for vid, t in self.translations.items()}

    @property
    def precomputed(self) -> list[str]:
        """The atoms computed natively because the engine cannot match them exactly."""
        return [note for t in self.translations.values() for note in t.notes]

    def __call__(self, violation: CompiledViolation, facts: Mapping[str, Any]) -> dict[str, bool | None]:
        translation = self.translations[violation.id]
        if not translation.keys:
            return {}
        values = self.engine.run(self.names[violation.id], message(translation, facts))
        return {key: values.get(index) for index, key in enumerate(translation.keys)}


def message(translation: _Translation, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts as one JSON message: integers for money (fen), dates (ordinals) and booleans."""
    out: dict[str, Any] = {"z": 0}
    for fact, (name, kind) in translation.fields.items():
        value = facts.get(fact)
        if value is None:
            continue
        out[name] = encoded = _encode(fact, kind, value)
        bounds = translation.bounds.get(fact)
        if isinstance(encoded, int) and ((bounds is not None and not bounds[0] <= encoded <= bounds[1])
                                         or not -INT64 <= encoded <= INT64):
            raise EngineError(f"fact '{fact}' = {value} is beyond what the durable backend computes exactly "
                              f"(its arithmetic assumes {bounds or (-INT64, INT64)}); use the native backend "
                              "or declare the fact's min and max")
    for name, closure in translation.precomputed:
        result = closure(facts)
        if result is not None:
            out[name] = 1 if result else 0
    return out


def _encode(fact: str, kind: FactKind, value: Any) -> Any:
    if kind is FactKind.bool:
        return 1 if value else 0
    if kind is FactKind.money:
        fen = Decimal(value) * 100
        if fen != fen.to_integral_value():
            raise EngineError(f"fact '{fact}' = {value}: money has at most two decimals (fen)")
        return int(fen)
    if kind is FactKind.date:
        return value.toordinal()
    if kind in (FactKind.integer, FactKind.days):
        return int(value)
    return str(value)


_MATCHERS: weakref.WeakKeyDictionary[CompiledRuleset, DurableMatcher] = weakref.WeakKeyDictionary()
_MATCHERS_LOCK = threading.Lock()


def matcher(ruleset: CompiledRuleset) -> DurableMatcher:
    """The durable matcher of a compiled ruleset, translated and registered once."""
    with _MATCHERS_LOCK:
        found = _MATCHERS.get(ruleset)
        if found is None:
            found = _MATCHERS[ruleset] = DurableMatcher(ruleset)
        return found
