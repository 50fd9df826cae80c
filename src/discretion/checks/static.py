"""Static checks of a loaded ruleset: findings with a code, a severity, ``path:line:col`` and a hint.

Errors make a ruleset unfit to publish; warnings are inconsistencies a reviewer must look at (real
published tables have gaps, and the check reports them rather than papering over them); info notes
what the ruleset cannot decide on its own (no tiers: the statutory range applies).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..case import TIMELY
from ..compile import CompiledCondition, CompiledRuleset, CompiledTier, CompiledViolation
from ..errors import Location, did_you_mean
from ..factspace import enumerate_space, literals_by_fact, points
from ..loading import RULESET_FILE
from ..models.common import Citation, Verification
from ..models.penalty import Fine, FineShape
from ..models.ruleset import FINDING_CODES, Ground
from ..models.vocabulary import ListKind, Modality, Outcome
from . import PROPERTY_NAMES

__all__ = ["Finding", "Severity", "check", "check_all", "check_versions"]

_ORDER = {Outcome.mitigated: 0, Outcome.lighter: 1, Outcome.standard: 2, Outcome.heavier: 3}


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@dataclass(frozen=True)
class Finding:
    """One static finding: code, severity, where, what, and how to fix it."""

    code: str
    severity: Severity
    message: str
    location: Location | None
    hint: str | None = None
    subject: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{self.severity.value}: {self.code}: {self.message}{hint}"


def check(ruleset: CompiledRuleset, *, today: date | None = None) -> list[Finding]:
    """Every finding for one ruleset, in file order of the rules they concern; ``version-expired`` as for
    a ruleset checked alone (no successor known: ``check_all`` looks across its versions)."""
    return _findings(ruleset) + _expired([ruleset], today or date.today())


def check_all(rulesets: Sequence[CompiledRuleset], *, today: date | None = None) -> list[Finding]:
    """Every finding for these rulesets together: each one's own, and those across files
    (``check_versions``: a lapsed version whose successor is among them is not reported)."""
    return [f for ruleset in rulesets for f in _findings(ruleset)] + check_versions(rulesets, today=today)


def _findings(ruleset: CompiledRuleset) -> list[Finding]:
    out: list[Finding] = []
    for violation in ruleset.violations.values():
        out += _citations(ruleset, violation)
        out += _types(violation)
        out += _tier_ranges(violation)
        out += _tier_space(ruleset, violation)
        if not violation.tiers:
            out.append(Finding("no-tiers", Severity.info, f"violation {violation.id} has no baseline tiers: the "
                               "statutory range applies", violation.location,
                               "add tiers from a cited local baseline, or keep the statutory range", violation.id))
    out += _items(ruleset)
    out += _item_fines(ruleset)
    out += _unused_facts(ruleset)
    out += _status_above_source(ruleset)
    model = ruleset.model
    unverified = [i.id for i in model.list_items if i.status is Verification.unverified]
    if unverified:
        out.append(Finding("unverified-items", Severity.info, f"{len(unverified)} unverified item(s) stay out of "
                           f"the default registry: {', '.join(unverified)}", Location(ruleset.source, 1, 1),
                           None, model.id))
    for waiver in model.waivers:
        if waiver.check in PROPERTY_NAMES:
            subject = f" for fact '{waiver.subject}'" if waiver.subject else ""
            out.append(Finding("property-waived", Severity.info, f"property {waiver.check} is waived{subject}: "
                               f"{waiver.reason}", Location(ruleset.source, 1, 1), None, waiver.subject))
    out += _stale_waivers(ruleset, out)
    return [_waived(finding, ruleset) for finding in out]


# not found when the fact space was too large to enumerate: a waiver of them is then not known to be stale
_SPACE_CODES = frozenset({"tier-gap", "tier-overlap", "rule-never-fires"})


def _stale_waivers(ruleset: CompiledRuleset, findings: list[Finding]) -> list[Finding]:
    """Waivers that waive nothing: no finding of their code (for their subject), or a property waived for a
    fact that is not declared. A waiver naming no check at all is refused when the ruleset compiles."""
    out: list[Finding] = []
    unenumerated = any(f.code == "space-too-large" for f in findings)
    for index, waiver in enumerate(ruleset.model.waivers):
        location = ruleset.positions.locate(ruleset.source, ("waivers", index))
        if waiver.check in PROPERTY_NAMES:
            if waiver.subject is not None and waiver.subject not in ruleset.schema:
                out.append(Finding("stale-waiver", Severity.warning, f"waiver {index + 1} waives property "
                                   f"{waiver.check} for '{waiver.subject}', which is not a declared fact",
                                   location, did_you_mean(waiver.subject, ruleset.schema) or
                                   "name the fact the property fails on, or remove the waiver", waiver.subject))
            continue
        if waiver.check not in FINDING_CODES or waiver.check == "version-expired" \
                or (unenumerated and waiver.check in _SPACE_CODES):  # expiry: a waiver may come before it
            continue
        subjects = [f.subject for f in findings if f.code == waiver.check]
        if (waiver.subject is None and subjects) or waiver.subject in subjects:
            continue
        what = f"for '{waiver.subject}'" if waiver.subject is not None else "at all"
        hint = did_you_mean(waiver.subject, [s for s in subjects if s]) if waiver.subject is not None else None
        out.append(Finding("stale-waiver", Severity.warning, f"waiver {index + 1} waives {waiver.check} "
                           f"{what}, but the checks find no {waiver.check} {what}: it waives nothing", location,
                           hint or "remove the waiver, or correct its subject", waiver.subject))
    return out


def _waived(finding: Finding, ruleset: CompiledRuleset) -> Finding:
    for waiver in ruleset.model.waivers:
        if waiver.check == finding.code and waiver.subject in (None, finding.subject):
            return Finding(finding.code, Severity.info, f"waived ({waiver.reason}): {finding.message}",
                           finding.location, None, finding.subject)
    return finding


def _citations(ruleset: CompiledRuleset, violation: CompiledViolation) -> list[Finding]:
    from ..publish.statutes import bundled  # here: importing the publish package costs every check 13 ms

    out: list[Finding] = []
    cited = [*(("legal_basis", i, c) for i, c in enumerate(violation.model.legal_basis)),
             *(("penalty_basis", i, c) for i, c in enumerate(violation.model.penalty_basis))]
    for key, index, citation in cited:
        if citation.law and citation.version is None:
            out.append(Finding("citation-unpinned", Severity.warning, f"violation {violation.id} cites "
                               f"《{citation.law}》 without its version date", violation.location,
                               "article numbers move between versions: add 'version: YYYY-MM-DD'", violation.id))
        if citation.law and citation.article is None:
            out.append(Finding("citation-no-article", Severity.warning, f"violation {violation.id} cites "
                               f"《{citation.law}》 without an article", violation.location,
                               "name the article (and paragraph, item) that sets the duty or the penalty",
                               violation.id))
        statute = bundled(citation.law, citation.version) if citation.law and citation.version else None
        if statute is not None and citation.article is not None and citation.article not in statute.numbers:
            out.append(Finding("citation-no-such-article", Severity.error, f"violation {violation.id} cites "
                               f"{citation.label()}, which that version does not have (its articles run from "
                               f"{min(statute.numbers)} to {max(statute.numbers)})",
                               ruleset.positions.locate(ruleset.source, (*violation.where.path(), key, index)),
                               "check the article number against the statute's text in force on that date",
                               violation.id))
    return out


def _types(violation: CompiledViolation) -> list[Finding]:
    statutory = violation.model.statutory
    allowed = set(statutory.types) | set(statutory.optional_types)
    out: list[Finding] = []
    for band in violation.bands:
        extra = set(band.model.types) - allowed
        if extra:
            out.append(_unauthorised(violation, f"band {band.model.id}", extra, band.location))
    for tier in violation.tiers:
        extra = set(tier.model.types or ()) - allowed
        if extra:
            out.append(_unauthorised(violation, f"tier {tier.model.id}", extra, tier.location))
    for item in violation.items:
        extra = set(item.model.types or ()) - allowed
        if extra:
            out.append(_unauthorised(violation, f"list item {item.model.id}", extra, item.location))
    return out


def _unauthorised(violation: CompiledViolation, what: str, extra: set[Any], location: Location) -> Finding:
    names = ", ".join(sorted(str(t) for t in extra))
    return Finding("type-not-authorised", Severity.error, f"{what} of {violation.id} uses {names}, which the "
                   "penalty basis does not authorise", location, "penalty types must come from the statute's "
                   "'types' (art. 9 and the cited article)", violation.id)


def _static_range(fine: Fine | None) -> tuple[Decimal, Decimal] | None:
    """The bounds of a fine that does not depend on facts (range, maximum only, fixed)."""
    if fine is None:
        return None
    if fine.shape is FineShape.fixed and fine.fixed is not None:
        return fine.fixed, fine.fixed
    if fine.shape is FineShape.range and fine.max is not None:
        return fine.min or Decimal(0), fine.max
    return None


def _tier_ranges(violation: CompiledViolation) -> list[Finding]:
    out: list[Finding] = []
    bands = {band.model.id: band for band in violation.bands}
    default = violation.bands[-1].model.id if violation.bands else None
    by_band: dict[str | None, list[tuple[CompiledTier, tuple[Decimal, Decimal]]]] = {}
    for tier in violation.tiers:
        band = bands.get(tier.model.band or default or "")
        bounds = _static_range(band.model.fine) if band else None
        own = _static_range(tier.fine)
        if bounds is not None and tier.fine is not None and tier.fine.shape is FineShape.percent and tier.fine.percent:
            low, high = bounds
            own = (low + (high - low) * tier.fine.percent[0] / 100, low + (high - low) * tier.fine.percent[1] / 100)
        if own is None:
            continue
        by_band.setdefault(tier.model.band or default, []).append((tier, own))
        if bounds is None:
            continue
        rule = f"{violation.id}/{tier.model.id}"
        if tier.model.outcome is Outcome.mitigated:
            word, limit = _mitigated_limit(bounds)
            if own[1] > limit:
                out.append(Finding("tier-outside-statutory", Severity.error, f"减轻 tier {rule} reaches {own[1]}, "
                                   f"above the statutory {word} {limit}", tier.location,
                                   "a 减轻 tier lies below the statutory minimum", rule))
        elif not _inside(own, bounds):
            out.append(Finding("tier-outside-statutory", Severity.error, f"tier {rule} ranges {own[0]}–{own[1]}, "
                               f"outside the statutory {bounds[0]}–{bounds[1]}", tier.location,
                               "tiers stay inside the statutory range (国办发〔2022〕27号); below it only as 减轻 "
                               "with explicit conditions", rule))
    for band_id, tiers in by_band.items():
        ordered = sorted(tiers, key=lambda pair: _ORDER.get(pair[0].model.outcome, 9))
        for (low_tier, lower), (high_tier, upper) in pairwise(ordered):
            a, b = low_tier.model, high_tier.model
            if _ORDER[a.outcome] == _ORDER[b.outcome]:
                continue
            if lower[0] > upper[0] or lower[1] > upper[1]:
                out.append(Finding("tier-order", Severity.error, f"tiers of {violation.id} (band {band_id}) are out "
                                   f"of order: {a.id} ({a.outcome.value}) {lower[0]}–{lower[1]} against {b.id} "
                                   f"({b.outcome.value}) {upper[0]}–{upper[1]}", high_tier.location,
                                   "从轻 ≤ 一般 ≤ 从重", f"{violation.id}/{b.id}"))
            elif lower[1] > upper[0]:
                out.append(Finding("tier-range-overlap", Severity.warning, f"tiers {a.id} and {b.id} of "
                                   f"{violation.id} overlap on {upper[0]}–{lower[1]}", high_tier.location,
                                   "adjacent tiers should meet at most at one amount", f"{violation.id}/{b.id}"))
    return out


def _tier_space(ruleset: CompiledRuleset, violation: CompiledViolation) -> list[Finding]:
    """Gaps, overlaps and never-firing tiers over the enumerated fact space (per band)."""
    if not violation.tiers:
        return []
    out: list[Finding] = []
    band_conditions = [band.when for band in violation.bands if band.when is not None]
    tier_conditions = [c for tier in violation.tiers for c in tier.conditions]
    literals = literals_by_fact(c.compiled.node for c in (*band_conditions, *tier_conditions))
    space = enumerate_space(ruleset.schema, literals)
    if space is None:
        return [Finding("space-too-large", Severity.info, f"violation {violation.id}: the fact space of its tiers "
                        "is too large to enumerate; gaps and overlaps were not checked", violation.location,
                        "split tiers by band, or use fewer numeric thresholds", violation.id)]
    names, values = space
    fired: set[str] = set()
    gap: dict[str, Any] | None = None
    overlap: tuple[dict[str, Any], list[CompiledTier]] | None = None
    for facts in points(names, values, ruleset.implications):
        band = _band_of(violation, facts)
        if band is _UNDECIDED:
            continue
        matched = [t for t in violation.tiers if t.model.band in (None, band) and _holds(t.conditions, facts)]
        fired.update(t.model.id for t in matched)
        candidates = [t for t in violation.tiers if t.model.band in (None, band)]
        if candidates and not matched and gap is None:
            gap = facts
        if len(matched) > 1 and violation.model.hit_policy.value == "unique" and overlap is None:
            overlap = (facts, matched)
    tiers_at = ruleset.positions.locate(ruleset.source, (*violation.where.path(), "tiers"))
    if gap is not None:  # no tier is at fault: located at the list of tiers, where one is missing
        out.append(Finding("tier-gap", Severity.warning, f"violation {violation.id}: no tier covers "
                           f"{_show(gap)}", tiers_at,
                           "add a tier for these circumstances, or a default tier without 'when'", violation.id))
    if overlap is not None:
        facts, overlapping = overlap
        ids = [t.model.id for t in overlapping]
        out.append(Finding("tier-overlap", Severity.error, f"violation {violation.id}: tiers {', '.join(ids)} all "
                           f"match {_show(facts)} under hit_policy unique", overlapping[-1].location,
                           "make the conditions exclusive, or declare hit_policy: first", violation.id))
    for tier in violation.tiers:
        if tier.model.id not in fired:
            out.append(Finding("rule-never-fires", Severity.warning, f"tier {violation.id}/{tier.model.id} matches "
                               "no case", tier.location, "its conditions contradict each other or its band",
                               f"{violation.id}/{tier.model.id}"))
    return out


class _Undecided:
    pass


_UNDECIDED = _Undecided()


def _band_of(violation: CompiledViolation, facts: dict[str, Any]) -> Any:
    for band in violation.bands:
        if band.when is None:
            return band.model.id
        value = band.when.compiled.matcher(facts)
        if value is None:
            return _UNDECIDED
        if value:
            return band.model.id
    return None


def _holds(conditions: Iterable[CompiledCondition], facts: dict[str, Any]) -> bool:
    return all(c.compiled.matcher(facts) is True for c in conditions)


def _show(facts: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {v}" for k, v in facts.items()) + "}"


_GROUNDS = {
    Ground.first_violation: ("first_violation", "timely"),
    Ground.minor_no_harm: ("timely", "no_harm"),
    Ground.no_fault: ("no_fault",),
}


def _requirement(name: str, facts: dict[str, Any]) -> bool:
    if name == "first_violation":
        return facts.get("first_violation") is True or facts.get("prior_violation_count") == 0
    if name == "timely":
        return facts.get("timely_corrected") is True or facts.get("corrected") in TIMELY
    if name == "no_harm":
        return facts.get("harm") == "none"
    if name == "no_fault":
        return facts.get("no_fault_evidence") is True
    raise AssertionError(name)  # pragma: no cover


_REQUIREMENT_TEXT = {
    "first_violation": "初次违法 (first_violation)",
    "timely": "及时改正 (timely correction)",
    "no_harm": "没有造成危害后果 (harm none)",
    "no_fault": "没有主观过错 (no_fault_evidence)",
}


def _items(ruleset: CompiledRuleset) -> list[Finding]:
    out: list[Finding] = []
    for violation in ruleset.violations.values():
        for item in violation.items:
            model = item.model
            if model.kind is not ListKind.no_penalty or model.ground not in _GROUNDS:
                continue
            if model.ground in (Ground.minor_no_harm, Ground.no_fault) and model.modality is Modality.may:
                out.append(Finding("may-weakens-shall", Severity.error, f"list item {model.id} rests on a statutory "
                                   f"'shall not penalise' ground ({model.ground.value}) but says 'may'",
                                   item.location, "art. 33 says 不予行政处罚: use modality: shall", model.id))
            literals = literals_by_fact(c.compiled.node for c in item.conditions)
            space = enumerate_space(ruleset.schema, literals)
            if space is None:
                continue
            names, values = space
            for requirement in _GROUNDS[model.ground]:
                example = next((f for f in points(names, values, ruleset.implications)
                                if _holds(item.conditions, f) and not _requirement(requirement, f)), None)
                if example is not None:
                    out.append(Finding("item-ground-mismatch", Severity.error, f"list item {model.id} "
                                       f"({model.ground.value}) applies without {_REQUIREMENT_TEXT[requirement]}, e.g. "
                                       f"{_show(example)}", item.location, "its conditions must imply the "
                                       "statutory ground it rests on (行政处罚法第三十三条)", model.id))
    return out


def _inside(own: tuple[Decimal, Decimal], bounds: tuple[Decimal, Decimal]) -> bool:
    """A tier's or item's own fine inside the statutory range (从轻, 一般, 从重 all stay inside it)."""
    return bounds[0] <= own[0] and own[1] <= bounds[1]


def _mitigated_limit(bounds: tuple[Decimal, Decimal]) -> tuple[str, Decimal]:
    """What a 减轻 fine must not pass: the statutory minimum (减轻 lies below it), or the maximum where the
    statute sets no minimum."""
    return ("minimum", bounds[0]) if bounds[0] > 0 else ("maximum", bounds[1])


def _item_fines(ruleset: CompiledRuleset) -> list[Finding]:
    """A lighter or mitigated item's own fine lies inside the statutory range (FORMAT.md), as a tier's does:
    evaluation would otherwise clamp it silently. Checked against every band of each violation it applies to
    (an item names no band): outside all of them, it can never be what it says."""
    out: list[Finding] = []
    for violation in ruleset.violations.values():
        bounds = [_static_range(band.model.fine) for band in violation.bands if band.model.fine is not None]
        ranges = [b for b in bounds if b is not None]
        if not ranges or len(ranges) < len(bounds):
            continue  # a fine that depends on facts (a multiple, per day): no static bounds to compare
        for item in violation.items:
            own = _static_range(item.model.fine)
            if own is None:
                continue
            rule = f"{violation.id}/{item.model.id}"
            where = ruleset.positions.locate(ruleset.source, (*item.where.path(), "fine"))
            if item.model.kind is ListKind.mitigated:
                word, limit = max((_mitigated_limit(bound) for bound in ranges), key=lambda pair: pair[1])
                if own[1] > limit:  # above it under every band
                    out.append(Finding("item-outside-statutory", Severity.error, f"减轻 list item {item.model.id} "
                                       f"of {violation.id} reaches {own[1]}, above the statutory {word} {limit}",
                                       where, "a 减轻 item's fine lies below the statutory minimum", rule))
            elif not any(_inside(own, bound) for bound in ranges):
                shown = ", ".join(f"{low}–{high}" for low, high in ranges)
                out.append(Finding("item-outside-statutory", Severity.error, f"list item {item.model.id} of "
                                   f"{violation.id} ranges {own[0]}–{own[1]}, outside the statutory {shown}", where,
                                   "an item's fine is its own range inside the statutory one (evaluation would "
                                   "clamp it); below it only as a mitigated (减轻) item", rule))
    return out


_CERTAINTY = {Verification.verified: 2, Verification.partial: 1, Verification.unverified: 0}


def _citation_certainty(ruleset: CompiledRuleset, citation: Citation) -> tuple[Verification, str] | None:
    """How certain one citation is: the least certain of its own status, where it gives one, and the sources it
    names (a source whose document, or else title, is the citation's); None when it says nothing of it."""
    found: list[tuple[Verification, str]] = []
    if "status" in citation.model_fields_set:
        found.append((citation.status, f"its citation {citation.label()}"))
    for source in ruleset.model.sources:  # by the document where the citation names one, else by the title
        if (source.document == citation.document if citation.document else
                bool(citation.title) and source.title == citation.title):
            found.append((source.status, f"source {source.id}"))
    return min(found, key=lambda pair: _CERTAINTY[pair[0]]) if found else None


def _resting_on(ruleset: CompiledRuleset, citations: Sequence[Citation]) -> tuple[Verification, str] | None:
    """The certainty of what a rule rests on: its best-supported citation (one verified basis is enough; a
    citation that says nothing of its status is verified, the default)."""
    certainties = [_citation_certainty(ruleset, citation) for citation in citations]
    if not certainties or any(c is None for c in certainties):
        return None
    return max((c for c in certainties if c is not None), key=lambda pair: _CERTAINTY[pair[0]])


def _status_above_source(ruleset: CompiledRuleset) -> list[Finding]:
    """An item (resting on its basis) or a violation (on its penalty basis) that claims more certainty than
    what it rests on. A status left out is verified, so an omitted one is reported too."""
    out: list[Finding] = []
    model = ruleset.model
    subjects: list[tuple[str, str, Verification, bool, tuple[Citation, ...], tuple[str | int, ...]]] = [
        ("violation", vid, v.status, "status" in v.model_fields_set, v.penalty_basis, ("violations", vid))
        for vid, v in model.violations.items()]
    subjects += [("list item", item.id, item.status, "status" in item.model_fields_set, (item.basis,),
                  ("list_items", index)) for index, item in enumerate(model.list_items)]
    for what, ident, status, given, citations, path in subjects:
        weakest = _resting_on(ruleset, citations)
        if weakest is None or _CERTAINTY[status] <= _CERTAINTY[weakest[0]]:
            continue
        claimed = f"status {status.value}" if given else f"no status (so {status.value}, the default)"
        out.append(Finding("status-above-source", Severity.warning, f"{what} {ident} has {claimed}, but "
                           f"{weakest[1]}, which it rests on, is {weakest[0].value}",
                           ruleset.positions.locate(ruleset.source, path),
                           f"write 'status: {weakest[0].value}': it is no better verified than its source", ident))
    return out


def _unused_facts(ruleset: CompiledRuleset) -> list[Finding]:
    read: set[str] = set()
    for violation in ruleset.violations.values():
        for _, cond in violation.keyed_conditions:
            read |= cond.compiled.facts
        for band in violation.model.statutory.bands:
            read |= _fine_facts(band.fine)
        for tier in violation.model.tiers:
            read |= _fine_facts(tier.fine)
    for item in ruleset.model.list_items:
        read |= _fine_facts(item.fine)
    out: list[Finding] = []
    for name in ruleset.model.facts:
        if name not in read:
            out.append(Finding("unused-fact", Severity.warning, f"fact '{name}' is declared but no condition or "
                               "fine reads it", ruleset.positions.locate(ruleset.source, ("facts", name)),
                               "remove it, or use it in the condition it was meant for", name))
    return out


def _fine_facts(fine: Fine | None) -> set[str]:
    if fine is None:
        return set()
    names = {fine.multiple_of, fine.units, fine.per_unit.amount_of if fine.per_unit else None}
    return {name for name in names if name} | _fine_facts(fine.no_base)


def check_versions(rulesets: Sequence[CompiledRuleset], *, today: date | None = None) -> list[Finding]:
    """Across files: the same id and version twice, versions of one id whose periods overlap, a version
    whose id is not its folder's, and a lapsed version with no later version beside it."""
    out: list[Finding] = []
    by_id: dict[str, list[CompiledRuleset]] = {}
    for ruleset in rulesets:
        by_id.setdefault(ruleset.id, []).append(ruleset)
    out += _version_ids(rulesets)
    today = today or date.today()
    for ruleset_id, versions in by_id.items():
        seen: dict[str, CompiledRuleset] = {}
        for ruleset in versions:
            if ruleset.version in seen:
                out.append(Finding("duplicate-id", Severity.error, f"{ruleset_id} version {ruleset.version} is "
                                   f"defined twice (also in {seen[ruleset.version].source})",
                                   Location(ruleset.source, 1, 1), "give each version its own number", ruleset_id))
            seen[ruleset.version] = ruleset
        ordered = sorted(versions, key=lambda r: r.model.effective)
        for earlier, later in pairwise(ordered):
            if earlier.version == later.version:
                continue  # reported above as a duplicate
            end = earlier.model.expires
            if end is None or end > later.model.effective:
                out.append(Finding("version-overlap", Severity.warning, f"{ruleset_id}: version {earlier.version} "
                                   f"({earlier.model.effective}–{end or 'open'}) overlaps version {later.version} "
                                   f"(from {later.model.effective})", Location(earlier.source, 1, 1),
                                   f"set 'expires: {later.model.effective}' on version {earlier.version}",
                                   ruleset_id))
        out += _expired(versions, today)
    return out


def _expired(versions: Sequence[CompiledRuleset], today: date) -> list[Finding]:
    """The lapsed versions of one id with no later version among ``versions``."""
    out: list[Finding] = []
    for ruleset in versions:
        model = ruleset.model
        if model.expires is None or model.expires > today:
            continue
        if any(other.model.effective >= model.expires for other in versions):
            continue  # its successor is here: an old version kept for cases of its time (art. 37)
        out.append(_waived(Finding("version-expired", Severity.warning, f"{model.id} {model.version} expired "
                                   f"on {model.expires}", Location(ruleset.source, 1, 1),
                                   "keep it for cases of that time (art. 37), and publish its successor",
                                   model.id), ruleset))
    return out


def _version_ids(rulesets: Sequence[CompiledRuleset]) -> list[Finding]:
    """An earlier version (``versions/*.yaml``) keeps the id of its folder's ``ruleset.yaml`` (FORMAT.md)."""
    out: list[Finding] = []
    current = {Path(r.source).resolve(): r for r in rulesets if Path(r.source).name == RULESET_FILE}
    for ruleset in rulesets:
        path = Path(ruleset.source)
        if path.parent.name != "versions":
            continue
        folder = current.get((path.parent.parent / RULESET_FILE).resolve())
        if folder is None or folder.id == ruleset.id:
            continue
        out.append(Finding("version-id-mismatch", Severity.error, f"earlier version {ruleset.version} has id "
                           f"{ruleset.id}, but its folder's {RULESET_FILE} is {folder.id}",
                           ruleset.positions.locate(ruleset.source, ("id",)),
                           f"a version moved to versions/ keeps its id: 'id: {folder.id}' (or move it to the "
                           "folder of its own ruleset)", ruleset.id))
    return out
