"""The JSON Schema of the ruleset format, generated from the models (editors validate while typing)."""

from __future__ import annotations

from typing import Any

from .models.ruleset import Ruleset

__all__ = ["ruleset_json_schema"]


def ruleset_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for ``ruleset.yaml`` files."""
    schema = Ruleset.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://discretion.invalid/ruleset.schema.json"
    schema["title"] = "discretion ruleset (format 1)"
    return schema
