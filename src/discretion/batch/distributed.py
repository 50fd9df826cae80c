"""Beyond one machine: the same evaluation on a Dask DataFrame, partition by partition.

A compiled ruleset holds closures and does not pickle, so workers receive the ruleset's file and
hash instead and compile it once per process (``_RulesetFile``); a hash mismatch is refused rather
than silently evaluating another version.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ..compile import CompiledRuleset
from ..errors import BackendUnavailable, Location, Problem, RulesetError

__all__ = ["evaluate_dask"]


@lru_cache(maxsize=8)
def _load(path: str, sha256: str) -> CompiledRuleset:
    from ..loading import load_ruleset

    ruleset = load_ruleset(path)
    if sha256 and ruleset.sha256 != sha256:
        raise RulesetError([Problem("ruleset-changed", f"the ruleset file changed since the frame was submitted "
                                    f"(sha256 {ruleset.sha256[:12]}…, expected {sha256[:12]}…)", Location(path))])
    return ruleset


class _Partition:
    """A picklable partition function: the ruleset travels as (path, sha256)."""

    def __init__(self, ruleset: CompiledRuleset, options: dict[str, Any]) -> None:
        self.path, self.sha256, self.options = ruleset.source, ruleset.sha256, options
        self._local: CompiledRuleset | None = ruleset

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "options": self.options, "_local": None}

    def __call__(self, part: Any) -> Any:
        from . import evaluate_pandas

        ruleset = self._local or _load(self.path, self.sha256)
        return evaluate_pandas(ruleset, part, progress=False, **self.options)


def evaluate_dask(ruleset: CompiledRuleset, frame: Any, *, violation: str | None, id_column: str | None,
                  passthrough: Sequence[str], jurisdiction: Any = None) -> Any:
    """A lazy Dask DataFrame of recommendations, one pandas evaluation per partition."""
    try:
        import dask.dataframe  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise BackendUnavailable(f"Dask is needed for this frame ({exc.name} is missing): "
                                 "pip install \"discretion[analysis]\"", code="analysis-unavailable") from None
    from . import evaluate_pandas

    options: dict[str, Any] = {"violation": violation, "id_column": id_column, "passthrough": tuple(passthrough),
                               "jurisdiction": jurisdiction}
    meta = evaluate_pandas(ruleset, frame._meta.iloc[:0] if hasattr(frame, "_meta") else frame.head(0),
                           progress=False, **options)
    return frame.map_partitions(_Partition(ruleset, options), meta=meta)
