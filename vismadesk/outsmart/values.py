"""OutSmart's value formats: Dutch decimal strings, d-m-Y dates, H:i durations.

Parsing is strict on purpose: a value that is not what OutSmart documents raises
`BadValue` (the caller names the work order and field), because reading "2,5"
metres as 25 or a garbled quantity as 0 would put a wrong amount on an invoice.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")

# "4,55", "4.55", "-2", ",5": one mark, comma or dot, is the decimal mark.
_PLAIN = re.compile(r"[+-]?(\d+([.,]\d+)?|[.,]\d+)")
# "1.234,56", "1.234.567" (Dutch) and "1,234.56" (English): thousands in groups of
# three, then the other mark for the decimals.
_GROUPED = (
    (re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"), "."),
    (re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"), ","),
)
_DURATION = re.compile(r"(\d{1,4}):([0-5]\d)(?::[0-5]\d)?")
_CLOCK = re.compile(r"(([01]?\d|2[0-3]):([0-5]\d)|24:00)(?::[0-5]\d)?")
# MySQL's "no date", which PHP back ends hand out for a date nobody filled in.
_NO_DATES = {"00-00-0000", "0000-00-00"}


class BadValue(ValueError):
    """A wire value that cannot be read; `why` says what was expected."""

    def __init__(self, value: object, why: str) -> None:
        super().__init__(f"{value!r}: {why}")
        self.value = value
        self.why = why


def decimal(value: object) -> Decimal:
    """An exact Decimal from OutSmart's number forms; empty (or null) is 0."""
    if value is None:
        return Decimal(0)
    if isinstance(value, bool):
        raise BadValue(value, "expected a number, got true/false")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # str() gives the shortest text that reads back as this float: 4.55, not
        # 4.54999999999999982236431605997495353221893310546875.
        result = Decimal(str(value))
    elif isinstance(value, str):
        result = _decimal_text(value.strip())
    else:
        raise BadValue(value, "expected a number")
    if not result.is_finite():
        raise BadValue(value, "expected a number")
    return result


def _decimal_text(text: str) -> Decimal:
    if not text:
        return Decimal(0)
    if _PLAIN.fullmatch(text):
        normal = text.replace(",", ".")
    else:
        for pattern, thousands in _GROUPED:
            if pattern.fullmatch(text):
                normal = text.replace(thousands, "").replace(",", ".")
                break
        else:
            raise BadValue(text, 'expected a number such as "4,55"')
    try:
        return Decimal(normal)
    except InvalidOperation:  # pragma: no cover - the patterns only let numbers through
        raise BadValue(text, 'expected a number such as "4,55"') from None


def date(value: object) -> dt.date | None:
    """d-m-Y as OutSmart documents it, or ISO Y-m-d; empty is None."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadValue(value, 'expected a date such as "26-09-2013"')
    text = value.strip()
    # Some fields carry a time after the date ("2013-06-11 02:51"): the day is enough.
    day = text.split(" ", 1)[0].split("T", 1)[0]
    if not day or day in _NO_DATES:
        return None
    for fmt in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(day, fmt).date()
        except ValueError:
            continue
    raise BadValue(value, 'expected a date such as "26-09-2013"')


def clock(value: object) -> str:
    """A time of day as "HH:MM"; empty stays empty."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if not _CLOCK.fullmatch(text):
        raise BadValue(value, 'expected a time such as "08:30"')
    hours, minutes = text.split(":")[:2]
    return f"{int(hours):02d}:{minutes}"


def duration_minutes(value: object) -> int | None:
    """Minutes from an H:i duration ("03:45" → 225); None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    m = _DURATION.fullmatch(text)
    if not m:
        raise BadValue(value, 'expected a duration such as "03:45"')
    return int(m.group(1)) * 60 + int(m.group(2))


def minutes_between(begin: str, end: str) -> int:
    """Minutes from begin to end ("HH:MM"); an end before the begin is past midnight."""
    b = int(begin[:2]) * 60 + int(begin[3:])
    e = int(end[:2]) * 60 + int(end[3:])
    return (e - b) % (24 * 60)


def text(value: object) -> str:
    """A text field as a stripped string; numbers OutSmart sends unquoted become text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).strip()


# Half of a UTF-16 surrogate pair: JSON can carry one ("\ud83d" alone, half an emoji),
# but no UTF-8 text, so no request body and no database row, can hold it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def cleaned(value: str) -> str:
    """`value` with each lone surrogate replaced by U+FFFD, so it can be written down."""
    return _LONE_SURROGATE.sub(REPLACEMENT, value)


def prose(value: object) -> str:
    """A free text (a description, a remark): a broken character becomes "\ufffd"."""
    return cleaned(text(value))


def sendable_text(value: object) -> str:
    """A text that must arrive exactly as typed (a code, a name): a broken character
    is refused, since a changed code would name another record."""
    result = text(value)
    if _LONE_SURROGATE.search(result):
        raise BadValue(
            cleaned(result), "it holds a broken character (half an emoji) that cannot be sent"
        )
    return result


def flag(value: object, default: bool = True) -> bool:
    """OutSmart's "1"/"0" flags."""
    t = text(value).lower()
    if not t:
        return default
    if t in ("1", "true", "yes", "ja"):
        return True
    if t in ("0", "false", "no", "nee"):
        return False
    raise BadValue(value, 'expected "1" or "0"')


def dutch_money(value: Decimal) -> str:
    """Money as OutSmart documents it for materials: "4,55"."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f").replace(".", ",")


def dot_money(value: Decimal) -> str:
    """Money as OutSmart documents it for hour types: "50.00"."""
    return format(value.quantize(CENT, rounding=ROUND_HALF_UP), "f")
