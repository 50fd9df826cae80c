"""Ruleset → CompiledRuleset: every condition parsed, type-checked and turned into a matcher.

All problems are collected and raised together, each located at file:line:col with the rule's id.
The compiled form is immutable and holds no per-case state, so one instance serves many threads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from pydantic import ValidationError

from ._yaml import Positions
from .errors import CaseError, Location, Problem, RulesetError, did_you_mean
from .expr import Condition, ExprSyntaxError, ExprTypeError, FactType, condition
from .expr.checker import fact_names
from .expr.parser import parse
from .fact_values import coerce
from .models.facts import FactKind, FactSpec
from .models.penalty import Band, ConditionSpec, Fine, FineShape, Formula, Tier, normalise_conditions
from .models.ruleset import FINDING_CODES, ListItem, Ruleset, Violation
from .models.vocabulary import MEASURES, Label, PenaltyType
from .standard_facts import DATED_FACTS, STANDARD_FACTS

if TYPE_CHECKING:
    from .models.outcome import RulesetRef

__all__ = ["CompiledCondition", "CompiledRuleset", "CompiledViolation", "compile_ruleset"]

Path = tuple[str | int, ...]
FORBIDDEN_IN_CONDITIONS = {"party_argued": "art. 45: a penalty is never heavier because the party argued"}


class Where:
    """Where a part of a ruleset is written, located (file:line:col) only when asked: by an error or a
    finding. Working positions out means reading the file again (``Positions.deferred``), which a
    ruleset that loads cleanly and is only evaluated never needs.

    ``paths`` are the candidates in order (a condition may be written as a text or as a mapping with
    ``when``): the first that the file has is the one located, else the last.
    """

    __slots__ = ("_paths", "_positions", "_source")

    def __init__(self, positions: Positions, source: str, *paths: Path) -> None:
        self._positions, self._source, self._paths = positions, source, paths

    def path(self) -> Path:
        values = self._positions.values
        for candidate in self._paths[:-1]:
            if candidate in values:
                return candidate
        return self._paths[-1]

    @property
    def location(self) -> Location:
        return self._positions.locate(self._source, self.path())


# The compiled parts are named tuples, not frozen dataclasses: as immutable, and a tenth of the cost to
# define (a dataclass compiles generated source when its module is imported: 0.5 ms each, on every load).


class CompiledCondition(NamedTuple):
    """One compiled condition, with the published wording it encodes and where it was written."""

    spec: ConditionSpec
    compiled: Condition
    where: Where

    @property
    def location(self) -> Location:
        return self.where.location


class CompiledBand(NamedTuple):
    model: Band
    when: CompiledCondition | None
    only_if: CompiledCondition | None
    where: Where

    @property
    def location(self) -> Location:
        return self.where.location

    @property
    def only_if_words(self) -> str:
        """The condition of the band's fine as the statute words it (``only_if_zh``), else as written."""
        fine = self.model.fine
        return (fine.only_if_zh if fine is not None else None) or (self.only_if.spec.when if self.only_if else "")


class CompiledTier(NamedTuple):
    model: Tier
    conditions: tuple[CompiledCondition, ...]
    fine: Fine | None
    where: Where

    @property
    def location(self) -> Location:
        return self.where.location


class CompiledItem(NamedTuple):
    model: ListItem
    conditions: tuple[CompiledCondition, ...]
    where: Where

    @property
    def location(self) -> Location:
        return self.where.location


@dataclass(frozen=True)
class CompiledViolation:
    id: str
    model: Violation
    bands: tuple[CompiledBand, ...]
    tiers: tuple[CompiledTier, ...]
    items: tuple[CompiledItem, ...]
    criminal: tuple[CompiledCondition, ...]
    formula: Formula | None
    where: Where

    @property
    def location(self) -> Location:
        return self.where.location

    @cached_property
    def keyed_conditions(self) -> tuple[tuple[str, CompiledCondition], ...]:
        """Every condition of this violation under a stable key; backends match these keys."""
        keyed: list[tuple[str, CompiledCondition]] = []
        for band in self.bands:
            if band.when is not None:
                keyed.append((f"band:{band.model.id}:when", band.when))
            if band.only_if is not None:
                keyed.append((f"band:{band.model.id}:only_if", band.only_if))
        for tier in self.tiers:
            keyed.extend((f"tier:{tier.model.id}:{i}", c) for i, c in enumerate(tier.conditions))
        for item in self.items:
            keyed.extend((f"item:{item.model.id}:{i}", c) for i, c in enumerate(item.conditions))
        keyed.extend((f"criminal:{i}", c) for i, c in enumerate(self.criminal))
        return tuple(keyed)

    def inherited_types(self, band: CompiledBand | None) -> tuple[PenaltyType, ...]:
        """The statute's penalty types for a band that names none of its own: all but those that only
        other bands name (a statute's "情节严重的，并处…" belongs to the band that names it). Read on
        every evaluation: worked out once per band."""
        return self._inherited[None if band is None else band.model.id]

    @cached_property
    def _inherited(self) -> dict[str | None, tuple[PenaltyType, ...]]:
        def kept(penalty: PenaltyType, band_id: str | None) -> bool:
            naming = [b.model.id for b in self.bands if penalty in b.model.types]
            return not naming or band_id in naming

        return {band_id: tuple(t for t in self.model.statutory.types if kept(t, band_id))
                for band_id in (None, *(b.model.id for b in self.bands))}

    @cached_property
    def matchers(self) -> tuple[tuple[str, Callable[[Mapping[str, Any]], Any]], ...]:
        """Each keyed condition's closure under its key: what the native backend runs, per case."""
        return tuple((key, cond.compiled.matcher) for key, cond in self.keyed_conditions)


@dataclass(frozen=True, eq=False)
class CompiledRuleset:
    """A loaded ruleset ready to evaluate: the data (``model``), its hash and the compiled rules."""

    model: Ruleset
    source: str
    sha256: str
    schema: Mapping[str, FactSpec]
    violations: Mapping[str, CompiledViolation]
    measure_labels: Mapping[str, Label]
    positions: Positions = field(repr=False)
    implications: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, repr=False)

    @property
    def id(self) -> str:
        return self.model.id

    @property
    def version(self) -> str:
        return self.model.version

    @cached_property
    def ref(self) -> RulesetRef:
        """What every recommendation cites of this ruleset (id, version, content hash), built once."""
        from .models.outcome import RulesetRef, build  # the output models: not needed to load

        return build(RulesetRef, id=self.id, version=self.version, sha256=self.sha256)

    @cached_property
    def special_limitation(self) -> tuple[int, str] | None:
        """Art. 36's period as a law of this ruleset sets it (``parameters.limitation``): its years and
        the article's label; None for art. 36's own two or five years."""
        special = self.model.parameters.limitation
        return None if special is None else (special.years, special.basis.label())

    @cached_property
    def conditions_read_dates(self) -> bool:
        """Whether a condition reads a date the statute reads (``DATED_FACTS``): if none does, cases
        alike but for those dates differ only where the statute reads them (see ``redating``)."""
        return any(name in cond.compiled.facts for violation in self.violations.values()
                   for _, cond in violation.keyed_conditions for name in DATED_FACTS)

    def violation(self, vid: str) -> CompiledViolation:
        """The compiled violation ``vid``, for functions that take its id (plots, strategies): an unknown id
        is a CaseError naming the nearest ids, as in a case, rather than a bare KeyError."""
        found = self.violations.get(vid)
        if found is None:
            raise CaseError([Problem("unknown-violation", f"'{vid}' is not a violation of ruleset {self.id}",
                                     Location("violation"), did_you_mean(vid, self.violations))])
        return found

    def __repr__(self) -> str:
        return f"<CompiledRuleset {self.id} {self.version} sha256={self.sha256[:12]}…>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as its validated data and recompiled on arrival: closures do not travel, data does."""
        data = self.model.model_dump(mode="python", by_alias=True)
        return _recompile, (data, self.source, self.positions, self.sha256)

    def _repr_html_(self) -> str:  # notebooks
        from .render import ruleset_html

        return ruleset_html(self)


def _recompile(data: dict[str, Any], source: str, positions: Positions, sha256: str) -> CompiledRuleset:
    return compile_ruleset(Ruleset.model_validate(data), source=source, positions=positions, sha256=sha256)


def compile_ruleset(model: Ruleset, *, source: str = "<ruleset>", positions: Positions | None = None,
                    sha256: str = "") -> CompiledRuleset:
    """Compile every condition; raise RulesetError listing every problem found."""
    return _Compiler(model, source, positions or Positions(), sha256).run()


def condition_problems(data: Any, source: str, positions: Positions) -> list[Problem]:
    """The problems of the list items' references, the facts and the conditions of a file whose structure
    did not validate, found on its raw data, so that the file's first report names them beside the
    structural ones.

    Each list item's violation is looked up among the violations written, and every condition text
    under the violations (bands, their fine's ``only_if``, tiers, criminal referral) and the list items
    is checked against the declared facts, as compiling would. The conditions are left alone when the
    facts themselves do not validate: there is nothing to check them against yet.
    """
    checker = _Checker(source, positions)
    if not isinstance(data, dict):
        return []
    _raw_references(data, checker)
    _raw_misplaced(data, checker)
    waivers = data.get("waivers")
    for index, waiver in enumerate(waivers if isinstance(waivers, list) else ()):
        if isinstance(waiver, dict) and isinstance(waiver.get("check"), str):
            checker.waiver_check(waiver["check"], index)
    raw_facts = data.get("facts")
    if raw_facts is not None and not isinstance(raw_facts, dict):
        return checker.problems  # no facts to check conditions against: the structural error says why
    facts: dict[str, FactSpec] = {}
    for name, spec in (raw_facts or {}).items():
        try:
            facts[str(name)] = FactSpec.model_validate(spec)
        except ValidationError:
            return checker.problems
    checker.declare(facts)
    for raw, base, rule, single in _raw_conditions(data):
        specs = [{"when": raw}] if single else normalise_conditions(raw)
        for index, spec in enumerate(specs if isinstance(specs, list) else ()):
            text = spec.get("when") if isinstance(spec, dict) else None
            if not isinstance(text, str):
                continue  # not a text: a structural error, reported as such
            try:
                checked = ConditionSpec(when=text)
            except ValidationError:  # empty or too long: the same
                continue
            checker.condition(checked, checker.where(base) if single else checker.condition_where(base, index), rule)
    return checker.problems


def _raw_references(data: dict[str, Any], checker: _Checker) -> None:
    """Each list item's violation, looked up among the violations as written."""
    violations, items = data.get("violations"), data.get("list_items")
    if not isinstance(violations, dict):
        return
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            one, several = item.get("violation"), item.get("violations")
            named = [one] if isinstance(one, str) else several if isinstance(several, list) else []
            key = "violation" if isinstance(one, str) else "violations"
            for vid in named:
                if isinstance(vid, str):
                    checker.violation_declared(item["id"], vid, violations, ("list_items", index, key))


def _raw_rules(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Path, str]]:
    """The rules of raw ruleset data as written, each with its path and the rule id it reports: the
    statutory fine of a single band (``fine``), each ``band``, ``tier``, ``criminal`` referral and list
    ``item``. Read when the structure does not validate, so every part is checked before it is used."""
    violations = data.get("violations")
    for vid, violation in violations.items() if isinstance(violations, dict) else ():
        if not isinstance(violation, dict):
            continue
        base: Path = ("violations", vid)
        statutory = violation.get("statutory")
        if isinstance(statutory, dict):
            bands, fine = statutory.get("bands"), statutory.get("fine")
            if bands is None and isinstance(fine, dict):  # one band, the statutory fine itself
                yield "fine", fine, (*base, "statutory", "fine"), f"{vid}/default"
            for index, band in enumerate(bands if isinstance(bands, list) else ()):
                if isinstance(band, dict):
                    yield "band", band, (*base, "statutory", "bands", index), f"{vid}/{band.get('id')}"
        tiers = violation.get("tiers")
        for index, tier in enumerate(tiers if isinstance(tiers, list) else ()):
            if isinstance(tier, dict):
                yield "tier", tier, (*base, "tiers", index), f"{vid}/{tier.get('id')}"
        referral = violation.get("criminal_referral")
        if isinstance(referral, dict):
            yield "criminal", referral, (*base, "criminal_referral"), f"{vid}/criminal_referral"
    items = data.get("list_items")
    for index, item in enumerate(items if isinstance(items, list) else ()):
        if isinstance(item, dict):
            yield "item", item, ("list_items", index), str(item.get("id", f"list item {index + 1}"))


def _raw_misplaced(data: dict[str, Any], checker: _Checker) -> None:
    """``only_if`` on a fine that would ignore it (a tier's, a list item's, a ``no_base``), as compiling finds."""
    def fine(raw: Any, path: Path, rule: str, statutory: bool, nested: bool = False) -> None:
        if not isinstance(raw, dict):
            return
        if not statutory or nested:
            for key in ("only_if", "only_if_zh"):
                if raw.get(key) is not None:
                    checker.only_if_misplaced(rule, (*path, key), statutory=statutory)
        fine(raw.get("no_base"), (*path, "no_base"), rule, statutory, True)

    for kind, raw, path, rule in _raw_rules(data):
        if kind == "fine":
            fine(raw, path, rule, True)
        elif kind != "criminal":
            fine(raw.get("fine"), (*path, "fine"), rule, kind == "band")


def _raw_conditions(data: dict[str, Any]) -> Iterator[tuple[Any, Path, str, bool]]:
    """Each condition text or list of conditions in raw ruleset data, with its path, the rule it belongs
    to, and whether it is a single text (a band's ``when`` and its fine's ``only_if``)."""
    for kind, raw, path, rule in _raw_rules(data):
        if kind == "fine":
            yield raw.get("only_if"), (*path, "only_if"), rule, True
            continue
        yield raw.get("when"), (*path, "when"), rule, kind == "band"
        fine = raw.get("fine")
        if kind == "band" and isinstance(fine, dict):
            yield fine.get("only_if"), (*path, "fine", "only_if"), rule, True


class _Checker:
    """Conditions checked against the declared facts, each problem located in the file."""

    def __init__(self, source: str, positions: Positions) -> None:
        self.source, self.positions = source, positions
        self.problems: list[Problem] = []
        self.schema: dict[str, FactSpec] = dict(STANDARD_FACTS)
        self.types: dict[str, FactType] = {}

    def at(self, path: Path) -> Location:
        return self.positions.locate(self.source, path)

    def where(self, *paths: Path) -> Where:
        return Where(self.positions, self.source, *paths)

    def fail(self, code: str, message: str, path: Path, hint: str | None = None, subject: str | None = None) -> None:
        self.problems.append(Problem(code, message, self.at(path), hint, subject))

    def declare(self, facts: Mapping[str, FactSpec]) -> None:
        """The ruleset's own facts beside the standard ones, and every fact's type."""
        for name, spec in facts.items():
            path: Path = ("facts", name)
            if name in STANDARD_FACTS:
                self.fail("standard-fact-redefined", f"'{name}' is a standard fact shared by every ruleset; "
                          "use it as it is, or declare a fact with another name", path)
                continue
            if not name.isidentifier() or name.startswith("_"):
                self.fail("invalid-fact-name", f"'{name}' is not a valid fact name (letters, digits, '_'; "
                          "not starting with a digit or '_')", path)
                continue
            self.schema[name] = spec
            if spec.default is not None:
                try:
                    coerce(spec, spec.default)
                except ValueError as exc:  # else every evaluation would fail on it
                    self.fail("type-error", f"fact '{name}' ({spec.type}): its default is not one of its "
                              f"values: {exc}", (*path, "default"), subject=name)
        types = dict(_standard_types())
        types.update((name, fact_type(spec)) for name, spec in self.schema.items() if name not in types)
        self.types = types

    def condition(self, spec: ConditionSpec, where: Where, rule: str) -> CompiledCondition | None:
        try:
            compiled = checked_condition(spec.when, self.types)
        except (ExprSyntaxError, ExprTypeError) as exc:
            hint = getattr(exc, "hint", None)
            self.problems.append(Problem(exc.code, f"{exc.message} in rule {rule}: {spec.when!r}",
                                         self._column(where.path(), exc.offset), hint, rule))
            return None
        for name in compiled.facts & FORBIDDEN_IN_CONDITIONS.keys():
            self.fail("argument-cannot-aggravate", f"rule {rule} reads '{name}': "
                      f"{FORBIDDEN_IN_CONDITIONS[name]}", where.path(), subject=rule)
            return None
        return CompiledCondition(spec, compiled, where)

    def _column(self, path: Path, offset: int) -> Location:
        value = self.positions.values.get(path)
        if value is None:
            return self.at(path)
        line, column, style = value
        if style in (None, '"', "'"):
            return Location(self.source, line, column + offset + (1 if style else 0))
        return Location(self.source, line, column)

    def conditions(self, specs: tuple[ConditionSpec, ...], base: Path, rule: str) -> tuple[CompiledCondition, ...]:
        out: list[CompiledCondition] = []
        for index, spec in enumerate(specs):
            compiled = self.condition(spec, self.condition_where(base, index), rule)
            if compiled is not None:
                out.append(compiled)
        return tuple(out)

    def condition_where(self, base: Path, index: int) -> Where:
        """Where condition ``index`` of a list of conditions is: a mapping's ``when``, a text in the list, or
        a single text written in place of the list."""
        return self.where((*base, index, "when"), (*base, index), base)

    def violation_declared(self, item: str, vid: str, declared: Mapping[str, Any], path: Path) -> None:
        """A list item's reference to a violation: a problem unless it is declared."""
        if vid not in declared:
            self.fail("unknown-violation", f"list item {item} refers to violation '{vid}', which is not declared",
                      path, did_you_mean(vid, declared), item)

    def only_if_misplaced(self, rule: str, path: Path, *, statutory: bool) -> None:
        """``only_if`` where it would be ignored: only a statutory band's own fine honours it."""
        where = "the statutory fine's 'no_base'" if statutory else \
            "a tier's or list item's fine (a tier or item says when it applies with 'when')"
        self.fail("misplaced-key", f"rule {rule}: '{path[-1]}' belongs to a statutory fine (a band's fine), "
                  f"not to {where}", path, subject=rule)

    def waiver_check(self, code: str, index: int) -> None:
        """A waiver's check: a finding code of the static checks or a property name, else it waives nothing."""
        from .checks import PROPERTY_NAMES  # light: the names only

        known = (*FINDING_CODES, *PROPERTY_NAMES)
        if code not in known:
            self.fail("unknown-check", f"waiver {index + 1} names check '{code}', which is neither a finding code "
                      "of the static checks nor a property, so it would waive nothing", ("waivers", index, "check"),
                      did_you_mean(code, known) or f"one of: {', '.join(known)}", code)

    def _single(self, text: str | None, path: Path, rule: str, *otherwise: Path) -> CompiledCondition | None:
        """A single condition text at ``path`` (or, where the file has no such path, ``otherwise``).

        Its spec is built, not validated: the text was validated with its band or fine, and checking it
        as a condition says what is wrong with it (an empty one included), located where it is written.
        """
        if text is None:
            return None
        return self.condition(ConditionSpec.model_construct(when=text), self.where(path, *otherwise), rule)


class _Compiler(_Checker):
    """A validated ruleset compiled: its facts, list items, violations and implications."""

    def __init__(self, model: Ruleset, source: str, positions: Positions, sha256: str) -> None:
        super().__init__(source, positions)
        self.model, self.sha256 = model, sha256

    def run(self) -> CompiledRuleset:
        self.declare(self.model.facts)
        measures: dict[str, Label] = dict(MEASURES)
        measures.update({code: Label(text.zh, text.en) for code, text in self.model.measures.items()})
        formulas = {f.id: f for f in self.model.formulas}
        violations: dict[str, CompiledViolation] = {}
        items_by_violation: dict[str, list[CompiledItem]] = {vid: [] for vid in self.model.violations}
        self._items(items_by_violation, measures)
        for index, waiver in enumerate(self.model.waivers):
            self.waiver_check(waiver.check, index)
        for vid, violation in self.model.violations.items():
            violations[vid] = self._violation(vid, violation, formulas, items_by_violation[vid])
        implications = self._implications()
        if self.problems:
            raise RulesetError(self.problems)
        return CompiledRuleset(self.model, self.source, self.sha256, MappingProxyType(self.schema),
                               MappingProxyType(violations), MappingProxyType(measures), self.positions,
                               MappingProxyType(implications))

    def _implications(self) -> dict[str, Mapping[str, Any]]:
        """Facts that imply others when true; each target checked against its declared type."""
        out: dict[str, Mapping[str, Any]] = {}
        for name, spec in self.model.facts.items():
            if not spec.implies:
                continue
            checked: dict[str, Any] = {}
            for target, value in spec.implies.items():
                path: Path = ("facts", name, "implies", target)
                target_spec = self.schema.get(target)
                if target_spec is None:
                    self.fail("unknown-fact", f"fact '{name}' implies '{target}', which is not a fact", path,
                              did_you_mean(target, self.schema), name)
                    continue
                try:
                    checked[target] = coerce(target_spec, value)
                except ValueError as exc:
                    self.fail("type-error", f"fact '{name}' implies {target} = {value!r}: {exc}", path, subject=name)
            if checked:
                out[name] = MappingProxyType(checked)
        return out

    def _items(self, by_violation: dict[str, list[CompiledItem]], measures: Mapping[str, Label]) -> None:
        seen: dict[str, int] = {}
        for index, item in enumerate(self.model.list_items):
            path: Path = ("list_items", index)
            if item.id in seen:
                self.fail("duplicate-id", f"list item id '{item.id}' is used twice (first as item "
                          f"{seen[item.id] + 1})", (*path, "id"), subject=item.id)
            seen.setdefault(item.id, index)
            for vid in item.applies_to:
                self.violation_declared(item.id, vid, by_violation, (*path, "violation" if item.violation
                                                                       else "violations"))
            for code in item.measures:
                if code not in measures:
                    self.fail("unknown-measure", f"list item {item.id} names measure '{code}', which is neither "
                              "built in nor declared under 'measures'", (*path, "measures"),
                              did_you_mean(code, measures), item.id)
            if item.fine is not None:
                self._fine(item.fine, (*path, "fine"), item.id)
            conditions = self.conditions(item.conditions, (*path, "when"), item.id)
            compiled = CompiledItem(item, conditions, self.where(path))
            for vid in item.applies_to:
                if vid in by_violation:
                    by_violation[vid].append(compiled)

    def _fine(self, fine: Fine, path: Path, rule: str, *, statutory: bool = False, nested: bool = False) -> None:
        if not statutory or nested:
            for key in ("only_if", "only_if_zh"):
                if getattr(fine, key) is not None:
                    self.only_if_misplaced(rule, (*path, key), statutory=statutory)
        if fine.multiple_of is not None:
            self._fact_of_kind(fine.multiple_of, (FactKind.money,), self.where((*path, "multiple_of")), rule)
        if fine.units is not None:
            self._fact_of_kind(fine.units, (FactKind.days, FactKind.integer),
                               self.where((*path, "units"), (*path, "days")), rule)  # either name
        if fine.per_unit is not None and fine.per_unit.amount_of is not None:
            self._fact_of_kind(fine.per_unit.amount_of, (FactKind.money,),
                               self.where((*path, "per_unit", "amount_of"), (*path, "per_day", "amount_of")), rule)
        if statutory and fine.shape is FineShape.range and fine.max is None:
            self.fail("missing-key", f"rule {rule}: a statutory fine range gives its 'max'", path, subject=rule)
        if fine.no_base is not None:
            self._fine(fine.no_base, (*path, "no_base"), rule, statutory=statutory, nested=True)

    def _fact_of_kind(self, name: str, kinds: tuple[FactKind, ...], where: Where, rule: str) -> None:
        """A fine's named fact, declared and of a kind it can count; located only if it is not."""
        spec = self.schema.get(name)
        if spec is None:
            self.fail("unknown-fact", f"rule {rule} names fact '{name}', which is not declared", where.path(),
                      did_you_mean(name, self.schema), rule)
        elif spec.type not in kinds:
            wanted = " or ".join(k.value for k in kinds)
            self.fail("type-error", f"rule {rule} needs a {wanted} fact, but '{name}' is a {spec.type}",
                      where.path(), subject=rule)

    def _violation(self, vid: str, violation: Violation, formulas: Mapping[str, Formula],
                   items: list[CompiledItem]) -> CompiledViolation:
        base: Path = ("violations", vid)
        bands: list[CompiledBand] = []
        single: Path = (*base, "statutory", "fine")  # one band, written as the statutory fine itself
        listed = "bands" in violation.statutory.model_fields_set  # as written (a model unpickled has both)
        for index, band in enumerate(violation.statutory.bands):
            band_path: Path = (*base, "statutory", "bands", index) if listed else single
            fine_path = (*band_path, "fine") if listed else band_path
            rule = f"{vid}/{band.id}"
            when = self._single(band.when, (*band_path, "when"), rule)
            only_if = None
            if band.fine is not None:
                self._fine(band.fine, fine_path, rule, statutory=True)
                if band.fine.shape is FineShape.percent:
                    self.fail("invalid-value", f"band {rule}: a statutory fine cannot be a percentage",
                              band_path, subject=rule)
                only_if = self._single(band.fine.only_if, (*fine_path, "only_if"), rule, (*single, "only_if"))
            bands.append(CompiledBand(band, when, only_if, self.where(band_path, single)))
        band_ids = {band.id for band in violation.statutory.bands}
        formula = None
        if violation.formula is not None:
            formula = formulas.get(violation.formula)
            if formula is None:
                self.fail("unknown-formula", f"violation {vid} uses formula '{violation.formula}', which is "
                          "not declared under 'formulas'", (*base, "formula"),
                          did_you_mean(violation.formula, formulas), vid)
        tiers: list[CompiledTier] = []
        for index, tier in enumerate(violation.tiers):
            path: Path = (*base, "tiers", index)
            rule = f"{vid}/{tier.id}"
            if tier.band is not None and tier.band not in band_ids:
                self.fail("unknown-band", f"tier {rule} names band '{tier.band}', which the statutory penalty "
                          f"does not have (bands: {', '.join(sorted(band_ids)) or 'none'})", (*path, "band"),
                          did_you_mean(tier.band, band_ids), rule)
            if tier.fine is not None:
                self._fine(tier.fine, (*path, "fine"), rule)
            conditions = self.conditions(tier.when, (*path, "when"), rule)
            tiers.append(CompiledTier(tier, conditions, tier.fine, self.where(path)))
        criminal: tuple[CompiledCondition, ...] = ()
        if violation.criminal_referral is not None:
            criminal = self.conditions(violation.criminal_referral.when, (*base, "criminal_referral", "when"),
                                       f"{vid}/criminal_referral")
        return CompiledViolation(vid, violation, tuple(bands), tuple(tiers), tuple(items), criminal, formula,
                                 self.where(base))


_CHECKED: dict[tuple[object, ...], Condition] = {}
_CHECKED_MAX = 8192


def checked_condition(text: str, types: Mapping[str, FactType]) -> Condition:
    """``condition(text, types)``, shared by every rule that writes the same text over facts of the same types.

    Checking and compiling depend only on the text and the types of the facts it reads, and a Condition
    is immutable, so one serves every rule and ruleset of the process that repeats it (``first_violation``
    appears in dozens). A condition that fails is not kept: it fails afresh, reported where it is written.
    """
    key = (text, *[types.get(name) for name in _reads(text)])
    found = _CHECKED.get(key)
    if found is None:
        found = condition(text, types)
        if len(_CHECKED) >= _CHECKED_MAX:
            _CHECKED.clear()
        _CHECKED[key] = found
    return found


@lru_cache(maxsize=4096)
def _reads(text: str) -> tuple[str, ...]:
    """The facts a condition reads, in a fixed order (raises ExprSyntaxError as parse does)."""
    return tuple(sorted(fact_names(parse(text))))


def fact_type(spec: FactSpec) -> FactType:
    """The checker's view of a declared fact."""
    return FactType(spec.type.value, spec.codes)


@lru_cache(maxsize=1)
def _standard_types() -> Mapping[str, FactType]:
    """The checker's view of the standard facts, worked out once: every ruleset has them."""
    return MappingProxyType({name: fact_type(spec) for name, spec in STANDARD_FACTS.items()})
