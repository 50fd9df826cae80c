"""Ruleset mistakes that once loaded and then crashed every evaluation, or were silently ignored: each is
refused (or reported) at load, located at file:line:col and naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

import discretion
from discretion.errors import Problem, RulesetError

BASE = """\
format: 1
id: cn.test.mistakes
title: {zh: 测试, en: test}
department: tax
issuer: 国家税务总局
document: 国家税务总局公告2021年第6号
jurisdiction: CN
version: "2022.1"
published: 2021-03-31
effective: 2021-04-01
status: partial
draft: false
sources:
  - {id: s1, title: 来源, issuer: 国家税务总局, url: example.gov.cn, status: verified}
facts:
  scope:
    type: enum
    zh: 经营环节
    values:
      retail: {zh: 零售, en: retail}
      catering: {zh: 餐饮, en: catering}
    default: retail
  flag: {type: bool, zh: 标志, default: true}
  n: {type: integer, zh: 数, min: 0, max: 10, default: 0}
formulas:
  - id: f1
    citation: {law: 某法, article: 2}
    percent_of_range: {lighter: [0, 30], standard: [30, 70], heavier: [70, 100]}
violations:
  v:
    title: {zh: 测试}
    penalty_basis: [{law: 某法, version: 2020-01-01, article: 1}]
    formula: f1
    statutory:
      types: [fine]
      fine: {min: 100, max: 1000}
    tiers:
      - {id: light, outcome: lighter, when: "n < 3", fine: {min: 100, max: 300}}
      - {id: heavy, outcome: heavier, when: "n >= 3"}
list_items:
  - id: item1
    kind: lighter
    violation: v
    when: "not flag"
    fine: {min: 100, max: 200}
    basis: {document: 国家税务总局公告2021年第6号, item: 3}
"""


def _load(tmp_path: Path, old: str, new: str) -> discretion.CompiledRuleset:
    assert BASE.count(old) == 1, old
    path = tmp_path / "ruleset.yaml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    return discretion.load_ruleset(path)


def _problems(tmp_path: Path, old: str, new: str) -> list[Problem]:
    with pytest.raises(RulesetError) as info:
        _load(tmp_path, old, new)
    return info.value.problems


def _one(problems: list[Problem], code: str, tmp_path: Path, line_text: str, old: str, new: str) -> Problem:
    """The problem of that code, located on the line holding line_text in the changed file."""
    found = [p for p in problems if p.code == code]
    assert found, [str(p) for p in problems]
    problem = found[0]
    text = BASE.replace(old, new)
    line = next(i for i, line in enumerate(text.split("\n"), 1) if line_text in line)
    assert problem.location is not None and problem.location.path == str(tmp_path / "ruleset.yaml")
    assert problem.location.line == line, str(problem)
    return problem


def test_the_base_ruleset_loads_and_evaluates(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, "draft: false", "draft: false")
    tiers = [discretion.evaluate(ruleset, {"violation": "v", "facts": {"n": n}}).tier for n in (0, 5)]
    assert tiers == ["light", "heavy"]


# 1. a fact's default is checked against the fact's type

@pytest.mark.parametrize(("old", "new", "found"), [
    ("    default: retail", "    default: wholesale", "wholesale"),
    ("zh: 标志, default: true", "zh: 标志, default: maybe", "maybe"),
    ("max: 10, default: 0", "max: 10, default: \"abc\"", "abc"),
    ("max: 10, default: 0", "max: 10, default: 11", "11"),
])
def test_a_default_that_is_not_a_value_of_its_fact_is_refused(tmp_path: Path, old: str, new: str,
                                                              found: str) -> None:
    problems = _problems(tmp_path, old, new)
    problem = _one(problems, "type-error", tmp_path, new.strip(), old, new)
    assert "default" in problem.message and found in problem.message, str(problem)


def test_a_bad_default_is_reported_beside_structural_problems(tmp_path: Path) -> None:
    text = BASE.replace("    title: {zh: 测试}\n", "    title: {zh: 测试}\n    colour: red\n")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("    default: retail", "    default: wholesale"), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    problems = info.value.problems
    assert {"unknown-key", "type-error"} <= {p.code for p in problems}, [str(p) for p in problems]


# 2. a formula's percentages follow the rule of a tier's percent

@pytest.mark.parametrize(("old", "new", "message"), [
    ("heavier: [70, 100]", "heavier: [100, 60]", "low <= high"),
    ("heavier: [70, 100]", "heavier: [70, 120]", "100"),
    ("lighter: [0, 30]", "lighter: [-5, 30]", "0"),
])
def test_a_formula_percent_pair_out_of_order_or_range_is_refused_at_its_key(tmp_path: Path, old: str, new: str,
                                                                            message: str) -> None:
    problems = _problems(tmp_path, old, new)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    _one(problems, problem.code, tmp_path, new, old, new)
    assert problem.location is not None
    column = BASE.replace(old, new).split("\n")[problem.location.line - 1].index(new.split(":")[0]) + 1
    assert problem.location.column >= column, str(problem)  # the key, or the number out of range
    assert message in problem.message, str(problem)


def test_a_tier_percent_out_of_order_is_refused_at_its_percent(tmp_path: Path) -> None:
    old, new = "fine: {min: 100, max: 300}}", "fine: {percent: [60, 20]}}"
    problems = _problems(tmp_path, old, new)
    problem = _one(problems, "invalid-value", tmp_path, new, old, new)
    assert "low <= high" in problem.message and "percent" in problem.message, str(problem)


# 3. only_if belongs to a statutory fine: a tier or list item says when it applies with `when`

ONLY_IF = [
    ("fine: {min: 100, max: 300}}", "fine: {min: 100, max: 300, only_if: flag}}"),
    ("fine: {min: 100, max: 300}}", "fine: {min: 100, max: 300, only_if: undeclared_fact}}"),
    ("    fine: {min: 100, max: 200}\n", "    fine: {min: 100, max: 200, only_if: flag}\n"),
]


@pytest.mark.parametrize(("old", "new"), ONLY_IF)
def test_only_if_on_a_tier_or_list_item_fine_is_refused_at_the_only_if(tmp_path: Path, old: str, new: str) -> None:
    problems = _problems(tmp_path, old, new)
    problem = _one(problems, "misplaced-key", tmp_path, new.strip(), old, new)
    assert "statutory fine" in problem.message and "when" in problem.message, str(problem)
    assert problem.location is not None
    line = BASE.replace(old, new).split("\n")[problem.location.line - 1]
    assert problem.location.column == line.index("only_if") + 1, str(problem)


@pytest.mark.parametrize(("old", "new"), ONLY_IF)
def test_only_if_on_a_tier_or_list_item_fine_is_refused_beside_structural_problems(tmp_path: Path, old: str,
                                                                                    new: str) -> None:
    text = BASE.replace(old, new).replace("    title: {zh: 测试}\n", "    title: {zh: 测试}\n    colour: red\n")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    codes = [p.code for p in info.value.problems]
    assert "unknown-key" in codes and codes.count("misplaced-key") == 1, [str(p) for p in info.value.problems]


@pytest.mark.parametrize(("old", "new"), ONLY_IF)
def test_only_if_misplaced_is_found_alike_on_the_raw_data_and_when_compiling(old: str, new: str) -> None:
    """The rule is read twice (compile._raw_misplaced for a file whose structure fails, _Compiler._fine
    otherwise): both readings report the same problems, word for word."""
    from discretion._yaml import parse_yaml
    from discretion.compile import compile_ruleset, condition_problems
    from discretion.models.ruleset import Ruleset

    document = parse_yaml(BASE.replace(old, new), "r.yaml")
    with pytest.raises(RulesetError) as info:
        compile_ruleset(Ruleset.model_validate(document.data), source="r.yaml", positions=document.positions)
    compiled = [str(p) for p in info.value.problems if p.code == "misplaced-key"]
    raw = [str(p) for p in condition_problems(document.data, "r.yaml", document.positions) if p.code == "misplaced-key"]
    assert compiled and raw == compiled


def test_only_if_on_a_statutory_fine_is_still_honoured(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, "fine: {min: 100, max: 1000}", "fine: {min: 100, max: 1000, only_if: flag}")
    record = discretion.evaluate(ruleset, {"violation": "v", "facts": {"n": 5, "flag": False}})
    assert record.fine is None


# 4. yes-or-no fields take only true or false; money is written in plain digits

@pytest.mark.parametrize(("old", "new"), [
    ("draft: false", "draft: yes"),
    ("draft: false", "draft: no"),
    ("draft: false", "draft: 1"),
    ("draft: false", 'draft: "true"'),
    ("      types: [fine]\n", "      types: [fine]\n      order_correction: yes\n"),
    ("      types: [fine]\n", "      types: [fine]\n      confiscate_illegal_gains: on\n"),
])
def test_a_yes_or_no_field_takes_only_true_or_false(tmp_path: Path, old: str, new: str) -> None:
    problems = _problems(tmp_path, old, new)
    assert len(problems) == 1, [str(p) for p in problems]
    key, value = new.strip().split("\n")[-1].strip().split(": ")
    problem = _one(problems, "invalid-value", tmp_path, f"{key}: {value}", old, new)
    assert key in problem.message and "true or false" in problem.message, str(problem)
    assert problem.location is not None
    line = BASE.replace(old, new).split("\n")[problem.location.line - 1]
    assert problem.location.column == line.index(key) + 1, str(problem)


def test_true_and_false_still_load(tmp_path: Path) -> None:
    ruleset = _load(tmp_path, "draft: false", "draft: true")
    assert ruleset.model.draft is True


@pytest.mark.parametrize("amount", ["5.0e2", "5e2", "1E+3"])
def test_money_in_exponent_notation_is_refused(tmp_path: Path, amount: str) -> None:
    old, new = "fine: {min: 100, max: 1000}", f"fine: {{min: 100, max: {amount}}}"
    problems = _problems(tmp_path, old, new)
    assert len(problems) == 1, [str(p) for p in problems]
    problem = _one(problems, "invalid-value", tmp_path, new, old, new)
    assert "max" in problem.message and "exponent" in problem.message, str(problem)


def test_money_given_by_a_program_in_exponent_form_is_plain() -> None:
    from decimal import Decimal

    from discretion.models import Fine

    fine = Fine(min=Decimal("1E+2"), max=Decimal("5.0E+2"))
    assert (str(fine.min), str(fine.max)) == ("100", "500")


# 5. a waiver names a check that exists, and a subject it finds

def _with_waiver(waiver: str) -> tuple[str, str]:
    return "list_items:\n", f"waivers:\n  - {waiver}\nlist_items:\n"


def test_a_waiver_of_an_unknown_check_is_refused_with_did_you_mean(tmp_path: Path) -> None:
    old, new = _with_waiver("{check: unused-fakt, subject: scop, reason: the source says so itself}")
    problems = _problems(tmp_path, old, new)
    problem = _one(problems, "unknown-check", tmp_path, "check: unused-fakt", old, new)
    assert "unused-fakt" in problem.message and problem.hint == "did you mean 'unused-fact'?", str(problem)
    assert problem.location is not None and problem.location.column == 6, str(problem)


def test_a_waiver_of_an_unknown_check_is_refused_beside_structural_problems(tmp_path: Path) -> None:
    old, new = _with_waiver("{check: tier-gapp, reason: the source says so itself}")
    text = BASE.replace(old, new).replace("    title: {zh: 测试}\n", "    title: {zh: 测试}\n    colour: red\n")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    problems = {p.code: p for p in info.value.problems}
    assert "unknown-key" in problems and problems["unknown-check"].hint == "did you mean 'tier-gap'?"


def test_every_code_the_static_checks_produce_can_be_waived_and_no_other() -> None:
    import re

    from discretion.checks import static
    from discretion.models.ruleset import FINDING_CODES

    source = Path(static.__file__).read_text(encoding="utf-8")
    produced = set(re.findall(r'Finding\("([a-z-]+)"', source))
    across_files = {"duplicate-id", "version-overlap", "version-id-mismatch"}  # check_versions: not waivable
    assert produced - across_files - {"property-waived", "stale-waiver"} == set(FINDING_CODES)


def _findings(tmp_path: Path, waiver: str) -> list[discretion.checks.static.Finding]:
    from discretion.checks.static import check

    old, new = _with_waiver(waiver)
    return check(_load(tmp_path, old, new))


@pytest.mark.parametrize("waiver", [
    "{check: unused-fact, subject: scop, reason: the source says so itself}",  # no finding for that subject
    "{check: tier-overlap, reason: the source says so itself}",  # no finding of that code at all
    "{check: monotone, subject: scop, reason: the source says so itself}",  # a property, for no declared fact
])
def test_a_waiver_that_waives_nothing_is_a_warning_at_the_waiver(tmp_path: Path, waiver: str) -> None:
    stale = [f for f in _findings(tmp_path, waiver) if f.code == "stale-waiver"]
    assert len(stale) == 1, stale
    finding = stale[0]
    assert finding.severity.value == "warning" and finding.location is not None
    line = BASE.replace(*_with_waiver(waiver)).split("\n").index(f"  - {waiver}") + 1
    assert finding.location.line == line, str(finding)
    if "scop" in waiver:
        assert finding.hint == "did you mean 'scope'?", str(finding)


def test_a_waiver_that_waives_a_finding_is_not_stale(tmp_path: Path) -> None:
    from discretion.checks.static import check

    unused = [f for f in check(_load(tmp_path, "draft: false", "draft: false")) if f.code == "unused-fact"]
    assert [f.subject for f in unused] == ["scope"] and unused[0].severity.value == "warning"
    for subject in ("", "subject: scope, "):
        findings = _findings(tmp_path, f"{{check: unused-fact, {subject}reason: the source says so itself}}")
        assert not [f for f in findings if f.code == "stale-waiver"], [str(f) for f in findings]
        assert [f.severity.value for f in findings if f.code == "unused-fact"] == ["info"]


# an empty single condition (a band's 'when', a statutory fine's 'only_if') was a raw pydantic error

BANDS = ("      bands:\n        - {{id: s, when: {when}, fine: {{min: 500, max: 1000}}}}\n"
         "        - {{id: o, fine: {{min: 100, max: 500}}}}")


@pytest.mark.parametrize(("old", "new", "line_text"), [
    ("      fine: {min: 100, max: 1000}", BANDS.format(when='""'), "id: s, when"),
    ("      fine: {min: 100, max: 1000}", BANDS.format(when='"   "'), "id: s, when"),
    ("      fine: {min: 100, max: 1000}", "      fine: {min: 100, max: 1000, only_if: \"\"}", "only_if"),
])
def test_an_empty_single_condition_is_a_located_error(tmp_path: Path, old: str, new: str, line_text: str) -> None:
    problem = _one(_problems(tmp_path, old, new), "expr-syntax", tmp_path, line_text, old, new)
    assert "non-empty" in problem.message, str(problem)


# a fine's counted fact is located under the name it is written with (per_unit/per_day, units/days)

@pytest.mark.parametrize(("new", "line_text"), [
    ("      fine:\n        per_unit: {amount_of: nope}\n        units: n", "amount_of: nope"),
    ("      fine:\n        per_day: {amount_of: nope}\n        days: n", "amount_of: nope"),
    ("      fine:\n        per_unit: {min: 1, max: 2}\n        units: nope", "units: nope"),
    ("      fine:\n        per_day: {min: 1, max: 2}\n        days: nope", "days: nope"),
])
def test_a_fines_unknown_counted_fact_is_located_where_it_is_written(tmp_path: Path, new: str, line_text: str) -> None:
    old = "      fine: {min: 100, max: 1000}"
    problem = _one(_problems(tmp_path, old, new), "unknown-fact", tmp_path, line_text, old, new)
    assert "nope" in problem.message, str(problem)


# expires before effective, duplicate tier ids, an unknown key in a citation: located at what is wrong

def test_expires_before_effective_is_located_at_expires_and_names_it(tmp_path: Path) -> None:
    old, new = "effective: 2021-04-01\n", "effective: 2021-04-01\nexpires: 2021-03-01\n"
    problem = _one(_problems(tmp_path, old, new), "invalid-value", tmp_path, "expires:", old, new)
    assert problem.message.startswith("expires: ") and "'expires' (2021-03-01) must come after 'effective'" in \
        problem.message, str(problem)


def test_a_duplicate_tier_id_is_located_at_the_second_tier(tmp_path: Path) -> None:
    old, new = "{id: heavy, outcome: heavier", "{id: light, outcome: heavier"
    problem = _one(_problems(tmp_path, old, new), "duplicate-id", tmp_path, new, old, new)
    assert "tier id 'light' is used twice (first as tier 1)" in problem.message, str(problem)



def test_a_duplicate_band_id_is_located_at_the_second_band(tmp_path: Path) -> None:
    old = "      fine: {min: 100, max: 1000}"
    new = ("      bands:\n        - {id: s, when: \"n >= 3\", fine: {min: 500, max: 1000}}\n"
           "        - {id: s, fine: {min: 100, max: 500}}")
    problem = _one(_problems(tmp_path, old, new), "duplicate-id", tmp_path, "- {id: s, fine:", old, new)
    assert "band id 's' is used twice (first as band 1)" in problem.message, str(problem)

def test_an_unknown_key_in_a_violations_citation_has_did_you_mean(tmp_path: Path) -> None:
    old, new = "version: 2020-01-01, article: 1}", "version: 2020-01-01, article: 1, itme: 2}"
    problem = _one(_problems(tmp_path, old, new), "unknown-key", tmp_path, new, old, new)
    assert problem.hint == "did you mean 'item'?", str(problem)
