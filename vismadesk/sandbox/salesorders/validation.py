"""SalesOrders v3's checks on a `NewSalesOrderCommand` and a `PatchSalesOrderCommand`.

First the published schema (`schema.py`): a body that does not bind (an unknown
property, a value of the wrong type) is answered with its JSON paths only; then every
finding is collected, the schema's (required, lengths, ranges) and the company's
(order type, customer, terms, items, units, branch, warehouse, VAT category,
project), and answered at once as one validation problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from vismadesk.sandbox.erp.codes import (
    BRANCHES,
    CREDIT_TERMS,
    PROJECTS,
    UNSELLABLE,
    VAT_CODES,
    WAREHOUSES,
)
from vismadesk.sandbox.salesorders import schema
from vismadesk.sandbox.salesorders.problems import Finding, bad_request, validation_problem
from vismadesk.sandbox.state import SandboxState

ORDER_TYPES = {"SO": "Sales order", "IN": "Invoice", "QT": "Quote"}
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


def _bound(body: Any, root: str) -> list[Finding]:
    """The schema's findings for a body that binds; raises when it does not."""
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    check = schema.Check(body, root)
    unbound = check.binding()
    if unbound:
        raise validation_problem(unbound)
    return check.findings()


def _merge(first: list[Finding], more: list[Finding]) -> list[Finding]:
    """The schema's findings, then the company's on properties the schema did not name."""
    named = {f[2] for f in first}
    return first + [f for f in more if f[2] not in named]


def validate_new_order(state: SandboxState, body: Any) -> tuple[dict[str, Any], list[OrderLine]]:
    """Check a NewSalesOrderCommand; returns (customer record, resolved lines)."""
    findings = _bound(body, schema.NEW_ORDER)
    company: list[Finding] = []
    company += _check_type(body.get("type"))
    company += _check_order_id(body, body.get("type") in state.manual_order_types)
    customer, found = _check_customer(state, body.get("customer"))
    company += found
    company += _check_status(body.get("status"))
    company += _check_branch(body.get("branchId"), "branchId")
    company += _check_project(body.get("projectId"))
    lines, found = _check_lines(state, body.get("orderLines") or [], body.get("projectId"))
    company += found
    findings = _merge(findings, company)
    if findings:
        raise validation_problem(findings)
    assert customer is not None
    return customer, lines


def validate_patch(body: Any) -> None:
    """Check a PatchSalesOrderCommand (status, description, note, customer references)."""
    findings = _bound(body, schema.PATCH_ORDER)
    company: list[Finding] = []
    status = body.get("status")
    if status is not None and status not in PATCH_STATUSES:
        company.append(
            ("0004-ValueNotAllowed", "Status must be Open, Hold or BackOrder.", "status", status)
        )
    company += _check_branch(body.get("branchId"), "branchId")
    company += _check_project(body.get("projectId"))
    findings = _merge(findings, company)
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
    if not str(order_id).strip():
        message = f"OrderId cannot be empty: {numbers}."
        return [("0001-EmptyNotAllowed", message, "orderId", order_id)]
    return []


def _check_customer(state: SandboxState, cust: Any) -> tuple[dict[str, Any] | None, list[Finding]]:
    """The customer the order is for: it must exist, be active and have credit terms,
    its own or the order's (`termsId`, which must be terms the company has)."""
    if not isinstance(cust, dict):
        return None, []  # the schema said so already
    cid = cust.get("id")
    if not isinstance(cid, str) or not cid.strip():
        return None, [("0001-NullNotAllowed", "Customer.Id cannot be empty.", "customer.id", cid)]
    customer = state.customers.get(cid)
    if customer is None:
        return None, [
            ("0003-InvalidValue", f"Customer '{cid}' cannot be found.", "customer.id", cid)
        ]
    if customer["status"] not in ("Active", "OneTime"):
        return customer, [
            ("1407-InvalidCustomerStatus", "Invalid Customer Status", "customer.id", cid)
        ]
    terms = cust.get("termsId")
    if terms and terms not in CREDIT_TERMS:
        message = f"Terms '{terms}' cannot be found."
        return customer, [("0003-InvalidValue", message, "customer.termsId", terms)]
    if not (terms or (customer.get("creditTerms") or {}).get("id")):
        message = (
            "TermsId cannot be empty in the order. Set a default terms on the "
            "customer or specify the terms for the order"
        )
        return customer, [("1401-MissingTermsId", message, "customer.termsId", None)]
    return customer, []


def _check_status(status: Any) -> list[Finding]:
    if status not in (None, "", "Open", "Hold"):
        return [("0004-ValueNotAllowed", "Status must be empty, Open or Hold.", "status", status)]
    return []


def _check_branch(branch: Any, where: str) -> list[Finding]:
    if branch and branch not in BRANCHES:
        return [("0003-InvalidValue", f"Branch '{branch}' cannot be found.", where, branch)]
    return []


def _check_project(project: Any) -> list[Finding]:
    if project and project not in PROJECTS:
        return [("1904-ProjectNotFound", "Project cannot be found", "projectId", project)]
    return []


def _check_lines(
    state: SandboxState, lines_in: Any, project: Any
) -> tuple[list[OrderLine], list[Finding]]:
    if not isinstance(lines_in, list):
        return [], []  # the schema said so already
    lines: list[OrderLine] = []
    findings: list[Finding] = []
    for n, line in enumerate(lines_in):
        resolved, finding = _check_line(state, f"orderLines[{n}]", line, project)
        if finding is not None:
            findings.append(finding)
        elif resolved is not None:
            lines.append(resolved)
    return lines, findings


def _check_line(
    state: SandboxState, where: str, line: Any, project: Any
) -> tuple[OrderLine | None, Finding | None]:
    """One order line: its first problem, or the line resolved."""
    if not isinstance(line, dict):
        return None, None  # the schema said so already
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
        message = "UnitPrice must be a number."
        return None, ("0003-InvalidValue", message, f"{where}.unitPrice", price_raw)
    finding = _check_line_codes(item, where, line, project)
    if finding is not None:
        return None, finding
    return OrderLine(item, qty, price, line), None


def _check_line_codes(
    item: dict[str, Any], where: str, line: dict[str, Any], project: Any
) -> Finding | None:
    """The line's unit, warehouse, VAT category, branch and project task."""
    unit = line.get("unitOfMeasure")
    units = {str(item.get(k) or "").upper() for k in ("baseUnit", "salesUnit", "purchaseUnit")}
    if unit and str(unit).upper() not in units - {""}:
        # The sandbox's items convert between no units: only their own are valid.
        return (
            "1808-InvalidUnitOfMeasure",
            "Invalid Unit of Measure",
            f"{where}.unitOfMeasure",
            unit,
        )
    warehouse = line.get("warehouseId")
    if warehouse and warehouse not in WAREHOUSES:
        message = "Invalid Warehouse Id, or Warehouse Id not found"
        return ("1802-InvalidWarehouseId", message, f"{where}.warehouseId", warehouse)
    category = line.get("taxCategoryId")
    if category and category not in VAT_CODES:
        message = "Invalid TaxCategoryId, or TaxCategory not found"
        return ("1805-InvalidTaxCategoryId", message, f"{where}.taxCategoryId", category)
    branch = _check_branch(line.get("branchId"), f"{where}.branchId")
    if branch:
        return branch[0]
    task = line.get("projectTaskId")
    tasks = PROJECTS[project][1] if project in PROJECTS else {}
    if task and task not in tasks:
        message = "Project task cannot be found"
        return ("1908-ProjectTaskNotFound", message, f"{where}.projectTaskId", task)
    return None
