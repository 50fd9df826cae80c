"""The standard vocabulary of case facts that every ruleset shares (Administrative Penalty Law 2021).

A ruleset may add facts of its own but may not redefine these: the statutory layer reads them, and a
department cannot weaken what the statute says. Facts marked *derived* are computed from others when
a case does not give them (``first_violation`` from ``prior_violations`` and the look-back window).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from .models.facts import FactSpec

__all__ = ["DATED_FACTS", "DERIVED_FACTS", "STANDARD_FACTS"]


def _fact(type_: str, zh: str, en: str, description: str, **extra: Any) -> FactSpec:
    return FactSpec.model_validate({"type": type_, "zh": zh, "en": en, "description": description, **extra})


STANDARD_FACTS: MappingProxyType[str, FactSpec] = MappingProxyType({
    "party_type": _fact(
        "enum", "当事人类型", "party type", "自然人、法人或者其他组织 (art. 51 thresholds differ)",
        values={"natural_person": {"zh": "自然人", "en": "natural person"},
                "legal_person": {"zh": "法人", "en": "legal person"},
                "other_organization": {"zh": "其他组织", "en": "other organisation"}}),
    "age_at_act": _fact("integer", "违法行为发生时年龄", "age at the act", "周岁 (art. 30)", min=0, max=150),
    "capacity": _fact(
        "enum", "辨认或者控制自己行为的能力", "capacity to recognise or control own conduct", "art. 31",
        values={"full": {"zh": "完全具备", "en": "full"},
                "partial": {"zh": "尚未完全丧失", "en": "partially lost"},
                "none": {"zh": "不能辨认或者不能控制", "en": "cannot recognise or control"}}),
    "act_date": _fact("date", "违法行为发生日期", "date of the act", "art. 36, 37"),
    "act_end_date": _fact("date", "违法行为终了日期", "end of a continuing act", "art. 36 para. 2"),
    "discovery_date": _fact("date", "违法行为被发现日期", "date of discovery", "art. 36"),
    "decision_date": _fact("date", "作出处罚决定日期", "date of decision", "art. 37"),
    "notice_date": _fact("date", "告知日期", "date of the prior notice",
                         "art. 44, 64: start of the hearing-request period"),
    "prior_violations": _fact(
        "records", "以往违法记录", "prior violations", "dates and violation ids of earlier violations"),
    "harm": _fact(
        "enum", "危害后果", "harm", "art. 33", direction="aggravating",
        values={"none": {"zh": "没有造成危害后果", "en": "none"},
                "minor": {"zh": "危害后果轻微", "en": "minor"},
                "moderate": {"zh": "危害后果一般", "en": "moderate"},
                "serious": {"zh": "危害后果严重", "en": "serious"}}),
    "corrected": _fact(
        "enum", "改正情况", "correction", "art. 33 及时改正", direction="aggravating",
        values={"before_discovery": {"zh": "发现前主动改正", "en": "corrected before discovery"},
                "immediately": {"zh": "立即改正", "en": "corrected at once"},
                "within_deadline": {"zh": "责令改正期限内改正", "en": "corrected within the deadline"},
                "late": {"zh": "逾期改正", "en": "corrected late"},
                "not_corrected": {"zh": "未改正", "en": "not corrected"}}),
    "minor_violation": _fact("bool", "违法行为轻微", "minor violation", "art. 33 para. 1", direction="mitigating"),
    "refused_to_correct": _fact("bool", "拒不改正", "refused to correct", "established by the agency; "
                                "absent means not refused", direction="aggravating", default=False),
    "no_fault_evidence": _fact(
        "bool", "有证据足以证明没有主观过错", "evidence of no subjective fault", "art. 33 para. 2",
        direction="mitigating"),
    "coerced": _fact("bool", "受他人胁迫或者诱骗实施违法行为", "coerced or deceived", "art. 32(2)",
                     direction="mitigating"),
    "confessed": _fact("bool", "主动供述行政机关尚未掌握的违法行为", "confessed unknown violations",
                       "art. 32(3)", direction="mitigating"),
    "meritorious": _fact("bool", "配合行政机关查处违法行为有立功表现", "meritorious cooperation",
                         "art. 32(4)", direction="mitigating"),
    "consequences_eliminated": _fact(
        "bool", "主动消除或者减轻违法行为危害后果", "eliminated or reduced the harm on own initiative",
        "art. 32(1)", direction="mitigating"),
    "life_health_financial_safety": _fact(
        "bool", "涉及公民生命健康安全、金融安全", "involves life, health or financial safety", "art. 36"),
    "illegal_gains": _fact("money", "违法所得", "illegal gains", "yuan (art. 28)", min=0),
    "illegal_gains_refunded": _fact("bool", "违法所得依法应当退赔", "illegal gains to be refunded",
                                    "art. 28 para. 2"),
    "illegal_property_value": _fact("money", "非法财物价值", "value of the illegal property",
                                    "yuan (art. 63(1)(2): 没收较大价值非法财物)", min=0),
    "party_argued": _fact("bool", "当事人进行了陈述、申辩", "the party stated a defence", "art. 45"),
    "major_public_interest": _fact("bool", "涉及重大公共利益", "major public interest", "art. 58(1)"),
    "hearing_held": _fact("bool", "经过听证程序", "a hearing was held", "art. 58(2)"),
    "complex_case": _fact("bool", "案件情况疑难复杂、涉及多个法律关系", "complex case", "art. 57, 58(3)"),
    "major_violation": _fact("bool", "情节复杂或者重大违法行为", "complex circumstances or a major violation",
                             "art. 57 para. 2: collective decision"),
    "first_violation": _fact(
        "bool", "初次违法", "first violation", "derived: no prior violation of the same type in the window",
        direction="mitigating"),
    "timely_corrected": _fact(
        "bool", "及时改正", "corrected in time", "derived: corrected before discovery, at once or in time",
        direction="mitigating"),
    "prior_violation_count": _fact(
        "integer", "窗口期内同类违法次数", "same-type prior violations in the window", "derived", min=0,
        direction="aggravating"),
})

DATED_FACTS = ("act_date", "act_end_date", "discovery_date")
"""The dates the statute's layer reads: art. 36's time bar (from the act or its end to discovery) and
art. 37's version in force (on the act's date). Past those, only a ruleset's own conditions and the
first-violation window over prior-violation records (a list) may read them."""

DERIVED_FACTS = frozenset({"first_violation", "timely_corrected", "prior_violation_count"})
