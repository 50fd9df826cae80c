"""The catalogue of rulesets found under a folder: what `discretion rulesets` and rulesets/README.md show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Problem
from .models.common import Verification
from .registry import load_all

__all__ = ["catalogue", "catalogue_markdown"]

_DEPARTMENTS = {
    "tax": "税务 (tax)", "market": "市场监管 (market regulation)", "environment": "生态环境 (ecology and environment)",
    "transport": "交通运输 (transport)", "urban": "城市管理 (urban management)",
    "safety": "应急管理 (emergency management, work safety)", "labour": "人力资源和社会保障 (labour)",
    "health": "卫生健康 (health)", "culture": "文化和旅游 (culture and tourism)",
}


def catalogue(root: str | Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """One entry per ruleset version found, and the problems of files that do not load."""
    entries: list[dict[str, Any]] = []
    found, problems = load_all(root)
    for file, ruleset in found:
        model = ruleset.model
        unverified = sum(1 for item in model.list_items if item.status is Verification.unverified)
        entries.append({
            "id": model.id, "version": model.version, "department": model.department,
            "title": model.title.zh, "issuer": model.issuer.zh, "document": model.document,
            "jurisdiction": model.jurisdiction, "published": _iso(model.published), "effective": _iso(model.effective),
            "expires": _iso(model.expires), "status": model.status.value, "draft": model.draft,
            "violations": len(model.violations), "list_items": len(model.list_items),
            "unverified_items": unverified, "tiers": sum(len(v.tiers) for v in model.violations.values()),
            "path": str(file), "sha256": ruleset.sha256, "current": file.parent.name != "versions",
        })
    entries.sort(key=lambda e: (e["department"], e["id"], e["effective"] or ""))
    return entries, problems


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def catalogue_markdown(entries: list[dict[str, Any]], base: Path) -> str:
    """The index table of rulesets/README.md, one row per ruleset version."""
    lines = ["| department | ruleset | issuer · 文号 | version · effective – expires | violations · items · tiers "
             "| status |", "|---|---|---|---|---|---|"]
    for e in entries:
        path = Path(e["path"]).resolve().relative_to(base.resolve())
        document = f" · {e['document']}" if e["document"] else ""
        status = e["status"] + (" · draft" if e["draft"] else "") + (
            f" · {e['unverified_items']} unverified" if e["unverified_items"] else "")
        lines.append(
            f"| {_DEPARTMENTS.get(e['department'], e['department'])} | [{e['title']}]({path}) `{e['id']}` "
            f"| {e['issuer']}{document} | {e['version']} · {e['effective']} – {e['expires'] or ''} "
            f"| {e['violations']} · {e['list_items']} · {e['tiers']} | {status} |")
    return "\n".join(lines) + "\n"
