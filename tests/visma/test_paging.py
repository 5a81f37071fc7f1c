"""Lists are read to the end, in both of Visma's paging styles, with no page read twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.visma.unit_support import SALESORDERS, Rig, visma_rig
from vismadesk.domain import DocumentRef, ExportFormat
from vismadesk.errors import AppError
from vismadesk.visma.client import ERP_PAGE_SIZE, SO_PAGE_SIZE

ORDERS = f"{SALESORDERS}/api/v3/SalesOrders"


@pytest.fixture
def rig() -> Iterator[Rig]:
    with visma_rig() as r:
        yield r


def _customers(n: int) -> list[dict[str, Any]]:
    return [{"number": f"{10001 + i}", "name": f"Klant {i + 1}"} for i in range(n)]


@dataclass
class ErpList:
    """An ERP list endpoint: 1-based `pageNumber`, page size capped at `cap`."""

    items: list[dict[str, Any]]
    cap: int = 1000
    # "array": bare array, metadata on each item; "records": {records, totalCount, ...}
    shape: str = "array"
    tell_max_page_size: bool = True
    tell_total: bool = True
    pages: list[int] = field(default_factory=list)
    params: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.params.append(params)
        number = int(params.get("pageNumber", "1"))
        size = min(int(params.get("pageSize", "100")), self.cap)
        self.pages.append(number)
        chunk = self.items[(number - 1) * size : number * size]
        if self.shape == "records":
            return httpx.Response(
                200,
                json={
                    "pageNumber": number,
                    "pageSize": size,
                    "totalCount": len(self.items),
                    "records": chunk,
                },
            )
        meta: dict[str, int] = {}
        if self.tell_total:
            meta["totalCount"] = len(self.items)
        if self.tell_max_page_size:
            meta["maxPageSize"] = self.cap
        return httpx.Response(
            200, json=[{**item, "metadata": meta} if meta else item for item in chunk]
        )


def test_a_server_that_caps_the_page_size_is_still_read_to_the_end(rig: Rig) -> None:
    server = ErpList(_customers(5), cap=2)
    rig.router.get("/v1/customer").mock(side_effect=server)
    numbers = [c.number for c in rig.client.list_customers()]
    assert numbers == ["10001", "10002", "10003", "10004", "10005"]
    assert server.pages == [1, 2, 3]
    assert all(p["pageSize"] == str(ERP_PAGE_SIZE) for p in server.params)


def test_the_last_full_page_is_not_followed_by_an_empty_request(rig: Rig) -> None:
    server = ErpList(_customers(4), cap=2)
    rig.router.get("/v1/customer").mock(side_effect=server)
    assert len(rig.client.list_customers()) == 4
    assert server.pages == [1, 2]


def test_a_capped_page_size_is_followed_by_the_total_alone(rig: Rig) -> None:
    server = ErpList(_customers(7), cap=3, tell_max_page_size=False)
    rig.router.get("/v1/customer").mock(side_effect=server)
    assert len({c.number for c in rig.client.list_customers()}) == 7
    assert server.pages == [1, 2, 3]


def test_a_list_without_metadata_is_read_until_a_short_page(rig: Rig) -> None:
    server = ErpList(_customers(ERP_PAGE_SIZE + 3), tell_max_page_size=False, tell_total=False)
    rig.router.get("/v1/customer").mock(side_effect=server)
    assert len(rig.client.list_customers()) == ERP_PAGE_SIZE + 3
    assert server.pages == [1, 2]


def test_the_records_shape_is_read_to_the_end(rig: Rig) -> None:
    items = [{"inventoryNumber": f"MAT-{i:03}", "description": f"Materiaal {i}"} for i in range(5)]
    server = ErpList(items, cap=2, shape="records")
    rig.router.get("/v1/inventory").mock(side_effect=server)
    got = [i.number for i in rig.client.list_inventory()]
    assert got == [f"MAT-{i:03}" for i in range(5)]
    assert server.pages == [1, 2, 3]


def test_an_empty_list_takes_one_request(rig: Rig) -> None:
    server = ErpList([])
    rig.router.get("/v1/customer").mock(side_effect=server)
    assert rig.client.list_customers() == []
    assert server.pages == [1]


def test_changes_since_a_moment_send_the_time_and_its_condition_together(rig: Rig) -> None:
    server = ErpList(_customers(3), cap=2)
    rig.router.get("/v1/customer").mock(side_effect=server)
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    rig.client.list_customers(since=dt.datetime(2026, 1, 14, 11, 0, tzinfo=amsterdam))
    assert len(server.params) == 2
    for params in server.params:  # on every page, not just the first
        assert params["lastModifiedDateTime"] == "2026-01-14T10:00:00"
        assert params["lastModifiedDateTimeCondition"] == ">="


def test_a_full_read_sends_no_time_filter(rig: Rig) -> None:
    server = ErpList([{"inventoryNumber": "MAT-001", "description": "Materiaal 1"}])
    rig.router.get("/v1/inventory").mock(side_effect=server)
    rig.client.list_inventory()
    assert "lastModifiedDateTime" not in server.params[0]
    assert "lastModifiedDateTimeCondition" not in server.params[0]


# --- SalesOrders v3: zero-based pageIndex, nextPage ------------------------------------------


@dataclass
class OrderList:
    """SalesOrders v3's list: zero-based `pageIndex`, `nextPage` until the last page."""

    orders: list[dict[str, Any]]
    size: int = 2
    indexes: list[int] = field(default_factory=list)
    params: list[dict[str, str]] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.params.append(params)
        index = int(params["pageIndex"])
        self.indexes.append(index)
        chunk = self.orders[index * self.size : (index + 1) * self.size]
        more = (index + 1) * self.size < len(self.orders)
        next_page = f"{ORDERS}/SO?pageIndex={index + 1}&pageSize={self.size}" if more else None
        return httpx.Response(
            200, json={"value": chunk, "totalCount": len(self.orders), "nextPage": next_page}
        )


def _orders(n: int) -> list[dict[str, Any]]:
    return [
        {"orderId": f"{220 + i:06}", "type": "SO", "customerRefNo": f"WB{i:05}"} for i in range(n)
    ]


def test_sales_orders_are_searched_page_by_page_from_index_zero(rig: Rig) -> None:
    server = OrderList(_orders(5))
    rig.router.get(f"{ORDERS}/SO").mock(side_effect=server)
    found = rig.client.find_document("WB00004", ExportFormat.SALES_ORDER, "SO", "10042")
    assert found == DocumentRef(ExportFormat.SALES_ORDER, "000224", "SO")
    assert server.indexes == [0, 1, 2]
    assert all(p["pageSize"] == str(SO_PAGE_SIZE) for p in server.params)
    assert all(p["customerId"] == "10042" for p in server.params)


def test_the_search_stops_where_the_order_is_found(rig: Rig) -> None:
    server = OrderList(_orders(6))
    rig.router.get(f"{ORDERS}/SO").mock(side_effect=server)
    assert rig.client.find_sales_order("WB00001", "SO") is not None
    assert server.indexes == [0]


def test_an_order_that_is_not_there_is_none_after_the_last_page(rig: Rig) -> None:
    server = OrderList(_orders(5))
    rig.router.get(f"{ORDERS}/SO").mock(side_effect=server)
    assert rig.client.find_sales_order("WB99999", "SO", "10042") is None
    assert server.indexes == [0, 1, 2]


def test_no_next_page_ends_the_search_even_after_a_full_page(rig: Rig) -> None:
    route = rig.router.get(f"{ORDERS}/SO").mock(
        return_value=httpx.Response(
            200, json={"value": _orders(2), "totalCount": 2, "nextPage": None}
        )
    )
    assert rig.client.find_sales_order("WB77777", "SO") is None
    assert route.call_count == 1


def test_a_sales_order_list_in_another_shape_is_an_unexpected_response(rig: Rig) -> None:
    rig.router.get(f"{ORDERS}/SO").mock(return_value=httpx.Response(200, json=_orders(2)))
    with pytest.raises(AppError) as info:
        rig.client.find_sales_order("WB00001", "SO")
    assert info.value.details["why"] == "no list of sales orders"


def test_an_invoice_is_searched_across_erp_pages(rig: Rig) -> None:
    invoices = [
        {"referenceNumber": f"{100700 + i}", "customerRefNumber": f"WB{i:05}"} for i in range(5)
    ]
    server = ErpList(invoices, cap=2)
    rig.router.get("/v1/customerinvoice").mock(side_effect=server)
    found = rig.client.find_document("WB00004", ExportFormat.SALES_INVOICE)
    assert found == DocumentRef(ExportFormat.SALES_INVOICE, "100704")
    assert server.pages == [1, 2, 3]
    assert server.params[0]["customerRefNumber"] == "WB00004"
