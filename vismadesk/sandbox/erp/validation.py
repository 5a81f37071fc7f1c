"""The ERP API's checks on a request body, applied field by field to the stored record.

Each function takes the already unwrapped fields (see `wire.unwrap`) and either sets
them on the record or raises the `ErpError` Visma answers with. `what` names the
operation the way Visma's messages do ("Error inserting the customer. ...").
"""

from __future__ import annotations

from typing import Any

from vismadesk.sandbox.erp.codes import (
    BRANCHES,
    CLASS_TERMS,
    CREDIT_TERMS,
    CUSTOMER_CLASSES,
    CUSTOMER_STATUSES,
    DEFAULT_POSTING,
    INVENTORY_STATUSES,
    INVENTORY_TYPES,
    ITEM_CLASSES,
    POSTING_CLASSES,
    PROJECTS,
    UNSELLABLE,
    VAT_CODES,
    money,
)
from vismadesk.sandbox.erp.wire import ErpError, unwrap
from vismadesk.sandbox.wire import parse_decimal

CUSTOMER_TEXT_FIELDS = (
    "accountReference",
    "currencyId",
    "vatRegistrationId",
    "corporateId",
    "gln",
    "note",
)

# --- customers -------------------------------------------------------------------------


def address(raw: Any) -> dict[str, Any]:
    raw = raw if isinstance(raw, dict) else {}
    out = {k: raw.get(k, "") or "" for k in ("addressLine1", "addressLine2", "addressLine3")}
    out["postalCode"] = raw.get("postalCode", "") or ""
    out["city"] = raw.get("city", "") or ""
    country = (raw.get("countryId") or "NL").upper()
    out["country"] = {"id": country, "name": "Nederland" if country == "NL" else country}
    return out


def contact(raw: Any) -> dict[str, Any]:
    raw = raw if isinstance(raw, dict) else {}
    keys = ("name", "attention", "email", "web", "phone1", "phone2", "fax")
    return {k: raw.get(k, "") or "" for k in keys if k in raw or k in ("name", "email", "phone1")}


def apply_customer(record: dict[str, Any], d: dict[str, Any], what: str) -> None:
    if "name" in d:
        if not str(d["name"] or "").strip():
            raise ErpError(400, f"Error {what}. 'CustomerName' cannot be empty.")
        record["name"] = str(d["name"]).strip()
    if "status" in d:
        if d["status"] not in CUSTOMER_STATUSES:
            raise ErpError(400, f"Error {what}. Status '{d['status']}' is not valid.")
        record["status"] = d["status"]
    if "customerClassId" in d:
        cid = d["customerClassId"]
        if cid not in CUSTOMER_CLASSES:
            raise ErpError(400, f"Error {what}. Customer class '{cid}' cannot be found.")
        record["customerClass"] = {"id": cid, "description": CUSTOMER_CLASSES[cid]}
        if d.get("overrideWithClassValues") is True:
            # The class's values replace the customer's; fields sent explicitly follow.
            tid = CLASS_TERMS[cid]
            record["creditTerms"] = {"id": tid, "description": CREDIT_TERMS[tid]}
    if "creditTermsId" in d:
        tid = d["creditTermsId"]
        if tid not in CREDIT_TERMS:
            raise ErpError(400, f"Error {what}. Credit terms '{tid}' cannot be found.")
        record["creditTerms"] = {"id": tid, "description": CREDIT_TERMS[tid]}
    for key in CUSTOMER_TEXT_FIELDS:
        if key in d:
            record[key] = d[key] if d[key] is not None else ""
    for key in ("mainAddress", "invoiceAddress", "deliveryAddress"):
        if key in d:
            record[key] = address(d[key])
    for key in ("mainContact", "invoiceContact", "deliveryContact"):
        if key in d:
            record[key] = contact(d[key])


# --- inventory -------------------------------------------------------------------------


def apply_item(record: dict[str, Any], d: dict[str, Any], what: str) -> None:
    if "description" in d:
        if not str(d["description"] or "").strip():
            raise ErpError(400, f"Error {what}. 'Description' cannot be empty.")
        record["description"] = str(d["description"])
    if "status" in d:
        if d["status"] not in INVENTORY_STATUSES:
            raise ErpError(400, f"Error {what}. Status '{d['status']}' is not valid.")
        record["status"] = d["status"]
    if "type" in d:
        if d["type"] not in INVENTORY_TYPES:
            raise ErpError(400, f"Error {what}. Type '{d['type']}' is not valid.")
        record["type"] = d["type"]
    _apply_item_classes(record, d, what)
    if "defaultPrice" in d:
        price = parse_decimal(d["defaultPrice"])
        if price is None or isinstance(d["defaultPrice"], str):
            raise ErpError(400, f"Error {what}. defaultPrice must be a number.")
        record["defaultPrice"] = money(price)
    for key in ("baseUnit", "salesUnit", "purchaseUnit"):
        if key in d:
            record[key] = str(d[key] or "").upper()
    for key in ("body", "note"):
        if key in d:
            record[key] = d[key] or ""


def _apply_item_classes(record: dict[str, Any], d: dict[str, Any], what: str) -> None:
    """Item class, posting class (defaulting from the item class) and VAT code."""
    if "itemClass" in d:
        cid = d["itemClass"]
        if cid not in ITEM_CLASSES:
            raise ErpError(400, f"Error {what}. Item class '{cid}' cannot be found.")
        record["itemClass"] = {"id": cid, "description": ITEM_CLASSES[cid], "type": record["type"]}
        if "postingClass" not in d:
            pid = DEFAULT_POSTING[cid]
            record["postingClass"] = {"id": pid, "description": POSTING_CLASSES[pid]}
    if "postingClass" in d:
        pid = d["postingClass"]
        if pid not in POSTING_CLASSES:
            raise ErpError(400, f"Error {what}. Posting class '{pid}' cannot be found.")
        record["postingClass"] = {"id": pid, "description": POSTING_CLASSES[pid]}
    if "vatCode" in d:
        vid = str(d["vatCode"])
        if vid not in VAT_CODES:
            raise ErpError(400, f"Error {what}. VAT code '{vid}' cannot be found.")
        record["vatCode"] = {"id": vid, "description": VAT_CODES[vid][0]}


# --- customer invoices -----------------------------------------------------------------


def check_invoice_customer(customers: dict[str, Any], d: dict[str, Any], what: str) -> Any:
    """The customer a new customer invoice is for; it must exist and may be invoiced."""
    number = str(d.get("customerNumber") or "").strip()
    if not number:
        raise ErpError(400, f"Error {what}. 'Customer' cannot be empty.")
    customer = customers.get(number)
    if customer is None:
        raise ErpError(400, f"Error {what}. Customer '{number}' cannot be found in the system.")
    if customer["status"] in ("Inactive", "OnHold", "CreditHold"):
        raise ErpError(400, f"Error {what}. Customer '{number}' has status {customer['status']}.")
    return customer


def invoice_terms(customer: dict[str, Any], d: dict[str, Any]) -> dict[str, Any]:
    """The invoice's credit terms: its own `creditTermsId`, else the customer's."""
    tid = d.get("creditTermsId")
    if tid:
        return {"id": tid, "description": CREDIT_TERMS[tid]}
    return dict(customer.get("creditTerms") or {})


def invoice_header(customer: dict[str, Any], d: dict[str, Any], what: str) -> dict[str, Any]:
    """Terms (mandatory: the invoice's or the customer's), branch and project, as the
    CustomerInvoiceDto shows them; raises ErpError for a code the company lacks."""
    tid = d.get("creditTermsId")
    if tid and tid not in CREDIT_TERMS:
        raise ErpError(400, f"Error {what}. Credit terms '{tid}' cannot be found.")
    if not invoice_terms(customer, d):
        raise ErpError(400, f"Error {what}. 'Terms' cannot be empty.")
    out: dict[str, Any] = {}
    branch = d.get("branchNumber")
    if branch:
        if branch not in BRANCHES:
            raise ErpError(400, f"Error {what}. Branch '{branch}' cannot be found.")
        out["branchNumber"] = {"number": branch, "name": BRANCHES[branch]}
    project = d.get("project")
    if project:
        if project not in PROJECTS:
            raise ErpError(400, f"Error {what}. Project '{project}' cannot be found.")
        out["project"] = {"internalId": 0, "id": project, "description": PROJECTS[project][0]}
    return out


def invoice_lines(
    inventory: dict[str, Any], raw_lines: list[Any], what: str, project: Any = None
) -> list[dict[str, Any]]:
    """`invoiceLines` of a new customer invoice, as CustomerInvoiceDto shows them."""
    project_id = project.get("id") if isinstance(project, dict) else None
    return [
        _invoice_line(inventory, n, raw, what, project_id)
        for n, raw in enumerate(raw_lines, start=1)
    ]


def _invoice_line(
    inventory: dict[str, Any], n: int, raw: Any, what: str, project: str | None
) -> dict[str, Any]:
    line = unwrap(
        raw, what=what, plain=("operation",), arrays=("subaccount",), path=f"invoiceLines[{n - 1}]."
    )
    op = line.get("operation")
    if op is None:
        raise ErpError(400, f"Error {what}. invoiceLines[{n - 1}].operation is required (Insert).")
    if op != "Insert":
        raise ErpError(400, f"Error {what}. Operation '{op}' is not valid for a new invoice.")
    number = line.get("inventoryNumber")
    item = inventory.get(number) if number else None
    if number and item is None:
        raise ErpError(
            400, f"Error {what}. Inventory item '{number}' cannot be found in the system."
        )
    if item is not None and item["status"] in UNSELLABLE:
        raise ErpError(400, f"Error {what}. Inventory item '{number}' has status {item['status']}.")
    qty = parse_decimal(line.get("quantity", 1))
    price = parse_decimal(line.get("unitPriceInCurrency", item["defaultPrice"] if item else 0))
    if qty is None or price is None:
        raise ErpError(400, f"Error {what}. quantity and unitPriceInCurrency must be numbers.")
    # The line's VAT category, else the item's; a line with neither carries no VAT.
    vat_id = str(line.get("vatCodeId") or ((item or {}).get("vatCode") or {}).get("id") or "")
    if vat_id and vat_id not in VAT_CODES:
        raise ErpError(400, f"Error {what}. VAT code '{vat_id}' cannot be found.")
    task = line.get("taskId")
    if task and (project is None or task not in PROJECTS[project][1]):
        raise ErpError(400, f"Error {what}. Project task '{task}' cannot be found.")
    extra: dict[str, Any] = {}
    if task and project is not None:
        name = PROJECTS[project][1][task]
        extra["projectTask"] = {"internalId": 0, "id": task, "description": name}
    amount = money(qty * price)
    return {
        "lineNumber": n,
        "inventoryNumber": number or "",
        "lineType": "GoodsForInventory" if item else "NonStockItem",
        "description": line.get("description") or (item["description"] if item else ""),
        "quantity": float(qty),
        "unitPrice": float(price),
        "unitPriceInCurrency": float(price),
        "manualAmount": 0.0,
        "manualAmountInCurrency": 0.0,
        "amount": amount,
        "amountInCurrency": amount,
        "uom": line.get("uom") or (item["salesUnit"] if item else ""),
        **({"vatCode": {"id": vat_id, "description": VAT_CODES[vat_id][0]}} if vat_id else {}),
        **extra,
        "discountPercent": 0.0,
        "discountAmount": 0.0,
        "discountAmountInCurrency": 0.0,
        "manualDiscount": False,
        "note": line.get("note") or "",
    }
