"""What changed between two published versions of a ruleset, in words a reader of the site can follow.

The comparison is of the data (violations, list items, parameters, dates), not of the YAML text, so
reformatting a file never shows as a change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..models.ruleset import Ruleset
from .html import esc

__all__ = ["changes"]

_META = {"title": "名称", "issuer": "制定机关", "document": "文号", "jurisdiction": "适用地域",
         "published": "公布日期", "effective": "施行日期", "expires": "失效日期", "parameters": "参数",
         "formulas": "裁量公式", "status": "核实状态", "draft": "征求意见稿"}


def _dump(value: Any) -> Any:
    return value.model_dump(mode="json", by_alias=True) if hasattr(value, "model_dump") else value


def _keyed(old: Mapping[str, Any], new: Mapping[str, Any], noun: str, name: Mapping[str, str]) -> list[str]:
    lines = []
    for key in new:
        if key not in old:
            lines.append(f"新增{noun} <code>{esc(key)}</code> {esc(name.get(key, ''))}")
        elif _dump(old[key]) != _dump(new[key]):
            lines.append(f"修改{noun} <code>{esc(key)}</code> {esc(name.get(key, ''))}")
    lines.extend(f"删除{noun} <code>{esc(key)}</code> {esc(name.get(key, ''))}" for key in old if key not in new)
    return lines


def changes(previous: Ruleset | None, current: Ruleset) -> list[str]:
    """Escaped HTML lines: metadata, violations and list items added, changed or removed."""
    if previous is None:
        return [f"首次公布：{len(current.violations)} 项违法行为，{len(current.list_items)} 项清单事项"
                ' <span class="en" lang="en">first published version</span>']
    lines = [f"{label}：{esc(_text(getattr(previous, key)))} → {esc(_text(getattr(current, key)))}"
             for key, label in _META.items() if _dump(getattr(previous, key)) != _dump(getattr(current, key))]
    names = {k: v.title.zh for k, v in {**previous.violations, **current.violations}.items()}
    lines += _keyed(previous.violations, current.violations, "违法行为", names)
    old_items = {i.id: i for i in previous.list_items}
    new_items = {i.id: i for i in current.list_items}
    item_names = {i.id: names.get(i.applies_to[0], "") for i in (*previous.list_items, *current.list_items)}
    lines += _keyed(old_items, new_items, "清单事项", item_names)
    return lines or ['内容未变 <span class="en" lang="en">no change in content</span>']


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "zh"):
        return str(value.zh)
    if hasattr(value, "model_dump") or isinstance(value, tuple):
        return "（已修改）"
    return str(value)
