"""Static checks: each deliberately broken ruleset is caught by exactly the right finding."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import discretion
from discretion.checks.static import Severity, check_all
from discretion.registry import ruleset_files

from .conftest import FIXTURES, RULESETS

CHECKS = FIXTURES / "checks"
BROKEN = sorted([*CHECKS.glob("*.yaml"), *(p for p in CHECKS.iterdir() if p.is_dir())])


def _expected(path: Path) -> str:
    head = (path / "ruleset.yaml" if path.is_dir() else path).read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# finding: ([a-z-]+)", head)
    assert match, f"{path} starts with '# finding: <code>'"
    return match.group(1)


def _findings(path: Path) -> list[discretion.Finding]:
    return check_all([discretion.load_ruleset(f) for f in ruleset_files(path)])


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_each_broken_ruleset_is_caught_by_exactly_its_finding(path: Path) -> None:
    expected = _expected(path)
    found = [f for f in _findings(path) if f.severity is not Severity.info]
    assert [f.code for f in found] == [expected], [str(f) for f in found]
    finding = found[0]
    assert finding.location is not None and finding.location.line is not None
    assert finding.hint, "every finding says how to fix it"


def test_the_clean_base_has_no_findings() -> None:
    found = [f for f in _findings(FIXTURES / "clean.yaml") if f.severity is not Severity.info]
    assert found == []


def test_a_real_published_table_with_a_gap_is_reported_with_the_uncovered_case() -> None:
    [finding] = [f for f in _findings(CHECKS / "tier-gap-zhejiang-tax.yaml") if f.code == "tier-gap"]
    assert "registered_within_deadline: False" in finding.message and "refused_to_register: False" in finding.message


def test_findings_name_file_line_and_column() -> None:
    [finding] = [f for f in _findings(CHECKS / "tier-outside-statutory.yaml") if f.code == "tier-outside-statutory"]
    assert str(finding).startswith(f"{CHECKS / 'tier-outside-statutory.yaml'}:30:9: error: tier-outside-statutory")


def test_waivers_turn_a_finding_into_a_visible_note(tmp_path: Path) -> None:
    text = (CHECKS / "tier-gap.yaml").read_text(encoding="utf-8")
    text += "waivers:\n  - {check: tier-gap, subject: v1, reason: the published table itself has this gap}\n"
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    [finding] = [f for f in _findings(path) if f.code == "tier-gap"]
    assert finding.severity is Severity.info and "the published table itself has this gap" in finding.message


def test_fact_implications_satisfy_the_ground(tmp_path: Path) -> None:
    text = (CHECKS / "item-ground-mismatch.yaml").read_text(encoding="utf-8")
    text = text.replace("    direction: aggravating\n", "    direction: aggravating\n  fixed_next_day:\n"
                        "    type: bool\n    zh: 次日完成整改\n    implies: {timely_corrected: true}\n", 1)
    text = text.replace('[first_violation, harm == "minor"]', '[first_violation, harm == "minor", fixed_next_day]')
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    assert [f.code for f in _findings(path) if f.severity is not Severity.info] == []


def test_cli_check_exits_1_on_errors_and_0_on_warnings() -> None:
    import io

    from discretion.cli import main

    out = io.StringIO()
    assert main(["check", str(CHECKS / "tier-order.yaml")], out=out) == 1
    assert "error: tier-order" in out.getvalue()
    assert main(["check", str(CHECKS / "tier-gap.yaml")], out=io.StringIO()) == 0


def test_every_bundled_ruleset_passes_the_checks() -> None:
    findings = _findings(RULESETS)
    errors = [str(f) for f in findings if f.severity is Severity.error]
    assert errors == []


def _located_line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def test_an_items_fine_outside_the_statutory_range_is_an_error_at_its_fine() -> None:
    path = CHECKS / "item-outside-statutory.yaml"
    [finding] = [f for f in _findings(path) if f.code == "item-outside-statutory"]
    assert finding.severity is Severity.error and "0–2000" in finding.message and "0–1000" in finding.message
    assert finding.location is not None and finding.location.line == _located_line(path, "fine: {max: 2000}")


def test_a_mitigated_items_fine_above_the_statutory_minimum_is_an_error(tmp_path: Path) -> None:
    text = (CHECKS / "item-outside-statutory.yaml").read_text(encoding="utf-8")
    text = text.replace("fine: {max: 1000}", "fine: {min: 500, max: 1000}", 1)
    text = text.replace("kind: lighter", "kind: mitigated").replace("fine: {max: 2000}", "fine: {max: 600}")
    text = text.replace("fine: {max: 300}", "fine: {min: 500, max: 600}")  # keep the tiers inside
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    [finding] = [f for f in _findings(path) if f.code == "item-outside-statutory"]
    assert "600" in finding.message and "500" in finding.message
    path.write_text(text.replace("fine: {max: 600}", "fine: {max: 400}"), encoding="utf-8")
    assert [f for f in _findings(path) if f.code == "item-outside-statutory"] == []



def test_a_mitigated_fine_under_a_statute_without_a_minimum_stays_under_its_maximum(tmp_path: Path) -> None:
    """"处一千元以下罚款" has no minimum to go below: a 减轻 item or tier may be any amount up to the maximum,
    and one above it is an error that names the maximum (not a minimum the statute does not set)."""
    text = (CHECKS / "item-outside-statutory.yaml").read_text(encoding="utf-8").replace("kind: lighter",
                                                                                        "kind: mitigated")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("fine: {max: 2000}", "fine: {max: 1500}"), encoding="utf-8")
    [finding] = [f for f in _findings(path) if f.code == "item-outside-statutory"]
    assert "reaches 1500, above the statutory maximum 1000" in finding.message
    path.write_text(text.replace("fine: {max: 2000}", "fine: {max: 800}"), encoding="utf-8")
    assert [f for f in _findings(path) if f.code == "item-outside-statutory"] == []

def test_an_item_resting_on_a_partial_source_claims_no_more_and_saying_so_clears_it(tmp_path: Path) -> None:
    path = CHECKS / "status-above-source.yaml"
    [finding] = [f for f in _findings(path) if f.code == "status-above-source"]
    assert "item-1" in finding.message and "default" in finding.message and "source test" in finding.message
    assert finding.location is not None and finding.location.line == _located_line(path, "- id: item-1")
    text = path.read_text(encoding="utf-8")
    fixed = tmp_path / "ruleset.yaml"
    fixed.write_text(text.replace("    basis: {document: 测试文件, item: 1}\n",
                                  "    basis: {document: 测试文件, item: 1}\n    status: partial\n"), encoding="utf-8")
    assert [f for f in _findings(fixed) if f.code == "status-above-source"] == []
    fixed.write_text(text.replace("    basis: {document: 测试文件, item: 1}\n",
                                  "    basis: {document: 测试文件, item: 1}\n    status: verified\n"), encoding="utf-8")
    [given] = [f for f in _findings(fixed) if f.code == "status-above-source"]
    assert "has status verified" in given.message


def test_a_violation_whose_only_penalty_basis_is_partial_claims_no_more(tmp_path: Path) -> None:
    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("article: 1}", "article: 1, status: partial}"), encoding="utf-8")
    [finding] = [f for f in _findings(path) if f.code == "status-above-source"]
    assert finding.subject == "v1" and finding.location is not None
    assert finding.location.line == _located_line(path, "  v1:")
    # a second, verified basis is enough: the violation does not rest on the partial one alone
    path.write_text(text.replace("article: 1}", "article: 1, status: partial}\n      - {law: 另法, article: 2}"),
                    encoding="utf-8")
    assert [f for f in _findings(path) if f.code == "status-above-source"] == []


def test_no_bundled_item_or_violation_claims_more_than_its_source() -> None:
    found = [f for f in _findings(RULESETS) if f.code == "status-above-source"]
    assert [str(f) for f in found if f.severity is not Severity.info] == []  # each one left is waived, with why
    assert {f.subject for f in found} == {"guangde-01", "guangde-02"}  # rows read whole on a page cut after them
    tax = discretion.load_ruleset(RULESETS / "tax" / "first-violation")
    assert {i.id: i.status.value for i in tax.model.list_items if i.id <= "tax-fv-08"} == {
        f"tax-fv-0{n}": "partial" for n in range(1, 9)}


def test_an_expired_version_with_its_successor_beside_it_is_not_warned(tmp_path: Path) -> None:
    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8")
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "1.yaml").write_text(
        text.replace("effective: 2024-01-01\n", "effective: 2024-01-01\nexpires: 2025-01-01\n"), encoding="utf-8")
    (tmp_path / "ruleset.yaml").write_text(
        text.replace('version: "1"\neffective: 2024-01-01', 'version: "2"\neffective: 2025-01-01'), encoding="utf-8")
    assert [str(f) for f in _findings(tmp_path) if f.severity is not Severity.info] == []
    alone = [f.code for f in _findings(tmp_path / "versions" / "1.yaml")]
    assert alone.count("version-expired") == 1  # checked on its own, it has no successor


def test_the_bundled_tax_list_of_2021_is_not_warned_expired_beside_its_successor() -> None:
    assert [str(f) for f in _findings(RULESETS / "tax" / "first-violation") if f.code == "version-expired"] == []


def test_a_version_whose_id_is_not_its_folders_is_an_error_at_its_id() -> None:
    path = CHECKS / "version-id-mismatch"
    [finding] = [f for f in _findings(path) if f.code == "version-id-mismatch"]
    assert finding.severity is Severity.error and finding.location is not None
    assert finding.location.path == str(path / "versions" / "1.yaml")
    assert finding.location.line == _located_line(path / "versions" / "1.yaml", "id: test.clean-v1")


def test_tier_overlap_points_at_the_overlapping_tier_and_tier_gap_at_the_tiers() -> None:
    [overlap] = [f for f in _findings(CHECKS / "tier-overlap.yaml") if f.code == "tier-overlap"]
    assert overlap.location is not None
    assert overlap.location.line == _located_line(CHECKS / "tier-overlap.yaml", "- id: normal")
    [gap] = [f for f in _findings(CHECKS / "tier-gap.yaml") if f.code == "tier-gap"]
    assert gap.location is not None and gap.location.line == _located_line(CHECKS / "tier-gap.yaml", "tiers:")


def test_a_citation_naming_a_document_rests_on_that_documents_source_not_a_namesake() -> None:
    """Two sources titled alike: the item cites the verified one by its 文号; the partial one is not its source."""
    text = (FIXTURES / "clean.yaml").read_text(encoding="utf-8").replace(
        "  - {id: test, title: synthetic test data}",
        "  - {id: official, title: 某区免罚清单, document: 某环发〔2022〕1号, status: verified}\n"
        "  - {id: forward, title: 某区免罚清单, document: 某办发〔2022〕9号, status: partial}").replace(
        "basis: {document: 测试文件, item: 1}", "basis: {document: 某环发〔2022〕1号, title: 某区免罚清单, item: 1}")
    assert "某办发" in text and "basis: {document: 某环发" in text
    ruleset = discretion.load_ruleset_text(text, source="namesakes.yaml")
    assert [f.code for f in discretion.check(ruleset) if f.code == "status-above-source"] == []
    forwarded = text.replace("basis: {document: 某环发〔2022〕1号", "basis: {document: 某办发〔2022〕9号")
    partial = discretion.load_ruleset_text(forwarded, source="namesakes.yaml")
    assert [f.subject for f in discretion.check(partial) if f.code == "status-above-source"] == ["item-1"]


def test_a_ruleset_checked_alone_still_reports_its_lapse() -> None:
    """``discretion.check`` knows no successor: a lapsed version is reported; across its versions it is not."""
    from datetime import date

    tax = RULESETS / "tax" / "first-violation"
    old = discretion.load_ruleset(tax / "versions" / "2021.1.yaml")
    assert [f.code for f in discretion.check(old, today=date(2030, 1, 1)) if f.code == "version-expired"] == [
        "version-expired"]
    together = check_all([old, discretion.load_ruleset(tax)], today=date(2030, 1, 1))
    assert [f.code for f in together if f.code == "version-expired"] == []


def test_a_citation_to_no_such_article_is_located_at_the_citation() -> None:
    path = CHECKS / "citation-no-such-article.yaml"
    [finding] = [f for f in _findings(path) if f.code == "citation-no-such-article"]
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "article: 977" in text)
    assert finding.location is not None and finding.location.line == line
