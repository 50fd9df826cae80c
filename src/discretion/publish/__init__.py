"""Publish rulesets as a static, offline site (Administrative Penalty Law art. 34: baselines are published).

The site is built from the same files the tests run, so what a department publishes is what it tested;
its calculator pages evaluate with ``calculator.js`` on data exported by :mod:`.export`.
"""

from __future__ import annotations

from .export import export_ruleset

__all__ = ["export_ruleset"]
