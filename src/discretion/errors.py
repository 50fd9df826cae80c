"""Every error the library raises, in one rooted tree.

::

    DiscretionError                 .code (stable, kebab-case), .location (or None)
    ├── RulesetError                a ruleset file is wrong; .problems lists every Problem found at once
    ├── CaseError                   a case does not fit the ruleset's facts; .problems names each field
    ├── RegistryError               no ruleset version applies (expired, not yet effective, unknown id)
    ├── BackendUnavailable          an optional engine is not installed; the message says how to install it
    └── EngineError                 a backend failed while evaluating (never a raw exception from inside)

Callers catch ``DiscretionError`` and print ``str(error)``: every message says where, what was
expected, what was found, and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

__all__ = [
    "BackendUnavailable",
    "CaseError",
    "DiscretionError",
    "EngineError",
    "Location",
    "Problem",
    "RegistryError",
    "RulesetError",
    "did_you_mean",
]


# Location and Problem are named tuples: immutable records that cost a tenth of a frozen dataclass to
# define (a dataclass compiles generated source when its module is imported, on every load).


class Location(NamedTuple):
    """Where a problem is: a file (or a case field path), and a 1-based line and column when known."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"


class Problem(NamedTuple):
    """One finding: a stable code, a message, and where it is."""

    code: str
    message: str
    location: Location | None = None
    hint: str | None = None
    subject: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.code}: {self.message}{hint}"


class DiscretionError(Exception):
    """Root of the tree: has a stable ``code`` and, where it has one, a ``location``."""

    code: str = "discretion-error"

    def __init__(self, message: str, *, code: str | None = None, location: Location | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.location = location

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.code}: {self.message}"


class _ManyProblems(DiscretionError):
    """An error that carries every problem found, so that users fix them in one pass."""

    def __init__(self, problems: Sequence[Problem], *, code: str | None = None) -> None:
        if not problems:
            raise ValueError("an error needs at least one problem")
        self.problems: tuple[Problem, ...] = tuple(problems)
        first = self.problems[0]
        super().__init__(first.message, code=code or first.code, location=first.location)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class RulesetError(_ManyProblems):
    """A ruleset file cannot be loaded or compiled; ``problems`` lists them all."""

    code = "ruleset-error"


class CaseError(_ManyProblems):
    """A case does not fit the ruleset's declared facts; each problem names the case field."""

    code = "case-error"


class RegistryError(DiscretionError):
    """No version of a ruleset applies to the case (or the registry folder is unusable)."""

    code = "registry-error"


class BackendUnavailable(DiscretionError):
    """An optional backend was asked for but its package is not installed."""

    code = "backend-unavailable"


class EngineError(DiscretionError):
    """A backend failed during evaluation; wraps the cause so callers never see a raw exception."""

    code = "engine-error"


def did_you_mean(name: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to a misspelt name, as a hint, or None when nothing is close."""
    import difflib  # only for a problem

    matches = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return f"did you mean '{matches[0]}'?" if matches else None
