"""`/v1/inventory`: list, read, create (own number or the ART series), update with ETag."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.core import json_response, service_base
from vismadesk.sandbox.erp.codes import INVENTORY_TYPES, ITEM_CLASSES, POSTING_CLASSES, VAT_CODES
from vismadesk.sandbox.erp.validation import apply_item
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

ARRAYS = (
    "expenseSubaccount",
    "cogsSubaccount",
    "salesSubaccount",
    "attributeLines",
    "supplierDetails",
    "warehouseDetails",
    "crossReferences",
)


class Inventory:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def routes(self) -> Routes:
        return [
            ("/v1/inventory", "GET", self.list_items),
            ("/v1/inventory", "POST", self.create_item),
            ("/v1/inventory/{inventoryNumber}", "GET", self.get_item),
            ("/v1/inventory/{inventoryNumber}", "PUT", self.update_item),
        ]

    async def list_items(self, request: Request) -> Response:
        keep = modified_filter(request)
        q = request.query_params
        number, desc, status = q.get("inventoryNumber"), q.get("description"), q.get("status")
        with self.state.lock:
            items = [
                i
                for _, i in sorted(self.state.inventory.items())
                if keep(i)
                and (not number or i["inventoryNumber"] == number)
                and (not desc or desc.lower() in i["description"].lower())
                and (not status or i["status"] == status)
            ]
            return page(request, items)

    async def get_item(self, request: Request) -> Response:
        number = request.path_params["inventoryNumber"]
        with self.state.lock:
            found = self.state.inventory.get(number)
            if found is None:
                raise _not_found(number)
            return json_response(found, headers={"ETag": self.state.etag(f"inventory:{number}")})

    async def create_item(self, request: Request) -> Response:
        what = "inserting the inventory item"
        d = unwrap(await read_json(request, what), what=what, arrays=ARRAYS)
        if not str(d.get("description") or "").strip():
            raise ErpError(400, f"Error {what}. 'Description' cannot be empty.")
        state = self.state
        with state.lock:
            number = self._number_for(d, what)
            kind = d.get("type") or "NonStockItem"
            record = _new_item(state.numbering.next_internal(), number, kind)
            apply_item(record, d, what)
            record["itemClass"]["type"] = record["type"]
            state.inventory[number] = record
            etag = state.bump(f"inventory:{number}")
        location = f"{service_base(request, 'erp')}/v1/inventory/{number}"
        return json_response({}, 201, {"Location": location, "ETag": etag})

    def _number_for(self, d: dict[str, Any], what: str) -> str:
        state = self.state
        number = str(d.get("inventoryNumber") or "").strip()
        if number:
            if number in state.inventory:
                raise ErpError(400, f"Error {what}. Inventory ID '{number}' already exists.")
            return number
        while f"ART{state.numbering.inventory:06d}" in state.inventory:
            state.numbering.inventory += 1
        number = f"ART{state.numbering.inventory:06d}"
        state.numbering.inventory += 1
        return number

    async def update_item(self, request: Request) -> Response:
        what = "updating the inventory item"
        number = request.path_params["inventoryNumber"]
        d = unwrap(await read_json(request, what), what=what, arrays=ARRAYS)
        d.pop("inventoryNumber", None)  # not applicable for PUT
        state = self.state
        with state.lock:
            record = state.inventory.get(number)
            if record is None:
                raise _not_found(number)
            key = f"inventory:{number}"
            check_if_match(request, state.etag(key), "Inventory item")
            apply_item(record, d, what)
            record["lastModifiedDateTime"] = visma_time(now())
            etag = state.bump(key)
        return Response(status_code=204, headers={"ETag": etag})


def _not_found(number: str) -> ErpError:
    return ErpError(404, f"Inventory item with inventoryNumber '{number}' was not found.")


def _new_item(internal_id: int, number: str, kind: Any) -> dict[str, Any]:
    """An item with the defaults Visma fills in before the request's fields apply."""
    return {
        "inventoryId": internal_id,
        "inventoryNumber": number,
        "status": "Active",
        "type": kind if kind in INVENTORY_TYPES else "NonStockItem",
        "description": "",
        "itemClass": {"id": "MAT", "description": ITEM_CLASSES["MAT"], "type": "NonStockItem"},
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
