"""The Visma.net client: ERP API (customers, inventory, customer invoices) and SalesOrders v3.

One pooled `httpx.Client` shared by every thread. Requests carry the token manager's
access token; a 401 gets one refresh and one retry. GETs are retried on timeouts,
dropped connections and 5xx; a 429 waits as told. A POST is never sent again
blindly: after an answer that may have been lost, the record is looked up by its
number or reference first, and only created if it is not there.
"""

from __future__ import annotations

import datetime as dt
import json as jsonlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import (
    CompanyCode,
    Customer,
    DocumentRef,
    ExportFormat,
    InventoryItem,
    SalesDocument,
)
from vismadesk.errors import AppError, AuthError, NetworkError, VismaApiError
from vismadesk.net.pacing import Pacer
from vismadesk.net.transport import (
    Backoff,
    exchange_excerpt,
    new_http_client,
    read_json,
    retry_after_seconds,
    transport_error,
    unexpected_response,
)
from vismadesk.visma import wire
from vismadesk.visma.auth import TokenManager

SERVICE = "VISMA.net"
ERP = "erp"
SALESORDERS = "salesorders"
# Attempts for a request that is safe to repeat (reads, and anything answered 429).
ATTEMPTS = 5
# Attempts at a create whose answer may be lost (each after a lookup).
CREATE_ATTEMPTS = 4
ERP_PAGE_SIZE = 1000
SO_PAGE_SIZE = 100
# Reading every order changed since a moment: the list without `expand` pages at up to
# 1,000 (with `expand` at 100, which the per-customer lookups above stay at).
SO_BULK_PAGE_SIZE = 1000
# SalesOrders v3 allows an order number of at most this many characters.
ORDER_ID_MAX = 15

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Retry:
    """A request about to be sent again: what a waiting planner is told."""

    service: str
    attempt: int  # the attempt about to be made (2 for the first retry)
    attempts: int
    why: str  # "HTTP 503", or the kind of transport failure


class VismaClient:
    def __init__(
        self,
        settings: Settings,
        tokens: TokenManager,
        *,
        http: httpx.Client | None = None,
        backoff: Backoff | None = None,
    ) -> None:
        self._settings = settings
        self._tokens = tokens
        self._http = http or new_http_client(
            max_connections=max(8, settings.concurrency * 2), proxy=settings.proxy
        )
        self._backoff = backoff or Backoff()
        self._gates = {ERP: Pacer(), SALESORDERS: Pacer()}
        # Told before each retry (on the request's thread); the session forwards it.
        self.on_retry: Callable[[Retry], None] | None = None

    def close(self) -> None:
        self._http.close()
        self._tokens.close()

    # --- customers ---------------------------------------------------------------------

    def list_customers(self, since: dt.datetime | None = None) -> list[Customer]:
        found = self._erp_list("/v1/customer", since)
        wire.check_master_list(found, "number", "customer list")
        return [wire.parse_customer(d) for d in found]

    def get_customer(self, number: str) -> Customer | None:
        found = self._get_one(ERP, f"/v1/customer/{_seg(number)}")
        return wire.parse_customer(found) if found is not None else None

    def create_customer(self, customer: Customer) -> str:
        """Create the customer; its number (ours, or the numbering series' one)."""
        number = customer.number

        def post() -> str:
            response = self._request(
                ERP, "POST", "/v1/customer", json=wire.customer_body(customer), retry=False
            )
            return _new_number(response) or number

        def find() -> str | None:
            return number if number and self.get_customer(number) is not None else None

        return self._create_once(post, find if number else None)

    def ensure_customer(self, customer: Customer) -> tuple[str, bool]:
        """(number, True) when this call created the customer; (number, False) when
        VISMA.net refused the create because the customer is there already (another
        run or another planner made it): it is read back and used as it is."""
        try:
            return self.create_customer(customer), True
        except VismaApiError as e:
            if customer.number and _refused(e) and self.get_customer(customer.number):
                return customer.number, False
            raise

    # --- inventory ---------------------------------------------------------------------

    def list_inventory(self, since: dt.datetime | None = None) -> list[InventoryItem]:
        found = self._erp_list("/v1/inventory", since)
        wire.check_master_list(found, "inventoryNumber", "inventory list")
        return [wire.parse_inventory(d) for d in found]

    def get_inventory(self, number: str) -> InventoryItem | None:
        found = self._get_one(ERP, f"/v1/inventory/{_seg(number)}")
        return wire.parse_inventory(found) if found is not None else None

    def create_inventory(self, item: InventoryItem) -> str:
        number = item.number

        def post() -> str:
            response = self._request(
                ERP, "POST", "/v1/inventory", json=wire.inventory_body(item), retry=False
            )
            return _new_number(response) or number

        def find() -> str | None:
            return number if number and self.get_inventory(number) is not None else None

        return self._create_once(post, find if number else None)

    def ensure_inventory(self, item: InventoryItem) -> tuple[str, bool]:
        """As `ensure_customer`, for an inventory item."""
        try:
            return self.create_inventory(item), True
        except VismaApiError as e:
            if item.number and _refused(e) and self.get_inventory(item.number):
                return item.number, False
            raise

    # --- documents -----------------------------------------------------------------------

    def create_document(self, doc: SalesDocument) -> DocumentRef:
        """A sales order (SalesOrders v3) or a customer invoice (ERP v2), exactly once."""
        if doc.format is ExportFormat.SALES_ORDER:
            return self.create_sales_order(doc)
        return self.create_customer_invoice(doc)

    def create_or_find_document(
        self, doc: SalesDocument, *, order_id: str = ""
    ) -> tuple[DocumentRef, bool]:
        """(the document, True) when this call created it. With `order_id` (a sales
        order type that numbers manually) VISMA.net refuses a second order with that
        number (409 Conflict): when the order there carries this document's reference,
        it is this work order's, already exported: (that order, False)."""
        if not order_id or doc.format is not ExportFormat.SALES_ORDER:
            return self.create_document(doc), True
        return self._create_numbered_order(doc, order_id)

    def documents_since(
        self, fmt: ExportFormat, since: dt.datetime, order_type: str = ""
    ) -> list[tuple[str, DocumentRef]]:
        """(reference, document) for every document of this kind changed since `since`:
        customer invoices by `lastModifiedDateTime`, sales orders of the order type by
        `modifiedSince`; the only bulk reads the APIs offer that show our references."""
        if fmt is ExportFormat.SALES_ORDER:
            params = {"modifiedSince": wire.send_utc(since)}
            path = "/api/v3/SalesOrders" + (f"/{_seg(order_type)}" if order_type else "")
            return [
                (str(d.get("customerRefNo") or ""), wire.sales_order_ref(d))
                for d in self._so_pages(path, params, page_size=SO_BULK_PAGE_SIZE)
                if d.get("customerRefNo")
            ]
        found = []
        for d in self._erp_list("/v1/customerinvoice", since):
            if not wire.is_invoice(d):
                continue
            reference = d.get("customerRefNumber") or d.get("externalReference")
            if reference:
                found.append((str(reference), wire.customer_invoice_ref(d)))
        return found

    def find_document(
        self,
        reference: str,
        fmt: ExportFormat,
        order_type: str | None = None,
        customer: str | None = None,
    ) -> DocumentRef | None:
        if fmt is ExportFormat.SALES_ORDER:
            return self.find_sales_order(reference, order_type or "", customer)
        return self.find_customer_invoice(reference, customer)

    def create_customer_invoice(self, doc: SalesDocument) -> DocumentRef:
        def post() -> DocumentRef:
            response = self._request(
                ERP,
                "POST",
                "/v2/customerinvoice",
                json=wire.customer_invoice_body(doc),
                retry=False,
            )
            number = _new_number(response)
            if not number:
                raise unexpected_response(SERVICE, response, "no Location with the new number")
            return DocumentRef(ExportFormat.SALES_INVOICE, number)

        return self._create_once(
            post, lambda: self.find_customer_invoice(doc.reference, doc.customer_number)
        )

    def find_customer_invoice(
        self, reference: str, customer: str | None = None
    ) -> DocumentRef | None:
        params = {"customerRefNumber": reference}
        if customer:
            params["customer"] = customer
        for d in self._erp_pages("/v1/customerinvoice", params):
            if reference in (d.get("customerRefNumber"), d.get("externalReference")):
                return wire.customer_invoice_ref(d)
        return None

    def get_customer_invoice(self, number: str) -> dict[str, Any] | None:
        return self._get_one(ERP, f"/v1/customerinvoice/{_seg(number)}")

    def invoice_attachments(self, number: str) -> set[str]:
        """The names of the files attached to a customer invoice (its `attachments`)."""
        found = self.get_customer_invoice(number)
        if found is None:
            raise AppError(
                messages.UNEXPECTED_RESPONSE.code,
                {"why": f"customer invoice {number} was not found to attach a file to"},
                service=SERVICE,
            )
        rows = found.get("attachments")
        return {str(a.get("name")) for a in rows or [] if isinstance(a, dict) and a.get("name")}

    def attach_to_invoice(
        self, number: str, name: str, content: bytes, content_type: str, *, in_email: bool
    ) -> None:
        """Attach a file to a customer invoice, exactly once: after an answer that may
        have been lost, the invoice's attachments are read and the file is sent again
        only when it is not there."""
        path = f"/v1/customerinvoice/{_seg(number)}/attachment"
        metadata = jsonlib.dumps({"includeAttachmentInvoiceEmail": in_email})

        def post() -> bool:
            self._request(
                ERP,
                "POST",
                path,
                files={"file": (name, content, content_type)},
                data={"metadata": metadata},
                retry=False,
            )
            return True

        def find() -> bool | None:
            return True if name in self.invoice_attachments(number) else None

        self._create_once(post, find)

    def create_sales_order(self, doc: SalesDocument) -> DocumentRef:
        def post() -> DocumentRef:
            response = self._request(
                SALESORDERS,
                "POST",
                "/api/v3/SalesOrders",
                json=wire.sales_order_body(doc),
                retry=False,
            )
            parts = wire.location_parts(response)
            if len(parts) < 2:
                raise unexpected_response(SERVICE, response, "no Location with the new order")
            return DocumentRef(ExportFormat.SALES_ORDER, parts[-1], parts[-2])

        return self._create_once(
            post,
            lambda: self.find_sales_order(doc.reference, doc.order_type, doc.customer_number),
        )

    def find_sales_order(
        self, reference: str, order_type: str, customer: str | None = None
    ) -> DocumentRef | None:
        """The order carrying `reference` as the customer's reference number.

        SalesOrders v3 filters by customer, not by reference: read the customer's
        orders (all orders when the customer is not known) and look.
        """
        path = f"/api/v3/SalesOrders/{_seg(order_type)}" if order_type else "/api/v3/SalesOrders"
        params = {"customerId": customer} if customer else {}
        want = reference[: wire.REF_MAX]
        for d in self._so_pages(path, params):
            if d.get("customerRefNo") == want:
                return wire.sales_order_ref(d)
        return None

    def get_sales_order(self, order_type: str, number: str) -> dict[str, Any] | None:
        return self._get_one(SALESORDERS, f"/api/v3/SalesOrders/{_seg(order_type)}/{_seg(number)}")

    # --- the company's own lists (what the settings offer) ------------------------------

    def company_list(self, name: str) -> list[CompanyCode]:
        """One of `wire.COMPANY_LISTS`: item classes, credit terms, branches..."""
        path, code, description = wire.COMPANY_LISTS[name]
        found = (wire.parse_company_code(d, code, description) for d in self._erp_pages(path, {}))
        return [c for c in found if c is not None]

    def _create_numbered_order(self, doc: SalesDocument, order_id: str) -> tuple[DocumentRef, bool]:
        body = wire.sales_order_body(doc)
        body["orderId"] = order_id
        want = doc.reference[: wire.REF_MAX]

        # Whether a POST of this call may have landed (its answer was lost): a 409
        # after that is this call's own order.
        sent: list[bool] = []

        def ours() -> DocumentRef | None:
            """The order with our number, when it carries our reference."""
            path = f"/api/v3/SalesOrders/{_seg(doc.order_type)}/{_seg(order_id)}"
            found = self._get_one(SALESORDERS, path, {"expand": "customer"})
            if found is None:
                return None
            ref = (found.get("customer") or {}).get("refNo") or found.get("customerRefNo")
            return wire.sales_order_ref(found) if ref == want else None

        def post() -> tuple[DocumentRef, bool]:
            try:
                self._request(SALESORDERS, "POST", "/api/v3/SalesOrders", json=body, retry=False)
            except AppError as e:
                if _ambiguous(e):
                    sent.append(True)
                raise
            return DocumentRef(ExportFormat.SALES_ORDER, order_id, doc.order_type), True

        def find() -> tuple[DocumentRef, bool] | None:
            found = ours()
            return (found, True) if found is not None else None

        try:
            # A lost answer is looked up by the order's own number: one GET.
            return self._create_once(post, find)
        except VismaApiError as e:
            if e.status != 409:
                raise
            found = ours()
            if found is None:
                e.details["order_id"] = order_id
                raise
            return found, bool(sent)

    # --- creating exactly once -----------------------------------------------------------

    def _create_once(self, post: Callable[[], T], find: Callable[[], T | None] | None) -> T:
        last: AppError | None = None
        for attempt in range(CREATE_ATTEMPTS):
            try:
                return post()
            except AppError as e:
                if not _ambiguous(e) or (find is None and not _never_sent(e)):
                    raise
                last = e
            if find is not None:
                # The POST may have landed: look before sending it again.
                found = find()
                if found is not None:
                    return found
            if attempt + 1 < CREATE_ATTEMPTS:
                self._backoff.wait(attempt)
        assert last is not None
        raise last

    # --- lists -----------------------------------------------------------------------

    def _erp_list(self, path: str, since: dt.datetime | None) -> list[dict[str, Any]]:
        params: dict[str, str] = {}
        if since is not None:
            params["lastModifiedDateTime"] = wire.send_time(since)
            params["lastModifiedDateTimeCondition"] = ">="
        return list(self._erp_pages(path, params))

    def _erp_pages(self, path: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
        """Follow `pageNumber` (1-based) to the end, in either list shape."""
        page_number, seen = 1, 0
        while True:
            response = self._request(
                ERP,
                "GET",
                path,
                params={**params, "pageNumber": str(page_number), "pageSize": str(ERP_PAGE_SIZE)},
            )
            body = read_json(SERVICE, response)
            items, total, page_size = _erp_page(body, response)
            yield from items
            seen += len(items)
            # A server may cap the page size below what was asked without saying so:
            # when the total is known, only the total says whether there is more.
            done = seen >= total if total is not None else len(items) < page_size
            if not items or done:
                return
            page_number += 1

    def _so_pages(
        self, path: str, params: dict[str, str], *, page_size: int = SO_PAGE_SIZE
    ) -> Iterator[dict[str, Any]]:
        """Follow `pageIndex` (zero-based) while `nextPage` says there is more."""
        index = 0
        while True:
            response = self._request(
                SALESORDERS,
                "GET",
                path,
                params={**params, "pageIndex": str(index), "pageSize": str(page_size)},
            )
            body = read_json(SERVICE, response)
            if not isinstance(body, dict) or not isinstance(body.get("value"), list):
                raise unexpected_response(SERVICE, response, "no list of sales orders")
            items = [d for d in body["value"] if isinstance(d, dict)]
            yield from items
            if not items or not body.get("nextPage"):
                return
            index += 1

    def _get_one(
        self, api: str, path: str, params: dict[str, str] | None = None
    ) -> dict[str, Any] | None:
        try:
            response = self._request(api, "GET", path, params=params)
        except VismaApiError as e:
            if e.status == 404:
                return None
            raise
        body = read_json(SERVICE, response)
        if not isinstance(body, dict):
            raise unexpected_response(SERVICE, response, "not a JSON object")
        return body

    # --- one request -----------------------------------------------------------------

    def _base(self, api: str) -> str:
        url = self._settings.erp_url if api == ERP else self._settings.salesorders_url
        return url.rstrip("/")

    def _request(
        self,
        api: str,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        files: Any = None,
        data: dict[str, str] | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        """Send with the access token; raise the matching AppError for any failure.

        `retry` says whether the request may be repeated after an answer that may
        have been lost (reads). A 401 or a 429 means the server did not act on the
        request, so those are repeated either way.
        """
        url = self._base(api) + path
        gate = self._gates[api]
        refreshed = False
        attempt = 0
        while True:
            pause = gate.delay()
            if pause:
                self._backoff.sleep(pause)
            token = self._tokens.access_token()
            try:
                response = self._http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    files=files,
                    data=data,
                    headers={"Authorization": f"Bearer {token}"},
                )
            except httpx.HTTPError as e:
                gate.abandon()
                err = transport_error(SERVICE, e)
                if (retry or isinstance(e, httpx.ConnectError)) and attempt + 1 < ATTEMPTS:
                    attempt += 1
                    self._retrying(attempt, type(e).__name__)
                    self._backoff.wait(attempt - 1)
                    continue
                err.details["sent"] = not isinstance(e, httpx.ConnectError)
                raise err from None
            gate.observe(response)
            status = response.status_code
            if status == 401:
                if not refreshed:
                    refreshed = True
                    self._tokens.invalidate(token)
                    continue
                self._tokens.rejected(token)
                raise AuthError(
                    messages.TOKEN_INVALID.code,
                    {"exchange": exchange_excerpt(response.request, response)},
                )
            if status == 429:
                wait_s = retry_after_seconds(response, 1.0)
                gate.exhausted(wait_s)
                if attempt + 1 < ATTEMPTS:
                    attempt += 1
                    self._retrying(attempt, f"HTTP {status}")
                    self._backoff.wait(attempt - 1, at_least=wait_s)
                    continue
                raise wire.api_error(response)
            if status >= 500 and retry and attempt + 1 < ATTEMPTS:
                attempt += 1
                self._retrying(attempt, f"HTTP {status}")
                self._backoff.wait(attempt - 1)
                continue
            if status >= 400:
                raise wire.api_error(response)
            if status >= 300:
                raise unexpected_response(SERVICE, response, f"a redirect (HTTP {status})")
            return response

    def _retrying(self, attempt: int, why: str) -> None:
        if self.on_retry is not None:
            self.on_retry(Retry(SERVICE, attempt + 1, ATTEMPTS, why))


def _erp_page(body: Any, response: httpx.Response) -> tuple[list[dict[str, Any]], int | None, int]:
    """(items, total count, effective page size) of one ERP list page."""
    if isinstance(body, dict) and isinstance(body.get("records"), list):
        items = [d for d in body["records"] if isinstance(d, dict)]
        total = body.get("totalCount")
        size = body.get("pageSize") or ERP_PAGE_SIZE
        return items, total if isinstance(total, int) else None, int(size)
    if not isinstance(body, list):
        raise unexpected_response(SERVICE, response, "not a list")
    items = [d for d in body if isinstance(d, dict)]
    meta = items[0].get("metadata") if items else None
    total = meta.get("totalCount") if isinstance(meta, dict) else None
    max_size = meta.get("maxPageSize") if isinstance(meta, dict) else None
    size = min(ERP_PAGE_SIZE, max_size) if isinstance(max_size, int) and max_size > 0 else None
    return items, total if isinstance(total, int) else None, size or ERP_PAGE_SIZE


def _new_number(response: httpx.Response) -> str:
    parts = wire.location_parts(response)
    return parts[-1] if parts else ""


def _ambiguous(err: AppError) -> bool:
    """The request may or may not have been carried out."""
    if isinstance(err, NetworkError):
        return True
    return isinstance(err, VismaApiError) and err.status >= 500


def _refused(err: VismaApiError) -> bool:
    """A create VISMA.net answered with a refusal (not a lost or failed request). The
    real ERP words "already exists" in a 400 in more than one way, so any refusal of a
    record with our own number is checked by reading that number back."""
    return err.status in (400, 409, 422)


def _never_sent(err: AppError) -> bool:
    return isinstance(err, NetworkError) and err.details.get("sent") is False


def _seg(value: str) -> str:
    """A path segment: numbers may hold characters a URL path does not allow."""
    return quote(value, safe="")
