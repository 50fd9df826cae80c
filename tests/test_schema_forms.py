"""The shipped JSON Schema accepts every input form the loader accepts: the bundled rulesets and the shorthand
that rulesets/FORMAT.md teaches (``issuer`` as text, enum ``values`` as a mapping, a ``when`` of one text or a
list of texts, ``per_day``/``days``)."""

from __future__ import annotations

import json
import typing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import AliasChoices, BaseModel

from discretion import load_ruleset_text
from discretion._yaml import parse_yaml
from discretion.errors import RulesetError
from discretion.models.ruleset import Ruleset
from discretion.schema import SHORTHANDS, accepted_keys, ruleset_json_schema

from .conftest import RULESETS, synthetic_header

SHIPPED = RULESETS / "ruleset.schema.json"
BUNDLED = sorted([*RULESETS.rglob("ruleset.yaml"), *RULESETS.glob("**/versions/*.yaml")])


def _as_json(value: Any) -> Any:
    """The YAML data as an editor's schema validator sees it: dates as text, decimals as numbers."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _errors(text: str, schema: dict[str, Any] | None = None) -> list[str]:
    data = _as_json(parse_yaml(text.encode("utf-8"), "<test>").data)
    validator = jsonschema.Draft202012Validator(schema or json.loads(SHIPPED.read_text(encoding="utf-8")),
                                                format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, error.path))}: {error.message[:200]}" for error in validator.iter_errors(data)]


def test_the_shipped_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SHIPPED.read_text(encoding="utf-8")))


def test_there_are_bundled_rulesets_and_versions() -> None:
    assert len(BUNDLED) >= 48 and any(path.parent.name == "versions" for path in BUNDLED)


@pytest.mark.parametrize("path", BUNDLED, ids=lambda path: str(path.relative_to(RULESETS)))
def test_every_bundled_ruleset_validates_against_the_schema(path: Path) -> None:
    assert _errors(path.read_text(encoding="utf-8")) == []


SHORTHAND = synthetic_header("test.shorthand", "简写", "shorthand") + """\
facts:
  days_late: {type: days, zh: 逾期天数, direction: aggravating}
  workers: {type: integer, zh: 人数, min: 0, direction: aggravating}
  original_fine: {type: money, zh: 原罚款, min: 0}
  scope:
    type: enum
    zh: 经营环节
    values:
      retail: {zh: 零售, en: retail}
      catering: {zh: 餐饮}
      wholesale:
  size:
    type: enum
    zh: 规模
    values: [small, {code: large, zh: 大}]
violations:
  late:
    title: {zh: 逾期, en: late}
    penalty_basis: [{law: 测试法, version: 2020-01-01, article: 1}]
    statutory:
      types: [warning, fine]
      fine: {max: 2000}
    criminal_referral:
      when: days_late > 365
      basis: {law: 刑法, article: 201}
    tiers:
      - id: light
        outcome: lighter
        when: days_late <= 10
        fine: {max: 500}
      - id: normal
        outcome: standard
        when: [days_late > 10, scope == "retail", {when: size == "small", zh: 小规模}]
        fine: {min: 500, max: 2000}
  daily:
    title: {zh: 按日, en: per day}
    penalty_basis: [{law: 测试法, version: 2020-01-01, article: 2}]
    statutory:
      types: [fine]
      fine: {per_day: {min: 100, max: 500}, days: days_late}
    criminal_referral:
      when: [days_late > 365, workers > 10]
      basis: {law: 刑法, article: 201}
  daily-amount:
    title: {zh: 按日连续, en: daily repeat}
    penalty_basis: [{law: 测试法, version: 2020-01-01, article: 3}]
    statutory:
      types: [fine]
      fine: {per_day: {amount_of: original_fine}, days: days_late}
  per-person:
    title: {zh: 按人, en: per person}
    penalty_basis: [{law: 测试法, version: 2020-01-01, article: 4}]
    statutory:
      types: [fine]
      fine: {per_unit: {min: 1000, max: 5000}, units: workers}
list_items:
  - id: one-text
    kind: no_penalty
    ground: first_violation
    modality: may
    violation: late
    when: first_violation
    basis: {document: 测试清单, item: 1}
  - id: texts
    kind: lighter
    violation: late
    when: [confessed, timely_corrected]
    basis: {document: 测试清单, item: 2}
"""


def test_the_shorthand_forms_load_and_validate_against_the_schema() -> None:
    load_ruleset_text(SHORTHAND)  # the loader reads every form used here
    assert _errors(SHORTHAND) == []


@pytest.mark.parametrize(("old", "new"), [
    ("issuer: 测试机关", "issuer: {zh: 测试机关, en: test issuer}"),
    ("when: first_violation\n", "when: [{when: first_violation, zh: 初次违法}]\n"),
    ("fine: {per_day: {min: 100, max: 500}, days: days_late}",
     "fine: {per_unit: {min: 100, max: 500}, units: days_late}"),
    ("values: [small, {code: large, zh: 大}]", "values: [{code: small}, {code: large, zh: 大}]"),
])
def test_the_full_forms_still_validate(old: str, new: str) -> None:
    assert old in SHORTHAND
    assert _errors(SHORTHAND.replace(old, new)) == []


@pytest.mark.parametrize(("old", "new", "where"), [
    ("issuer: 测试机关", "issuer: 42", "issuer"),
    ("days: days_late}", "days: days_late, per_unit: {max: 1}}", "violations/daily/statutory/fine"),
    ("days: days_late}", "days: days_late, units: workers}", "violations/daily/statutory/fine"),
    ("when: days_late <= 10", "when: 10", "violations/late/tiers/0/when"),
    ("when: [confessed, timely_corrected]", "when: [confessed, 3]", "list_items/1/when"),
    ("catering: {zh: 餐饮}", "catering: {zh: 餐饮, colour: red}", "facts/scope/values"),
    ("values: [small, {code: large, zh: 大}]", "values: small", "facts/size/values"),
])
def test_the_schema_still_refuses_what_the_loader_refuses(old: str, new: str, where: str) -> None:
    changed = SHORTHAND.replace(old, new, 1)
    assert changed != SHORTHAND
    with pytest.raises(RulesetError):
        load_ruleset_text(changed)
    assert any(error.startswith(where) for error in _errors(changed)), _errors(changed)


def _ruleset_models() -> list[type[BaseModel]]:
    """Every model a ruleset file is read into."""
    found: list[type[BaseModel]] = []

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation not in found:
                found.append(annotation)
                for field in annotation.model_fields.values():
                    visit(field.annotation)
            return
        for argument in typing.get_args(annotation):
            visit(argument)

    visit(Ruleset)
    return found


def test_every_before_field_validator_of_the_ruleset_models_has_its_input_forms_in_the_schema() -> None:
    """A ``mode="before"`` field validator widens what the loader accepts beyond pydantic's schema: schema.py
    must say how (SHORTHANDS), or editors mark files the loader reads as wrong. Validators given in a type
    (``Annotated[..., BeforeValidator]``: ``models.common.Flag``, ``Money``) are not seen here; those two only
    narrow what the schema allows (strict yes/no, no exponents): test_ruleset_mistakes tests those refusals."""
    models = _ruleset_models()
    assert Ruleset in models and len(models) > 10
    widened: set[tuple[type[BaseModel], str]] = set()
    for model in models:
        decorators = model.__pydantic_decorators__
        for validator in decorators.field_validators.values():
            if validator.info.mode in {"before", "plain", "wrap"}:
                fields = model.model_fields if "*" in validator.info.fields else validator.info.fields
                widened |= {(model, name) for name in fields}
        assert not [v for v in decorators.model_validators.values() if v.info.mode != "after"], model
    assert widened == set(SHORTHANDS)


def test_every_key_the_loader_reads_a_field_from_is_in_the_schema() -> None:
    schema = ruleset_json_schema()
    definitions = {**schema["$defs"], Ruleset.__name__: schema}
    for model in _ruleset_models():
        properties = definitions[model.__name__]["properties"]
        for name, field in model.model_fields.items():
            keys = accepted_keys(model, name)
            assert set(keys) <= set(properties), (model.__name__, name, keys)
            if isinstance(field.validation_alias, AliasChoices):
                assert len(keys) > 1
    assert {"per_day", "per_unit", "days", "units"} <= set(schema["$defs"]["Fine"]["properties"])
