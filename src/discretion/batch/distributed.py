"""Beyond one machine: the same evaluation on a Dask DataFrame, partition by partition.

A compiled ruleset holds closures; it pickles as its validated data and is recompiled on arrival.
The partition function carries those pickled bytes (so workers need no copy of the ruleset's file,
threads or processes alike), and each worker process compiles them once, keyed by their digest;
the recompiled ruleset keeps its sha256, so every recommendation still names the exact version.
"""

from __future__ import annotations

import hashlib
import pickle
import threading
from collections.abc import Sequence
from typing import Any

from ..compile import CompiledRuleset
from ..errors import BackendUnavailable

__all__ = ["evaluate_dask"]

_COMPILED: dict[str, CompiledRuleset] = {}  # per worker process: digest of the pickled ruleset → compiled
_LOCK = threading.Lock()
_KEEP = 8


def _arrived(data: bytes, digest: str) -> CompiledRuleset:
    with _LOCK:
        ruleset = _COMPILED.get(digest)
        if ruleset is None:
            ruleset = pickle.loads(data)  # our own bytes, made by _Partition on the client
            if len(_COMPILED) >= _KEEP:
                _COMPILED.pop(next(iter(_COMPILED)))
            _COMPILED[digest] = ruleset
        return ruleset


class _Partition:
    """A picklable partition function: the ruleset travels as its pickled validated data."""

    def __init__(self, ruleset: CompiledRuleset, options: dict[str, Any]) -> None:
        self.data = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
        self.digest = hashlib.sha256(self.data).hexdigest()
        self.sha256, self.options = ruleset.sha256, options
        self._local: CompiledRuleset | None = ruleset

    def __getstate__(self) -> dict[str, Any]:
        return {"data": self.data, "digest": self.digest, "sha256": self.sha256, "options": self.options,
                "_local": None}

    def __call__(self, part: Any) -> Any:
        from . import evaluate_pandas

        ruleset = self._local or _arrived(self.data, self.digest)
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
