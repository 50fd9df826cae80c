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


# Texts whose change is said in a line of its own, without the texts themselves (they can be long).
_NOTES = {"sources": ("来源", "sources"), "note": ("说明", "notes"), "dates_note": ("日期说明", "note on the dates"),
          "waivers": ("检查豁免", "check waivers")}
_FACT_FIELDS = {"default": "默认值", "type": "类型", "values": "取值", "min": "最小值", "max": "最大值", "unit": "单位",
                "direction": "方向", "implies": "蕴含", "zh": "名称", "en": "英文名称", "description": "说明"}


def _fact_lines(previous: Ruleset, current: Ruleset) -> list[str]:
    """Declared facts added, removed or changed, with what changed in each (a default decides recommendations)."""
    lines = []
    old, new = previous.facts, current.facts
    for key in new:
        name = esc(new[key].zh or "")
        if key not in old:
            lines.append(f"新增事实 <code>{esc(key)}</code> {name}")
            continue
        before, after = _dump(old[key]), _dump(new[key])
        if before == after:
            continue
        fields = [f for f in sorted(set(before) | set(after)) if before.get(f) != after.get(f)]
        said = []
        for field in fields:
            label = _FACT_FIELDS.get(field, field)
            was, now = before.get(field), after.get(field)
            if isinstance(was, dict | list) or isinstance(now, dict | list):
                said.append(f"{esc(label)}（已修改）")
            else:
                said.append(f"{esc(label)} <code>{esc(_json(was))}</code> → <code>{esc(_json(now))}</code>")
        lines.append(f"修改事实 <code>{esc(key)}</code> {name}：{'；'.join(said)}"
                     ' <span class="en" lang="en">fact changed</span>')
    lines.extend(f"删除事实 <code>{esc(key)}</code> {esc(old[key].zh or '')}" for key in old if key not in new)
    return lines


def _json(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def changes(previous: Ruleset | None, current: Ruleset) -> list[str]:
    """Escaped HTML lines: metadata, facts, measures, violations and list items added, changed or removed,
    and a line for each text (sources, notes) that changed."""
    if previous is None:
        return [f"首次公布：{len(current.violations)} 项违法行为，{len(current.list_items)} 项清单事项"
                ' <span class="en" lang="en">first published version</span>']
    lines = [f"{label}：{esc(_text(getattr(previous, key)))} → {esc(_text(getattr(current, key)))}"
             for key, label in _META.items() if _dump(getattr(previous, key)) != _dump(getattr(current, key))]
    lines += _fact_lines(previous, current)
    measures = {k: v.zh for k, v in {**previous.measures, **current.measures}.items()}
    lines += _keyed(previous.measures, current.measures, "配套监管措施", measures)
    lines += [f'{zh}已修改 <span class="en" lang="en">{en} changed</span>' for key, (zh, en) in _NOTES.items()
              if _dump(getattr(previous, key)) != _dump(getattr(current, key))]
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
