"""Publish rulesets as a static, offline site (Administrative Penalty Law art. 34: baselines are published).

The site is built from the same files the tests run, so what a department publishes is what it tested;
its calculator pages evaluate with ``evaluator.js`` on data exported by :mod:`.export`, and a
differential test holds that page evaluator to ``discretion.evaluate``'s answers.

>>> from discretion.publish import publish
>>> files = publish(["rulesets/tax"], "/tmp/discretion-site-doctest")
>>> any(f.name == "calculator.html" for f in files)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from .export import export_ruleset
from .site import build_site

__all__ = ["build_site", "export_ruleset", "publish", "templates_for"]


def templates_for(sources: Sequence[str | Path], explicit: str | Path | None = None) -> Path | None:
    """The department's template overrides: ``--templates DIR``, else a ``templates/`` folder beside the rulesets."""
    if explicit is not None:
        return Path(explicit)
    for source in sources:
        base = Path(source)
        candidate = (base.parent if base.is_file() else base) / "templates"
        if candidate.is_dir():
            return candidate
    return None


def publish(sources: Sequence[str | Path], out: str | Path, *, templates: str | Path | None = None,
            title: str = "行政处罚裁量基准与免罚清单", today: date | None = None) -> list[Path]:
    """Load every ruleset version under ``sources`` (current and ``versions/``) and write the site to ``out``.

    ``today`` is the day expired lists are judged on (default: ``SOURCE_DATE_EPOCH``, else today).

    Raises RulesetError listing every problem when a file does not load: nothing half-built is published.
    """
    from ..compile import CompiledRuleset
    from ..errors import Problem, RulesetError
    from ..registry import load_all

    rulesets: list[CompiledRuleset] = []
    problems: list[Problem] = []
    for source in sources:  # a mistyped path is a problem too: it publishes nothing, not an empty site
        found, broken = load_all(source)
        rulesets.extend(ruleset for _, ruleset in found)
        problems.extend(broken)
    if problems:
        raise RulesetError(problems)
    return build_site(rulesets, out, templates=templates_for(sources, templates), title=title, today=today)
