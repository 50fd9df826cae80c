"""Text for the notice before a penalty (行政处罚事先告知书) and for a decision not to penalise.

Rendered with ``string.Template`` from package templates that a department can override with a
folder holding ``notice_penalty.txt`` / ``notice_no_penalty.txt``. The rights named are those the
Administrative Penalty Law gives (art. 44, 45, 63, 64, 85); no deadline the statute does not set is
written in. The hearing-request deadline (art. 64(1): 告知后五日内; art. 85: working days, statutory
holidays excluded) counts from the notice's own date, with the jurisdiction's holiday calendar when one
is given. What the officer must settle before serving (a fine to fill in, a hearing right the loaded
thresholds leave open, an outcome that unknown facts may still change, a deadline counted without the
holiday calendar) is said outside the text to be served: a warning above it when the outcome is not
final, and drafting notes (起草提示) after it, neither of them part of the notice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from string import Template

from .compile import CompiledRuleset
from .errors import CaseError, DiscretionError, Location, Problem
from .fact_values import as_date
from .models.jurisdiction import Jurisdiction
from .models.outcome import Penalty, Recommendation
from .models.vocabulary import CORRECTION_MEASURES, OUTCOMES, Outcome
from .procedure import hearing_deadline
from .reasons import fact_text

__all__ = ["AGENCY_BLANK", "render_notice"]

# Facts not shown among the facts of the violation: derived, or the notice's own procedure
_HIDDEN = {"prior_violations", "notice_date"}
AGENCY_BLANK = "【执法机关名称（待填写 agency name to fill in）】"
_AMOUNT_BLANK = "【＿＿＿＿＿＿】"
_RULE = "─" * 40


_TEMPLATES = ("notice_penalty.txt", "notice_no_penalty.txt")


def _template_folder(folder: Path) -> Path:
    """A department's template folder: a folder holding at least one of ``_TEMPLATES``. Anything else is a
    mistyped path, refused rather than silently replaced by the package's templates."""
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        raise DiscretionError(f"the templates folder {what}; give a folder holding {' or '.join(_TEMPLATES)}",
                              code="templates-not-found", location=Location(str(folder)))
    if not any((folder / name).is_file() for name in _TEMPLATES):
        raise DiscretionError(f"the templates folder holds none of {', '.join(_TEMPLATES)}; name the files so, "
                              "or leave --templates out for the package's own", code="templates-not-found",
                              location=Location(str(folder)))
    return folder


def _template(name: str, folder: Path | None) -> Template:
    path = folder / name if folder is not None else None
    if path is None or not path.is_file():
        return Template(resources.files("discretion").joinpath("templates", name).read_text(encoding="utf-8"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DiscretionError(f"cannot read the template: {exc.strerror or exc}", code="file-unreadable",
                              location=Location(str(path))) from None
    try:
        return Template(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DiscretionError(f"the template is not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                              "save it as UTF-8", code="file-unreadable", location=Location(str(path), line)
                              ) from None


def _day(value: object) -> date | None:
    """The echoed notice_date (validated text YYYY-MM-DD), read as validation reads dates."""
    try:
        return None if value is None else as_date(value)
    except ValueError:
        return None


def check_notice_date(rec: Recommendation, day: date, *, where: str) -> None:
    """Refuse a notice dated before the act or its discovery (a notice follows both): a CaseError naming
    ``where`` (the option, argument or fact that gave the date), the date and the case's date it precedes."""
    for name, what in (("act_date", "date of the act"), ("discovery_date", "date of discovery")):
        fact = _day(rec.facts.get(name))
        if fact is not None and day < fact:
            raise CaseError([Problem(
                "dates-out-of-order", f"the notice's date {day.isoformat()} is before the case's {what} ({name}) "
                f"{fact.isoformat()}: a notice (告知) is served after the act and its discovery",
                Location(where), hint="give the date the notice is served, YYYY-MM-DD")])


def _zh(day: date) -> str:
    return day.strftime("%Y年%m月%d日")


def _penalty_line(p: Penalty) -> str:
    """One proposed penalty. A fine range is the baseline the amount is chosen in, not the content art. 44
    asks for: the officer fills in the amount (a marked blank) within it; a fixed amount is written out."""
    line = f"  - {p.zh}"
    if p.amount is not None:
        low, high = p.amount.min, p.amount.max
        if low == high:
            line += f"{high}元"
        else:
            within = f"{high}元以下" if low == Decimal(0) else f"{low}元至{high}元范围内"
            line += f"，{within}确定为{_AMOUNT_BLANK}元（待填写 fill in the amount）"
    return line + ("（可以并处）" if p.optional else "")


def _measures_after_penalties(rec: Recommendation) -> str:
    """Correction (art. 28) and other measures: not penalties (art. 9), so said apart from them."""
    parts: list[str] = []
    codes = {m.code for m in rec.measures}
    if codes & CORRECTION_MEASURES:
        how = "限期改正违法行为" if "order_correction_within_deadline" in codes else "改正违法行为"
        parts.append(f"同时，根据《中华人民共和国行政处罚法》第二十八条第一款的规定，责令你（单位）{how}。")
    others = [m for m in rec.measures if m.code not in CORRECTION_MEASURES]
    if others:
        parts.append("并采取以下措施（不属于行政处罚）：\n" + "\n".join(f"  - {m.zh}" for m in others))
    return "\n".join(parts)


def _warning(rec: Recommendation) -> str | None:
    """Above the draft when facts still unknown may change the outcome: which outcomes, which facts."""
    possible = list(dict.fromkeys(rec.possible_outcomes))
    if not rec.has_flag("facts_unknown") and len(possible) < 2:
        return None
    unknown = [f"{q.zh}（{q.en}）" for q in rec.questions]
    if not unknown:
        flag = next((f for f in rec.flags if f.code == "facts_unknown"), None)
        if flag is not None and flag.detail:
            unknown = [flag.detail]
    outcomes = "、".join(OUTCOMES[o.value].zh for o in possible) or OUTCOMES[rec.outcome.value].zh
    lines = [
        "【起草警示 DRAFTING WARNING — 不属于告知书内容 not part of the notice】",
        f"处理结果尚未确定 the outcome is not final：可能的结果 possible outcomes：{outcomes}；"
        f"本稿按「{rec.label.zh}」起草 drafted as {rec.outcome.value}。",
        "未查明的事实 facts still unknown：" + ("；".join(unknown) or "见建议书 see the recommendation") + "。",
        "查明上述事实并重新生成本稿之前，不得送达 do not serve before these facts are established and the draft "
        "is made again.",
        _RULE,
    ]
    return "\n".join(lines)


def _hearing(rec: Recommendation, notice_day: date, fact_day: date | None, jurisdiction: Jurisdiction | None,
             notes: list[str]) -> str:
    """The hearing sentence to serve (art. 63, 64, 85), its deadline counted from the notice's date."""
    if rec.has_flag("hearing_right_unknown"):
        detail = next((f.detail for f in rec.flags if f.code == "hearing_right_unknown"), None)
        notes.append(
            "是否应当告知听证权利未能确定 whether a hearing right must be notified is undetermined"
            + (f"（{detail}）" if detail else "") + "：拟作出较大数额罚款，或者没收较大数额违法所得、没收较大价值"
            "非法财物的，应当告知听证权利（行政处罚法第六十三条第一款第一、二项）；“较大数额”须依本地区规定的标准确定"
            " (the threshold is set by the province or ministry)。属于的，在告知书中写明听证权利及其期限"
            "（告知后五个工作日内提出）。")
        return ""
    if not rec.has_flag("hearing_right"):
        return ""
    text = ("根据《中华人民共和国行政处罚法》第六十三条、第六十四条的规定，你（单位）有权要求听证；要求听证的，"
            "应当在本机关告知后五日内提出（第八十五条：工作日，不含法定节假日）。")
    if fact_day is not None and fact_day != notice_day:
        notes.append(f"案件事实中的告知日期 the case's notice_date（{_zh(fact_day)}）与本告知书日期 this notice's date"
                     f"（{_zh(notice_day)}）不一致：听证请求期限按本告知书日期计算 the hearing deadline counts from "
                     "this notice's date；请核对案件记录 check the case record。")
    kept = next((d for d in rec.deadlines if d.code == "hearing_request"), None)
    if jurisdiction is None and rec.jurisdiction is not None and kept is not None and kept.starts == notice_day:
        due, note = kept.due, kept.note  # counted by the evaluation with its jurisdiction, from this date
    else:
        due, note = hearing_deadline(notice_day, jurisdiction)
    if due is None:
        notes.append(f"未能计算听证请求的最后期限 no deadline could be given（{note}）：请人工确定。")
        return text
    text += f"最后期限：{_zh(due)}" + ("。" if note is None else "（期间内遇法定节假日的，相应顺延）。")
    if note is not None:
        notes.append("听证请求期限只跳过了周六、周日，未计入法定节假日（" + note + "）：送达前请按国务院公布的节假日"
                     "安排核对最后期限，或加载含节假日日历的辖区文件（discretion.load_jurisdiction；命令行 "
                     "--jurisdiction FILE）。")
    return text


def render_notice(ruleset: CompiledRuleset, rec: Recommendation, *, party: str = "当事人",
                  agency: str | None = None, on: date | None = None, templates: Path | None = None,
                  jurisdiction: Jurisdiction | None = None) -> str:
    """The notice for a recommendation: the facts, reasons, legal basis, penalty or measures, and rights.

    ``on`` is the notice's date (default: the case's ``notice_date`` fact, else today); the hearing-request
    deadline counts from it, skipping the holidays of ``jurisdiction`` when given (else weekends only, with
    a drafting note). Without ``agency`` the agency's name is a marked blank. A warning above the notice
    (outcome not final) and drafting notes after it (起草提示) are not part of the text to serve."""
    if jurisdiction is not None and rec.jurisdiction != jurisdiction.id:
        # the flags (hearing right against the thresholds) are the evaluation's, the deadline would be j's
        evaluated = f"with jurisdiction {rec.jurisdiction!r}" if rec.jurisdiction else "without a jurisdiction"
        raise DiscretionError(f"the recommendation was evaluated {evaluated}, not with {jurisdiction.id!r}: its "
                              "hearing right and the notice's deadline would come from different rules; evaluate the "
                              f"case with jurisdiction {jurisdiction.id!r} (evaluate(..., jurisdiction=...)), or "
                              "render without one", code="jurisdiction-mismatch", location=Location("jurisdiction"))
    if templates is not None:
        templates = _template_folder(Path(templates))
    violation = ruleset.violations[rec.violation.code].model
    fact_day = _day(rec.facts.get("notice_date"))
    notice_day = on or fact_day or date.today()
    check_notice_date(rec, notice_day, where="on" if on else "facts.notice_date" if fact_day else "on (default: today)")
    notes: list[str] = []
    facts = "\n".join(f"  {fact_text(ruleset, name, value)}" for name, value in rec.facts.items()
                      if name not in _HIDDEN and value is not None)
    reasons = "\n".join(f"  {i}. {r.zh}" + (f"（依据：{r.basis}）" if r.basis else "")
                        for i, r in enumerate(rec.reasons, 1))
    common = {
        "party": party, "agency": agency or AGENCY_BLANK, "date": _zh(notice_day),
        "violation_zh": violation.title.zh, "facts": facts or "  （无）", "reasons": reasons or "  （无）",
        "measures": "\n".join(f"  - {m.zh}" for m in rec.measures),
    }
    if rec.outcome is Outcome.no_penalty:
        basis = "、".join(dict.fromkeys(c.label() for c in rec.citations if c.law == "行政处罚法" or c.document))
        text = _template("notice_no_penalty.txt", templates).safe_substitute(common, basis=basis or "有关规定")
    else:
        penalties = "\n".join(_penalty_line(p) for p in rec.penalties) or "  （见上）"
        hearing = _hearing(rec, notice_day, fact_day, jurisdiction, notes)
        text = _template("notice_penalty.txt", templates).safe_substitute(
            common, penalties=penalties, hearing=hearing, measures=_measures_after_penalties(rec),
            legal_basis="、".join(c.label() for c in violation.legal_basis) or violation.penalty_basis[0].label(),
            penalty_basis="、".join(c.label() for c in violation.penalty_basis))
    if AGENCY_BLANK in text or _AMOUNT_BLANK in text:
        notes.append("送达前填写告知书中【】标出的空白 fill in every 【】 blank before serving"
                     + ("（罚款数额须在所示裁量范围内确定 the fine within the range shown）" if _AMOUNT_BLANK in text
                        else "") + "。")
    warning = _warning(rec)
    if warning is not None:
        notes.insert(0, "处理结果尚未确定，见文首起草警示 the outcome is not final: see the warning above the notice。")
        text = warning + "\n" + text
    if notes:
        text = (text.rstrip("\n") + f"\n\n{_RULE}\n起草提示（drafting notes）——不属于告知书内容，送达前删除 "
                "(not part of the notice; remove before serving)：\n"
                + "\n".join(f"  {i}. {n}" for i, n in enumerate(notes, 1)) + "\n")
    return text
