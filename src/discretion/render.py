"""Data in, strings out: Chinese text with English glosses, and HTML for notebooks. Nothing prints here."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .models.outcome import Recommendation, TraceStep

if TYPE_CHECKING:
    from .compile import CompiledRuleset

__all__ = ["recommendation_html", "recommendation_text", "ruleset_html", "ruleset_text", "trace_text"]

_MARK = {True: "✓", False: "✗", None: "?"}


def _yuan(value: object) -> str:
    return f"{value:,.2f} 元"


def recommendation_text(rec: Recommendation) -> str:
    """A readable summary: outcome, fine, measures, flags and citations (zh, with en glosses)."""
    lines = [
        f"违法行为 Violation: {rec.violation.zh} ({rec.violation.code})",
        f"处理结果 Outcome: {rec.label.zh} ({rec.label.en})"
        + ("" if rec.mandatory else " — 可以 (discretionary)"),
    ]
    if rec.alternatives:
        lines.append("可选 Alternatives: " + ", ".join(o.value for o in rec.alternatives))
    if rec.list_item:
        lines.append(f"适用清单事项 List item: {rec.list_item}")
    if rec.tier:
        lines.append(f"裁量阶次 Tier: {rec.tier}" + (f" (band {rec.band})" if rec.band else ""))
    if rec.fine is not None:
        lines.append(f"罚款 Fine: {_yuan(rec.fine.min)} – {_yuan(rec.fine.max)}")
    if rec.penalties:
        lines.append("处罚种类 Penalties: " + "、".join(f"{p.zh} ({p.en})" for p in rec.penalties))
    lines.append("措施 Measures: " + "、".join(f"{m.zh} ({m.en})" for m in rec.measures))
    if rec.flags:
        lines.append("提示 Flags:")
        lines.extend(f"  - {f.zh} ({f.en})" + (f" [{f.article}]" if f.article else "")
                     + (f": {f.detail}" if f.detail else "") for f in rec.flags)
    lines.append("依据 Citations:")
    lines.extend(f"  - {c.label()}" for c in rec.citations)
    lines.append(f"规则 Ruleset: {rec.ruleset.id} {rec.ruleset.version} sha256:{rec.ruleset.sha256[:16]}…")
    return "\n".join(lines)


def _step_text(step: TraceStep) -> list[str]:
    head = f"{_MARK[step.matched]} [{step.kind}] {step.rule}"
    if step.note:
        head += f" — {step.note}"
    lines = [head]
    for cond in step.conditions:
        lines.append(f"    {_MARK[cond.value]} {cond.condition}"
                     + (f"  ({cond.zh})" if cond.zh else ""))
        for part in cond.failed:
            lines.append(f"        failed: {part}")
        for part in cond.unknown:
            lines.append(f"        unknown: {part}")
        if cond.value is not True and cond.facts:
            lines.append("        facts: " + ", ".join(f"{k}={v!r}" for k, v in cond.facts.items()))
    return lines


def trace_text(rec: Recommendation) -> str:
    """Every rule considered, matched (✓), not (✗) or unknown (?), with failed parts and facts read."""
    return "\n".join(line for step in rec.trace for line in _step_text(step))


def recommendation_html(rec: Recommendation) -> str:
    fine = "—" if rec.fine is None else f"{_yuan(rec.fine.min)} – {_yuan(rec.fine.max)}"
    rows = [  # (header, already-escaped HTML)
        ("处理结果 Outcome", escape(f"{rec.label.zh} ({rec.label.en})" + ("" if rec.mandatory else " — 可以"))),
        ("罚款 Fine", escape(fine)),
        ("措施 Measures", escape("、".join(m.zh for m in rec.measures))),
        ("提示 Flags", "<br>".join(escape(f"{f.zh} ({f.en})") for f in rec.flags)),
        ("依据 Citations", "<br>".join(escape(c.label()) for c in rec.citations)),
    ]
    body = "".join(f"<tr><th style='text-align:left'>{escape(k)}</th><td>{v}</td></tr>" for k, v in rows)
    trace = escape(trace_text(rec))
    return (f"<div><strong>{escape(rec.violation.zh)}</strong> <code>{escape(rec.violation.code)}</code>"
            f"<table>{body}</table><details><summary>trace</summary><pre>{trace}</pre></details></div>")


def ruleset_html(ruleset: CompiledRuleset) -> str:
    model = ruleset.model
    rows = "".join(
        f"<tr><td><code>{escape(vid)}</code></td><td>{escape(v.model.title.zh)}</td>"
        f"<td>{len(v.bands)}</td><td>{len(v.tiers)}</td><td>{len(v.items)}</td></tr>"
        for vid, v in ruleset.violations.items()
    )
    return (f"<div><strong>{escape(model.title.zh)}</strong> ({escape(model.title.en)})<br>"
            f"{escape(model.issuer.zh)} {escape(model.document or '')} · version {escape(model.version)} · "
            f"effective {model.effective}<table><tr><th>id</th><th>违法行为</th><th>bands</th><th>tiers</th>"
            f"<th>list items</th></tr>{rows}</table></div>")


def ruleset_text(ruleset: CompiledRuleset) -> str:
    """A short overview of a loaded ruleset: metadata, violations with their bands, tiers and items."""
    model = ruleset.model
    lines = [
        f"{model.title.zh} ({model.title.en})",
        f"  {model.issuer.zh} {model.document or ''} · {model.jurisdiction} · version {model.version}",
        f"  effective {model.effective}" + (f" – expires {model.expires}" if model.expires else "")
        + f" · status {model.status.value} · sha256 {ruleset.sha256[:16]}…",
        "",
    ]
    for vid, violation in ruleset.violations.items():
        lines.append(f"{vid}: {violation.model.title.zh}")
        lines.append("    处罚依据 " + "; ".join(c.label() for c in violation.model.penalty_basis))
        for band in violation.bands:
            fine = band.model.fine
            shape = "no fine" if fine is None else fine.model_dump_json(exclude_none=True)
            lines.append(f"    band {band.model.id}" + (f" when {band.model.when}" if band.model.when else "")
                         + f": {shape}")
        for tier in violation.tiers:
            lines.append(f"    tier {tier.model.id} ({tier.model.outcome.value})")
        for item in violation.items:
            lines.append(f"    list item {item.model.id} ({item.model.kind.value}, {item.model.modality.value})")
    return "\n".join(lines)
