"""Matching backends by name: "native" (closures) and "durable" (durable_rules, an optional extra).

The rest of the pipeline is shared, so a backend only decides which conditions hold; equal matches
give equal recommendations.
"""

from __future__ import annotations

from .compile import CompiledRuleset
from .errors import BackendUnavailable, DiscretionError
from .evaluate import Matcher, match_native

__all__ = ["BACKENDS", "UnknownBackend", "matcher_for"]

BACKENDS = ("native", "durable")


class UnknownBackend(DiscretionError):
    """A backend name that is not one of BACKENDS."""

    code = "unknown-backend"


def matcher_for(name: str, ruleset: CompiledRuleset) -> Matcher:
    """The matcher of a backend for one ruleset (the durable one is translated once and cached).

    >>> matcher_for("rete", None)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    discretion.backends.UnknownBackend: unknown-backend: ...
    """
    if name == "native":
        return match_native
    if name == "durable":
        try:
            from . import rete
        except ImportError as exc:
            if exc.name is None or not exc.name.startswith("durable"):
                raise
            raise BackendUnavailable(
                'the "durable" backend needs durable_rules, which is not installed: '
                'pip install "discretion[durable]"') from None
        return rete.matcher(ruleset)
    raise UnknownBackend(f"unknown backend '{name}' (backends: {', '.join(BACKENDS)})")
