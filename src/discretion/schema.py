"""The JSON Schema of the ruleset format, generated from the models (editors validate while typing).

The models accept shorthand that their ``mode="before"`` validators normalise (``issuer: 国家税务总局``,
enum ``values`` as a mapping, a ``when`` of one text or a list of texts) and other names for a key
(``per_day``/``days`` beside ``per_unit``/``units``). Pydantic's generated schema describes only the
normalised form, so an editor would mark files the loader reads as wrong. ``_InputForms`` adds every
form the loader accepts: the shorthands listed in ``SHORTHANDS`` (one entry for each ``mode="before"``
field validator of the ruleset models, which tests/test_schema_forms.py holds to), and, for each
field, every key name its validation alias or ``populate_by_name`` lets the loader read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from pydantic import AliasChoices, BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from .models.facts import EnumValue, FactSpec
from .models.penalty import ConditionSpec, Tier
from .models.ruleset import CriminalThreshold, ListItem, Ruleset

__all__ = ["SHORTHANDS", "accepted_keys", "ruleset_json_schema"]

Schema = dict[str, Any]


def _text_like(model: type[BaseModel], name: str) -> Schema:
    """A text with the length limits of a model's text field (the shorthand becomes that field)."""
    schema: Schema = {"type": "string"}
    for constraint in model.model_fields[name].metadata:
        for limit, key in (("min_length", "minLength"), ("max_length", "maxLength")):
            if getattr(constraint, limit, None) is not None:
                schema[key] = getattr(constraint, limit)
    return schema


def _condition_text() -> Schema:
    return _text_like(ConditionSpec, "when")


def _conditions(nullable: bool) -> Callable[[Schema], Schema]:
    """``when``: one condition text, a list of texts and ``{when, zh, en}`` (all must hold), or the list form."""

    def widen(generated: Schema) -> Schema:
        text = _condition_text()
        forms: list[Schema] = [
            {**text, "description": "one condition, e.g. first_violation and harm == \"none\""},
            {"type": "array", "items": {"anyOf": [text, generated["items"]]},
             "description": "conditions that must all hold: texts, or {when, zh, en} keeping the published wording"},
        ]
        if nullable:
            forms.append({"type": "null"})
        return _any_of(forms, generated)

    return widen


def _issuer(generated: Schema) -> Schema:
    return {"anyOf": [{"type": "string", "minLength": 1, "description": "the issuer's Chinese name alone"},
                      generated], "description": "{zh, en}, or just the Chinese name"}


def _enum_values(generated: Schema) -> Schema:
    code = _text_like(EnumValue, "code")
    labels: Schema = {"type": "object", "additionalProperties": False,
                      "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
    forms: list[Schema] = [
        {"type": "array", "items": {"anyOf": [code, generated["items"]]},
         "description": "codes, or {code, zh, en}, from the least to the most serious"},
        {"type": "object", "propertyNames": code, "additionalProperties": {"anyOf": [labels, {"type": "null"}]},
         "description": "code: {zh, en} (or code: with no labels), from the least to the most serious"},
    ]
    return _any_of(forms, generated)


def _any_of(forms: list[Schema], generated: Schema) -> Schema:
    """The input forms, keeping the generated field's default, title and description."""
    widened: Schema = {"anyOf": forms}
    widened.update({key: generated[key] for key in ("default", "title", "description") if key in generated})
    return widened


SHORTHANDS: dict[tuple[type[BaseModel], str], Callable[[Schema], Schema]] = {
    (Ruleset, "issuer"): _issuer,
    (FactSpec, "values"): _enum_values,
    (Tier, "when"): _conditions(nullable=True),
    (CriminalThreshold, "when"): _conditions(nullable=True),
    (ListItem, "conditions"): _conditions(nullable=False),
}
"""(model, field name) → how the field's generated schema widens to the input forms its validator takes."""


def accepted_keys(model: type[BaseModel], name: str) -> tuple[str, ...]:
    """Every key the loader reads a field from, the documented one first."""
    field = model.model_fields[name]
    keys: list[str] = []
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        keys += [choice for choice in alias.choices if isinstance(choice, str)]
    elif isinstance(alias, str):
        keys.append(alias)
    elif field.alias:
        keys.append(field.alias)
    if not keys or model.model_config.get("populate_by_name") or model.model_config.get("validate_by_name"):
        keys.append(name)
    return tuple(dict.fromkeys(keys))


class _InputForms(GenerateJsonSchema):
    """Pydantic's schema, widened to the shorthand and the other key names the loader accepts."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        generated = super().model_schema(schema)
        model = schema["cls"]
        properties = generated.get("properties")
        if not isinstance(properties, dict) or not issubclass(model, BaseModel):
            return generated
        exclusive: list[Schema] = []
        for name in model.model_fields:
            keys = list(accepted_keys(model, name))
            present = [key for key in keys if key in properties]
            if not present:
                continue
            primary = present[0]
            widen = SHORTHANDS.get((model, name))
            if widen is not None:
                properties[primary] = widen(properties[primary])
            others = [key for key in keys if key != primary]
            if not others:
                continue
            # rebuild in order so that the documented key comes first and the others follow it
            rebuilt: dict[str, Any] = {}
            for key, value in properties.items():
                rebuilt[key] = value
                if key == primary:
                    for other in others:
                        rebuilt[other] = {**copy.deepcopy(value), "description":
                                          f"the same as '{primary}'" + (f": {value['description']}"
                                                                        if "description" in value else "")}
            properties.clear()
            properties.update(rebuilt)
            everyone = [primary, *others]
            exclusive += [{"not": {"required": [a, b]}} for i, a in enumerate(everyone) for b in everyone[i + 1:]]
            required = generated.get("required", [])
            if primary in required:  # any one of the names gives the field
                required.remove(primary)
                exclusive.append({"anyOf": [{"required": [key]} for key in everyone]})
                if not required:
                    generated.pop("required")
        if exclusive:
            generated["allOf"] = [*generated.get("allOf", []), *exclusive]
        return generated


def ruleset_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for ``ruleset.yaml`` files: every input form the loader accepts."""
    schema = Ruleset.model_json_schema(by_alias=True, mode="validation", schema_generator=_InputForms)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://discretion.invalid/ruleset.schema.json"
    schema["title"] = "discretion ruleset (format 1)"
    return schema

