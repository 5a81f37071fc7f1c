"""Customer invoices: `POST /v2/customerinvoice` creates; `/v1/customerinvoice` lists,
reads and releases."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.core import json_response, service_base
from vismadesk.sandbox.erp import attachments, schema
from vismadesk.sandbox.erp.codes import CREDIT_TERM_DAYS, VAT_CODES, money
from vismadesk.sandbox.erp.invoice_query import invoice_filter, legacy_window
from vismadesk.sandbox.erp.schema import check_enums
from vismadesk.sandbox.erp.validation import (
    check_invoice_customer,
    invoice_header,
    invoice_lines,
    invoice_terms,
)
from vismadesk.sandbox.erp.wire import ErpError, Routes, page, read_json, unwrap
from vismadesk.sandbox.state import SandboxState
from vismadesk.sandbox.wire import now, parse_visma_time, visma_date, visma_time


class CustomerInvoices:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def routes(self) -> Routes:
        return [
            ("/v2/customerinvoice", "POST", self.create_invoice),
            ("/v1/customerinvoice", "GET", self.list_invoices),
            ("/v1/customerinvoice/{invoiceNumber}", "GET", self.get_invoice),
            ("/v1/customerinvoice/{invoiceNumber}/action/release", "POST", self.release_invoice),
            ("/v1/customerinvoice/{invoiceNumber}/attachment", "POST", self.attach),
        ]

    async def attach(self, request: Request) -> Response:
        return await attachments.create(self.state, request)

    async def create_invoice(self, request: Request) -> Response:
        what = "creating the customer invoice"
        raw = await read_json(request, what)
        d = unwrap(raw, what=what, arrays=("invoiceLines", "taxDetailLines"))
        check_enums(raw, schema.CUSTOMER_INVOICE, what)
        state = self.state
        with state.lock:
            customer = check_invoice_customer(state.customers, d, what)
            header = invoice_header(customer, d, what)
            lines = invoice_lines(
                state.inventory, d.get("invoiceLines", []), what, header.get("project")
            )
            ref = self._number_for(d, what)
            record = {**_new_invoice(ref, customer, d, lines), **header}
            state.customer_invoices[ref] = record
            etag = state.bump(f"invoice:{ref}")
        location = f"{service_base(request, 'erp')}/v1/customerinvoice/{ref}"
        return json_response({}, 201, {"Location": location, "ETag": etag})

    def _number_for(self, d: dict[str, Any], what: str) -> str:
        state = self.state
        ref = str(d.get("referenceNumber") or "").strip()
        if ref and d.get("overrideNumberSeries") is True:
            if ref in state.customer_invoices:
                raise ErpError(400, f"Error {what}. Document '{ref}' already exists.")
            return ref
        while str(state.numbering.customer_invoice) in state.customer_invoices:
            state.numbering.customer_invoice += 1
        ref = str(state.numbering.customer_invoice)
        state.numbering.customer_invoice += 1
        return ref

    async def get_invoice(self, request: Request) -> Response:
        ref = request.path_params["invoiceNumber"]
        with self.state.lock:
            found = self._find(ref)
            files = attachments.shown(self.state.invoice_attachments.get(ref, []))
            return json_response(
                {**found, "attachments": files},
                headers={"ETag": self.state.etag(f"invoice:{ref}")},
            )

    async def list_invoices(self, request: Request) -> Response:
        """Filtered by the spec's query parameters only (see `invoice_query`)."""
        keep = invoice_filter(request)
        window = legacy_window(request)
        expand = request.query_params.get("expandAttachments", "").lower() == "true"
        with self.state.lock:
            items = [inv for _, inv in sorted(self.state.customer_invoices.items()) if keep(inv)]
            if expand:
                held = self.state.invoice_attachments
                items = [
                    {**inv, "attachments": attachments.shown(held.get(ref, []))}
                    for ref, inv in ((i["referenceNumber"], i) for i in items)
                ]
            return page(request, items, window)

    async def release_invoice(self, request: Request) -> Response:
        ref = request.path_params["invoiceNumber"]
        with self.state.lock:
            found = self._find(ref)
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
                self.state.bump(f"invoice:{ref}")
        return json_response(result)

    def _find(self, ref: str) -> dict[str, Any]:
        found = self.state.customer_invoices.get(ref)
        if found is None:
            raise ErpError(404, f"Invoice with invoiceNumber '{ref}' was not found.")
        return found


def _new_invoice(
    ref: str, customer: dict[str, Any], d: dict[str, Any], lines: list[dict[str, Any]]
) -> dict[str, Any]:
    """The CustomerInvoiceDto of a new customer invoice, totals worked out from its lines."""
    moment = now()
    day = parse_visma_time(str(d.get("documentDate") or "")) or moment
    total = sum((Decimal(str(line["amount"])) for line in lines), Decimal(0))
    vat = sum(
        (
            Decimal(str(line["amount"])) * VAT_CODES[line["vatCode"]["id"]][1]
            for line in lines
            if "vatCode" in line
        ),
        Decimal(0),
    )
    hold = d.get("hold") is True
    terms = invoice_terms(customer, d)
    due = parse_visma_time(str(d.get("documentDueDate") or "")) or (
        day + dt.timedelta(days=CREDIT_TERM_DAYS.get(terms.get("id", ""), 0))
    )
    return {
        "documentType": "Invoice",
        "referenceNumber": ref,
        "status": "Hold" if hold else "Balanced",
        "hold": hold,
        "documentDate": visma_date(day.date()),
        "documentDueDate": visma_date(due.date()),
        "postPeriod": day.strftime("%m%Y"),
        "financialPeriod": day.strftime("%Y%m"),
        "customer": {"number": customer["number"], "name": customer["name"]},
        "customerRefNumber": d.get("customerRefNumber") or "",
        "externalReference": d.get("externalReference") or "",
        "paymentReference": d.get("paymentReference") or "",
        "invoiceText": d.get("invoiceText") or "",
        "currencyId": d.get("currencyId") or customer.get("currencyId") or "EUR",
        "creditTerms": terms,
        "detailTotal": money(total),
        "detailTotalInCurrency": money(total),
        "vatTaxableTotal": money(total),
        "vatTaxableTotalInCurrency": money(total),
        "vatTotal": money(vat),
        "vatTotalInCurrency": money(vat),
        "amount": money(total + vat),
        "amountInCurrency": money(total + vat),
        "balance": money(total + vat),
        "balanceInCurrency": money(total + vat),
        "invoiceLines": lines,
        "note": d.get("note") or "",
        "lastModifiedDateTime": visma_time(moment),
        "createdDateTime": visma_time(moment),
    }
