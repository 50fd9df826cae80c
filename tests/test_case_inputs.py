"""Bad case input at the boundary: each a CaseError naming the field, never a raw exception from inside,
never silently accepted; and what is accepted keeps its exact value (money in fen, dates as dates)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion import CaseError, RegistryError
from discretion.case import months_before
from discretion.cli import main

from .conftest import RULESETS

TAX = RULESETS / "tax" / "first-violation"


@pytest.fixture(scope="module")
def tax() -> discretion.CompiledRuleset:
    return discretion.load_ruleset(TAX)


def problems(ruleset: discretion.CompiledRuleset, case: Any) -> list[str]:
    """Each problem of a refused case as text, checked to be UTF-8 (a message must survive JSON out)."""
    with pytest.raises(CaseError) as info:
        discretion.evaluate(ruleset, case)
    out = [str(p) for p in info.value.problems]
    for text in out:
        text.encode("utf-8")
    return out


def test_a_look_back_window_reaching_before_year_1_starts_the_calendar() -> None:
    labour = discretion.load_ruleset(RULESETS / "labour" / "beijing-minor-v1")
    rec = discretion.evaluate(labour, {"violation": "unlicensed-job-agency",
                                       "facts": {"act_date": "0001-03-01", "prior_violations": []}})
    assert rec.facts["first_violation"] is True
    shanxi = discretion.load_ruleset(RULESETS / "environment" / "shanxi-2025")  # anchored on discovery
    rec = discretion.evaluate(shanxi, {"violation": "dust-materials", "facts": {
        "discovery_date": "0001-06-01", "act_date": "0001-01-01",
        "prior_violations": [{"date": "0001-01-01", "violation": "dust-materials"}]}})
    assert rec.facts["prior_violation_count"] == 1 and rec.facts["first_violation"] is False
    assert months_before(date(1, 3, 1), 24) is None and months_before(date(2, 3, 1), 12) == date(1, 3, 1)
    assert months_before(date(2024, 3, 31), 1) == date(2024, 2, 29)


def test_a_notice_in_the_calendars_last_days_has_a_deadline_without_a_due_date(tax: Any) -> None:
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"notice_date": "9999-12-31"}})
    (deadline,) = [d for d in rec.deadlines if d.code == "hearing_request"]
    assert deadline.starts == date(9999, 12, 31) and deadline.due is None and "9999-12-31" in (deadline.note or "")
    json.loads(rec.model_dump_json())
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"notice_date": "2024-03-01"}})
    (deadline,) = [d for d in rec.deadlines if d.code == "hearing_request"]
    assert deadline.due == date(2024, 3, 8) and deadline.note == "weekends skipped; statutory holidays not loaded"


@pytest.mark.parametrize("value", [Decimal("1e999999999"), Decimal("-1e999999999"), Decimal("1e100000"),
                                   Decimal("1E+16"), Decimal("1e-999999999")])
def test_an_integer_fact_of_any_exponent_is_a_case_error(tax: Any, value: Decimal) -> None:
    (problem,) = problems(tax, {"violation": "late-filing", "facts": {"age_at_act": value}})
    assert problem.startswith("facts.age_at_act: invalid-fact")


def test_zero_with_a_huge_exponent_is_zero(tax: Any) -> None:
    facts = {"prior_violation_count": Decimal("0E+999999")}
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": facts})
    assert rec.facts["prior_violation_count"] == 0


def test_a_huge_exponent_from_json_text_and_the_command_line_is_a_case_error(tax: Any, tmp_path: Path) -> None:
    text = '{"violation": "late-filing", "facts": {"age_at_act": 1e1000000}}'
    (problem,) = problems(tax, text)
    assert problem.startswith("facts.age_at_act: invalid-fact")
    case = tmp_path / "case.json"
    case.write_text(text, encoding="utf-8")
    err = io.StringIO()
    assert main(["evaluate", str(TAX), str(case)], out=io.StringIO(), err=err) == 2
    assert "facts.age_at_act: invalid-fact" in err.getvalue()


@pytest.mark.parametrize(("case", "field"), [
    ({"id": "\ud800", "violation": "late-filing", "facts": {}}, "id"),
    ({"id": "案\udfff", "violation": "late-filing", "facts": {"harm": "minor"}}, "id"),
    ({"violation": "late-\ud800", "facts": {}}, "violation"),
    ({"violations": ["late-filing", "\udc80"], "facts": {}}, "violations"),
    ({"violation": "late-filing", "facts": {"ha\ud800rm": "minor"}}, "facts.ha\\ud800rm"),
    ({"violation": "late-filing", "facts": {"\ud800": None}}, "facts.\\ud800"),
    ({"violation": "late-filing", "facts": {"harm": "min\ud800or"}}, "facts.harm"),
    ({"violation": "late-filing", "facts": {"prior_violations": [{"date": "2024-01-01", "\ud800": 1}]}},
     "facts.prior_violations"),
    ('{"id": "\\ud800", "violation": "late-filing", "facts": {}}', "id"),
    ('{"violation": "late-filing", "facts": {"harm": "\\udfff"}}', "facts.harm"),
])
def test_text_with_a_lone_surrogate_is_a_case_error_naming_the_field(tax: Any, case: Any, field: str) -> None:
    found = problems(tax, case)
    assert any(p.startswith(f"{field}:") or f": {field}:" in p for p in found), found


def test_a_lone_surrogate_in_the_id_is_refused_after_the_same_case_was_remembered(tax: Any) -> None:
    case = {"violation": "late-filing", "facts": {"harm": "serious", "corrected": "late"}}
    for _ in range(3):  # seen, kept, recalled: the word-for-word key does not compare the id
        discretion.evaluate(tax, {**case, "id": "ok"})
    (problem,) = problems(tax, {**case, "id": "\ud800"})
    assert problem.startswith("id: invalid-case: Value error, not valid Unicode text"), problem


def test_valid_text_outside_ascii_is_kept(tax: Any) -> None:
    rec = discretion.evaluate(tax, {"id": "案件-2024-𠀋", "violation": "late-filing", "facts": {}})
    assert json.loads(rec.model_dump_json())["case_id"] == "案件-2024-𠀋"


def _cli_facts(tmp_path: Path, text: str) -> dict[str, Any]:
    case = tmp_path / "case.json"
    case.write_text(text, encoding="utf-8")
    out = io.StringIO()
    assert main(["evaluate", str(TAX), str(case), "--json"], out=out, err=io.StringIO()) == 0
    facts: dict[str, Any] = json.loads(out.getvalue())["facts"]
    return facts


def test_json_text_and_bytes_keep_money_exact_as_the_command_line_does(tax: Any, tmp_path: Path) -> None:
    text = '{"violation": "late-filing", "facts": {"illegal_gains": 999999999999999.99}}'
    for case in (text, text.encode("utf-8"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        rec = discretion.evaluate(tax, case)
        assert rec.facts["illegal_gains"] == "999999999999999.99"
        assert json.loads(rec.model_dump_json())["facts"] == _cli_facts(tmp_path, text)


@pytest.mark.parametrize("number", ["0.30000000000000001", "1000000000000000.01", "1e16"])
def test_json_money_the_command_line_refuses_is_refused_as_text_and_bytes(tax: Any, number: str,
                                                                          tmp_path: Path) -> None:
    text = '{"violation": "late-filing", "facts": {"illegal_gains": ' + number + "}}"
    for case in (text, text.encode("utf-8")):
        (problem,) = problems(tax, case)
        assert problem.startswith("facts.illegal_gains: invalid-fact"), problem
    case_file = tmp_path / "case.json"
    case_file.write_text(text, encoding="utf-8")
    assert main(["evaluate", str(TAX), str(case_file)], out=io.StringIO(), err=io.StringIO()) == 2


@pytest.mark.parametrize("text", ['{"violation": ', b'{"violation": "late-filing", "id": "\xff"}',
                                  '{"violation": "late-filing", "facts": {"age_at_act": ' + "9" * 5000 + "}}",
                                  "[" * 100_000 + "]" * 100_000, "[]"])
def test_json_text_that_is_not_a_case_is_a_case_error(tax: Any, text: str | bytes) -> None:
    assert problems(tax, text)


def test_the_registry_reads_dates_as_case_validation_does() -> None:
    registry = discretion.load_registry(RULESETS / "tax")

    def applied(act: Any) -> Any:
        return registry.evaluate({"violation": "late-filing", "facts": {"act_date": act}},
                                 ruleset="cn.tax.first-violation")

    midnight = applied(datetime(2022, 3, 1)).applied_version
    assert midnight == applied(date(2022, 3, 1)).applied_version == applied("2022-03-01").applied_version
    for bad in (datetime(2022, 3, 1, 10), "2022-W09-2", "2022-3-1"):
        with pytest.raises(RegistryError) as info:
            applied(bad)
        assert info.value.code == "invalid-fact" and str(info.value.location) == "facts.act_date"
        with pytest.raises(CaseError):  # and validation refuses it alike
            discretion.evaluate(registry.versions("cn.tax.first-violation")[-1],
                                {"violation": "late-filing", "facts": {"act_date": bad}})


def test_every_submodule_the_readme_names_is_reachable_after_a_bare_import() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    script = (
        "import sys, discretion\n"
        "assert 'discretion.memo' not in sys.modules and 'pydantic' not in sys.modules\n"
        "discretion.memo.set_enabled(False); discretion.memo.set_enabled(True); discretion.memo.stats()\n"
        "for name in ('batch', 'redating', 'testing', 'synthetic', 'diff', 'audit', 'memo'):\n"
        "    assert type(getattr(discretion, name)).__name__ == 'module', name\n"
        "assert callable(discretion.batch.evaluate_frame) and callable(discretion.evaluate)\n"
        "for name in ('nonesuch', '_private', '__wrapped__'):\n"
        "    assert not hasattr(discretion, name), name\n"
    )
    assert "discretion.memo.set_enabled(False)" in readme
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("text", ["2024-W10-1", "2024-W10", "2024-03-1", "20240301", "2024/03/01", "2024-03-01T00",
                                  "２０２４-03-01"])
def test_a_date_is_text_yyyy_mm_dd_only(tax: Any, text: str) -> None:
    (problem,) = problems(tax, {"violation": "late-filing", "facts": {"act_date": text}})
    assert problem.startswith("facts.act_date: invalid-fact") and "YYYY-MM-DD" in problem


@pytest.mark.parametrize(("given", "echoed"), [
    ("-0", "0"), ("-0.00", "0.00"), ("0E-50", "0.00"), ("1.000", "1.00"), ("12.5", "12.5"), ("1E+1", "10"),
    ("1000", "1000"), ("1000.50", "1000.50"), (Decimal("-0"), "0"), (Decimal("5.0000"), "5.00"), (-0.0, "0.0"),
])
def test_money_is_echoed_without_a_negative_zero_or_more_than_two_decimal_places(tax: Any, given: Any,
                                                                                  echoed: str) -> None:
    for _ in range(2):  # the first sight, then the value remembered by validation
        rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"illegal_gains": given}})
        assert rec.facts["illegal_gains"] == echoed
        assert json.loads(rec.model_dump_json())["facts"]["illegal_gains"] == echoed


def test_a_provision_listed_twice_is_a_case_error(tax: Any) -> None:
    (problem,) = problems(tax, {"violations": ["late-filing", "late-filing"], "facts": {}})
    assert problem.startswith("violations: invalid-case: Value error, 'late-filing' is listed twice"), problem


@pytest.mark.parametrize("item", [{}, [], None])
def test_a_provision_that_is_not_text_is_a_case_error(tax: Any, item: Any) -> None:
    """Not an unhashable-type TypeError from the duplicate check: pydantic names the item."""
    (problem,) = problems(tax, {"violations": ["late-filing", item], "facts": {}})
    assert problem.startswith("violations.1: invalid-case: Input should be a valid string"), problem


@pytest.mark.parametrize(("dates", "field"), [
    ({"act_date": "2024-05-01", "discovery_date": "2024-01-01"}, "discovery_date"),
    ({"act_date": "2024-05-01", "act_end_date": "2024-04-30", "discovery_date": "2024-06-01"}, "act_end_date"),
    ({"act_date": date(2024, 5, 1), "discovery_date": "2024-01-01"}, "discovery_date"),
    ({"act_date": "2024-05-01", "discovery_date": datetime(2024, 1, 1)}, "discovery_date"),
])
def test_a_date_before_the_act_is_a_case_error_naming_both_fields(tax: Any, dates: dict[str, Any],
                                                                  field: str) -> None:
    base = {"harm": "minor", "first_violation": True, "corrected": "within_deadline"}
    for day in range(1, 5):  # in order: the result kept under what the dates decide (redating), not the dates
        discretion.evaluate(tax, {"violation": "late-filing", "facts": {
            **base, "act_date": f"2024-01-0{day}", "discovery_date": "2024-05-01"}})
    (problem,) = problems(tax, {"violation": "late-filing", "facts": {**base, **dates}})
    assert problem.startswith(f"facts.{field}: dates-out-of-order") and "(act_date)" in problem


def test_a_continuing_act_may_be_discovered_before_it_ends(tax: Any) -> None:
    for discovered in ("2024-05-01", "2024-06-01"):
        rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {
            "act_date": "2024-05-01", "act_end_date": "2024-09-01", "discovery_date": discovered}})
        assert rec.facts["discovery_date"] == discovered


LINYI = RULESETS / "environment" / "linyi-minor"


@pytest.mark.parametrize(("before", "given", "echoed"), [
    ("0.00", "-0.00", "0.00"), ("1E+2", "100.000", "100.00"), ("1.00", "1.0000000", "1.00"), ("-0.00", "0.00", "0.00"),
])
def test_an_amount_is_echoed_alike_whatever_equal_amount_came_before(before: str, given: str, echoed: str) -> None:
    """Equal decimals that print apart are remembered apart: the echo (and replay) depend on the case alone."""
    linyi = discretion.load_ruleset(LINYI)  # a fresh ruleset: nothing validated against it yet

    def echo(amount: str) -> Any:
        return discretion.evaluate(linyi, {"violation": "eia-unapproved-construction",
                                           "facts": {"total_investment": Decimal(amount)}}).facts["total_investment"]

    fresh = echo(given)
    for _ in range(3):
        echo(before)
    assert fresh == echo(given) == echoed


def test_bytes_that_are_not_utf8_are_refused_even_after_the_same_case_in_utf8(tax: Any, fresh_memo: None) -> None:
    text = '{"violation": "late-filing", "facts": {"harm": "minor"}}'
    for _ in range(3):
        discretion.evaluate(tax, text.encode("utf-8"))  # seen, then kept word for word
    for encoding in ("utf-16", "utf-32"):
        [problem] = problems(tax, text.encode(encoding))
        assert "not a JSON case" in problem and "utf-8" in problem


@pytest.mark.parametrize("how", ["text", "bytes"])
def test_a_json_key_given_twice_is_refused_even_after_the_case_without_it(tax: Any, how: str,
                                                                          fresh_memo: None) -> None:
    once = '{"violation": "late-filing", "facts": {"harm": "serious"}}'
    twice = '{"violation": "late-filing", "facts": {"harm": "minor", "harm": "serious"}}'
    for _ in range(3):
        discretion.evaluate(tax, once)
    with pytest.raises(CaseError) as info:
        discretion.evaluate(tax, twice if how == "text" else twice.encode())
    [problem] = info.value.problems
    assert problem.code == "duplicate-key" and "'harm' given twice" in problem.message


def _nested(depth: int) -> Any:
    value: Any = "minor"
    for _ in range(depth):
        value = [value]
    return value


class _Unprintable:
    def __repr__(self) -> str:
        raise TypeError("no repr")


@pytest.mark.parametrize("fact", ["harm", "first_violation", "act_date", "prior_violation_count"])
@pytest.mark.parametrize("value", [_nested(100_000), _Unprintable()], ids=["nested", "unprintable"])
def test_a_value_that_cannot_be_printed_is_a_case_error_naming_the_field(tax: Any, fact: str, value: Any) -> None:
    [problem] = problems(tax, {"violation": "late-filing", "facts": {fact: value}})
    assert problem.startswith(f"facts.{fact}: invalid-fact:")


@pytest.mark.parametrize("text", ["1,0,0", ",100,", "1_000", "١٠٠", "１００", "+100", "100.", "\t100\n", "1,00"])
def test_money_text_is_ascii_digits_grouped_by_thousands_or_not_at_all(text: str) -> None:
    linyi = discretion.load_ruleset(LINYI)
    with pytest.raises(CaseError) as info:
        discretion.evaluate(linyi, {"violation": "eia-unapproved-construction", "facts": {"total_investment": text}})
    assert "expected an amount in yuan" in str(info.value)


@pytest.mark.parametrize(("text", "echoed"), [("1,000", "1000"), (" 1000.5 ", "1000.5"),
                                             ("1,234,567.89", "1234567.89")])
def test_money_text_in_the_usual_forms_is_read(text: str, echoed: str) -> None:
    linyi = discretion.load_ruleset(LINYI)
    rec = discretion.evaluate(linyi, {"violation": "eia-unapproved-construction", "facts": {"total_investment": text}})
    assert rec.facts["total_investment"] == echoed


@pytest.mark.parametrize("text", ["١٠", "１０", "+3", "3 0", "\t3"])
def test_a_whole_number_as_text_is_ascii_digits(tax: Any, text: str) -> None:
    [problem] = problems(tax, {"violation": "late-filing", "facts": {"prior_violation_count": text}})
    assert "expected a whole number" in problem


class _Float(float):
    """A float of another library (numpy's float64 is one), whose repr is not a number."""

    def __repr__(self) -> str:
        return f"_Float({float(self)})"


def test_a_float_subclass_is_read_as_the_float_it_is(tax: Any) -> None:
    rec = discretion.evaluate(tax, {"violation": "late-filing", "facts": {"prior_violation_count": _Float(2.0)}})
    assert rec.facts["prior_violation_count"] == 2
    [problem] = problems(tax, {"violation": "late-filing", "facts": {"prior_violation_count": _Float(2.5)}})
    assert "expected a whole number, found _Float(2.5)" in problem


@pytest.mark.parametrize(("case", "field"), [
    ({"violation": "late-filing", "id": 5, "facts": {}}, "id"),
    ({"violation": 5}, "violation"),
    ({"violation": "late-filing", "zzz": 1}, "zzz"),
])
def test_a_case_shape_error_is_located_at_its_field(tax: Any, case: dict[str, Any], field: str) -> None:
    with pytest.raises(CaseError) as info:
        discretion.evaluate(tax, case)
    assert [str(p.location) for p in info.value.problems] == [field]


@pytest.mark.parametrize("how", ["data", "json"])
def test_a_shape_error_does_not_hide_the_facts_errors(tax: Any, how: str) -> None:
    case = {"violation": "late-filing", "id": 5, "zzz": 1, "facts": {"harm": "x", "harmm": "minor"}}
    found = problems(tax, case if how == "data" else json.dumps(case))
    assert [p.split(":")[0] for p in found] == ["id", "zzz", "facts.harm", "facts.harmm"]


@pytest.mark.parametrize(("ruleset", "jurisdiction", "words"), [
    (None, None, "not a NoneType"), (str(TAX), None, "not a str"), ("model", None, "not a Ruleset"),
    ("compiled", "GD", "jurisdiction takes one from discretion.load_jurisdiction(path)"),
])
def test_a_ruleset_or_jurisdiction_of_the_wrong_kind_is_a_plain_type_error(tax: Any, ruleset: Any, jurisdiction: Any,
                                                                           words: str) -> None:
    given = {"model": tax.model, "compiled": tax}.get(ruleset, ruleset) if isinstance(ruleset, str) else ruleset
    with pytest.raises(TypeError, match=words.replace("(", r"\(").replace(")", r"\)")):
        discretion.evaluate(given, {"violation": "late-filing"}, jurisdiction=jurisdiction)


def test_a_case_with_more_facts_than_any_ruleset_reads_is_refused_at_once(tax: Any) -> None:
    many = {f"fact_{n}": True for n in range(1001)}
    assert problems(tax, {"violation": "late-filing", "facts": many}) == [
        "facts: too-many-facts: 1001 facts given; a case gives at most 1,000"]
    assert len(problems(tax, {"violation": "late-filing", "facts": dict(list(many.items())[:1000])})) == 1000
