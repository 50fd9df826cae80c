"""discretion: lenient-penalty lists and discretion baselines as rulesets a program can evaluate.

>>> import discretion
>>> rs = discretion.load_ruleset("rulesets/tax/first-violation/ruleset.yaml")
>>> r = discretion.evaluate(rs, {"violation": "late-filing",
...                              "facts": {"first_violation": True, "harm": "minor",
...                                        "corrected": "within_deadline"}})
>>> r.outcome.value, r.mandatory, r.fine
('no_penalty', True, None)
"""

from .case import Case, validate_case
from .checks.static import Finding, Severity, check
from .compile import CompiledRuleset
from .errors import (
    BackendUnavailable,
    CaseError,
    DiscretionError,
    EngineError,
    Problem,
    RegistryError,
    RulesetError,
)
from .evaluate import evaluate
from .loading import load_jurisdiction, load_ruleset, load_ruleset_text
from .models import Jurisdiction, Outcome, Recommendation, Ruleset
from .registry import Registry, load_registry

__version__ = "0.1.0"

__all__ = [
    "BackendUnavailable",
    "Case",
    "CaseError",
    "CompiledRuleset",
    "DiscretionError",
    "EngineError",
    "Finding",
    "Jurisdiction",
    "Outcome",
    "Problem",
    "Recommendation",
    "Registry",
    "RegistryError",
    "Ruleset",
    "RulesetError",
    "Severity",
    "__version__",
    "check",
    "evaluate",
    "load_jurisdiction",
    "load_registry",
    "load_ruleset",
    "load_ruleset_text",
    "validate_case",
]
