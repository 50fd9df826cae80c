"""Shared building blocks of the ruleset models: bilingual text, money, citations, sources."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

__all__ = ["Citation", "Flag", "Frozen", "Money", "Source", "Text", "Verification", "distinct_ids"]


def _no_exponent(raw: Any) -> Any:
    # The YAML reader keeps 5.0e2 as text (a float in YAML); pydantic would read it as 5.0E+2
    if isinstance(raw, str) and ("e" in raw or "E" in raw):
        raise ValueError(f"write an amount in plain digits (such as 500 or 12.50), not in exponent notation: {raw}")
    return raw


def _plain(value: Decimal) -> Decimal:
    # a Decimal given by a program as 5E+2 is 500, as a case's amount is (it would be shown as 5E+2)
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else value


Money = Annotated[Decimal, Field(ge=0, allow_inf_nan=False, max_digits=20, decimal_places=2),
                  BeforeValidator(_no_exponent), AfterValidator(_plain)]
"""Yuan, never negative, at most two decimal places (fen), written in plain digits."""


def _flag(raw: Any) -> Any:
    # strict: the YAML reader keeps yes/no/on/off as text on purpose; pydantic's lax bool would read them
    if not isinstance(raw, bool):
        text = " (yes, no, on and off are text in a ruleset)" if isinstance(raw, str) else ""
        raise ValueError(f"expected true or false, found {raw!r}{text}")
    return raw


Flag = Annotated[bool, BeforeValidator(_flag)]
"""A ruleset's yes-or-no field: only true or false (``yes``, ``no``, ``1``, ``"true"`` are refused)."""


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


def distinct_ids(ids: Sequence[str], what: str, field: str) -> None:
    """Refuse an id used twice among a model's ``field`` (its tiers, its bands), located at the second
    one's id (loading reads the error's ``at``), not at the model holding them."""
    seen: dict[str, int] = {}
    for index, id_ in enumerate(ids):
        if id_ in seen:
            raise PydanticCustomError("duplicate-id", "{what} id '{id}' is used twice (first as {what} {first}): "
                                      "{what} ids must be distinct",
                                      {"what": what, "id": id_, "first": seen[id_] + 1, "at": (field, index, "id")})
        seen[id_] = index
