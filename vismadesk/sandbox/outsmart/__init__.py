"""OutSmart OpenAPI v8: every answer is HTTP 200 with `{code, messages, response}`.

`token` and `software_token` are checked on every call (1002-1005). Work orders are
served as `GetWorkorder(s)` returns them; `update_status` defaults to true, as in the
real API, so a listing without `update_status=false` marks what it lists Afgehandeld.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vismadesk.sandbox.core import Core
from vismadesk.sandbox.outsmart.envelope import (
    Envelope,
    EnvelopeRouter,
    TrailingSlash,
    envelope,
    http_error,
)
from vismadesk.sandbox.outsmart.validation import (
    ENTITIES,
    check_required,
    normalise,
    text,
    work_order_changes,
)

__all__ = ["OutSmartApi", "TrailingSlash", "http_error"]

STATUSES = ("Klaargezet", "Opgehaald", "Compleet", "Afgehandeld")
HANDLED = "Afgehandeld"

Handler = Callable[[Request], Awaitable[Response]]


def _flag(raw: str | None, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    return raw.strip().lower() not in ("false", "0", "no")


def _listing(records: list[Any]) -> Response:
    """A success envelope, serialised now (under the caller's lock), not later."""
    body = json.dumps({"code": 200, "messages": [], "response": records}, ensure_ascii=False)
    try:
        return Response(body, media_type="application/json")
    except UnicodeEncodeError:
        # Text no UTF-8 can hold (half an emoji): OutSmart's PHP escapes it, "\ud83d".
        escaped = json.dumps({"code": 200, "messages": [], "response": records})
        return Response(escaped, media_type="application/json")


class OutSmartApi:
    def __init__(self, core: Core) -> None:
        self.state = core.state
        self.creds = core.creds

    def router(self) -> EnvelopeRouter:
        c = self._checked
        routes = [
            Route("/", self.no_endpoint, methods=["GET", "POST"]),
            Route("/GetWorkorders/", c(self.get_workorders), methods=["GET"]),
            Route("/GetWorkorder/", c(self.get_workorder), methods=["GET"]),
            Route("/UpdateWorkorder/", c(self.update_workorder), methods=["GET"]),
        ]
        for entity in ENTITIES:
            routes.append(Route(f"/{entity}/", c(self._lister(entity)), methods=["GET"]))
            routes.append(Route(f"/{entity}/", c(self._syncer(entity)), methods=["POST"]))
        return EnvelopeRouter(routes=routes)

    def _checked(self, handler: Handler) -> Handler:
        """Both tokens first (1002-1005), then the handler; an `Envelope` is the answer."""

        async def run(request: Request) -> Response:
            refused = self._token_problem(request.query_params)
            if refused is not None:
                return refused
            try:
                return await handler(request)
            except Envelope as e:
                return envelope(None, e.code, e.messages)

        return run

    def _token_problem(self, q: Any) -> Response | None:
        if not q.get("token"):
            return envelope(None, 1002, ["Request is missing the GET parameter: token"])
        if not q.get("software_token"):
            return envelope(None, 1003, ["Request is missing the GET parameter: software_token"])
        if q["token"] != self.creds.outsmart_token:
            return envelope(
                None, 1004, ["Client token provided is unauthorized to execute this request"]
            )
        if q["software_token"] != self.creds.outsmart_software_token:
            return envelope(
                None, 1005, ["Software token provided is unauthorized to execute this request"]
            )
        return None

    # --- work orders -----------------------------------------------------------------

    def _find(self, q: Any) -> dict[str, Any]:
        row_id, number = q.get("row_id"), q.get("workorder_no")
        if not row_id and not number:
            raise Envelope(1500, "Either row_id or workorder_no is required")
        state = self.state
        if row_id:
            found = state.work_orders.get(row_id)
        else:
            found = state.work_orders.get(state.work_order_rows.get(number, ""))
        if found is None:
            raise Envelope(1500)
        return found

    async def get_workorders(self, request: Request) -> Response:
        q = request.query_params
        status = q.get("status") or "Alle"
        if status != "Alle" and status not in STATUSES:
            raise Envelope(
                1504, f"Invalid status: {status}. Possible values: Alle, {', '.join(STATUSES)}"
            )
        workstatus = q.get("workstatus")
        update = _flag(q.get("update_status"), True)
        with self.state.lock:
            chosen = [
                w
                for w in self.state.work_orders.values()
                if (status == "Alle" or w["status"] == status)
                and (workstatus is None or w["WorkStatus"] == workstatus)
            ]
            # Answer with what was listed, then mark it handled, as the real API does.
            answer = _listing(chosen)
            if update:
                for w in chosen:
                    w["status"] = HANDLED
        return answer

    async def get_workorder(self, request: Request) -> Response:
        q = request.query_params
        update = _flag(q.get("update_status"), True)
        with self.state.lock:
            found = self._find(q)
            answer = copy.deepcopy(found)
            if update:
                found["status"] = HANDLED
        return envelope(answer)

    async def update_workorder(self, request: Request) -> Response:
        q = request.query_params
        state = self.state
        with state.lock:
            order = self._find(q)
            changes = work_order_changes(q, state.employees, state.workstatusses)
            if all(order.get(k) == v for k, v in changes.items()):
                raise Envelope(1503, "No data changed")
            order.update(changes)
        return envelope(None)

    # --- relations, materials, hour types, employees, work statuses --------------------

    def _lister(self, entity: str) -> Handler:
        async def list_entity(request: Request) -> Response:
            with self.state.lock:
                table: dict[str, Any] = getattr(self.state, entity)
                return _listing(list(table.values()))

        return list_entity

    def _syncer(self, entity: str) -> Handler:
        key = ENTITIES[entity][2]

        async def sync_entity(request: Request) -> Response:
            records = _posted_records(await request.body())
            check_required(entity, records)
            with self.state.lock:
                table: dict[str, Any] = getattr(self.state, entity)
                shaped = [normalise(entity, r, table.get(text(r[key]))) for r in records]
                for record in shaped:
                    table[record[key]] = record
            return envelope(len(shaped))

        return sync_entity

    async def no_endpoint(self, request: Request) -> Response:
        return envelope(None, 1000, ["The URL being called is not containing an endpoint"])


def _posted_records(raw: bytes) -> list[dict[str, Any]]:
    """One record or an array of them; 1008 for no body, 1009 for one not understood."""
    if not raw.strip():
        raise Envelope(1008, "Unable to fetch body")
    try:
        body = json.loads(raw)
    except ValueError:
        raise Envelope(1009, "Unable to parse body") from None
    records = [body] if isinstance(body, dict) else body
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Envelope(1009, "Unable to parse body")
    return records
