"""The bundled statute texts (package data): parsed into articles so citations can link to them.

A file is ``title(YYYY-MM-DD).md`` from LawRefBook/Laws: a heading, the enactment history, then
chapters (``## 第一章 总则``) and articles (``第六十二条 …``, later paragraphs on their own lines).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources

__all__ = ["Article", "Statute", "article_anchor", "bundled", "chinese_number", "statute_slug"]

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百千]+)条(之[一二三四五六七八九十]+)?\s*(.*)$")
_FILE = re.compile(r"^(.+)\((\d{4}-\d{2}-\d{2})\)\.md$")


def chinese_number(text: str) -> int:
    """一百二十三 → 123 (article numbers as statutes write them)."""
    total, current = 0, 0
    for char in text:
        if char in _DIGITS:
            current = _DIGITS[char]
        elif char in _UNITS:
            total += (current or 1) * _UNITS[char]
            current = 0
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


def article_anchor(number: int) -> str:
    """The id of an article on its statute page."""
    return f"art-{number}"


def statute_slug(law: str, version: date) -> str:
    """An ASCII file name for a statute version (titles are Chinese; URLs stay plain)."""
    return f"{version.isoformat()}-{hashlib.sha1(law.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class Article:
    number: int
    label: str
    paragraphs: tuple[str, ...]
    chapter: str | None


@dataclass(frozen=True)
class Statute:
    """One version of one statute: its title, history lines, and articles in order."""

    law: str
    version: date
    heading: str
    history: tuple[str, ...]
    articles: tuple[Article, ...]
    numbers: frozenset[int] = field(default=frozenset())

    @property
    def slug(self) -> str:
        return statute_slug(self.law, self.version)


def parse_statute(law: str, version: date, text: str) -> Statute:
    """Split a LawRefBook text into articles; paragraphs of an article follow it on their own lines."""
    heading, history, articles = law, [], []
    chapter: str | None = None
    current: tuple[int, str, list[str], str | None] | None = None
    in_info = True
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("<!--"):
            in_info = False
            continue
        if line.startswith("# "):
            heading = line[2:].strip()
            continue
        if line.startswith("#"):
            chapter = line.lstrip("#").strip()
            in_info = False
            continue
        match = _ARTICLE.match(line)
        if match and not in_info:
            if current:
                articles.append(Article(current[0], current[1], tuple(current[2]), current[3]))
            number = chinese_number(match.group(1))
            label = f"第{match.group(1)}条{match.group(2) or ''}"
            current = (number, label, [match.group(3)], chapter)  # 第X条之一 keeps its own label
            continue
        if in_info:
            history.append(line)
        elif current:
            current[2].append(line)
    if current:
        articles.append(Article(current[0], current[1], tuple(current[2]), current[3]))
    return Statute(law, version, heading, tuple(history), tuple(articles),
                   frozenset(a.number for a in articles if "之" not in a.label))


@cache
def _index() -> dict[tuple[str, date], str]:
    found: dict[tuple[str, date], str] = {}
    for entry in resources.files(__package__).joinpath("statutes").iterdir():
        match = _FILE.match(entry.name)
        if match:
            found[(match.group(1), date.fromisoformat(match.group(2)))] = entry.name
    return found


@cache
def bundled(law: str, version: date) -> Statute | None:
    """The bundled text of this statute version, parsed; None when it is not bundled."""
    name = _index().get((law, version))
    if name is None:
        return None
    text = resources.files(__package__).joinpath("statutes", name).read_text(encoding="utf-8")
    return parse_statute(law, version, text)
