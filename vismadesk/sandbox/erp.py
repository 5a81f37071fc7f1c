"""The Visma.net ERP API: customers, inventory, customer invoices.

Paths follow `api.finance.visma.net`: `/v1/customer`, `/v1/inventory`,
`/v2/customerinvoice` (create), `/v1/customerinvoice` (read, list, release).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import Core, json_response, service_base
from vismadesk.sandbox.erp_wire import ErpError, modified_filter, page, read_json, unwrap
from vismadesk.sandbox.oauth import BearerError
from vismadesk.sandbox.wire import (
    CENT,
    now,
    parse_decimal,
    parse_visma_time,
    visma_date,
    visma_time,
)

CUSTOMER_STATUSES = ("Active", "OnHold", "CreditHold", "Inactive", "OneTime")
INVENTORY_STATUSES = (
    "Active",
    "NoSales",
    "NoPurchases",
    "NoRequest",
    "Inactive",
    "MarkedForDeletion",
)
INVENTORY_TYPES = (
    "NonStockItem",
    "LaborItem",
    "ServiceItem",
    "ChargeItem",
    "ExpenseItem",
    "FinishedGoodItem",
    "ComponentPartItem",
    "SubassemblyItem",
)
ITEM_CLASSES = {"MAT": "Materialen", "ARBEID": "Arbeid", "DIENST": "Diensten"}
POSTING_CLASSES = {"MAT": "Omzet materialen", "ARB": "Omzet arbeid", "DIE": "Omzet diensten"}
DEFAULT_POSTING = {"MAT": "MAT", "ARBEID": "ARB", "DIENST": "DIE"}
CUSTOMER_CLASSES = {"NL": "Klanten Nederland", "EU": "Klanten EU", "PART": "Particulieren"}
CREDIT_TERMS = {"30D": "30 dagen netto", "14D": "14 dagen netto", "DIRECT": "Direct"}
VAT_CODES = {
    "1": ("Hoog tarief 21%", Decimal("0.21")),
    "2": ("Laag tarief 9%", Decimal("0.09")),
    "0": ("Vrijgesteld", Decimal(0)),
}
CUSTOMER_ARRAYS = ("directDebitLines", "salesPersons", "attributeLines")
INVENTORY_ARRAYS = (
    "expenseSubaccount",
    "cogsSubaccount",
    "salesSubaccount",
    "attributeLines",
    "supplierDetails",
    "warehouseDetails",
    "crossReferences",
)

# The ERP API checks the scope per operation: a read-only token cannot create.
SCOPE_FOR_METHOD = {"GET": "read", "POST": "create", "PUT": "update", "DELETE": "delete"}

Handler = Callable[[Request], Awaitable[Response]]


def http_error(status: int, path: str) -> Response:
    """A path the ERP API does not have, or a method it does not take there."""
    if status == 405:
        text = "The requested resource does not support the HTTP method used."
    else:
        text = f"No HTTP resource was found that matches the request URI '{path}'."
    return ErpError(status, text).response()


def _money(value: Decimal) -> float:
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))


def build(core: Core) -> Router:
    state = core.state
    oauth = core.oauth

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                oauth.authorize_bearer(
                    request.headers.get("authorization"),
                    "erp",
                    SCOPE_FOR_METHOD.get(request.method, "read"),
                )
            except BearerError as e:
                return json_response(
                    {"message": "Authorization has been denied for this request."},
                    e.status,
                    {"WWW-Authenticate": e.www_authenticate()},
                )
            try:
                return await handler(request)
            except ErpError as e:
                return e.response()

        return run

    def base(request: Request) -> str:
        return service_base(request, "erp")

    # --- customers ------------------------------------------------------------------

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
        return {
            k: raw.get(k, "") or "" for k in keys if k in raw or k in ("name", "email", "phone1")
        }

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
        if "creditTermsId" in d:
            tid = d["creditTermsId"]
            if tid not in CREDIT_TERMS:
                raise ErpError(400, f"Error {what}. Credit terms '{tid}' cannot be found.")
            record["creditTerms"] = {"id": tid, "description": CREDIT_TERMS[tid]}
        for key in (
            "accountReference",
            "currencyId",
            "vatRegistrationId",
            "corporateId",
            "gln",
            "note",
        ):
            if key in d:
                record[key] = d[key] if d[key] is not None else ""
        for key in ("mainAddress", "invoiceAddress", "deliveryAddress"):
            if key in d:
                record[key] = address(d[key])
        for key in ("mainContact", "invoiceContact", "deliveryContact"):
            if key in d:
                record[key] = contact(d[key])

    async def list_customers(request: Request) -> Response:
        keep = modified_filter(request)
        q = request.query_params
        name, status = q.get("name"), q.get("status")
        equals = {k: q[k] for k in ("corporateId", "vatRegistrationId") if q.get(k)}
        with state.lock:
            items = [
                c
                for _, c in sorted(state.customers.items())
                if keep(c)
                and (not name or name.lower() in c["name"].lower())
                and (not status or c["status"] == status)
                and (not q.get("email") or c.get("mainContact", {}).get("email") == q["email"])
                and (not q.get("phone") or c.get("mainContact", {}).get("phone1") == q["phone"])
                and all(c.get(k) == v for k, v in equals.items())
            ]
            return page(request, items)

    async def get_customer(request: Request) -> Response:
        number = request.path_params["customerCd"]
        with state.lock:
            found = state.customers.get(number)
            if found is None:
                raise ErpError(404, f"Customer with customerCd '{number}' was not found.")
            return json_response(found, headers={"ETag": state.etag(f"customer:{number}")})

    async def create_customer(request: Request) -> Response:
        what = "inserting the customer"
        d = unwrap(
            await read_json(request, what),
            what=what,
            plain=("overrideWithClassValues",),
            arrays=CUSTOMER_ARRAYS,
        )
        if not str(d.get("name") or "").strip():
            raise ErpError(400, f"Error {what}. 'CustomerName' cannot be empty.")
        with state.lock:
            number = str(d.get("number") or "").strip()
            if number:
                if d.get("overrideNumberSeries") is not True:
                    raise ErpError(
                        400,
                        f"Error {what}. The customer numbering series is automatic; send "
                        "overrideNumberSeries true to use your own number.",
                    )
                if number in state.customers:
                    raise ErpError(400, f"Error {what}. Customer ID '{number}' already exists.")
            else:
                while str(state.numbering.customer) in state.customers:
                    state.numbering.customer += 1
                number = str(state.numbering.customer)
                state.numbering.customer += 1
            stamp = visma_time(now())
            record: dict[str, Any] = {
                "internalId": state.numbering.next_internal(),
                "number": number,
                "name": "",
                "status": "Active",
                "mainAddress": address({}),
                "mainContact": contact({}),
                "accountReference": "",
                "customerClass": {"id": "NL", "description": CUSTOMER_CLASSES["NL"]},
                "creditTerms": {"id": "30D", "description": CREDIT_TERMS["30D"]},
                "currencyId": "EUR",
                "vatRegistrationId": "",
                "corporateId": "",
                "lastModifiedDateTime": stamp,
                "createdDateTime": stamp,
            }
            apply_customer(record, d, what)
            state.customers[number] = record
            etag = state.bump(f"customer:{number}")
        return json_response(
            {}, 201, {"Location": f"{base(request)}/v1/customer/{number}", "ETag": etag}
        )

    async def update_customer(request: Request) -> Response:
        what = "updating the customer"
        number = request.path_params["customerCd"]
        d = unwrap(
            await read_json(request, what),
            what=what,
            plain=("overrideWithClassValues",),
            arrays=CUSTOMER_ARRAYS,
        )
        with state.lock:
            record = state.customers.get(number)
            if record is None:
                raise ErpError(404, f"Customer with customerCd '{number}' was not found.")
            key = f"customer:{number}"
            match = request.headers.get("if-match")
            if match and match not in ("*", state.etag(key)):
                raise ErpError(412, "Customer version does not match with If-Match header.")
            apply_customer(record, d, what)
            record["lastModifiedDateTime"] = visma_time(now())
            etag = state.bump(key)
        return Response(status_code=204, headers={"ETag": etag})

    # --- inventory ------------------------------------------------------------------

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
        if "itemClass" in d:
            cid = d["itemClass"]
            if cid not in ITEM_CLASSES:
                raise ErpError(400, f"Error {what}. Item class '{cid}' cannot be found.")
            record["itemClass"] = {
                "id": cid,
                "description": ITEM_CLASSES[cid],
                "type": record["type"],
            }
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
        if "defaultPrice" in d:
            price = parse_decimal(d["defaultPrice"])
            if price is None or isinstance(d["defaultPrice"], str):
                raise ErpError(400, f"Error {what}. defaultPrice must be a number.")
            record["defaultPrice"] = _money(price)
        for key in ("baseUnit", "salesUnit", "purchaseUnit"):
            if key in d:
                record[key] = str(d[key] or "").upper()
        for key in ("body", "note"):
            if key in d:
                record[key] = d[key] or ""

    async def list_inventory(request: Request) -> Response:
        keep = modified_filter(request)
        q = request.query_params
        number, desc, status = q.get("inventoryNumber"), q.get("description"), q.get("status")
        with state.lock:
            items = [
                i
                for _, i in sorted(state.inventory.items())
                if keep(i)
                and (not number or i["inventoryNumber"] == number)
                and (not desc or desc.lower() in i["description"].lower())
                and (not status or i["status"] == status)
            ]
            return page(request, items)

    async def get_item(request: Request) -> Response:
        number = request.path_params["inventoryNumber"]
        with state.lock:
            found = state.inventory.get(number)
            if found is None:
                raise ErpError(
                    404, f"Inventory item with inventoryNumber '{number}' was not found."
                )
            return json_response(found, headers={"ETag": state.etag(f"inventory:{number}")})

    async def create_item(request: Request) -> Response:
        what = "inserting the inventory item"
        d = unwrap(await read_json(request, what), what=what, arrays=INVENTORY_ARRAYS)
        if not str(d.get("description") or "").strip():
            raise ErpError(400, f"Error {what}. 'Description' cannot be empty.")
        with state.lock:
            number = str(d.get("inventoryNumber") or "").strip()
            if number:
                if number in state.inventory:
                    raise ErpError(400, f"Error {what}. Inventory ID '{number}' already exists.")
            else:
                while f"ART{state.numbering.inventory:06d}" in state.inventory:
                    state.numbering.inventory += 1
                number = f"ART{state.numbering.inventory:06d}"
                state.numbering.inventory += 1
            kind = d.get("type") or "NonStockItem"
            record: dict[str, Any] = {
                "inventoryId": state.numbering.next_internal(),
                "inventoryNumber": number,
                "status": "Active",
                "type": kind if kind in INVENTORY_TYPES else "NonStockItem",
                "description": "",
                "itemClass": {
                    "id": "MAT",
                    "description": ITEM_CLASSES["MAT"],
                    "type": "NonStockItem",
                },
                "postingClass": {"id": "MAT", "description": POSTING_CLASSES["MAT"]},
                "vatCode": {"id": "1", "description": VAT_CODES["1"][0]},
                "defaultPrice": 0.0,
                "baseUnit": "ST",
                "salesUnit": "ST",
                "purchaseUnit": "ST",
                "stockItem": False,
                "kitItem": False,
                "lastModifiedDateTime": visma_time(now()),
            }
            apply_item(record, d, what)
            record["itemClass"]["type"] = record["type"]
            state.inventory[number] = record
            etag = state.bump(f"inventory:{number}")
        return json_response(
            {}, 201, {"Location": f"{base(request)}/v1/inventory/{number}", "ETag": etag}
        )

    async def update_item(request: Request) -> Response:
        what = "updating the inventory item"
        number = request.path_params["inventoryNumber"]
        d = unwrap(await read_json(request, what), what=what, arrays=INVENTORY_ARRAYS)
        d.pop("inventoryNumber", None)  # not applicable for PUT
        with state.lock:
            record = state.inventory.get(number)
            if record is None:
                raise ErpError(
                    404, f"Inventory item with inventoryNumber '{number}' was not found."
                )
            key = f"inventory:{number}"
            match = request.headers.get("if-match")
            if match and match not in ("*", state.etag(key)):
                raise ErpError(412, "Inventory item version does not match with If-Match header.")
            apply_item(record, d, what)
            record["lastModifiedDateTime"] = visma_time(now())
            etag = state.bump(key)
        return Response(status_code=204, headers={"ETag": etag})

    # --- customer invoices ----------------------------------------------------------

    def invoice_lines(raw_lines: list[Any], what: str) -> list[dict[str, Any]]:
        out = []
        for n, raw in enumerate(raw_lines, start=1):
            line = unwrap(
                raw,
                what=what,
                plain=("operation",),
                arrays=("subaccount",),
                path=f"invoiceLines[{n - 1}].",
            )
            op = line.get("operation")
            if op is None:
                raise ErpError(
                    400, f"Error {what}. invoiceLines[{n - 1}].operation is required (Insert)."
                )
            if op != "Insert":
                raise ErpError(
                    400, f"Error {what}. Operation '{op}' is not valid for a new invoice."
                )
            number = line.get("inventoryNumber")
            item = state.inventory.get(number) if number else None
            if number and item is None:
                raise ErpError(
                    400, f"Error {what}. Inventory item '{number}' cannot be found in the system."
                )
            if item is not None and item["status"] in ("Inactive", "NoSales", "MarkedForDeletion"):
                raise ErpError(
                    400, f"Error {what}. Inventory item '{number}' has status {item['status']}."
                )
            qty = parse_decimal(line.get("quantity", 1))
            price = parse_decimal(
                line.get("unitPriceInCurrency", item["defaultPrice"] if item else 0)
            )
            if qty is None or price is None:
                raise ErpError(
                    400, f"Error {what}. quantity and unitPriceInCurrency must be numbers."
                )
            vat_id = str(line.get("vatCodeId") or (item["vatCode"]["id"] if item else "1"))
            if vat_id not in VAT_CODES:
                raise ErpError(400, f"Error {what}. VAT code '{vat_id}' cannot be found.")
            amount = _money(qty * price)
            out.append(
                {
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
                    "vatCode": {"id": vat_id, "description": VAT_CODES[vat_id][0]},
                    "discountPercent": 0.0,
                    "discountAmount": 0.0,
                    "discountAmountInCurrency": 0.0,
                    "manualDiscount": False,
                    "note": line.get("note") or "",
                }
            )
        return out

    async def create_invoice(request: Request) -> Response:
        what = "creating the customer invoice"
        d = unwrap(
            await read_json(request, what),
            what=what,
            arrays=("invoiceLines", "taxDetailLines"),
        )
        customer_no = str(d.get("customerNumber") or "").strip()
        if not customer_no:
            raise ErpError(400, f"Error {what}. 'Customer' cannot be empty.")
        with state.lock:
            customer = state.customers.get(customer_no)
            if customer is None:
                raise ErpError(
                    400, f"Error {what}. Customer '{customer_no}' cannot be found in the system."
                )
            if customer["status"] in ("Inactive", "OnHold", "CreditHold"):
                raise ErpError(
                    400, f"Error {what}. Customer '{customer_no}' has status {customer['status']}."
                )
            lines = invoice_lines(d.get("invoiceLines", []), what)
            ref = str(d.get("referenceNumber") or "").strip()
            if ref and d.get("overrideNumberSeries") is True:
                if ref in state.invoices:
                    raise ErpError(400, f"Error {what}. Document '{ref}' already exists.")
            else:
                while str(state.numbering.invoice) in state.invoices:
                    state.numbering.invoice += 1
                ref = str(state.numbering.invoice)
                state.numbering.invoice += 1
            moment = now()
            day = parse_visma_time(str(d.get("documentDate") or "")) or moment
            total = sum((Decimal(str(line["amount"])) for line in lines), Decimal(0))
            vat = sum(
                (
                    Decimal(str(line["amount"])) * VAT_CODES[line["vatCode"]["id"]][1]
                    for line in lines
                ),
                Decimal(0),
            )
            hold = d.get("hold") is True
            record = {
                "documentType": "Invoice",
                "referenceNumber": ref,
                "status": "Hold" if hold else "Balanced",
                "hold": hold,
                "documentDate": visma_date(day.date()),
                "postPeriod": day.strftime("%m%Y"),
                "financialPeriod": day.strftime("%Y%m"),
                "customer": {"number": customer_no, "name": customer["name"]},
                "customerRefNumber": d.get("customerRefNumber") or "",
                "externalReference": d.get("externalReference") or "",
                "invoiceText": d.get("invoiceText") or "",
                "currencyId": d.get("currencyId") or customer.get("currencyId") or "EUR",
                "creditTerms": dict(customer.get("creditTerms") or {}),
                "detailTotal": _money(total),
                "detailTotalInCurrency": _money(total),
                "vatTaxableTotal": _money(total),
                "vatTaxableTotalInCurrency": _money(total),
                "vatTotal": _money(vat),
                "vatTotalInCurrency": _money(vat),
                "amount": _money(total + vat),
                "amountInCurrency": _money(total + vat),
                "balance": _money(total + vat),
                "balanceInCurrency": _money(total + vat),
                "invoiceLines": lines,
                "note": d.get("note") or "",
                "lastModifiedDateTime": visma_time(moment),
                "createdDateTime": visma_time(moment),
            }
            state.invoices[ref] = record
            etag = state.bump(f"invoice:{ref}")
        return json_response(
            {}, 201, {"Location": f"{base(request)}/v1/customerinvoice/{ref}", "ETag": etag}
        )

    async def get_invoice(request: Request) -> Response:
        ref = request.path_params["invoiceNumber"]
        with state.lock:
            found = state.invoices.get(ref)
            if found is None:
                raise ErpError(404, f"Invoice with invoiceNumber '{ref}' was not found.")
            return json_response(found, headers={"ETag": state.etag(f"invoice:{ref}")})

    async def list_invoices(request: Request) -> Response:
        keep = modified_filter(request)
        q = request.query_params
        exact = {
            "customerRefNumber": q.get("customerRefNumber"),
            "externalReference": q.get("externalReference"),
            "status": q.get("status"),
            "documentType": q.get("documentType"),
        }
        customer = q.get("customer")
        with state.lock:
            items = [
                inv
                for _, inv in sorted(state.invoices.items())
                if keep(inv)
                and (not customer or inv["customer"]["number"] == customer)
                and all(not v or inv.get(k) == v for k, v in exact.items())
            ]
            return page(request, items)

    async def release_invoice(request: Request) -> Response:
        ref = request.path_params["invoiceNumber"]
        with state.lock:
            found = state.invoices.get(ref)
            if found is None:
                raise ErpError(404, f"Invoice with invoiceNumber '{ref}' was not found.")
            # errorInfo only on failure: the spec types it as a string, never null.
            result: dict[str, Any] = {"actionId": str(uuid.uuid4()), "actionResult": "Done"}
            if found["status"] == "Hold":
                result.update(
                    actionResult="Failed",
                    errorInfo="The document is on hold and cannot be released.",
                )
            elif found["status"] == "Balanced":
                found["status"] = "Open"
                found["lastModifiedDateTime"] = visma_time(now())
                state.bump(f"invoice:{ref}")
        return json_response(result)

    g = guarded
    return Router(
        routes=[
            Route("/v1/customer", g(list_customers), methods=["GET"]),
            Route("/v1/customer", g(create_customer), methods=["POST"]),
            Route("/v1/customer/{customerCd}", g(get_customer), methods=["GET"]),
            Route("/v1/customer/{customerCd}", g(update_customer), methods=["PUT"]),
            Route("/v1/inventory", g(list_inventory), methods=["GET"]),
            Route("/v1/inventory", g(create_item), methods=["POST"]),
            Route("/v1/inventory/{inventoryNumber}", g(get_item), methods=["GET"]),
            Route("/v1/inventory/{inventoryNumber}", g(update_item), methods=["PUT"]),
            Route("/v2/customerinvoice", g(create_invoice), methods=["POST"]),
            Route("/v1/customerinvoice", g(list_invoices), methods=["GET"]),
            Route("/v1/customerinvoice/{invoiceNumber}", g(get_invoice), methods=["GET"]),
            Route(
                "/v1/customerinvoice/{invoiceNumber}/action/release",
                g(release_invoice),
                methods=["POST"],
            ),
        ]
    )
