"""Jurisdiction parameters the statute leaves to provinces or ministries, each with its source.

"较大数额" in art. 63 (hearing rights) is set by each province or ministry; working days (art. 85) skip
statutory holidays that the State Council announces each year. Nothing here is guessed: a jurisdiction
file cites where every number comes from, and without one the library says "unknown".
"""

from datetime import date

from pydantic import Field

from .common import Citation, Frozen, Money, Text

__all__ = ["HearingThresholds", "Jurisdiction"]


class HearingThresholds(Frozen):
    """Art. 63(1)–(2): fines and confiscations at or above these amounts give a right to a hearing."""

    natural_person_fine: Money | None = None
    organization_fine: Money | None = None
    confiscation_value: Money | None = None
    source: Citation


class Jurisdiction(Frozen):
    """One jurisdiction's parameters, e.g. a province's hearing thresholds and holiday calendar."""

    format: int = 1
    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    name: Text
    hearing: HearingThresholds | None = None
    holidays: tuple[date, ...] = Field(default=(), description="statutory holidays falling on weekdays")
    working_weekends: tuple[date, ...] = Field(default=(), description="weekend days made working days (调休)")
    calendar_source: Citation | None = None
