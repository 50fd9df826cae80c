"""Versions over time: a registry of rulesets that picks the version in force and applies art. 37.

Art. 37 (从旧兼从轻): the rules in force when the act took place apply, unless the rules in force when
the decision is made are lighter for this case or no longer treat the act as a violation. A registry
is loaded from a folder: every ``ruleset.yaml`` (the current version) and every ``versions/*.yaml``
beside it (earlier versions). Items marked ``unverified`` are left out unless asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .compile import CompiledRuleset, compile_ruleset
from .errors import Location, Problem, RegistryError, RulesetError, did_you_mean
from .fact_values import as_date
from .loading import RULESET_FILE, load_ruleset
from .models.common import Verification
from .models.vocabulary import FLAGS, Outcome

if TYPE_CHECKING:
    from .case import Case
    from .models.jurisdiction import Jurisdiction
    from .models.outcome import Recommendation

__all__ = ["Registry", "lightness", "load_all", "load_registry", "no_rulesets", "ruleset_files"]


def _without_unverified(ruleset: CompiledRuleset) -> CompiledRuleset:
    model = ruleset.model
    items = tuple(i for i in model.list_items if i.status is not Verification.unverified)
    violations = {k: v for k, v in model.violations.items() if v.status is not Verification.unverified}
    if len(items) == len(model.list_items) and len(violations) == len(model.violations):
        return ruleset
    items = tuple(i for i in items if all(v in violations for v in i.applies_to))
    trimmed = model.model_copy(update={"list_items": items, "violations": MappingProxyType(violations)})
    return compile_ruleset(trimmed, source=ruleset.source, positions=ruleset.positions, sha256=ruleset.sha256)


def ruleset_files(root: str | Path) -> list[Path]:
    """Current versions (``ruleset.yaml``) and earlier ones (``versions/*.yaml`` beside them)."""
    base = Path(root)
    if base.is_file():
        return [base]
    files: list[Path] = []
    for current in sorted(base.rglob(RULESET_FILE)):
        files.append(current)
        files.extend(sorted((current.parent / "versions").glob("*.yaml")))
    return files


def no_rulesets(path: str | Path, files: list[Path] | None = None) -> Problem | None:
    """A problem when a path names no ruleset: it does not exist, or no ruleset.yaml lies below it.

    A mistyped path must not read as "0 rulesets, 0 errors" (a CI job would pass on a typo).
    """
    base = Path(path)
    if not base.exists():
        return Problem("not-found", "no such file or folder", Location(str(path)))
    if not (ruleset_files(base) if files is None else files):
        return Problem("no-rulesets", f"no {RULESET_FILE} below this folder", Location(str(path)))
    return None


def load_all(path: str | Path) -> tuple[list[tuple[Path, CompiledRuleset]], list[Problem]]:
    """Every ruleset version below a folder with its file, and the problems of the files that do not load
    (or of the path itself, when it names no ruleset)."""
    loaded: list[tuple[Path, CompiledRuleset]] = []
    problems: list[Problem] = []
    files = ruleset_files(path)
    missing = no_rulesets(path, files)
    if missing is not None:
        return loaded, [missing]
    for file in files:
        try:
            loaded.append((file, load_ruleset(file)))
        except RulesetError as exc:
            problems.extend(exc.problems)
    return loaded, problems


def load_registry(path: str | Path, *, include_unverified: bool = False, include_drafts: bool = False) -> Registry:
    """Load every ruleset version below a folder; raise RulesetError listing every broken file.

    Items marked unverified and drafts for comment stay out unless asked for.
    """
    found, problems = load_all(path)
    loaded = [ruleset if include_unverified else _without_unverified(ruleset) for _, ruleset in found
              if include_drafts or not ruleset.model.draft]
    if problems:
        raise RulesetError(problems)
    return Registry(loaded)


def lightness(rec: Recommendation) -> tuple[int, int, Decimal, Decimal]:
    """An order on recommendations for art. 37: the outcome; a no-penalty the law requires before one it
    only allows; then the fine's maximum and minimum."""
    discretionary = 1 if rec.outcome is Outcome.no_penalty and not rec.mandatory else 0
    if rec.fine is None:
        return rec.outcome.rank, discretionary, Decimal(0), Decimal(0)
    return rec.outcome.rank, discretionary, rec.fine.max, rec.fine.min


@dataclass(frozen=True)
class Registry:
    """Every loaded version of every ruleset, by id, ordered by effective date."""

    rulesets: tuple[CompiledRuleset, ...]

    def __init__(self, rulesets: Iterable[CompiledRuleset]) -> None:
        ordered = tuple(sorted(rulesets, key=lambda r: (r.id, r.model.effective, r.version)))
        object.__setattr__(self, "rulesets", ordered)

    @property
    def ids(self) -> list[str]:
        return sorted({r.id for r in self.rulesets})

    def versions(self, ruleset_id: str) -> list[CompiledRuleset]:
        found = [r for r in self.rulesets if r.id == ruleset_id]
        if not found:
            hint = did_you_mean(ruleset_id, self.ids)
            raise RegistryError(f"no ruleset '{ruleset_id}' in the registry" + (f" ({hint})" if hint else ""),
                                code="unknown-ruleset", location=Location("ruleset"))
        return found

    def in_force(self, ruleset_id: str, on: date) -> CompiledRuleset | None:
        """The version effective on a date (effective ≤ date < expires); the latest effective wins."""
        current = None
        for ruleset in self.versions(ruleset_id):
            if ruleset.model.in_force_on(on):
                current = ruleset
        return current

    def evaluate(self, case: Case | Mapping[str, Any] | str | bytes, *, ruleset: str, strict: bool = True,
                 backend: str = "native", jurisdiction: Jurisdiction | None = None) -> Recommendation:
        """Evaluate under the version in force on the act date, applying art. 37 against the decision date.

        In strict mode a case whose act date has no version in force is a RegistryError; in tolerant
        mode the nearest version is used and the recommendation is flagged ``ruleset_not_in_force``.
        """
        from .case import _as_case  # here, not at the top: loading a registry needs no evaluation pipeline

        versions = self.versions(ruleset)
        parsed = _as_case(case, None)
        act = _date_fact(parsed, "act_date")
        decided = _date_fact(parsed, "decision_date")
        if act is None:
            if strict:
                raise RegistryError("the case has no act_date: the version in force cannot be chosen (art. 37)",
                                    code="act-date-unknown", location=Location("facts.act_date"))
            old = versions[-1]
            flag_reason = "act date unknown: latest version used"
        else:
            found = self.in_force(ruleset, act)
            flag_reason = None
            if found is None:
                if strict:
                    raise RegistryError(f"no version of {ruleset} was in force on {act.isoformat()} (versions: "
                                        + ", ".join(f"{r.version} {r.model.effective}–{r.model.expires or ''}"
                                                    for r in versions) + ")", code="not-in-force",
                                        location=Location("facts.act_date"))
                found = min(versions, key=lambda r: abs((r.model.effective - act).days))
                flag_reason = f"no version in force on {act.isoformat()}: nearest version {found.version} used"
            old = found
        new = self.in_force(ruleset, decided) if decided is not None else None
        result = self._apply_article_37(parsed, old, new, backend, jurisdiction)
        if flag_reason:
            from .models.outcome import Flag

            label = FLAGS["ruleset_not_in_force"]
            result = result.model_copy(update={"flags": [*result.flags, Flag(
                code="ruleset_not_in_force", zh=label.zh, en=label.en, article="行政处罚法第37条",
                detail=flag_reason)]})
        return result

    def _apply_article_37(self, case: Case, old: CompiledRuleset, new: CompiledRuleset | None, backend: str,
                          jurisdiction: Jurisdiction | None) -> Recommendation:
        from .evaluate import evaluate

        act_rec = evaluate(old, case, backend=backend, jurisdiction=jurisdiction)
        if new is None or new is old:
            why = "decision date unknown or no other version in force then" if new is None else \
                "the same version is in force on the act and decision dates"
            return _applied(act_rec, old, old, new, f"在违法行为发生时有效的版本 {old.version}：{why}")
        missing = [vid for vid in case.violation_ids if vid not in new.violations]
        if missing:
            return _no_longer_a_violation(act_rec, old, new, missing)
        new_rec = evaluate(new, case, backend=backend, jurisdiction=jurisdiction)
        if lightness(new_rec) < lightness(act_rec):
            return _applied(new_rec, new, old, new, f"作出决定时有效的版本 {new.version} 对本案处罚较轻，适用新的规定"
                            "（从旧兼从轻）")
        return _applied(act_rec, old, old, new, f"适用违法行为发生时有效的版本 {old.version}（新版本 {new.version} "
                        "不更轻）")


def _date_fact(case: Case, name: str) -> date | None:
    """A date of the case read exactly as case validation reads it (``fact_values.as_date``)."""
    raw = case.facts.get(name)
    if raw is None:
        return None
    try:
        return as_date(raw)
    except ValueError as exc:
        raise RegistryError(f"{name}: {exc}", code="invalid-fact", location=Location(f"facts.{name}")) from None


def _applied(rec: Recommendation, applied: CompiledRuleset, old: CompiledRuleset, new: CompiledRuleset | None,
             reason: str) -> Recommendation:
    from .models.outcome import AppliedVersion  # here: loading a registry needs none of the output models

    version = AppliedVersion(version=applied.version, reason=reason, act_version=old.version,
                             decision_version=new.version if new else None)
    return rec.model_copy(update={"applied_version": version})


def _no_longer_a_violation(rec: Recommendation, old: CompiledRuleset, new: CompiledRuleset,
                           missing: list[str]) -> Recommendation:
    from .law import article
    from .models.outcome import AppliedVersion

    reason = f"作出决定时有效的版本 {new.version} 不再将 {', '.join(missing)} 列为违法行为，适用新的规定（从旧兼从轻）"
    version = AppliedVersion(version=new.version, reason=reason, act_version=old.version,
                             decision_version=new.version)
    return rec.model_copy(update={
        "outcome": Outcome.no_penalty, "label": rec.label.model_copy(update={"code": "no_penalty", "zh": "不予处罚",
                                                                             "en": "no penalty"}),
        "mandatory": True, "alternatives": [], "fine": None, "penalties": [], "applied_version": version,
        "ruleset": rec.ruleset.model_copy(update={"version": new.version, "sha256": new.sha256}),
        "citations": [*rec.citations, article(37)]})

