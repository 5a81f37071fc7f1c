"""OutSmart OpenAPI v8: every answer is HTTP 200 with `{code, messages, response}`.

`token` and `software_token` are checked on every call (1002-1005). Work orders are
served as `GetWorkorder(s)` returns them; `update_status` defaults to true, as in the
real API, so a listing without `update_status=false` marks what it lists Afgehandeld.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import Core, json_response
from vismadesk.sandbox.wire import dot_money, nl_money, parse_decimal

STATUSES = ("Klaargezet", "Opgehaald", "Compleet", "Afgehandeld")
HANDLED = "Afgehandeld"

Handler = Callable[[Request], Awaitable[Response]]


class Envelope(Exception):
    """An OutSmart answer other than success: a code and its messages."""

    def __init__(self, code: int, *messages: str) -> None:
        super().__init__(f"{code}: {'; '.join(messages)}")
        self.code = code
        self.messages = list(messages)


def envelope(response: Any = None, code: int = 200, messages: list[str] | None = None) -> Response:
    return json_response({"code": code, "messages": messages or [], "response": response})


def http_error(status: int, path: str) -> Response:
    """OutSmart answers everything with HTTP 200; a method an endpoint does not take
    is an endpoint it does not know."""
    return envelope(None, 1001, ["The endpoint being provided is unknown"])


def _flag(raw: str | None, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    return raw.strip().lower() not in ("false", "0", "no")


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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return str(value)
    return str(value)


def _normalise(entity: str, raw: dict[str, Any], existing: dict[str, Any] | None) -> dict[str, Any]:
    """Shape one posted record the way GET returns it; raises Envelope on a bad value."""
    record = dict(existing or {})
    if entity == "relations":
        for f in RELATION_FIELDS:
            if f in raw:
                record[f] = raw[f] if f in ("latitude", "longitude") else _text(raw[f])
            else:
                record.setdefault(f, None if f in ("latitude", "longitude") else "")
        for f in ("latitude", "longitude"):
            if record[f] not in (None, ""):
                value = parse_decimal(record[f])
                if value is None:
                    raise Envelope(1300, f"Invalid value for {f}: {record[f]}")
                record[f] = float(value)
            else:
                record[f] = None
    elif entity == "materials":
        for f in MATERIAL_FIELDS:
            if f in raw:
                record[f] = _text(raw[f])
            else:
                record.setdefault(f, "")
        price = parse_decimal(record["price"])
        if price is None:
            raise Envelope(1200, f"Invalid price: {record['price']}")
        record["price"] = nl_money(price)
    elif entity == "hourtypes":
        for f in (
            "code",
            "name",
            "cost_booking",
            "sale_booking",
            "sale_price",
            "cost_price",
            "active",
        ):
            if f in raw:
                record[f] = _text(raw[f])
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
    elif entity == "employees":
        for f in ("firstname", "lastname", "number"):
            record[f] = _text(raw[f])
        record.setdefault("active", "1")
    else:
        record["sta_code"], record["sta_name"] = _text(raw["sta_code"]), _text(raw["sta_name"])
    return record


def build(core: Core) -> Router:
    state = core.state
    creds = core.creds

    def checked(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            q = request.query_params
            if not q.get("token"):
                return envelope(None, 1002, ["Request is missing the GET parameter: token"])
            if not q.get("software_token"):
                return envelope(
                    None, 1003, ["Request is missing the GET parameter: software_token"]
                )
            if q["token"] != creds.outsmart_token:
                return envelope(
                    None, 1004, ["Client token provided is unauthorized to execute this request"]
                )
            if q["software_token"] != creds.outsmart_software_token:
                return envelope(
                    None,
                    1005,
                    ["Software token provided is unauthorized to execute this request"],
                )
            try:
                return await handler(request)
            except Envelope as e:
                return envelope(None, e.code, e.messages)

        return run

    def find(q: Any) -> dict[str, Any]:
        row_id, number = q.get("row_id"), q.get("workorder_no")
        if not row_id and not number:
            raise Envelope(1500, "Either row_id or workorder_no is required")
        if row_id:
            found = state.work_orders.get(row_id)
        else:
            found = state.work_orders.get(state.work_order_rows.get(number, ""))
        if found is None:
            raise Envelope(1500)
        return found

    async def get_workorders(request: Request) -> Response:
        q = request.query_params
        status = q.get("status") or "Alle"
        if status != "Alle" and status not in STATUSES:
            raise Envelope(
                1504, f"Invalid status: {status}. Possible values: Alle, {', '.join(STATUSES)}"
            )
        workstatus = q.get("workstatus")
        update = _flag(q.get("update_status"), True)
        with state.lock:
            chosen = [
                w
                for w in state.work_orders.values()
                if (status == "Alle" or w["status"] == status)
                and (workstatus is None or w["WorkStatus"] == workstatus)
            ]
            # Answer with what was listed, then mark it handled, as the real API does.
            body = json.dumps({"code": 200, "messages": [], "response": chosen}, ensure_ascii=False)
            if update:
                for w in chosen:
                    w["status"] = HANDLED
        return Response(body, media_type="application/json")

    async def get_workorder(request: Request) -> Response:
        q = request.query_params
        update = _flag(q.get("update_status"), True)
        with state.lock:
            found = find(q)
            answer = copy.deepcopy(found)
            if update:
                found["status"] = HANDLED
        return envelope(answer)

    async def update_workorder(request: Request) -> Response:
        q = request.query_params
        keys = ("workdate", "worktime", "employee_nr", "workstatus")
        with state.lock:
            order = find(q)
            if not any(q.get(k) for k in keys):
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
                if q["employee_nr"] in state.employees:
                    changes["EmployeeNr"] = q["employee_nr"]
                else:
                    problems.append("Employee not updated")
            if q.get("workstatus"):
                if q["workstatus"] in state.workstatusses:
                    changes["WorkStatus"] = q["workstatus"]
                else:
                    problems.append(f"Workstatus not updated: unknown workstatus {q['workstatus']}")
            if problems:
                raise Envelope(1504, *problems)
            if all(order.get(k) == v for k, v in changes.items()):
                raise Envelope(1503, "No data changed")
            order.update(changes)
        return envelope(None)

    def lister(entity: str) -> Handler:
        async def run(request: Request) -> Response:
            with state.lock:
                table: dict[str, Any] = getattr(state, entity)
                body = json.dumps(
                    {"code": 200, "messages": [], "response": list(table.values())},
                    ensure_ascii=False,
                )
            return Response(body, media_type="application/json")

        return run

    def syncer(entity: str) -> Handler:
        required, missing_code, key = ENTITIES[entity]

        async def run(request: Request) -> Response:
            raw = await request.body()
            if not raw.strip():
                raise Envelope(1008, "Unable to fetch body")
            try:
                body = json.loads(raw)
            except ValueError:
                raise Envelope(1009, "Unable to parse body") from None
            records = [body] if isinstance(body, dict) else body
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise Envelope(1009, "Unable to parse body")
            for r in records:
                for f in required:
                    if r.get(f) in (None, ""):
                        raise Envelope(missing_code, f"Required field missing: {f}")
            with state.lock:
                table: dict[str, Any] = getattr(state, entity)
                shaped = [_normalise(entity, r, table.get(_text(r[key]))) for r in records]
                for record in shaped:
                    table[record[key]] = record
            return envelope(len(shaped))

        return run

    async def no_endpoint(request: Request) -> Response:
        return envelope(None, 1000, ["The URL being called is not containing an endpoint"])

    c = checked
    routes = [
        Route("/", no_endpoint, methods=["GET", "POST"]),
        Route("/GetWorkorders/", c(get_workorders), methods=["GET"]),
        Route("/GetWorkorder/", c(get_workorder), methods=["GET"]),
        Route("/UpdateWorkorder/", c(update_workorder), methods=["GET"]),
    ]
    for entity in ENTITIES:
        routes.append(Route(f"/{entity}/", c(lister(entity)), methods=["GET"]))
        routes.append(Route(f"/{entity}/", c(syncer(entity)), methods=["POST"]))
    return _EnvelopeRouter(routes=routes)


class _EnvelopeRouter(Router):
    """Unknown endpoints answer code 1001 in the envelope, not a bare 404."""

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(routes=routes, redirect_slashes=False, default=self._unknown)

    @staticmethod
    async def _unknown(scope: Any, receive: Any, send: Any) -> None:
        response = envelope(None, 1001, ["The endpoint being provided is unknown"])
        await response(scope, receive, send)


class TrailingSlash:
    """OutSmart serves `GetWorkorders` and `GetWorkorders/` alike; redirecting would
    lose a POST body, so the path is completed in place instead."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].endswith("/"):
            # In place: the gate finds the connection by this very scope object.
            scope["path"] += "/"
            raw = scope.get("raw_path")
            if isinstance(raw, bytes):
                scope["raw_path"] = raw + b"/"
        await self.app(scope, receive, send)
