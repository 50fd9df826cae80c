"""YAML test cases with expected outcomes (``*.cases.yaml``): loading and comparing.

Policy teams write these next to a ruleset; the pytest plugin and ``discretion test`` run them. Each
case keeps its file and line so that a failure points at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ._yaml import Positions, parse_yaml
from .case import each_provision_once, one_or_several
from .errors import Location, Problem, RulesetError, did_you_mean
from .loading import RULESET_FILE, validation_problems
from .models.outcome import Recommendation
from .models.vocabulary import FLAGS, Outcome, PenaltyType

__all__ = ["CaseSpec", "Expect", "compare", "find_case_files", "load_case_file", "misnamed_case_file",
           "ruleset_for", "unknown_measures"]

CASE_SUFFIX = ".cases.yaml"


def misnamed_case_file(path: Path) -> bool:
    """A YAML file in a ruleset's ``cases`` folder (beside its ``ruleset.yaml``) not named ``*.cases.yaml``:
    meant as cases, never read as such. Another project's ``cases`` folders are none of ours."""
    return (path.parent.name == "cases" and path.suffix in (".yaml", ".yml") and not path.name.endswith(CASE_SUFFIX)
            and (path.parent.parent / RULESET_FILE).is_file())


class ExpectedFine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    min: Decimal
    max: Decimal


class Expect(BaseModel):
    """What a case expects; every key is optional and only the keys given are compared (``fine``,
    ``list_item``, ``tier`` and ``band`` given as null expect none)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    outcome: Outcome | None = None
    mandatory: bool | None = None
    fine: ExpectedFine | None = Field(default=None)
    list_item: str | None = None
    tier: str | None = None
    band: str | None = None
    alternatives: list[Outcome] | None = None
    penalties: list[PenaltyType] | None = None
    measures_include: list[str] = Field(default_factory=list)
    measures_exclude: list[str] = Field(default_factory=list)
    flags_include: list[str] = Field(default_factory=list)
    flags_exclude: list[str] = Field(default_factory=list)

    @field_validator("flags_include", "flags_exclude")
    @classmethod
    def _known_flags(cls, codes: list[str]) -> list[str]:
        """A misspelt code would never be among the flags: an exclusion of it could never fail."""
        for code in codes:
            if code not in FLAGS:
                suggestion = did_you_mean(code, FLAGS)
                raise ValueError(f"{code!r} is not a flag code" + (f"; {suggestion}" if suggestion else ""))
        return codes


class _CaseEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    id: str | None = None
    # one of the two, as in discretion.case.Case: 'violations' for one act breaching several provisions (art. 29)
    violation: str | None = Field(default=None, min_length=1, max_length=200)
    violations: tuple[str, ...] = Field(default=(), max_length=50)
    facts: dict[str, Any] = Field(default_factory=dict)
    expect: Expect
    note: str | None = None

    @field_validator("violations", mode="before")
    @classmethod
    def _each_once(cls, value: Any) -> Any:
        return each_provision_once(value)

    @model_validator(mode="after")
    def _one_or_several(self) -> _CaseEntry:
        one_or_several(self.violation, self.violations)
        return self


class _CaseFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ruleset: str | None = None
    cases: list[_CaseEntry] = Field(min_length=1)


@dataclass(frozen=True)
class CaseSpec:
    """One case of a case file: the case, what it expects, and where it is written."""

    name: str
    case: dict[str, Any]
    expect: Expect
    fine_given: bool
    location: Location
    ruleset_path: Path


def find_case_files(root: str | Path) -> list[Path]:
    base = Path(root)
    if base.is_file():
        return [base]
    return sorted(base.rglob(f"*{CASE_SUFFIX}"))


def ruleset_for(case_file: Path, named: str | None = None) -> Path:
    """The ruleset a case file tests: the one it names, else the nearest ruleset.yaml above it."""
    if named:
        return (case_file.parent / named).resolve()
    for folder in case_file.resolve().parents:
        candidate = folder / RULESET_FILE
        if candidate.is_file():
            return candidate
    raise RulesetError([Problem("no-ruleset", "no ruleset.yaml above this case file; name one with "
                                "'ruleset:'", Location(str(case_file)))])


def load_case_file(path: str | Path) -> list[CaseSpec]:
    file = Path(path)
    document = parse_yaml(file.read_bytes(), str(file), positions=True)  # every case is located
    data, positions = document.data, document.positions
    if not isinstance(data, (dict, list)):  # empty, or a lone value: say what a case file holds
        found = "nothing (the file is empty)" if data is None else f"a {type(data).__name__}"
        raise RulesetError([Problem("invalid-case-file", f"a case file holds a list of cases, or a mapping with "
                                    f"'cases:' (and optionally 'ruleset:'); found {found}",
                                    positions.locate(str(file), ()))])
    if isinstance(data, list):  # a bare list of cases: file positions gain the implied "cases" key
        data = {"cases": data}
        positions = Positions({("cases", *k): v for k, v in positions.keys.items()},
                              {("cases", *k): v for k, v in positions.values.items()})
    try:
        parsed = _CaseFile.model_validate(data)
    except ValidationError as exc:
        raise RulesetError(validation_problems(exc, data, positions, str(file), _CaseFile)) from None
    ruleset_path = ruleset_for(file, parsed.ruleset)
    if parsed.ruleset and not (ruleset_path.is_file() or (ruleset_path / RULESET_FILE).is_file()):
        raise RulesetError([Problem("no-ruleset", f"ruleset {parsed.ruleset!r} not found: no file {ruleset_path}"
                                    + ("" if ruleset_path.suffix else f" nor {ruleset_path / RULESET_FILE}"),
                                    positions.locate(str(file), ("ruleset",)))])
    specs: list[CaseSpec] = []
    for index, entry in enumerate(parsed.cases):
        path_in_file = ("cases", index)
        raw_expect = data["cases"][index].get("expect", {}) if isinstance(data["cases"][index], dict) else {}
        case: dict[str, Any] = {"facts": entry.facts, "id": entry.id or entry.name}
        if entry.violation is not None:
            case["violation"] = entry.violation
        else:
            case["violations"] = list(entry.violations)
        specs.append(CaseSpec(entry.name, case, entry.expect, "fine" in raw_expect,
                              positions.locate(str(file), path_in_file), ruleset_path))
    return specs


def compare(expect: Expect, fine_given: bool, got: Recommendation) -> list[str]:
    """Every difference between the expectation and the recommendation, as readable lines."""
    diffs: list[str] = []

    def differ(what: str, wanted: Any, actual: Any) -> None:
        diffs.append(f"{what}: expected {wanted!r}, got {actual!r}")

    if expect.outcome is not None and expect.outcome is not got.outcome:
        differ("outcome", expect.outcome.value, got.outcome.value)
    if expect.mandatory is not None and expect.mandatory != got.mandatory:
        differ("mandatory", expect.mandatory, got.mandatory)
    if fine_given:
        wanted = None if expect.fine is None else (expect.fine.min, expect.fine.max)
        actual = None if got.fine is None else (got.fine.min, got.fine.max)
        if wanted != actual:
            differ("fine", _fine_text(wanted), _fine_text(actual))
    for key in ("list_item", "tier", "band"):  # null given: expected none (``model_fields_set``: keys given)
        wanted = getattr(expect, key)
        if (wanted is not None or key in expect.model_fields_set) and wanted != getattr(got, key):
            differ(key, wanted, getattr(got, key))
    if expect.alternatives is not None and [o.value for o in expect.alternatives] != \
            [o.value for o in got.alternatives]:
        differ("alternatives", [o.value for o in expect.alternatives], [o.value for o in got.alternatives])
    if expect.penalties is not None:
        wanted_types = sorted(p.value for p in expect.penalties)
        actual_types = sorted(p.type.value for p in got.penalties)
        if wanted_types != actual_types:
            differ("penalties", wanted_types, actual_types)
    diffs += _membership("measures", set(got.measure_codes), expect.measures_include, expect.measures_exclude)
    diffs += _membership("flags", {flag.code for flag in got.flags}, expect.flags_include, expect.flags_exclude)
    return diffs


def unknown_measures(expect: Expect, known: Iterable[str]) -> list[str]:
    """The measure codes an expectation names that the ruleset does not know (built-in or its own), as
    lines: a misspelt code in ``measures_exclude`` would otherwise never fail."""
    codes = set(known)
    return [f"measures: {code!r} is not a measure of this ruleset"
            + (f"; {suggestion}" if (suggestion := did_you_mean(code, codes)) else "")
            for code in (*expect.measures_include, *expect.measures_exclude) if code not in codes]


def _membership(what: str, got: set[str], include: Iterable[str], exclude: Iterable[str]) -> list[str]:
    return ([f"{what}: expected {code!r} among {sorted(got)}" for code in include if code not in got]
            + [f"{what}: did not expect {code!r}" for code in exclude if code in got])


def _fine_text(value: tuple[Decimal, Decimal] | None) -> str | None:
    return None if value is None else f"{value[0]}–{value[1]}"
