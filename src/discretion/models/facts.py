"""The declared fact schema: every fact a condition reads, with its type, labels and direction."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Self

from pydantic import Field, field_validator, model_validator

from .common import Flag, Frozen

__all__ = ["Direction", "EnumValue", "FactKind", "FactSpec", "PriorViolation"]


class FactKind(StrEnum):
    bool = "bool"
    enum = "enum"
    integer = "integer"
    money = "money"
    number = "number"  # a decimal quantity that is not money: a ratio, a pH, decibels
    date = "date"
    days = "days"
    records = "records"  # prior violations: read by the law layer, not by conditions


class Direction(StrEnum):
    """Which way a fact pushes the penalty as it grows (true, a later enum value, a larger number)."""

    aggravating = "aggravating"
    mitigating = "mitigating"
    neutral = "neutral"


class EnumValue(Frozen):
    code: str = Field(min_length=1, max_length=100)
    zh: str = ""
    en: str = ""


def _labels(code: Any, label: Any) -> dict[str, Any]:
    """The labels of one enum value written as ``code: {zh: …, en: …}`` (or ``code:`` with none)."""
    if label is None:
        return {}
    if isinstance(label, dict):
        return label
    raise ValueError(f"value {code!r}: expected its labels as a mapping such as {{zh: …, en: …}}, "
                     f"found {type(label).__name__}")


class FactSpec(Frozen):
    """One fact of the schema. Enum values are listed from the least to the most serious."""

    type: FactKind
    zh: str = Field(min_length=1)
    en: str = ""
    description: str | None = None
    values: tuple[EnumValue, ...] = ()
    direction: Direction = Direction.neutral
    min: Decimal | None = Field(default=None, allow_inf_nan=False)
    max: Decimal | None = Field(default=None, allow_inf_nan=False)
    default: Any = None
    unit: str | None = None
    implies: dict[str, Any] = Field(
        default_factory=dict, description="for a bool fact: values of other facts it implies when true, e.g. "
        "{timely_corrected: true} for 次日完成整改 (lets the statutory layer and the checks see it)")

    @field_validator("values", mode="before")
    @classmethod
    def _values(cls, raw: Any) -> Any:
        if isinstance(raw, dict):
            return [{"code": code, **_labels(code, label)} for code, label in raw.items()]
        if isinstance(raw, list):
            return [{"code": v} if isinstance(v, str) else v for v in raw]
        return raw

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.type is FactKind.enum:
            if not self.values:
                raise ValueError("an enum fact lists its closed 'values'")
            codes = [v.code for v in self.values]
            if len(set(codes)) != len(codes):
                raise ValueError("enum values must be distinct")
        elif self.values:
            raise ValueError(f"'values' is only for enum facts, not {self.type}")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError("'min' is greater than 'max'")
        if self.implies and self.type is not FactKind.bool:
            raise ValueError("'implies' is for bool facts (what holds when the fact is true)")
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.values)


class PriorViolation(Frozen):
    """A prior violation in a case's history: when it was decided or found, and of which violation."""

    date: date
    violation: str | None = Field(default=None, description="violation id, or a type shared across rulesets")
    penalised: Flag = True
