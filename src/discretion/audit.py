"""Audit recorded decisions against the recommendations: what a legal-review office looks for.

Three findings, each a row of ``AuditReport.findings``: ``fine_outside_range`` (the recorded fine
leaves the recommended range, or a fine was recorded where none is recommended), ``exemption_not_used``
(a no-penalty ground or list item applied, yet a penalty was recorded; ``shall`` or ``may``), and
``inconsistent`` (同案不同罚: cases with the same recommendation path were decided differently).
Install with ``pip install "discretion[analysis]"``.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

from .compile import CompiledRuleset
from .errors import BackendUnavailable, CaseError, Location, Problem
from .fact_values import _money

__all__ = ["FINDINGS", "AuditReport", "audit"]

FINDINGS = {
    "fine_outside_range": ("罚款超出裁量基准幅度", "recorded fine outside the recommended range"),
    "exemption_not_used": ("应当/可以不予处罚而予以处罚", "an exemption applied but a penalty was recorded"),
    "inconsistent": ("同案不同罚", "similar cases treated differently"),
}
SIMILAR = ("violation", "outcome", "band", "tier", "list_item")


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        raise BackendUnavailable("discretion.audit needs pandas: pip install \"discretion[analysis]\"",
                                 code="analysis-unavailable") from None
    return pd


@dataclass
class AuditReport:
    """The audit: every case with its recommendation (``cases``), the findings and a summary."""

    ruleset: CompiledRuleset
    cases: Any
    findings: Any
    synthetic: bool = False

    @property
    def summary(self) -> Any:
        """Findings per kind: how many cases, and the share of all cases audited."""
        pd = _pandas()
        counts = self.findings.groupby("kind", observed=True)["row"].nunique() if len(self.findings) else {}
        rows = [{"kind": kind, "zh": zh, "en": en, "cases": int(counts.get(kind, 0)),
                 "share": round(int(counts.get(kind, 0)) / max(len(self.cases), 1), 4)}
                for kind, (zh, en) in FINDINGS.items()]
        return pd.DataFrame(rows)

    def to_html(self, limit: int = 200) -> str:
        """A self-contained HTML report with charts (matplotlib, embedded as PNG)."""
        label = "<p><strong>合成数据 synthetic data</strong>: not real decisions.</p>" if self.synthetic else ""
        charts = "".join(f"<img alt='{escape(alt)}' src='data:image/png;base64,{png}'/>" for alt, png in self._charts())
        findings = self.findings.head(limit).to_html(index=False, escape=True)
        return (f"<html><head><meta charset='utf-8'><title>Audit {escape(self.ruleset.id)}</title></head><body>"
                f"<h1>执法决定审查 Audit of recorded decisions</h1>{label}"
                f"<p>{escape(self.ruleset.model.title.zh)} · {escape(self.ruleset.id)} {escape(self.ruleset.version)}"
                f" · sha256 {self.ruleset.sha256[:12]}… · {len(self.cases)} cases</p>"
                f"<h2>概要 Summary</h2>{self.summary.to_html(index=False)}<h2>图表 Charts</h2>{charts}"
                f"<h2>问题清单 Findings (first {limit})</h2>{findings}</body></html>")

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


def _fines(values: Any) -> list[Decimal | None]:
    """Recorded fines as exact Decimal yuan (None when not recorded)."""
    from .batch.columns import python_value

    out: list[Decimal | None] = []
    for value in values:
        plain = python_value(value)
        if plain is None or plain == "":
            out.append(None)
            continue
        try:
            out.append(_money(plain))
        except ValueError as exc:
            raise CaseError([Problem("invalid-recorded-fine", str(exc), Location("column recorded_fine"))]) from None
    return out


def audit(ruleset: CompiledRuleset, frame: Any, *, outcome_column: str = "recorded_outcome",
          fine_column: str = "recorded_fine", spread: float = 0.5, recommendations: Any = None) -> AuditReport:
    """Compare recorded decisions with the recommendations (computed here unless given).

    ``spread``: in a group of similar cases, recorded fines further apart than this share of the
    recommended range (or outcomes that differ) are reported as 同案不同罚.
    """
    pd = _pandas()
    from .batch import evaluate_frame, read_frame

    data = read_frame(frame)
    for column in (outcome_column, fine_column):
        if column not in data.columns:
            raise CaseError([Problem("missing-column", f"the frame has no '{column}' column of recorded decisions",
                                     Location(f"column {column}"))])
    recs = recommendations if recommendations is not None else evaluate_frame(
        ruleset, data, passthrough=[c for c in data.columns if c not in ruleset.schema], progress=False)
    cases = recs.copy()
    cases["recorded_outcome"] = data[outcome_column].astype(object).where(data[outcome_column].notna(), None)
    cases["recorded_fine"] = pd.Series(_fines(data[fine_column]), dtype=object)
    findings: list[dict[str, Any]] = []
    for row, (outcome, mandatory, low, high, fine, recorded, error) in enumerate(zip(
            cases["outcome"].astype(object), cases["mandatory"], cases["fine_min"], cases["fine_max"],
            cases["recorded_fine"], cases["recorded_outcome"], cases["error"], strict=True)):
        if error is not None or outcome is None or recorded is None:
            continue
        if outcome == "no_penalty" and recorded != "no_penalty":
            findings.append(_finding(cases, row, "exemption_not_used", "shall" if mandatory else "may",
                                     f"recommended no_penalty ({'应当' if mandatory else '可以'}), "
                                     f"recorded {recorded}"))
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
    return AuditReport(ruleset, cases, table.reset_index(drop=True), synthetic)


def _finding(cases: Any, row: int, kind: str, detail: str, message: str) -> dict[str, Any]:
    ident = cases["case_id"].iat[row] if "case_id" in cases.columns else None
    return {"row": row, "case_id": ident, "violation": str(cases["violation"].iat[row]), "kind": kind,
            "detail": detail, "message": message}


def _inconsistent(cases: Any, spread: float) -> list[dict[str, Any]]:
    """In each group of similar cases: outcomes other than the usual one, and fines far from the median."""
    found: list[dict[str, Any]] = []
    usable = cases[cases["error"].isna() & cases["recorded_outcome"].notna()]
    keys = usable[list(SIMILAR)].astype(object).where(usable[list(SIMILAR)].notna(), "")
    for _key, group in usable.groupby([keys[c] for c in SIMILAR], sort=False, dropna=False):
        if len(group) < 3:
            continue
        usual = group["recorded_outcome"].mode().iat[0]
        same = group[group["recorded_outcome"] == usual]
        fines = sorted(f for f in same["recorded_fine"] if f is not None)
        median = fines[len(fines) // 2] if fines else None
        low, high = group["fine_min"].iat[0], group["fine_max"].iat[0]
        width = (high - low) if low is not None and high is not None else None
        limit = width * Decimal(str(spread)) if width else None
        for row, outcome, fine in zip(group.index, group["recorded_outcome"], group["recorded_fine"], strict=True):
            if outcome != usual:
                found.append(_finding(cases, int(row), "inconsistent", "outcome",
                                      f"recorded {outcome}; {len(same)} of {len(group)} similar cases: {usual}"))
            elif fine is not None and median is not None and limit is not None and abs(fine - median) > limit:
                found.append(_finding(cases, int(row), "inconsistent", "fine",
                                      f"fine {fine} vs median {median} of {len(same)} similar cases"))
    return found
