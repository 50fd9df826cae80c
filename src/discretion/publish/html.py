"""A tiny, escaping HTML toolkit and the template loader (stdlib ``string.Template``).

Every value from a ruleset passes through :func:`esc` (or :func:`t` for bilingual text); fragments are
built as already-escaped strings. Templates are package data; a department overrides any of them by
putting a file of the same name in its templates folder.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from importlib import resources
from pathlib import Path
from string import Template

__all__ = ["Templates", "esc", "row_table", "t", "yuan"]

OVERRIDABLE = ("layout.html", "style.css", "calculator.js", "index-intro.html", "ruleset-intro.html")


def esc(value: object) -> str:
    """Escape for text and attribute positions alike."""
    return html.escape("" if value is None else str(value), quote=True)


def t(zh: str | None, en: str | None = None, *, block: bool = False) -> str:
    """Chinese first, with the English gloss marked lang="en" (hidden when printed)."""
    out = esc(zh or "")
    if en:
        gloss = f'<span class="en" lang="en">{esc(en)}</span>'
        out += f"<br>{gloss}" if block else f" {gloss}"
    return out


def yuan(value: Decimal) -> str:
    """2000 → 2000元; 0.50 → 0.5元 (amounts as the official tables write them)."""
    return f"{value.normalize():f}元"


def row_table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]], *, css: str = "responsive",
              row_headers: bool = True) -> str:
    """A captioned table; each header has scope="col" and each row's first cell scope="row".

    Cells are already-escaped fragments; on a phone, each cell shows its column label before it.
    """
    labels = [html.unescape(_strip_tags(h)) for h in headers]
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body: list[str] = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            label = esc(labels[index]) if index < len(labels) else ""
            if index == 0 and row_headers:
                cells.append(f'<th scope="row" data-label="{label}">{cell}</th>')
            else:
                cells.append(f'<td data-label="{label}">{cell}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-wrap"><table class="{esc(css)}"><caption>{caption}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _strip_tags(fragment: str) -> str:
    out, inside = [], False
    for char in fragment:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return "".join(out)


class Templates:
    """Templates from the package, each replaceable by a same-named file in ``override``."""

    def __init__(self, override: Path | None = None) -> None:
        self.override = override

    def text(self, name: str) -> str:
        if self.override is not None and name in OVERRIDABLE:
            candidate = self.override / name
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8")
        resource = resources.files(__package__).joinpath("templates", name)
        return resource.read_text(encoding="utf-8") if resource.is_file() else ""

    def render(self, name: str, values: Mapping[str, str]) -> str:
        """Fill ``$name`` placeholders; values are already-escaped fragments. Unknown ones stay as written."""
        return Template(self.text(name)).safe_substitute(values)
