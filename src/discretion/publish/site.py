"""Build the static site: department index, one page per ruleset version, calculators, statutes.

Every page is plain HTML with relative links (works from ``file://`` and offline); the calculator's
data sits inside its page as JSON, so no request is ever made. What the page shows is generated from
the compiled ruleset, the same object the tests evaluate.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path

from ..compile import CompiledCondition, CompiledRuleset, CompiledViolation
from ..errors import DiscretionError, Location
from ..models.common import Citation, Source
from ..models.penalty import Band, Fine, FineShape
from ..models.ruleset import Ruleset
from ..models.vocabulary import LIST_KINDS, MEASURES, OUTCOMES, PENALTY_TYPES, ListKind
from .export import export_ruleset
from .html import Templates, esc, row_table, t, yuan
from .statutes import Statute, article_anchor, bundled
from .versions import changes

__all__ = ["DEPARTMENTS", "MANIFEST", "SiteLayout", "build_site"]

DEPARTMENTS: dict[str, tuple[str, str]] = {
    "tax": ("税务", "tax"), "market": ("市场监督管理", "market regulation"),
    "environment": ("生态环境", "ecology and environment"), "transport": ("交通运输", "transport"),
    "urban": ("城市管理综合执法", "urban management"), "safety": ("应急管理（安全生产）", "work safety"),
    "labour": ("人力资源和社会保障", "human resources and social security"), "health": ("卫生健康", "health"),
    "culture": ("文化市场综合执法", "culture market"),
}
STATUS = {"verified": ("已核实", "verified"), "partial": ("部分核实", "partly verified"),
          "unverified": ("未核实", "not verified")}
MODALITY = {"shall": ("应当", "shall"), "may": ("可以", "may")}
GROUNDS = {"minor_no_harm": ("轻微免罚（第三十三条第一款）", "minor, corrected, no harm (art. 33 para. 1)"),
           "first_violation": ("首违不罚（第三十三条第一款）", "first violation not penalised (art. 33 para. 1)"),
           "no_fault": ("无主观过错（第三十三条第二款）", "no subjective fault (art. 33 para. 2)"),
           "other": ("其他法律规定", "other provisions of law")}
ALWAYS_STATUTES = (("行政处罚法", "2021-01-22"), ("行政强制法", "2011-06-30"))
# Column headers: Chinese first, the English gloss beside it (hidden when printed, as everywhere on the site).
LIST_COLUMNS = (("序号", "no."), ("违法行为", "violation"), ("违法依据", "legal basis"), ("处罚依据", "penalty basis"),
                ("适用条件", "conditions"), ("处理结果", "result"), ("配套监管措施", "accompanying measures"),
                ("清单依据", "list basis"))
BASELINE_COLUMNS = {"number": ("序号", "no."), "violation": ("违法行为", "violation"),
                    "legal": ("违法依据", "legal basis"), "penalty": ("处罚依据", "penalty basis"),
                    "statutory": ("法定处罚", "statutory penalty"), "tier": ("裁量阶次", "tier"),
                    "circumstances": ("适用情形", "circumstances"), "standard": ("处罚标准", "penalty standard"),
                    "measures": ("措施", "measures")}
TRY_IT = '试算 <span class="en" lang="en">try it</span>'
MANIFEST = "discretion-manifest.txt"
"""The list of files the publisher wrote into its folder: a rebuild deletes only those (never others' files)."""


def _badge(status: str) -> str:
    """A status badge (未核实, 部分核实) with its gloss; nothing for what is verified."""
    if status == "verified":
        return ""
    zh, en = STATUS[status]
    return f' <span class="badge status-{esc(status)}">{t(zh, en)}</span>'


def build_date() -> date:
    """The day a build judges expiry on: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else today.

    A value that is not a whole number of seconds since 1970 ("abc", "-1", "1.5") fails the build, as the
    reproducible-builds specification asks: a build that fell back to today would not be the one asked for.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return date.today()
    if not (epoch.isascii() and epoch.isdigit()):
        raise DiscretionError(f"SOURCE_DATE_EPOCH={epoch[:30]!r} is not a whole number of seconds since "
                              "1970-01-01 UTC (digits only, e.g. 1748736000); set it to one or unset it",
                              code="bad-build-date", location=Location("SOURCE_DATE_EPOCH"))
    try:
        return datetime.fromtimestamp(int(epoch), UTC).date()
    except (OverflowError, OSError, ValueError):  # past the calendar: not a date to build on
        raise DiscretionError(f"SOURCE_DATE_EPOCH={epoch[:30]} is not a time a calendar date can be read from",
                              code="bad-build-date", location=Location("SOURCE_DATE_EPOCH")) from None


def _label(column: tuple[str, str]) -> str:
    """A column's label for data-label (a phone shows it before each cell): both languages, as plain text."""
    return esc(f"{column[0]} {column[1]}")


def _glossed(labels: Iterable[tuple[str, str]], sep: str = "、") -> str:
    """Labels, each Chinese with its English gloss, in one cell."""
    return sep.join(t(zh, en) for zh, en in labels)


def _slug(text: str) -> str:
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "-" for c in text).strip("-.")
    return safe or "v"


@dataclass(frozen=True)
class SiteLayout:
    """Where each ruleset version's pages live (relative, POSIX paths)."""

    @staticmethod
    def ruleset_dir(ruleset: CompiledRuleset) -> str:
        return f"r/{_slug(ruleset.id)}/{_slug(ruleset.version)}/"


class _Builder:
    def __init__(self, rulesets: Sequence[CompiledRuleset], out: Path, templates: Templates, title: str,
                 today: date) -> None:
        self.rulesets, self.out, self.templates, self.title, self.today = rulesets, out, templates, title, today
        self.files: dict[str, str] = {}
        self.statutes: dict[str, Statute] = {}
        self.names: dict[str, str] = {}
        by_id: dict[str, list[CompiledRuleset]] = defaultdict(list)
        for ruleset in rulesets:
            by_id[ruleset.id].append(ruleset)
        self.by_id = {k: sorted(v, key=lambda r: (r.model.effective, r.version)) for k, v in by_id.items()}

    # -- output ---------------------------------------------------------------------------------
    def write(self, rel: str, text: str) -> None:
        self.files[rel] = text  # written to the folder at the end, once the whole site is made (see _commit)

    def page(self, rel: str, title: str, body: str, crumbs: Sequence[tuple[str, str | None]],
             scripts: Sequence[str] = ()) -> None:
        root = "../" * rel.count("/")
        items = "".join(f'<li><a href="{root}{href}">{label}</a></li>' if href else
                        f'<li aria-current="page">{label}</li>' for label, href in crumbs)
        self.write(rel, self.templates.render("layout.html", {
            "title": esc(title), "root": root, "site_title": esc(self.title), "generator": "",
            "breadcrumb": f"<ol>{items}</ol>", "body": body, "footer": "",
            "scripts": "".join(f'<script src="{root}{src}"></script>' for src in scripts),
        }))

    # -- citations ------------------------------------------------------------------------------
    def statute(self, law: str, version: str) -> Statute | None:
        from datetime import date

        found = bundled(law, date.fromisoformat(version))
        if found is not None:
            self.statutes.setdefault(found.slug, found)
        return found

    def cite(self, citation: Citation, root: str, *, quote: bool = True) -> str:
        label = esc(citation.label())
        statute = self.statute(citation.law, citation.version.isoformat()) \
            if citation.law and citation.version else None
        if statute is not None and citation.article in statute.numbers and citation.article is not None:
            label = f'<a href="{root}statutes/{statute.slug}.html#{article_anchor(citation.article)}">{label}</a>'
        elif citation.url and citation.url.startswith(("http://", "https://")):
            label = f'<a href="{esc(citation.url)}" rel="external noopener">{label}</a>'
        label += _badge(citation.status.value)
        if quote and citation.text:
            label += f"<br><q>{esc(citation.text)}</q>"
        return label

    def cites(self, citations: Iterable[Citation], root: str) -> str:
        parts = [self.cite(c, root) for c in citations]
        return "<br>".join(parts) if parts else "—"

    # -- pages ----------------------------------------------------------------------------------
    def build(self) -> dict[str, str]:
        self.assets()
        for versions in self.by_id.values():
            for ruleset in versions:
                self.ruleset_page(ruleset, versions)
                self.calculator_page(ruleset)
        for law, version in ALWAYS_STATUTES:
            self.statute(law, version)
        for statute in sorted(self.statutes.values(), key=lambda s: (s.law, s.version)):
            self.statute_page(statute)
        self.statute_index()
        self.index()
        return self.files

    def assets(self) -> None:
        self.write("assets/style.css", self.templates.text("style.css"))
        evaluator = resources.files(__package__).joinpath("templates", "evaluator.js").read_text(encoding="utf-8")
        self.write("assets/evaluator.js", evaluator)  # never overridden: it must equal the tested one
        self.write("assets/calculator.js", self.templates.text("calculator.js"))

    def index(self) -> None:
        by_department: dict[str, list[CompiledRuleset]] = defaultdict(list)
        for versions in self.by_id.values():
            by_department[versions[-1].model.department].append(versions[-1])
        sections = [self.templates.render("index-intro.html", {})]
        toc = "".join(f'<li><a href="#dept-{esc(d)}">{t(*DEPARTMENTS.get(d, (d, "")))}</a></li>'
                      for d in sorted(by_department))
        sections.append(f'<nav aria-label="部门 Departments"><ul class="plain">{toc}</ul></nav>')
        for department in sorted(by_department):
            zh, en = DEPARTMENTS.get(department, (department, ""))
            cards = []
            for ruleset in sorted(by_department[department], key=lambda r: r.id):
                model, base = ruleset.model, SiteLayout.ruleset_dir(ruleset)
                draft = f' <span class="badge">{t("征求意见稿", "draft")}</span>' if model.draft else ""
                dates = f"{esc(model.effective.isoformat())} {t('起施行', 'in force from')}"
                if model.expires:
                    dates += f" · {esc(model.expires.isoformat())} {t('失效', 'expires')}"
                cards.append(
                    f'<li><h3><a href="{base}index.html">{esc(model.title.zh)}</a>{draft}'
                    f"{_badge(model.status.value)}{self.in_force_badge(model)}</h3>"
                    f'<p class="en" lang="en">{esc(model.title.en)}</p>'
                    f"<p>{esc(model.issuer.zh)} {esc(model.document or '')}<br>{t('版本', 'version')} "
                    f"{esc(model.version)} · {dates} · {len(model.violations)} {t('项违法行为', 'violations')} · "
                    f"{len(model.list_items)} {t('项清单', 'list items')}</p>"
                    f'<p class="actions"><a href="{base}index.html">{t("清单与基准", "lists and baselines")}</a>'
                    f'<a href="{base}calculator.html">{t("裁量计算器", "discretion calculator")}</a></p></li>')
            sections.append(f'<section aria-labelledby="dept-{esc(department)}"><h2 id="dept-{esc(department)}">'
                            f'{t(zh, en)}</h2><ul class="cards">{"".join(cards)}</ul></section>')
        sections.append('<p><a href="statutes/index.html">引用的法律、法规全文 <span class="en" lang="en">'
                        "statutes cited</span></a></p>")
        body = f"<h1>{esc(self.title)}</h1>" + "".join(sections)
        self.page("index.html", self.title, body, [("首页 Home", None)])

    def in_force_badge(self, model: Ruleset) -> str:
        """已失效 (expired) or 尚未施行 (not yet in force), judged on the build date; nothing while in force."""
        if model.expires is not None and model.expires <= self.today:
            return f' <span class="badge status-expired">{t("已失效", "expired")}</span>'
        if model.effective > self.today:
            return f' <span class="badge status-pending">{t("尚未施行", "not yet in force")}</span>'
        return ""

    def ruleset_page(self, ruleset: CompiledRuleset, versions: Sequence[CompiledRuleset]) -> None:
        self.names = {name: spec.zh for name, spec in ruleset.schema.items()}
        model, base = ruleset.model, SiteLayout.ruleset_dir(ruleset)
        root = "../" * base.count("/")
        parts = [f"<h1>{t(model.title.zh, model.title.en, block=True)}</h1>",
                 self.templates.render("ruleset-intro.html", {"id": esc(model.id), "version": esc(model.version)}),
                 '<p class="actions"><a href="calculator.html">裁量计算器 <span class="en" lang="en">discretion '
                 'calculator</span></a><a href="ruleset.json" download>规则数据 (JSON) <span class="en" lang="en">'
                 'ruleset data</span></a></p>',
                 self.metadata(ruleset), self.history(ruleset, versions, root)]
        for kind in ListKind:
            parts.append(self.list_table(ruleset, kind, root))
        parts.append(self.baseline_table(ruleset, root))
        if model.note:
            parts.append(f'<h2>说明 <span class="en" lang="en">Notes</span></h2><p>{esc(model.note)}</p>')
        crumbs = [("首页 Home", "index.html"), (esc(DEPARTMENTS.get(model.department, (model.department, ""))[0]),
                                               f"index.html#dept-{esc(model.department)}"),
                  (f"{esc(model.title.zh)}（{esc(model.version)}）", None)]
        self.page(base + "index.html", f"{model.title.zh} {model.version}", "".join(parts), crumbs)

    def metadata(self, ruleset: CompiledRuleset) -> str:
        m = ruleset.model
        rows = [("制定机关", "issuer", t(m.issuer.zh, m.issuer.en)), ("文号", "document", esc(m.document or "未载明")),
                ("适用地域", "jurisdiction", esc(m.jurisdiction)), ("版本", "version", esc(m.version)),
                ("公布日期", "published", esc(m.published.isoformat() if m.published else "—")),
                ("施行日期", "effective", esc(m.effective.isoformat())),
                ("失效日期", "expires", esc(m.expires.isoformat() if m.expires else "—") + self.in_force_badge(m)),
                ("核实状态", "verification", t(*STATUS[m.status.value]) + _badge(m.status.value)),
                ("规则编号", "ruleset id", f"<code>{esc(m.id)}</code>"),
                ("内容摘要", "sha256", f"<code>{esc(ruleset.sha256)}</code>")]
        if m.draft:
            rows.insert(0, ("性质", "nature", t("征求意见稿，尚未生效", "a draft for comment, never in force")))
        if m.dates_note:
            rows.append(("日期说明", "dates", esc(m.dates_note)))
        meta = "".join(f'<dt>{esc(zh)} <span class="en" lang="en">{esc(en)}</span></dt><dd>{value}</dd>'
                       for zh, en, value in rows)
        sources = "".join(f"<li>{self.source(s)}</li>" for s in m.sources)
        return (f'<h2>基本信息 <span class="en" lang="en">About this document</span></h2><dl class="meta">{meta}</dl>'
                f'<h3>来源 <span class="en" lang="en">Sources</span></h3><ul>{sources}</ul>')

    def source(self, source: Source) -> str:
        title = esc(source.title)
        if source.url:
            href = source.url if source.url.startswith(("http://", "https://")) else f"https://{source.url}"
            title = f'<a href="{esc(href)}" rel="external noopener">{title}</a>'
        extra = " ".join(esc(x) for x in (source.issuer, source.document,
                                          source.issued.isoformat() if source.issued else None) if x)
        status = _badge(source.status.value) or \
            f' <span class="badge status-verified">{t(*STATUS[source.status.value])}</span>'
        return f"{title} {extra}{status}" + (f'<br><span class="en">{esc(source.note)}</span>' if source.note else "")

    def history(self, ruleset: CompiledRuleset, versions: Sequence[CompiledRuleset], root: str) -> str:
        rows = []
        previous: Ruleset | None = None
        for version in versions:
            href = f"{root}{SiteLayout.ruleset_dir(version)}index.html"
            name = esc(version.version)
            label = f'<strong>{name}</strong>（本页 <span class="en" lang="en">this page</span>）' \
                if version is ruleset else f'<a href="{href}">{name}</a>'
            lines = changes(previous, version.model)
            rows.append([label, esc(version.model.effective.isoformat()),
                         esc(version.model.expires.isoformat() if version.model.expires else "—"),
                         "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"])
            previous = version.model
        return ('<h2>版本沿革 <span class="en" lang="en">Version history</span></h2>' +
                row_table("版本沿革及变更内容 <span class=\"en\" lang=\"en\">versions and what changed</span>",
                          [t("版本", "version"), t("施行", "in force"), t("失效", "expires"),
                           t("变更内容", "what changed")], rows))

    def conditions(self, conditions: Sequence[CompiledCondition]) -> str:
        if not conditions:
            return "—"
        items = []
        for cond in conditions:
            spec = cond.spec
            text = esc(spec.zh) if spec.zh else f"<code>{esc(spec.when)}</code>"
            gloss = f' <span class="en" lang="en">{esc(spec.en)}</span>' if spec.en else ""
            code = f' <span class="en" lang="en"><code>{esc(spec.when)}</code></span>' if spec.zh else ""
            items.append(f"<li>{text}{gloss}{code}</li>")
        return f'<ul class="conditions">{"".join(items)}</ul>'

    def list_table(self, ruleset: CompiledRuleset, kind: ListKind, root: str) -> str:
        rows = []
        for index, item in enumerate(i for i in ruleset.model.list_items if i.kind is kind):
            compiled = next(ci for v in ruleset.violations.values() for ci in v.items if ci.model is item)
            violations = [ruleset.violations[v].model for v in item.applies_to]
            title = "<br>".join(t(v.title.zh, v.title.en, block=True) + _badge(v.status.value) for v in violations)
            if item.text:
                title += f"<br><q>{esc(item.text)}</q>"
            result = t(*MODALITY[item.modality.value])
            if item.ground:
                result += f"<br>{t(*GROUNDS[item.ground.value])}"
            if item.fine:
                result += f'<br>罚款 <span class="en" lang="en">fine</span>：{esc(fine_text(item.fine, self.names))}'
            measures = _glossed((ruleset.measure_labels[m] for m in item.measures), "<br>") or "—"
            calc = f'<br><a class="no-print" href="calculator.html?violation={esc(item.applies_to[0])}">{TRY_IT}</a>'
            rows.append([f"{index + 1}<br><code>{esc(item.id)}</code>{_badge(item.status.value)}", title + calc,
                         self.cites((c for v in violations for c in v.legal_basis), root),
                         self.cites((c for v in violations for c in v.penalty_basis), root),
                         self.conditions(compiled.conditions), result, measures, self.cite(item.basis, root)])
        if not rows:
            return ""
        zh, en = LIST_KINDS[kind.value]
        issuer = ruleset.model.issuer
        caption = t(f"{issuer.zh}{zh}", f"{issuer.en}: {en}" if issuer.en else en)
        return (f'<h2 id="list-{kind.value}">{t(zh, en)}</h2>' +
                row_table(caption, [t(*c) for c in LIST_COLUMNS], rows))

    def baseline_table(self, ruleset: CompiledRuleset, root: str) -> str:
        rows: list[str] = []
        for number, violation in enumerate(ruleset.violations.values(), start=1):
            rows.extend(self.baseline_rows(number, violation, root))
        head = "".join(f'<th scope="col">{t(*c)}</th>' for c in BASELINE_COLUMNS.values())
        return ('<h2 id="baselines">行政处罚裁量基准 <span class="en" lang="en">Discretion baselines</span></h2>'
                f'<div class="table-wrap"><table class="responsive baseline"><caption>{esc(ruleset.model.issuer.zh)}'
                f'行政处罚裁量基准表 <span class="en" lang="en">baseline table</span></caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")

    def baseline_rows(self, number: int, violation: CompiledViolation, root: str) -> list[str]:
        model = violation.model
        statutory = model.statutory
        bands = "<br>".join(band_text(b, self.names) for b in statutory.bands) or "—"
        types = _glossed(PENALTY_TYPES[p.value] for p in statutory.types)
        optional = _glossed(PENALTY_TYPES[p.value] for p in statutory.optional_types)
        also = '；可以并处 <span class="en" lang="en">may also impose</span> ' + optional if optional else ""
        law = f"{types}{also}<br>{bands}"
        if statutory.text:
            law += f"<br><q>{esc(statutory.text)}</q>"
        measures = _glossed(label for label, applies in ((MEASURES["order_correction"], statutory.order_correction),
                                                         (PENALTY_TYPES["confiscate_illegal_gains"],
                                                          statutory.confiscate_illegal_gains)) if applies) or "—"
        tiers = violation.tiers or (None,)
        span = len(tiers)
        out = []
        for index, tier in enumerate(tiers):
            cells = ""
            if index == 0:
                rs = f' rowspan="{span}"' if span > 1 else ""
                labels = [_label(BASELINE_COLUMNS[c]) for c in ("number", "violation", "legal", "penalty", "statutory")]
                values = [str(number), t(model.title.zh, model.title.en, block=True) + _badge(model.status.value) +
                          f'<br><a class="no-print" href="calculator.html?violation={esc(violation.id)}">{TRY_IT}</a>',
                          self.cites(model.legal_basis, root), self.cites(model.penalty_basis, root), law]
                cells += f'<th scope="rowgroup"{rs} data-label="{labels[0]}">{values[0]}</th>'
                cells += "".join(f'<td{rs} data-label="{lab}">{val}</td>' for lab, val in zip(labels[1:], values[1:],
                                                                                             strict=True))
            tier_cell, when_cell, standard_cell = (_label(BASELINE_COLUMNS[c]) for c in
                                                   ("tier", "circumstances", "standard"))
            if tier is None:
                cells += (f'<td data-label="{tier_cell}">—</td><td data-label="{when_cell}">'
                          f'{t("未设裁量阶次，按法定幅度", "no tiers: the statutory range applies")}</td>'
                          f'<td data-label="{standard_cell}">{t("按法定幅度", "the statutory range")}</td>')
            else:
                tm = tier.model
                label = t(tm.label.zh, tm.label.en) if tm.label else t(*OUTCOMES[tm.outcome.value])
                band = f"<br>（{esc(tm.band)}）" if tm.band else ""
                standard = esc(fine_text(tm.fine, self.names)) if tm.fine else \
                    t("按公式或法定幅度", "by the formula or the statutory range")
                if tm.types:
                    standard = _glossed(PENALTY_TYPES[p.value] for p in tm.types) + "<br>" + standard
                circumstances = self.conditions(tier.conditions)
                if tm.text:
                    circumstances += f"<q>{esc(tm.text)}</q>"
                if tm.basis:
                    circumstances += f"<br>{self.cite(tm.basis, root, quote=False)}"
                cells += (f'<td data-label="{tier_cell}">{label}{band}</td>'
                          f'<td data-label="{when_cell}">{circumstances}</td>'
                          f'<td data-label="{standard_cell}">{standard}</td>')
            if index == 0:
                rs = f' rowspan="{span}"' if span > 1 else ""
                cells += f'<td{rs} data-label="{_label(BASELINE_COLUMNS["measures"])}">{measures}</td>'
            out.append(f"<tr>{cells}</tr>")
        return out

    def calculator_page(self, ruleset: CompiledRuleset) -> None:
        model, base = ruleset.model, SiteLayout.ruleset_dir(ruleset)
        data = export_ruleset(ruleset)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        self.write(base + "ruleset.json", text)
        embedded = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
        body = (f'<h1>裁量计算器 <span class="en" lang="en">Discretion calculator</span><br>{esc(model.title.zh)}'
                f"（{esc(model.version)}）</h1>"
                "<p>选择违法行为，回答有关事实，即可看到建议的处理结果及其理由。计算全部在本页内完成，不发送任何数据；"
                "不确定的事实可以留空，结果会提示“案件事实不全”。本结果仅供参考，不代替执法决定。</p>"
                '<p class="en" lang="en">Pick a violation and answer the questions about its facts. Everything is '
                "computed in this page and nothing is sent anywhere; leave a fact blank when it is not known.</p>"
                '<noscript><p class="errors">计算器需要启用 JavaScript。 <span lang="en">The calculator needs '
                "JavaScript.</span></p></noscript>"
                '<form class="calculator" id="calculator" novalidate><div class="fact"><label for="violation">违法行为 '
                '<span class="en" lang="en">violation</span></label><select id="violation" name="violation"></select>'
                '</div><div id="facts"></div><button type="submit" id="compute">计算 <span lang="en">Compute'
                "</span></button></form>"
                '<section aria-live="polite" aria-labelledby="result-title"><h2 id="result-title">结果 '
                '<span class="en" lang="en">Recommendation</span></h2><div id="result"></div></section>'
                f'<script type="application/json" id="ruleset-data">{embedded}</script>')
        crumbs = [("首页 Home", "index.html"), (f"{esc(model.title.zh)}（{esc(model.version)}）", base + "index.html"),
                  ("裁量计算器 Calculator", None)]
        self.page(base + "calculator.html", f"裁量计算器 · {model.title.zh}", body, crumbs,
                  scripts=("assets/evaluator.js", "assets/calculator.js"))

    def statute_page(self, statute: Statute) -> None:
        parts = [f"<h1>{esc(statute.heading)}</h1>",
                 f"<p>版本 <span class=\"en\" lang=\"en\">version</span> {esc(statute.version.isoformat())}</p>"]
        if statute.history:
            parts.append("<ul>" + "".join(f"<li>{esc(line)}</li>" for line in statute.history) + "</ul>")
        chapter: str | None = None
        seen: set[str] = set()
        for article in statute.articles:
            if article.chapter != chapter and article.chapter:
                parts.append(f"<h2>{esc(article.chapter)}</h2>")
            chapter = article.chapter
            anchor = article_anchor(article.number)
            if "之" in article.label or anchor in seen:
                anchor = f"{anchor}-{len(seen)}"
            seen.add(anchor)
            paragraphs = "".join(f"<p>{esc(p)}</p>" for p in article.paragraphs if p)
            parts.append(f'<article class="statute-article" id="{anchor}"><h3>{esc(article.label)}</h3>'
                         f"{paragraphs}</article>")
        parts.append('<p class="en" lang="en">Text from LawRefBook/Laws; laws and regulations are not subject to '
                     "copyright in China (Copyright Law art. 5).</p>")
        crumbs = [("首页 Home", "index.html"), ("法律法规 Statutes", "statutes/index.html"),
                  (f"{esc(statute.law)}（{esc(statute.version.isoformat())}）", None)]
        self.page(f"statutes/{statute.slug}.html", f"{statute.heading}（{statute.version.isoformat()}）",
                  "".join(parts), crumbs)

    def statute_index(self) -> None:
        rows = [[f'<a href="{s.slug}.html">{esc(s.heading)}</a>', esc(s.version.isoformat()), str(len(s.articles))]
                for s in sorted(self.statutes.values(), key=lambda s: (s.law, s.version))]
        body = ('<h1>引用的法律、法规 <span class="en" lang="en">Statutes cited</span></h1>' +
                row_table(t("法律、法规全文", "full texts"), [t("名称", "title"), t("版本", "version"),
                                                           t("条数", "articles")], rows))
        self.page("statutes/index.html", "引用的法律、法规", body,
                  [("首页 Home", "index.html"), ("法律法规 Statutes", None)])


def _amount(fine: Fine) -> str:
    if fine.min and fine.max is not None:
        return f"{yuan(fine.min)}以上{yuan(fine.max)}以下"
    if fine.max is not None:
        return f"{yuan(fine.max)}以下"
    if fine.min:
        return f"{yuan(fine.min)}以上"
    return ""


def fine_text(fine: Fine, names: Mapping[str, str] | None = None) -> str:
    """A fine as the official tables word it: 2000元以上10000元以下, 违法所得1倍以上5倍以下 …"""
    def label(fact: str | None) -> str:
        return (names or {}).get(fact or "", fact or "")

    shape = fine.shape
    if shape is FineShape.fixed and fine.fixed is not None:
        text = yuan(fine.fixed)
    elif shape is FineShape.multiple:
        low = f"{fine.min_multiple.normalize():f}倍以上" if fine.min_multiple else ""
        high = f"{fine.max_multiple.normalize():f}倍以下" if fine.max_multiple is not None else ""
        base = label(fine.multiple_of)
        text = f"{base}的{low}{high}"
        if fine.min or fine.max:
            text += f"（{_amount(fine)}）"
        if fine.no_base is not None:
            text += f"；没有{base}的，{fine_text(fine.no_base, names)}"
    elif shape is FineShape.per_unit and fine.per_unit is not None:
        per = fine.per_unit
        each = f"按{label(per.amount_of)}" if per.amount_of \
            else _amount(Fine(min=per.min or None, max=per.max))
        text = f"每{label(fine.units)}：{each}"
    elif shape is FineShape.percent and fine.percent is not None:
        text = f"法定幅度的{fine.percent[0].normalize():f}%至{fine.percent[1].normalize():f}%"
    else:
        text = _amount(fine) or "罚款"
    if fine.only_if:
        text += f"（仅当 {fine.only_if_zh or fine.only_if}）"
    return text


def band_text(band: Band, names: Mapping[str, str] | None = None) -> str:
    """One statutory band, escaped: its label, its mandatory penalties (the fine, when it is one, first and worded
    as the official tables word it), what it may add (可以并处, the fine too when the statute makes it optional)
    and the statute's own wording for the band."""
    parts = []
    if band.label:
        parts.append(f"{t(band.label.zh, band.label.en)}：")
    elif band.when:
        parts.append(f"<code>{esc(band.when)}</code>：")
    optional_fine = "fine" in (p.value for p in band.optional_types)
    fine = esc(fine_text(band.fine, names) + "罚款") if band.fine is not None else ""
    shall: list[str] = []
    if fine and not optional_fine:
        shall.append(f'{fine} <span class="en" lang="en">fine</span>')
    shall += [t(*PENALTY_TYPES[p.value]) for p in band.types if p.value != "fine" or not fine]
    if shall:
        parts.append(("可以处" if band.modality.value == "may" else "处") + "、".join(shall))
    may = [f'{fine} <span class="en" lang="en">fine</span>' if p.value == "fine" and fine
           else t(*PENALTY_TYPES[p.value]) for p in band.optional_types]
    if may:
        parts.append(("；" if shall else "") + '可以并处 <span class="en" lang="en">may also impose</span> '
                     + "、".join(may))
    if band.text:
        parts.append(f"<br><q>{esc(band.text)}</q>")
    return "".join(parts)


def _commit(files: Mapping[str, str], target: Path) -> list[Path]:
    """Write the site into ``target``; delete only what an earlier build wrote (its manifest) and no longer writes.

    A file the publisher did not write (not in the manifest) is never deleted nor overwritten: a folder holding
    such a file where the site would write refuses the build, naming the files, before anything is written.
    A folder or file that cannot be made, written or deleted (a parent that is a file, no permission, a full
    disk) is a located error naming that path, never a raw OSError.
    """
    written: list[Path] = []
    try:
        _write(files, target, written)
    except OSError as exc:
        failed = os.fsdecode(exc.filename) if exc.filename is not None else str(target)
        state = (f"{len(written)} files were written into {target}, which is incomplete: fix it and publish again"
                 if written else "no file of the site was completed")
        blocker = _file_above(Path(failed)) if isinstance(exc, NotADirectoryError) else None
        why = f"{blocker} is a file, not a folder" if blocker is not None else exc.strerror or str(exc)
        raise DiscretionError(f"{failed} cannot be written or removed ({why}); {state}",
                              code="publish-unwritable", location=Location(failed)) from None
    return written


def _file_above(path: Path) -> Path | None:
    """The file that stands where a folder above ``path`` should be (why making ``path`` failed), if one does."""
    for parent in path.parents:
        try:
            if parent.is_file():
                return parent
        except OSError:
            return None
    return None


def _write(files: Mapping[str, str], target: Path, written: list[Path]) -> None:
    """``_commit``'s work, adding each file written to ``written`` as it goes."""
    if target.exists() and not target.is_dir():
        raise DiscretionError(f"{target} is a file, not a folder to publish into", code="publish-folder-not-ours",
                              location=Location(str(target)))
    manifest = target / MANIFEST
    ours: set[str] = set()
    if manifest.is_file():
        try:
            listed = manifest.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise DiscretionError(f"{manifest} cannot be read ({exc}); nothing was written: delete the folder and "
                                  "publish again", code="publish-folder-not-ours", location=Location(str(manifest))
                                  ) from None
        for line in listed:
            rel = line.strip()
            if rel and not rel.startswith("#") and ".." not in Path(rel).parts and not Path(rel).is_absolute():
                ours.add(rel)
    clashes = sorted(rel for rel, text in files.items() if rel not in ours and (target / rel).exists()
                     and not _same(target / rel, text))
    if clashes:
        shown = ", ".join(clashes[:5]) + (f" and {len(clashes) - 5} more" if len(clashes) > 5 else "")
        legacy = "" if manifest.is_file() else \
            f" ({MANIFEST} is missing: a site published by an earlier discretion has none; delete it and publish again)"
        raise DiscretionError(
            f"{target} holds files this publisher did not write where the site would write: {shown}{legacy}; "
            "nothing was written. Publish into a new or empty folder, or move those files away",
            code="publish-folder-not-ours", location=Location(str(target)))
    for rel, text in files.items():
        path = target / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    for rel in sorted(ours - set(files)):  # a rebuild drops versions no longer published, and only those
        path = target / rel
        if path.is_file() or path.is_symlink():
            path.unlink()
            parent = path.parent
            while parent != target and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
    manifest.write_text("# files written by discretion publish; a rebuild deletes these and only these\n"
                        + "".join(f"{rel}\n" for rel in sorted(files)), encoding="utf-8")


def _same(path: Path, text: str) -> bool:
    try:
        return path.is_file() and path.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        return False


def build_site(rulesets: Sequence[CompiledRuleset], out: str | Path, *, templates: str | Path | None = None,
               title: str = "行政处罚裁量基准与免罚清单", today: date | None = None) -> list[Path]:
    """Write the site for these ruleset versions into ``out``; return the files written.

    ``today`` is the day expiry is judged on (default :func:`build_date`): the same rulesets on the same day
    give the same bytes. A rebuild removes only the files an earlier build listed in its manifest
    (``discretion-manifest.txt``); a folder with others' files where the site would write is refused.
    """
    target = Path(out)
    builder = _Builder(rulesets, target, Templates(Path(templates) if templates else None), title,
                       today or build_date())
    return _commit(builder.build(), target)
