"""Statutory penalties and the baseline tiers carved inside them.

A statutory penalty has one or more *bands* (ordinary / serious: two statutory ranges, not 从重 in
one); each band has a fine of one *shape*: a range, a maximum only, a fixed amount, a multiple of a
declared base fact (with a branch for no base), a per-day amount, or a percentage of the band (tiers
only). A fine may apply only when a condition holds (``only_if: refused_to_correct``).
"""

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator, AliasChoices, Field, field_validator, model_validator

from .common import Citation, Flag, Frozen, Money, Text, Verification, distinct_ids
from .vocabulary import Modality, Outcome, PenaltyType

__all__ = [
    "Band",
    "ConditionSpec",
    "Conditions",
    "Fine",
    "FineShape",
    "Formula",
    "HitPolicy",
    "PerUnit",
    "Statutory",
    "Tier",
    "normalise_conditions",
]

Percent = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]


def _ordered(pair: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    if pair[0] > pair[1]:
        raise ValueError(f"percent is [low, high] with low <= high, found [{pair[0]}, {pair[1]}]")
    return pair


PercentRange = Annotated[tuple[Percent, Percent], AfterValidator(_ordered)]
"""[low, high] percentages, each within 0..100: a tier's ``percent`` and a formula's, by the same rule."""
Multiple = Annotated[Decimal, Field(ge=0, allow_inf_nan=False)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.\-]+$", max_length=100)]


class ConditionSpec(Frozen):
    """One condition in the condition language, with the published wording it encodes."""

    when: str = Field(min_length=1, max_length=2000)
    zh: str | None = None
    en: str | None = None


def normalise_conditions(raw: Any) -> Any:
    """Accept ``when: "a and b"``, a list of texts, or a list of ``{when, zh, en}``."""
    if raw is None:
        return ()
    if isinstance(raw, str):
        return [{"when": raw}]
    if isinstance(raw, list):
        return [{"when": item} if isinstance(item, str) else item for item in raw]
    return raw


Conditions = tuple[ConditionSpec, ...]


class FineShape(StrEnum):
    range = "range"
    fixed = "fixed"
    multiple = "multiple"
    per_unit = "per_unit"
    percent = "percent"


class PerUnit(Frozen):
    """An amount per day (or per person): fixed bounds, or the amount of a declared money fact
    (按日连续处罚 repeats the original fine every day)."""

    min: Money = Decimal(0)
    max: Money | None = None
    amount_of: str | None = Field(default=None, description="a declared money fact, e.g. original_fine")

    @model_validator(mode="after")
    def _bounds(self) -> Self:
        if (self.max is None) == (self.amount_of is None):
            raise ValueError("a per-unit amount gives 'max' (with an optional 'min') or 'amount_of'")
        if self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        return self


class Fine(Frozen):
    """A fine of one shape; see the module docstring."""

    min: Money | None = None
    max: Money | None = None
    fixed: Money | None = None
    multiple_of: str | None = Field(default=None, description="a declared money fact, e.g. illegal_gains")
    min_multiple: Multiple | None = None
    max_multiple: Multiple | None = None
    no_base: "Fine | None" = Field(default=None, description="the fine when the base amount is zero")
    per_unit: PerUnit | None = Field(default=None, validation_alias=AliasChoices("per_unit", "per_day"),
                                     description="an amount per day (per_day) or per person (per_unit)")
    units: str | None = Field(default=None, validation_alias=AliasChoices("units", "days"),
                              description="the declared days or integer fact that counts the units")
    percent: PercentRange | None = Field(default=None, description="tiers: % of the band's range")
    only_if: str | None = Field(default=None, description="a condition; without it no fine applies")
    only_if_zh: str | None = None

    @model_validator(mode="after")
    def _one_shape(self) -> Self:
        shapes = [
            self.fixed is not None,
            self.multiple_of is not None,
            self.per_unit is not None,
            self.percent is not None,
        ]
        if sum(shapes) > 1:
            raise ValueError("a fine has one shape: fixed, multiple_of, per_day/per_unit or percent")
        if self.fixed is not None and (self.min is not None or self.max is not None):
            raise ValueError("a fixed fine has no min or max")
        if self.multiple_of is not None and self.max_multiple is None:
            raise ValueError("a multiple needs 'max_multiple' (and 'min_multiple' when there is a floor)")
        if (self.min_multiple is not None or self.max_multiple is not None) and self.multiple_of is None:
            raise ValueError("'min_multiple'/'max_multiple' need 'multiple_of'")
        if self.min_multiple is not None and self.max_multiple is not None \
                and self.min_multiple > self.max_multiple:
            raise ValueError("'min_multiple' is greater than 'max_multiple'")
        if self.no_base is not None and self.multiple_of is None:
            raise ValueError("'no_base' belongs to a multiple_of fine")
        if (self.per_unit is None) != (self.units is None):
            raise ValueError("a per_day fine names its 'days' fact (per_unit: its 'units' fact)")
        if not any(shapes) and self.min is None and self.max is None:
            raise ValueError("a fine gives min/max, fixed, multiple_of, per_day or percent")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        return self

    @property
    def shape(self) -> FineShape:
        if self.fixed is not None:
            return FineShape.fixed
        if self.multiple_of is not None:
            return FineShape.multiple
        if self.per_unit is not None:
            return FineShape.per_unit
        if self.percent is not None:
            return FineShape.percent
        return FineShape.range


class Band(Frozen):
    """One statutory range: e.g. 'ordinary' (≤ 2,000) and 'serious' (2,000–10,000, 情节严重)."""

    id: Ident
    label: Text | None = None
    when: str | None = Field(default=None, max_length=2000)
    fine: Fine | None = None
    types: tuple[PenaltyType, ...] = ()
    optional_types: tuple[PenaltyType, ...] = Field(
        default=(), description="types the statute says 'may' add (并可以…), e.g. suspend_business")
    modality: Modality = Modality.shall
    text: str | None = None


class Statutory(Frozen):
    """What the penalty basis authorises: penalty types, correction, confiscation, and the fine bands."""

    types: tuple[PenaltyType, ...] = Field(min_length=1)
    optional_types: tuple[PenaltyType, ...] = Field(default=(), description="'may' types for every band")
    order_correction: Flag = True
    confiscate_illegal_gains: Flag = False
    fine: Fine | None = None
    bands: tuple[Band, ...] = ()
    text: str | None = Field(default=None, description="the statutory wording, verbatim")

    @model_validator(mode="after")
    def _bands(self) -> Self:
        if self.fine is not None and self.bands:
            raise ValueError("give either 'fine' (one band) or 'bands', not both")
        if self.fine is not None:
            # built from parts already validated: validating them again would build Band's own validator
            # (a cold load builds only the ruleset's)
            default = Band.model_construct(id="default", fine=self.fine)
            object.__setattr__(self, "bands", (default,))
            object.__setattr__(self, "fine", None)
        distinct_ids([band.id for band in self.bands], "band", "bands")
        defaults = [band.id for band in self.bands if band.when is None]
        if len(defaults) > 1:
            raise ValueError(f"only one band may omit 'when' (the default); found {defaults}")
        if self.bands and self.bands[-1].when is not None and defaults:
            raise ValueError("the default band (without 'when') comes last")
        if any(b.fine is not None for b in self.bands) and PenaltyType.fine not in self.types:
            raise ValueError("a band has a fine, so 'types' must include 'fine'")
        return self


class HitPolicy(StrEnum):
    """DMN hit policies for tiers: exactly one may match, or the first in order wins."""

    unique = "unique"
    first = "first"


class Tier(Frozen):
    """One step of a baseline ladder (从轻/一般/从重 or any named ladder)."""

    id: Ident
    outcome: Outcome
    label: Text | None = None
    band: str | None = None
    when: Conditions = ()
    fine: Fine | None = None
    types: tuple[PenaltyType, ...] | None = None
    basis: Citation | None = None
    text: str | None = Field(default=None, description="the published 裁量标准 wording, verbatim")

    @field_validator("when", mode="before")
    @classmethod
    def _normalise_when(cls, raw: Any) -> Any:
        return normalise_conditions(raw)

    @model_validator(mode="after")
    def _not_exempt(self) -> Self:
        if self.outcome is Outcome.no_penalty:
            raise ValueError("a tier recommends a penalty; no-penalty belongs in list_items")
        return self


class Formula(Frozen):
    """A local rule that carves tiers as percentages, with the citation of the rule that sets it."""

    id: Ident
    citation: Citation
    percent_of_range: dict[Outcome, PercentRange] = Field(default_factory=dict)
    percent_of_max: dict[Outcome, PercentRange] = Field(
        default_factory=dict, description="used when the statute gives only a maximum")
    mitigated_floor_percent: Percent | None = Field(
        default=None, description="减轻: the lowest fine as a percentage of the statutory minimum")
    status: Verification = Verification.verified
