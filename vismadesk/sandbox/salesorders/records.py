"""Sales orders as SalesOrders v3 shows them: the order (SalesOrderDto), its lines, the
list item (SalesOrderListDto) and the version that travels as the ETag."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from vismadesk.sandbox.erp.codes import BRANCHES, CREDIT_TERMS, PROJECTS, VAT_CODES, money
from vismadesk.sandbox.salesorders.validation import OrderLine
from vismadesk.sandbox.wire import parse_utc, utc_stamp


def order_path(order_type: str, order_id: str) -> str:
    """Where one order lives; a manual order id may hold characters a path must escape."""
    return f"/api/v3/SalesOrders/{quote(order_type, safe='')}/{quote(order_id, safe='')}"


def version(order_type: str, order_id: str, revision: int) -> str:
    return base64.b64encode(f"{order_type}{order_id}:{revision}".encode()).decode()


def next_version(order: dict[str, Any]) -> str:
    revision = int(base64.b64decode(order["version"]).decode().rsplit(":", 1)[1]) + 1
    return version(order["type"], order["orderId"], revision)


def etag(order: dict[str, Any]) -> dict[str, str]:
    return {"ETag": f'"{order["version"]}"'}


def status(description: str) -> dict[str, Any]:
    return {"description": description, "hold": description == "Hold", "cancelled": False}


def order_lines(lines: list[OrderLine]) -> list[dict[str, Any]]:
    return [_order_line(n, entry) for n, entry in enumerate(lines, start=1)]


def _order_line(n: int, entry: OrderLine) -> dict[str, Any]:
    item, line = entry.item, entry.line
    amount = entry.qty * entry.price
    return {
        "lineId": n,
        "inventory": {
            "id": item["inventoryNumber"],
            "description": item["description"],
            "baseUnit": item["baseUnit"],
        },
        "description": line.get("description") or item["description"],
        "quantity": float(entry.qty),
        "unitPrice": float(entry.price),
        "unitOfMeasure": line.get("unitOfMeasure") or item["salesUnit"],
        "extendedPrice": money(amount),
        "lineTotalBeforeDiscount": money(amount),
        "discountAmount": 0.0,
        "discountPercent": 0.0,
        "hasManualPrice": line.get("unitPrice") is not None,
        "hasManualDiscount": False,
        "commissionable": False,
        "freeItem": False,
        "completed": False,
        "note": line.get("note"),
        "lineType": "NonStockItem" if item["type"] != "LaborItem" else "LaborItem",
        "warehouseId": line.get("warehouseId"),
        # The item's own VAT category unless the line names one.
        "taxCategoryId": line.get("taxCategoryId") or (item.get("vatCode") or {}).get("id"),
        "projectTaskId": line.get("projectTaskId"),
        **_branch(line.get("branchId")),
    }


def _branch(number: str | None) -> dict[str, Any]:
    if not number:
        return {}
    return {"branch": {"id": number, "description": BRANCHES[number]}}


def new_order(
    body: dict[str, Any],
    order_id: str,
    customer: dict[str, Any],
    lines: list[OrderLine],
    moment: dt.datetime,
) -> dict[str, Any]:
    """The SalesOrderDto of a new order; totals worked out from its lines."""
    order_type = body["type"]
    when = parse_utc(str(body.get("date") or "")) or moment
    cust = body["customer"]
    total = sum((entry.qty * entry.price for entry in lines), Decimal(0))
    qty_total = sum((entry.qty for entry in lines), Decimal(0))
    vat = sum((entry.qty * entry.price * _rate(entry) for entry in lines), Decimal(0))
    return {
        "type": order_type,
        "orderId": order_id,
        "status": status(body.get("status") or "Open"),
        "date": when.strftime("%Y-%m-%dT00:00:00Z"),
        "requestOn": when.strftime("%Y-%m-%dT00:00:00Z"),
        "lastModified": utc_stamp(moment),
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
        **_branch(body.get("branchId")),
        **_project(body.get("projectId")),
        "financialInformation": {"invoiceSeparately": False, "terms": _terms(cust, customer)},
        "orderQty": float(qty_total),
        "totals": _totals(total, vat),
        "isRotRutDeductable": False,
        "createdBy": None,
        "version": version(order_type, order_id, 1),
    }


def _rate(entry: OrderLine) -> Decimal:
    """The line's VAT rate: its own VAT category, else the item's; none: no VAT."""
    category = entry.line.get("taxCategoryId") or (entry.item.get("vatCode") or {}).get("id")
    return VAT_CODES[category][1] if category in VAT_CODES else Decimal(0)


def _project(project: str | None) -> dict[str, Any]:
    if not project:
        return {}
    return {"project": {"id": project, "description": PROJECTS[project][0], "internalId": 0}}


def _terms(cust: dict[str, Any], customer: dict[str, Any]) -> dict[str, Any]:
    """The order's terms, else the customer's (validation made sure there are some)."""
    terms = cust.get("termsId") or (customer.get("creditTerms") or {}).get("id")
    return {"id": terms, "description": CREDIT_TERMS.get(terms or "", "")}


def _totals(total: Decimal, vat: Decimal) -> dict[str, float]:
    return {
        "orderTotal": money(total + vat),
        "orderTotalInBaseCurrency": money(total + vat),
        "taxTotal": money(vat),
        "taxTotalInBaseCurrency": money(vat),
        "taxableTotal": money(total),
        "taxableTotalInBaseCurrency": money(total),
        "taxExemptTotal": 0.0,
        "taxExemptTotalInBaseCurrency": 0.0,
        "freightTotal": 0.0,
        "freightTotalInBaseCurrency": 0.0,
        "discountTotal": 0.0,
        "discountTotalInBaseCurrency": 0.0,
    }


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
        "_links": {"self": {"href": base + order_path(order["type"], order["orderId"])}},
    }
