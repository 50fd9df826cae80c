"""Audit recorded decisions against the recommendations: what a legal-review office looks for.

Four findings, each a row of ``AuditReport.findings``: ``fine_outside_range`` (the recorded fine
leaves the recommended range, or a fine was recorded where none is recommended), ``exemption_not_used``
(a no-penalty ground or list item applied, yet a penalty was recorded; ``shall`` or ``may``),
``penalty_not_imposed`` (该罚不罚: no penalty was recorded where no ground for it applied; ``no_ground``,
or ``facts_unknown`` when facts the case left unknown might have given one), and ``inconsistent``
(同案不同罚: cases with the same recommendation path were decided differently).
A row that cannot be judged (an invalid case, a recorded outcome or fine that is not one) is not
audited but listed in ``AuditReport.invalid`` with its row, column and message: an audit must never
look clean because its rows were skipped. Install with ``pip install "discretion[analysis]"``.
"""

from __future__ import annotations

import base64
import io
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from .compile import CompiledRuleset
from .errors import BackendUnavailable, CaseError, Location, Problem, did_you_mean
from .fact_values import _money
from .models.vocabulary import OUTCOMES

__all__ = ["FINDINGS", "RECORDED_OUTCOMES", "AuditReport", "RowProblems", "audit"]

FINDINGS = {
    "fine_outside_range": ("罚款超出裁量基准幅度", "recorded fine outside the recommended range"),
    "exemption_not_used": ("应当/可以不予处罚而予以处罚", "an exemption applied but a penalty was recorded"),
    "penalty_not_imposed": ("无不予处罚依据而未予处罚", "no penalty was recorded where no ground for it applied"),
    "inconsistent": ("同案不同罚", "similar cases treated differently"),
}
SIMILAR = ("violation", "outcome", "band", "tier", "list_item")
# the columns of a recommendations frame (``batch.evaluate_frame``'s) that the audit reads
READ = ("violation", "outcome", "mandatory", "fine_min", "fine_max", "error", "flags", "band", "tier", "list_item")
# a recorded outcome: its code, or its Chinese label as a recommendation's label gives it (不予处罚 ...),
# which is how case systems record decisions
RECORDED_OUTCOMES = {**{code: code for code in OUTCOMES}, **{label.zh: code for code, label in OUTCOMES.items()}}


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        raise BackendUnavailable("discretion.audit needs pandas: pip install \"discretion[analysis]\"",
                                 code="analysis-unavailable") from None
    return pd


class RowProblems:
    """Mixed into a report of a frame (audit, and diff's) that holds ``invalid``, the problems of the rows it
    could not judge (``batch.columns.PROBLEM_COLUMNS``), and ``source``, the file read: their count and located list."""

    invalid: Any
    source: str | None

    def __post_init__(self) -> None:
        if self.invalid is None:
            from .batch.columns import PROBLEM_COLUMNS

            self.invalid = _pandas().DataFrame(columns=list(PROBLEM_COLUMNS))

    @property
    def invalid_rows(self) -> int:
        """How many rows could not be judged."""
        return int(self.invalid["row"].nunique())

    def problems(self, limit: int | None = 20) -> list[Problem]:
        """The invalid rows' problems, located by file, row and column (those of the first ``limit`` rows)."""
        from .batch.columns import located

        return located(self.invalid, self.source, limit)


@dataclass
class AuditReport(RowProblems):
    """The audit: every case with its recommendation (``cases``), the findings and a summary.

    ``invalid``: the rows not audited, one problem a line (``row``, ``case_id``, ``column``, ``code``,
    ``message``); such a row also has its messages in ``cases["error"]``. ``source``: the file read.
    """

    ruleset: CompiledRuleset
    cases: Any
    findings: Any
    synthetic: bool = False
    invalid: Any = None
    source: str | None = None

    @property
    def audited(self) -> int:
        """How many rows were audited (all but the invalid ones)."""
        return len(self.cases) - self.invalid_rows

    @property
    def summary(self) -> Any:
        """Findings per kind: how many cases, and the share of the cases audited."""
        pd = _pandas()
        counts = self.findings.groupby("kind", observed=True)["row"].nunique() if len(self.findings) else {}
        rows = [{"kind": kind, "zh": zh, "en": en, "cases": int(counts.get(kind, 0)),
                 "share": round(int(counts.get(kind, 0)) / max(self.audited, 1), 4)}
                for kind, (zh, en) in FINDINGS.items()]
        return pd.DataFrame(rows)

    def to_html(self, limit: int = 200) -> str:
        """A self-contained HTML report with charts (matplotlib, embedded as PNG)."""
        label = "<p><strong>合成数据 synthetic data</strong>: not real decisions.</p>" if self.synthetic else ""
        charts = "".join(f"<img alt='{escape(alt)}' src='data:image/png;base64,{png}'/>" for alt, png in self._charts())
        findings = self.findings.head(limit).to_html(index=False, escape=True)
        invalid = (f"<h2>无效行 Invalid rows, not audited ({self.invalid_rows}; first {limit} problems)</h2>"
                   f"{self.invalid.head(limit).to_html(index=False, escape=True)}") if len(self.invalid) else ""
        return (f"<html><head><meta charset='utf-8'><title>Audit {escape(self.ruleset.id)}</title></head><body>"
                f"<h1>执法决定审查 Audit of recorded decisions</h1>{label}"
                f"<p>{escape(self.ruleset.model.title.zh)} · {escape(self.ruleset.id)} {escape(self.ruleset.version)}"
                f" · sha256 {self.ruleset.sha256[:12]}… · {self.audited} cases audited"
                f"{f', {self.invalid_rows} rows invalid' if self.invalid_rows else ''}</p>"
                f"<h2>概要 Summary</h2>{self.summary.to_html(index=False)}<h2>图表 Charts</h2>{charts}"
                f"<h2>问题清单 Findings (first {limit})</h2>{findings}{invalid}</body></html>")

    def _repr_html_(self) -> str:
        return f"<div>{self.summary.to_html(index=False)}</div>"

    def _charts(self) -> list[tuple[str, str]]:
        from .plots import findings_bar, recorded_vs_range

        out = []
        for alt, draw in (("findings", findings_bar), ("recorded vs range", recorded_vs_range)):
            figure = draw(self)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
            import matplotlib.pyplot as plt

            plt.close(figure)
            out.append((alt, base64.b64encode(buffer.getvalue()).decode("ascii")))
        return out


def _recorded(data: Any, outcome_column: str, fine_column: str) -> tuple[list[str | None], list[Decimal | None],
                                                                        list[dict[str, Any]]]:
    """Recorded outcomes as codes and fines as exact Decimal yuan, and a problem for each that is not one
    (a missing outcome included: a decision without one cannot be audited)."""
    from .batch.columns import python_values

    allowed = ", ".join(OUTCOMES) + " (or " + ", ".join(label.zh for label in OUTCOMES.values()) + ")"
    outcomes: list[str | None] = []
    fines: list[Decimal | None] = []
    problems: list[dict[str, Any]] = []

    def problem(row: int, column: str, code: str, message: str) -> None:
        problems.append({"row": row, "case_id": None, "column": column, "code": code, "message": message})

    for row, (outcome, fine) in enumerate(zip(python_values(data[outcome_column]), python_values(data[fine_column]),
                                              strict=True)):
        code = RECORDED_OUTCOMES.get(outcome) if isinstance(outcome, str) else None
        outcomes.append(code)
        if outcome is None or outcome == "":
            problem(row, outcome_column, "missing-recorded-outcome", f"no recorded outcome; expected one of {allowed}")
        elif code is None:
            hint = did_you_mean(outcome, RECORDED_OUTCOMES) if isinstance(outcome, str) else None
            problem(row, outcome_column, "invalid-recorded-outcome", f"expected one of {allowed}, found {outcome!r}"
                    + (f"; {hint}" if hint else ""))
        if fine is None or fine == "":
            fines.append(None)
            continue
        try:
            fines.append(_money(fine))
        except ValueError as exc:
            fines.append(None)
            problem(row, fine_column, "invalid-recorded-fine", str(exc))
    return outcomes, fines, problems


def audit(ruleset: CompiledRuleset, frame: Any, *, outcome_column: str = "recorded_outcome",
          fine_column: str = "recorded_fine", spread: float = 0.5, recommendations: Any = None,
          passthrough: Sequence[str] = ()) -> AuditReport:
    """Compare recorded decisions with the recommendations (computed here unless given).

    ``spread``: in a group of similar cases, recorded fines further apart than this share of the
    recommended range (or outcomes that differ) are reported as 同案不同罚. Columns other than facts,
    ids, ``recorded_*`` and the two recorded columns must be named in ``passthrough``: a misspelt fact
    is an error with a did-you-mean, never a fact silently left unknown. Invalid rows are not
    audited; ``AuditReport.invalid`` lists them.
    """
    pd = _pandas()
    from .batch import evaluate_frame, read_frame
    from .batch.columns import PROBLEM_COLUMNS, python_value, row_problems, unknown_columns

    source = str(frame) if isinstance(frame, str | Path) else None
    data = read_frame(frame)
    where = f"{source}: " if source else ""
    for column in (outcome_column, fine_column):
        if column not in data.columns:
            raise CaseError([Problem("missing-column", f"the frame has no '{column}' column of recorded decisions",
                                     Location(f"{where}column {column}"))])
    kept = [outcome_column, fine_column, *passthrough]
    unknown_columns(ruleset, data.columns, kept, source=source)
    recs = recommendations if recommendations is not None else evaluate_frame(
        ruleset, data, passthrough=kept, progress=False)
    if recommendations is not None:
        _check_recommendations(recommendations, len(data), source)
    cases = recs.reset_index(drop=True)  # rows by position from 0, as findings and problems count them
    outcomes, fines, recorded_problems = _recorded(data, outcome_column, fine_column)
    cases["recorded_outcome"] = pd.Series(outcomes, index=cases.index, dtype=object)
    cases["recorded_fine"] = pd.Series(fines, index=cases.index, dtype=object)
    ids = cases["case_id"] if "case_id" in cases.columns else None
    problems = sorted(row_problems(cases["error"], ids) + recorded_problems, key=lambda p: int(p["row"]))
    invalid = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS))
    if recorded_problems:
        cases["error"] = _with_recorded(cases["error"], recorded_problems, ids)
        invalid["case_id"] = [None if ids is None else python_value(ids.iat[row]) for row in invalid["row"]]
    findings: list[dict[str, Any]] = []
    for row, (outcome, mandatory, low, high, fine, recorded, error, flags) in enumerate(zip(
            cases["outcome"].astype(object), cases["mandatory"], cases["fine_min"], cases["fine_max"],
            cases["recorded_fine"], cases["recorded_outcome"], cases["error"], cases["flags"], strict=True)):
        if isinstance(error, str):  # listed in ``invalid``
            continue
        if outcome == "no_penalty" and recorded != "no_penalty":
            findings.append(_finding(cases, row, "exemption_not_used", "shall" if mandatory else "may",
                                     f"recommended no_penalty ({'应当' if mandatory else '可以'}), "
                                     f"recorded {recorded}"))
        elif recorded == "no_penalty" and outcome != "no_penalty":
            unknown = "facts_unknown" in flags  # an unknown fact might have given a ground: ask, not accuse
            findings.append(_finding(cases, row, "penalty_not_imposed", "facts_unknown" if unknown else "no_ground",
                                     f"recorded no_penalty; recommended {outcome}" + (
                                         " (facts left unknown might give a ground for no penalty)" if unknown
                                         else ": no ground for no penalty applied")))
        elif fine is not None and fine > 0 and (low is None or high is None):
            findings.append(_finding(cases, row, "fine_outside_range", "no_fine",
                                     f"recorded fine {fine} where no fine is recommended"))
        elif fine is not None and low is not None and high is not None and not low <= fine <= high:
            findings.append(_finding(cases, row, "fine_outside_range", "above" if fine > high else "below",
                                     f"recorded fine {fine} outside {low}–{high}"))
    findings.extend(_inconsistent(cases, spread))
    columns = ["row", "case_id", "violation", "kind", "detail", "message"]
    table = pd.DataFrame(findings, columns=columns).sort_values(["kind", "row"], kind="stable")
    synthetic = bool(data.attrs.get("synthetic")) or "synthetic" in data.columns
    return AuditReport(ruleset, cases, table.reset_index(drop=True), synthetic, invalid, source)


def _check_recommendations(recommendations: Any, rows: int, source: str | None) -> None:
    """A caller's recommendations frame has a row for each case and the columns the audit reads (those
    ``batch.evaluate_frame`` gives): otherwise a located error, never a KeyError from deep in the audit."""
    location = Location("recommendations")
    hint = "pass the frame batch.evaluate_frame gives for these cases, or leave recommendations out"
    columns = getattr(recommendations, "columns", None)
    if columns is None or not hasattr(recommendations, "__len__"):
        raise CaseError([Problem("bad-recommendations", f"expected a DataFrame of recommendations, found "
                                 f"{type(recommendations).__name__}", location, hint)])
    missing = [column for column in READ if column not in columns]
    if missing:
        raise CaseError([Problem("bad-recommendations", "the recommendations frame has no "
                                 + ", ".join(f"'{column}'" for column in missing)
                                 + (" column" if len(missing) == 1 else " columns"), location, hint)])
    if len(recommendations) != rows:
        cases = f"{rows} cases in {source}" if source else f"{rows} cases"
        raise CaseError([Problem("bad-recommendations", f"the recommendations frame has {len(recommendations)} "
                                 f"rows for {cases}; expected one row per case", location, hint)])


def _with_recorded(errors: Any, problems: list[dict[str, Any]], ids: Any) -> Any:
    """The ``error`` column with each invalid recorded value's message added to its row's."""
    out = errors.astype(object).copy()
    for problem in problems:
        at = int(problem["row"])
        line = f"{problem['column']}: {problem['code']}: {problem['message']}"
        previous = out.iat[at]
        out.iat[at] = line if previous is None or previous != previous else f"{previous}\n{line}"
    return out


def _finding(cases: Any, row: int, kind: str, detail: str, message: str) -> dict[str, Any]:
    ident = cases["case_id"].iat[row] if "case_id" in cases.columns else None
    return {"row": row, "case_id": ident, "violation": str(cases["violation"].iat[row]), "kind": kind,
            "detail": detail, "message": message}


def _inconsistent(cases: Any, spread: float) -> list[dict[str, Any]]:
    """In each group of similar cases: outcomes other than the usual one, and fines far from the median."""
    found: list[dict[str, Any]] = []
    share = Decimal(str(spread))
    usable = cases[cases["error"].isna()]
    keys = usable[list(SIMILAR)].astype(object).where(usable[list(SIMILAR)].notna(), "")
    for _key, group in usable.groupby([keys[c] for c in SIMILAR], sort=False, dropna=False):
        if len(group) < 3:
            continue
        usual = group["recorded_outcome"].mode().iat[0]
        same = group[group["recorded_outcome"] == usual]
        fines = [f for f in same["recorded_fine"] if f is not None]
        median = statistics.median(fines) if fines else None  # of an even count: the mean of the middle two
        for row, outcome, fine, low, high in zip(group.index, group["recorded_outcome"], group["recorded_fine"],
                                                 group["fine_min"], group["fine_max"], strict=True):
            # far from the median by a share of the row's own range (a range may depend on the row's facts:
            # per unit, a multiple), so that the finding does not depend on which row comes first
            limit = (high - low) * share if low is not None and high is not None and high != low else None
            if outcome != usual:
                found.append(_finding(cases, int(row), "inconsistent", "outcome",
                                      f"recorded {outcome}; {len(same)} of {len(group)} similar cases: {usual}"))
            elif fine is not None and median is not None and limit is not None and abs(fine - median) > limit:
                found.append(_finding(cases, int(row), "inconsistent", "fine",
                                      f"fine {fine} vs median {median} of {len(same)} similar cases"))
    return found
