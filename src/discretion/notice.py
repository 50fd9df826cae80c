"""Text for the notice before a penalty (行政处罚事先告知书) and for a decision not to penalise.

Rendered with ``string.Template`` from package templates that a department can override with a
folder holding ``notice_penalty.txt`` / ``notice_no_penalty.txt``. The rights named are those the
Administrative Penalty Law gives (art. 44, 45, 63, 64, 85); no deadline the statute does not set is
written in.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from string import Template

from .compile import CompiledRuleset
from .models.outcome import Recommendation
from .models.vocabulary import Outcome
from .reasons import fact_text

__all__ = ["render_notice"]

_DERIVED_HIDDEN = {"prior_violations"}


def _template(name: str, folder: Path | None) -> Template:
    if folder is not None and (folder / name).is_file():
        return Template((folder / name).read_text(encoding="utf-8"))
    return Template(resources.files("discretion").joinpath("templates", name).read_text(encoding="utf-8"))


def render_notice(ruleset: CompiledRuleset, rec: Recommendation, *, party: str = "当事人", agency: str = "（执法机关）",
                  on: date | None = None, templates: Path | None = None) -> str:
    """The notice for a recommendation: the facts, reasons, legal basis, penalty or measures, and rights."""
    violation = ruleset.violations[rec.violation.code].model
    facts = "\n".join(f"  {fact_text(ruleset, name, value)}" for name, value in rec.facts.items()
                      if name not in _DERIVED_HIDDEN and value is not None)
    reasons = "\n".join(f"  {i}. {r.zh}" + (f"（依据：{r.basis}）" if r.basis else "")
                        for i, r in enumerate(rec.reasons, 1))
    common = {
        "party": party, "agency": agency, "date": (on or date.today()).strftime("%Y年%m月%d日"),
        "violation_zh": violation.title.zh, "facts": facts or "  （无）", "reasons": reasons or "  （无）",
        "measures": "\n".join(f"  - {m.zh}" for m in rec.measures),
    }
    if rec.outcome is Outcome.no_penalty:
        basis = "、".join(dict.fromkeys(c.label() for c in rec.citations if c.law == "行政处罚法" or c.document))
        return _template("notice_no_penalty.txt", templates).safe_substitute(common, basis=basis or "有关规定")
    penalties = "\n".join(
        f"  - {p.zh}" + (f"，{p.amount.min}元至{p.amount.max}元（在此范围内确定）" if p.amount else "")
        + ("（可以并处）" if p.optional else "") for p in rec.penalties) or "  （见上）"
    hearing = ""
    if rec.has_flag("hearing_right"):
        hearing = ("根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求听证；要求听证的，"
                   "应当在本机关告知后五日内提出（第八十五条：工作日）。")
        due = next((d.due for d in rec.deadlines if d.code == "hearing_request" and d.due), None)
        if due:
            hearing += f"最后期限：{due.strftime('%Y年%m月%d日')}。"
    elif rec.has_flag("hearing_right_unknown"):
        hearing = "（是否属于“较大数额罚款”应当告知听证权利，须依本地区规定的标准确定。）"
    return _template("notice_penalty.txt", templates).safe_substitute(
        common, penalties=penalties, hearing=hearing,
        legal_basis="、".join(c.label() for c in violation.legal_basis) or violation.penalty_basis[0].label(),
        penalty_basis="、".join(c.label() for c in violation.penalty_basis))
