"""Small wire-format helpers shared by the emulated services.

OutSmart speaks Dutch decimal strings ("4,55"); the ERP API speaks JSON numbers and
ISO timestamps without an offset (local time), SalesOrders v3 UTC with a "Z". Keeping
the conversions here means each service module formats values the same way.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


def parse_decimal(text: object) -> Decimal | None:
    """Accept "4,55", "4.55", 4.55 or 4; None when it is not a number."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float | Decimal):
        return Decimal(str(text))
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        return Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        return None


def nl_money(value: Decimal) -> str:
    """Money the way OutSmart shows it: two decimals and a comma ("4,55")."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP)).replace(".", ",")


def nl_quantity(value: Decimal) -> str:
    """A quantity without needless decimals: "1", "2,5"."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def dot_money(value: Decimal) -> str:
    """Hour type prices, which the OutSmart docs show with a dot ("50.00")."""
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def visma_time(moment: dt.datetime) -> str:
    """Visma.net's timestamp form: ISO without offset, milliseconds."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def visma_date(day: dt.date) -> str:
    return day.strftime("%Y-%m-%dT00:00:00")


def parse_visma_time(text: str) -> dt.datetime | None:
    """The forms Visma documents for lastModifiedDateTime (and a trailing Z or offset)."""
    text = text.strip().replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1]
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


def visma_id() -> str:
    """The correlation id Visma puts in front of its error messages."""
    return str(uuid.uuid4())


def now() -> dt.datetime:
    """Local wall-clock time without an offset, as the ERP API reports it."""
    moment = dt.datetime.now()
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def utc_now() -> dt.datetime:
    """SalesOrders v3 speaks UTC ("...Z"), unlike the ERP API's local wall-clock time."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def utc_stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def parse_utc(text: str) -> dt.datetime | None:
    """SalesOrders v3: a date/time without an offset is UTC; one with an offset is converted."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_visma_time(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment
