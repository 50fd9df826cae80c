"""The native matcher: a violation's conditions answered from a table of value combinations seen before.

Why: a violation's conditions mostly read a few yes/no and enum facts, so the same few combinations of
values come back case after case; working each out once and looking it up afterwards is cheaper than
running every closure on every case. Exact by construction:

* a condition's first read is always the same fact (before it, nothing depends on the facts): its
  *lead*. The closures read every lead on every case, so the table is keyed by the leads' values, with
  their types (``1 == True``, but a bare ``flag`` condition returns the value itself);
* on a combination not seen before, every condition runs over a view holding only those values. One
  that finishes there depends on nothing else: its result is kept. One that reaches for another fact
  is *live*, and the fact it reaches for is one its closure reads on such a case whatever else holds,
  so the walk reads that fact next, from a table of its own under the entry (a trie, one fact a level,
  like ``memo``'s). Conditions still live at the end run their closures on the real facts. A case
  therefore reads the same set of facts as with the closures alone, and gets the same values;
* a fact seen with many values (amounts, dates) stops being a key: more than ``WIDE`` values of a
  lead and the table is rebuilt without it; more than ``WIDE`` under one entry and that entry's
  conditions run live. A violation keeps at most about ``LIMIT`` entries;
* values that cannot be keys (unhashable, a signalling NaN) and conditions that raise go through the
  closures alone, as before.

Identical conditions (one closure: the compiler shares them by text) are worked out once. Facts are
read only through ``facts.get``, never iterated (``memo`` records the reads). Thread-safe: tables only
grow or are replaced whole, and an entry is complete before it is stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from .compile import CompiledViolation

__all__ = ["LIMIT", "WIDE", "match_native"]

LIMIT = 1024
"""Entries kept per violation (about): past it, the lead fact with most values leaves the key."""

WIDE = 48
"""Distinct values of a fact past which it is no longer a key (its conditions run their closures)."""

Result = dict[str, bool | None]
Facts = Mapping[str, Any]
Closure = Callable[[Facts], Any]
Live = tuple[tuple[str, Closure], ...]
Entry = tuple[Result, Live, "_Branch | None"]
"""Every key in order with the value known so far (None where live), the live conditions, what to read next."""
Table = dict[tuple[Any, ...], Entry]
Match = Callable[[Facts], Result]
Fill = Callable[[Facts, tuple[Any, ...]], Result]

_MATCHERS: dict[int, tuple[CompiledViolation, Match]] = {}
_LOCK = threading.Lock()


def match_native(violation: CompiledViolation, facts: Facts) -> Result:
    """Every keyed condition of the violation: True, False or None (unknown), as its closure gives.

    >>> import discretion
    >>> rs = discretion.load_ruleset("rulesets/tax/first-violation")
    >>> match_native(rs.violations["late-filing"], {"first_violation": True, "harm": "serious"})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'band:serious:when': None, 'item:tax-fv-03:0': True, 'item:tax-fv-03:1': False,
     'item:tax-fv-03:2': None}
    """
    try:
        owner, match = _MATCHERS[id(violation)]
    except KeyError:
        owner = None
    if owner is not violation:
        match = _install(_Plan(violation, frozenset()))
    return match(facts)


def _install(plan: _Plan) -> Match:
    match = _BY_ARITY.get(len(plan.names), _any_arity)(plan.names, plan.table, plan.fill)
    with _LOCK:
        if len(_MATCHERS) >= 4096 and id(plan.violation) not in _MATCHERS:
            _MATCHERS.clear()  # bounded like every per-process cache here; rebuilt on demand
        _MATCHERS[id(plan.violation)] = (plan.violation, match)
    return match


class _Live(BaseException):
    """A condition reached for a fact not known yet (BaseException: no closure catches it)."""


class _Known(Mapping[str, Any]):
    """Only the values known so far; reading anything else, or in another way, raises ``_Live``."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        if name not in self._values or default is not None:  # a key holds None for absent and for None
            raise _Live(name)
        return self._values[name]

    def __getitem__(self, name: str) -> Any:
        raise _Live(name)

    def __contains__(self, name: object) -> bool:
        raise _Live(name)

    def __iter__(self) -> Iterator[str]:
        raise _Live()

    def __len__(self) -> int:
        raise _Live()


class _Plan:
    """One violation's table: keyed by its lead facts, less those found to take too many values."""

    def __init__(self, violation: CompiledViolation, wide: frozenset[str]) -> None:
        self.violation = violation
        self.wide = set(wide)  # grows as branches find wide facts; the key shrinks only on a rebuild
        self.pairs: Live = tuple((key, cond.compiled.matcher) for key, cond in violation.keyed_conditions)
        self.names = tuple(name for name in dict.fromkeys(_lead(m) for _, m in self.pairs)
                           if name is not None and name not in wide)
        self.table: Table = {}
        self.seen: tuple[set[tuple[type, Any]], ...] = tuple(set() for _ in self.names)
        self.size = 0
        self.shared: dict[Any, Any] = {}  # one object for equal keys' parts and equal results: fewer cache misses

    def fill(self, facts: Facts, values: tuple[Any, ...]) -> Result:
        """A combination of the leads not seen yet: work it out, keep it if it can be kept, answer."""
        key = values + tuple([type(value) for value in values])
        try:
            hash(key)
            entry = self.entry(self.pairs, dict(zip(self.names, values, strict=True)), {}, self.table, key)
        except Exception:  # unhashable, or a condition raises: the closures alone, exactly as before
            return self.direct(facts)
        for seen, value in zip(self.seen, values, strict=True):
            seen.add((type(value), value))
        wide = {name for name, seen in zip(self.names, self.seen, strict=True) if len(seen) > WIDE}
        if not wide and self.size >= LIMIT and self.names:
            wide = {max(zip(self.names, self.seen, strict=True), key=lambda pair: len(pair[1]))[0]}
        if wide:
            _install(_Plan(self.violation, frozenset(self.wide | wide)))  # the next case uses it
        else:
            self.keep(self.table, key, entry)
        return _answer(entry, facts)

    def direct(self, facts: Facts) -> Result:
        return {key: closure(facts) for key, closure in self.pairs}

    def entry(self, pairs: Live, known: dict[str, Any], base: Result, table: Table, key: tuple[Any, ...]) -> Entry:
        """Run ``pairs`` over the known values: results for those that finish, the rest live."""
        view = _Known(known)
        out = dict(base)
        live: list[tuple[str, Closure]] = []
        reach: list[str] = []
        done: dict[int, str] = {}  # closure id → the key it first answered: identical conditions run once
        for name, closure in pairs:
            earlier = done.setdefault(id(closure), name)
            if earlier != name and earlier not in dict(live):
                out[name] = out[earlier]
                continue
            try:
                out[name] = closure(view)
            except _Live as reached:
                out[name] = None
                live.append((name, closure))
                reach.extend(reached.args)
        after = next((fact for fact in reach if fact not in self.wide), None)
        branch = None if after is None else _Branch(self, after, out, tuple(live), known, table, key)
        return out, tuple(live), branch

    def keep(self, table: Table, key: tuple[Any, ...], entry: Entry) -> None:
        self.size += 1
        if self.size > 4 * LIMIT:  # deep tries of narrow facts: start again rather than grow
            _install(_Plan(self.violation, frozenset(self.wide)))
            return
        shared = self.shared
        half = len(key) // 2  # values, then their types
        values = [shared.setdefault((kind, value), value) for value, kind in zip(key[:half], key[half:], strict=True)]
        key = (*values, *key[half:])
        base, live, branch = entry
        base = shared.setdefault(tuple([(name, value, type(value)) for name, value in base.items()]), base)
        table[key] = (base, live, branch)


class _Branch:
    """Under one entry: the fact its live conditions read next, and a table by that fact's value."""

    __slots__ = ("base", "key", "known", "live", "name", "parent", "plan", "table")

    def __init__(self, plan: _Plan, name: str, base: Result, live: Live, known: dict[str, Any],
                 parent: Table, key: tuple[Any, ...]) -> None:
        self.plan, self.name, self.base, self.live, self.known = plan, name, base, live, known
        self.parent, self.key = parent, key
        self.table: Table = {}

    def fill(self, facts: Facts, value: Any) -> Result:
        """A value of this fact not seen here yet."""
        plan, key = self.plan, (value, type(value))
        try:
            hash(key)
            entry = plan.entry(self.live, {**self.known, self.name: value}, self.base, self.table, key)
        except Exception:  # as in _Plan.fill
            return plan.direct(facts)
        if len(self.table) >= WIDE:  # too many values here: this entry's conditions run live from now on
            plan.wide.add(self.name)
            self.parent[self.key] = (self.base, self.live, None)
        else:
            plan.keep(self.table, key, entry)
        return _answer(entry, facts)


def _lead(closure: Closure) -> str | None:
    """The fact a closure reads first, whatever the facts (None: it reads none, a constant)."""
    try:
        closure(_Known({}))
    except _Live as live:
        return str(live.args[0]) if live.args else None
    except Exception:  # a closure that fails on no facts at all: always run live, never keyed
        return None
    return None


def _answer(entry: Entry, facts: Facts) -> Result:
    """The rest of a walk from an entry: read on down the branches, then run what is still live."""
    base, live, more = entry
    get = facts.get
    while more is not None:
        branch = more
        value = get(branch.name)
        try:
            base, live, more = branch.table[value, type(value)]
        except (KeyError, TypeError):  # not seen yet, or cannot be a key
            return branch.fill(facts, value)
    return _run(base, live, facts)


def _run(base: Result, live: Live, facts: Facts) -> Result:
    out = base.copy()
    for key, closure in live:
        out[key] = closure(facts)
    return out


# The fast paths, one per number of lead facts, written out by hand: on CPython, building the key with
# explicit calls costs half of ``tuple(map(facts.get, names))``. No code is generated. Each reads the
# leads, looks the combination up, reads on down the branches (as ``_answer``, inlined) and runs what
# is still live.

def _any_arity(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    def match(facts: Facts) -> Result:
        get = facts.get
        values = tuple([get(name) for name in names])
        try:
            base, live, more = table[values + tuple([type(value) for value in values])]
        except (KeyError, TypeError):  # a combination not seen yet, or a value that cannot be a key
            return fill(facts, values)
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _one(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    (n0,) = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a = get(n0)
        try:
            base, live, more = table[a, type(a)]
        except (KeyError, TypeError):
            return fill(facts, (a,))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _two(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    n0, n1 = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a, b = get(n0), get(n1)
        try:
            base, live, more = table[a, b, type(a), type(b)]
        except (KeyError, TypeError):
            return fill(facts, (a, b))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _three(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    n0, n1, n2 = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a, b, c = get(n0), get(n1), get(n2)
        try:
            base, live, more = table[a, b, c, type(a), type(b), type(c)]
        except (KeyError, TypeError):
            return fill(facts, (a, b, c))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _four(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    n0, n1, n2, n3 = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a, b, c, d = get(n0), get(n1), get(n2), get(n3)
        try:
            base, live, more = table[a, b, c, d, type(a), type(b), type(c), type(d)]
        except (KeyError, TypeError):
            return fill(facts, (a, b, c, d))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _five(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    n0, n1, n2, n3, n4 = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a, b, c, d, e = get(n0), get(n1), get(n2), get(n3), get(n4)
        try:
            base, live, more = table[a, b, c, d, e, type(a), type(b), type(c), type(d), type(e)]
        except (KeyError, TypeError):
            return fill(facts, (a, b, c, d, e))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


def _six(names: tuple[str, ...], table: Table, fill: Fill) -> Match:
    n0, n1, n2, n3, n4, n5 = names

    def match(facts: Facts) -> Result:
        get = facts.get
        a, b, c, d, e, f = get(n0), get(n1), get(n2), get(n3), get(n4), get(n5)
        try:
            base, live, more = table[a, b, c, d, e, f, type(a), type(b), type(c), type(d), type(e), type(f)]
        except (KeyError, TypeError):
            return fill(facts, (a, b, c, d, e, f))
        while more is not None:
            branch = more
            value = get(branch.name)
            try:
                base, live, more = branch.table[value, type(value)]
            except (KeyError, TypeError):
                return branch.fill(facts, value)
        return _run(base, live, facts) if live else base.copy()

    return match


_BY_ARITY: dict[int, Callable[[tuple[str, ...], Table, Fill], Match]] = {
    1: _one, 2: _two, 3: _three, 4: _four, 5: _five, 6: _six}
