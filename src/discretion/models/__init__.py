"""Pydantic v2 models: frozen, unknown keys refused. Re-exported here so imports stay stable."""

from .common import Citation, Money, Source, Text, Verification
from .facts import Direction, EnumValue, FactKind, FactSpec, PriorViolation
from .jurisdiction import HearingThresholds, Jurisdiction
from .outcome import (
    AppliedVersion,
    Condition,
    Deadline,
    FineRange,
    Flag,
    LabelOut,
    Penalty,
    Recommendation,
    RulesetRef,
    TraceStep,
    to_json_value,
)
from .penalty import Band, ConditionSpec, Fine, FineShape, Formula, HitPolicy, PerUnit, Statutory, Tier
from .ruleset import CriminalThreshold, Ground, ListItem, Parameters, Ruleset, Violation
from .vocabulary import ListKind, Modality, Outcome, PenaltyType

__all__ = [
    "AppliedVersion",
    "Band",
    "Citation",
    "Condition",
    "ConditionSpec",
    "CriminalThreshold",
    "Deadline",
    "Direction",
    "EnumValue",
    "FactKind",
    "FactSpec",
    "Fine",
    "FineRange",
    "FineShape",
    "Flag",
    "Formula",
    "Ground",
    "HearingThresholds",
    "HitPolicy",
    "Jurisdiction",
    "LabelOut",
    "ListItem",
    "ListKind",
    "Modality",
    "Money",
    "Outcome",
    "Parameters",
    "Penalty",
    "PenaltyType",
    "PerUnit",
    "PriorViolation",
    "Recommendation",
    "Ruleset",
    "RulesetRef",
    "Source",
    "Statutory",
    "Text",
    "Tier",
    "TraceStep",
    "Verification",
    "Violation",
    "to_json_value",
]
