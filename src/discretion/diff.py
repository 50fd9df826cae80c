"""Change impact of a revised baseline: which rules changed, and what that does to real or generated cases.

What a policy team needs before publishing a revision (动态调整): ``rules`` lists violations, bands,
tiers, list items, facts and formulas added, removed or changed; ``impact`` counts, over a corpus,
the cases whose outcome, list item, tier or fine range changes, or whose outcome turns from shall into
may (应当 → 可以) or back (``mandatory``), by violation and outcome pair. Cases are compared row by
row in the corpus's order, whatever its index (a sorted or filtered frame).
A case that neither version can judge is invalid input (``RulesetDiff.invalid``), never a change; one
that only one version can judge (a violation or enum value dropped, say) is a change, ``invalid``.
Two rulesets with no violation in common are refused (no case could be compared); two different
rulesets that share some are compared with a warning (``RulesetDiff.warnings``).
Install with ``pip install "discretion[analysis]"`` for the impact part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .audit import RowProblems
from .compile import CompiledRuleset
from .errors import DiscretionError, Location

__all__ = ["RulesetDiff", "diff", "rule_changes"]

Change = dict[str, str]


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json", exclude_none=True) if hasattr(model, "model_dump") else model


def _compare(kind: str, old: Mapping[str, Any], new: Mapping[str, Any], owner: str = "") -> list[Change]:
    out: list[Change] = []
    for key in [*old, *(k for k in new if k not in old)]:
        ident = f"{owner}/{key}" if owner else key
        if key not in new:
            out.append({"kind": kind, "id": ident, "change": "removed", "detail": ""})
        elif key not in old:
            out.append({"kind": kind, "id": ident, "change": "added", "detail": ""})
        else:
            before, after = _dump(old[key]), _dump(new[key])
            if before != after:
                fields = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)) \
                    if isinstance(before, dict) and isinstance(after, dict) else []
                out.append({"kind": kind, "id": ident, "change": "changed", "detail": ", ".join(fields)})
    return out


def _by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {item.id: item for item in items}


def rule_changes(old: CompiledRuleset, new: CompiledRuleset) -> list[Change]:
    """Every added, removed or changed violation, band, tier, list item, fact, formula and parameter."""
    a, b = old.model, new.model
    changes = _compare("fact", a.facts, b.facts) + _compare("formula", _by_id(a.formulas), _by_id(b.formulas))
    if _dump(a.parameters) != _dump(b.parameters):
        changes.append({"kind": "parameters", "id": "parameters", "change": "changed", "detail": ""})
    for vid in [*a.violations, *(v for v in b.violations if v not in a.violations)]:
        if vid not in a.violations or vid not in b.violations:
            changes += _compare("violation", {vid: 1} if vid in a.violations else {},
                                {vid: 1} if vid in b.violations else {})
            continue
        va, vb = a.violations[vid], b.violations[vid]
        changes += _compare("band", _by_id(va.statutory.bands), _by_id(vb.statutory.bands), vid)
        changes += _compare("tier", _by_id(va.tiers), _by_id(vb.tiers), vid)
        rest_a = {k: v for k, v in _dump(va).items() if k not in ("tiers", "statutory")}
        rest_b = {k: v for k, v in _dump(vb).items() if k not in ("tiers", "statutory")}
        sa = {k: v for k, v in _dump(va.statutory).items() if k != "bands"}
        sb = {k: v for k, v in _dump(vb.statutory).items() if k != "bands"}
        changes += _compare("violation", {vid: {**rest_a, **sa}}, {vid: {**rest_b, **sb}})
    changes += _compare("list_item", _by_id(a.list_items), _by_id(b.list_items))
    return changes


@dataclass
class RulesetDiff(RowProblems):
    """Rules changed (``rules``), per-case results (``cases``) and their summary (``impact``).

    ``cases``: one row per case, numbered from 0 in the corpus's order: ``case_id`` (when given),
    ``violation``, ``old_outcome``/``new_outcome``, the fine ranges, ``old_rule``/``new_rule`` (list
    item or tier), ``changed`` (``outcome``, ``mandatory``, ``fine``, ``rule`` joined by ``+``, or
    ``invalid``; empty when nothing changed), ``old_error``/``new_error`` and
    ``old_mandatory``/``new_mandatory``. ``mandatory`` is a change only when the outcome stays (the same
    outcome, now 可以 where it was 应当, or back); a new outcome carries its own modality.

    ``invalid``: the problems of the cases neither version can judge (``row``, ``case_id``, ``column``,
    ``code``, ``message``), not counted as changes; ``warnings``: what the reader must know before
    trusting the figures (two different rulesets); ``source``: the file of cases read.
    """

    old: CompiledRuleset
    new: CompiledRuleset
    rules: Any
    cases: Any
    synthetic: bool
    invalid: Any = None
    warnings: list[str] = field(default_factory=list)
    source: str | None = None

    @property
    def impact(self) -> Any:
        """Cases per (violation, old outcome, new outcome, what changed), most frequent first."""
        changed = self.cases[self.cases["changed"] != ""]
        if not len(changed):
            return changed.iloc[:0][["violation", "old_outcome", "new_outcome", "changed"]].assign(cases=0)
        table = changed.groupby(["violation", "old_outcome", "new_outcome", "changed"], observed=True,
                                dropna=False).size().reset_index(name="cases")
        return table.sort_values("cases", ascending=False, kind="stable").reset_index(drop=True)

    @property
    def title(self) -> str:
        """``id: old → new`` versions, or both ids when the rulesets differ."""
        if self.old.id == self.new.id:
            return f"{self.old.id}: {self.old.version} → {self.new.version}"
        return f"{self.old.id} {self.old.version} → {self.new.id} {self.new.version}"

    @property
    def changed_cases(self) -> int:
        return int((self.cases["changed"] != "").sum())

    def to_html(self) -> str:
        from html import escape

        label = "<p><strong>合成数据 synthetic corpus</strong></p>" if self.synthetic else ""
        label += "".join(f"<p><strong>warning</strong>: {escape(w)}</p>" for w in self.warnings)
        invalid = f"; {self.invalid_rows} invalid, not compared" if self.invalid_rows else ""
        return (f"<div><h3>{escape(self.title)}</h3>{label}"
                f"<p>{self.changed_cases} of {len(self.cases)} cases change{invalid}</p>"
                f"<h4>规则变化 Rules</h4>{self.rules.to_html(index=False)}"
                f"<h4>影响 Impact</h4>{self.impact.to_html(index=False)}</div>")

    def _repr_html_(self) -> str:
        return self.to_html()


def diff(old: CompiledRuleset, new: CompiledRuleset, cases: Any = None, *, n: int = 2000, seed: int = 0,
         passthrough: Sequence[str] = ()) -> RulesetDiff:
    """Compare two versions; ``cases`` (a frame or file) or ``n`` synthetic cases of the violations both have.

    Columns of ``cases`` other than facts of either version, ids and ``recorded_*`` must be named in
    ``passthrough``: a misspelt fact is an error with a did-you-mean, never a fact left unknown.
    """
    import pandas as pd

    from . import synthetic as synth
    from .batch import evaluate_frame, read_frame
    from .batch.columns import PROBLEM_COLUMNS, row_problems, unknown_columns

    shared = [v for v in new.violations if v in old.violations]
    if not shared:
        raise DiscretionError(f"{old.id} (version {old.version}) and {new.id} (version {new.version}) have no "
                              "violation in common, so no case can be judged by both: diff compares two versions of "
                              "one ruleset",
                              code="nothing-in-common", location=Location(new.source))
    warnings = [] if old.id == new.id else [
        f"two different rulesets ({old.id} and {new.id}), not two versions of one; they share {len(shared)} of "
        f"{len(set(old.violations) | set(new.violations))} violations"]
    source = str(cases) if isinstance(cases, str | Path) else None
    corpus = synth.cases(new, n, seed, violations=shared) if cases is None else read_frame(cases)
    is_synthetic = cases is None or bool(corpus.attrs.get("synthetic"))
    unknown_columns(new, corpus.columns, passthrough, source=source, facts=old.schema)
    extra = [c for c in corpus.columns if c not in new.schema or c not in old.schema]
    before = evaluate_frame(old, corpus.drop(columns=[c for c in extra if c in new.schema]), passthrough=extra,
                            progress=False)
    after = evaluate_frame(new, corpus.drop(columns=[c for c in extra if c in old.schema]), passthrough=extra,
                           progress=False)
    # the corpus's rows are numbered from 0 (read_frame, synthetic.cases), and both results keep that index:
    # violations, ids and results line up row for row whatever index the caller's frame had
    rows = pd.DataFrame({"violation": corpus["violation"].astype(object) if "violation" in corpus else None,
                         "old_outcome": before["outcome"].astype(object),
                         "new_outcome": after["outcome"].astype(object),
                         "old_fine_min": before["fine_min"], "old_fine_max": before["fine_max"],
                         "new_fine_min": after["fine_min"], "new_fine_max": after["fine_max"],
                         "old_rule": before["list_item"].fillna(before["tier"]).astype(object),
                         "new_rule": after["list_item"].fillna(after["tier"]).astype(object)})
    ids = corpus["case_id"] if "case_id" in corpus.columns else None
    if ids is not None:
        rows.insert(0, "case_id", ids)
    old_mandatory = before["mandatory"].to_numpy(dtype=object, na_value=None)
    new_mandatory = after["mandatory"].to_numpy(dtype=object, na_value=None)
    what = []
    for o1, o2, a1, a2, b1, b2, r1, r2, m1, m2, e1, e2 in zip(
            rows["old_outcome"], rows["new_outcome"], rows["old_fine_min"], rows["new_fine_min"],
            rows["old_fine_max"], rows["new_fine_max"], rows["old_rule"], rows["new_rule"], old_mandatory,
            new_mandatory, before["error"], after["error"], strict=True):
        if isinstance(e1, str) or isinstance(e2, str):  # neither: invalid input; one: that version rejects it
            what.append("" if isinstance(e1, str) and isinstance(e2, str) else "invalid")
            continue
        # mandatory: the same outcome turned from shall into may (应当 → 可以) or back; a new outcome
        # brings its own modality, and is counted as the outcome's change
        parts = [name for name, changed in (("outcome", o1 != o2), ("mandatory", o1 == o2 and m1 != m2),
                                            ("fine", (a1, b1) != (a2, b2)),
                                            ("rule", r1 != r2 and not (r1 is None and r2 is None))) if changed]
        what.append("+".join(parts))
    rows["changed"] = what
    rows["old_error"], rows["new_error"] = before["error"], after["error"]
    rows["old_mandatory"], rows["new_mandatory"] = before["mandatory"], after["mandatory"]  # added last: the
    # columns before them keep their places
    both = before["error"].notna() & after["error"].notna()
    problems = row_problems(before["error"].where(both, None), ids) + row_problems(after["error"].where(both, None),
                                                                                     ids)
    invalid = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS)).drop_duplicates(["row", "column", "code",
                                                                                      "message"])
    invalid = invalid.sort_values("row", kind="stable").reset_index(drop=True)
    rules = pd.DataFrame(rule_changes(old, new), columns=["kind", "id", "change", "detail"])
    return RulesetDiff(old, new, rules, rows, is_synthetic, invalid, warnings, source)
