"""Loading rulesets: one malformed fixture per error code, each asserting file, line and message."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion.errors import RulesetError

from .conftest import FIXTURES, RULESETS

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
EXPECT = re.compile(r"# expect: (?P<code>[a-z0-9-]+) (?P<line>\d+)(?::(?P<col>\d+))? (?P<message>.+)")


def _expectation(path: Path) -> re.Match[str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path} starts with '# expect: code line[:col] message'"
    return match


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_fixture_reports_its_code_file_line_and_message(path: Path) -> None:
    expect = _expectation(path)
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    problems = info.value.problems
    found = [p for p in problems if p.code == expect["code"]]
    assert found, f"expected {expect['code']}, got {[str(p) for p in problems]}"
    problem = found[0]
    assert problem.location is not None and problem.location.path == str(path)
    assert problem.location.line == int(expect["line"]), str(problem)
    if expect["col"]:
        assert problem.location.column == int(expect["col"]), str(problem)
    assert expect["message"] in f"{problem.message} {problem.hint or ''}", str(problem)
    text = str(info.value)
    assert text.startswith(f"{path}:{expect['line']}"), text


def test_every_error_code_has_a_fixture() -> None:
    codes = {_expectation(p)["code"] for p in BROKEN}
    assert {"yaml-syntax", "duplicate-key", "unknown-key", "missing-key", "missing-citation", "unknown-fact",
            "type-error", "unknown-value", "unknown-violation", "expr-syntax", "expr-forbidden"} <= codes


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("days_late <= 10", "days_lat <= 10").replace("violation: v1", "violation: v9")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    assert {p.code for p in info.value.problems} == {"unknown-fact", "unknown-violation"}


def test_all_problems_are_reported_at_once_beside_structural_ones(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace("days_late <= 10", "days_lat <= 10").replace("violation: v1", "violation: v9")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("\ntitle:", "\ntitel:", 1), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    assert {p.code for p in info.value.problems} == {"missing-key", "unknown-key", "unknown-fact", "unknown-violation"}
    path.write_text(text, encoding="utf-8")  # the key mended: compiling reports the same two, word for word
    with pytest.raises(RulesetError) as again:
        discretion.load_ruleset(path)
    assert sorted(map(str, again.value.problems)) == sorted(
        str(p) for p in info.value.problems if p.code in ("unknown-fact", "unknown-violation"))


def test_structural_and_condition_problems_come_in_one_report(tmp_path: Path) -> None:
    """A misspelt key and a misspelt fact in a condition: both at once, each at its line, although the
    conditions of a file whose structure does not validate are read from its raw data."""
    text = (RULESETS / "tax" / "first-violation" / "ruleset.yaml").read_text(encoding="utf-8")
    text = text.replace("\ntitle:", "\ntitel:", 1).replace("- when: first_violation\n", "- when: first_violaton\n", 1)
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    codes = [p.code for p in info.value.problems]
    assert {"missing-key", "unknown-key", "unknown-fact"} <= set(codes), codes
    typo = next(p for p in info.value.problems if p.code == "unknown-fact")
    lines = text.splitlines()
    assert typo.location is not None and "first_violaton" in lines[typo.location.line - 1]
    assert typo.hint and "first_violation" in typo.hint
    # once the key is mended, compiling reports the same condition problems, word for word
    path.write_text(text.replace("\ntitel:", "\ntitle:", 1), encoding="utf-8")
    with pytest.raises(RulesetError) as again:
        discretion.load_ruleset(path)
    assert [str(p) for p in again.value.problems] == [str(p) for p in info.value.problems if p.code == "unknown-fact"]


def test_conditions_are_not_read_against_facts_that_do_not_validate(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    assert "type: days" in text
    text = text.replace("type: days", "type: dayz", 1).replace("days_late <= 10", "days_lat <= 10")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    assert "unknown-fact" not in {p.code for p in info.value.problems}  # no guess against broken facts


def test_the_raw_reading_of_conditions_finds_nothing_in_a_valid_ruleset() -> None:
    from discretion._yaml import parse_yaml
    from discretion.compile import condition_problems
    from discretion.loading import find_ruleset_files

    files = list(find_ruleset_files(RULESETS))
    assert len(files) > 40
    for file in files:
        document = parse_yaml(Path(file).read_bytes(), str(file))
        assert condition_problems(document.data, document.source, document.positions) == [], file


def test_the_raw_reading_of_conditions_says_what_compiling_says_on_every_bundled_ruleset() -> None:
    """Reading conditions from raw data walks the violations and list items again: it must find them
    all, at the same places and under the same rules. Each fact of its own that a bundled ruleset's
    conditions read has that fact's declaration renamed, one fact at a time; both readings then report the same
    condition problems (bands, their fines' only_if, tiers, criminal referrals, list items)."""
    import copy
    from collections import Counter

    from discretion._yaml import parse_yaml
    from discretion.compile import compile_ruleset, condition_problems
    from discretion.loading import find_ruleset_files
    from discretion.models.ruleset import Ruleset

    compared = 0
    for file in find_ruleset_files(RULESETS):
        document = parse_yaml(Path(file).read_bytes(), str(file))
        ruleset = discretion.load_ruleset(file)
        read = Counter(name for violation in ruleset.violations.values()
                       for _, cond in violation.keyed_conditions for name in cond.compiled.facts
                       if name in ruleset.model.facts)
        for name in read:  # one at a time
            data = copy.deepcopy(document.data)
            data["facts"] = {("renamed_" + k if k == name else k): v for k, v in data["facts"].items()}
            with pytest.raises(RulesetError) as info:
                compile_ruleset(Ruleset.model_validate(data), source=str(file), positions=document.positions)
            compiled = sorted(str(p) for p in info.value.problems if " in rule " in p.message)
            raw = sorted(str(p) for p in condition_problems(data, str(file), document.positions))
            assert compiled and raw == compiled, (file, name)
            compared += 1
        text = Path(file).read_text(encoding="utf-8")
        if "only_if: " in text:  # fines' conditions read standard facts only: make them read an unknown one
            document = parse_yaml(text.replace("only_if: ", "only_if: undeclared_fact and ").encode(), str(file))
            with pytest.raises(RulesetError) as info:
                compile_ruleset(Ruleset.model_validate(document.data), source=str(file), positions=document.positions)
            compiled = sorted(str(p) for p in info.value.problems if " in rule " in p.message)
            raw = sorted(str(p) for p in condition_problems(document.data, str(file), document.positions))
            assert compiled and raw == compiled, (file, "only_if")
            compared += 1
    assert compared > 100


def test_alias_bomb_is_refused_with_its_own_code(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    assert info.value.problems[0].code == "yaml-too-large"


def test_file_size_limit_has_its_own_code(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"note: '" + b"x" * (6 * 1024 * 1024) + b"'\n")
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    assert info.value.problems[0].code == "file-too-large"


def test_non_utf8_file_is_refused_with_a_line(tmp_path: Path) -> None:
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: x\ntitle: 税务\n".encode("gbk"))
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(path)
    problem = info.value.problems[0]
    assert problem.code == "encoding" and problem.location is not None and problem.location.line == 2


def test_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path: Path) -> None:
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace("\n", "\r\n")
    path = tmp_path / "ruleset.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert discretion.load_ruleset(path).id == "test.minimal"


def test_yes_no_stay_text_and_decimals_stay_exact() -> None:
    from decimal import Decimal

    from discretion._yaml import parse_yaml

    data = parse_yaml("a: yes\nb: 1.10\nc: 2021-04-01\nd: '2000'\ne: null\n", "t.yaml").data
    assert data["a"] == "yes" and data["b"] == Decimal("1.10") and str(data["c"]) == "2021-04-01"
    assert data["d"] == "2000" and data["e"] is None


def test_nan_and_infinity_are_refused() -> None:
    from discretion._yaml import parse_yaml

    with pytest.raises(RulesetError) as info:
        parse_yaml("max: .nan\n", "t.yaml")
    assert info.value.problems[0].code == "yaml-number"


def test_missing_file_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(RulesetError) as info:
        discretion.load_ruleset(tmp_path / "nope.yaml")
    assert info.value.problems[0].code == "file-unreadable"


def test_folder_loads_its_ruleset_yaml() -> None:
    assert discretion.load_ruleset(RULESETS / "tax" / "first-violation").id == "cn.tax.first-violation"


def test_content_hash_is_the_sha256_of_the_file() -> None:
    import hashlib

    path = RULESETS / "tax" / "first-violation" / "ruleset.yaml"
    assert discretion.load_ruleset(path).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_merge_keys_copy_and_explicit_keys_win() -> None:
    rs = discretion.load_ruleset(RULESETS / "tax" / "first-violation")
    items = {item.id: item for item in rs.model.list_items}
    assert items["tax-fv-02"].violation == "books" and items["tax-fv-02"].kind.value == "no_penalty"
    assert items["tax-fv-01"].violation == "bank-accounts"


def test_a_condition_seen_before_still_fails_with_its_own_file_line_and_column(tmp_path: Path) -> None:
    """Parsed conditions are reused by text within a process; errors are never reused: each file says where."""
    text = (FIXTURES / "minimal.yaml").read_text(encoding="utf-8")
    assert "days_late <= 10" in text
    broken = text.replace("days_late <= 10", "days_late <= = 10")
    places = []
    for name, prefix in (("a.yaml", ""), ("b.yaml", "# moved down a line\n")):
        path = tmp_path / name
        path.write_text(prefix + broken, encoding="utf-8")
        with pytest.raises(RulesetError) as info:
            discretion.load_ruleset(path)
        problem = next(p for p in info.value.problems if p.code == "expr-syntax")
        assert problem.location is not None and problem.location.path == str(path)
        places.append((problem.location.line, problem.location.column))
    assert places[1] == (places[0][0] + 1, places[0][1])
    good = tmp_path / "ruleset.yaml"  # the same text, valid, still loads after the failures
    good.write_text(text, encoding="utf-8")
    assert discretion.load_ruleset(good).id == "test.minimal"


def test_a_limit_met_while_building_yields_to_an_error_in_the_text_after_it() -> None:
    """The text is checked as a whole (syntax, tags, nesting) before a building limit is reported."""
    from discretion._yaml import Limits, parse_yaml

    small = Limits(max_nodes=20)
    long_list = "a: [" + ", ".join(["1"] * 30) + "]\n"
    with pytest.raises(RulesetError) as info:
        parse_yaml(long_list, "t.yaml", limits=small)
    assert [p.code for p in info.value.problems] == ["yaml-too-large"]
    for after, code, line in (("b: [1, 2\n", "yaml-syntax", 3), ("b: !!str x\n", "yaml-syntax", 2),
                              ("b: *nowhere\n", "yaml-syntax", 2), ("---\nb: 1\n", "yaml-syntax", 2)):
        with pytest.raises(RulesetError) as info:
            parse_yaml(long_list + after, "t.yaml", limits=small)
        problem = info.value.problems[0]
        assert (problem.code, problem.location and problem.location.line) == (code, line), str(problem)
    with pytest.raises(RulesetError) as info:
        parse_yaml(long_list + "b: " + "[" * 70 + "]" * 70 + "\n", "t.yaml", limits=small)
    assert info.value.problems[0].code == "yaml-too-deep"


def test_positions_are_kept_through_anchors_aliases_and_merges() -> None:
    from discretion._yaml import parse_yaml

    doc = parse_yaml("base: &b {p: 1, q: [x, y]}\nchild:\n  <<: *b\n  q: z\nother: *b\n", "t.yaml")
    assert doc.data == {"base": {"p": 1, "q": ["x", "y"]}, "child": {"q": "z", "p": 1},
                        "other": {"p": 1, "q": ["x", "y"]}}
    assert doc.positions.keys[("child", "q")] == (4, 3)
    assert doc.positions.values[("child", "q")] == (4, 6, None)
    assert doc.positions.keys[("child", "p")] == (1, 11)  # where the merged key was written
    assert doc.positions.values[("other", "q", 1)] == (1, 24, None)


def test_loading_a_registry_does_not_import_the_evaluation_pipeline() -> None:
    """Loading is the first stage: a fresh process that only loads does not pay for evaluation's imports
    (nor for the output models, which only evaluation builds, nor for the case model: the values a
    ruleset's facts imply are checked by ``fact_values``)."""
    import subprocess
    import sys

    code = ("import sys; from discretion.registry import load_all; found, problems = load_all(sys.argv[1]); "
            "assert found and not problems, problems[:3]; "
            "print(sorted(m for m in ('discretion.evaluate', 'discretion.law', 'discretion.render', "
            "'discretion.models.outcome', 'discretion.models.jurisdiction', 'discretion.case') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(RULESETS / "tax")], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_the_models_package_names_every_model_it_imports_lazily() -> None:
    import discretion.models as models

    assert models.__all__ == sorted(models._WHERE)
    for name in models.__all__:
        assert getattr(models, name) is getattr(__import__(f"discretion.models{models._WHERE[name]}",
                                                           fromlist=[name]), name)


def test_a_condition_is_checked_once_per_text_and_types_of_the_facts_it_reads() -> None:
    """Compiled conditions are shared by text and the types of the facts read; a change of type or a
    failure is never answered from what was kept."""
    from discretion.compile import checked_condition
    from discretion.expr import ExprTypeError, FactType

    days = {"days_late": FactType("days"), "other": FactType("bool")}
    first = checked_condition("days_late <= 10", days)
    assert checked_condition("days_late <= 10", {"days_late": FactType("days")}) is first
    as_bool = {"days_late": FactType("bool")}
    with pytest.raises(ExprTypeError):
        checked_condition("days_late <= 10", as_bool)
    with pytest.raises(ExprTypeError):  # again: failures are not kept
        checked_condition("days_late <= 10", as_bool)
    assert checked_condition("days_late <= 10", {"days_late": FactType("integer")}) is not first
    with pytest.raises(ExprTypeError) as info:
        checked_condition("days_lat <= 10", days)
    assert info.value.code == "unknown-fact" and "days_late" in (info.value.hint or "")


def test_scalars_keep_their_type_style_and_position_in_mappings_and_lists() -> None:
    from datetime import date
    from decimal import Decimal

    from discretion._yaml import Limits, parse_yaml

    text = "a: 12\nb: '12'\nc: ! 12\nd: |\n  x\ne: [1.5, \"2\", 2021-04-01]\nf: {g: no, h: ~}\n"
    doc = parse_yaml(text, "t.yaml")
    assert doc.data == {"a": 12, "b": "12", "c": 12, "d": "x\n", "e": [Decimal("1.5"), "2", date(2021, 4, 1)],
                        "f": {"g": "no", "h": None}}
    values = doc.positions.values
    assert values[("a",)] == (1, 4, None) and values[("b",)] == (2, 4, "'") and values[("d",)] == (4, 4, "|")
    assert values[("e", 1)] == (6, 10, '"') and values[("f", "h")] == (7, 15, None)
    with pytest.raises(RulesetError) as info:
        parse_yaml("a: 'long'\n", "t.yaml", limits=Limits(max_scalar_chars=3))
    assert info.value.problems[0].code == "yaml-value-too-long"
    with pytest.raises(RulesetError) as info:
        parse_yaml("a: {b: {c: 1}}\n", "t.yaml", limits=Limits(max_depth=2))
    assert info.value.problems[0].code == "yaml-too-deep"


def test_a_single_statutory_fine_becomes_a_default_band_as_if_validated() -> None:
    from discretion.models import Band, Statutory

    statutory = Statutory.model_validate({"types": ["fine"], "fine": {"max": 2000}})
    band = statutory.bands[0]
    assert band == Band(id="default", fine=statutory.bands[0].fine)
    assert band.model_fields_set == {"id", "fine"} and statutory.fine is None


def test_conditions_are_not_checked_against_facts_that_are_not_a_mapping(tmp_path: Path) -> None:
    """'facts: [...]' is a structural error; the conditions are not reported as reading undeclared facts."""
    text = (RULESETS / "tax" / "first-violation" / "ruleset.yaml").read_text(encoding="utf-8")
    start = text.index("\nfacts:\n") + 1
    end = text.index("\nviolations:")
    broken = text[:start] + "facts: [not, a, mapping]" + text[end:]
    with pytest.raises(RulesetError) as caught:
        discretion.load_ruleset_text(broken, source="x.yaml")
    codes = {p.code for p in caught.value.problems}
    assert "unknown-fact" not in codes and codes, [str(p) for p in caught.value.problems]


def test_positions_are_read_only_when_a_location_is_asked_for_and_then_are_exact() -> None:
    """A clean file is read once, without positions; the first location asked for reads it again. Every
    violation's, band's, tier's and list item's location is the one an eager reading gives for the path
    the file has (a single statutory fine or a list of bands), also after pickling."""
    import pickle

    from discretion._yaml import parse_yaml
    from discretion.loading import find_ruleset_files

    shapes = set()
    for file in find_ruleset_files(RULESETS):
        text = file.read_bytes()
        lazy, eager = parse_yaml(text, str(file)), parse_yaml(text, str(file), positions=True)
        assert lazy.data == eager.data
        assert lazy.positions._maps is None  # nothing worked out yet
        assert (lazy.positions.keys, lazy.positions.values) == (eager.positions.keys, eager.positions.values)
        ruleset = discretion.load_ruleset(file)
        assert ruleset.positions._maps is None, file  # loading and compiling a clean file never needed them

        def at(path: tuple[str | int, ...], file: Path = file, eager: Any = eager) -> Any:
            return eager.positions.locate(str(file), path)

        for compiled in (ruleset, pickle.loads(pickle.dumps(ruleset))):
            for vid, violation in compiled.violations.items():
                base = ("violations", vid)
                assert violation.location == at(base)
                written = eager.data["violations"][vid]["statutory"]
                shapes.add("bands" in written)
                for index, band in enumerate(violation.bands):
                    path = (*base, "statutory", "bands", index) if "bands" in written else (*base, "statutory", "fine")
                    assert band.location == at(path), (file, vid, band.model.id)
                for index, tier in enumerate(violation.tiers):
                    assert tier.location == at((*base, "tiers", index))
            items = [item for violation in compiled.violations.values() for item in violation.items]
            for item in items:
                assert item.location == at(("list_items", compiled.model.list_items.index(item.model)))
    assert shapes == {True, False}  # both ways of writing the statutory fine were met


def test_a_duplicate_key_found_while_reading_without_positions_names_its_first_line() -> None:
    from discretion._yaml import parse_yaml

    with pytest.raises(RulesetError) as info:
        parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n", "t.yaml")
    problem = info.value.problems[0]
    assert problem.code == "duplicate-key" and "(first at line 3)" in problem.message
    assert (problem.location.line, problem.location.column) == (4, 3) if problem.location else False


@pytest.mark.parametrize("text", ["format: 1\nid: x\n\tfoo: 1\n", "format: 1\nfacts:\n  a:\n\ttype: bool\n"])
def test_a_tab_used_to_indent_is_named_in_the_hint(text: str) -> None:
    with pytest.raises(discretion.RulesetError) as info:
        discretion.load_ruleset_text(text, source="tabs.yaml")
    [problem] = info.value.problems
    assert problem.code == "yaml-syntax"
    assert problem.hint == "this line is indented with a tab: YAML indents with spaces only"
    assert (problem.location.line, problem.location.column) == (text.count("\n", 0, text.index("\t")) + 1, 1)
