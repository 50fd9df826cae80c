"""Publishing (no browser): the site's pages, escaping, statute links, templates, versions, and the
calculator's evaluator against ``discretion.evaluate`` on generated cases (run in Node)."""

from __future__ import annotations

import json
import re
import shutil
import zlib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

import discretion
from discretion.cli import main
from discretion.publish import build_site, export_ruleset, publish
from discretion.publish.statutes import bundled, chinese_number
from discretion.registry import ruleset_files

from .publish_support import (
    EVALUATOR,
    RULESETS,
    generate_cases,
    loadable_rulesets,
    node_answers,
    python_answers,
)

NODE = shutil.which("node")
TAX = RULESETS / "tax" / "first-violation"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if values.get("id"):
            self.ids.add(str(values["id"]))
        for key in ("href", "src"):
            if values.get(key):
                self.links.append(str(values[key]))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site([r for _, r in loadable_rulesets()], out)
    return out


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    parsed = {page: _parse(page) for page in pages}
    broken = []
    for page, links in parsed.items():
        assert links.lang == "zh-CN", page
        for link in links.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https") or link.startswith("data:"):
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                broken.append(f"{page.relative_to(site)} → {link}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed[target].ids:
                broken.append(f"{page.relative_to(site)} → {link} (no such anchor)")
    assert not broken, "\n".join(broken[:20])


def test_citations_link_to_the_bundled_article_text(site: Path) -> None:
    page = (site / "r" / "cn.tax.first-violation" / "2022.1" / "index.html").read_text(encoding="utf-8")
    match = re.search(r'href="(\.\./\.\./\.\./statutes/[^"#]+\.html)#art-62"', page)
    assert match, "征管法第62条 is linked"
    statute = (site / "r" / "cn.tax.first-violation" / "2022.1" / match.group(1)).resolve().read_text(encoding="utf-8")
    article = statute.split('id="art-62"', 1)[1].split("</article>", 1)[0]
    assert "纳税人未按照规定的期限办理纳税申报" in article


def test_tables_are_captioned_with_scoped_headers(site: Path) -> None:
    page = (site / "r" / "cn.tax.first-violation" / "2022.1" / "index.html").read_text(encoding="utf-8")
    assert page.count("<table") == page.count("<caption>")
    assert '<th scope="col">' in page and 'scope="row' in page
    assert "不予处罚清单" in page and "行政处罚裁量基准" in page and "@media print" in (
        site / "assets" / "style.css").read_text(encoding="utf-8")


def test_text_from_rulesets_is_escaped(tmp_path: Path) -> None:
    text = (TAX / "ruleset.yaml").read_text(encoding="utf-8").replace(
        "zh: 纳税人未按照规定的期限办理纳税申报和报送纳税资料", 'zh: "<script>alert(1)</script>申报"', 1)
    source = tmp_path / "rs" / "tax" / "x" / "ruleset.yaml"
    source.parent.mkdir(parents=True)
    source.write_text(text, encoding="utf-8")
    publish([tmp_path / "rs"], tmp_path / "out")
    for page in (tmp_path / "out").rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page
    data = (tmp_path / "out" / "r" / "cn.tax.first-violation" / "2022.1" / "calculator.html").read_text("utf-8")
    assert "\\u003cscript\\u003ealert" in data


def test_department_templates_override_the_defaults(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "index-intro.html").write_text("<p>本局公告 OVERRIDE</p>", encoding="utf-8")
    (templates / "style.css").write_text("body { color: black; } /* department */", encoding="utf-8")
    assert main(["publish", str(TAX), "--out", str(tmp_path / "out"), "--templates", str(templates)]) == 0
    assert "本局公告 OVERRIDE" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "department" in (tmp_path / "out" / "assets" / "style.css").read_text(encoding="utf-8")
    assert (tmp_path / "out" / "assets" / "evaluator.js").read_text("utf-8") == EVALUATOR.read_text("utf-8")


def test_version_history_says_what_changed(site: Path) -> None:
    versions = ruleset_files(TAX)
    assert len(versions) >= 2, "the tax list has an earlier version in versions/"
    page = (site / "r" / "cn.tax.first-violation" / "2022.1" / "index.html").read_text(encoding="utf-8")
    history = page.split("版本沿革", 1)[1].split("</table>", 1)[0]
    assert "2021.1" in history and "首次公布" in history
    assert "新增清单事项" in history or "修改" in history


def test_cli_refuses_a_broken_ruleset_with_a_location(tmp_path: Path) -> None:
    bad = tmp_path / "rs" / "ruleset.yaml"
    bad.parent.mkdir()
    bad.write_text("format: 1\nid: [\n", encoding="utf-8")
    err = __import__("io").StringIO()
    assert main(["publish", str(bad.parent), "--out", str(tmp_path / "out")], err=err) == 2
    assert "ruleset.yaml:" in err.getvalue()
    assert not (tmp_path / "out").exists()


def test_statute_parsing() -> None:
    numbers = ("十", "十二", "六十二", "一百", "一百零五", "二百一十")
    assert [chinese_number(x) for x in numbers] == [10, 12, 62, 100, 105, 210]
    from datetime import date

    apl = bundled("行政处罚法", date(2021, 1, 22))
    assert apl is not None and len(apl.articles) == 86 and apl.articles[32].number == 33
    assert bundled("行政处罚法", date(1996, 3, 17)) is None


def test_export_holds_trees_not_source_text() -> None:
    ruleset = discretion.load_ruleset(TAX)
    data = json.loads(json.dumps(export_ruleset(ruleset)))
    conditions = [c for v in data["violations"].values() for i in v["items"] for c in i["conditions"]]
    assert conditions and all(c["node"]["t"] in {"bool", "cmp", "in", "name", "not"} for c in conditions)
    script = EVALUATOR.read_text(encoding="utf-8")
    assert "eval(" not in script and "new Function" not in script and "fetch(" not in script
    assert "parseFloat" not in script and "Number(" not in script.replace("Number(a.c", "")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_page_evaluator_matches_the_library_on_generated_cases() -> None:
    """The differential test: every bundled ruleset version, 150 generated cases each, 11 fields compared."""
    assert NODE is not None
    compared = 0
    for path, ruleset in loadable_rulesets():
        cases = generate_cases(ruleset, 150, seed=zlib.crc32(ruleset.id.encode()))
        expected = python_answers(ruleset, cases)
        actual = node_answers(export_ruleset(ruleset), cases, NODE)
        for case, want, got in zip(cases, expected, actual, strict=True):
            assert got == want, f"{path}: {json.dumps(case, ensure_ascii=False)}"
            compared += 1
    assert compared >= 150 * 10


def _table(page: str, anchor: str) -> str:
    return page.split(anchor, 1)[1].split("</table>", 1)[0]


def _gloss(zh: str, en: str) -> str:
    return f'{zh} <span class="en" lang="en">{en}</span>'


def test_list_and_baseline_tables_show_each_english_gloss_beside_its_chinese(site: Path) -> None:
    """Item 11: the glosses the data holds appear in the tables, Chinese first, as elsewhere on the site."""
    page = (site / "r" / "cn.tax.first-violation" / "2022.1" / "index.html").read_text(encoding="utf-8")
    listed = _table(page, 'id="list-no_penalty"')
    ruleset = discretion.load_ruleset(TAX)
    for item in ruleset.model.list_items:
        title = ruleset.model.violations[item.violation].title
        assert f'{title.zh}<br><span class="en" lang="en">{title.en}</span>' in listed, item.id
    assert _gloss("税法宣传和辅导", "tax-law publicity and coaching") in listed
    assert _gloss("签订承诺书等方式教育、引导、督促其自觉守法", "written commitment and guidance to comply") in listed
    assert _gloss("首违不罚（第三十三条第一款）", "first violation not penalised (art. 33 para. 1)") in listed
    baseline = _table(page, 'id="baselines"')
    assert _gloss("罚款", "fine") in baseline and _gloss("责令改正", "order to correct") in baseline
    assert _gloss("情节严重", "serious") + "：处2000元以上10000元以下罚款" in baseline
    assert _gloss("一般情形", "ordinary") + "：可以处2000元以下罚款" in baseline
    assert _gloss("未设裁量阶次，按法定幅度", "no tiers: the statutory range applies") in baseline


def test_tier_labels_carry_their_gloss(site: Path) -> None:
    tiered = next(r for _, r in loadable_rulesets() if any(
        t.model.label and t.model.label.en for v in r.violations.values() for t in v.tiers))
    from discretion.publish.site import SiteLayout

    page = (site / SiteLayout.ruleset_dir(tiered) / "index.html").read_text(encoding="utf-8")
    baseline = _table(page, 'id="baselines"')
    labels = [t.model.label for v in tiered.violations.values() for t in v.tiers if t.model.label]
    for label in labels:
        assert label.en is None or _gloss(label.zh, label.en) in baseline, label


def test_every_column_header_on_every_page_has_its_gloss(site: Path) -> None:
    missing = [f"{page.relative_to(site)}: {header}" for page in sorted(site.rglob("*.html"))
               for header in re.findall(r'<th scope="col">(.*?)</th>', page.read_text(encoding="utf-8"))
               if 'lang="en"' not in header]
    assert not missing, "\n".join(missing[:20])
