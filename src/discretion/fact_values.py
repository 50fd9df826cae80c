"""Raw fact values into their typed forms (money to Decimal yuan, dates to dates), with plain errors.

Apart from case validation so that compiling a ruleset (which checks the values its facts imply)
does not import the case model: one fact's value is all either needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from .errors import did_you_mean
from .models.facts import FactKind, FactSpec, PriorViolation

__all__ = ["as_date", "coerce", "escaped", "hint", "lone_surrogate", "shortened"]


# The kinds as module constants: reading an Enum member off its class costs ~80 ns, and validation asks
# these questions of every fact of every case.
_BOOL, _ENUM, _DATE, _MONEY, _NUMBER, _RECORDS = (FactKind.bool, FactKind.enum, FactKind.date, FactKind.money,
                                                  FactKind.number, FactKind.records)
_WHOLE = (FactKind.integer, FactKind.days)


def coerce(spec: FactSpec, raw: Any) -> Any:
    """One fact value in its typed form; ValueError with a plain message otherwise."""
    kind = spec.type
    if kind is _BOOL:
        if isinstance(raw, bool):
            return raw
        raise ValueError(f"expected true or false, found {shortened(raw)}")
    if kind is _DATE:
        return as_date(raw)
    if kind is _ENUM:
        if isinstance(raw, str) and raw in spec.codes:
            return raw
        suggestion = hint(raw, spec.codes) if isinstance(raw, str) else None
        raise ValueError(f"expected one of {', '.join(spec.codes)}, found {shortened(raw)}"
                         + (f"; {suggestion}" if suggestion else ""))
    if kind in _WHOLE:
        value = _integer(raw)
        _bounds(spec, Decimal(value))
        return value
    if kind is _MONEY:
        money = _money(raw)
        _bounds(spec, money)
        return money
    if kind is _NUMBER:
        number = _number(raw)
        _bounds(spec, number)
        return number
    if kind is _RECORDS:
        if not isinstance(raw, list):
            raise ValueError("expected a list of {date, violation}")
        try:
            return tuple(PriorViolation.model_validate(item) for item in raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = escaped(".".join(str(p) for p in first["loc"]))  # a key may be any text, even a lone surrogate
            raise ValueError(f"record{' ' + where if where else ''}: {first['msg']}") from None
    raise ValueError(f"unsupported fact type {kind}")  # pragma: no cover


def _integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, found {shortened(raw)}")
    value: int | None = None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float | Decimal):
        exact = Decimal(float.__repr__(raw)) if isinstance(raw, float) and math.isfinite(raw) else raw
        # is_finite first: comparing a signalling NaN raises InvalidOperation; then the size by the exponent
        # alone, before any arithmetic: abs() of 1e999999999 already overflows Decimal's context
        if (isinstance(exact, Decimal) and exact.is_finite() and (exact.is_zero() or exact.adjusted() < 16)
                and exact == exact.to_integral()):
            value = int(exact)
    elif isinstance(raw, str) and len(raw) < 30 and _WHOLE_TEXT.fullmatch(raw.strip(" ")):
        value = int(raw)
    if value is None:
        raise ValueError(f"expected a whole number, found {shortened(raw)}")
    if abs(value) > 10 ** 15:  # a count or a number of days; keeps condition arithmetic bounded
        raise ValueError(f"a whole number above 10^15 is not plausible, found {shortened(raw)}")
    return value


def hint(name: str, candidates: Iterable[str]) -> str | None:
    """Did-you-mean only for names of a plausible length (difflib is quadratic in the worst case)."""
    return did_you_mean(name, candidates) if len(name) <= 200 else None


def escaped(text: str) -> str:
    """Text fit for a message and for JSON: a lone surrogate (not valid Unicode) written as ``\\udxxx``."""
    return text if text.isascii() else text.encode("utf-8", "backslashreplace").decode("utf-8")


_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> bool:
    """Whether text holds a lone surrogate: Python accepts one in a str, UTF-8 (and so JSON out) cannot."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def shortened(raw: Any) -> str:
    """The value as found, cut short: a 10 MB string must not become a 10 MB message."""
    if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) >= 10 ** 60:
        return f"a number of about {int(raw.bit_length() * 0.30103)} digits"  # str() refuses > 4300 digits
    try:
        text = repr(raw)
    except Exception:  # nested 100,000 deep (RecursionError), or a caller's object whose repr fails
        return f"a {type(raw).__name__}"
    return text if len(text) <= 80 else text[:60] + f"… ({len(text)} characters)"


def _money(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(f"expected an amount in yuan, found {shortened(raw)}")
    try:
        if isinstance(raw, float):
            value = Decimal(float.__repr__(raw))
        elif isinstance(raw, int | Decimal):
            value = Decimal(raw)
        elif isinstance(raw, str) and len(raw) <= 40:
            value = Decimal(_text_number(raw, _MONEY_TEXT).replace(",", ""))
        else:
            raise ValueError(f"expected an amount in yuan, found {type(raw).__name__}")
    except InvalidOperation:
        raise ValueError(f"expected an amount in yuan, found {shortened(raw)}") from None
    if not value.is_finite():
        raise ValueError(f"an amount must be finite, found {shortened(raw)}")
    if value < 0:
        raise ValueError(f"an amount cannot be negative, found {shortened(raw)}")
    if value.adjusted() > 15 or value > _MOST:  # the exponent first: quantizing 1e999 would exceed the precision
        raise ValueError(f"an amount above 10^15 yuan is not plausible, found {shortened(raw)}")
    cents = value.quantize(_CENT)
    if value != cents:
        raise ValueError(f"an amount in yuan has at most two decimal places (fen), found {shortened(raw)}")
    if (value.same_quantum(cents) or value.same_quantum(_ONE)) and not value.is_signed():
        return value  # whole yuan, or yuan and fen (most amounts: two cheap tests)
    # As written (12.5, 1E+3), but never with more than two decimal places (1.000 and 0E-50 become 1.00
    # and 0.00: the echo says what the amount is, in fen) nor as a negative zero (-0 is 0)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # a finite amount: its exponent is a number
    return (cents if exponent < -2 else value).copy_abs()


_CENT, _ONE, _MOST = Decimal("0.01"), Decimal(1), Decimal(10) ** 15

# Numbers given as text: ASCII digits only (Decimal and int would also take fullwidth and other scripts'
# digits, underscores, a plus sign, "100."), spaces around them allowed; money may group its thousands.
_WHOLE_TEXT = re.compile(r"-?[0-9]+")
_NUMBER_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_MONEY_TEXT = re.compile(r"-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _text_number(raw: str, pattern: re.Pattern[str]) -> str:
    """The number's text without the spaces around it; InvalidOperation (refused) when it is not one."""
    text = raw.strip(" ")
    if pattern.fullmatch(text) is None:
        raise InvalidOperation
    return text


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError(f"expected a number, found {shortened(raw)}")
    try:
        if isinstance(raw, float):
            value = Decimal(float.__repr__(raw))
        elif isinstance(raw, int | Decimal) or (isinstance(raw, str) and len(raw) <= 40):
            value = Decimal(_text_number(raw, _NUMBER_TEXT) if isinstance(raw, str) else raw)
        else:
            raise ValueError(f"expected a number, found {type(raw).__name__}")
    except InvalidOperation:
        raise ValueError(f"expected a number, found {shortened(raw)}") from None
    # bounded both ways so that condition arithmetic (depth ≤ 32) stays inside Decimal's exponent range
    if not value.is_finite() or value.adjusted() > 15 or (value and value.adjusted() < -15):
        raise ValueError(f"expected a finite number of plausible size, found {shortened(raw)}")
    return value


_DAYS: dict[str, date] = {}  # a date's text → the date: cases share a few thousand days between them
_DAYS_LIMIT = 8192


def as_date(raw: Any) -> date:
    """A date from a case: a date, a datetime at midnight without a time zone, or text YYYY-MM-DD.

    Case validation and the registry's choice of a version (art. 37) both read dates here. Text is
    strictly YYYY-MM-DD: Python's ``date.fromisoformat`` would also take an ISO week date
    (2024-W10-1), which no one writes for an act or a discovery.
    """
    if type(raw) is str:
        day = _DAYS.get(raw)
        if day is not None:
            return day
    if isinstance(raw, datetime):  # a timestamp is a date only at midnight; a time of day is not a date
        if raw.time() == time(0) and raw.tzinfo is None:
            return raw.date()
        raise ValueError(f"expected a date, found a date and time {raw.isoformat()}")
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str) and len(raw) == 10 and raw[4] == raw[7] == "-" and raw.isascii():
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            pass
        else:
            if type(raw) is str:  # not a subclass: its hash and equality are str's own
                if len(_DAYS) >= _DAYS_LIMIT:
                    _DAYS.clear()
                _DAYS[raw] = day
            return day
    raise ValueError(f"expected a date YYYY-MM-DD, found {shortened(raw)}")


def _bounds(spec: FactSpec, value: Decimal) -> None:
    if spec.min is not None and value < spec.min:
        raise ValueError(f"at least {spec.min} expected, found {value}")
    if spec.max is not None and value > spec.max:
        raise ValueError(f"at most {spec.max} expected, found {value}")
