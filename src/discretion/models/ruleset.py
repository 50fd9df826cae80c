"""The ruleset: metadata, fact schema, violations with their baselines, and the lenient-list items."""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, Self

from pydantic import Field, ValidationInfo, field_serializer, field_validator, model_validator

from .common import Citation, Flag, Frozen, Source, Text, Verification, distinct_ids
from .facts import FactSpec
from .penalty import Conditions, Fine, Formula, HitPolicy, Ident, Statutory, Tier, normalise_conditions
from .vocabulary import ListKind, Modality, PenaltyType

__all__ = [
    "FINDING_CODES",
    "CriminalThreshold",
    "Ground",
    "ListItem",
    "Parameters",
    "Ruleset",
    "Violation",
    "Waiver",
]

FORMAT_VERSION = 1


class Ground(StrEnum):
    """The statutory ground a no-penalty item rests on (Administrative Penalty Law art. 33)."""

    minor_no_harm = "minor_no_harm"  # 33(1) first sentence: shall
    first_violation = "first_violation"  # 33(1) second sentence: may
    no_fault = "no_fault"  # 33(2): shall, unless law says otherwise
    other = "other"  # another law or regulation


class CriminalThreshold(Frozen):
    """When the facts meet a criminal threshold, the case is transferred (art. 27, 57(4))."""

    when: Conditions
    basis: Citation

    @field_validator("when", mode="before")
    @classmethod
    def _normalise(cls, raw: Any) -> Any:
        return normalise_conditions(raw)


class Violation(Frozen):
    """A violation, its legal and penalty basis, the statutory penalty and the baseline tiers."""

    title: Text
    legal_basis: tuple[Citation, ...] = Field(default=(), description="违法依据")
    penalty_basis: tuple[Citation, ...] = Field(min_length=1, description="处罚依据")
    statutory: Statutory
    tiers: tuple[Tier, ...] = ()
    hit_policy: HitPolicy = HitPolicy.unique
    formula: str | None = None
    group: str | None = Field(default=None, description="the 'same type' key for prior violations")
    criminal_referral: CriminalThreshold | None = None
    status: Verification = Verification.verified
    note: str | None = None

    @model_validator(mode="after")
    def _distinct_tiers(self) -> Self:
        distinct_ids([tier.id for tier in self.tiers], "tier", "tiers")
        return self


class ListItem(Frozen):
    """One item of a lenient list: its kind, the violation it applies to, conditions and measures."""

    id: Ident
    kind: ListKind
    violation: str | None = None
    violations: tuple[str, ...] = ()
    title: Text | None = None
    ground: Ground | None = None
    modality: Modality = Modality.shall
    conditions: Conditions = Field(default=(), alias="when")
    measures: tuple[str, ...] = ()
    fine: Fine | None = None
    types: tuple[PenaltyType, ...] | None = None
    basis: Citation
    text: str | None = Field(default=None, description="the item's published wording, verbatim")
    status: Verification = Verification.verified

    model_config = Frozen.model_config | {"populate_by_name": True}

    @field_validator("conditions", mode="before")
    @classmethod
    def _normalise(cls, raw: Any) -> Any:
        return normalise_conditions(raw)

    @model_validator(mode="after")
    def _shape(self) -> Self:
        if bool(self.violation) == bool(self.violations):
            raise ValueError("a list item names 'violation' or 'violations' (one of the two)")
        if self.kind is ListKind.no_penalty and self.ground is None:
            raise ValueError("a no_penalty item names its statutory 'ground' "
                             "(minor_no_harm, first_violation, no_fault or other)")
        if self.kind in {ListKind.no_penalty, ListKind.no_coercion} and (self.fine or self.types):
            raise ValueError(f"a {self.kind} item carries no fine or penalty types")
        if not self.conditions:
            raise ValueError("a list item has conditions ('when') that must all hold")
        return self

    @property
    def applies_to(self) -> tuple[str, ...]:
        return (self.violation,) if self.violation else self.violations


FINDING_CODES = (
    "citation-no-article", "citation-no-such-article", "citation-unpinned", "item-ground-mismatch",
    "item-outside-statutory", "may-weakens-shall", "no-tiers", "rule-never-fires", "space-too-large",
    "status-above-source", "tier-gap", "tier-order", "tier-outside-statutory", "tier-overlap", "tier-range-overlap",
    "type-not-authorised", "unused-fact", "unverified-items", "version-expired",
)
"""The codes of the static checks' findings of one ruleset, each of which a waiver may name (so may a property
name): checks/static.py produces them, and compiling refuses a waiver naming any other."""


class Waiver(Frozen):
    """A finding or property the source itself contradicts, kept visible with the reason.

    Real published lists are not always consistent; a waiver records that the ruleset follows the
    source on purpose. Waived findings are reported as info, never hidden.
    """

    check: str = Field(description="a finding code (item-ground-mismatch, tier-gap, …) or a property name")
    subject: str | None = Field(default=None, description="the rule, item or fact id it concerns; none: all")
    reason: str = Field(min_length=10)


class SpecialLimitation(Frozen):
    """Art. 36's "法律另有规定的除外": a law's own period within which a violation must be discovered, in
    place of two years (five where life, health or financial safety is involved and harm followed)."""

    years: int = Field(ge=1, le=20, description="the period, e.g. 5 for 税收征收管理法 art. 86")
    basis: Citation = Field(description="the article that sets it, with its text")


class Parameters(Frozen):
    """Issuer-specific parameters."""

    first_violation_window_months: int | None = Field(
        default=None, ge=1, le=240, description="look-back window of 'first violation'; None: whole history")
    first_violation_anchor: Literal["act_date", "discovery_date"] = Field(
        default="act_date", description="the date the window counts back from: the act, or its discovery "
        "(e.g. '距上次被检查发现的同一违法行为已超过12个月')")
    first_violation_since: date | None = Field(
        default=None, description="prior violations dated before this day do not count, e.g. when 初次违法 is "
        "'自本清单正式施行之日起…第一次被发现'; None: no such limit")
    limitation: SpecialLimitation | None = Field(
        default=None, description="a special period of art. 36 set by the law the violations breach; None: "
        "art. 36's own two (or five) years")


class Ruleset(Frozen):
    """One department's published lists and baselines, as one version of one document."""

    format: int = FORMAT_VERSION
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$", max_length=120)
    title: Text
    department: str = Field(pattern=r"^[a-z][a-z0-9_\-]*$")
    issuer: Text
    document: str | None = None
    jurisdiction: str
    version: str = Field(min_length=1)
    published: date | None = None
    effective: date
    expires: date | None = None
    status: Verification = Verification.verified
    draft: Flag = Field(default=False, description="a draft for comment (征求意见稿): never in force")
    dates_note: str | None = Field(default=None, description="how the dates were established, if approximate")
    sources: tuple[Source, ...] = Field(min_length=1)
    parameters: Parameters = Parameters.model_construct()  # its defaults, not validated: no validator of its own
    measures: Mapping[str, Text] = Field(default_factory=dict, description="measure codes beyond the built-in ones")
    facts: Mapping[str, FactSpec] = Field(default_factory=dict)
    formulas: tuple[Formula, ...] = ()
    violations: Mapping[Ident, Violation] = Field(min_length=1)
    list_items: tuple[ListItem, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    note: str | None = None

    @field_validator("measures", "facts", "violations", mode="after")
    @classmethod
    def _read_only(cls, value: dict[str, Any]) -> Any:
        """A loaded ruleset is immutable all the way down: its mappings are read-only views."""
        return MappingProxyType(dict(value))

    @field_serializer("measures", "facts", "violations")
    def _as_dict(self, value: Mapping[str, Any]) -> dict[str, Any]:
        return dict(value)

    @field_validator("format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value != FORMAT_VERSION:
            raise ValueError(f"format {value} is not supported; this library reads format {FORMAT_VERSION}")
        return value

    @field_validator("issuer", mode="before")
    @classmethod
    def _issuer_text(cls, raw: Any) -> Any:
        return {"zh": raw} if isinstance(raw, str) else raw

    def in_force_on(self, day: date) -> bool:
        """Whether this version applies to a day: effective ≤ day < expires (art. 37 reads it)."""
        return self.effective <= day and (self.expires is None or day < self.expires)

    @field_validator("expires")
    @classmethod
    def _expires_after_effective(cls, value: date | None, info: ValidationInfo) -> date | None:
        # a field validator, so that the problem is located at 'expires' (effective is validated before it)
        effective = info.data.get("effective")
        if value is not None and isinstance(effective, date) and value <= effective:
            raise ValueError(f"'expires' ({value}) must come after 'effective' ({effective})")
        return value
