"""Visma.net's wire formats, in one place.

The ERP API wants every request field wrapped as `{"value": ...}` (nested objects
too; line arrays plain, `operation` unwrapped) and answers flat JSON. SalesOrders
v3 speaks plain JSON both ways. Errors come as `{"message"}`, as `{"ExceptionType",
"ExceptionMessage", ...}`, as RFC 7807 problem details, as plain text or as an HTML
page: `api_error` turns each into one `VismaApiError`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from vismadesk import messages
from vismadesk.domain import (
    CompanyCode,
    Customer,
    DocumentRef,
    ExportFormat,
    InventoryItem,
    ItemType,
    SalesDocument,
)
from vismadesk.errors import AppError, VismaApiError
from vismadesk.net.transport import exchange_excerpt, looks_like_html
from vismadesk.redact import redact

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
    body = wrap(
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
            "customerClassId": c.customer_class,
            "creditTermsId": c.credit_terms,
        }
    )
    if c.customer_class and c.override_class_values:
        # The one plain field of CustomerUpdateDto: the class's values (its credit
        # terms) replace the customer's, so SalesOrders finds terms (1401 otherwise).
        body["overrideWithClassValues"] = True
    return body


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
            "branchNumber": doc.branch,
            "creditTermsId": doc.credit_terms,
            "project": doc.project,
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
                    "vatCodeId": line.vat_category,
                    "taskId": line.project_task,
                }
            ),
        }
        for line in doc.lines
    ]
    return body


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """SalesOrders v3's plain JSON: only the fields that have a value."""
    return {k: _json_value(v) for k, v in fields.items() if v is not None and v != ""}


def sales_order_body(doc: SalesDocument) -> dict[str, Any]:
    lines = [
        _plain(
            {
                "inventoryId": line.inventory_number,
                "quantity": line.quantity,
                "unitPrice": line.unit_price,
                "description": line.description,
                "unitOfMeasure": line.uom.upper() if line.uom else None,
                "warehouseId": line.warehouse,
                "taxCategoryId": line.vat_category,
                "projectTaskId": line.project_task,
            }
        )
        for line in doc.lines
    ]
    customer = _plain(
        {"id": doc.customer_number, "refNo": doc.reference[:REF_MAX], "termsId": doc.credit_terms}
    )
    return _plain(
        {
            "type": doc.order_type,
            "customer": customer,
            "date": _document_datetime(doc.date),
            "description": doc.description,
            "branchId": doc.branch,
            "projectId": doc.project,
            "orderLines": lines,
        }
    )


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


def check_master_list(records: list[Any], key: str, what: str) -> None:
    """Refuse a customer or inventory list whose records cannot be told apart.

    Read leniently, a record whose number is not text has no number: every customer
    would look unknown, and an export would try to create them all and park its work
    orders on "already exists". The whole list is refused instead: the answer is at
    fault, not the work orders."""
    for n, d in enumerate(records, start=1):
        value = d.get(key) if isinstance(d, dict) else None
        if isinstance(value, str) and value.strip():
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            continue
        shown = redact(json.dumps(d, ensure_ascii=True, default=str))[:300]
        got = type(d).__name__ if not isinstance(d, dict) else f"{key} {type(value).__name__}"
        raise AppError(
            messages.MASTER_DATA_UNREADABLE.code,
            {"why": f"record {n}: expected {key} as text, got {got}", "record": shown},
            list=what,
        )


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
        units=_units(d),
    )


def _units(d: dict[str, Any]) -> tuple[str, ...]:
    """Base, sales and purchase unit, and the conversions' from-units (inventoryUnits)."""
    found = [_text(d, key) for key in ("baseUnit", "salesUnit", "purchaseUnit")]
    conversions = d.get("inventoryUnits")
    for conv in conversions if isinstance(conversions, list) else []:
        found.append(_text(conv, "fromUnit"))
    return tuple(dict.fromkeys(u for u in found if u))


# The company's lists: path, the field with the code, the field with its description.
COMPANY_LISTS: dict[str, tuple[str, str, str]] = {
    "item_classes": ("/v1/inventory/itemClass", "id", "description"),
    "posting_classes": ("/v1/inventory/itemPostClass", "id", "description"),
    "customer_classes": ("/v1/customer/customerClass", "id", "description"),
    "credit_terms": ("/v1/creditTerm", "termsId", "description"),
    "branches": ("/v1/branch", "number", "name"),
    "warehouses": ("/v1/warehouse", "warehouseID", "description"),
    "vat_categories": ("/v1/vatCategory", "vatCategoryId", "description"),
}


def parse_company_code(d: dict[str, Any], code: str, description: str) -> CompanyCode | None:
    """One list entry; None for an entry without a code or marked inactive."""
    if d.get("active") is False or d.get("isActive") is False:
        return None
    value = _text(d, code)
    return CompanyCode(value, _text(d, description)) if value else None


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
    """Any error answer from the ERP API or SalesOrders v3 as one `VismaApiError`.

    The details keep what support asks for (the `Ipp-Request-Id` and the
    `Request-Context` headers, the exception's fault code) and the Visma.net fields
    the answer names, so a refused document says which field to fix.
    """
    status = response.status_code
    exchange = exchange_excerpt(response.request, response)
    text = ""
    problem_codes: list[str] = []
    fields: list[str] = []
    fault_code = ""
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
            problem_codes = _problem_codes(body)
            fields = _problem_fields(body)
            fault_code = _fault_code(body)
            trace = body.get("traceId")
            if not request_id and isinstance(trace, str):
                request_id = trace
        elif isinstance(body, str):
            text = body
        else:
            text = redact(response.text.strip())[:500]
    found = _VISMA_ID.search(text)
    if found and not request_id:
        request_id = found.group(1)
    if not text:
        text = f"HTTP {status} {response.reason_phrase}".strip()
    for path in _PATH_IN_TEXT.findall(text):
        if path not in fields:
            fields.append(path)
    code = messages.VISMA_ERROR.code
    if status == 429:
        code = messages.RATE_LIMITED.code
    err = VismaApiError(
        status,
        text,
        request_id=request_id,
        exchange=exchange,
        problem_codes=problem_codes,
        code=code,
        **values,
    )
    # Field names and support's ids are no secrets; they sit beside Visma's words.
    context = response.headers.get("request-context")
    if context:
        err.details["request_context"] = context
    if fault_code:
        err.details["fault_code"] = fault_code
    if fields:
        err.details["visma_fields"] = fields
    return err


# An ERP deserialisation error names the field: "... Path 'invoiceLines[0].uom'."
_PATH_IN_TEXT = re.compile(r"Path '([^']+)'")


def _error_text(body: dict[str, Any]) -> str:
    for key in ("message", "Message"):
        if isinstance(body.get(key), str):
            return str(body[key])
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


def _fault_code(body: dict[str, Any]) -> str:
    """Exception bodies carry `ExceptionFaultCode` or, from other endpoints, `FaultCode`."""
    for key in ("ExceptionFaultCode", "FaultCode"):
        value = body.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool) and str(value):
            return str(value)
    return ""


def _problem_codes(body: dict[str, Any]) -> list[str]:
    details = body.get("details")
    if not isinstance(details, list):
        return []
    return [str(d["code"]) for d in details if isinstance(d, dict) and d.get("code")]


def _problem_fields(body: dict[str, Any]) -> list[str]:
    """The properties a SalesOrders v3 validation problem names, in its order."""
    out: list[str] = []
    details = body.get("details")
    for item in details if isinstance(details, list) else []:
        params = item.get("parameters") if isinstance(item, dict) else None
        prop = params.get("property") if isinstance(params, dict) else None
        if isinstance(prop, str) and prop and prop not in out:
            out.append(prop)
    errors = body.get("errors")
    if isinstance(errors, dict):
        out += [k for k in errors if isinstance(k, str) and k and k not in out]
    return out
