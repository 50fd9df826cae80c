"""Stable codes and their Chinese labels with English glosses: outcomes, penalty types, measures, flags.

Codes are the JSON contract; labels are for people. Penalty types are Administrative Penalty Law
art. 9's closed set (2021 revision).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

__all__ = [
    "CORRECTION_MEASURES",
    "FLAGS",
    "MEASURES",
    "OUTCOMES",
    "PENALTY_TYPES",
    "Label",
    "ListKind",
    "Modality",
    "Outcome",
    "PenaltyType",
]


class Label(NamedTuple):
    zh: str
    en: str


class Outcome(StrEnum):
    """The five outcomes, from the most lenient. Order matters: it is the severity order."""

    no_penalty = "no_penalty"
    mitigated = "mitigated"
    lighter = "lighter"
    standard = "standard"
    heavier = "heavier"

    @property
    def rank(self) -> int:
        return _OUTCOME_ORDER.index(self)


_OUTCOME_ORDER = list(Outcome)

OUTCOMES: dict[str, Label] = {
    "no_penalty": Label("不予处罚", "no penalty"),
    "mitigated": Label("减轻处罚", "mitigated (below the statutory minimum)"),
    "lighter": Label("从轻处罚", "lighter (lower part of the range)"),
    "standard": Label("一般处罚", "standard"),
    "heavier": Label("从重处罚", "heavier (upper part of the range)"),
}


class Modality(StrEnum):
    """'应当' (shall: mandatory) versus '可以' (may: discretionary)."""

    shall = "shall"
    may = "may"


class ListKind(StrEnum):
    """The four kinds of lenient list."""

    no_penalty = "no_penalty"
    lighter = "lighter"
    mitigated = "mitigated"
    no_coercion = "no_coercion"


LIST_KINDS: dict[str, Label] = {
    "no_penalty": Label("不予处罚清单", "no-penalty list"),
    "lighter": Label("从轻处罚清单", "lighter-penalty list"),
    "mitigated": Label("减轻处罚清单", "mitigated-penalty list"),
    "no_coercion": Label("不予行政强制措施清单", "no-coercive-measures list"),
}


class PenaltyType(StrEnum):
    """Administrative Penalty Law (2021) art. 9."""

    warning = "warning"
    circulated_criticism = "circulated_criticism"
    fine = "fine"
    confiscate_illegal_gains = "confiscate_illegal_gains"
    confiscate_illegal_property = "confiscate_illegal_property"
    suspend_license = "suspend_license"
    downgrade_qualification = "downgrade_qualification"
    revoke_license = "revoke_license"
    restrict_business = "restrict_business"
    suspend_business = "suspend_business"
    order_closure = "order_closure"
    restrict_practice = "restrict_practice"
    detention = "detention"
    other = "other"


PENALTY_TYPES: dict[str, Label] = {
    "warning": Label("警告", "warning"),
    "circulated_criticism": Label("通报批评", "circulated criticism"),
    "fine": Label("罚款", "fine"),
    "confiscate_illegal_gains": Label("没收违法所得", "confiscation of illegal gains"),
    "confiscate_illegal_property": Label("没收非法财物", "confiscation of illegal property"),
    "suspend_license": Label("暂扣许可证件", "suspension of licence"),
    "downgrade_qualification": Label("降低资质等级", "downgrade of qualification"),
    "revoke_license": Label("吊销许可证件", "revocation of licence"),
    "restrict_business": Label("限制开展生产经营活动", "restriction of business activities"),
    "suspend_business": Label("责令停产停业", "order to suspend production or business"),
    "order_closure": Label("责令关闭", "order to close"),
    "restrict_practice": Label("限制从业", "restriction from practice"),
    "detention": Label("行政拘留", "administrative detention"),
    "other": Label("法律、行政法规规定的其他行政处罚", "other penalty set by law or regulation"),
}

MEASURES: dict[str, Label] = {
    "order_correction": Label("责令改正", "order to correct"),
    "order_correction_within_deadline": Label("责令限期改正", "order to correct within a deadline"),
    "stop_violation": Label("责令立即停止违法行为", "order to stop the violation at once"),
    "persuasion_education": Label("说服教育", "persuasion and education"),
    "guidance_demonstration": Label("劝导示范", "guidance by example"),
    "warning_admonition": Label("警示告诫", "warning and admonition"),
    "guidance_interview": Label("指导约谈", "guidance interview"),
    "administrative_guidance": Label("行政指导", "administrative guidance"),
    "written_commitment": Label("签订承诺书", "written commitment"),
    "tax_law_education": Label("税法宣传和辅导", "tax-law publicity and coaching"),
    "refund_consumers": Label("依法退赔消费者损失", "refund consumers' losses"),
    "recall": Label("履行召回义务", "carry out the recall"),
    "guardian_discipline": Label("责令监护人加以管教", "order the guardian to discipline"),
    "guardian_custody": Label("责令监护人严加看管和治疗", "order the guardian to watch over and treat"),
    "follow_up_inspection": Label("跟踪回访", "follow-up inspection"),
}

NON_COERCIVE_MEASURES = frozenset(
    {"persuasion_education", "guidance_demonstration", "warning_admonition", "guidance_interview",
     "administrative_guidance", "written_commitment", "tax_law_education"}
)
CORRECTION_MEASURES = frozenset({"order_correction", "order_correction_within_deadline"})
"""The orders to correct (art. 28 para. 1: 责令改正 or 责令限期改正), whichever a list item names."""

FLAGS: dict[str, Label] = {
    "correction_ordered": Label("责令改正", "correction ordered (art. 28)"),
    "education_required": Label("应当对当事人进行教育", "education required (art. 33 para. 3)"),
    "illegal_gains_confiscated": Label("没收违法所得", "illegal gains confiscated (art. 28)"),
    "no_coercive_measures": Label("可以不采取行政强制措施", "coercive measures may be dispensed with"),
    "transfer_to_judicial": Label("涉嫌犯罪，移送司法机关", "suspected crime: transfer to judicial organs"),
    "summary_procedure_allowed": Label("可以适用简易程序当场处罚", "summary procedure allowed (art. 51)"),
    "hearing_right": Label("告知听证权利", "hearing right (art. 63)"),
    "hearing_right_unknown": Label("听证标准未知", "hearing threshold unknown for this jurisdiction"),
    "legal_review_required": Label("应当进行法制审核", "legal review required (art. 58)"),
    "collective_decision": Label("应当集体讨论决定", "collective decision (art. 57 para. 2)"),
    "notice_of_rights": Label("事先告知陈述、申辩权利", "prior notice of rights (art. 44)"),
    "time_barred": Label("超过追责时效，不再给予行政处罚", "time-barred (art. 36)"),
    "fine_only_after_refusal": Label("法定罚款条件未成立（如拒不改正、逾期不改正），不予罚款",
                                     "no fine: the statute fines only when a condition holds (e.g. a refusal)"),
    "discretionary": Label("法律授权裁量，可作其他选择", "discretionary: the law leaves a choice"),
    "leniency_required": Label("应当从轻或者减轻处罚", "a lighter or mitigated penalty is required"),
    "several_provisions": Label("同一违法行为违反多个法律规范，按照罚款数额高的规定处罚",
                                "one act, several provisions: the higher fine applies (art. 29)"),
    "ruleset_not_in_force": Label("规则版本不在有效期内", "ruleset version not in force on the act date"),
    "tier_ambiguous": Label("多个裁量阶次同时适用", "several tiers matched"),
    "no_tier_matched": Label("无裁量阶次适用，按法定幅度", "no tier matched: statutory range applies"),
    "facts_unknown": Label("案件事实不全", "some deciding facts are unknown"),
    "draft_ruleset": Label("征求意见稿，尚未生效", "a draft for comment, never in force"),
}
