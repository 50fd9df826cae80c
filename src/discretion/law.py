"""The statutory layer: Administrative Penalty Law (2021 revision) applied to every case.

A department's ruleset works inside this layer and cannot weaken it: the grounds here are read from
the standard facts every ruleset shares (see ``standard_facts``), and a statutory "shall" wins over
anything a list or baseline says. Article texts: 行政处罚法 (2021-01-22, in force 2021-07-15).

What a fact absent from a case means depends on the ground, as the statute frames it:

* Circumstances that must be shown hold only when the case gives them; absent, the ground does not
  hold (False) and its trace step says so. Art. 33(2) says it in its own words: the party "有证据足以
  证明" no fault. Art. 31 rests on a mental illness or intellectual disability and a loss of capacity
  at the time of the act, which the case must establish (capacity is the rule); art. 32's circumstances
  are the party's own conduct (eliminating harm, coercion, confession, meritorious cooperation),
  found on the evidence or raised by the party (art. 45). Nothing else about the case brings them
  into question, so asking for them in every case would be noise.
* Facts of the act itself, which the agency establishes in every case (art. 40: 行政机关必须查明事实;
  art. 54: 全面、客观、公正地调查): its harm, its correction, whether it is minor, whether it is a
  first violation. Absent, the ground is undecided (None) and *open*: the recommendation flags it and
  asks for what decides it (``open_facts``). Art. 33(1)'s two grounds are of this kind.
* The party's age (art. 30) is a fact of every natural person, recorded with the party's identity:
  for a party given as a natural person an absent age is open (asked, with the law's own thresholds
  14 and 18 as answers); for an organisation art. 30 and 31 do not apply; when the case does not say
  who the party is, art. 30 is undecided but not opened (the trace says why), since that would open
  it in every case that omits the party type.
* Art. 36 needs the dates of the act and its discovery; without them it is undecided and not opened
  (a date is not an answer among a few). Its five-year period applies when the act involves life,
  health or financial safety and harm followed: both facts of the act. Where the act was discovered
  after two years but within five, and the case leaves either unknown while the other does not rule
  the five years out, the ground is undecided and open on them (``limitation_open_facts``), never
  barred on the two years.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .models.common import Citation
from .models.vocabulary import Modality, Outcome, PenaltyType

__all__ = [
    "APL",
    "GROUNDS",
    "HEARING_REQUEST_DAYS",
    "HEARING_TYPES",
    "READS",
    "StatutoryGround",
    "add_years",
    "article",
    "exemption",
    "limitation",
    "limitation_open_facts",
    "mandatory_leniency",
    "open_facts",
    "summary_procedure_allowed",
    "time_bars",
    "working_days_after",
]

APL = "行政处罚法"
APL_VERSION = date(2021, 1, 22)
SUMMARY_LIMIT_PERSON = Decimal(200)
SUMMARY_LIMIT_ORGANISATION = Decimal(3000)
SAFETY = "life_health_financial_safety"  # art. 36: the act involves citizens' life, health or financial safety
HEARING_REQUEST_DAYS = 5  # art. 64(1): within five days of the notice; art. 85: working days
HEARING_TYPES = frozenset({
    PenaltyType.downgrade_qualification, PenaltyType.revoke_license, PenaltyType.suspend_business,
    PenaltyType.order_closure, PenaltyType.restrict_practice,
})


@lru_cache(maxsize=256)
def article(number: int, paragraph: int | None = None, item: int | None = None, text: str | None = None) -> Citation:
    """A citation of the Administrative Penalty Law (2021) (cached: citations are immutable)."""
    return Citation(law=APL, version=APL_VERSION, article=number, paragraph=paragraph, item=item, text=text)


@dataclass(frozen=True, slots=True)
class StatutoryGround:
    """A ground the statute itself gives: its rule id, modality, outcome, citation and measures."""

    rule: str
    outcome: Outcome
    modality: Modality
    citation: Citation
    zh: str
    en: str
    measures: tuple[str, ...] = ()
    alternatives: tuple[Outcome, ...] = ()
    asks: tuple[str, ...] = ()
    """The facts that decide the ground while it is open (see ``open_facts``); () for a ground that is
    never opened: it holds only on facts the case gives."""


ART30_CHILD = StatutoryGround(
    "APL-30-under-14", Outcome.no_penalty, Modality.shall,
    article(30, text="不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教"),
    "不满十四周岁，不予行政处罚", "under 14 at the act: no penalty", ("guardian_discipline",),
    asks=("age_at_act",))
ART31_INCAPABLE = StatutoryGround(
    "APL-31-no-capacity", Outcome.no_penalty, Modality.shall,
    article(31, text="精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚"),
    "不能辨认或者不能控制自己行为，不予行政处罚", "could not recognise or control own conduct: no penalty",
    ("guardian_custody",))
ART33_MINOR = StatutoryGround(
    "APL-33-1-minor", Outcome.no_penalty, Modality.shall,
    article(33, 1, text="违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚"),
    "违法行为轻微并及时改正，没有造成危害后果，不予行政处罚", "minor, corrected in time, no harm: no penalty",
    asks=("minor_violation", "timely_corrected", "harm"))
ART33_FIRST = StatutoryGround(
    "APL-33-1-first", Outcome.no_penalty, Modality.may,
    article(33, 1, text="初次违法且危害后果轻微并及时改正的，可以不予行政处罚"),
    "初次违法且危害后果轻微并及时改正，可以不予行政处罚",
    "first violation, minor harm, corrected in time: may be no penalty",
    asks=("first_violation", "timely_corrected", "harm"))
ART33_NO_FAULT = StatutoryGround(
    "APL-33-2-no-fault", Outcome.no_penalty, Modality.shall,
    article(33, 2, text="当事人有证据足以证明没有主观过错的，不予行政处罚。法律、行政法规另有规定的，从其规定"),
    "有证据足以证明没有主观过错，不予行政处罚", "proven absence of fault: no penalty")
ART36_BARRED = StatutoryGround(
    "APL-36-time-barred", Outcome.no_penalty, Modality.shall,
    article(36, text="违法行为在二年内未被发现的，不再给予行政处罚；涉及公民生命健康安全、金融安全且有危害后果的，"
            "上述期限延长至五年。法律另有规定的除外"),
    "超过追责时效，不再给予行政处罚", "time-barred: no penalty", asks=(SAFETY, "harm"))
ART30_YOUTH = StatutoryGround(
    "APL-30-14-to-17", Outcome.lighter, Modality.shall,
    article(30, text="已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚"),
    "已满十四周岁不满十八周岁，应当从轻或者减轻处罚", "aged 14 to 17: shall be lighter or mitigated",
    alternatives=(Outcome.mitigated,), asks=("age_at_act",))
ART31_PARTIAL = StatutoryGround(
    "APL-31-partial-capacity", Outcome.lighter, Modality.may,
    article(31, text="尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，"
            "可以从轻或者减轻行政处罚"),
    "尚未完全丧失辨认或者控制能力，可以从轻或者减轻处罚", "partial capacity: may be lighter or mitigated",
    alternatives=(Outcome.mitigated,))
_ART32 = {
    "consequences_eliminated": (1, "主动消除或者减轻违法行为危害后果", "eliminated or reduced the harm"),
    "coerced": (2, "受他人胁迫或者诱骗实施违法行为", "coerced or deceived"),
    "confessed": (3, "主动供述行政机关尚未掌握的违法行为", "confessed violations unknown to the agency"),
    "meritorious": (4, "配合行政机关查处违法行为有立功表现", "meritorious cooperation"),
}

ART32_GROUNDS = {
    fact: StatutoryGround(
        f"APL-32-{item}", Outcome.lighter, Modality.shall, article(32, item=item, text=zh),
        f"{zh}，应当从轻或者减轻处罚", f"{en}: shall be lighter or mitigated", alternatives=(Outcome.mitigated,))
    for fact, (item, zh, en) in _ART32.items()
}


GROUNDS: Mapping[str, StatutoryGround] = {ground.rule: ground for ground in (
    ART30_CHILD, ART31_INCAPABLE, ART33_MINOR, ART33_FIRST, ART33_NO_FAULT, ART36_BARRED,
    ART30_YOUTH, ART31_PARTIAL, *ART32_GROUNDS.values())}
"""Every statutory ground by its rule id (as trace steps name them)."""
_AGE_READS = ("age_at_act", "party_type")
_33_READS = ("timely_corrected", "corrected", "harm")
READS: Mapping[str, tuple[str, ...]] = {
    ART30_CHILD.rule: _AGE_READS, ART30_YOUTH.rule: _AGE_READS,
    ART31_INCAPABLE.rule: ("capacity",), ART31_PARTIAL.rule: ("capacity",),
    ART33_NO_FAULT.rule: ("no_fault_evidence",),
    ART33_MINOR.rule: ("minor_violation", *_33_READS),
    ART33_FIRST.rule: ("first_violation", "prior_violation_count", *_33_READS),
    **{ground.rule: (fact,) for fact, ground in ART32_GROUNDS.items()},
    ART36_BARRED.rule: (SAFETY, "harm"),
}
"""The facts a question may answer that each ground reads, directly or through the facts they are
derived from (art. 36: those of its five years; its dates are not answers among a few)."""


@lru_cache(maxsize=8192)  # a case's period starts on one of a few thousand days; each is worked out once
def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February); the calendar's last day
    when that lies past it (year 9999): such a period never runs out."""
    if day.year + years > date.max.year:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


LIMITATION_YEARS, EXTENDED_LIMITATION_YEARS = 2, 5
"""Art. 36 para. 1: two years; five where citizens' life, health or financial safety is involved and
harm followed."""


def _dates_of_limitation(facts: Mapping[str, Any]) -> tuple[date, date] | None:
    """The day the period starts (the act's end for a continuing act, para. 2) and the day of discovery."""
    start = facts.get("act_end_date") or facts.get("act_date")
    found = facts.get("discovery_date")
    return None if start is None or found is None else (start, found)


Special = tuple[int, str] | None
"""A law's own period of art. 36 ("法律另有规定的除外"): its years and the article's label; None for art.
36's own (``CompiledRuleset.special_limitation``)."""


def time_bars(facts: Mapping[str, Any], special: Special = None) -> tuple[bool, ...] | None:
    """Whether the act is time-barred on discovery after 2 years and after 5 (art. 36 para. 1), or after
    the ``special`` period alone; None when a date is unknown. All that the dates decide, whichever
    period the other facts make apply."""
    dates = _dates_of_limitation(facts)
    if dates is None:
        return None
    start, found = dates
    if special is not None:
        return (found > add_years(start, special[0]),)
    return found > add_years(start, LIMITATION_YEARS), found > add_years(start, EXTENDED_LIMITATION_YEARS)


def limitation(facts: Mapping[str, Any], special: Special = None) -> tuple[bool | None, str]:
    """Art. 36: is the act time-barred on its discovery date? None when a date is unknown, or when the
    period is open (``limitation_open_facts``). A ``special`` period set by the law breached replaces
    two and five years."""
    dates = _dates_of_limitation(facts)
    if dates is None:
        return None, "act or discovery date unknown"
    start, found = dates
    basis = "act_end_date" if facts.get("act_end_date") else "act_date"
    if special is not None:
        years, law = special[0], f" ({special[1]})"
    else:
        unknown = _extension_unknown(facts)
        if unknown and _period_decides(start, found):
            two, five = add_years(start, LIMITATION_YEARS), add_years(start, EXTENDED_LIMITATION_YEARS)
            return None, f"{', '.join(f'{name} = None' for name in unknown)}: 2 years from {basis} " \
                         f"{start.isoformat()} end on {two.isoformat()}, 5 years (涉及生命健康安全、金融安全且有危害" \
                         f"后果) on {five.isoformat()}; discovered {found.isoformat()}"
        extended = facts.get(SAFETY) is True and facts.get("harm") not in (None, "none")
        years, law = EXTENDED_LIMITATION_YEARS if extended else LIMITATION_YEARS, ""
    limit = add_years(start, years)
    return found > limit, f"{years} years{law} from {basis} {start.isoformat()} end on {limit.isoformat()}; " \
                          f"discovered {found.isoformat()}"


def _extension_unknown(facts: Mapping[str, Any]) -> tuple[str, ...]:
    """The facts of art. 36's five years (the act involves life, health or financial safety, and harm
    followed) still unknown while neither known one rules the five years out."""
    safety, harm = facts.get(SAFETY), facts.get("harm")
    if safety is False or harm == "none":
        return ()
    return tuple(name for name, value in ((SAFETY, safety), ("harm", harm)) if value is None)


def _period_decides(start: date, found: date) -> bool:
    """Discovered after two years but within five: which of art. 36's periods applies decides the bar."""
    return add_years(start, LIMITATION_YEARS) < found <= add_years(start, EXTENDED_LIMITATION_YEARS)


def limitation_open_facts(facts: Mapping[str, Any], special: Special = None) -> tuple[str, ...]:
    """Art. 36 left open: where the act was discovered after two years but within five, the unknown
    facts of the five years (whether it involves life, health or financial safety, whether harm
    followed), as ``limitation`` leaves the bar undecided on them; () under a law's own period."""
    dates = _dates_of_limitation(facts)
    if special is not None or dates is None:
        return ()
    unknown = _extension_unknown(facts)
    return unknown if unknown and _period_decides(*dates) else ()


def exemption(facts: Mapping[str, Any], special: Special = None) -> list[tuple[StatutoryGround, bool | None, str]]:
    """The statutory no-penalty grounds, each with whether it holds (None: unknown) and why."""
    grounds = exemption_undated(facts)
    barred, barred_why = limitation(facts, special)
    grounds.insert(LIMITATION_POSITION, (ART36_BARRED, barred, barred_why))
    return grounds


LIMITATION_POSITION = 2
"""Where art. 36 stands among the no-penalty grounds (after art. 30 and 31, before art. 33)."""


def exemption_undated(facts: Mapping[str, Any]) -> list[tuple[StatutoryGround, bool | None, str]]:
    """The no-penalty grounds that read no date (all but art. 36): they repeat from case to case."""
    harm = facts.get("harm")
    timely = facts.get("timely_corrected")
    minor = facts.get("minor_violation")
    first = facts.get("first_violation")
    child, age_why = _age(facts, lambda age: age < AGE_OF_RESPONSIBILITY)
    no_capacity, capacity_why = _capacity(facts, "none")
    minor_holds, first_holds = art33_1(minor, first, timely, harm)
    return [
        (ART30_CHILD, child, age_why),
        (ART31_INCAPABLE, no_capacity, capacity_why),
        (ART33_NO_FAULT, *_shown(facts, "no_fault_evidence")),
        (ART33_MINOR, minor_holds, f"minor_violation = {minor}, timely_corrected = {timely}, harm = {harm}"),
        (ART33_FIRST, first_holds, f"first_violation = {first}, timely_corrected = {timely}, harm = {harm}"),
    ]


NO_HARM, MINOR_HARM = frozenset({"none"}), frozenset({"none", "minor"})
"""The harm art. 33(1) asks for: 没有造成危害后果 (its minor ground), 危害后果轻微 (its first-violation ground)."""


def art33_1(minor: bool | None, first: bool | None, timely: bool | None, harm: str | None
            ) -> tuple[bool | None, bool | None]:
    """Art. 33(1)'s two grounds, three-valued: minor, corrected in time and no harm (shall not penalise);
    first, corrected in time and minor harm (may not penalise). Read by the statute's layer and by
    questions, which answer these facts without evaluating."""
    return (_all(minor, timely, None if harm is None else harm in NO_HARM),
            _all(first, timely, None if harm is None else harm in MINOR_HARM))


def mandatory_leniency(facts: Mapping[str, Any]) -> list[tuple[StatutoryGround, bool | None, str]]:
    """Grounds for a lighter or mitigated penalty: art. 30 (14–17), 31 (partial capacity), 32."""
    youth, age_why = _age(facts, lambda age: AGE_OF_RESPONSIBILITY <= age < AGE_OF_MAJORITY)
    partial, capacity_why = _capacity(facts, "partial")
    grounds: list[tuple[StatutoryGround, bool | None, str]] = [
        (ART30_YOUTH, youth, age_why),
        (ART31_PARTIAL, partial, capacity_why),
    ]
    for fact, ground in ART32_GROUNDS.items():
        grounds.append((ground, *_shown(facts, fact)))
    return grounds


AGE_OF_RESPONSIBILITY, AGE_OF_MAJORITY = 14, 18
"""Art. 30: no penalty under 14; lighter or mitigated from 14 to 17."""
ORGANISATIONS = frozenset({"legal_person", "other_organization"})
"""Parties to whom art. 30 and 31 (a minor; a mentally ill or intellectually disabled person) never apply."""
THRESHOLDS: Mapping[str, tuple[int, ...]] = {"age_at_act": (AGE_OF_RESPONSIBILITY, AGE_OF_MAJORITY)}
"""The numbers the statute compares a fact with (its ``<``), for the answers a question tries."""
ANSWERS: Mapping[str, tuple[int, ...]] = {
    "age_at_act": (AGE_OF_RESPONSIBILITY - 1, AGE_OF_RESPONSIBILITY, AGE_OF_MAJORITY)}
"""The answers worth trying for such a fact when no condition of a ruleset compares it: one in each
span the statute tells apart."""
ASKED_AS: Mapping[str, str] = {"timely_corrected": "corrected"}
"""A derived fact is asked for through the fact it is derived from (``case.derive``)."""


def answer_label(name: str, value: Any) -> str | None:
    """An answer in the statute's words (an age: its span of art. 30), or None."""
    if name != "age_at_act" or not isinstance(value, int):
        return None
    if value < AGE_OF_RESPONSIBILITY:
        span = "不满十四周岁"
    else:
        span = "已满十四周岁不满十八周岁" if value < AGE_OF_MAJORITY else "已满十八周岁"
    return f"{value}（{span}）"


def _age(facts: Mapping[str, Any], test: Callable[[int], bool]) -> tuple[bool | None, str]:
    """Art. 30 for the age given; for none, False for an organisation and undecided otherwise."""
    age = facts.get("age_at_act")
    if age is not None:
        return test(age), f"age_at_act = {age}"
    party = facts.get("party_type")
    if party in ORGANISATIONS:
        return False, f"age_at_act = None, party_type = {party}: 单位不适用 (not a natural person)"
    if party is None:
        return None, "age_at_act = None, party_type = None: 当事人类型未知 (party type not given: not asked)"
    return None, f"age_at_act = None, party_type = {party}"


def _capacity(facts: Mapping[str, Any], lost: str) -> tuple[bool, str]:
    """Art. 31: capacity is presumed; its loss holds only when the case gives it, and only for a person
    (精神病人、智力残疾人): never for an organisation. A loss established for a party of unknown type holds:
    only a person's capacity can be established as lost, so the finding itself says who the party is."""
    capacity = facts.get("capacity")
    party = facts.get("party_type")
    if capacity is not None and party in ORGANISATIONS:
        return False, f"capacity = {capacity}, party_type = {party}: 单位不适用 (not a natural person)"
    if capacity is not None:
        return capacity == lost, f"capacity = {capacity}"
    return False, "capacity = None: 未经认定丧失辨认或者控制能力 (presumed full: no loss established)"


def _shown(facts: Mapping[str, Any], fact: str) -> tuple[bool, str]:
    """A circumstance that must be shown: it holds only when the case gives it as true."""
    value = facts.get(fact)
    if value is None:
        return False, _NOT_SHOWN[fact]
    return bool(value), f"{fact} = {value}"


_NOT_SHOWN = {"no_fault_evidence": "no_fault_evidence = None: 未提供证据 (no evidence: the party must prove it)",
              **{fact: f"{fact} = None: 未查明 (not shown)" for fact in _ART32}}


def open_facts(ground: StatutoryGround, facts: Mapping[str, Any], answerable: Collection[str] = (),
               special: Special = None) -> tuple[str, ...]:
    """For a ground left undecided, the unknown facts that decide it when it is *open*: art. 33(1)
    (facts of the act), art. 30 for a party given as a natural person (or whose type is among
    the ``answerable`` facts a question may yet answer), and art. 36 where its facts decide between two
    years and five (``limitation_open_facts``, under the ruleset's ``special`` period if any). () for a
    ground that holds only on facts given (art. 31, 32, 33(2)), art. 36 for want of a date, or art. 30
    for a party not described."""
    if not ground.asks:
        return ()
    if ground is ART36_BARRED:
        return limitation_open_facts(facts, special)
    if ground.asks == ("age_at_act",) and facts.get("party_type") != "natural_person" and (
            "party_type" not in answerable or facts.get("party_type") is not None):
        return ()
    return tuple(dict.fromkeys(ASKED_AS.get(name, name) for name in ground.asks if facts.get(name) is None))


def summary_procedure_allowed(types: set[PenaltyType], fine_max: Decimal | None, party_type: str | None) -> bool:
    """Art. 51: a warning, or a fine up to 200 yuan (citizen) / 3,000 yuan (organisation)."""
    if not types or not types <= {PenaltyType.warning, PenaltyType.fine}:
        return False
    if PenaltyType.fine not in types or fine_max is None:
        return PenaltyType.fine not in types
    if fine_max <= SUMMARY_LIMIT_PERSON:
        return True
    return party_type in ("legal_person", "other_organization") and fine_max <= SUMMARY_LIMIT_ORGANISATION


def _all(*values: bool | None) -> bool | None:
    if any(v is False for v in values):
        return False
    if any(v is None for v in values):
        return None
    return True


def working_days_after(start: date, days: int, holidays: Collection[date] = (),
                       working_weekends: Collection[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (art. 85: holidays and weekends do not count)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        weekend = current.weekday() >= 5 and current not in working_weekends
        if not weekend and current not in holidays:
            left -= 1
    return current
