"""Shared building blocks of the ruleset models: bilingual text, money, citations, sources."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Citation", "Frozen", "Money", "Source", "Text", "Verification"]

Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=20, decimal_places=2)]
"""Yuan, never negative, at most two decimal places (fen)."""


class Frozen(BaseModel):
    """Base of every ruleset model: immutable, unknown keys refused."""

    # Schemas are built on first validation: importing the models stays cheap, and a ruleset's
    # validator is built once for the whole tree rather than once for each nested model as well.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)


class Text(Frozen):
    """A label in Chinese (primary) with an English gloss."""

    zh: str = Field(min_length=1)
    en: str = ""


class Verification(StrEnum):
    """How well an item is verified against its source (see the research labels in rulesets/README.md)."""

    verified = "verified"
    partial = "partial"
    unverified = "unverified"


class Citation(Frozen):
    """A legal citation: a statute article (law, version, article, paragraph, item) or a document item."""

    law: str | None = Field(default=None, description="statute title, e.g. 税收征收管理法")
    version: date | None = Field(default=None, description="date of the statute version cited")
    article: int | None = Field(default=None, ge=1, description="条")
    paragraph: int | None = Field(default=None, ge=1, description="款")
    item: int | None = Field(default=None, ge=1, description="项 (of a statute) or 序号 (of a list)")
    document: str | None = Field(default=None, description="文号 of a normative document, e.g. 国家税务总局公告2021年第6号")  # noqa: E501
    title: str | None = None
    text: str | None = Field(default=None, description="the cited text, verbatim")
    url: str | None = None
    status: Verification = Verification.verified

    @model_validator(mode="after")
    def _names_something(self) -> Self:
        if not (self.law or self.document or self.title):
            raise ValueError("a citation names a law, a document or a title")
        return self

    def label(self) -> str:
        """Chinese citation text, e.g. 《税收征收管理法》(2015-04-24) 第62条第1款第(2)项."""
        return _label(self)


@lru_cache(maxsize=4096)
def _label(citation: Citation) -> str:
    """Labels are asked for on every recommendation; citations are frozen, so compute each once."""
    parts: list[str] = []
    if citation.law:
        parts.append(f"《{citation.law}》" + (f"({citation.version.isoformat()})" if citation.version else ""))
    if citation.document:
        parts.append(citation.document)
    if citation.title and not citation.law:
        parts.append(f"《{citation.title}》")
    if citation.article:
        parts.append(f"第{citation.article}条")
    if citation.paragraph:
        parts.append(f"第{citation.paragraph}款")
    if citation.item:
        parts.append(f"第({citation.item})项" if citation.law else f"第{citation.item}项")
    return " ".join(parts)


class Source(Frozen):
    """A published document the ruleset transcribes, with where it was read."""

    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    title: str
    issuer: str | None = None
    document: str | None = None
    issued: date | None = Field(default=None, description="date of issue (成文/印发)")
    url: str | None = None
    status: Verification = Verification.verified
    note: str | None = None
