"""Files → validated Ruleset models → CompiledRuleset, with every problem mapped to file:line:col."""

from __future__ import annotations

import collections.abc
import hashlib
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from ._yaml import LIMITS, Limits, Positions, YamlDocument, parse_yaml
from .compile import CompiledRuleset, compile_ruleset, condition_problems
from .errors import Location, Problem, RulesetError, did_you_mean
from .models.ruleset import Ruleset

if TYPE_CHECKING:
    from .models.jurisdiction import Jurisdiction

__all__ = ["find_ruleset_files", "load_jurisdiction", "load_ruleset", "load_ruleset_text", "validation_problems"]

RULESET_FILE = "ruleset.yaml"
_CITATION_FIELDS = {"penalty_basis", "basis", "citation", "sources"}


def load_ruleset(path: str | Path, *, limits: Limits = LIMITS) -> CompiledRuleset:
    """Load, validate and compile one ruleset file (or a folder holding ``ruleset.yaml``).

    Raises RulesetError listing every problem at once, each with file:line:col.
    """
    file = Path(path)
    if file.is_dir():
        file = file / RULESET_FILE
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RulesetError([Problem("file-unreadable", f"cannot read the file: {exc.strerror or exc}",
                                    Location(str(file)))]) from None
    return load_ruleset_text(raw, source=str(file), limits=limits)


def load_ruleset_text(raw: bytes | str, *, source: str = "<ruleset>", limits: Limits = LIMITS) -> CompiledRuleset:
    """The same as load_ruleset, from bytes or text already in memory."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    document = parse_yaml(data, source, limits=limits)
    model = validate_document(document)
    check_rule_count(model, document, limits)
    return compile_ruleset(model, source=source, positions=document.positions,
                           sha256=hashlib.sha256(data).hexdigest())


def check_rule_count(model: Ruleset, document: YamlDocument, limits: Limits = LIMITS) -> None:
    """Refuse a ruleset with more rules than compiling and evaluating should ever have to handle.

    Counted: violations, statutory bands, tiers, list items and each of their conditions. Checked
    after validation (the counts are the model's) and before compiling (the costly stage).
    """
    count = 0
    where: tuple[str | int, ...] = ("violations",)

    def add(amount: int, path: tuple[str | int, ...]) -> bool:
        nonlocal count, where
        count += amount
        if count > limits.max_rules and where == ("violations",):
            where = path
        return count > limits.max_rules

    for vid, violation in model.violations.items():
        base: tuple[str | int, ...] = ("violations", vid)
        add(1, base)
        add(sum(1 + (band.when is not None) for band in violation.statutory.bands), (*base, "statutory"))
        for index, tier in enumerate(violation.tiers):
            add(1 + len(tier.when), (*base, "tiers", index))
        if violation.criminal_referral is not None:
            add(len(violation.criminal_referral.when), (*base, "criminal_referral"))
    for index, item in enumerate(model.list_items):
        add(1 + len(item.conditions), ("list_items", index))
    if count > limits.max_rules:
        raise RulesetError([Problem(
            "too-many-rules", f"{count} rules (violations, bands, tiers, list items and conditions); at most "
            f"{limits.max_rules} are allowed: split the ruleset by department or document",
            document.positions.locate(document.source, where))])


def validate_document(document: YamlDocument) -> Ruleset:
    if not isinstance(document.data, dict):
        raise RulesetError([Problem("not-a-ruleset", "a ruleset file is a mapping of keys (id, title, ...)",
                                    Location(document.source, 1, 1))])
    try:
        return Ruleset.model_validate(document.data)
    except ValidationError as exc:
        problems = validation_problems(exc, document.data, document.positions, document.source, Ruleset)
        # the conditions too, read from the raw data: every problem of the file in one report
        problems += condition_problems(document.data, document.source, document.positions)
        raise RulesetError(problems) from None


def validation_problems(exc: ValidationError, data: Any, positions: Positions, source: str,
                        root: type[BaseModel]) -> list[Problem]:
    """Map pydantic's errors to Problems located in the YAML file, with did-you-mean for keys."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for error in exc.errors(include_url=False):
        path = _data_path(data, error["loc"])
        kind = error["type"]
        at = (error.get("ctx") or {}).get("at")
        if isinstance(at, tuple):  # a whole-model validator names the part of the model the problem is in
            path = (*path, *at)
        key = path[-1] if path else ""
        hint = None
        if kind == "extra_forbidden":
            code = "unknown-key"
            allowed = _fields_at(root, path[:-1])
            hint = did_you_mean(str(key), allowed) if allowed else None
            message = f"unknown key '{key}'" + (f" (allowed: {', '.join(sorted(allowed))})" if allowed and not
                                                hint else "")
        elif kind == "missing":
            code = "missing-citation" if key in _CITATION_FIELDS else "missing-key"
            where = ".".join(str(p) for p in path[:-1]) or "the top level"
            message = f"'{key}' is required in {where}"
        else:
            # pydantic's own error types are snake_case; a model's PydanticCustomError carries one of our
            # kebab-case codes (duplicate-id), which stays the problem's code
            code = kind if "-" in kind else "invalid-value"
            message = f"{'.'.join(str(p) for p in path) or 'value'}: {error['msg']}"
        location = positions.locate(source, path)
        marker = (code, str(location), message)  # an anchor used in several places fails once
        if marker in seen:
            continue
        seen.add(marker)
        problems.append(Problem(code, message, location, hint))
    return problems


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[str | int, ...]:
    """Keep the parts of pydantic's loc that index into the data (drop union and validator tags)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        indexable = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, dict) and part in node) or indexable:
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and ("[" in part or part.startswith(("function-", "union"))):
            continue
        else:
            path.append(part)
            node = None
    return tuple(path)


def _fields_at(root: type[BaseModel], path: tuple[str | int, ...]) -> list[str]:
    """The field names of the model found at path (for did-you-mean on an unknown key)."""
    annotation: Any = root
    for part in path:
        model = _model_in(annotation)
        if model is not None and isinstance(part, str):
            field = model.model_fields.get(part) or next(
                (f for f in model.model_fields.values() if f.alias == part), None)
            if field is None:
                return []
            annotation = field.annotation
            continue
        annotation = _element(annotation)
        if annotation is None:
            return []
    model = _model_in(annotation)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _options(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _options(arg)
    elif origin is typing.Annotated:
        yield from _options(typing.get_args(annotation)[0])
    else:
        yield annotation


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for option in _options(annotation):
        if isinstance(option, type) and issubclass(option, BaseModel):
            return option
    return None


def _element(annotation: Any) -> Any:
    for option in _options(annotation):
        args = typing.get_args(option)
        origin = typing.get_origin(option)
        if origin in (tuple, list) and args:
            return args[0]
        if origin in (dict, collections.abc.Mapping) and len(args) == 2:
            return args[1]
    return None


def load_jurisdiction(path: str | Path) -> Jurisdiction:
    """Load a jurisdiction file (hearing thresholds, holidays), each number with its cited source."""
    from .models.jurisdiction import Jurisdiction  # here: loading a ruleset needs no jurisdiction model

    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise RulesetError([Problem("file-unreadable", f"cannot read the file: {exc.strerror or exc}",
                                    Location(str(file)))]) from None
    document = parse_yaml(raw, str(file))
    try:
        return Jurisdiction.model_validate(document.data)
    except ValidationError as exc:
        raise RulesetError(validation_problems(exc, document.data, document.positions, str(file),
                                               Jurisdiction)) from None


def find_ruleset_files(root: str | Path) -> list[Path]:
    """Every ``ruleset.yaml`` below a folder (or the file itself), sorted for a stable order."""
    base = Path(root)
    if base.is_file():
        return [base]
    return sorted(base.rglob(RULESET_FILE))
