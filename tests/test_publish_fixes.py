"""Publishing: optional penalties and band wording in the baseline table, status badges, the calculator's
refusals (the same as ``discretion.evaluate``'s), what changed between versions, rebuilds that delete only
the publisher's own files, expired lists on the index, and the English glosses beside every label."""

from __future__ import annotations

import io
import json
import re
import shutil
import zlib
from datetime import date
from pathlib import Path

import pytest

import discretion
from discretion.cli import main
from discretion.errors import DiscretionError
from discretion.publish import build_site, export_ruleset, publish
from discretion.publish.site import SiteLayout
from discretion.publish.versions import changes

from .publish_support import RULESETS, generate_cases, loadable_rulesets, node_answers, python_answers

NODE = shutil.which("node")
TAX = RULESETS / "tax" / "first-violation"
DAYING = RULESETS / "culture" / "daying-no-penalty"
LINYI = RULESETS / "environment" / "linyi-minor"
DAY = date(2026, 1, 15)
MANIFEST = "discretion-manifest.txt"  # discretion.publish.site.MANIFEST
EN = '<span class="en" lang="en">'


def _gloss(zh: str, en: str) -> str:
    return f"{zh} {EN}{en}</span>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site([r for _, r in loadable_rulesets()], out, today=DAY)
    return out


def _page(site: Path, ruleset: discretion.CompiledRuleset, name: str = "index.html") -> str:
    return (site / SiteLayout.ruleset_dir(ruleset) / name).read_text(encoding="utf-8")


def _statutory_cell(page: str, violation: str) -> str:
    baseline = page.split('id="baselines"', 1)[1]
    row = baseline.split(f'href="calculator.html?violation={violation}"', 1)[1]
    return row.split('data-label="法定处罚 statutory penalty">', 1)[1].split("</td>", 1)[0]


# -- 1. optional penalties and the band's own wording ----------------------------------------------

def test_an_optional_fine_is_shown_as_optional_with_the_bands_other_optional_penalties(site: Path) -> None:
    ruleset = discretion.load_ruleset(DAYING)
    cell = _statutory_cell(_page(site, ruleset), "wangba-license-not-displayed")
    ordinary = cell.split(_gloss("一般情形", "ordinary") + "：", 1)[1].split("<br>", 1)[0]
    assert not ordinary.startswith("处15000元"), ordinary  # the fine is not mandatory
    assert ordinary.startswith("处" + _gloss("警告", "warning")), ordinary
    assert "可以并处 " + EN + "may also impose</span> 15000元以下罚款" in ordinary
    serious = cell.split(_gloss("情节严重", "serious") + "：", 1)[1].split("<br>", 1)[0]
    optional = serious.split("可以并处", 1)[1]
    assert "15000元以下罚款" in optional and "吊销" in optional, serious
    assert "吊销" not in serious.split("可以并处", 1)[0]


def test_every_band_shows_its_optional_types_and_its_own_wording(site: Path) -> None:
    from discretion.models.vocabulary import PENALTY_TYPES

    checked = 0
    for _, ruleset in loadable_rulesets():
        page = _page(site, ruleset)
        for vid, violation in ruleset.violations.items():
            bands = violation.model.statutory.bands
            if not any(b.optional_types or b.text for b in bands):
                continue
            cell = _statutory_cell(page, vid)
            for band in bands:
                if band.text:
                    assert f"<q>{band.text}</q>" in cell.replace("&quot;", '"').replace("&#x27;", "'"), (vid, band.id)
                for kind in band.optional_types:
                    assert "可以并处" in cell and PENALTY_TYPES[kind.value][0] in cell.split("可以并处", 1)[1], (
                        ruleset.id, vid, band.id, kind)
                checked += 1
    assert checked >= 16


# -- 2. status badges for items, violations and rulesets ---------------------------------------------

def _badge(status: str) -> str:
    zh, en = {"partial": ("部分核实", "partly verified"), "unverified": ("未核实", "not verified")}[status]
    return f'<span class="badge status-{status}">{_gloss(zh, en)}</span>'


def test_items_and_violations_not_verified_carry_their_badge(site: Path) -> None:
    ruleset = next(r for _, r in loadable_rulesets() if r.id == "cn.transport.unidentified.highway-77-baseline")
    page = _page(site, ruleset)
    assert f"<code>lz77-19</code> {_badge('unverified')}" in page
    counted = {"item": 0, "violation": 0}
    for _, ruleset in loadable_rulesets():
        page = _page(site, ruleset)
        for item in ruleset.model.list_items:
            if item.status.value != "verified":
                assert f"<code>{item.id}</code> {_badge(item.status.value)}" in page, (ruleset.id, item.id)
                counted["item"] += 1
        for vid, violation in ruleset.violations.items():
            status = violation.model.status.value
            if status != "verified":
                baseline = page.split('id="baselines"', 1)[1]
                title = baseline.split(f'href="calculator.html?violation={vid}"', 1)[0].rsplit("<td", 1)[1]
                assert _badge(status) in title, (ruleset.id, vid)
                counted["violation"] += 1
    assert counted["item"] >= 100 and counted["violation"] >= 40, counted


def test_index_cards_carry_the_rulesets_status(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    shown = 0
    for _, ruleset in loadable_rulesets():
        card = index.split(f'<a href="{SiteLayout.ruleset_dir(ruleset)}index.html">', 1)
        if len(card) == 1:
            continue  # an earlier version: the index shows the latest
        head = card[1].split("</h3>", 1)[0]
        status = ruleset.model.status.value
        assert (_badge(status) in head) if status != "verified" else "badge status-" not in head, (ruleset.id, head)
        shown += status != "verified"
    assert shown > 0


# -- 3. the calculator refuses what discretion.evaluate refuses --------------------------------------

@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_page_evaluator_refuses_the_inputs_the_library_refuses() -> None:
    assert NODE is not None
    ruleset = discretion.load_ruleset(TAX)
    base = {"first_violation": True, "harm": "minor", "corrected": "within_deadline", "act_date": "2023-03-01",
            "discovery_date": "2023-04-01"}
    money = ["1,00", "12,34.5", "+0", ",0", "0,", ".5", "5.", "1,000", "0", "1.000", "0E-50", "1000000000000000.01"]
    cases = [{"violation": "invoice-data", "facts": {**base, "illegal_gains": v}} for v in money]
    cases += [{"violation": "invoice-data", "facts": {**base, "act_end_date": "2023-01-01"}},
              {"violation": "invoice-data", "facts": {**base, "discovery_date": "2023-02-28"}}]
    want = python_answers(ruleset, cases)
    got = node_answers(export_ruleset(ruleset), cases, NODE)
    assert sum("refused" in w for w in want) == 10
    for case, w, g in zip(cases, want, got, strict=True):
        assert ("refused" in g) == ("refused" in w) and g.get("refused") == w.get("refused"), case


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_page_evaluator_and_library_refuse_the_same_malformed_cases() -> None:
    """The differential test on refusals: every case has one fact spoilt (or its dates out of order); both
    sides must refuse it, naming the same fields, or both accept it."""
    assert NODE is not None
    compared = refused = 0
    for path, ruleset in loadable_rulesets():
        cases = generate_cases(ruleset, 40, seed=zlib.crc32(ruleset.id.encode()) + 3, malformed=1.0)
        want = python_answers(ruleset, cases)
        got = node_answers(export_ruleset(ruleset), cases, NODE)
        for case, w, g in zip(cases, want, got, strict=True):
            assert "crash" not in g, (path, g)
            assert g.get("refused") == w.get("refused"), f"{path}: {json.dumps(case, ensure_ascii=False)}"
            compared += 1
            refused += "refused" in w
    assert compared >= 40 * 10 and refused >= compared // 2


def test_generated_cases_are_unchanged_without_malformed_values() -> None:
    ruleset = discretion.load_ruleset(TAX)
    assert generate_cases(ruleset, 30, seed=5) == generate_cases(ruleset, 30, seed=5, malformed=0.0)
    spoilt = generate_cases(ruleset, 30, seed=5, malformed=1.0)
    assert spoilt != generate_cases(ruleset, 30, seed=5)


# -- 4. what changed: facts, measures, sources, notes ---------------------------------------------------

def test_version_history_reports_facts_measures_sources_and_notes() -> None:
    old = discretion.load_ruleset(TAX).model
    name, spec = next((n, s) for n, s in old.facts.items() if s.type.value == "bool")
    facts = {**old.facts, name: spec.model_copy(update={"default": not spec.default})}
    measures = {**old.measures, "site_visit": old.title.model_copy(update={"zh": "回访"})}
    new = old.model_copy(update={"facts": facts, "measures": measures, "note": (old.note or "") + "。",
                                 "dates_note": "日期已核对", "sources": old.sources[:1] + old.sources})
    lines = changes(old, new)
    text = "\n".join(lines)
    assert f"修改事实 <code>{name}</code>" in text and "默认值" in text, text
    assert "新增配套监管措施 <code>site_visit</code> 回访" in text
    assert "来源已修改" in text and "说明已修改" in text and "日期说明已修改" in text
    assert changes(old, old) == ['内容未变 <span class="en" lang="en">no change in content</span>']


# -- 5. a rebuild deletes only what the publisher wrote ---------------------------------------------------

def test_a_rebuild_keeps_the_departments_own_files(tmp_path: Path) -> None:
    out = tmp_path / "portal"
    publish([TAX], out, today=DAY)
    assert (out / MANIFEST).is_file()
    own = [out / "r" / "own.html", out / "statutes" / "notes.html", out / "r" / "cn.tax.first-violation" / "x.pdf"]
    for path in own:
        path.write_text("the department's own", encoding="utf-8")
    old_version = out / "r" / "cn.tax.first-violation" / "2021.1" / "index.html"
    assert old_version.is_file()
    publish([TAX / "ruleset.yaml"], out, today=DAY)  # the current version only: 2021.1 is no longer published
    assert all(p.read_text(encoding="utf-8") == "the department's own" for p in own)
    assert not old_version.exists() and not old_version.parent.exists()
    assert (out / "r" / "cn.tax.first-violation" / "2022.1" / "index.html").is_file()
    listed = (out / MANIFEST).read_text(encoding="utf-8")
    assert "r/own.html" not in listed and "r/cn.tax.first-violation/2022.1/index.html" in listed


def test_a_folder_the_publisher_did_not_write_is_refused_untouched(tmp_path: Path) -> None:
    out = tmp_path / "portal"
    (out / "r").mkdir(parents=True)
    (out / "index.html").write_text("<p>our portal</p>", encoding="utf-8")
    (out / "r" / "mine.html").write_text("mine", encoding="utf-8")
    with pytest.raises(DiscretionError, match=r"index\.html"):
        publish([TAX], out, today=DAY)
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>our portal</p>"
    assert sorted(p.name for p in out.rglob("*")) == ["index.html", "mine.html", "r"]
    err = io.StringIO()
    assert main(["publish", str(TAX), "--out", str(out)], err=err) == 2
    assert "publish-folder-not-ours" in err.getvalue()
    other = tmp_path / "shared"  # others' files that the site does not write over: kept, the site beside them
    other.mkdir()
    (other / "readme.txt").write_text("kept", encoding="utf-8")
    publish([TAX], other, today=DAY)
    assert (other / "readme.txt").read_text(encoding="utf-8") == "kept" and (other / "index.html").is_file()


# -- 6. expired lists on the index, judged on an injectable build date ------------------------------------

def test_index_shows_an_expired_list_as_expired(tmp_path: Path) -> None:
    publish([LINYI], tmp_path / "after", today=date(2025, 6, 1))
    card = (tmp_path / "after" / "index.html").read_text(encoding="utf-8").split('<ul class="cards">', 1)[1]
    assert _gloss("已失效", "expired") in card and "2025-05-01" in card
    publish([LINYI], tmp_path / "before", today=date(2024, 6, 1))
    card = (tmp_path / "before" / "index.html").read_text(encoding="utf-8").split('<ul class="cards">', 1)[1]
    assert "已失效" not in card and "2025-05-01" in card


def test_two_builds_on_the_same_day_are_identical(tmp_path: Path) -> None:
    for name in ("a", "b"):
        publish([TAX, LINYI], tmp_path / name, today=DAY)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    for rel in files:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel


# -- 7. every label with its gloss ------------------------------------------------------------------------

def test_index_cards_links_crumbs_and_badges_have_their_gloss(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for zh, en in (("版本", "version"), ("起施行", "in force from"), ("项违法行为", "violations"),
                   ("项清单", "list items"), ("清单与基准", "lists and baselines"),
                   ("裁量计算器", "discretion calculator")):
        assert _gloss(zh, en) in index, zh
    assert not re.search(r"起施行 ·|项违法行为 ·|>清单与基准<|>裁量计算器<", index)
    tax = discretion.load_ruleset(TAX)
    page = _page(site, tax)
    assert "规则数据 (JSON) " + EN in page
    calculator = _page(site, tax, "calculator.html")
    assert "<li aria-current=\"page\">裁量计算器 Calculator</li>" in calculator
    statutes = (site / "statutes" / "index.html").read_text(encoding="utf-8")
    assert '<li aria-current="page">法律法规 Statutes</li>' in statutes
    badges = re.findall(r'<span class="badge status-(?:partial|unverified)">(.*?)</span></span>',
                        "".join(p.read_text(encoding="utf-8") for p in (site / "r").rglob("index.html")))
    assert badges and all(EN in b for b in badges)
    script = (site / "assets" / "calculator.js").read_text(encoding="utf-8")
    assert '["true", "是", "yes"], ["false", "否", "no"], ["", "不确定", "unknown"]' in script
    assert 'en(o[2])' in script


def test_the_build_date_comes_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")  # 2025-06-01, after linyi's list lapsed
    publish([LINYI], tmp_path / "after")
    assert _gloss("已失效", "expired") in (tmp_path / "after" / "index.html").read_text(encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    with pytest.raises(DiscretionError) as info:
        publish([LINYI], tmp_path / "never")
    assert info.value.code == "bad-build-date" and not (tmp_path / "never").exists()


def test_a_file_or_an_unreadable_manifest_where_the_site_would_go_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x", encoding="utf-8")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "discretion-manifest.txt").write_bytes(b"\xff\xfe")
    for target in (afile, broken):
        with pytest.raises(DiscretionError) as info:
            publish([LINYI], target, today=DAY)
        assert info.value.code == "publish-folder-not-ours"
    assert afile.read_text(encoding="utf-8") == "x"
    assert [p.name for p in broken.iterdir()] == ["discretion-manifest.txt"]


def test_an_out_folder_under_a_plain_file_is_a_located_error_not_an_internal_one(tmp_path: Path) -> None:
    plain = tmp_path / "plainfile"
    plain.write_text("x", encoding="utf-8")
    err = io.StringIO()
    assert main(["publish", str(TAX), "--out", str(plain / "sub")], err=err) == 2
    message = err.getvalue()
    assert "publish-unwritable" in message and str(plain / "sub") in message
    assert f"{plain} is a file" in message
    assert "internal error" not in message and plain.read_text(encoding="utf-8") == "x"


def test_a_full_disk_while_publishing_names_the_file_that_failed(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    real = Path.write_text

    def full(self: Path, text: str, *args: object, **kwargs: object) -> int:
        if self.name == "index.html":
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full)
    err = io.StringIO()
    assert main(["publish", str(LINYI), "--out", str(tmp_path / "site")], err=err) == 2
    message = err.getvalue()
    assert "publish-unwritable" in message and str(tmp_path / "site") in message and "index.html" in message
    assert "No space left on device" in message


@pytest.mark.parametrize("epoch", ["abc", "-1", "1.5", "1e9", "١٢٣"])
def test_a_malformed_source_date_epoch_fails_the_build(epoch: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(DiscretionError) as info:
        publish([LINYI], tmp_path / "never")
    assert info.value.code == "bad-build-date" and str(info.value.location) == "SOURCE_DATE_EPOCH"
    assert not (tmp_path / "never").exists()
    err = io.StringIO()
    assert main(["publish", str(LINYI), "--out", str(tmp_path / "never")], err=err) == 2
    assert "SOURCE_DATE_EPOCH" in err.getvalue() and "bad-build-date" in err.getvalue()


def test_an_empty_source_date_epoch_is_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from discretion.publish.site import build_date

    monkeypatch.setenv("SOURCE_DATE_EPOCH", " ")
    assert build_date() == date.today()
