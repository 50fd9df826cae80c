"""The prior notice (事先告知书) and the hearing-right flags: deadline from the notice's date (art. 64, 85),
confiscation thresholds (art. 63(1)(2)), a warning while the outcome is not final, and a text to serve that
lists penalties only, asks for the fine's amount, keeps drafting instructions apart and marks blanks."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import discretion
from discretion import memo
from discretion.cli import main
from discretion.notice import render_notice

from .conftest import FIXTURES, RULESETS, TAX

WANGBA = RULESETS / "culture" / "wangba-mitigated-unidentified"
PROVINCE = FIXTURES / "jurisdiction" / "test-province.yaml"
RULE = "─" * 40
# w1: licence transfer, revocation among the penalties (hearing right), notice_date given in the case
TRANSFER = {"violation": "wangba-license-transfer", "facts": {
    "illegal_turnover": 20000, "illegal_gains": 3000, "party_type": "legal_person", "first_violation": False,
    "harm": "moderate", "corrected": "late", "notice_date": "2025-09-30"}}
# w2: after hours, serious; the count of earlier sanctions is unknown and decides mitigated / standard
AFTER_HOURS = {"violation": "wangba-after-hours", "facts": {
    "serious_circumstances": True, "party_type": "legal_person", "first_violation": False, "harm": "moderate",
    "corrected": "late"}}


@pytest.fixture(scope="module")
def wangba() -> Any:
    return discretion.load_ruleset(WANGBA)


def cli_notice(tmp_path: Path, case: dict[str, Any], *args: str, ruleset: Path = WANGBA) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    assert main(["notice", str(ruleset), str(path), *args], out=out) == 0
    return out.getvalue()


def served(text: str) -> str:
    """The notice itself: without the warning above it and the drafting notes after it."""
    if text.startswith("【起草警示"):
        text = text.split(RULE + "\n", 1)[1]
    return text.split("\n\n" + RULE + "\n", 1)[0]


def notes(text: str) -> str:
    return text.split("\n\n" + RULE + "\n", 1)[1] if "\n\n" + RULE + "\n" in text else ""


# --- 1. the hearing-request deadline counts from the notice's own date ----------------------------------------
def test_deadline_counts_from_the_notices_date_not_the_cases_notice_date(tmp_path: Path) -> None:
    text = cli_notice(tmp_path, TRANSFER, "--party", "某网吧", "--agency", "某文旅局", "--date", "2025-11-03")
    assert "2025年10月07日" not in text  # 2025-09-30 + 5 days: a month before the notice
    # Mon 3 Nov: 4, 5, 6, 7, 10 Nov; weekends skipped, no calendar loaded: the caveat is carried
    assert "最后期限：2025年11月10日（期间内遇法定节假日的，相应顺延）。" in served(text)
    assert "weekends skipped; statutory holidays not loaded" in notes(text)
    assert "notice_date（2025年09月30日）" in notes(text) and "按本告知书日期计算" in notes(text)
    assert "告知日期" not in served(text)  # the notice's own procedure is not a fact of the violation


def test_a_deadline_is_written_without_a_notice_date_fact() -> None:
    shapes = discretion.load_ruleset(FIXTURES / "shapes.yaml")
    province = discretion.load_jurisdiction(PROVINCE)
    rec = discretion.evaluate(shapes, {"violation": "amount", "facts": {
        "assessed": "60000", "party_type": "legal_person"}}, jurisdiction=province)
    text = render_notice(shapes, rec, on=date(2025, 3, 7), jurisdiction=province)
    assert "最后期限：2025年03月14日。" in served(text)  # Friday to next Friday, with the calendar: no caveat
    assert "statutory holidays not loaded" not in text


def test_the_notice_is_dated_by_the_cases_notice_date_when_no_date_is_given(wangba: Any) -> None:
    rec = discretion.evaluate(wangba, TRANSFER)
    text = render_notice(wangba, rec, agency="某文旅局")
    assert "2025年09月30日" in served(text) and "最后期限：2025年10月07日" in served(text)
    assert "按本告知书日期计算" not in text


def test_cli_jurisdiction_loads_the_holiday_calendar(tmp_path: Path) -> None:
    text = cli_notice(tmp_path, TRANSFER, "--agency", "某文旅局", "--date", "2025-09-30",
                      "--jurisdiction", str(PROVINCE))
    # Tue 30 Sep; 1-8 Oct holidays (4, 5 a weekend); 9, 10, Sat 11 (a working day), 13, 14 Oct
    assert "最后期限：2025年10月14日。" in served(text)
    assert "statutory holidays not loaded" not in text


# --- 2. art. 63(1)(2): confiscations against the jurisdiction's threshold ---------------------------------------
def _jurisdiction(tmp_path: Path, **hearing: int) -> Any:
    lines = "".join(f"  {k}: {v}\n" for k, v in hearing.items())
    path = tmp_path / "j.yaml"
    path.write_text("id: t\nname: {zh: 测试, en: test}\nhearing:\n" + lines
                    + "  source: {title: 合成, status: unverified}\n", encoding="utf-8")
    return discretion.load_jurisdiction(path)


def _gains(tax: Any, gains: int, party: str | None, jurisdiction: Any) -> Any:
    facts: dict[str, Any] = {"first_violation": False, "harm": "moderate", "corrected": "late", "illegal_gains": gains}
    if party:
        facts["party_type"] = party
    return discretion.evaluate(tax, {"violation": "invoice-substitute", "facts": facts}, jurisdiction=jurisdiction)


def test_art63_confiscated_gains_at_the_threshold_give_a_hearing(tax: Any, tmp_path: Path) -> None:
    j = _jurisdiction(tmp_path, natural_person_fine=5000, organization_fine=50000, confiscation_value=10000)
    for party in ("legal_person", None):
        rec = _gains(tax, 5_000_000, party, j)
        assert rec.has_flag("illegal_gains_confiscated") and rec.has_flag("hearing_right"), party
        flag = next(f for f in rec.flags if f.code == "hearing_right")
        assert "第63条第1款第2项" in (flag.article or "") and "10000" in (flag.detail or "")
    assert rec.deadlines and rec.deadlines[0].code == "hearing_request"
    assert not {"hearing_right", "hearing_right_unknown"} & {f.code for f in _gains(tax, 9999, "legal_person", j).flags}
    assert _gains(tax, 10000, "legal_person", j).has_flag("hearing_right")


def test_art63_unknown_says_what_is_missing(tax: Any, tmp_path: Path) -> None:
    j = _jurisdiction(tmp_path, natural_person_fine=5000, organization_fine=50000, confiscation_value=10000)
    rec = _gains(tax, 100, None, j)  # confiscation below the threshold; the fine's threshold needs the party type
    flag = next(f for f in rec.flags if f.code == "hearing_right_unknown")
    assert "no threshold is loaded" not in (flag.detail or "") and "party type unknown" in (flag.detail or "")
    no_confiscation = _jurisdiction(tmp_path, natural_person_fine=5000, organization_fine=50000)
    flag = next(f for f in _gains(tax, 100, "legal_person", no_confiscation).flags if f.code == "hearing_right_unknown")
    assert "confiscation threshold" in (flag.detail or "")
    none = next(f for f in _gains(tax, 100, "legal_person", None).flags if f.code == "hearing_right_unknown")
    assert none.detail == "较大数额 is set by the province or ministry; no threshold is loaded for this jurisdiction"


def test_art63_confiscated_property_value_against_the_threshold(tmp_path: Path) -> None:
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace(
        "types: [fine]", "types: [confiscate_illegal_property]").replace("      fine: {max: 1000}\n", "").replace(
        "        fine: {max: 300}\n", ""), encoding="utf-8")
    rs = discretion.load_ruleset(ruleset)
    j = _jurisdiction(tmp_path, confiscation_value=10000)

    def codes(**facts: Any) -> set[str]:
        rec = discretion.evaluate(rs, {"violation": "v1", "facts": {"days_late": 20, **facts}}, jurisdiction=j)
        assert [p.type.value for p in rec.penalties] == ["confiscate_illegal_property"]
        return {f.code for f in rec.flags}

    assert "hearing_right" in codes(illegal_property_value=20000)
    assert not {"hearing_right", "hearing_right_unknown"} & codes(illegal_property_value=500)
    assert "hearing_right_unknown" in codes()



def test_the_confiscated_property_value_is_a_standard_money_fact(tmp_path: Path) -> None:
    """Art. 63(1)(2) compares it with an amount: a ruleset cannot make it a yes/no or a date."""
    ruleset = tmp_path / "r.yaml"
    ruleset.write_text((FIXTURES / "minimal.yaml").read_text(encoding="utf-8").replace(
        "facts:\n", "facts:\n  illegal_property_value:\n    type: bool\n    zh: 非法财物\n"), encoding="utf-8")
    with pytest.raises(discretion.RulesetError) as caught:
        discretion.load_ruleset(ruleset)
    assert [p.code for p in caught.value.problems] == ["standard-fact-redefined"]


def test_a_hearing_request_deadline_without_a_notice_date_is_one_object_for_every_case(tax: Any,
                                                                                      fresh_memo: None) -> None:
    """Results kept by the memo hold one such deadline, not one each (``procedure._hearing_request``)."""
    memo.set_enabled(False)
    first, second = (next(d for d in _gains(tax, gains, "legal_person", None).deadlines
                          if d.code == "hearing_request") for gains in (100, 200))
    assert first.due is None and first is second

# --- 3. a warning while unknown facts may change the outcome ----------------------------------------------------
def test_a_notice_with_the_outcome_not_final_says_so_above_the_text(wangba: Any) -> None:
    rec = discretion.evaluate(wangba, AFTER_HOURS)
    assert len(rec.possible_outcomes) > 1
    text = render_notice(wangba, rec, agency="某文旅局", on=date(2025, 11, 3))
    first = text.split(RULE, 1)[0]
    assert text.startswith("【起草警示") and "outcome is not final" in first
    assert "减轻处罚、一般处罚" in first and "累计因在规定营业时间以外营业被查处的次数" in first
    assert served(text).startswith("行政处罚事先告知书")
    known = discretion.evaluate(wangba, TRANSFER)
    assert render_notice(wangba, known, agency="某文旅局").startswith("行政处罚事先告知书")


# --- 4. the text to serve -----------------------------------------------------------------------------------
def _penalty_lines(text: str) -> list[str]:
    return served(text).split("作出如下行政处罚：\n", 1)[1].split("\n\n", 1)[0].splitlines()


def test_correction_is_not_listed_among_the_penalties(wangba: Any) -> None:
    text = render_notice(wangba, discretion.evaluate(wangba, TRANSFER), agency="某文旅局")
    assert not any("责令改正" in line for line in _penalty_lines(text))
    assert "责令你（单位）改正违法行为" in served(text)


def test_the_fine_is_a_blank_to_fill_within_the_range(wangba: Any) -> None:
    text = render_notice(wangba, discretion.evaluate(wangba, AFTER_HOURS), agency="某文旅局")
    assert "0.00元至" not in text and "在此范围内确定）" not in text
    fine = next(line for line in _penalty_lines(text) if "罚款" in line)
    assert "15000.00元以下" in fine and "【＿＿＿＿＿＿】元" in fine
    ranged = render_notice(wangba, discretion.evaluate(wangba, TRANSFER), agency="某文旅局")
    assert "40000.00元至100000.00元范围内确定为【＿＿＿＿＿＿】元" in ranged


def test_drafting_instructions_are_outside_the_text_to_serve(tax: Any) -> None:
    rec = discretion.evaluate(tax, {"violation": "invoice-substitute", "facts": {
        "first_violation": False, "harm": "moderate", "corrected": "late", "illegal_gains": 5000}})
    assert rec.has_flag("hearing_right_unknown")
    text = render_notice(tax, rec, agency="某税务局")
    assert "本地区规定的标准" not in served(text) and "本地区规定的标准" in notes(text)
    assert "起草提示（drafting notes）" in text and "不属于告知书内容" in notes(text)


def test_the_agency_is_a_marked_blank_when_not_given(tmp_path: Path, tax: Any) -> None:
    text = cli_notice(tmp_path, {"violation": "late-filing", "facts": {"first_violation": False}},
                      "--date", "2025-01-02", ruleset=TAX)
    assert "（执法机关）" not in text and "【执法机关名称（待填写" in served(text)
    named = cli_notice(tmp_path, {"violation": "late-filing", "facts": {"first_violation": False}},
                       "--agency", "某税务局", ruleset=TAX)
    assert "某税务局" in named and "执法机关名称" not in named


def test_art63_confiscation_thresholds_in_a_frame_match_per_case(tax: Any, tmp_path: Path) -> None:
    """The batch engine groups rows by what the flags read: the confiscated value against the threshold too."""
    import pandas as pd

    from discretion.batch import evaluate_frame

    j = _jurisdiction(tmp_path, natural_person_fine=5000, organization_fine=50000, confiscation_value=10000)
    gains = [100, 9999, 10000, 5_000_000, 200, 300, 20000, 400, 500]
    frame = pd.DataFrame({"violation": ["invoice-substitute"] * len(gains), "first_violation": [False] * len(gains),
                          "harm": ["moderate"] * len(gains), "corrected": ["late"] * len(gains),
                          "party_type": ["legal_person"] * len(gains), "illegal_gains": gains})
    out = evaluate_frame(tax, frame, jurisdiction=j)
    for i, value in enumerate(gains):
        rec = _gains(tax, value, "legal_person", j)
        assert list(out.loc[i, "flags"]) == [f.code for f in rec.flags], value
    assert ["hearing_right" in out.loc[i, "flags"] for i in range(len(gains))] == [
        False, False, True, True, False, False, True, False, False]


def test_a_deadline_past_the_calendar_says_so_with_a_holiday_calendar_too(tmp_path: Path) -> None:
    text = cli_notice(tmp_path, TRANSFER, "--date", "9999-12-31", "--jurisdiction", str(PROVINCE))
    assert "最后期限" not in served(text)
    assert "未能计算听证请求的最后期限" in text and "9999-12-31" in text


@pytest.mark.parametrize("given", ["20250501", "2025-W10-1", "2025-5-1"])
def test_the_notice_date_is_written_as_a_case_date_is(tmp_path: Path, given: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(TRANSFER, ensure_ascii=False), encoding="utf-8")
    code = main(["notice", str(WANGBA), str(path), "--date", given], out=io.StringIO())
    assert code == 2 and "is not a date; write YYYY-MM-DD" in capsys.readouterr().err


# --- 5. a department's templates folder: a mistyped path or a bad file is said, never replaced -----------------
def cli_notice_fails(tmp_path: Path, case: dict[str, Any], *args: str,
                     capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    assert main(["notice", str(WANGBA), str(path), *args], out=out) == 2
    assert out.getvalue() == ""
    return capsys.readouterr().err


def test_a_template_not_in_utf8_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "notice_penalty.txt").write_bytes("行政处罚事先告知书\n${party}：\n".encode("gbk"))
    err = cli_notice_fails(tmp_path, TRANSFER, "--templates", str(folder), capsys=capsys)
    assert err.startswith(f"{folder / 'notice_penalty.txt'}:1: file-unreadable: the template is not UTF-8")
    assert "internal error" not in err


@pytest.mark.parametrize("kind", ["missing", "a file", "no template in it"])
def test_a_templates_path_that_is_no_template_folder_is_refused(wangba: Any, tmp_path: Path, kind: str,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "templates"
    if kind == "a file":
        folder.write_text("${party}", encoding="utf-8")
    elif kind == "no template in it":
        folder.mkdir()
        (folder / "notice-penalty.txt").write_text("${party}", encoding="utf-8")  # misnamed
    err = cli_notice_fails(tmp_path, TRANSFER, "--templates", str(folder), capsys=capsys)
    assert err.startswith(f"{folder}: templates-not-found: ")
    with pytest.raises(discretion.DiscretionError) as caught:  # the Python API says the same
        render_notice(wangba, discretion.evaluate(wangba, TRANSFER), templates=folder)
    assert caught.value.code == "templates-not-found"


def test_a_folder_overriding_one_template_keeps_the_other(wangba: Any, tmp_path: Path) -> None:
    (tmp_path / "notice_no_penalty.txt").write_text("不予处罚：${party}", encoding="utf-8")
    text = render_notice(wangba, discretion.evaluate(wangba, TRANSFER), agency="某文旅局", templates=tmp_path)
    assert "行政处罚事先告知书" in served(text)


# --- 6. a notice is not dated before the act or its discovery --------------------------------------------------
DATED = {**TRANSFER, "facts": {**TRANSFER["facts"], "act_date": "2025-06-01", "discovery_date": "2025-07-15"}}
del DATED["facts"]["notice_date"]


@pytest.mark.parametrize(("given", "fact"), [("0001-01-01", "act_date 2025-06-01"),
                                             ("2025-07-14", "discovery_date 2025-07-15")])
def test_cli_refuses_a_notice_date_before_the_act_or_its_discovery(tmp_path: Path, given: str, fact: str,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    err = cli_notice_fails(tmp_path, DATED, "--date", given, capsys=capsys)
    assert err.startswith(f"--date: dates-out-of-order: the notice's date {given} is before")
    assert fact.replace(" ", ") ") in err


def test_render_notice_refuses_a_date_before_the_act(wangba: Any) -> None:
    rec = discretion.evaluate(wangba, DATED)
    with pytest.raises(discretion.CaseError) as caught:
        render_notice(wangba, rec, on=date(1, 1, 1))
    assert str(caught.value.location) == "on" and caught.value.code == "dates-out-of-order"
    early = discretion.evaluate(wangba, {**DATED, "facts": {**DATED["facts"], "notice_date": "2025-07-01"}})
    with pytest.raises(discretion.CaseError) as caught:  # the case's own notice_date, when no date is given
        render_notice(wangba, early)
    assert str(caught.value.location) == "facts.notice_date"
    assert "2025年07月15日" in served(render_notice(wangba, rec, on=date(2025, 7, 15)))  # the day of discovery


def test_a_notice_may_be_dated_on_the_day_the_act_is_discovered(tmp_path: Path) -> None:
    assert "2025年07月15日" in served(cli_notice(tmp_path, DATED, "--date", "2025-07-15"))


# --- 7. the jurisdiction of the notice is the one the case was evaluated with -----------------------------------
def test_render_notice_refuses_a_jurisdiction_the_case_was_not_evaluated_with(tax: Any, tmp_path: Path) -> None:
    province = discretion.load_jurisdiction(PROVINCE)
    other = _jurisdiction(tmp_path, natural_person_fine=5000, organization_fine=50000)
    facts = {"first_violation": False, "harm": "moderate", "corrected": "late", "illegal_gains": 5000}
    case = {"violation": "invoice-substitute", "facts": facts}
    for evaluated_with, said in ((None, "without a jurisdiction"), (other, "with jurisdiction 't'")):
        rec = discretion.evaluate(tax, case, jurisdiction=evaluated_with)
        with pytest.raises(discretion.DiscretionError) as caught:
            render_notice(tax, rec, on=date(2025, 3, 7), jurisdiction=province)
        assert caught.value.code == "jurisdiction-mismatch" and said in str(caught.value)
        assert f"evaluate the case with jurisdiction '{province.id}'" in str(caught.value)
    rec = discretion.evaluate(tax, case, jurisdiction=province)  # the same: rendered
    assert render_notice(tax, rec, on=date(2025, 3, 7), jurisdiction=province).startswith(("【起草警示", "行政处罚"))


def test_cli_notice_evaluates_with_the_jurisdiction_it_renders_with(tmp_path: Path) -> None:
    text = cli_notice(tmp_path, TRANSFER, "--date", "2025-09-30", "--jurisdiction", str(PROVINCE))
    assert "最后期限：2025年10月14日。" in served(text)
