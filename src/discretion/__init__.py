"""discretion: lenient-penalty lists and discretion baselines as rulesets a program can evaluate.

>>> import discretion
>>> rs = discretion.load_ruleset("rulesets/tax/first-violation/ruleset.yaml")
>>> r = discretion.evaluate(rs, {"violation": "late-filing",
...                              "facts": {"first_violation": True, "harm": "minor",
...                                        "corrected": "within_deadline"}})
>>> r.outcome.value, r.mandatory, r.fine
('no_penalty', True, None)

Names are imported on first use (PEP 562), so that ``import discretion`` stays cheap for a CLI or a
worker that only needs part of it; so are submodules (``discretion.memo.set_enabled(False)``,
``discretion.batch.evaluate_frame``) without an ``import discretion.memo`` of their own.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._lazy import lazy_names

if TYPE_CHECKING:
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

_WHERE = {
    "BackendUnavailable": ".errors",
    "Case": ".case",
    "CaseError": ".errors",
    "CompiledRuleset": ".compile",
    "DiscretionError": ".errors",
    "EngineError": ".errors",
    "Finding": ".checks.static",
    "Jurisdiction": ".models",
    "Outcome": ".models",
    "Problem": ".errors",
    "Recommendation": ".models",
    "Registry": ".registry",
    "RegistryError": ".errors",
    "Ruleset": ".models",
    "RulesetError": ".errors",
    "Severity": ".checks.static",
    "check": ".checks.static",
    "evaluate": ".evaluate",
    "load_jurisdiction": ".loading",
    "load_registry": ".registry",
    "load_ruleset": ".loading",
    "load_ruleset_text": ".loading",
    "validate_case": ".case",
}

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


__getattr__, __dir__ = lazy_names(__name__, _WHERE, globals(), __all__)


class _Package(ModuleType):
    """Keeps ``discretion.evaluate`` the function once the submodule of that name is imported.

    Importing a submodule binds it on its package; eagerly importing the function used to rebind the
    name afterwards. Lazily, the package refuses the binding instead, so the name stays what it was.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _WHERE.get(name) == f".{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
