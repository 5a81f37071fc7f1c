"""`/v1/customer`: list, read, create (numbering series or own number), update with ETag;
the customer classes.

A new customer gets no class and no credit terms of the sandbox's choosing: only what
the request sets, and with `customerClassId` and `overrideWithClassValues: true` what
that class gives (its credit terms). A customer without terms is one SalesOrders v3
refuses orders for (1401-MissingTermsId).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.core import json_response, service_base
from vismadesk.sandbox.erp import schema
from vismadesk.sandbox.erp.codes import CUSTOMER_CLASSES
from vismadesk.sandbox.erp.schema import check_enums
from vismadesk.sandbox.erp.validation import address, apply_customer, contact
from vismadesk.sandbox.erp.wire import (
    ErpError,
    Routes,
    check_if_match,
    modified_filter,
    page,
    read_json,
    unwrap,
)
from vismadesk.sandbox.state import SandboxState
from vismadesk.sandbox.wire import now, visma_time

ARRAYS = ("directDebitLines", "salesPersons", "attributeLines")


class Customers:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def routes(self) -> Routes:
        return [
            ("/v1/customer", "GET", self.list_customers),
            ("/v1/customer", "POST", self.create_customer),
            ("/v1/customer/customerClass", "GET", self.list_classes),
            ("/v1/customer/customerClass/{customerClassId}", "GET", self.get_class),
            ("/v1/customer/{customerCd}", "GET", self.get_customer),
            ("/v1/customer/{customerCd}", "PUT", self.update_customer),
        ]

    async def list_customers(self, request: Request) -> Response:
        keep = modified_filter(request)
        q = request.query_params
        name, status = q.get("name"), q.get("status")
        equals = {k: q[k] for k in ("corporateId", "vatRegistrationId") if q.get(k)}
        with self.state.lock:
            items = [
                c
                for _, c in sorted(self.state.customers.items())
                if keep(c)
                and (not name or name.lower() in c["name"].lower())
                and (not status or c["status"] == status)
                and (not q.get("email") or c.get("mainContact", {}).get("email") == q["email"])
                and (not q.get("phone") or c.get("mainContact", {}).get("phone1") == q["phone"])
                and all(c.get(k) == v for k, v in equals.items())
            ]
            return page(request, items)

    async def list_classes(self, request: Request) -> Response:
        return page(request, [_class(cid) for cid in CUSTOMER_CLASSES])

    async def get_class(self, request: Request) -> Response:
        cid = request.path_params["customerClassId"]
        if cid not in CUSTOMER_CLASSES:
            raise ErpError(404, f"Customer class '{cid}' was not found.")
        return json_response(_class(cid))

    async def get_customer(self, request: Request) -> Response:
        number = request.path_params["customerCd"]
        with self.state.lock:
            found = self.state.customers.get(number)
            if found is None:
                raise ErpError(404, f"Customer with customerCd '{number}' was not found.")
            return json_response(found, headers={"ETag": self.state.etag(f"customer:{number}")})

    async def create_customer(self, request: Request) -> Response:
        what = "inserting the customer"
        d = await _body(request, what)
        if not str(d.get("name") or "").strip():
            raise ErpError(400, f"Error {what}. 'CustomerName' cannot be empty.")
        state = self.state
        with state.lock:
            number = self._number_for(d, what)
            record = _new_customer(state.numbering.next_internal(), number)
            apply_customer(record, d, what)
            state.customers[number] = record
            etag = state.bump(f"customer:{number}")
        location = f"{service_base(request, 'erp')}/v1/customer/{number}"
        return json_response({}, 201, {"Location": location, "ETag": etag})

    def _number_for(self, d: dict[str, Any], what: str) -> str:
        """The number a new customer gets: its own (if allowed and free) or the series'."""
        state = self.state
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
            return number
        while str(state.numbering.customer) in state.customers:
            state.numbering.customer += 1
        number = str(state.numbering.customer)
        state.numbering.customer += 1
        return number

    async def update_customer(self, request: Request) -> Response:
        what = "updating the customer"
        number = request.path_params["customerCd"]
        d = await _body(request, what)
        state = self.state
        with state.lock:
            record = state.customers.get(number)
            if record is None:
                raise ErpError(404, f"Customer with customerCd '{number}' was not found.")
            key = f"customer:{number}"
            check_if_match(request, state.etag(key), "Customer")
            apply_customer(record, d, what)
            record["lastModifiedDateTime"] = visma_time(now())
            etag = state.bump(key)
        return Response(status_code=204, headers={"ETag": etag})


async def _body(request: Request, what: str) -> dict[str, Any]:
    raw = await read_json(request, what)
    body = unwrap(raw, what=what, plain=("overrideWithClassValues",), arrays=ARRAYS)
    check_enums(raw, schema.CUSTOMER, what)
    return body


def _new_customer(internal_id: int, number: str) -> dict[str, Any]:
    """A customer with the defaults Visma fills in before the request's fields apply."""
    stamp = visma_time(now())
    return {
        "internalId": internal_id,
        "number": number,
        "name": "",
        "status": "Active",
        "mainAddress": address({}),
        "mainContact": contact({}),
        "accountReference": "",
        "currencyId": "EUR",
        "vatRegistrationId": "",
        "corporateId": "",
        "lastModifiedDateTime": stamp,
        "createdDateTime": stamp,
    }


def _class(cid: str) -> dict[str, Any]:
    return {
        "id": cid,
        "description": CUSTOMER_CLASSES[cid],
        "requiredTaxzoneId": False,
        "invoiceOrdersSeparately": False,
        "attributes": [],
    }
