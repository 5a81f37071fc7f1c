"""SalesOrders API v3 (`salesorder.visma.net`): plain JSON, RFC 7807 problem details.

Lists use a zero-based `pageIndex` and answer `{value, totalCount, nextPage}`. The
list takes only the spec's parameters (`customerId`, `status`, `modifiedSince`,
`orderBy`, `filter` on the order id) and ignores any other, as the real service does:
there is no filter on the customer's reference. A client finds an order by its
reference by listing the customer's orders (`customerId`, following `nextPage`) and
matching `customerRefNo`, which every list item carries.

`GET` of one order fills the sections the spec calls expansions (`customer`, `note`,
...) only when `expand` names them, and carries the order's version as its `ETag`;
`PATCH` and `DELETE` need that version in `If-Match` and answer 202.

An order type numbers automatically (the default; a POST with an `orderId` is a 400)
or manually (`Sandbox.order_numbering`): then the POST must bring its `orderId` (at
most 15 characters), and one that exists answers `409 Conflict` with a ProblemDetails
body, as v3 does, after the body passed every other check.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import Core, json_response, service_base
from vismadesk.sandbox.oauth import BearerError
from vismadesk.sandbox.salesorders import records
from vismadesk.sandbox.salesorders.problems import Problem, bad_request, http_error
from vismadesk.sandbox.salesorders.validation import validate_new_order, validate_patch
from vismadesk.sandbox.wire import parse_utc, utc_now, utc_stamp

__all__ = ["SalesOrdersApi", "http_error"]

MAX_PAGE_SIZE = 1000
# SalesOrderExpansions -> the SalesOrderDto section each one fills.
EXPANSIONS = {
    "billing": "billing",
    "payment": "paymentSettings",
    "financialinformation": "financialInformation",
    "shipping": "shipping",
    "customer": "customer",
    "owner": "owner",
    "origin": "origin",
    "note": "note",
    "freight": "freight",
    "attachments": "attachments",
}
ORDER_BY = ("created", "lastModified", "orderId")
SCOPE_FOR_METHOD = {"GET": "read"}  # every other method writes

Handler = Callable[[Request], Awaitable[Response]]
OrderKey = tuple[str, str]


class SalesOrdersApi:
    def __init__(self, core: Core) -> None:
        self.state = core.state
        self.oauth = core.oauth

    def router(self) -> Router:
        g = self._guarded
        return Router(
            routes=[
                Route("/api/v3/SalesOrders", g(self.list_orders), methods=["GET"]),
                Route("/api/v3/SalesOrders", g(self.create_order), methods=["POST"]),
                Route("/api/v3/SalesOrders/{type}", g(self.list_orders), methods=["GET"]),
                Route("/api/v3/SalesOrders/{type}/{orderId}", g(self.get_order), methods=["GET"]),
                Route(
                    "/api/v3/SalesOrders/{type}/{orderId}", g(self.patch_order), methods=["PATCH"]
                ),
                Route(
                    "/api/v3/SalesOrders/{type}/{orderId}",
                    g(self.delete_order),
                    methods=["DELETE"],
                ),
                Route(
                    "/api/v3/SalesOrders/{type}/{orderId}/lines",
                    g(self.get_lines),
                    methods=["GET"],
                ),
            ]
        )

    def _guarded(self, handler: Handler) -> Handler:
        """The bearer token first (read for GET, write for the rest), then the handler;
        a `Problem` becomes its problem-details body."""

        async def run(request: Request) -> Response:
            try:
                self.oauth.authorize_bearer(
                    request.headers.get("authorization"),
                    "salesorders",
                    SCOPE_FOR_METHOD.get(request.method, "write"),
                )
            except BearerError as e:
                return Response(
                    status_code=e.status, headers={"WWW-Authenticate": e.www_authenticate()}
                )
            try:
                return await handler(request)
            except Problem as p:
                return p.response(request.url.path)

        return run

    # --- endpoints -------------------------------------------------------------------

    async def create_order(self, request: Request) -> Response:
        body = await _json_body(request)
        state = self.state
        with state.lock:
            customer, lines = validate_new_order(state, body)
            order_type = body["type"]
            if order_type in state.manual_order_types:
                order_id = body["orderId"]
                if (order_type, order_id) in state.sales_orders:
                    # The spec's 409 for a number that exists (ProblemDetails, no codes).
                    raise Problem(
                        409, "Conflict", f"Sales order {order_type} {order_id} already exists."
                    )
            else:
                order_id = self._next_order_id(order_type)
            key = (order_type, order_id)
            state.sales_orders[key] = records.new_order(body, order_id, customer, lines, utc_now())
            state.sales_order_lines[key] = records.order_lines(lines)
        location = service_base(request, "salesorders") + records.order_path(order_type, order_id)
        return Response(status_code=201, headers={"Location": location})

    def _next_order_id(self, order_type: str) -> str:
        state = self.state
        counter = state.numbering.sales_order.get(order_type, 1)
        while (order_type, f"{counter:06d}") in state.sales_orders:
            counter += 1
        state.numbering.sales_order[order_type] = counter + 1
        return f"{counter:06d}"

    async def list_orders(self, request: Request) -> Response:
        q = request.query_params
        order_type = request.path_params.get("type")
        since = parse_utc(q["modifiedSince"]) if q.get("modifiedSince") else None
        if q.get("modifiedSince") and since is None:
            raise bad_request("modifiedSince is not a valid date/time.")
        order_by = (q.get("orderBy") or "orderId asc").split()
        if order_by[0] not in ORDER_BY or (
            len(order_by) > 1 and order_by[1] not in ("asc", "desc")
        ):
            raise bad_request(f"orderBy '{q.get('orderBy')}' is not valid.")
        base = service_base(request, "salesorders")
        with self.state.lock:
            # Orders are kept in the order they were created: that position is `created`.
            orders = [
                (n, o)
                for n, ((t, _), o) in enumerate(self.state.sales_orders.items())
                if (not order_type or t == order_type)
                and (not q.get("customerId") or o["customer"]["id"] == q["customerId"])
                and (not q.get("status") or o["status"]["description"] == q["status"])
                and (not q.get("filter") or q["filter"] in o["orderId"])
                and (since is None or (parse_utc(o["lastModified"]) or since) >= since)
            ]
            field = order_by[0]
            orders.sort(
                key=lambda no: (no[0] if field == "created" else no[1][field], no[1]["type"]),
                reverse=len(order_by) > 1 and order_by[1] == "desc",
            )
            return _paged(request, [records.list_item(o, base) for _, o in orders], 100)

    async def get_order(self, request: Request) -> Response:
        wanted = _expansions(request)
        with self.state.lock:
            order = self.state.sales_orders[self._lookup(request)]
            shown = {k: v for k, v in order.items() if k in wanted or k not in EXPANSIONS.values()}
            return json_response(shown, headers=records.etag(order))

    async def patch_order(self, request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        with self.state.lock:
            key = self._lookup(request)
            self._check_version(key, request)
            order = self.state.sales_orders[key]
            validate_patch(body)
            # Null or absent leaves a field as it is (the spec's PATCH semantics).
            if body.get("status") is not None:
                order["status"] = records.status(body["status"])
            for name in ("description", "note"):
                if body.get(name) is not None:
                    order[name] = body[name]
            cust = body.get("customer") or {}
            for name in ("refNo", "order"):
                if cust.get(name) is not None:
                    order["customer"][name] = cust[name]
            order["version"] = records.next_version(order)
            order["lastModified"] = utc_stamp(utc_now())
            return Response(status_code=202, headers=records.etag(order))

    async def get_lines(self, request: Request) -> Response:
        with self.state.lock:
            return _paged(request, self.state.sales_order_lines[self._lookup(request)], 1000)

    async def delete_order(self, request: Request) -> Response:
        with self.state.lock:
            key = self._lookup(request)
            self._check_version(key, request)
            del self.state.sales_orders[key]
            del self.state.sales_order_lines[key]
        return Response(status_code=202)

    # --- helpers ---------------------------------------------------------------------

    def _lookup(self, request: Request) -> OrderKey:
        key = (request.path_params["type"], request.path_params["orderId"])
        if key not in self.state.sales_orders:
            raise Problem(404, "Not Found", f"Sales order {key[0]} {key[1]} was not found.")
        return key

    def _check_version(self, key: OrderKey, request: Request) -> None:
        match = request.headers.get("if-match")
        if not match:
            raise Problem(428, "Precondition Required", "If-Match header is required.")
        if match.strip().removeprefix("W/").strip('"') != self.state.sales_orders[key]["version"]:
            raise Problem(
                412, "Precondition Failed", "Order version does not match with If-Match header."
            )


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise bad_request("The request body is not valid JSON.") from None


def _expansions(request: Request) -> set[str]:
    """`expand=customer,note` or `expand=Customer&expand=Note`; `All` fills every one."""
    asked = {
        part.strip().lower()
        for raw in request.query_params.getlist("expand")
        for part in raw.split(",")
        if part.strip()
    }
    unknown = asked - set(EXPANSIONS) - {"all", "none"}
    if unknown:
        raise Problem(
            400,
            "One or more validation errors occurred.",
            f"The value '{sorted(unknown)[0]}' is not valid for expand.",
            errors={"expand": [f"The value '{u}' is not valid." for u in sorted(unknown)]},
        )
    if "all" in asked:
        return set(EXPANSIONS.values())
    return {EXPANSIONS[a] for a in asked if a in EXPANSIONS}


def _paging(request: Request, default_size: int) -> tuple[int, int]:
    def read(name: str, default: int, lo: int, hi: int) -> int:
        raw = request.query_params.get(name)
        try:
            value = default if raw in (None, "") else int(str(raw))
        except ValueError:
            value = -1
        if not lo <= value <= hi:
            raise bad_request(f"{name} must be between {lo} and {hi}.")
        return value

    return read("pageIndex", 0, 0, 1_000_000), read("pageSize", default_size, 1, MAX_PAGE_SIZE)


def _paged(request: Request, items: list[dict[str, Any]], default_size: int) -> Response:
    index, size = _paging(request, default_size)
    chunk = items[index * size : (index + 1) * size]
    next_page = None
    if (index + 1) * size < len(items):
        params = dict(request.query_params)
        params.update(pageIndex=str(index + 1), pageSize=str(size))
        host = request.headers.get("host")
        next_page = f"{request.url.scheme}://{host}{request.url.path}?{urlencode(params)}"
    return json_response({"value": chunk, "totalCount": len(items), "nextPage": next_page})
