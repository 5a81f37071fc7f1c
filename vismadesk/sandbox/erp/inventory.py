"""`/v1/inventory`: list, read, create, update with ETag; the item and posting classes.

A create needs its `inventoryNumber` ("Mandatory for POST") and its `itemClass`
("Mandatory", the spec says); what it leaves out (type, posting class, VAT category,
units) comes from the item class, as Visma.net fills it in, and from nowhere else.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.core import json_response, service_base
from vismadesk.sandbox.erp import schema
from vismadesk.sandbox.erp.codes import (
    CLASS_UNIT,
    CLASS_VAT,
    DEFAULT_POSTING,
    ITEM_CLASS_TYPES,
    ITEM_CLASSES,
    POSTING_CLASSES,
    VAT_CODES,
)
from vismadesk.sandbox.erp.schema import check_enums
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
            ("/v1/inventory/itemClass", "GET", self.list_item_classes),
            ("/v1/inventory/itemclass/{itemClassNumber}", "GET", self.get_item_class),
            ("/v1/inventory/itemPostClass", "GET", self.list_posting_classes),
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
        raw = await read_json(request, what)
        d = unwrap(raw, what=what, arrays=ARRAYS)
        check_enums(raw, schema.INVENTORY, what)
        number = str(d.get("inventoryNumber") or "").strip()
        if not number:
            raise ErpError(400, f"Error {what}. 'Inventory ID' cannot be empty.")
        if not str(d.get("description") or "").strip():
            raise ErpError(400, f"Error {what}. 'Description' cannot be empty.")
        cid = d.get("itemClass")
        if not str(cid or "").strip():
            raise ErpError(400, f"Error {what}. 'Item class' cannot be empty.")
        if cid not in ITEM_CLASSES:
            raise ErpError(400, f"Error {what}. Item class '{cid}' cannot be found.")
        state = self.state
        with state.lock:
            if number in state.inventory:
                raise ErpError(400, f"Error {what}. Inventory ID '{number}' already exists.")
            record = _new_item(state.numbering.next_internal(), number, cid)
            apply_item(record, d, what)
            for key in ("salesUnit", "purchaseUnit"):
                if "baseUnit" in d and key not in d:
                    record[key] = record["baseUnit"]  # a new item sells in its base unit
            record["itemClass"]["type"] = record["type"]
            state.inventory[number] = record
            etag = state.bump(f"inventory:{number}")
        location = f"{service_base(request, 'erp')}/v1/inventory/{number}"
        return json_response({}, 201, {"Location": location, "ETag": etag})

    async def list_item_classes(self, request: Request) -> Response:
        with self.state.lock:
            return page(request, [_item_class(cid) for cid in ITEM_CLASSES])

    async def get_item_class(self, request: Request) -> Response:
        cid = request.path_params["itemClassNumber"]
        if cid not in ITEM_CLASSES:
            raise ErpError(404, f"Item class '{cid}' was not found.")
        return json_response(_item_class(cid))

    async def list_posting_classes(self, request: Request) -> Response:
        return page(request, [{"id": k, "description": v} for k, v in POSTING_CLASSES.items()])

    async def update_item(self, request: Request) -> Response:
        what = "updating the inventory item"
        number = request.path_params["inventoryNumber"]
        raw = await read_json(request, what)
        d = unwrap(raw, what=what, arrays=ARRAYS)
        check_enums(raw, schema.INVENTORY, what)
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


def _item_class(cid: str) -> dict[str, Any]:
    return {
        "type": ITEM_CLASS_TYPES[cid],
        "id": cid,
        "description": ITEM_CLASSES[cid],
        "attributes": [],
    }


def _new_item(internal_id: int, number: str, cid: str) -> dict[str, Any]:
    """An item with what its class gives it, before the request's own fields apply."""
    posting, vat, unit = DEFAULT_POSTING[cid], CLASS_VAT[cid], CLASS_UNIT[cid]
    return {
        "inventoryId": internal_id,
        "inventoryNumber": number,
        "status": "Active",
        "type": ITEM_CLASS_TYPES[cid],
        "description": "",
        "itemClass": {"id": cid, "description": ITEM_CLASSES[cid], "type": ITEM_CLASS_TYPES[cid]},
        "postingClass": {"id": posting, "description": POSTING_CLASSES[posting]},
        "vatCode": {"id": vat, "description": VAT_CODES[vat][0]},
        "defaultPrice": 0.0,
        "baseUnit": unit,
        "salesUnit": unit,
        "purchaseUnit": unit,
        "stockItem": False,
        "kitItem": False,
        "lastModifiedDateTime": visma_time(now()),
    }
