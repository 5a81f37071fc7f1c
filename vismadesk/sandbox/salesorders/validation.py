"""SalesOrders v3's checks on a `NewSalesOrderCommand` and a `PatchSalesOrderCommand`.

Every finding is collected, then answered at once as one validation problem, in the
order the fields appear in the command: type, order id, customer, status,
description, lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vismadesk.sandbox.erp.codes import UNSELLABLE
from vismadesk.sandbox.salesorders.problems import Finding, bad_request, validation_problem
from vismadesk.sandbox.state import SandboxState

ORDER_TYPES = {"SO": "Sales order", "IN": "Invoice", "QT": "Quote"}
ORDER_ID_MAX = 15
REF_MAX = 40
PATCH_STATUSES = ("Open", "Hold", "BackOrder")


@dataclass(slots=True)
class OrderLine:
    """A line that passed the checks, with its item and numbers resolved."""

    item: dict[str, Any]
    qty: Decimal
    price: Decimal
    line: dict[str, Any]


def number(value: Any) -> Decimal | None:
    """A JSON number (not a string, not a boolean) as a Decimal."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(str(value))


def validate_new_order(state: SandboxState, body: Any) -> tuple[dict[str, Any], list[OrderLine]]:
    """Check a NewSalesOrderCommand; returns (customer record, resolved lines)."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    findings: list[Finding] = []
    findings += _check_type(body.get("type"))
    findings += _check_order_id(body, body.get("type") in state.manual_order_types)
    customer, found = _check_customer(state, body.get("customer"))
    findings += found
    findings += _check_status(body.get("status"))
    findings += _check_length(body.get("description"), 255, "Description", "description")
    lines, found = _check_lines(state, body.get("orderLines") or [])
    findings += found
    if findings:
        raise validation_problem(findings)
    assert customer is not None
    return customer, lines


def validate_patch(body: dict[str, Any]) -> None:
    """Check a PatchSalesOrderCommand (status, description, note, customer references)."""
    findings: list[Finding] = []
    status = body.get("status")
    if status is not None and status not in PATCH_STATUSES:
        findings.append(
            ("0004-ValueNotAllowed", "Status must be Open, Hold or BackOrder.", "status", status)
        )
    for name, limit in (("description", 255), ("note", 2048)):
        findings += _check_length(body.get(name), limit, name.capitalize(), name)
    cust = body.get("customer")
    if cust is not None and not isinstance(cust, dict):
        findings.append(("0003-InvalidValue", "Customer must be an object.", "customer", cust))
    else:
        findings += _check_references(cust or {})
    if findings:
        raise validation_problem(findings)


def _check_type(order_type: Any) -> list[Finding]:
    if not isinstance(order_type, str) or not order_type.strip():
        return [("0001-NullNotAllowed", "Type cannot be empty.", "type", order_type)]
    if order_type not in ORDER_TYPES:
        message = f"Order type '{order_type}' is not an active sales order type."
        return [("0003-InvalidValue", message, "type", order_type)]
    return []


def _check_order_id(body: dict[str, Any], manual: bool) -> list[Finding]:
    """The spec: `orderId` is required when the type numbers manually, else null or empty."""
    order_id = body.get("orderId")
    if not manual:
        if order_id:
            message = "OrderId must be empty: the order type numbers automatically."
            return [("0004-ValueNotAllowed", message, "orderId", order_id)]
        return []
    numbers = f"the order type {body.get('type')} numbers manually"
    if order_id is None:
        return [("0001-NullNotAllowed", f"OrderId cannot be null: {numbers}.", "orderId", None)]
    if not isinstance(order_id, str):
        return [("0003-InvalidValue", "OrderId must be a string.", "orderId", order_id)]
    if not order_id.strip():
        message = f"OrderId cannot be empty: {numbers}."
        return [("0001-EmptyNotAllowed", message, "orderId", order_id)]
    if len(order_id) > ORDER_ID_MAX:
        message = f"OrderId must be at most {ORDER_ID_MAX} characters."
        return [("0002-InvalidLength", message, "orderId", order_id)]
    return []


def _check_customer(state: SandboxState, cust: Any) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The customer the order is for: it must exist, be active and have credit terms."""
    if not isinstance(cust, dict):
        return None, [("0001-NullNotAllowed", "Customer cannot be null.", "customer", cust)]
    findings: list[Finding] = []
    customer = None
    cid = cust.get("id")
    if not isinstance(cid, str) or not cid.strip():
        findings.append(("0001-NullNotAllowed", "Customer.Id cannot be empty.", "customer.id", cid))
    else:
        customer = state.customers.get(cid)
        if customer is None:
            message = f"Customer '{cid}' cannot be found."
            findings.append(("0003-InvalidValue", message, "customer.id", cid))
        elif customer["status"] not in ("Active", "OneTime"):
            findings.append(
                ("1407-InvalidCustomerStatus", "Invalid Customer Status", "customer.id", cid)
            )
        elif not (cust.get("termsId") or customer.get("creditTerms", {}).get("id")):
            message = (
                "TermsId cannot be empty in the order. Set a default terms on the "
                "customer or specify the terms for the order"
            )
            findings.append(("1401-MissingTermsId", message, "customer.termsId", None))
    return customer, findings + _check_references(cust)


def _check_references(cust: dict[str, Any]) -> list[Finding]:
    """`customer.refNo` and `customer.order`: strings of at most 40 characters."""
    findings: list[Finding] = []
    for key in ("refNo", "order"):
        value = cust.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > REF_MAX):
            message = f"Customer.{key} must be a string of at most {REF_MAX} characters."
            findings.append(("0002-InvalidLength", message, f"customer.{key}", value))
    return findings


def _check_status(status: Any) -> list[Finding]:
    if status not in (None, "", "Open", "Hold"):
        return [("0004-ValueNotAllowed", "Status must be empty, Open or Hold.", "status", status)]
    return []


def _check_length(value: Any, limit: int, label: str, prop: str) -> list[Finding]:
    if value is not None and (not isinstance(value, str) or len(value) > limit):
        message = f"{label} must be at most {limit} characters."
        return [("0002-InvalidLength", message, prop, value)]
    return []


def _check_lines(state: SandboxState, lines_in: Any) -> tuple[list[OrderLine], list[Finding]]:
    if not isinstance(lines_in, list):
        return [], [("0003-InvalidValue", "OrderLines must be an array.", "orderLines", lines_in)]
    lines: list[OrderLine] = []
    findings: list[Finding] = []
    for n, line in enumerate(lines_in):
        resolved, finding = _check_line(state, f"orderLines[{n}]", line)
        if finding is not None:
            findings.append(finding)
        elif resolved is not None:
            lines.append(resolved)
    return lines, findings


def _check_line(
    state: SandboxState, where: str, line: Any
) -> tuple[OrderLine | None, Finding | None]:
    """One order line: its first problem, or the line resolved."""
    if not isinstance(line, dict):
        return None, ("0003-InvalidValue", "An order line must be an object.", where, line)
    inv_id = line.get("inventoryId")
    if not isinstance(inv_id, str) or not inv_id.strip():
        message = "InventoryId cannot be empty."
        return None, ("0001-NullNotAllowed", message, f"{where}.inventoryId", inv_id)
    item = state.inventory.get(inv_id)
    if item is None or item["status"] in UNSELLABLE:
        message = "InventoryId cannot be found or is invalid"
        return None, ("1804-InventoryIdNotFound", message, f"{where}.inventoryId", inv_id)
    qty = number(line.get("quantity", 0))
    if qty is None or qty < 0:
        message = "Quantity must be zero or positive when inventory item is not of type MiscCharge"
        return None, (
            "1809-InvalidQuantityForType",
            message,
            f"{where}.quantity",
            line.get("quantity"),
        )
    price_raw = line.get("unitPrice")
    price = number(price_raw) if price_raw is not None else Decimal(str(item["defaultPrice"]))
    if price is None:
        return None, (
            "0003-InvalidValue",
            "UnitPrice must be a number.",
            f"{where}.unitPrice",
            price_raw,
        )
    desc = line.get("description")
    if desc is not None and (not isinstance(desc, str) or len(desc) > 256):
        message = "Description must be at most 256 characters."
        return None, ("0002-InvalidLength", message, f"{where}.description", desc)
    return OrderLine(item, qty, price, line), None
