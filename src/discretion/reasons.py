"""Reasons an officer can use: why this outcome, and why not each more lenient one.

The trace is data for machines; this module reads it (with the ruleset for the published wording)
and writes plain sentences in Chinese with an English gloss, each resting on an article or a list
item: "不符合清单第3项：未满足『首次发生』（初次违法 = 否）", "非初次违法：24个月内有2次同类违法记录
（2025-03-02、2025-09-14）".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import law, memo
from .case import prior_dates, same_type
from .compile import CompiledItem, CompiledRuleset, CompiledViolation
from .models.outcome import Condition, Reason, Recommendation, TraceStep, build
from .models.ruleset import ListItem
from .models.vocabulary import LIST_KINDS, OUTCOMES, ListKind, Outcome
from .trace import Interned, label_of

__all__ = ["fact_text", "reasons_for"]

_KIND_OUTCOME = {ListKind.no_penalty: Outcome.no_penalty, ListKind.mitigated: Outcome.mitigated,
                 ListKind.lighter: Outcome.lighter}
_STATUTE_OUTCOME = {"APL-30-under-14": Outcome.no_penalty, "APL-31-no-capacity": Outcome.no_penalty,
                    "APL-36-time-barred": Outcome.no_penalty, "APL-33-2-no-fault": Outcome.no_penalty,
                    "APL-33-1-minor": Outcome.no_penalty, "APL-33-1-first": Outcome.no_penalty}
_STATUTE_ZH = {
    "APL-33-1-first": ("初次违法且危害后果轻微并及时改正的，可以不予行政处罚",
                       "first violation, minor harm, corrected in time"),
    "APL-33-1-minor": ("违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚", "minor, corrected in time, no harm"),
    "APL-33-2-no-fault": ("有证据足以证明没有主观过错的，不予行政处罚", "proven absence of fault"),
}


def fact_text(ruleset: CompiledRuleset, name: str, value: Any) -> str:
    """``标签 = 值`` in Chinese: enum values and booleans by their labels."""
    spec = ruleset.schema.get(name)
    label = spec.zh if spec else name
    if value is None:
        return f"{label}未知"
    if isinstance(value, bool):
        return f"{label}：{'是' if value else '否'}"
    if spec is not None and spec.values:
        for option in spec.values:
            if option.code == value:
                return f"{label}：{option.zh or value}"
    if isinstance(value, list):
        return f"{label}：{len(value)}条"
    return f"{label}：{value}"


def _failed_text(ruleset: CompiledRuleset, cond: Condition) -> tuple[str, str]:
    """Why a condition failed, in Chinese and English; by identity, since explained conditions are
    interned (``trace.explained``) and recur far more often than the traces that hold them."""
    key = (id(ruleset), id(cond))
    entry = _FAILED.get(key)
    if entry is not None and entry[0] is cond and entry[1] is ruleset:
        return entry[2]
    text = _failed_text_afresh(ruleset, cond)
    _FAILED.offer(key, (cond, ruleset, text))
    return text


_FAILED: Interned[tuple[Condition, CompiledRuleset, tuple[str, str]]] = Interned()


def _failed_text_afresh(ruleset: CompiledRuleset, cond: Condition) -> tuple[str, str]:
    wording = cond.zh or cond.condition
    facts = "，".join(fact_text(ruleset, k, v) for k, v in cond.facts.items())
    state = "无法确定" if cond.value is None else "不满足"
    en = ("unknown" if cond.value is None else "not met") + f": {cond.condition}"
    return f"{state}『{wording}』" + (f"（{facts}）" if facts else ""), en


def _item(ruleset: CompiledRuleset, item_id: str) -> ListItem | None:
    return next((i for i in ruleset.model.list_items if i.id == item_id), None)


def _item_name(item: ListItem) -> str:
    return f"{LIST_KINDS[item.kind.value].zh}第{item.basis.item or item.id}项"


_LENIENT_GROUNDS = ("APL-30-14", "APL-31-p", "APL-32")  # art. 30 (14–17), 31 (partial capacity), 32


@dataclass(slots=True)
class _Read:
    """A trace read once: its steps by kind and rule (the sentences look up steps by rule, once per
    list item, tier and ground: scanning the trace each time was most of their cost)."""

    steps: dict[tuple[str, str], TraceStep]  # the first step of each kind and rule, as the trace has it
    statute: tuple[TraceStep, ...]
    lenient_ground: bool  # art. 30 (14–17), 31 (partial capacity) or 32 holds
    facts: dict[str, Any]  # the facts in ``_READ``, read once (through a recording view, each read is a call)

    @classmethod
    def of(cls, rec: Recommendation, values: list[Any]) -> _Read:
        steps: dict[tuple[str, str], TraceStep] = {}
        statute: list[TraceStep] = []
        lenient = False
        first = steps.setdefault
        for step in rec.trace:  # one pass
            kind, rule = step.kind, step.rule
            first((kind, rule), step)
            if kind == "statute":
                statute.append(step)
                if step.matched and rule.startswith(_LENIENT_GROUNDS):
                    lenient = True
        return cls(steps, tuple(statute), lenient, dict(zip(_READ, values, strict=True)))

    def step(self, kind: str, rule: str) -> TraceStep | None:
        return self.steps.get((kind, rule))


def _reason(stance: str, outcome: Outcome, rule: str, basis: str | None, zh: str, en: str) -> Reason:
    """One frozen object per distinct reason from its second sight: the same sentences recur across
    traces, and each object the memo's results hold is one more for every pass of the collector."""
    key = (stance, outcome, rule, basis, zh, en)
    kept = _REASONS.get(key)
    if kept is None:
        kept = build(Reason, stance=stance, outcome=outcome, rule=rule, basis=basis, zh=zh, en=en)
        _REASONS.offer(key, kept)
    return kept


# Facts the sentences read besides those inside the trace's conditions (see _statutory_against).
_READ = ("first_violation", "timely_corrected", "corrected", "harm", "minor_violation", "prior_violations",
         "prior_violation_count", "no_fault_evidence", "party_type", "age_at_act")
_MEMO: dict[tuple[Any, ...], tuple[tuple[Any, ...], list[Reason]]] = {}
_MEMO_LIMIT = 65536


def reasons_for(ruleset: CompiledRuleset, rec: Recommendation) -> list[Reason]:
    """Reasons for the outcome, then against each more lenient outcome, most lenient first.

    Remembered per distinct trace: the pipeline interns trace steps (from their second sight), so a
    trace seen before is the same objects, and the sentences (a quarter of a new case's cost) are
    written once. (Keyed by what the sentences read of each step instead, it found a quarter more
    traces on the distinct tax corpus but cost more than it saved: reading every step and the objects
    its key held.)
    """
    facts = rec.facts
    values = [facts.get(name) for name in _READ]
    if not memo.enabled():
        return _reasons_for(ruleset, rec, values)
    alive = (ruleset, *rec.trace)  # kept in the entry so that no id in the key is ever reused
    # The anchor date of the first-violation window is read only with prior-violation records, which
    # are not hashable: such cases are never remembered, so the date need not be in the key.
    key = (id(ruleset), rec.violation.code, rec.outcome, tuple(rec.alternatives), rec.list_item, rec.tier,
           rec.band, *map(id, rec.trace), *values)
    try:
        entry = _MEMO.get(key)
    except TypeError:  # prior violations as records: not hashable, not worth remembering
        return _reasons_for(ruleset, rec, values)
    if entry is None or entry[0] != alive:  # identical objects compare at C speed; equal ones agree anyway
        if memo.paused():  # a stream that does not repeat: written, not kept
            return _reasons_for(ruleset, rec, values)
        if len(_MEMO) > _MEMO_LIMIT:
            _MEMO.clear()
        entry = _MEMO[key] = (alive, _reasons_for(ruleset, rec, values))
    return list(entry[1])


memo.clears_with(_MEMO.clear)  # a cleared memo is a cold one (the interned sentences stay: they recur)
_REASONS: Interned[Reason] = Interned()
_MORE_LENIENT = tuple((outcome, outcome.rank)
                      for outcome in (Outcome.no_penalty, Outcome.mitigated, Outcome.lighter, Outcome.standard))


def _reasons_for(ruleset: CompiledRuleset, rec: Recommendation, values: list[Any]) -> list[Reason]:
    """The sentences, from the trace and ``values``: the facts in ``_READ``, in its order."""
    violation = ruleset.violations[rec.violation.code]
    read = _Read.of(rec, values)
    out = _for(ruleset, violation, rec, read)
    seen: set[str] = set()
    rank = rec.outcome.rank
    for outcome, outcome_rank in _MORE_LENIENT:
        if outcome_rank >= rank or outcome in rec.alternatives:
            continue
        for reason in _against(ruleset, violation, rec, outcome, read):
            if reason.zh not in seen:  # one sentence for 从轻 and 减轻 alike
                seen.add(reason.zh)
                out.append(reason)
    return out


def _for(ruleset: CompiledRuleset, violation: CompiledViolation, rec: Recommendation, read: _Read) -> list[Reason]:
    out: list[Reason] = []
    if rec.list_item:
        item = _item(ruleset, rec.list_item)
        step = read.step("list_item", rec.list_item)
        if item is not None:
            met = "；".join(c.zh or c.condition for c in (step.conditions if step else []))
            out.append(_reason("for", rec.outcome, item.id, label_of(item.basis),
                               f"符合{_item_name(item)}" + (f"「{item.text}」" if item.text else "")
                               + (f"的适用条件：{met}" if met else ""),
                               f"list item {item.id} applies: all its conditions hold"))
    for step in read.statute:
        ground = law.GROUNDS.get(step.rule)
        if not step.matched or ground is None:
            continue
        if _STATUTE_OUTCOME.get(step.rule) is rec.outcome:
            out.append(_reason("for", rec.outcome, step.rule, step.article, f"依照{step.article}：{ground.zh}",
                               ground.en))
            break
        if rec.outcome in (Outcome.lighter, Outcome.mitigated) and ground.outcome is Outcome.lighter:
            out.append(_reason("for", rec.outcome, step.rule, step.article, f"依照{step.article}：{ground.zh}",
                               ground.en))
    if rec.tier:
        tier = next(t for t in violation.tiers if t.model.id == rec.tier)
        step = read.step("tier", f"{violation.id}/{rec.tier}")
        met = "；".join(c.zh or c.condition for c in (step.conditions if step else []))
        wording = tier.model.text or met
        name = tier.model.label.zh if tier.model.label else OUTCOMES[rec.outcome.value].zh
        out.append(_reason("for", rec.outcome, f"{violation.id}/{tier.model.id}",
                           label_of(tier.model.basis) if tier.model.basis else None,
                           f"裁量阶次「{name}」" + (f"：{wording}" if wording else ""),
                           f"baseline tier {tier.model.id} applies"))
    if rec.band and len(violation.bands) > 1 and rec.outcome is not Outcome.no_penalty:
        out.append(_fixed(violation, rec.band, rec.outcome))
    if not out:
        out.append(_fixed(violation, None, rec.outcome))
    if rec.band and rec.outcome is not Outcome.no_penalty:
        pending = _fine_pending(ruleset, violation, rec.band, rec.outcome, read)
        if pending is not None:
            out.append(pending)
    return out


def _fine_pending(ruleset: CompiledRuleset, violation: CompiledViolation, band_id: str, outcome: Outcome,
                  read: _Read) -> Reason | None:
    """The band's fine waits on its statutory condition (``only_if``, e.g. 有违法所得的) that the facts leave
    unknown: not imposed, not ruled out, and what decides it."""
    step = read.step("band", f"{violation.id}/{band_id}/only_if")
    if step is None or step.matched is not None:
        return None
    band = next(b for b in violation.bands if b.model.id == band_id)
    assert band.only_if is not None  # the step exists only for a band with a fine's condition
    basis = _penalty_basis(violation)
    facts = "，".join(fact_text(ruleset, name, value) for c in step.conditions if c.value is None
                     for name, value in c.facts.items() if value is None)
    return _reason("for", outcome, f"{violation.id}/{band_id}/only_if", basis,
                   f"罚款待定：{basis}规定「{band.only_if_words}」方处罚款，该条件待查明"
                   + (f"（{facts}）" if facts else ""),
                   f"fine undecided: the statute fines only when {band.only_if.spec.when}, which is not yet known")


def _fixed(violation: CompiledViolation, band: str | None, outcome: Outcome) -> Reason:
    """The sentence for a band (or, with ``band`` None, for the statutory range): it depends on the
    violation, the band and the outcome alone, so it is written once for them (by identity)."""
    key = (id(violation), band, outcome)
    entry = _FIXED.get(key)
    if entry is None or entry[0] is not violation:
        if len(_FIXED) > 4096:
            _FIXED.clear()
        entry = _FIXED[key] = (violation, _fixed_afresh(violation, band, outcome))
    return entry[1]


def _fixed_afresh(violation: CompiledViolation, band_id: str | None, outcome: Outcome) -> Reason:
    if band_id is not None:
        band = next(b for b in violation.bands if b.model.id == band_id)
        name = band.model.label.zh if band.model.label else band.model.id
        return _reason("for", outcome, f"{violation.id}/{band.model.id}", _penalty_basis(violation),
                       f"适用法定处罚幅度「{name}」", f"statutory band {band.model.id}")
    label = OUTCOMES[outcome.value]
    return _reason("for", outcome, f"{violation.id}/statutory", _penalty_basis(violation),
                   f"按{label_of(violation.model.penalty_basis[0])}规定的处罚幅度{label.zh}",
                   f"{label.en} within the statutory range")


_FIXED: dict[tuple[int, str | None, Outcome], tuple[CompiledViolation, Reason]] = {}
memo.clears_with(_FIXED.clear)


def _penalty_basis(violation: CompiledViolation) -> str:
    return "；".join(label_of(c) for c in violation.model.penalty_basis)


def _against(ruleset: CompiledRuleset, violation: CompiledViolation, rec: Recommendation,
             outcome: Outcome, read: _Read) -> list[Reason]:
    out: list[Reason] = []
    for item in violation.items:
        if _KIND_OUTCOME.get(item.model.kind) is not outcome:
            continue
        step = read.step("list_item", item.model.id)
        if step is None or step.matched:
            continue
        out.append(_item_against(ruleset, item, outcome, tuple(c for c in step.conditions if c.value is not True)))
    if outcome is Outcome.no_penalty:
        out += _statutory_against(ruleset, rec, read)
    if outcome in (Outcome.mitigated, Outcome.lighter) and not read.lenient_ground:
        art30_open = bool(law.open_facts(law.ART30_YOUTH, read.facts))  # a natural person of unknown age
        out.append(_NO_GROUND[outcome, art30_open])
    if outcome is not Outcome.no_penalty:
        for tier in violation.tiers:
            if tier.model.outcome is not outcome:
                continue
            step = read.step("tier", f"{violation.id}/{tier.model.id}")
            if step is None or step.matched or not step.conditions:
                continue
            label = OUTCOMES[outcome.value]
            parts = [_failed_text(ruleset, c) for c in step.conditions if c.value is not True]
            name = tier.model.label.zh if tier.model.label else label.zh
            out.append(_reason("against", outcome, f"{violation.id}/{tier.model.id}",
                               label_of(tier.model.basis) if tier.model.basis else None,
                               f"不适用裁量阶次「{name}」：" + "；".join(p[0] for p in parts),
                               f"not {label.en}: tier {tier.model.id} does not apply"))
    return out


def _no_ground(outcome: Outcome, art30_open: bool) -> Reason:
    label = OUTCOMES[outcome.value]
    if art30_open:
        return _reason("against", outcome, "APL-32", "《行政处罚法》 第32条",
                       "无行政处罚法第三十一条、第三十二条规定的从轻或者减轻处罚情形；"
                       "第三十条规定的情形待查明（违法行为发生时年龄未知）",
                       f"not {label.en} so far: no ground under art. 31–32; art. 30 undecided "
                       "(age at the act unknown)")
    return _reason("against", outcome, "APL-32", "《行政处罚法》 第32条",
                   "无行政处罚法第三十条、第三十一条、第三十二条规定的从轻或者减轻处罚情形",
                   f"not {label.en}: no statutory ground for a lighter or mitigated penalty (art. 30–32)")


_NO_GROUND = {(outcome, art30_open): _no_ground(outcome, art30_open)
              for outcome in (Outcome.mitigated, Outcome.lighter) for art30_open in (True, False)}
"""No statutory ground for a lighter or mitigated outcome (art. 30–32): four fixed sentences."""


def _item_against(ruleset: CompiledRuleset, item: CompiledItem, outcome: Outcome,
                  failed: tuple[Condition, ...]) -> Reason:
    """Why a list item does not apply: a function of the item, the outcome and the conditions that
    failed, by identity. Those conditions are interned (``trace.explained``) and recur far more
    often than the steps that hold them, so the sentence is found here rather than written again."""
    key = (id(ruleset), id(item), outcome, *map(id, failed))
    entry = _ITEMS_AGAINST.get(key)
    if entry is not None and entry[0] == failed and entry[1] is item and entry[2] is ruleset:
        return entry[3]  # identical conditions compare at C speed
    parts = [_failed_text(ruleset, c) for c in failed]
    reason = _reason("against", outcome, item.model.id, label_of(item.model.basis),
                     f"不适用{_item_name(item.model)}：" + "；".join(p[0] for p in parts),
                     f"not {OUTCOMES[outcome.value].en}: list item {item.model.id} does not apply ("
                     + "; ".join(p[1] for p in parts) + ")")
    _ITEMS_AGAINST.offer(key, (failed, item, ruleset, reason))
    return reason


_ITEMS_AGAINST: Interned[tuple[tuple[Condition, ...], CompiledItem, CompiledRuleset, Reason]] = Interned()
memo.clears_with(_ITEMS_AGAINST.clear)


def _statutory_against(ruleset: CompiledRuleset, rec: Recommendation, read: _Read) -> list[Reason]:
    """Why art. 33's no-penalty grounds do not hold, remembered by all it reads: the articles of the
    grounds that failed and the facts (with their types: 1 and True print apart). Not with prior
    violations as records, whose dates it quotes."""
    facts = read.facts
    if facts.get("prior_violations"):
        return _statutory_against_afresh(ruleset, rec, read)
    values = [facts.get(name) for name in _STATUTORY_READS]
    key = (id(ruleset), *[_failed_article(read.step("statute", rule)) for rule in _STATUTE_ZH], *values,
           *map(type, values))
    try:
        entry = _STATUTORY.get(key)
    except TypeError:  # a value that cannot be hashed
        return _statutory_against_afresh(ruleset, rec, read)
    if entry is None or entry[0] is not ruleset:
        if len(_STATUTORY) > 4096:
            _STATUTORY.clear()
        entry = _STATUTORY[key] = (ruleset, tuple(_statutory_against_afresh(ruleset, rec, read)))
    return list(entry[1])


def _failed_article(step: TraceStep | None) -> str | bool | None:
    """The article of a statute step that failed; False for a step that did not (or is absent)."""
    return step.article if step is not None and step.matched is False else False


_STATUTORY_READS = ("no_fault_evidence", "first_violation", "timely_corrected", "corrected", "harm", "minor_violation",
                    "prior_violation_count")
_STATUTORY: dict[tuple[Any, ...], tuple[CompiledRuleset, tuple[Reason, ...]]] = {}
memo.clears_with(_STATUTORY.clear)


def _statutory_against_afresh(ruleset: CompiledRuleset, rec: Recommendation, read: _Read) -> list[Reason]:
    out: list[Reason] = []
    facts = read.facts
    harm = facts.get("harm")  # art. 33(1)'s two grounds read it, and whether it was corrected in time
    late = "未及时改正（" + fact_text(ruleset, "corrected", facts.get("corrected")) + "）" \
        if facts.get("timely_corrected") is False else ""
    for rule, (zh, en) in _STATUTE_ZH.items():
        step = read.step("statute", rule)
        if step is None or step.matched is not False:
            continue
        missing: list[str] = []
        if rule == "APL-33-2-no-fault":
            if facts.get("no_fault_evidence") is False:  # absent: nothing was claimed
                missing.append("无证据足以证明没有主观过错")
        elif rule == "APL-33-1-first":
            if facts.get("first_violation") is False:
                missing.append(_not_first(ruleset, rec, rec.facts))  # it reads the anchor date too
            if late:
                missing.append(late)
            if harm is not None and harm not in law.MINOR_HARM:
                missing.append("危害后果不属轻微（" + fact_text(ruleset, "harm", harm) + "）")
        else:  # APL-33-1-minor
            if late:
                missing.append(late)
            if harm is not None and harm not in law.NO_HARM:
                missing.append("造成了危害后果（" + fact_text(ruleset, "harm", harm) + "）")
            if facts.get("minor_violation") is False:
                missing.append("违法行为不属轻微")
        if missing:
            out.append(_reason("against", Outcome.no_penalty, rule, step.article,
                               f"不符合{step.article}「{zh}」：" + "；".join(missing),
                               f"not no penalty under {rule} ({en}): " + "; ".join(missing)))
    return out


def _not_first(ruleset: CompiledRuleset, rec: Recommendation, facts: dict[str, Any]) -> str:
    """'非初次违法：24个月内有2次同类违法记录（2025-03-02、2025-09-14）', from the prior violations."""
    parameters = ruleset.model.parameters
    window = parameters.first_violation_window_months
    records = facts.get("prior_violations") or []
    if not records:
        count = facts.get("prior_violation_count")
        return "非初次违法" + (f"（同类违法{count}次）" if count else "")
    anchor_text = facts.get(parameters.first_violation_anchor)  # only with records: see reasons_for
    anchor = date.fromisoformat(anchor_text) if isinstance(anchor_text, str) else None
    echoed = ((r.get("violation"), date.fromisoformat(str(r["date"]))) for r in records if isinstance(r, dict))
    same = same_type(ruleset, rec.violation.code)  # as the derivation counts them (a group's members too)
    dates = sorted(day.isoformat() for day in prior_dates(echoed, same, parameters, anchor))
    since = parameters.first_violation_since
    span = f"{window}个月内" if window else "此前"
    if since is not None:
        span = f"{since.isoformat()}以来" + (f"、{span}" if window else "")
    return f"非初次违法：{span}有{len(dates)}次同类违法记录（{'、'.join(dates)}）"
