"""Visma.net's wire formats, in one place.

The ERP API wants every request field wrapped as `{"value": ...}` (nested objects
too; line arrays plain, `operation` unwrapped) and answers flat JSON. SalesOrders
v3 speaks plain JSON both ways. Errors come as `{"message"}`, as `{"ExceptionType",
"ExceptionMessage", ...}`, as RFC 7807 problem details, as plain text or as an HTML
page: `api_error` turns each into one `VismaApiError`.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from vismadesk import messages
from vismadesk.domain import (
    Customer,
    DocumentRef,
    ExportFormat,
    InventoryItem,
    ItemType,
    SalesDocument,
)
from vismadesk.errors import VismaApiError
from vismadesk.net.transport import exchange_excerpt, looks_like_html

_VISMA_ID = re.compile(r"VismaId:\s*([0-9A-Fa-f-]{36})")
# SalesOrders v3 caps customer.refNo (and customer.order) at 40 characters.
REF_MAX = 40


# --- requests -------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        # Visma reads numbers as decimals; a float's shortest repr keeps what was meant.
        return float(value)
    return value


def wrap(fields: dict[str, Any]) -> dict[str, Any]:
    """`{"name": "X"}` → `{"name": {"value": "X"}}`, nested objects too.

    Empty values are left out: the ERP API overwrites a field sent as null or "".
    """
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if value is None or value == "":
            continue
        if isinstance(value, dict):
            inner = wrap(value)
            if inner:
                out[key] = {"value": inner}
            continue
        out[key] = {"value": _json_value(value)}
    return out


def customer_body(c: Customer) -> dict[str, Any]:
    return wrap(
        {
            "number": c.number,
            # Our number is the OutSmart debtor number, so the codes match in both systems.
            "overrideNumberSeries": True if c.number else None,
            "name": c.name,
            "status": c.status or "Active",
            "mainAddress": {
                "addressLine1": c.street,
                "postalCode": c.postal_code,
                "city": c.city,
                "countryId": c.country,
            },
            "mainContact": {"name": c.contact, "email": c.email, "phone1": c.phone},
            "vatRegistrationId": c.vat_number,
            "corporateId": c.coc_number,
        }
    )


def inventory_body(item: InventoryItem) -> dict[str, Any]:
    unit = item.unit.upper() if item.unit else None
    return wrap(
        {
            "inventoryNumber": item.number,
            "description": item.description,
            "type": item.type,
            "status": item.status or "Active",
            "itemClass": item.item_class,
            "postingClass": item.posting_class,
            "defaultPrice": item.price,
            "baseUnit": unit,
            "salesUnit": unit,
        }
    )


def _document_datetime(day: dt.date) -> str:
    return day.strftime("%Y-%m-%dT00:00:00")


def customer_invoice_body(doc: SalesDocument) -> dict[str, Any]:
    body = wrap(
        {
            "customerNumber": doc.customer_number,
            "documentDate": _document_datetime(doc.date),
            # The work order number, twice: customerRefNumber is the list filter that
            # finds the invoice again; externalReference shows it to the bookkeeper.
            "customerRefNumber": doc.reference,
            "externalReference": doc.reference,
            "invoiceText": doc.description,
        }
    )
    body["invoiceLines"] = [
        {
            "operation": "Insert",
            **wrap(
                {
                    "inventoryNumber": line.inventory_number,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unitPriceInCurrency": line.unit_price,
                    "uom": line.uom.upper() if line.uom else None,
                }
            ),
        }
        for line in doc.lines
    ]
    return body


def sales_order_body(doc: SalesDocument) -> dict[str, Any]:
    lines = []
    for line in doc.lines:
        entry: dict[str, Any] = {
            "inventoryId": line.inventory_number,
            "quantity": _json_value(line.quantity),
            "unitPrice": _json_value(line.unit_price),
            "description": line.description,
        }
        if line.uom:
            entry["unitOfMeasure"] = line.uom.upper()
        lines.append(entry)
    return {
        "type": doc.order_type,
        "customer": {"id": doc.customer_number, "refNo": doc.reference[:REF_MAX]},
        "date": _document_datetime(doc.date),
        "description": doc.description,
        "orderLines": lines,
    }


# --- responses -----------------------------------------------------------------------


def parse_time(text: Any) -> dt.datetime | None:
    """Visma's timestamps (no offset means UTC) as naive UTC, the cursor's form."""
    if not isinstance(text, str) or not text.strip():
        return None
    raw = text.strip().replace(" ", "T")
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def send_time(moment: dt.datetime) -> str:
    """A cursor for `lastModifiedDateTime` (UTC, no offset, as Visma documents it)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def send_utc(moment: dt.datetime) -> str:
    """A moment for SalesOrders v3's `modifiedSince`, in UTC with its offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _decimal(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal(0)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None


def _text(d: Any, *keys: str) -> str:
    """The first non-empty string at a dotted path (`mainAddress.city`)."""
    for key in keys:
        node: Any = d
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str | int) and not isinstance(node, bool) and str(node):
            return str(node)
    return ""


def parse_customer(d: dict[str, Any]) -> Customer:
    return Customer(
        number=_text(d, "number"),
        name=_text(d, "name"),
        status=_text(d, "status") or "Active",
        street=_text(d, "mainAddress.addressLine1"),
        postal_code=_text(d, "mainAddress.postalCode"),
        city=_text(d, "mainAddress.city"),
        country=_text(d, "mainAddress.country.id", "mainAddress.countryId") or "NL",
        email=_text(d, "mainContact.email"),
        phone=_text(d, "mainContact.phone1"),
        contact=_text(d, "mainContact.name", "mainContact.attention"),
        vat_number=_text(d, "vatRegistrationId"),
        coc_number=_text(d, "corporateId"),
        last_modified=parse_time(d.get("lastModifiedDateTime")),
    )


def parse_inventory(d: dict[str, Any]) -> InventoryItem:
    return InventoryItem(
        number=_text(d, "inventoryNumber"),
        description=_text(d, "description"),
        type=_text(d, "type") or ItemType.NON_STOCK,
        status=_text(d, "status") or "Active",
        unit=_text(d, "salesUnit", "baseUnit"),
        price=_decimal(d.get("defaultPrice")),
        item_class=_text(d, "itemClass.id", "itemClass"),
        posting_class=_text(d, "postingClass.id", "postingClass"),
        last_modified=parse_time(d.get("lastModifiedDateTime")),
    )


def customer_invoice_ref(d: dict[str, Any]) -> DocumentRef:
    return DocumentRef(ExportFormat.SALES_INVOICE, _text(d, "referenceNumber"))


def is_invoice(d: dict[str, Any]) -> bool:
    """An invoice, not a credit note or another document type carrying a reference."""
    return str(d.get("documentType") or "Invoice") == "Invoice"


def sales_order_ref(d: dict[str, Any]) -> DocumentRef:
    return DocumentRef(ExportFormat.SALES_ORDER, _text(d, "orderId"), _text(d, "type"))


def location_parts(response: httpx.Response) -> list[str]:
    """The path segments of the `Location` of a 201: the last is the new number."""
    location = response.headers.get("location", "")
    return [unquote(p) for p in urlsplit(location).path.split("/") if p]


# --- errors --------------------------------------------------------------------------


def api_error(response: httpx.Response, **values: object) -> VismaApiError:
    """Any error answer from the ERP API or SalesOrders v3 as one `VismaApiError`."""
    status = response.status_code
    exchange = exchange_excerpt(response.request, response)
    text = ""
    problem_codes: list[str] = []
    request_id = response.headers.get("ipp-request-id") or response.headers.get("x-request-id")
    if looks_like_html(response):
        title = re.search(r"<title>(.*?)</title>", response.text, re.I | re.S)
        text = f"HTTP {status}: an HTML error page" + (
            f" ({title.group(1).strip()})" if title else ""
        )
    else:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            text = _error_text(body)
            for item in body.get("details") or []:
                if isinstance(item, dict) and item.get("code"):
                    problem_codes.append(str(item["code"]))
            trace = body.get("traceId")
            if not request_id and isinstance(trace, str):
                request_id = trace
        elif isinstance(body, str):
            text = body
        else:
            text = response.text.strip()[:500]
    found = _VISMA_ID.search(text)
    if found and not request_id:
        request_id = found.group(1)
    if not text:
        text = f"HTTP {status} {response.reason_phrase}".strip()
    code = messages.VISMA_ERROR.code
    if status == 429:
        code = messages.RATE_LIMITED.code
    return VismaApiError(
        status,
        text,
        request_id=request_id,
        exchange=exchange,
        problem_codes=problem_codes,
        code=code,
        **values,
    )


def _error_text(body: dict[str, Any]) -> str:
    if isinstance(body.get("message"), str):
        return body["message"]
    if isinstance(body.get("ExceptionMessage"), str):
        parts = [body["ExceptionMessage"]]
        if body.get("ExceptionDetails"):
            parts.append(str(body["ExceptionDetails"]))
        return " ".join(parts)
    # RFC 7807: the detail says what; the per-field details say which.
    parts = [str(body[k]) for k in ("title", "detail") if body.get(k)]
    for item in body.get("details") or []:
        if isinstance(item, dict) and item.get("message"):
            parts.append(f"{item.get('code', '')}: {item['message']}".strip(": "))
    errors = body.get("errors")
    if isinstance(errors, dict):
        for field, problems in errors.items():
            shown = problems if isinstance(problems, list) else [problems]
            parts.append(f"{field}: {'; '.join(str(p) for p in shown)}")
    return " — ".join(dict.fromkeys(parts))
