"""Procedure flags and deadlines: what the Administrative Penalty Law requires around a penalty.

Notice of rights (art. 44), summary procedure (art. 51), legal review (art. 58), collective decision
(art. 57), hearing rights and the request deadline in working days (art. 63, 64, 85), with the
"较大数额" thresholds taken only from a jurisdiction file that cites them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from . import law
from .compile import CompiledRuleset
from .models.jurisdiction import Jurisdiction
from .models.outcome import Deadline, FineRange, Penalty, build
from .models.vocabulary import OUTCOMES, PENALTY_TYPES, Outcome
from .models.vocabulary import PenaltyType as PT

__all__ = ["BARRED", "BARRED_OPEN", "CONFISCATIONS", "DATED", "OUTSIDE_VERSION", "ProcedureFlags", "hearing_deadline"]

# Inputs worked out from the case's dates before a (remembered) run, under names no fact can have:
BARRED = "\x00barred"  # art. 36: time-barred on discovery (True, False or None)
BARRED_OPEN = "\x00barred_open"  # art. 36 undecided: the facts that decide it (law.limitation_open_facts)
OUTSIDE_VERSION = "\x00outside_version"  # art. 37: the act falls outside this version's dates
DATED = "(dated wording, filled in per case)"  # stands where the run would quote those dates


# Art. 63(1)(1)(2): penalties whose amount decides the hearing right against a jurisdiction's thresholds
_AMOUNT_TYPES = frozenset({PT.fine, PT.confiscate_illegal_gains, PT.confiscate_illegal_property})
# Art. 63(1)(2): what is confiscated and the case fact giving its value (illegal property's value is a fact a
# ruleset declares when its cases state it; absent, the value is unknown)
CONFISCATIONS = ((PT.confiscate_illegal_gains, "illegal_gains", "没收违法所得", "the illegal gains confiscated"),
                  (PT.confiscate_illegal_property, "illegal_property_value", "没收非法财物价值",
                   "the value of the illegal property confiscated"))


class ProcedureFlags:
    """Mixed into the evaluation: raises the procedural flags once the decision is known."""

    ruleset: CompiledRuleset
    facts: dict[str, Any]
    jurisdiction: Jurisdiction | None
    deadlines: list[Deadline]
    fine_condition: str | None
    unknown: bool
    unknown_detail: str | None  # which open statutory grounds left the facts unknown, if any
    violation: Any

    def flag(self, code: str, article: str | None = None, detail: str | None = None) -> None:
        raise NotImplementedError

    def _hearing(self, types: set[PT], fine: FineRange | None) -> None:
        """Art. 63(1): licence, business and practice penalties always (items 3, 4); a 较大数额 fine (item 1)
        and the confiscation of 较大数额 illegal gains or 较大价值 illegal property (item 2) against the
        thresholds of a jurisdiction file. A right found on one ground is a right; otherwise any ground left
        undecided (no jurisdiction, no threshold, the party type or the confiscated value unknown) is unknown."""
        if types & law.HEARING_TYPES:
            self.flag("hearing_right", "行政处罚法第63条第1款第3、4项", "、".join(
                PENALTY_TYPES[t.value].zh for t in PT if t in types & law.HEARING_TYPES))
        elif types & _AMOUNT_TYPES:
            if self.jurisdiction is None:
                self.flag("hearing_right_unknown", "行政处罚法第63条第1款第1、2项",
                          "较大数额 is set by the province or ministry; no threshold is loaded for this jurisdiction")
            else:
                held, missing = self._hearing_by_amount(types, fine)
                if held:
                    items = "、".join(dict.fromkeys(item for item, _ in held))
                    self.flag("hearing_right", f"行政处罚法第63条第1款第{items}项", "；".join(t for _, t in held))
                elif missing:
                    self.flag("hearing_right_unknown", "行政处罚法第63条第1款第1、2项", "; ".join(missing))
                else:
                    return
        else:
            return
        notice = self.facts.get("notice_date")
        due, note = hearing_deadline(notice, self.jurisdiction) if notice else (None, None)
        self.deadlines.append(_hearing_request(notice, due, note))

    def _hearing_by_amount(self, types: set[PT], fine: FineRange | None) -> tuple[list[tuple[str, str]], list[str]]:
        """Art. 63(1)(1)(2) against the loaded jurisdiction: the grounds that give a hearing right (item, text)
        and, for those left undecided, what is missing."""
        assert self.jurisdiction is not None
        jid = self.jurisdiction.id
        hearing = self.jurisdiction.hearing
        if hearing is None:
            return [], [f"jurisdiction {jid} sets no 较大数额 thresholds (hearing: absent)"]
        source = self._threshold_source()
        held: list[tuple[str, str]] = []
        missing: list[str] = []
        if PT.fine in types and fine is not None:
            party = self.facts.get("party_type")
            threshold = self._hearing_threshold(types)
            person, organisation = hearing.natural_person_fine, hearing.organization_fine
            if party is None and person is not None and organisation is not None:  # decided where both agree
                lower, higher = min(person, organisation), max(person, organisation)
                if fine.max >= higher:
                    held.append(("1", f"罚款达到{higher}元（{source}）时告知听证权利"))
                elif fine.max >= lower:
                    missing.append("party type unknown: the fine reaches the 较大数额 threshold of one party type "
                                   f"({lower}) but not the other's ({higher})")
            elif party is None:
                missing.append("party type unknown: the 较大数额 fine threshold differs for natural persons "
                               "and organisations")
            elif threshold is None:
                whom = "natural persons" if party == "natural_person" else "organisations"
                missing.append(f"jurisdiction {jid} sets no 较大数额 fine threshold for {whom}")
            elif fine.max >= threshold:
                held.append(("1", f"罚款达到{threshold}元（{source}）时告知听证权利"))
        for kind, fact, zh, en in CONFISCATIONS:
            if kind not in types:
                continue
            value = self.facts.get(fact)
            if hearing.confiscation_value is None:
                missing.append(f"jurisdiction {jid} sets no 较大数额/较大价值 confiscation threshold")
            elif value is None:
                missing.append(f"{en} unknown (fact {fact})")
            elif value >= hearing.confiscation_value:
                held.append(("2", f"{zh}{value}元，达到{hearing.confiscation_value}元（{source}）时告知听证权利"))
        return held, list(dict.fromkeys(missing))

    def _hearing_threshold(self, types: set[PT]) -> Decimal | None:
        hearing = self.jurisdiction.hearing if self.jurisdiction else None
        if hearing is None:
            return None
        party = self.facts.get("party_type")
        if party == "natural_person":
            return hearing.natural_person_fine
        if party in ("legal_person", "other_organization"):
            return hearing.organization_fine
        return None

    def _threshold_source(self) -> str:
        hearing = self.jurisdiction.hearing if self.jurisdiction else None
        return hearing.source.label() if hearing else ""

    def _procedure_flags(self, mandatory: bool, alternatives: tuple[Outcome, ...], penalised: bool,
                         fine: FineRange | None, penalties: list[Penalty]) -> None:
        if self.violation.model.statutory.order_correction:
            self.flag("correction_ordered", "行政处罚法第28条第1款")
        if not penalised:
            self.flag("education_required", "行政处罚法第33条第3款")
        if not mandatory:
            choices = "、".join(OUTCOMES[o.value].zh for o in alternatives)
            self.flag("discretionary", None, f"可选：{choices}" if choices else None)
        types = {p.type for p in penalties}
        if PT.confiscate_illegal_gains in types:
            self.flag("illegal_gains_confiscated", "行政处罚法第28条第2款")
        if penalised and self.fine_condition:
            self.flag("fine_only_after_refusal", None, f"条件未成立 (condition not met): {self.fine_condition}")
        if penalised:
            self.flag("notice_of_rights", "行政处罚法第44条")
            if law.summary_procedure_allowed(types, fine.max if fine else None, self.facts.get("party_type")):
                self.flag("summary_procedure_allowed", "行政处罚法第51条")
            self._hearing(types, fine)
        facts = self.facts
        if facts.get("major_public_interest") or facts.get("hearing_held") or facts.get("complex_case"):
            self.flag("legal_review_required", "行政处罚法第58条")
        if penalised and (facts.get("complex_case") or facts.get("major_violation")):
            self.flag("collective_decision", "行政处罚法第57条第2款")
        model = self.ruleset.model
        if facts.get(OUTSIDE_VERSION):  # its dated detail is filled in after the run
            self.flag("ruleset_not_in_force", "行政处罚法第37条", DATED)
        if model.draft:
            self.flag("draft_ruleset", None, f"{model.id} {model.version}")
        if self.unknown:
            self.flag("facts_unknown", None, self.unknown_detail)


@lru_cache(maxsize=4096)
def hearing_deadline(notice: date, jurisdiction: Jurisdiction | None) -> tuple[date | None, str | None]:
    """Art. 64(1) and 85: the last day to ask for a hearing, five working days after the notice, with a
    note where it is not exact (no holiday calendar) or cannot be given (past the calendar's last day)."""
    try:
        due = law.working_days_after(notice, law.HEARING_REQUEST_DAYS,
                                     jurisdiction.holidays if jurisdiction else (),
                                     jurisdiction.working_weekends if jurisdiction else ())
    except OverflowError:  # a notice in the calendar's last days: the deadline lies past it
        return None, "the deadline falls after the calendar's last day (9999-12-31)"
    calendar = jurisdiction is not None and jurisdiction.calendar_source is not None
    return due, None if calendar else "weekends skipped; statutory holidays not loaded"


@lru_cache(maxsize=4096)
def _hearing_request(notice: date | None, due: date | None, note: str | None) -> Deadline:
    """Art. 64's deadline, one frozen object per start, due date and note: without a notice date (most
    cases) it is the same for every case, and results kept by the memo hold one object, not one each."""
    return build(Deadline,
                 code="hearing_request", zh="当事人要求听证的，应当在行政机关告知后五日内提出",
                 en="request a hearing within five working days of the notice", days=law.HEARING_REQUEST_DAYS,
                 article="行政处罚法第64条第1项、第85条", starts=notice, due=due, note=note)
