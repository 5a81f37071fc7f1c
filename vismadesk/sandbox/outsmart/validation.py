"""OutSmart's checks on what a client posts: synced records and work order updates.

A bad value is refused with the code OutSmart uses for that entity (`Envelope`);
a good record is shaped the way a GET returns it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from vismadesk.sandbox.outsmart.envelope import Envelope
from vismadesk.sandbox.wire import dot_money, nl_money, parse_decimal

# Entities synced with a POST of a JSON array: (required fields, missing-field code, key).
ENTITIES: dict[str, tuple[tuple[str, ...], int, str]] = {
    "relations": (
        ("name", "debtor_number", "street", "postal_code", "city"),
        1301,
        "debtor_number",
    ),
    "materials": (("code", "description", "price", "unit"), 1201, "code"),
    "hourtypes": (("code", "name", "cost_booking", "sale_booking", "sale_price"), 1801, "code"),
    "employees": (("firstname", "lastname", "number"), 1101, "number"),
    "workstatusses": (("sta_code", "sta_name"), 2801, "sta_code"),
}
RELATION_FIELDS = (
    "name", "debtor_number", "contact", "phone_number", "email", "email_workorder", "street",
    "house_number", "postal_code", "city", "remark", "latitude", "longitude",
)  # fmt: skip
MATERIAL_FIELDS = (
    "code", "description", "price", "unit", "eancode", "barcode",
    "freefield1", "freefield2", "freefield3", "freefield4", "freefield5",
)  # fmt: skip
HOURTYPE_FIELDS = (
    "code", "name", "cost_booking", "sale_booking", "sale_price", "cost_price", "active",
)  # fmt: skip
COORDINATES = ("latitude", "longitude")
# The query parameters UpdateWorkorder changes a work order with.
UPDATABLE = ("workdate", "worktime", "employee_nr", "workstatus")


def text(value: Any) -> str:
    return "" if value is None else str(value)


def check_required(entity: str, records: list[dict[str, Any]]) -> None:
    required, missing_code, _ = ENTITIES[entity]
    for r in records:
        for f in required:
            if r.get(f) in (None, ""):
                raise Envelope(missing_code, f"Required field missing: {f}")


def normalise(entity: str, raw: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """Shape one posted record the way GET returns it; raises Envelope on a bad value."""
    record = dict(existing or {})
    _SHAPERS[entity](record, raw)
    return record


def _relation(record: dict[str, Any], raw: dict[str, Any]) -> None:
    for f in RELATION_FIELDS:
        if f in raw:
            record[f] = raw[f] if f in COORDINATES else text(raw[f])
        else:
            record.setdefault(f, None if f in COORDINATES else "")
    for f in COORDINATES:
        if record[f] not in (None, ""):
            value = parse_decimal(record[f])
            if value is None:
                raise Envelope(1300, f"Invalid value for {f}: {record[f]}")
            record[f] = float(value)
        else:
            record[f] = None


def _material(record: dict[str, Any], raw: dict[str, Any]) -> None:
    for f in MATERIAL_FIELDS:
        if f in raw:
            record[f] = text(raw[f])
        else:
            record.setdefault(f, "")
    price = parse_decimal(record["price"])
    if price is None:
        raise Envelope(1200, f"Invalid price: {record['price']}")
    record["price"] = nl_money(price)


def _hourtype(record: dict[str, Any], raw: dict[str, Any]) -> None:
    for f in HOURTYPE_FIELDS:
        if f in raw:
            record[f] = text(raw[f])
    record.setdefault("cost_price", "0.00")
    record.setdefault("active", "1")
    for f in ("cost_booking", "sale_booking", "active"):
        if record[f] not in ("0", "1"):
            raise Envelope(1801, f"Invalid value for {f}: must be 1 or 0")
    for f in ("sale_price", "cost_price"):
        value = parse_decimal(record[f] or "0")
        if value is None:
            raise Envelope(1801, f"Invalid value for {f}: {record[f]}")
        record[f] = dot_money(value)


def _employee(record: dict[str, Any], raw: dict[str, Any]) -> None:
    for f in ("firstname", "lastname", "number"):
        record[f] = text(raw[f])
    record.setdefault("active", "1")


def _workstatus(record: dict[str, Any], raw: dict[str, Any]) -> None:
    record["sta_code"], record["sta_name"] = text(raw["sta_code"]), text(raw["sta_name"])


_SHAPERS: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
    "relations": _relation,
    "materials": _material,
    "hourtypes": _hourtype,
    "employees": _employee,
    "workstatusses": _workstatus,
}


def work_order_changes(
    q: Any, employees: dict[str, Any], workstatusses: dict[str, Any]
) -> dict[str, str]:
    """The fields an UpdateWorkorder call changes; every bad value at once as 1504."""
    if not any(q.get(k) for k in UPDATABLE):
        raise Envelope(1502, "Update workorder request is missing update data")
    problems: list[str] = []
    changes: dict[str, str] = {}
    if q.get("workdate"):
        try:
            day = dt.datetime.strptime(q["workdate"], "%d-%m-%Y")
            changes["WorkDate"] = day.strftime("%d-%m-%Y")
        except ValueError:
            problems.append("Date invalid. Format: 20-02-2016")
    if q.get("worktime"):
        if re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", q["worktime"]):
            changes["WorkTime"] = q["worktime"]
        else:
            problems.append("Time invalid. Format: 07:08")
    if q.get("employee_nr"):
        if q["employee_nr"] in employees:
            changes["EmployeeNr"] = q["employee_nr"]
        else:
            problems.append("Employee not updated")
    if q.get("workstatus"):
        if q["workstatus"] in workstatusses:
            changes["WorkStatus"] = q["workstatus"]
        else:
            problems.append(f"Workstatus not updated: unknown workstatus {q['workstatus']}")
    if problems:
        raise Envelope(1504, *problems)
    return changes
