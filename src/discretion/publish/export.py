"""A compiled ruleset as plain JSON data for the in-page calculator (``calculator.js``).

Conditions travel as syntax trees, never as source text: the page walks the tree, so nothing is ever
evaluated as code, in Python or in JavaScript. Money and decimals travel as strings and integers as
strings too (the page reads them into BigInt), so no amount ever passes through a float.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .. import law
from ..case import same_type
from ..compile import CompiledCondition, CompiledRuleset, CompiledViolation
from ..expr import nodes as n
from ..law import HEARING_TYPES
from ..models.common import Citation
from ..models.outcome import to_json_value
from ..models.penalty import Fine, Formula
from ..models.vocabulary import FLAGS, LIST_KINDS, NON_COERCIVE_MEASURES, OUTCOMES, PENALTY_TYPES
from ..standard_facts import DERIVED_FACTS, STANDARD_FACTS

__all__ = ["EXPORT_FORMAT", "export_ruleset", "node_data"]

EXPORT_FORMAT = 1
Json = dict[str, Any]


def _literal(value: n.Value) -> Json:
    if isinstance(value, bool):
        return {"t": "lit", "k": "bool", "v": value}
    if isinstance(value, str):
        return {"t": "lit", "k": "str", "v": value}
    if isinstance(value, int):
        return {"t": "lit", "k": "int", "v": str(value)}
    if isinstance(value, Decimal):
        return {"t": "lit", "k": "dec", "v": f"{value:f}"}
    if isinstance(value, date):
        return {"t": "lit", "k": "date", "v": value.isoformat()}
    raise AssertionError(value)  # pragma: no cover


def node_data(node: n.Node) -> Json:
    """One condition node as JSON: a closed set of node kinds the page knows how to walk."""
    out: Json
    if isinstance(node, n.Literal):
        out = _literal(node.value)
    elif isinstance(node, n.Name):
        out = {"t": "name", "f": node.fact}
    elif isinstance(node, n.Not):
        out = {"t": "not", "x": node_data(node.operand)}
    elif isinstance(node, n.Negate):
        out = {"t": "neg", "x": node_data(node.operand)}
    elif isinstance(node, n.BoolOp):
        out = {"t": "bool", "op": node.op, "xs": [node_data(o) for o in node.operands]}
    elif isinstance(node, n.Compare):
        out = {"t": "cmp", "op": node.op, "l": node_data(node.left), "r": node_data(node.right)}
    elif isinstance(node, n.Arith):
        out = {"t": "arith", "op": node.op, "l": node_data(node.left), "r": node_data(node.right)}
    elif isinstance(node, n.Member):
        out = {"t": "in", "x": node_data(node.item), "opts": [_literal(o.value) for o in node.options],
               "neg": node.negated}
    else:  # pragma: no cover
        raise AssertionError(node)
    out["text"] = node.text
    return out


def _condition(cond: CompiledCondition | None) -> Json | None:
    if cond is None:
        return None
    return {"when": cond.spec.when, "zh": cond.spec.zh, "node": node_data(cond.compiled.node)}


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _fine(fine: Fine | None) -> Json | None:
    if fine is None:
        return None
    per = fine.per_unit
    return {
        "shape": fine.shape.value, "min": _dec(fine.min), "max": _dec(fine.max), "fixed": _dec(fine.fixed),
        "multiple_of": fine.multiple_of, "min_multiple": _dec(fine.min_multiple),
        "max_multiple": _dec(fine.max_multiple), "no_base": _fine(fine.no_base),
        "per_unit": None if per is None else {"min": _dec(per.min), "max": _dec(per.max), "amount_of": per.amount_of},
        "units": fine.units, "percent": None if fine.percent is None else [_dec(p) for p in fine.percent],
    }


def _formula(formula: Formula | None) -> Json | None:
    if formula is None:
        return None
    return {
        "id": formula.id, "citation": _citation(formula.citation),
        "percent_of_range": {k.value: [_dec(a), _dec(b)] for k, (a, b) in formula.percent_of_range.items()},
        "percent_of_max": {k.value: [_dec(a), _dec(b)] for k, (a, b) in formula.percent_of_max.items()},
        "mitigated_floor_percent": _dec(formula.mitigated_floor_percent),
    }


def _citation(citation: Citation | None) -> Json | None:
    if citation is None:
        return None
    return {"label": citation.label(), "law": citation.law,
            "version": citation.version.isoformat() if citation.version else None,
            "article": citation.article, "text": citation.text}


def _violation(violation: CompiledViolation, same: frozenset[str]) -> Json:
    model = violation.model
    return {
        "id": violation.id,
        "title": {"zh": model.title.zh, "en": model.title.en},
        "group": model.group,
        "same_type": sorted(same),  # the ids a prior record may name to count (case.same_type)
        "hit_policy": model.hit_policy.value,
        "statutory": {"types": [t.value for t in model.statutory.types],
                      "optional_types": [t.value for t in model.statutory.optional_types],
                      "order_correction": model.statutory.order_correction},
        "legal_basis": [_citation(c) for c in model.legal_basis],
        "penalty_basis": [_citation(c) for c in model.penalty_basis],
        "bands": [{"id": b.model.id, "label": b.model.label.zh if b.model.label else None,
                   "when": _condition(b.when), "only_if": _condition(b.only_if), "fine": _fine(b.model.fine),
                   "types": [t.value for t in b.model.types],
                   "optional_types": [t.value for t in b.model.optional_types], "modality": b.model.modality.value}
                  for b in violation.bands],
        "tiers": [{"id": t.model.id, "outcome": t.model.outcome.value, "band": t.model.band,
                   "label": t.model.label.zh if t.model.label else None,
                   "conditions": [_condition(c) for c in t.conditions], "fine": _fine(t.fine),
                   "types": None if t.model.types is None else [p.value for p in t.model.types],
                   "basis": _citation(t.model.basis)} for t in violation.tiers],
        "items": [{"id": i.model.id, "kind": i.model.kind.value, "modality": i.model.modality.value,
                   "ground": i.model.ground.value if i.model.ground else None,
                   "conditions": [_condition(c) for c in i.conditions], "measures": list(i.model.measures),
                   "fine": _fine(i.model.fine),
                   "types": None if i.model.types is None else [p.value for p in i.model.types],
                   "basis": _citation(i.model.basis), "text": i.model.text} for i in violation.items],
        "criminal": [_condition(c) for c in violation.criminal],
        "criminal_basis": _citation(model.criminal_referral.basis) if model.criminal_referral else None,
        "formula": _formula(violation.formula),
    }


def _facts(ruleset: CompiledRuleset) -> Json:
    out: Json = {}
    for name, spec in ruleset.schema.items():
        out[name] = {
            "type": spec.type.value, "zh": spec.zh, "en": spec.en, "description": spec.description,
            "values": [{"code": v.code, "zh": v.zh, "en": v.en} for v in spec.values],
            "min": _dec(spec.min), "max": _dec(spec.max),
            "default": _json_default(spec.default),
            "standard": name in STANDARD_FACTS, "derived": name in DERIVED_FACTS,
        }
    return out


def _json_default(value: Any) -> Any:
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _law() -> Json:
    grounds: Json = {}
    for ground, _holds, _why in [*law.exemption({}), *law.mandatory_leniency({})]:
        grounds[ground.rule] = {"rule": ground.rule, "zh": ground.zh, "en": ground.en,
                                "modality": ground.modality.value, "outcome": ground.outcome.value,
                                "citation": ground.citation.label(),
                                "measures": list(ground.measures),
                                "alternatives": [o.value for o in ground.alternatives]}
    return {"grounds": grounds, "art33_1": law.article(33, 1).label(), "art33_2": law.article(33, 2).label()}


def export_ruleset(ruleset: CompiledRuleset) -> Json:
    """Everything the page's evaluator needs, and the labels it shows, as JSON-ready data."""
    model = ruleset.model
    return {
        "export_format": EXPORT_FORMAT,
        "id": model.id, "version": model.version, "sha256": ruleset.sha256,
        "title": {"zh": model.title.zh, "en": model.title.en},
        "window_months": model.parameters.first_violation_window_months,
        "window_anchor": model.parameters.first_violation_anchor,
        "window_since": model.parameters.first_violation_since.isoformat()
        if model.parameters.first_violation_since else None,
        # art. 36's period as the breached law sets it (法律另有规定的除外): years and article; None: 2 (5) years
        "limitation": None if ruleset.special_limitation is None else
        {"years": ruleset.special_limitation[0], "basis": ruleset.special_limitation[1]},
        "implications": {name: {target: to_json_value(value) for target, value in implied.items()}
                         for name, implied in ruleset.implications.items()},
        "effective": model.effective.isoformat(),
        "expires": model.expires.isoformat() if model.expires else None,
        "draft": model.draft,
        "facts": _facts(ruleset),
        "measures": {code: {"zh": label.zh, "en": label.en} for code, label in ruleset.measure_labels.items()},
        "violations": {vid: _violation(v, same_type(ruleset, vid)) for vid, v in ruleset.violations.items()},
        "vocabulary": {
            "outcomes": {k: {"zh": v.zh, "en": v.en} for k, v in OUTCOMES.items()},
            "penalty_types": {k: {"zh": v.zh, "en": v.en} for k, v in PENALTY_TYPES.items()},
            "penalty_order": list(PENALTY_TYPES),
            "flags": {k: {"zh": v.zh, "en": v.en} for k, v in FLAGS.items()},
            "list_kinds": {k: {"zh": v.zh, "en": v.en} for k, v in LIST_KINDS.items()},
            "non_coercive": sorted(NON_COERCIVE_MEASURES),
            "hearing_types": sorted(t.value for t in HEARING_TYPES),
        },
        "law": _law(),
    }
