"""``discretion audit`` and ``discretion diff``: the analysis commands, registered into the CLI.

Light on purpose: pandas and matplotlib are imported only when a command runs, so the CLI starts
without the ``analysis`` extra and says how to install it when it is needed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .errors import BackendUnavailable, CaseError, DiscretionError, Location

__all__ = ["register"]

INSTALL = "pip install \"discretion[analysis]\""


def _need() -> None:
    try:
        import matplotlib  # noqa: F401
        import pandas  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(f"this command needs {exc.name}: {INSTALL}", code="analysis-unavailable") from None


MAX_SYNTHETIC = 10_000_000
"""The most synthetic cases a command makes: more would run out of memory rather than say so."""


def _positive(text: str) -> int:
    """A count of cases: argparse reports anything else as a usage error (exit 2), naming the option."""
    number = _whole(text)
    if number is None or not 1 <= number <= MAX_SYNTHETIC:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number up to {MAX_SYNTHETIC:,}")
    return number


def _seed(text: str) -> int:
    """A random seed: a whole number from 0 (what the generators take); anything else is a usage error."""
    number = _whole(text)
    if number is None or number < 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0")
    return number


def _whole(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _write(path: str, write: Callable[[str], object]) -> None:
    """Write an output file; a folder that does not exist (or is not writable) is bad input, said as such."""
    try:
        write(path)
    except OSError as exc:
        raise DiscretionError(f"cannot write the file: {exc.strerror or exc}", code="file-unwritable",
                              location=Location(path)) from None


def register(subparsers: Any) -> None:
    """Add the ``audit`` and ``diff`` subcommands."""
    p = subparsers.add_parser("audit", help="compare recorded decisions with the recommendations")
    p.add_argument("ruleset", help="ruleset.yaml, or its folder")
    p.add_argument("cases", help="CSV, Parquet or Arrow file with recorded_outcome and recorded_fine columns")
    p.add_argument("--html", help="write an HTML report with charts here")
    p.add_argument("--csv", help="write the findings as CSV here")
    p.add_argument("--invalid-csv", metavar="FILE", help="write the invalid rows' problems as CSV here")
    p.add_argument("--synthetic", type=_positive, metavar="N", help="audit N synthetic decisions instead (demo)")
    p.add_argument("--passthrough", action="append", default=[], metavar="COLUMN",
                   help="a column to keep that is neither a fact nor recorded_* (repeatable)")
    p.set_defaults(run=_audit)

    p = subparsers.add_parser("diff", help="rules changed between two versions and their impact on cases")
    p.add_argument("old", help="the published ruleset")
    p.add_argument("new", help="the revised ruleset")
    p.add_argument("--cases", help="a corpus of cases (CSV, Parquet, Arrow); default: synthetic cases")
    p.add_argument("-n", type=_positive, default=2000, help="synthetic cases when --cases is not given")
    p.add_argument("--seed", type=_seed, default=0, help="of the synthetic cases (a whole number from 0)")
    p.add_argument("--html", help="write an HTML report here")
    p.add_argument("--passthrough", action="append", default=[], metavar="COLUMN",
                   help="a column of --cases to keep that is not a fact (repeatable)")
    p.set_defaults(run=_diff)


def _audit(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 1 when there are findings; 2 when any row is invalid (bad input), after the report."""
    _need()
    from . import synthetic
    from .audit import audit
    from .loading import load_ruleset

    ruleset = load_ruleset(args.ruleset)
    frame = synthetic.decisions(ruleset, args.synthetic) if args.synthetic else args.cases
    report = audit(ruleset, frame, passthrough=args.passthrough)
    if report.synthetic:
        out.write(f"{synthetic.LABEL}\n")
    invalid = f"; {report.invalid_rows} of {len(report.cases)} rows invalid, not audited" if report.invalid_rows else ""
    out.write(f"{ruleset.id} {ruleset.version}: {report.audited} cases audited{invalid}\n")
    out.write(report.summary.to_string(index=False) + "\n")
    if args.html:
        _write(args.html, lambda path: Path(path).write_text(report.to_html(), encoding="utf-8"))
    if args.csv:
        _write(args.csv, lambda path: report.findings.to_csv(path, index=False))
    if args.invalid_csv:
        _write(args.invalid_csv, lambda path: report.invalid.to_csv(path, index=False))
    if report.invalid_rows:
        raise CaseError(report.problems())
    return 1 if len(report.findings) else 0


def _diff(args: argparse.Namespace, out: TextIO) -> int:
    """Exit 0 after the report; 2 when some case of --cases is invalid under both versions (bad input)."""
    _need()
    from .diff import diff
    from .loading import load_ruleset

    result = diff(load_ruleset(args.old), load_ruleset(args.new), args.cases, n=args.n, seed=args.seed,
                  passthrough=args.passthrough)
    out.write(f"{result.title}\n")
    for warning in result.warnings:
        out.write(f"warning: {warning}\n")
    out.write("规则变化 Rules changed:\n")
    out.write((result.rules.to_string(index=False) if len(result.rules) else "  (none)") + "\n")
    corpus = "synthetic cases" if result.synthetic else "cases"
    invalid = f"; {result.invalid_rows} invalid, not compared" if result.invalid_rows else ""
    out.write(f"\n影响 Impact: {result.changed_cases} of {len(result.cases)} {corpus} change{invalid}\n")
    if result.changed_cases:
        out.write(result.impact.to_string(index=False) + "\n")
    if args.html:
        page = f"<html><head><meta charset='utf-8'></head><body>{result.to_html()}</body></html>"
        _write(args.html, lambda path: Path(path).write_text(page, encoding="utf-8"))
    if result.invalid_rows:
        raise CaseError(result.problems())
    return 0
