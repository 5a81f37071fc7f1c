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
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import Core, json_response, service_base
from vismadesk.sandbox.oauth import BearerError
from vismadesk.sandbox.wire import CENT, parse_visma_time

ORDER_TYPES = {"SO": "Sales order", "IN": "Invoice", "QT": "Quote"}
MAX_PAGE_SIZE = 1000
REF_MAX = 40
VAT_RATE = Decimal("0.21")
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
PATCH_STATUSES = ("Open", "Hold", "BackOrder")
SCOPE_FOR_METHOD = {"GET": "read"}  # every other method writes

Handler = Callable[[Request], Awaitable[Response]]


class Problem(Exception):
    """An RFC 7807 body; `details` carry Visma's error codes like 1804-InventoryIdNotFound."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        details: list[dict[str, Any]] | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.details, self.errors = details, errors

    def response(self, instance: str) -> Response:
        body: dict[str, Any] = {
            "type": f"https://httpstatuses.io/{self.status}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        if self.details is not None:
            body["details"] = self.details
        return Response(
            json.dumps(body, ensure_ascii=False),
            self.status,
            media_type="application/problem+json",
        )


def http_error(status: int, path: str) -> Response:
    title = "Method Not Allowed" if status == 405 else "Not Found"
    return Problem(status, title, f"{title}: {path}").response(path)


def _validation(problems: list[tuple[str, str, str, Any]]) -> Problem:
    """problems: (code, message, property, value)."""
    errors: dict[str, list[str]] = {}
    details = []
    for code, message, prop, value in problems:
        errors.setdefault(prop, []).append(message)
        details.append(
            {"code": code, "message": message, "parameters": {"property": prop, "value": value}}
        )
    return Problem(400, "One or more validation errors occurred.", problems[0][1], details, errors)


def _utc_now() -> dt.datetime:
    """SalesOrders v3 speaks UTC ("...Z"), unlike the ERP API's local wall-clock time."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _utc_stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_utc(text: str) -> dt.datetime | None:
    """The spec: a date/time without an offset is UTC; one with an offset is converted."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return parse_visma_time(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def build(core: Core) -> Router:
    state = core.state
    oauth = core.oauth

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                oauth.authorize_bearer(
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

    def validate(body: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Check a NewSalesOrderCommand; returns (customer record, resolved lines)."""
        if not isinstance(body, dict):
            raise Problem(400, "Bad Request", "The request body must be a JSON object.")
        problems: list[tuple[str, str, str, Any]] = []
        order_type = body.get("type")
        if not isinstance(order_type, str) or not order_type.strip():
            problems.append(("0001-NullNotAllowed", "Type cannot be empty.", "type", order_type))
        elif order_type not in ORDER_TYPES:
            problems.append(
                (
                    "0003-InvalidValue",
                    f"Order type '{order_type}' is not an active sales order type.",
                    "type",
                    order_type,
                )
            )
        if body.get("orderId"):
            problems.append(
                (
                    "0004-ValueNotAllowed",
                    "OrderId must be empty: the order type numbers automatically.",
                    "orderId",
                    body["orderId"],
                )
            )
        cust = body.get("customer")
        customer = None
        if not isinstance(cust, dict):
            problems.append(("0001-NullNotAllowed", "Customer cannot be null.", "customer", cust))
        else:
            cid = cust.get("id")
            if not isinstance(cid, str) or not cid.strip():
                problems.append(
                    ("0001-NullNotAllowed", "Customer.Id cannot be empty.", "customer.id", cid)
                )
            else:
                customer = state.customers.get(cid)
                if customer is None:
                    problems.append(
                        (
                            "0003-InvalidValue",
                            f"Customer '{cid}' cannot be found.",
                            "customer.id",
                            cid,
                        )
                    )
                elif customer["status"] not in ("Active", "OneTime"):
                    problems.append(
                        (
                            "1407-InvalidCustomerStatus",
                            "Invalid Customer Status",
                            "customer.id",
                            cid,
                        )
                    )
                elif not (cust.get("termsId") or customer.get("creditTerms", {}).get("id")):
                    problems.append(
                        (
                            "1401-MissingTermsId",
                            "TermsId cannot be empty in the order. Set a default terms on the "
                            "customer or specify the terms for the order",
                            "customer.termsId",
                            None,
                        )
                    )
            for key in ("refNo", "order"):
                value = cust.get(key)
                if value is not None and (not isinstance(value, str) or len(value) > REF_MAX):
                    problems.append(
                        (
                            "0002-InvalidLength",
                            f"Customer.{key} must be a string of at most {REF_MAX} characters.",
                            f"customer.{key}",
                            value,
                        )
                    )
        status = body.get("status")
        if status not in (None, "", "Open", "Hold"):
            problems.append(
                ("0004-ValueNotAllowed", "Status must be empty, Open or Hold.", "status", status)
            )
        desc = body.get("description")
        if desc is not None and (not isinstance(desc, str) or len(desc) > 255):
            problems.append(
                (
                    "0002-InvalidLength",
                    "Description must be at most 255 characters.",
                    "description",
                    desc,
                )
            )
        lines_in = body.get("orderLines") or []
        if not isinstance(lines_in, list):
            problems.append(
                ("0003-InvalidValue", "OrderLines must be an array.", "orderLines", lines_in)
            )
            lines_in = []
        lines = []
        for n, line in enumerate(lines_in):
            where = f"orderLines[{n}]"
            if not isinstance(line, dict):
                problems.append(
                    ("0003-InvalidValue", "An order line must be an object.", where, line)
                )
                continue
            inv_id = line.get("inventoryId")
            if not isinstance(inv_id, str) or not inv_id.strip():
                problems.append(
                    (
                        "0001-NullNotAllowed",
                        "InventoryId cannot be empty.",
                        f"{where}.inventoryId",
                        inv_id,
                    )
                )
                continue
            item = state.inventory.get(inv_id)
            if item is None or item["status"] in ("Inactive", "NoSales", "MarkedForDeletion"):
                problems.append(
                    (
                        "1804-InventoryIdNotFound",
                        "InventoryId cannot be found or is invalid",
                        f"{where}.inventoryId",
                        inv_id,
                    )
                )
                continue
            qty = _number(line.get("quantity", 0))
            if qty is None or qty < 0:
                problems.append(
                    (
                        "1809-InvalidQuantityForType",
                        "Quantity must be zero or positive when inventory item is not of "
                        "type MiscCharge",
                        f"{where}.quantity",
                        line.get("quantity"),
                    )
                )
                continue
            price_raw = line.get("unitPrice")
            price = (
                _number(price_raw) if price_raw is not None else Decimal(str(item["defaultPrice"]))
            )
            if price is None:
                problems.append(
                    (
                        "0003-InvalidValue",
                        "UnitPrice must be a number.",
                        f"{where}.unitPrice",
                        price_raw,
                    )
                )
                continue
            line_desc = line.get("description")
            if line_desc is not None and (not isinstance(line_desc, str) or len(line_desc) > 256):
                problems.append(
                    (
                        "0002-InvalidLength",
                        "Description must be at most 256 characters.",
                        f"{where}.description",
                        line_desc,
                    )
                )
                continue
            lines.append({"item": item, "qty": qty, "price": price, "line": line})
        if problems:
            raise _validation(problems)
        assert customer is not None
        return customer, lines

    async def create(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise Problem(400, "Bad Request", "The request body is not valid JSON.") from None
        with state.lock:
            customer, lines = validate(body)
            order_type = body["type"]
            counter = state.numbering.sales_order.get(order_type, 1)
            while (order_type, f"{counter:06d}") in state.sales_orders:
                counter += 1
            order_id = f"{counter:06d}"
            state.numbering.sales_order[order_type] = counter + 1
            moment = _utc_now()
            stamp = _utc_stamp(moment)
            when = _parse_utc(str(body.get("date") or "")) or moment
            cust = body["customer"]
            out_lines = []
            total = Decimal(0)
            qty_total = Decimal(0)
            for n, entry in enumerate(lines, start=1):
                item, qty, price, line = entry["item"], entry["qty"], entry["price"], entry["line"]
                amount = qty * price
                total += amount
                qty_total += qty
                out_lines.append(
                    {
                        "lineId": n,
                        "inventory": {
                            "id": item["inventoryNumber"],
                            "description": item["description"],
                            "baseUnit": item["baseUnit"],
                        },
                        "description": line.get("description") or item["description"],
                        "quantity": float(qty),
                        "unitPrice": float(price),
                        "unitOfMeasure": line.get("unitOfMeasure") or item["salesUnit"],
                        "extendedPrice": _money(amount),
                        "lineTotalBeforeDiscount": _money(amount),
                        "discountAmount": 0.0,
                        "discountPercent": 0.0,
                        "hasManualPrice": line.get("unitPrice") is not None,
                        "hasManualDiscount": False,
                        "commissionable": False,
                        "freeItem": False,
                        "completed": False,
                        "note": line.get("note"),
                        "lineType": "NonStockItem" if item["type"] != "LaborItem" else "LaborItem",
                    }
                )
            vat = total * VAT_RATE
            status = body.get("status") or "Open"
            order = {
                "type": order_type,
                "orderId": order_id,
                "status": {"description": status, "hold": status == "Hold", "cancelled": False},
                "date": when.strftime("%Y-%m-%dT00:00:00Z"),
                "requestOn": when.strftime("%Y-%m-%dT00:00:00Z"),
                "lastModified": stamp,
                "description": body.get("description"),
                "note": body.get("note"),
                "customer": {
                    "id": customer["number"],
                    "internalId": customer["internalId"],
                    "name": customer["name"],
                    "refNo": cust.get("refNo"),
                    "order": cust.get("order"),
                },
                "currencyId": body.get("currencyId") or customer.get("currencyId") or "EUR",
                "orderQty": float(qty_total),
                "totals": {
                    "orderTotal": _money(total + vat),
                    "orderTotalInBaseCurrency": _money(total + vat),
                    "taxTotal": _money(vat),
                    "taxTotalInBaseCurrency": _money(vat),
                    "taxableTotal": _money(total),
                    "taxableTotalInBaseCurrency": _money(total),
                    "taxExemptTotal": 0.0,
                    "taxExemptTotalInBaseCurrency": 0.0,
                    "freightTotal": 0.0,
                    "freightTotalInBaseCurrency": 0.0,
                    "discountTotal": 0.0,
                    "discountTotalInBaseCurrency": 0.0,
                },
                "isRotRutDeductable": False,
                "createdBy": None,
                "version": base64.b64encode(f"{order_type}{order_id}:1".encode()).decode(),
            }
            state.sales_orders[(order_type, order_id)] = order
            state.sales_order_lines[(order_type, order_id)] = out_lines
        location = (
            f"{service_base(request, 'salesorders')}/api/v3/SalesOrders/{order_type}/{order_id}"
        )
        return Response(status_code=201, headers={"Location": location})

    def list_item(order: dict[str, Any], base: str) -> dict[str, Any]:
        cust = order["customer"]
        return {
            "type": order["type"],
            "orderId": order["orderId"],
            "status": order["status"]["description"],
            "date": order["date"],
            "requestOn": order["requestOn"],
            "shippingScheduledDate": order["requestOn"],
            "lastModified": order["lastModified"],
            "description": order["description"],
            "customerId": cust["id"],
            "customerName": cust["name"],
            "customerRefNo": cust["refNo"],
            "customerOrder": cust["order"],
            "location": "MAIN",
            "currency": order["currencyId"],
            "orderQty": order["orderQty"],
            "orderTotal": order["totals"]["orderTotal"],
            "_links": {
                "self": {"href": f"{base}/api/v3/SalesOrders/{order['type']}/{order['orderId']}"}
            },
        }

    def paging(request: Request, default_size: int) -> tuple[int, int]:
        def read(name: str, default: int, lo: int, hi: int) -> int:
            raw = request.query_params.get(name)
            try:
                value = default if raw in (None, "") else int(str(raw))
            except ValueError:
                value = -1
            if not lo <= value <= hi:
                raise Problem(400, "Bad Request", f"{name} must be between {lo} and {hi}.")
            return value

        return read("pageIndex", 0, 0, 1_000_000), read("pageSize", default_size, 1, MAX_PAGE_SIZE)

    def paged(request: Request, items: list[dict[str, Any]], default_size: int) -> Response:
        index, size = paging(request, default_size)
        chunk = items[index * size : (index + 1) * size]
        next_page = None
        if (index + 1) * size < len(items):
            params = dict(request.query_params)
            params.update(pageIndex=str(index + 1), pageSize=str(size))
            next_page = f"{request.url.scheme}://{request.headers.get('host')}{request.url.path}?{urlencode(params)}"
        return json_response({"value": chunk, "totalCount": len(items), "nextPage": next_page})

    async def list_orders(request: Request) -> Response:
        q = request.query_params
        order_type = request.path_params.get("type")
        since = _parse_utc(q["modifiedSince"]) if q.get("modifiedSince") else None
        if q.get("modifiedSince") and since is None:
            raise Problem(400, "Bad Request", "modifiedSince is not a valid date/time.")
        order_by = (q.get("orderBy") or "orderId asc").split()
        if order_by[0] not in ("created", "lastModified", "orderId") or (
            len(order_by) > 1 and order_by[1] not in ("asc", "desc")
        ):
            raise Problem(400, "Bad Request", f"orderBy '{q.get('orderBy')}' is not valid.")
        base = service_base(request, "salesorders")
        with state.lock:
            orders = [
                o
                for (t, _), o in state.sales_orders.items()
                if (not order_type or t == order_type)
                and (not q.get("customerId") or o["customer"]["id"] == q["customerId"])
                and (not q.get("status") or o["status"]["description"] == q["status"])
                and (not q.get("filter") or q["filter"] in o["orderId"])
                and (since is None or (_parse_utc(o["lastModified"]) or since) >= since)
            ]
            field = {"created": "orderId", "orderId": "orderId", "lastModified": "lastModified"}[
                order_by[0]
            ]
            orders.sort(
                key=lambda o: (o[field], o["type"]),
                reverse=len(order_by) > 1 and order_by[1] == "desc",
            )
            return paged(request, [list_item(o, base) for o in orders], 100)

    def lookup(request: Request) -> tuple[str, str]:
        key = (request.path_params["type"], request.path_params["orderId"])
        if key not in state.sales_orders:
            raise Problem(404, "Not Found", f"Sales order {key[0]} {key[1]} was not found.")
        return key

    def expansions(request: Request) -> set[str]:
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

    def etag(order: dict[str, Any]) -> dict[str, str]:
        return {"ETag": f'"{order["version"]}"'}

    async def get_order(request: Request) -> Response:
        wanted = expansions(request)
        with state.lock:
            order = state.sales_orders[lookup(request)]
            shown = {k: v for k, v in order.items() if k in wanted or k not in EXPANSIONS.values()}
            return json_response(shown, headers=etag(order))

    def check_version(key: tuple[str, str], request: Request) -> None:
        match = request.headers.get("if-match")
        if not match:
            raise Problem(428, "Precondition Required", "If-Match header is required.")
        if match.strip().removeprefix("W/").strip('"') != state.sales_orders[key]["version"]:
            raise Problem(
                412, "Precondition Failed", "Order version does not match with If-Match header."
            )

    async def patch_order(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise Problem(400, "Bad Request", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise Problem(400, "Bad Request", "The request body must be a JSON object.")
        with state.lock:
            key = lookup(request)
            check_version(key, request)
            order = state.sales_orders[key]
            problems: list[tuple[str, str, str, Any]] = []
            status = body.get("status")
            if status is not None and status not in PATCH_STATUSES:
                problems.append(
                    (
                        "0004-ValueNotAllowed",
                        "Status must be Open, Hold or BackOrder.",
                        "status",
                        status,
                    )
                )
            for name, limit in (("description", 255), ("note", 2048)):
                value = body.get(name)
                if value is not None and (not isinstance(value, str) or len(value) > limit):
                    problems.append(
                        (
                            "0002-InvalidLength",
                            f"{name.capitalize()} must be at most {limit} characters.",
                            name,
                            value,
                        )
                    )
            cust = body.get("customer")
            if cust is not None and not isinstance(cust, dict):
                problems.append(
                    ("0003-InvalidValue", "Customer must be an object.", "customer", cust)
                )
                cust = None
            for name in ("refNo", "order"):
                value = (cust or {}).get(name)
                if value is not None and (not isinstance(value, str) or len(value) > REF_MAX):
                    problems.append(
                        (
                            "0002-InvalidLength",
                            f"Customer.{name} must be a string of at most {REF_MAX} characters.",
                            f"customer.{name}",
                            value,
                        )
                    )
            if problems:
                raise _validation(problems)
            # Null or absent leaves a field as it is (the spec's PATCH semantics).
            if status is not None:
                order["status"] = {
                    "description": status,
                    "hold": status == "Hold",
                    "cancelled": False,
                }
            for name in ("description", "note"):
                if body.get(name) is not None:
                    order[name] = body[name]
            for name in ("refNo", "order"):
                if (cust or {}).get(name) is not None:
                    order["customer"][name] = cust[name]  # type: ignore[index]
            revision = int(base64.b64decode(order["version"]).decode().rsplit(":", 1)[1]) + 1
            order["version"] = base64.b64encode(f"{key[0]}{key[1]}:{revision}".encode()).decode()
            order["lastModified"] = _utc_stamp(_utc_now())
            return Response(status_code=202, headers=etag(order))

    async def get_lines(request: Request) -> Response:
        with state.lock:
            return paged(request, state.sales_order_lines[lookup(request)], 1000)

    async def delete_order(request: Request) -> Response:
        with state.lock:
            key = lookup(request)
            check_version(key, request)
            del state.sales_orders[key]
            del state.sales_order_lines[key]
        return Response(status_code=202)

    g = guarded
    return Router(
        routes=[
            Route("/api/v3/SalesOrders", g(list_orders), methods=["GET"]),
            Route("/api/v3/SalesOrders", g(create), methods=["POST"]),
            Route("/api/v3/SalesOrders/{type}", g(list_orders), methods=["GET"]),
            Route("/api/v3/SalesOrders/{type}/{orderId}", g(get_order), methods=["GET"]),
            Route("/api/v3/SalesOrders/{type}/{orderId}", g(patch_order), methods=["PATCH"]),
            Route("/api/v3/SalesOrders/{type}/{orderId}", g(delete_order), methods=["DELETE"]),
            Route("/api/v3/SalesOrders/{type}/{orderId}/lines", g(get_lines), methods=["GET"]),
        ]
    )
