"""What evaluation returns: a typed Recommendation that serialises to the stable JSON contract.

Top-level JSON keys (a contract apps rely on): ``outcome``, ``mandatory``, ``measures``,
``penalties``, ``fine``, ``citations``, ``flags``, ``trace``, ``ruleset``; further keys are additions.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from .common import Citation
from .vocabulary import Outcome, PenaltyType

__all__ = [
    "AnswerOption",
    "AppliedVersion",
    "Condition",
    "Deadline",
    "FineRange",
    "Flag",
    "LabelOut",
    "Penalty",
    "Question",
    "Reason",
    "Recommendation",
    "RulesetRef",
    "TraceStep",
    "build",
    "replaced",
    "shared_fields",
    "to_json_value",
]

CENT = Decimal("0.01")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)  # built on first use: loading needs none


class FineRange(_Out):
    """A fine range in yuan, serialised as decimal strings with two places."""

    min: Decimal
    max: Decimal

    @classmethod
    def of(cls, low: Decimal, high: Decimal) -> Self:
        """Round inwards to the fen, so that a computed range never leaves its bounds (a range narrower
        than one fen collapses onto its lower fen rather than inverting)."""
        floor = high.quantize(CENT, rounding=ROUND_FLOOR)
        return build(cls, min=min(low.quantize(CENT, rounding=ROUND_CEILING), floor), max=floor)

    @field_serializer("min", "max", when_used="json")
    def _as_text(self, value: Decimal) -> str:
        return f"{value.quantize(CENT):f}"


class LabelOut(_Out):
    code: str
    zh: str
    en: str


class Penalty(_Out):
    """A penalty type recommended, with its amount where it has one (the fine)."""

    type: PenaltyType
    zh: str
    en: str
    amount: FineRange | None = None
    optional: bool = Field(default=False, description="the statute says it may be added (可以并处)")


class Flag(_Out):
    """A procedural or statutory flag raised for this case, with the article that raises it."""

    code: str
    zh: str
    en: str
    article: str | None = None
    detail: str | None = None


class Condition(_Out):
    """One condition of a rule as evaluated: its value, the parts that failed and the facts read."""

    condition: str
    zh: str | None = None
    value: bool | None
    failed: list[str] = Field(default_factory=list)
    unknown: list[str] = Field(default_factory=list)
    facts: dict[str, Any] = Field(default_factory=dict, description="fact values read, in JSON form")


class TraceStep(_Out):
    """One rule considered: a statute article, a list item, a band or a tier; matched or not, and why."""

    rule: str
    kind: str
    matched: bool | None
    conditions: list[Condition] = Field(default_factory=list)
    note: str | None = None
    article: str | None = None


class Deadline(_Out):
    """A procedural deadline in working days (art. 85), with its due date when the start date is known."""

    code: str
    zh: str
    en: str
    days: int
    working_days: bool = True
    article: str
    starts: date | None = None
    due: date | None = None
    note: str | None = None


class Reason(_Out):
    """A reason an officer can read: for the chosen outcome, or against a more lenient one not chosen."""

    stance: Literal["for", "against"]
    outcome: Outcome
    zh: str
    en: str
    basis: str | None = Field(default=None, description="the article or list item the reason rests on")
    rule: str | None = None


class AnswerOption(_Out):
    """One answer to a question and where it leads."""

    value: Any
    zh: str
    outcome: Outcome
    fine: FineRange | None = None
    possible_outcomes: list[Outcome] = Field(
        default_factory=list, description="outcomes still reachable after this answer, other unknown facts "
        "answered in every way (the answer's own outcome above leaves them unknown)")


class Question(_Out):
    """A fact the case left unknown whose answer decides between outcomes still possible."""

    fact: str
    zh: str
    en: str
    options: list[AnswerOption]
    narrows: int = Field(description="how many distinct results its answers lead to (more decides more)")


class RulesetRef(_Out):
    id: str
    version: str
    sha256: str


class AppliedVersion(_Out):
    """Which ruleset version was applied and why (Administrative Penalty Law art. 37)."""

    version: str
    reason: str
    act_version: str | None = None
    decision_version: str | None = None


class Recommendation(_Out):
    """The recommended outcome for one case, with everything needed to explain and reproduce it."""

    outcome: Outcome
    label: LabelOut
    mandatory: bool
    alternatives: list[Outcome] = Field(default_factory=list)
    violation: LabelOut
    measures: list[LabelOut]
    penalties: list[Penalty]
    fine: FineRange | None
    citations: list[Citation]
    flags: list[Flag]
    trace: list[TraceStep]
    ruleset: RulesetRef
    list_item: str | None = None
    tier: str | None = None
    band: str | None = None
    case_id: str | None = None
    applied_version: AppliedVersion | None = None
    deadlines: list[Deadline] = Field(default_factory=list)
    jurisdiction: str | None = None
    reasons: list[Reason] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    possible_outcomes: list[Outcome] = Field(default_factory=list,
                                             description="outcomes still possible while facts are unknown")
    facts: dict[str, Any] = Field(default_factory=dict, description="validated facts (derived ones too), JSON form")

    def has_flag(self, code: str) -> bool:
        return any(flag.code == code for flag in self.flags)

    @property
    def measure_codes(self) -> list[str]:
        return [m.code for m in self.measures]

    def _repr_html_(self) -> str:  # notebooks; rendering lives in discretion.render
        from ..render import recommendation_html

        return recommendation_html(self)


def to_json_value(value: Any) -> Any:
    """Decimal and date as text, recursively: the form facts take inside a Recommendation."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json_value(v) for k, v in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


M = TypeVar("M", bound=BaseModel)
_SET = object.__setattr__
_LAYOUTS: dict[type[BaseModel], tuple[tuple[str, Any, Callable[..., Any] | None], ...]] = {}


def _layout(cls: type[BaseModel]) -> tuple[tuple[str, Any, Callable[..., Any] | None], ...]:
    layout = tuple((name, info.default, info.default_factory)
                   for name, info in cls.model_fields.items())
    _LAYOUTS[cls] = layout
    return layout


def build(cls: type[M], /, **values: Any) -> M:
    """An output model from values already of the right types, without validating them again.

    The pipeline builds these from validated facts and compiled rules; validating its own output
    cost more than the decision itself. Fields keep their declared order (the JSON key order) and
    defaults (a fresh list or dict for each factory). Callers pass exactly the field types.
    """
    data: dict[str, Any] = {}
    for name, default, factory in _LAYOUTS.get(cls) or _layout(cls):
        if name in values:
            data[name] = values[name]
        elif factory is not None:
            data[name] = factory()
        else:
            data[name] = default
    obj = cls.__new__(cls)
    _SET(obj, "__dict__", data)
    _SET(obj, "__pydantic_fields_set__", shared_fields(values))
    _SET(obj, "__pydantic_extra__", None)
    _SET(obj, "__pydantic_private__", None)
    return obj


def replaced(model: M, /, **values: Any) -> M:
    """A copy of an output model with some fields given new values of the right types, unvalidated:
    ``build``'s counterpart for a variant of a model already built (cheaper than building it again)."""
    data = model.__dict__.copy()
    data.update(values)
    obj = model.__class__.__new__(model.__class__)
    _SET(obj, "__dict__", data)
    fields = model.__pydantic_fields_set__
    _SET(obj, "__pydantic_fields_set__", fields if fields.issuperset(values) else shared_fields(fields.union(values)))
    _SET(obj, "__pydantic_extra__", None)
    _SET(obj, "__pydantic_private__", None)
    return obj


def shared_fields(names: Iterable[str]) -> set[str]:
    """One ``__pydantic_fields_set__`` object for every output model that sets these fields.

    Output models are frozen, so pydantic never changes the set (``model_copy`` copies it first); a
    set of its own per model was one more object for the garbage collector to walk for every trace
    step, reason and condition kept, a sixth of what a stream of new cases leaves behind. Never add
    to the set returned: give the model another one from here.
    """
    key = frozenset(names)
    shared = _FIELDS_SETS.get(key)
    if shared is None:
        if len(_FIELDS_SETS) >= 1024:  # a few dozen in practice: which optional fields a model sets
            _FIELDS_SETS.clear()
        shared = _FIELDS_SETS[key] = set(key)
    return shared


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}
