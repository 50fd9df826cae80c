"""pytest plugin (entry point ``pytest11``): ``pytest rulesets/`` is all a policy team runs.

For every ``ruleset.yaml`` it runs the static checks and the property suite (a CI-sized hypothesis
profile); for every ``*.cases.yaml`` it evaluates each case against its expectation. At the end it
reports coverage in the manner of ``opa test --coverage``: which tiers, bands and list items no case
exercised, with ``--discretion-cov-fail-under`` to fail below a threshold.

Import-light on purpose: pytest loads it in every run, so discretion itself is imported only when a
ruleset or case file is collected.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .casefiles import CaseSpec
    from .compile import CompiledRuleset
    from .models.outcome import Recommendation

_RULESETS: dict[tuple[Path, float], Any] = {}


class _Coverage:
    """Per session: the coverable rules of each ruleset seen, and the ones cases exercised."""

    def __init__(self) -> None:
        self.rules: dict[Path, tuple[str, list[str]]] = {}
        self.covered: dict[Path, set[str]] = {}


_COVERAGE = pytest.StashKey[_Coverage]()
_WARNINGS = pytest.StashKey[list[str]]()


def _coverage(config: pytest.Config) -> _Coverage:
    if _COVERAGE not in config.stash:
        config.stash[_COVERAGE] = _Coverage()
    return config.stash[_COVERAGE]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("discretion", "discretion rulesets")
    group.addoption("--discretion-backend", default="native", choices=("native", "durable"),
                    help="engine backend used to evaluate *.cases.yaml (default: native)")
    group.addoption("--discretion-examples", type=int, default=25,
                    help="hypothesis examples per property and ruleset (default 25, the CI profile)")
    group.addoption("--discretion-no-properties", action="store_true",
                    help="skip the property suite (cases and static checks still run)")
    group.addoption("--discretion-cov-fail-under", type=float, default=None, metavar="PERCENT",
                    help="fail when fewer than PERCENT of tiers, bands and list items are exercised by cases")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(".cases.yaml"):
        return CaseFile.from_parent(parent, path=file_path)
    if file_path.name == "ruleset.yaml":
        return RulesetFile.from_parent(parent, path=file_path)
    if file_path.parent.name == "cases":  # (only there is casefiles imported: pytest asks of every file)
        from .casefiles import misnamed_case_file

        if misnamed_case_file(file_path):  # its cases would never run: say so rather than pass without them
            return MisnamedCaseFile.from_parent(parent, path=file_path)
    return None


def _ruleset(path: Path) -> CompiledRuleset:
    from .loading import load_ruleset

    path = path.resolve()
    key = (path, path.stat().st_mtime)
    if key not in _RULESETS:
        _RULESETS[key] = load_ruleset(path)
    return _RULESETS[key]  # type: ignore[no-any-return]


def _rules_of(ruleset: CompiledRuleset) -> list[str]:
    """The coverable rules: each band of a multi-band statute, each tier, each list item."""
    rules: list[str] = []
    for vid, violation in ruleset.violations.items():
        if len(violation.bands) > 1:
            rules += [f"band {vid}/{band.model.id}" for band in violation.bands]
        rules += [f"tier {vid}/{tier.model.id}" for tier in violation.tiers]
    rules += [f"item {item.id}" for item in ruleset.model.list_items]
    return rules


def _covered_by(rec: Recommendation) -> set[str]:
    vid = rec.violation.code
    hits = {f"band {vid}/{rec.band}"} if rec.band else set()
    hits |= {f"tier {step.rule}" for step in rec.trace if step.kind == "tier" and step.matched}
    hits |= {f"item {step.rule}" for step in rec.trace if step.kind == "list_item" and step.matched}
    return hits


class DiscretionFailure(Exception):
    """A case, a check or a property failed; the message is the whole report."""


class _Reported(pytest.Item):
    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, DiscretionFailure | AssertionError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))


class RulesetFile(pytest.File):
    """A ruleset folder's own tests: loads, passes the static checks, satisfies the properties."""

    def collect(self) -> Iterator[pytest.Item]:
        yield CheckItem.from_parent(self, name="checks")
        if not self.config.getoption("--discretion-no-properties"):
            from .checks.properties import PROPERTIES

            for name in PROPERTIES:
                yield PropertyItem.from_parent(self, name=f"property[{name}]", prop=name)


class CheckItem(_Reported):
    def runtest(self) -> None:
        from .checks.static import Severity, check_all
        from .errors import DiscretionError
        from .registry import ruleset_files

        try:
            rulesets = [_ruleset(path) for path in ruleset_files(self.path.parent) if path.parent in
                        (self.path.parent, self.path.parent / "versions")]
        except DiscretionError as exc:
            raise DiscretionFailure(str(exc)) from None
        current = _ruleset(self.path)
        _coverage(self.config).rules.setdefault(self.path.resolve(), (current.id, _rules_of(current)))
        findings = check_all(rulesets)
        errors = [f for f in findings if f.severity is Severity.error]
        warnings = [str(f) for f in findings if f.severity is Severity.warning]
        for warning in warnings:
            self.add_report_section("call", "warnings", warning)
        listed = _warnings(self.config)  # shown after the tests, each once
        listed.extend(w for w in warnings if w not in listed)
        if errors:
            raise DiscretionFailure("\n".join(str(f) for f in errors))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"checks: {self.path.parent.name}"


class PropertyItem(_Reported):
    def __init__(self, *, prop: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.prop = prop

    def runtest(self) -> None:
        from .checks.properties import PropertyFailure, run_property

        examples = int(self.config.getoption("--discretion-examples"))
        try:
            run_property(self.prop, _ruleset(self.path), max_examples=examples)
        except PropertyFailure as exc:
            raise DiscretionFailure(f"{self.path}: property {self.prop} does not hold\n{exc}") from None

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"property {self.prop}: {self.path.parent.name}"


class CaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from .casefiles import load_case_file
        from .errors import DiscretionError

        try:
            specs = load_case_file(self.path)
        except DiscretionError as exc:
            yield BrokenCaseFile.from_parent(self, name="load", error=str(exc))
            return
        seen: set[str] = set()
        for spec in specs:
            name = spec.name if spec.name not in seen else f"{spec.name} [{spec.location.line}]"
            seen.add(spec.name)
            yield CaseItem.from_parent(self, name=name, spec=spec)


class MisnamedCaseFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield BrokenCaseFile.from_parent(
            self, name="name", error=f"{self.path}: misnamed-case-file: case files are named *.cases.yaml; this "
            "file is not read as one (rename it, or move it out of cases/)")


class BrokenCaseFile(_Reported):
    def __init__(self, *, error: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise DiscretionFailure(self.error)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.path.name}: cannot load"


class CaseItem(_Reported):
    def __init__(self, *, spec: CaseSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec

    def runtest(self) -> None:
        from .casefiles import compare, unknown_measures
        from .errors import DiscretionError
        from .evaluate import evaluate
        from .render import trace_text

        backend = self.config.getoption("--discretion-backend")
        where = f"{self.spec.location}: case {self.spec.name!r}"
        try:
            ruleset = _ruleset(self.spec.ruleset_path)
            got = evaluate(ruleset, self.spec.case, backend=backend)
        except DiscretionError as exc:
            raise DiscretionFailure(f"{where}\n{exc}") from None
        coverage = _coverage(self.config)
        coverage.covered.setdefault(self.spec.ruleset_path.resolve(), set()).update(_covered_by(got))
        coverage.rules.setdefault(self.spec.ruleset_path.resolve(), (ruleset.id, _rules_of(ruleset)))
        diffs = unknown_measures(self.spec.expect, ruleset.measure_labels) + compare(
            self.spec.expect, self.spec.fine_given, got)
        if diffs:
            raise DiscretionFailure("\n".join([where, *diffs, "", "trace:", trace_text(got)]))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.spec.location.line or 1) - 1, f"case: {self.spec.name}"


def coverage_report(coverage: _Coverage) -> tuple[float, list[str]]:
    """Percentage of rules exercised by cases over the rulesets seen, and one line per ruleset."""
    total = hit = 0
    lines: list[str] = []
    for path, (ruleset_id, rules) in sorted(coverage.rules.items()):
        covered = coverage.covered.get(path, set())
        missing = [rule for rule in rules if rule not in covered]
        total += len(rules)
        hit += len(rules) - len(missing)
        share = 100.0 if not rules else 100.0 * (len(rules) - len(missing)) / len(rules)
        lines.append(f"{ruleset_id}: {share:.0f}% of {len(rules)} rules"
                     + (f"; not exercised: {', '.join(missing)}" if missing else ""))
    return (100.0 if total == 0 else 100.0 * hit / total), lines


def below_threshold(share: float, threshold: float | None, missing: int) -> str | None:
    """The line that says why a run whose tests all passed still failed: coverage below the threshold."""
    if threshold is None or share >= threshold:
        return None
    shown = f"{share:.1f}%"  # as TOTAL says it, unless rounding reaches the threshold ("100.0% is below 100%")
    if round(share, 1) >= threshold:
        shown = f"{math.floor(share * 1000) / 1000:.3f}%"
    return (f"未达覆盖率要求 (coverage threshold not met): 规则覆盖率 {shown} 低于要求的 {threshold:g}% "
            f"(rule coverage {shown} is below the required {threshold:g}%, --discretion-cov-fail-under); "
            f"{missing} 条规则未被案例覆盖，见上 ({missing} rules not exercised by any case, listed above)")


def _warnings(config: pytest.Config) -> list[str]:
    """The static checks' warnings, which do not fail a run (a gap between tiers, a rule that never
    fires): listed after the tests, since a passed test's report sections are shown only with -rA."""
    if _WARNINGS not in config.stash:
        config.stash[_WARNINGS] = []
    return config.stash[_WARNINGS]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    warnings = _warnings(config)
    if warnings:
        terminalreporter.section("discretion warnings (static checks: not failures, but read them)")
        for warning in warnings:
            terminalreporter.write_line(warning, yellow=True)
    coverage = _coverage(config)
    if not coverage.rules:
        return
    share, lines = coverage_report(coverage)
    terminalreporter.section("discretion coverage (rules exercised by *.cases.yaml)")
    for line in lines:
        terminalreporter.write_line(line)
    terminalreporter.write_line(f"TOTAL: {share:.1f}%")
    missing = sum(1 for path, (_, rules) in coverage.rules.items() for rule in rules
                  if rule not in coverage.covered.get(path, set()))
    failed = below_threshold(share, config.getoption("--discretion-cov-fail-under"), missing)
    if failed:
        terminalreporter.write_line(failed, red=True, bold=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    threshold = session.config.getoption("--discretion-cov-fail-under")
    coverage = _coverage(session.config)
    if threshold is None or not coverage.rules:
        return
    share, _ = coverage_report(coverage)
    if share < threshold and session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
