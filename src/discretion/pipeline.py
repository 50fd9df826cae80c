"""The decision for one validated case under one provision: statute, matching, baseline, lists, and
the Recommendation composed with its trace, flags and reasons.

Precedence, from the strongest (documented in the README, tested in tests/test_evaluate.py):

1. the statute's "shall not penalise" grounds (art. 30 under 14, art. 31 no capacity, art. 36
   time-barred, art. 33(2) no fault, art. 33(1) minor + corrected + no harm);
2. a list item of kind ``no_penalty`` with modality ``shall``;
3. a ``no_penalty`` item with modality ``may``, or art. 33(1)'s first-violation ground: no penalty,
   ``mandatory: false``, and the penalty otherwise due as the alternative;
4. a ``mitigated`` list item, then a ``lighter`` list item (first in file order);
5. the statute's lighter-or-mitigated grounds (art. 30 aged 14–17, art. 32: shall; art. 31: may);
6. the baseline: the band whose condition holds, then exactly one tier inside it.
``no_coercion`` items never change the outcome; they raise the ``no_coercive_measures`` flag.

A statutory ground left undecided by facts the case does not give is *open* when the law makes those
facts ones to establish in the case (``law.open_facts``: art. 33(1), art. 30 for a natural
person, and art. 36 where the harm decides its period). An open ground that could give a more
lenient outcome than the one decided, or make a discretionary no penalty mandatory, raises
``facts_unknown`` (its detail names the ground and the facts) as an undecided rule of the ruleset
does, and keeps the answer to a question open (``answer``), so ``questions`` asks for those facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import law, memo
from .case import ValidCase
from .compile import CompiledBand, CompiledCondition, CompiledRuleset, CompiledTier, CompiledViolation
from .models.common import Citation
from .models.jurisdiction import Jurisdiction
from .models.outcome import (
    Condition,
    Deadline,
    FineRange,
    Flag,
    LabelOut,
    Penalty,
    Recommendation,
    TraceStep,
    build,
)
from .models.penalty import Fine
from .models.ruleset import ListItem
from .models.vocabulary import (
    CORRECTION_MEASURES,
    NON_COERCIVE_MEASURES,
    OUTCOMES,
    PENALTY_TYPES,
    ListKind,
    Modality,
    Outcome,
)
from .models.vocabulary import PenaltyType as PT
from .money import UNKNOWN, Range, clamp, formula_percent, mitigated_range, statutory_range, tier_range
from .procedure import BARRED, BARRED_OPEN, DATED, ProcedureFlags
from .reasons import reasons_for
from .trace import RULE_KINDS, explained, interned_flag, label_of, label_out, statute_step, step, unknown_reads

__all__ = ["Evaluation", "Grounds", "Matches"]

Matches = Mapping[str, bool | None]


Grounds = tuple[tuple[law.StatutoryGround, bool | None, str], ...]
Opened = tuple[tuple[law.StatutoryGround, tuple[str, ...]], ...]
"""Open grounds (see the module's docstring), each with the unknown facts that decide it."""


def _statute_layer(grounds: Callable[[Mapping[str, Any]], list[tuple[law.StatutoryGround, bool | None, str]]]
                   ) -> memo.ByReads[tuple[Grounds, tuple[TraceStep, ...], Opened]]:
    """The statute's grounds with their trace steps and the open ones, remembered by the standard
    facts they read."""
    def layer(facts: Mapping[str, Any]) -> tuple[Grounds, tuple[TraceStep, ...], Opened]:
        results = tuple(grounds(facts))
        opened = tuple((ground, names) for ground, holds, _ in results
                       if holds is None and (names := law.open_facts(ground, facts)))
        return results, tuple(statute_step(ground, holds, why) for ground, holds, why in results), opened

    return memo.ByReads(layer)


_EXEMPTIONS = _statute_layer(law.exemption_undated)
_LENIENCY = _statute_layer(law.mandatory_leniency)


@dataclass
class _Decision:
    outcome: Outcome
    mandatory: bool
    rule: str
    reason_zh: str
    fine: Range | None = None
    types: tuple[PT, ...] = ()
    alternatives: tuple[Outcome, ...] = ()
    citations: list[Citation] = field(default_factory=list)
    measures: tuple[str, ...] = ()
    item: ListItem | None = None
    narrowed: bool = False  # a tier or list item named its own types: the whole penalty, nothing optional added


class Evaluation(ProcedureFlags):
    """One evaluation: built per case, run once; its bookkeeping (trace, flags) is its own."""

    def __init__(self, ruleset: CompiledRuleset, violation: CompiledViolation, case: ValidCase,
                 matches: Matches, jurisdiction: Jurisdiction | None = None, *, explain: bool = True) -> None:
        self.ruleset, self.violation, self.case, self.matches = ruleset, violation, case, matches
        self.explain = explain  # False: the trace's steps without the conditions' explanations (answers)
        self.jurisdiction = jurisdiction
        self.deadlines: list[Deadline] = []
        self.fine_condition: str | None = None  # set when the statute fines only if a condition holds
        self.fine_undecided: CompiledBand | None = None  # the band whose fine's condition the facts leave unknown
        self._tier_ids = {tier.model.id for tier in violation.tiers}
        self.facts = case.facts
        self.trace: list[TraceStep] = []
        self.flags: dict[str, Flag] = {}
        self.unknown = False
        self.leniency_grounds: list[law.StatutoryGround] = []
        self.opened: list[tuple[law.StatutoryGround, tuple[str, ...]]] = []  # open statutory grounds
        self.unknown_detail: str | None = None  # the facts_unknown flag's: open grounds that could decide

    # -- bookkeeping ---------------------------------------------------------------------------
    def flag(self, code: str, article: str | None = None, detail: str | None = None) -> None:
        if code not in self.flags:
            self.flags[code] = interned_flag(code, article, detail)

    def _conditions(
        self, prefix: str, conditions: tuple[CompiledCondition, ...]
    ) -> tuple[bool | None, list[Condition]]:
        out: list[Condition] = []
        values: list[bool | None] = []
        for index, cond in enumerate(conditions):
            value = self.matches.get(f"{prefix}:{index}")
            values.append(value)
            if self.explain:
                out.append(self._explain(cond, value))
        return _all(values), out

    def _explain(self, cond: CompiledCondition, value: bool | None) -> Condition:
        return explained(cond, value, self.facts)

    # -- the pipeline --------------------------------------------------------------------------
    def run(self) -> Recommendation:
        decision, band, items = self._decide()
        undecided = self._undecided_grounds(decision.outcome, decision.mandatory)
        if undecided:  # facts_unknown, raised with the procedure's flags, names the grounds left open
            self.unknown = True
            self.unknown_detail = _undecided_detail(undecided)
        if self.fine_undecided is not None and decision.outcome is not Outcome.no_penalty:
            pending = _fine_pending_detail(self.fine_undecided)  # the fine waits on its statutory condition
            self.unknown_detail = f"{self.unknown_detail}; {pending}" if self.unknown_detail else pending
        if decision.outcome is not Outcome.no_penalty:  # art. 32 binds only a penalty that is imposed
            for ground in self.leniency_grounds:
                if ground.modality is Modality.shall:
                    self.flag("leniency_required", ground.citation.label(), ground.zh)
        else:  # no penalty: no statutory range is applied, so "no tier matched" says nothing
            self.flags.pop("no_tier_matched", None)
        self._criminal()
        for item in items.get(ListKind.no_coercion, []):
            self.flag("no_coercive_measures", "行政强制法第16条第2款", f"list item {item.id}")
        return self._compose(decision, band)

    def _undecided_grounds(self, outcome: Outcome, mandatory: bool) -> Opened:
        """The open statutory grounds that could change the decision: a more lenient outcome, or a
        mandatory no penalty where the one decided is discretionary."""
        return tuple((ground, names) for ground, names in self.opened
                     if ground.outcome.rank < outcome.rank or (
                         outcome is Outcome.no_penalty and not mandatory and ground.modality is Modality.shall
                         and ground.outcome is Outcome.no_penalty))

    def answer(self) -> tuple[Outcome, FineRange | None, bool]:
        """The decision alone, without the recommendation composed around it: what the answer to a
        question is read for (``questions``). Its outcome and fine, and whether answering the facts
        still unknown may change it: a band, tier or list item still reads them (open statutory grounds
        are ``questions``' to follow, from the facts). No penalty is final: every rule that ranks above
        the one that gave it also leads to no penalty, without a fine."""
        decision, band, _ = self._decide()
        outcome = decision.outcome
        open_rule = outcome is not Outcome.no_penalty and any(
            s.matched is None and s.kind in RULE_KINDS for s in self.trace)
        return outcome, self._fine(decision, self._optional_types(decision, band)), open_rule

    def unknown_reads(self, kinds: frozenset[str]) -> frozenset[str]:
        """The facts left unknown that the rules of ``kinds`` still undecided read (an undecided
        condition's unknown facts): what ``questions`` asks for the ruleset's sake, read off the trace as
        from a recommendation's. Needs ``explain`` (the conditions' facts)."""
        self._decide()
        self._criminal()
        return frozenset(unknown_reads(self.trace, kinds))

    def _decide(self) -> tuple[_Decision, CompiledBand | None, dict[ListKind, list[ListItem]]]:
        exemptions = self._statutory_exemptions()
        band, band_range, fine_applies = self._band()
        baseline = self._baseline(band, band_range, fine_applies)
        items = self._items()
        penalty = self._penalty(items, baseline, band, band_range, fine_applies)
        return self._exemption(exemptions, items, penalty), band, items

    def _statutory_exemptions(self) -> Grounds:
        undated, steps, opened = _EXEMPTIONS(self.facts)
        barred = self.facts.get(BARRED)  # worked out from the dates before the run (see _single)
        at = law.LIMITATION_POSITION
        results = (*undated[:at], (law.ART36_BARRED, barred, DATED), *undated[at:])
        if barred is None and (names := self.facts.get(BARRED_OPEN)):  # open on its facts: in the trace's order
            named = {ground.rule: facts for ground, facts in opened}
            named[law.ART36_BARRED.rule] = names
            opened = tuple((ground, named[ground.rule]) for ground, _, _ in results if ground.rule in named)
        self.opened.extend(opened)
        self.trace.extend((*steps[:at], statute_step(law.ART36_BARRED, barred, DATED), *steps[at:]))
        if barred:
            self.flag("time_barred", "行政处罚法第36条")
        return results

    def _band(self) -> tuple[CompiledBand | None, Range | None, bool | None]:
        chosen: CompiledBand | None = None
        for band in self.violation.bands:
            if band.when is None:
                matched: bool | None = True
                conditions: list[Condition] = []
            else:
                matched = self.matches.get(f"band:{band.model.id}:when")
                conditions = [self._explain(band.when, matched)] if self.explain else []
            self.trace.append(step(rule=f"{self.violation.id}/{band.model.id}", kind="band",
                                        matched=matched if chosen is None else False, conditions=conditions,
                                        note=None if chosen is None else "an earlier band applies"))
            if matched is None:
                self.unknown = True
            if chosen is None and matched:
                chosen = band
        if chosen is None:
            return None, None, None
        fine = chosen.model.fine
        if fine is None:
            return chosen, None, None
        applies: bool | None = True
        if chosen.only_if is not None:
            applies = self.matches.get(f"band:{chosen.model.id}:only_if")
            self.trace.append(step(rule=f"{self.violation.id}/{chosen.model.id}/only_if", kind="band",
                                        matched=applies,
                                        conditions=[self._explain(chosen.only_if, applies)] if self.explain else [],
                                        note=_FINE_PENDING_NOTE if applies is None else _FINE_CONDITION_NOTE))
            if applies is None:  # neither imposed nor ruled out: undecided, and its facts are asked
                self.unknown = True
                self.fine_undecided = chosen
            elif not applies:
                self.fine_condition = chosen.only_if.spec.when
        statutory = statutory_range(fine, self.facts)
        if statutory is UNKNOWN:
            self.unknown = True
            return chosen, None, applies
        return chosen, statutory if isinstance(statutory, tuple) else None, applies

    def _baseline(self, band: CompiledBand | None, band_range: Range | None, fine_applies: bool | None) -> _Decision:
        band_id = band.model.id if band else None
        matched: list[CompiledTier] = []
        for tier in self.violation.tiers:
            rule = f"{self.violation.id}/{tier.model.id}"
            if tier.model.band is not None and tier.model.band != band_id:
                self.trace.append(step(rule=rule, kind="tier", matched=False,
                                            note=f"belongs to band {tier.model.band}, not {band_id}"))
                continue
            value, conditions = self._conditions(f"tier:{tier.model.id}", tier.conditions)
            self.unknown |= value is None
            self.trace.append(step(rule=rule, kind="tier", matched=value, conditions=conditions))
            if value:
                matched.append(tier)
        citations = [tier.model.basis for tier in matched[:1] if tier.model.basis]
        if not matched:
            if self.violation.tiers:
                self.flag("no_tier_matched")
            fine = band_range if fine_applies else None
            return _Decision(Outcome.standard, self._band_mandatory(band), f"{self.violation.id}/statutory",
                             "按法定处罚幅度", fine, self._types(None, band, fine), citations=citations)
        if len(matched) > 1 and self.violation.model.hit_policy.value == "unique":
            self.flag("tier_ambiguous", None, ", ".join(t.model.id for t in matched))
        tier = matched[0]
        fine_range = self._tier_range(tier, band, band_range) if fine_applies else None
        label = tier.model.label.zh if tier.model.label else OUTCOMES[tier.model.outcome.value].zh
        return _Decision(tier.model.outcome, self._band_mandatory(band), f"{self.violation.id}/{tier.model.id}",
                         f"裁量阶次：{label}", fine_range, self._types(tier.model.types, band, fine_range),
                         citations=citations + self._formula_citation(tier.model.fine),
                         narrowed=tier.model.types is not None)

    def _band_mandatory(self, band: CompiledBand | None) -> bool:
        return band is None or band.model.modality is Modality.shall

    def _formula_citation(self, fine: Fine | None) -> list[Citation]:
        formula = self.violation.formula
        return [formula.citation] if formula is not None and fine is None else []

    def _tier_fine(self, tier: CompiledTier, band: CompiledBand | None) -> Fine | None:
        if tier.fine is not None or band is None or band.model.fine is None or self.violation.formula is None:
            return tier.fine
        percent = formula_percent(self.violation.formula, tier.model.outcome, band.model.fine)
        return Fine(percent=percent) if percent is not None else None

    def _tier_range(self, tier: CompiledTier, band: CompiledBand | None, band_range: Range | None) -> Range | None:
        if band_range is None:
            return None
        result = tier_range(self._tier_fine(tier, band), self.facts, band_range)
        if result is UNKNOWN:
            self.unknown = True
            return None
        if not isinstance(result, tuple):
            return None
        if tier.model.outcome is Outcome.mitigated:
            return clamp(result, (Decimal(0), band_range[0]))
        return clamp(result, band_range)

    def _types(self, explicit: tuple[PT, ...] | None, band: CompiledBand | None, fine: Range | None) -> tuple[PT, ...]:
        if explicit is not None:
            types = explicit
        elif band is not None and band.model.types:
            types = band.model.types
        else:
            types = self.violation.inherited_types(band)
        gains = self.facts.get("illegal_gains")
        keep_gains = gains is not None and gains > 0 and self.facts.get("illegal_gains_refunded") is not True
        return tuple(t for t in types if (t is not PT.fine or fine is not None)
                     and (t is not PT.confiscate_illegal_gains or keep_gains))

    def _items(self) -> dict[ListKind, list[ListItem]]:
        matched: dict[ListKind, list[ListItem]] = {}
        for item in self.violation.items:
            value, conditions = self._conditions(f"item:{item.model.id}", item.conditions)
            self.unknown |= value is None
            self.trace.append(step(rule=item.model.id, kind="list_item", matched=value, conditions=conditions,
                                        article=label_of(item.model.basis)))
            if value:
                matched.setdefault(item.model.kind, []).append(item.model)
        return matched

    def _lighter_range(
        self, band: CompiledBand | None, band_range: Range | None, explicit: Fine | None, baseline: _Decision
    ) -> Range | None:
        """从轻's range: a list item's own fine, else the ruleset's 从轻 tier of the band, else its formula's
        lighter percentage; else, with nothing of the issuer's to say how much lighter, from the statutory
        minimum up to the most the case would otherwise get (``baseline``: the tier its facts matched, or
        the band when none did). 从轻 is a lighter penalty *inside* the statutory range (below its minimum is
        减轻, art. 30, 32; 国办发〔2022〕27号), so its floor is the statute's, not the tier's; and art. 30 and 32
        only ever lighten, so it never rises above the baseline. A split of that span (a lower third, a
        midpoint) would be a formula the issuer has not published: FORMAT.md's formulas are cited, never
        invented. Without tiers the baseline is the statutory range, and so is 从轻's."""
        if band_range is None:
            return None
        if explicit is not None:
            result = tier_range(explicit, self.facts, band_range)
            return clamp(result, band_range) if isinstance(result, tuple) else None
        for tier in self.violation.tiers:
            if tier.model.outcome is Outcome.lighter and tier.model.band in (None, band.model.id if band else None):
                return self._tier_range(tier, band, band_range)
        formula = self.violation.formula
        if formula is not None and band is not None and band.model.fine is not None:
            percent = formula_percent(formula, Outcome.lighter, band.model.fine)
            if percent is not None:
                result = tier_range(Fine(percent=percent), self.facts, band_range)
                return clamp(result, band_range) if isinstance(result, tuple) else None
        if baseline.fine is None:  # the matched tier's range is unknown (a base fact), or it gives no fine
            return None
        lighter = clamp((band_range[0], baseline.fine[1]), band_range)
        if lighter != band_range:
            tier = baseline.rule.split("/", 1)[1]
            self.trace.append(step(
                rule=f"{self.violation.id}/lighter", kind="formula", matched=True,
                note=f"从轻：法定最低额至本案裁量阶次「{tier}」的上限 "
                     f"(lighter: from the statutory minimum up to the maximum of the matched tier {tier})"))
        return lighter

    def _mitigated_range(self, band_range: Range | None, explicit: Fine | None) -> Range | None:
        if band_range is None:
            return None
        if explicit is not None:
            result = tier_range(explicit, self.facts, band_range)
            ceiling = band_range[0] if band_range[0] > 0 else band_range[1]  # 减轻: at most the minimum
            return clamp(result, (Decimal(0), ceiling)) if isinstance(result, tuple) else None
        if band_range[0] == 0:  # nothing lies below a zero minimum: 减轻 can only lower the penalty type
            self.trace.append(step(rule=f"{self.violation.id}/mitigated", kind="formula", matched=True,
                                        note="法定罚款无下限，减轻处罚不再罚款 (no statutory minimum: no fine left)"))
            return None
        formula = self.violation.formula
        floor = formula.mitigated_floor_percent if formula is not None else None
        return mitigated_range(band_range, floor)

    def _leniency(self) -> list[law.StatutoryGround]:
        """Art. 30–32 grounds for a lighter or mitigated penalty, each recorded in the trace."""
        results, steps, opened = _LENIENCY(self.facts)
        self.trace.extend(steps)
        self.opened.extend(opened)
        return [ground for ground, holds, _ in results if holds]

    def _penalty(self, items: dict[ListKind, list[ListItem]], baseline: _Decision, band: CompiledBand | None,
                 band_range: Range | None, fine_applies: bool | None) -> _Decision:
        grounds = self._leniency()
        for kind, outcome in ((ListKind.mitigated, Outcome.mitigated), (ListKind.lighter, Outcome.lighter)):
            for item in items.get(kind, [])[:1]:
                if outcome is Outcome.mitigated:
                    fine = self._mitigated_range(band_range, item.fine)
                else:
                    fine = self._lighter_range(band, band_range, item.fine, baseline)
                fine = fine if fine_applies else None
                chosen_by_item = () if item.modality is Modality.shall else (baseline.outcome,)
                return _Decision(outcome, item.modality is Modality.shall, item.id,
                                 f"适用{'减轻' if outcome is Outcome.mitigated else '从轻'}处罚清单第{item.id}项",
                                 fine, self._types(item.types, band, fine), alternatives=chosen_by_item,
                                 citations=[item.basis], measures=item.measures, item=item,
                                 narrowed=item.types is not None)
        self.leniency_grounds = grounds
        if not grounds or baseline.outcome.rank <= Outcome.lighter.rank:
            return baseline
        # The statute leaves the choice between 从轻 and 减轻 (and, for art. 31, whether at all): say so.
        ground = next((g for g in grounds if g.modality is Modality.shall), grounds[0])
        fine = self._lighter_range(band, band_range, None, baseline) if fine_applies else None
        alternatives: tuple[Outcome, ...] = (Outcome.mitigated,)
        if ground.modality is not Modality.shall:
            alternatives = (Outcome.mitigated, baseline.outcome)
        return _Decision(Outcome.lighter, False, ground.rule, ground.zh, fine, self._types(None, band, fine),
                         alternatives=alternatives, citations=[g.citation for g in grounds])

    def _exemption(self, exemptions: Grounds,
                   items: dict[ListKind, list[ListItem]], penalty: _Decision) -> _Decision:
        no_penalty = items.get(ListKind.no_penalty, [])
        for ground, holds, _ in exemptions:
            if holds and ground.modality is Modality.shall:
                listed = no_penalty[0] if no_penalty else None  # the list restating the statute is still cited
                return _Decision(Outcome.no_penalty, True, ground.rule, ground.zh,
                                 citations=[ground.citation, *([listed.basis] if listed else [])],
                                 measures=ground.measures + (listed.measures if listed else ()), item=listed)
        for item in no_penalty:
            if item.modality is Modality.shall:
                return self._item_exemption(item, True, ())
        for item in no_penalty:
            return self._item_exemption(item, False, (penalty.outcome,), penalty)
        for ground, holds, _ in exemptions:
            if holds and ground.modality is Modality.may:
                return _Decision(Outcome.no_penalty, False, ground.rule, ground.zh, alternatives=(penalty.outcome,),
                                 citations=[ground.citation, *penalty.citations])
        return penalty

    def _item_exemption(self, item: ListItem, mandatory: bool, alternatives: tuple[Outcome, ...],
                        penalty: _Decision | None = None) -> _Decision:
        citations = [item.basis, law.article(33, 1 if item.ground and item.ground.value != "no_fault" else 2)]
        return _Decision(Outcome.no_penalty, mandatory, item.id, f"适用不予处罚清单第{item.id}项",
                         alternatives=alternatives, citations=citations + (penalty.citations if penalty else []),
                         measures=item.measures, item=item)

    def _criminal(self) -> None:
        if not self.violation.criminal:
            return
        value, conditions = self._conditions("criminal", self.violation.criminal)
        referral = self.violation.model.criminal_referral
        assert referral is not None
        self.trace.append(step(rule=f"{self.violation.id}/criminal_referral", kind="criminal", matched=value,
                                    conditions=conditions, article=label_of(referral.basis)))
        if value:
            self.flag("transfer_to_judicial", "行政处罚法第27条、第57条第1款第4项", referral.basis.label())
        self.unknown |= value is None

    # -- composing the recommendation ----------------------------------------------------------
    def _compose(self, decision: _Decision, band: CompiledBand | None) -> Recommendation:
        model = self.violation.model
        penalised = decision.outcome is not Outcome.no_penalty
        measures = self._measures(decision, penalised)
        optional = self._optional_types(decision, band)
        fine = self._fine(decision, optional)
        penalties = [_penalty(t, fine if t is PT.fine else None, t not in decision.types)
                     for t in (*decision.types, *(t for t in optional if t not in decision.types)) if penalised]
        self._procedure_flags(decision.mandatory, decision.alternatives, penalised, fine, penalties)
        citations = _unique([*model.legal_basis, *model.penalty_basis, *decision.citations])
        label = OUTCOMES[decision.outcome.value]
        rec = build(Recommendation,
            outcome=decision.outcome,
            label=label_out(decision.outcome.value, label.zh, label.en),
            mandatory=decision.mandatory,
            alternatives=list(decision.alternatives),
            violation=label_out(self.violation.id, model.title.zh, model.title.en),
            measures=measures,
            penalties=penalties,
            fine=fine,
            citations=citations,
            flags=list(self.flags.values()),
            trace=self.trace,
            ruleset=self.ruleset.ref,
            list_item=decision.item.id if decision.item else None,
            tier=decision.rule.split("/", 1)[1] if decision.rule.split("/", 1)[-1] in self._tier_ids else None,
            band=band.model.id if band else None,
            case_id=self.case.id,
            facts=memo.echo(self.facts),
            deadlines=self.deadlines,
            jurisdiction=self.jurisdiction.id if self.jurisdiction else None,
            reasons=[],  # written from rec itself, just below
        )
        # Filled in place: rec was built just now and nobody else holds it yet.
        rec.__dict__["reasons"] = reasons_for(self.ruleset, rec)
        return rec

    def _optional_types(self, decision: _Decision, band: CompiledBand | None) -> tuple[PT, ...]:
        """Penalty types the statute leaves to the officer (并处 may), offered beside a penalty at least 从轻,
        unless a tier or list item named its types: those are the whole penalty (FORMAT.md: "narrower than
        the band's types"), so a 从轻 item of a warning only is not offered the band's optional fine."""
        if decision.outcome.rank < Outcome.lighter.rank or decision.narrowed:  # no penalty, mitigated, or named
            return ()
        return (band.model.optional_types if band else ()) or self.violation.model.statutory.optional_types

    def _fine(self, decision: _Decision, optional: tuple[PT, ...]) -> FineRange | None:
        """The fine range, if a penalty is imposed and a fine is among its types or optional ones."""
        if decision.outcome is Outcome.no_penalty or decision.fine is None:
            return None
        if PT.fine in decision.types or PT.fine in optional:
            return _fine_range(*decision.fine)
        return None

    def _measures(self, decision: _Decision, penalised: bool) -> list[LabelOut]:
        codes: list[str] = []
        statutory = self.violation.model.statutory
        if statutory.order_correction and not CORRECTION_MEASURES.intersection(decision.measures):
            codes.append("order_correction")
        codes.extend(decision.measures)
        if not penalised and not (NON_COERCIVE_MEASURES & set(codes)):
            codes.append("persuasion_education")
        labels = self.ruleset.measure_labels
        return [label_out(c, labels[c].zh, labels[c].en) for c in dict.fromkeys(codes)]



_FINE_CONDITION_NOTE = "the fine applies only when this holds"
_FINE_PENDING_NOTE = ("罚款以此条件成立为前提，条件待查明 "
                      "(the fine applies only when this holds, and it is not yet known whether it does)")


def _fine_pending_detail(band: CompiledBand) -> str:
    """The facts_unknown flag's detail for a statutory fine whose condition (``only_if``) is unknown."""
    assert band.only_if is not None
    when = band.only_if.spec.when
    return (f"罚款待定：法定罚款以「{band.only_if_words}」为前提，该条件待查明 "
            f"fine undecided: the statute fines only when {when}, not yet established")


_DETAILS: dict[tuple[tuple[str, tuple[str, ...]], ...], str] = {}
memo.clears_with(_DETAILS.clear)


def _undecided_detail(undecided: Opened) -> str:
    """The facts_unknown flag's detail for open grounds, written once per combination (a handful),
    found by the grounds' rule ids (a ground itself would be hashed field by field)."""
    key = tuple((ground.rule, names) for ground, names in undecided)
    detail = _DETAILS.get(key)
    if detail is None:
        if len(_DETAILS) > 4096:
            _DETAILS.clear()
        detail = _DETAILS[key] = "法定情节待查明 statutory grounds undecided: " + "; ".join(
            f"{rule} ({', '.join(names)})" for rule, names in key)
    return detail


_FINES: dict[tuple[Decimal, Decimal], FineRange] = {}
_PENALTIES: dict[tuple[PT, int, bool], tuple[FineRange | None, Penalty]] = {}


def _fine_range(low: Decimal, high: Decimal) -> FineRange:
    """``FineRange.of``, one frozen object per pair of amounts (equal amounts round alike)."""
    fine = _FINES.get((low, high))
    if fine is None:
        if len(_FINES) > 65536:
            _FINES.clear()
        fine = _FINES[(low, high)] = FineRange.of(low, high)
    return fine


def _penalty(kind: PT, amount: FineRange | None, optional: bool) -> Penalty:
    """One frozen Penalty per type, amount object and optionality (pydantic's hash of the amount is slow)."""
    entry = _PENALTIES.get((kind, id(amount), optional))
    if entry is None or entry[0] is not amount:
        if len(_PENALTIES) > 65536:
            _PENALTIES.clear()
        label = PENALTY_TYPES[kind.value]
        entry = _PENALTIES[(kind, id(amount), optional)] = (amount, build(
            Penalty, type=kind, zh=label.zh, en=label.en, amount=amount, optional=optional))
    return entry[1]


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def _unique(citations: list[Citation]) -> list[Citation]:
    """One citation per article or item, keeping the one that quotes its text."""
    seen: dict[str, Citation] = {}
    for citation in citations:
        key = label_of(citation)
        if key not in seen or (citation.text and not seen[key].text):
            seen[key] = citation
    return list(seen.values())
