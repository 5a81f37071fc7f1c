"""The company's own lists a client offers its settings from: credit terms, branches,
warehouses and VAT categories.

Paths and shapes as Visma.net's published ERP specs give them (Credit Term, Branch,
Warehouse and Vat Category APIs): `/v1/creditTerm` answers the paged `records` shape,
the others a bare array. Each filter the specs list for these endpoints and the
sandbox's records can answer is applied; any other parameter is ignored.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.erp.codes import BRANCHES, CREDIT_TERMS, VAT_CODES, WAREHOUSES
from vismadesk.sandbox.erp.wire import Routes, page, records_page

# When the demo company set its lists up (Visma.net's timestamp form).
SET_UP = "2025-01-06T09:00:00.000"


class CompanyLists:
    def routes(self) -> Routes:
        return [
            ("/v1/creditTerm", "GET", self.credit_terms),
            ("/v1/branch", "GET", self.branches),
            ("/v1/warehouse", "GET", self.warehouses),
            ("/v1/vatCategory", "GET", self.vat_categories),
        ]

    async def credit_terms(self, request: Request) -> Response:
        wanted = request.query_params.get("termsId")
        items = [
            {
                "termsId": tid,
                "description": text,
                "visibleTo": "AL",
                "dueDateType": "N",
                "createdDateTime": SET_UP,
                "lastModifiedDateTime": SET_UP,
            }
            for tid, text in CREDIT_TERMS.items()
            if not wanted or tid == wanted
        ]
        return records_page(request, items)

    async def branches(self, request: Request) -> Response:
        items = [
            {
                "branchId": n,
                "number": number,
                "name": name,
                "isMainBranch": n == 1,
                "isActive": True,
                "lastModifiedDateTime": SET_UP,
            }
            for n, (number, name) in enumerate(BRANCHES.items(), start=1)
        ]
        return page(request, items)

    async def warehouses(self, request: Request) -> Response:
        active = request.query_params.get("active")
        items: list[dict[str, Any]] = [
            {"warehouseID": wid, "description": text, "active": True}
            for wid, text in WAREHOUSES.items()
        ]
        if active is not None and active.strip().lower() == "false":
            items = []
        return page(request, items)

    async def vat_categories(self, request: Request) -> Response:
        items = [
            {
                "vatCategoryId": cid,
                "description": text,
                "active": True,
                "excludeListedTaxes": False,
                "lastModifiedDateTime": SET_UP,
            }
            for cid, (text, _rate) in VAT_CODES.items()
        ]
        return page(request, items)
