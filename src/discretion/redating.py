"""Cases alike but for their dates: one kept result serves them all, with each case's own dates.

Real cases each carry their own act and discovery dates, so a case is rarely sent twice word for word.
The statute reads those dates for two things only: art. 36's time bar (two years from the act or its
end to discovery, five where citizens' life and health or financial safety are involved and harm
followed) and art. 37's version in force on the act's date. When no condition of the ruleset reads
them either, a case's result depends on its dates only through three answers: barred after two
years? after five? the version in force?
(Both periods count: an answer to a question about harm may switch from one to the other.) The
word-for-word key (``memo.repeat_key``) then takes those answers in place of the dates, and a result
recalled under it gets the wording that quotes this case's dates: the facts' echo, the art. 36 trace
step and the not-in-force flag's detail, the same wording ``evaluate`` fills in after a run.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from . import law
from .case import AFTER_ACT
from .compile import CompiledRuleset
from .fact_values import coerce
from .models.outcome import Recommendation, replaced
from .standard_facts import DATED_FACTS
from .trace import dated_statute_step

__all__ = ["classed_key", "pattern", "redated", "stamp"]

# The layout of memo.repeat_key's key: ids, violation, fact names, values, value types, ..., case id.
_NAMES, _VALUES = 3, 4
_DATED = frozenset(DATED_FACTS)


def classed_key(ruleset: CompiledRuleset, key: tuple[Any, ...]) -> tuple[tuple[Any, ...] | None, dict[str, date]]:
    """The key with the statute's dates replaced by what they decide, and those dates typed.

    Unchanged (with no dates) when the case gives none or a condition reads them; None when a date
    is not valid or comes before the act's (the long way reports it).
    """
    names = key[_NAMES]
    if _DATED.isdisjoint(names) or ruleset.conditions_read_dates:
        return key, {}
    values = list(key[_VALUES])
    dates: dict[str, date] = {}
    for index, name in enumerate(names):
        if name in _DATED and values[index] is not None:
            try:
                dates[name] = coerce(ruleset.schema[name], values[index])
            except ValueError:
                return None, {}
            values[index] = None  # its type stays in the key: text and a date object are told apart
    act = dates.get("act_date")
    if act is not None and any(dates.get(name, act) < act for name in AFTER_ACT):
        return None, {}  # dates out of order: the long way refuses the case (the key would not tell it apart)
    in_force = None if act is None else ruleset.model.in_force_on(act)
    bars = law.time_bars(dates, ruleset.special_limitation)
    return (*key[:_VALUES], tuple(values), *key[_VALUES + 1:-1], bars, in_force, key[-1]), dates


def pattern(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """A classed key without what the dates decide and the case id: the facts but for their dates.
    Its second sight is what makes a result worth keeping (``memo.keep``)."""
    return key[:-3]


def redated(rec: Recommendation, ruleset: CompiledRuleset, dates: dict[str, date]) -> Recommendation:
    """A recalled result (this case's own copy) with this case's dates where it shows them."""
    echo = rec.facts
    for name, day in dates.items():
        echo[name] = day.isoformat()  # the same place in the echo: the key kept the order of the names
    barred, why = law.limitation({**echo, **dates}, ruleset.special_limitation)  # harm as echoed, dates typed
    stamp(rec, ruleset, barred, why, dates.get("act_date"))
    return rec


def stamp(rec: Recommendation, ruleset: CompiledRuleset, barred: bool | None, why: str, act: date | None) -> None:
    """Fill in the wording that quotes a case's dates: the art. 36 step and the not-in-force flag.

    ``rec`` must be the caller's own copy (fresh top-level lists): its trace and flags are changed.
    """
    at = law.LIMITATION_POSITION  # the statute's grounds open every trace (see pipeline)
    if rec.trace[at].rule == law.ART36_BARRED.rule:
        rec.trace[at] = dated_statute_step(law.ART36_BARRED, barred, why)
    model = ruleset.model
    if act is not None and not model.in_force_on(act):
        detail = f"version {model.version} is in force {model.effective}–{model.expires or ''}; act {act}"
        for index, flag in enumerate(rec.flags):
            if flag.code == "ruleset_not_in_force":  # the act's own date: built, not interned
                rec.flags[index] = replaced(flag, detail=detail)
