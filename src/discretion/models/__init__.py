"""Pydantic v2 models: frozen, unknown keys refused. Re-exported here so imports stay stable.

Names are imported on first use (PEP 562): loading a ruleset needs the ruleset models only, not the
output models of ``outcome`` (a third of the classes), which the evaluation pipeline imports itself.
The model modules do without ``from __future__ import annotations``: with it, pydantic compiles every
field's annotation from its text when a class is made (a quarter of the cost of making the classes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_names

if TYPE_CHECKING:
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

_WHERE = {
    "AppliedVersion": ".outcome",
    "Band": ".penalty",
    "Citation": ".common",
    "Condition": ".outcome",
    "ConditionSpec": ".penalty",
    "CriminalThreshold": ".ruleset",
    "Deadline": ".outcome",
    "Direction": ".facts",
    "EnumValue": ".facts",
    "FactKind": ".facts",
    "FactSpec": ".facts",
    "Fine": ".penalty",
    "FineRange": ".outcome",
    "FineShape": ".penalty",
    "Flag": ".outcome",
    "Formula": ".penalty",
    "Ground": ".ruleset",
    "HearingThresholds": ".jurisdiction",
    "HitPolicy": ".penalty",
    "Jurisdiction": ".jurisdiction",
    "LabelOut": ".outcome",
    "ListItem": ".ruleset",
    "ListKind": ".vocabulary",
    "Modality": ".vocabulary",
    "Money": ".common",
    "Outcome": ".vocabulary",
    "Parameters": ".ruleset",
    "Penalty": ".outcome",
    "PenaltyType": ".vocabulary",
    "PerUnit": ".penalty",
    "PriorViolation": ".facts",
    "Recommendation": ".outcome",
    "Ruleset": ".ruleset",
    "RulesetRef": ".outcome",
    "Source": ".common",
    "Statutory": ".penalty",
    "Text": ".common",
    "Tier": ".penalty",
    "TraceStep": ".outcome",
    "Verification": ".common",
    "Violation": ".ruleset",
    "to_json_value": ".outcome",
}

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


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals(), __all__)
