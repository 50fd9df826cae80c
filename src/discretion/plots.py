"""Pictures for analysts (matplotlib): the baseline ladder of a violation, recorded fines against it.

Why: a policy team reads a ladder (statutory range, tiers, the 减轻 floor) faster than YAML, and
recorded fines drawn on it show at once where practice leaves the baseline. Install with
``pip install "discretion[analysis]"``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .compile import CompiledRuleset
from .errors import BackendUnavailable
from .models.penalty import Fine
from .money import Range, formula_percent, mitigated_range, statutory_range, tier_range

if TYPE_CHECKING:
    from .audit import AuditReport

__all__ = ["findings_bar", "ladder", "ladder_rows", "recorded_vs_range"]


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
    except ImportError:  # pragma: no cover
        raise BackendUnavailable("discretion.plots needs matplotlib: pip install \"discretion[analysis]\"",
                                 code="analysis-unavailable") from None
    return plt


def ladder_rows(ruleset: CompiledRuleset, violation: str) -> list[tuple[str, Range]]:
    """The rungs that have a fixed range: each band, its tiers, and the 减轻 floor (label, (min, max))."""
    compiled = ruleset.violation(violation)
    rows: list[tuple[str, Range]] = []
    for band in compiled.bands:
        if band.model.fine is None:
            continue
        statutory = statutory_range(band.model.fine, {})
        if not isinstance(statutory, tuple):
            continue
        rows.append((f"法定 statutory · {band.model.id}", statutory))
        for tier in compiled.tiers:
            if tier.model.band not in (None, band.model.id):
                continue
            fine = tier.fine
            if fine is None and compiled.formula is not None:
                percent = formula_percent(compiled.formula, tier.model.outcome, band.model.fine)
                fine = Fine(percent=percent) if percent is not None else None
            result = tier_range(fine, {}, statutory)
            if isinstance(result, tuple):
                rows.append((f"{tier.model.outcome.value} · {tier.model.id}", result))
        if statutory[0] > 0:
            floor = compiled.formula.mitigated_floor_percent if compiled.formula else None
            rows.append((f"减轻 mitigated · {band.model.id}", mitigated_range(statutory, floor)))
    return rows


def ladder(ruleset: CompiledRuleset, violation: str, *, recorded: Any = None, ax: Any = None) -> Any:
    """Draw the ladder of one violation; ``recorded`` (fines in yuan) are drawn as points above it."""
    plt = _pyplot()
    if ax is None:
        _figure, ax = plt.subplots(figsize=(8, 3))
    rows = ladder_rows(ruleset, violation)
    for y, (label, (low, high)) in enumerate(rows):
        ax.barh(y, float(high - low) or 1.0, left=float(low), height=0.6,
                color="#c44" if label.startswith("法定") else "#48a" if not label.startswith("减轻") else "#9b5")
        ax.text(float(high), y, f" {low:f}–{high:f}", va="center", fontsize=7)
    labels = [label for label, _ in rows]
    if recorded is not None:
        from .batch.columns import python_value  # the analysis extra, which plots come with

        fines = [float(Decimal(str(f))) for f in map(python_value, recorded) if f is not None]
        y = len(rows)
        ax.scatter(fines, [y] * len(fines), s=8, alpha=0.5, color="black")
        labels.append("recorded 实际罚款")
    ax.set_yticks(range(len(labels)), labels=labels, fontsize=7)
    ax.set_xlabel("罚款 fine (元 yuan)")
    ax.set_title(f"{violation}", fontsize=9)
    return ax


def findings_bar(report: AuditReport) -> Any:
    """Findings per kind as a bar chart (a new figure)."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(6, 2.5))
    summary = report.summary
    ax.barh(summary["kind"], summary["cases"], color="#c84")
    ax.set_xlabel("cases")
    ax.set_title("findings by kind")
    return figure


def recorded_vs_range(report: AuditReport) -> Any:
    """Recorded fine against the recommended range, one point per case (outliers in red)."""
    plt = _pyplot()
    figure, ax = plt.subplots(figsize=(6, 4))
    cases = report.cases
    usable = cases[cases["fine_max"].notna() & cases["recorded_fine"].notna()]
    high = [float(v) for v in usable["fine_max"]]
    fines = [float(v) for v in usable["recorded_fine"]]
    low = [float(v) for v in usable["fine_min"]]
    colours = ["#c22" if f > h or f < lo else "#2a6" for f, lo, h in zip(fines, low, high, strict=True)]
    ax.scatter(high, fines, s=6, c=colours, alpha=0.6)
    top = max(high + fines + [1.0])
    ax.plot([0, top], [0, top], color="grey", linewidth=0.5)
    ax.set_xlabel("recommended maximum (yuan)")
    ax.set_ylabel("recorded fine (yuan)")
    ax.set_title("recorded vs recommended")
    return figure
