"""The ERP API's conventions: `{value}` request wrapping, error bodies, paged lists.

Requests wrap every field as `{"value": ...}` (nested objects too); line arrays are
plain arrays whose lines wrap their fields except the plain `operation`. Responses
are flat. Errors carry Visma's `VismaId: <guid>.` prefix.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vismadesk.sandbox.core import json_response
from vismadesk.sandbox.wire import parse_visma_time, visma_id

MAX_PAGE_SIZE = 1000
Handler = Callable[[Request], Awaitable[Response]]
# What each resource serves: (path template, method, handler).
Routes = list[tuple[str, str, Handler]]
CONDITIONS: dict[str, Callable[[Any, Any], bool]] = {
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
}


class ErpError(Exception):
    """Becomes `{"message": "VismaId: <guid>. <text>"}` with `status`."""

    def __init__(self, status: int, text: str) -> None:
        super().__init__(text)
        self.status = status
        self.text = text

    def response(self, headers: dict[str, str] | None = None) -> JSONResponse:
        return json_response(
            {"message": f"VismaId: {visma_id()}. {self.text}"}, self.status, headers
        )


def _clr_type(value: Any) -> str:
    if isinstance(value, bool):
        return "System.Boolean"
    if isinstance(value, int | float):
        return "System.Decimal"
    return "System.String"


def unwrap(
    body: Any,
    *,
    what: str,
    plain: Iterable[str] = (),
    arrays: Iterable[str] = (),
    path: str = "",
) -> dict[str, Any]:
    """`{"name": {"value": "X"}}` -> `{"name": "X"}`; an unwrapped field is a 400."""
    if not isinstance(body, dict):
        raise ErpError(400, f"Error {what}. The request body must be a JSON object.")
    plain, arrays = set(plain), set(arrays)
    out: dict[str, Any] = {}
    for key, raw in body.items():
        where = f"{path}{key}"
        if key in plain:
            out[key] = raw
            continue
        if key in arrays:
            if raw is not None and not isinstance(raw, list):
                raise ErpError(400, f"Error {what}. '{where}' must be an array.")
            out[key] = raw or []
            continue
        if not isinstance(raw, dict) or "value" not in raw:
            raise ErpError(
                400,
                f"Error {what}. Error converting value {json.dumps(raw, ensure_ascii=False)} to "
                f"type 'Visma.net.ERP.Web.Api.Model.DtoValue`1[{_clr_type(raw)}]'. "
                f"Path '{where}'. Fields are sent as {{\"value\": ...}}.",
            )
        inner = raw["value"]
        out[key] = (
            unwrap(inner, what=what, path=f"{where}.value.") if isinstance(inner, dict) else inner
        )
    return out


async def read_json(request: Request, what: str) -> Any:
    raw = await request.body()
    if not raw.strip():
        raise ErpError(400, f"Error {what}. The request body is empty.")
    try:
        return json.loads(raw)
    except ValueError as e:
        raise ErpError(400, f"Error {what}. The request body is not valid JSON: {e}.") from None


def check_if_match(request: Request, etag: str, what: str) -> None:
    """An `If-Match` other than `*` or the record's ETag: someone changed it meanwhile."""
    match = request.headers.get("if-match")
    if match and match not in ("*", etag):
        raise ErpError(412, f"{what} version does not match with If-Match header.")


def int_param(request: Request, name: str) -> int | None:
    """An integer query parameter; None when absent or empty."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ErpError(400, f"The value '{raw}' is not valid for {name}.") from None


def _int_param(request: Request, name: str, default: int) -> int:
    value = int_param(request, name)
    if value is None:
        return default
    if value < 1:
        raise ErpError(400, f"{name} must be 1 or greater.")
    return value


def modified_filter(request: Request) -> Callable[[dict[str, Any]], bool]:
    """lastModifiedDateTime + lastModifiedDateTimeCondition (both or neither), and the
    same pair for createdDateTime, which the list endpoints take as well."""
    modified = moment_filter(request, "lastModifiedDateTime")
    created = moment_filter(request, "createdDateTime")
    return lambda item: modified(item) and created(item)


def _stamp_or_last_change(name: str) -> Callable[[dict[str, Any]], Any]:
    # InventoryDto shows no createdDateTime; its last change stands in for it.
    return lambda item: item.get(name) or item.get("lastModifiedDateTime")


def moment_filter(
    request: Request, name: str, stamp_of: Callable[[dict[str, Any]], Any] | None = None
) -> Callable[[dict[str, Any]], bool]:
    """`<name>` + `<name>Condition` (both or neither) against the item's time stamp
    (`stamp_of(item)`, by default the item's own `<name>`); an item without one is
    left out."""
    stamp_of = stamp_of or _stamp_or_last_change(name)
    when = request.query_params.get(name)
    cond = request.query_params.get(f"{name}Condition")
    if not when and not cond:
        return lambda _item: True
    title = name[0].upper() + name[1:]
    if not when or not cond:
        raise ErpError(
            400,
            f"{title} and {title}Condition are mutually inclusive: send both or neither.",
        )
    moment = parse_visma_time(when)
    if moment is None:
        raise ErpError(400, f"The value '{when}' is not a valid {name}.")
    compare = CONDITIONS.get(cond.strip())
    if compare is None:
        raise ErpError(400, f"The value '{cond}' is not a valid condition; use >, <, >= or <=.")

    def keep(item: dict[str, Any]) -> bool:
        stamp = parse_visma_time(stamp_of(item) or "")
        return stamp is not None and compare(stamp, moment)

    return keep


def page(
    request: Request, items: list[dict[str, Any]], window: tuple[int, int] | None = None
) -> JSONResponse:
    """A bare array; each item carries metadata {totalCount, maxPageSize}. Page size capped.
    `window` (start, size) replaces pageNumber/pageSize (the legacy skipRecords and
    numberToRead)."""
    if window is None:
        number = _int_param(request, "pageNumber", 1)
        size = min(_int_param(request, "pageSize", MAX_PAGE_SIZE), MAX_PAGE_SIZE)
        start = (number - 1) * size
    else:
        start, size = window
    meta = {"totalCount": len(items), "maxPageSize": MAX_PAGE_SIZE}
    return json_response([{**item, "metadata": meta} for item in items[start : start + size]])


def records_page(request: Request, items: list[dict[str, Any]]) -> JSONResponse:
    """The newer list shape some endpoints answer (`/v1/creditTerm`):
    `{pageNumber, pageSize, totalCount, records}`."""
    number = _int_param(request, "pageNumber", 1)
    size = min(_int_param(request, "pageSize", MAX_PAGE_SIZE), MAX_PAGE_SIZE)
    start = (number - 1) * size
    return json_response(
        {
            "pageNumber": number,
            "pageSize": size,
            "totalCount": len(items),
            "records": items[start : start + size],
        }
    )
