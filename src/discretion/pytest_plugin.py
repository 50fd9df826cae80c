"""pytest plugin (entry point ``pytest11``): runs ``*.cases.yaml`` next to rulesets.

Import-light on purpose: pytest loads it in every run, so discretion itself is imported only when a
case file is collected. A failure shows the case's file and line, expected against actual, and the
trace of the rules that decided.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .casefiles import CaseSpec
    from .compile import CompiledRuleset

_RULESETS: dict[tuple[Path, float], Any] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("discretion", "discretion rulesets")
    group.addoption("--discretion-backend", default="native", choices=("native", "durable"),
                    help="engine backend used to evaluate *.cases.yaml (default: native)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(".cases.yaml"):
        return CaseFile.from_parent(parent, path=file_path)
    return None


def _ruleset(path: Path) -> CompiledRuleset:
    from .loading import load_ruleset

    key = (path, path.stat().st_mtime)
    if key not in _RULESETS:
        _RULESETS[key] = load_ruleset(path)
    return _RULESETS[key]  # type: ignore[no-any-return]


class CaseFileError(Exception):
    """A case file (or its ruleset) could not be loaded."""


class CaseMismatch(Exception):
    """A case's recommendation differs from its expectation."""


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .casefiles import load_case_file
        from .errors import DiscretionError

        try:
            specs = load_case_file(self.path)
        except DiscretionError as exc:
            yield BrokenCaseFile.from_parent(self, name="load", error=str(exc))
            return
        seen: dict[str, int] = {}
        for spec in specs:
            name = spec.name if spec.name not in seen else f"{spec.name} [{spec.location.line}]"
            seen[spec.name] = 1
            yield CaseItem.from_parent(self, name=name, spec=spec)


class BrokenCaseFile(pytest.Item):
    def __init__(self, *, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise CaseFileError(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(excinfo.value)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: cannot load"


class CaseItem(pytest.Item):
    def __init__(self, *, spec: CaseSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.trace_text = ""

    def runtest(self) -> None:
        from .casefiles import compare
        from .errors import DiscretionError
        from .evaluate import evaluate
        from .render import trace_text

        backend = self.config.getoption("--discretion-backend")
        try:
            ruleset = _ruleset(self.spec.ruleset_path)
            got = evaluate(ruleset, self.spec.case, backend=backend)
        except DiscretionError as exc:
            raise CaseFileError(str(exc)) from None
        diffs = compare(self.spec.expect, self.spec.fine_given, got)
        if diffs:
            self.trace_text = trace_text(got)
            raise CaseMismatch("\n".join(diffs))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CaseMismatch | CaseFileError):
            lines = [f"{self.spec.location}: case {self.spec.name!r}", str(excinfo.value)]
            if self.trace_text:
                lines += ["", "trace:", self.trace_text]
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.spec.location.line or 1) - 1, f"case: {self.spec.name}"
