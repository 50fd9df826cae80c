"""Replay: recompute a recorded recommendation from the exact ruleset text it names, and compare.

A recommendation names its ruleset by id, version and sha256 (of the file's bytes), but its ``facts``
include derived facts and only the provision chosen under art. 29, so the record also keeps the case
as it was given. A RECORD is JSON::

    {"record": 1, "case": {...the case as given...}, "recommendation": {...evaluate --json...}}

A bare recommendation (``discretion evaluate --json``) is accepted too: it is replayed from its
validated facts and its violation, which reproduces the outcome but may differ in what counts as
"given" (the trace's unknowns); the report says so.

>>> import json
>>> from discretion import evaluate, load_ruleset
>>> rs = load_ruleset("rulesets/tax/first-violation/ruleset.yaml")
>>> case = {"violation": "late-filing", "facts": {"first_violation": True, "harm": "minor",
...         "corrected": "within_deadline"}}
>>> record = make_record(evaluate(rs, case), case)
>>> replay(json.loads(json.dumps(record)), "rulesets").confirmed
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compile import CompiledRuleset
from .errors import DiscretionError, Location, RegistryError
from .evaluate import evaluate
from .loading import load_jurisdiction, load_ruleset
from .models.outcome import Recommendation
from .registry import load_registry, ruleset_files

__all__ = ["RECORD_FORMAT", "Replay", "find_ruleset", "make_record", "replay"]

RECORD_FORMAT = 1
_MAX_DIFFERENCES = 50


@dataclass(frozen=True)
class Replay:
    """What a replay found: ``confirmed``, or the differences as ``path: recorded → recomputed``."""

    ruleset: CompiledRuleset
    recomputed: Recommendation
    differences: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def confirmed(self) -> bool:
        return not self.differences


def make_record(recommendation: Recommendation, case: Any) -> dict[str, Any]:
    """The JSON record that lets anyone recompute this recommendation later."""
    from .models.outcome import to_json_value

    given = case.model_dump(mode="json", exclude_defaults=True) if hasattr(case, "model_dump") else case
    return {"record": RECORD_FORMAT, "case": to_json_value(given),
            "recommendation": recommendation.model_dump(mode="json")}


def find_ruleset(ruleset_id: str, version: str, sha256: str, folder: str | Path) -> CompiledRuleset:
    """The ruleset file whose bytes hash to ``sha256`` (current versions and ``versions/*.yaml``)."""
    same_version: list[str] = []
    for file in ruleset_files(folder):
        try:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
        except OSError:
            continue
        if digest == sha256:
            ruleset = load_ruleset(file)
            if ruleset.id == ruleset_id and ruleset.version == version:
                return ruleset
        elif ruleset_id in file.read_text(encoding="utf-8", errors="replace"):
            same_version.append(f"{file} (sha256 {digest[:12]}…)")
    hint = f"; files naming that id have other hashes: {', '.join(same_version[:5])}" if same_version else ""
    raise RegistryError(f"ruleset {ruleset_id} version {version} with sha256 {sha256} is not available "
                              f"in {folder}{hint}", code="ruleset-not-available", location=Location(str(folder)))


def replay(record: Mapping[str, Any], folder: str | Path = "rulesets", *,
           jurisdiction: str | Path | None = None) -> Replay:
    """Recompute a record against the ruleset text it names; list every difference found."""
    recorded, case, notes = _parse(record)
    ref = recorded.ruleset
    ruleset = find_ruleset(ref.id, ref.version, ref.sha256, folder)
    if recorded.jurisdiction is not None and jurisdiction is None:
        raise DiscretionError(f"the recommendation used jurisdiction '{recorded.jurisdiction}': give its file "
                              "(--jurisdiction) to replay it", code="invalid-record",
                              location=Location("recommendation.jurisdiction"))
    place = load_jurisdiction(jurisdiction) if jurisdiction is not None else None
    if recorded.applied_version is not None:  # chosen by a registry under art. 37: replay through one
        registry = load_registry(folder, include_drafts=True)
        strict = not recorded.has_flag("ruleset_not_in_force")
        recomputed = registry.evaluate(case, ruleset=ref.id, strict=strict, jurisdiction=place)
    else:
        recomputed = evaluate(ruleset, case, jurisdiction=place)
    before = recorded.model_dump(mode="json")
    after = recomputed.model_dump(mode="json")
    differences = tuple(_differences(before, after, ""))
    return Replay(ruleset, recomputed, differences, notes)


def _parse(record: Mapping[str, Any]) -> tuple[Recommendation, Any, tuple[str, ...]]:
    if not isinstance(record, Mapping):
        raise DiscretionError("a record is a JSON object", code="invalid-record",
                              location=Location("record"))
    from pydantic import ValidationError

    body = record.get("recommendation", record)
    try:
        recorded = Recommendation.model_validate(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "recommendation"
        raise DiscretionError(f"not a recommendation: {where}: {first['msg']}", code="invalid-record",
                              location=Location(f"record: {where}")) from None
    if "case" in record:
        return recorded, record["case"], ()
    case = {"violation": recorded.violation.code, "facts": recorded.facts}
    if recorded.case_id is not None:
        case["id"] = recorded.case_id
    return recorded, case, ("the record has no original case: replayed from the recommendation's facts "
                            "(derived facts count as given)",)


def _differences(before: Any, after: Any, path: str) -> Iterator[str]:
    """Paths where two JSON values differ, at most _MAX_DIFFERENCES of them, shortest first."""
    found = list(_walk(before, after, path))
    yield from found[:_MAX_DIFFERENCES]
    if len(found) > _MAX_DIFFERENCES:
        yield f"… and {len(found) - _MAX_DIFFERENCES} more"


def _walk(before: Any, after: Any, path: str) -> Iterator[str]:
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after), key=str):
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                yield f"{where}: recorded {_show(before[key])}, missing now"
            elif key not in before:
                yield f"{where}: not recorded, now {_show(after[key])}"
            else:
                yield from _walk(before[key], after[key], where)
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (a, b) in enumerate(zip(before, after, strict=True)):
            yield from _walk(a, b, f"{path}[{index}]")
    elif before != after:
        yield f"{path or 'recommendation'}: recorded {_show(before)}, recomputed {_show(after)}"


def _show(value: Any) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:100] + "…"
