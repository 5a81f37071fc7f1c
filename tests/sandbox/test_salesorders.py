"""SalesOrders v3 over real HTTP: plain JSON, zero-based paging, problem details."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.sandbox.helpers import salesorders, validate
from vismadesk.sandbox import Sandbox

SO = "visma-salesorders-v3.json"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=20) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with salesorders(sb) as c:
        yield c


def order(customer: str, ref: str, *lines: dict[str, Any], **more: Any) -> dict[str, Any]:
    body = {
        "type": "SO",
        "customer": {"id": customer, "refNo": ref, "order": ref},
        "description": f"Werkbon {ref}",
        "date": "2026-03-01T00:00:00",
        "orderLines": list(lines),
        **more,
    }
    validate(body, SO, "NewSalesOrderCommand")
    return body


def line(item: str, qty: float = 1, price: float = 10.0) -> dict[str, Any]:
    return {
        "inventoryId": item,
        "quantity": qty,
        "unitPrice": price,
        "description": f"Regel {item}",
    }


def problem(r: httpx.Response, status: int = 400) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    validate(body, SO, "SalesOrderValidationProblemDetails")
    return body


def test_create_and_read_a_sales_order(client: httpx.Client, sb: Sandbox) -> None:
    state = sb.state()
    customer, item = state["customers"][0]["number"], state["inventory"][0]["inventoryNumber"]
    r = client.post(
        "/api/v3/SalesOrders",
        json=order(customer, "WB00001", line(item, 2, 12.5), line("ARBEID", 1.5, 62.5)),
    )
    assert r.status_code == 201, r.text
    assert r.content == b""
    location = r.headers["location"]
    assert location.startswith(f"{sb.services['salesorders']}/api/v3/SalesOrders/SO/")
    got = httpx.get(location, headers=client.headers)
    assert got.status_code == 200
    validate(got.json(), SO, "SalesOrderDto")
    assert got.json()["customer"]["refNo"] == "WB00001"
    assert got.json()["orderId"] == location.rsplit("/", 1)[1]
    lines = client.get(f"{location}/lines").json()
    validate(lines, SO, "SalesOrderLineDtoPagedResult")
    assert [x["inventory"]["id"] for x in lines["value"]] == [item, "ARBEID"]


def test_list_pages_from_zero_and_filters_by_reference(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][1]["number"]
    for n in range(5):
        assert (
            client.post(
                "/api/v3/SalesOrders", json=order(customer, f"PAGE-{n}", line("ARBEID"))
            ).status_code
            == 201
        )
    first = client.get("/api/v3/SalesOrders", params={"customerId": customer, "pageSize": 2}).json()
    validate(first, SO, "SalesOrderListDtoPagedResult")
    assert first["totalCount"] == 5
    assert [o["customerRefNo"] for o in first["value"]] == ["PAGE-0", "PAGE-1"]
    assert "pageIndex=1" in first["nextPage"]
    second = httpx.get(first["nextPage"], headers=client.headers).json()
    assert [o["customerRefNo"] for o in second["value"]] == ["PAGE-2", "PAGE-3"]
    last = client.get(
        "/api/v3/SalesOrders/SO", params={"customerId": customer, "pageSize": 2, "pageIndex": 2}
    ).json()
    assert [o["customerRefNo"] for o in last["value"]] == ["PAGE-4"]
    assert last["nextPage"] is None
    by_ref = client.get("/api/v3/SalesOrders", params={"customerRefNo": "PAGE-3"}).json()
    assert [o["customerRefNo"] for o in by_ref["value"]] == ["PAGE-3"]
    assert client.get("/api/v3/SalesOrders", params={"customerRefNo": "none"}).json()["value"] == []
    problem(client.get("/api/v3/SalesOrders", params={"pageSize": 0}))
    problem(client.get("/api/v3/SalesOrders", params={"pageIndex": -1}))


def test_unknown_customer_and_item_are_problem_details(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][0]["number"]
    body = problem(
        client.post("/api/v3/SalesOrders", json=order(customer, "X", line("NO-SUCH-ITEM")))
    )
    assert body["details"][0]["code"] == "1804-InventoryIdNotFound"
    assert body["details"][0]["parameters"]["property"] == "orderLines[0].inventoryId"
    body = problem(client.post("/api/v3/SalesOrders", json=order("NO-SUCH", "X", line("ARBEID"))))
    assert body["details"][0]["code"] == "0003-InvalidValue"
    assert "customer.id" in body["errors"]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda b: b.pop("type"), "0001-NullNotAllowed"),
        (lambda b: b["customer"].pop("id"), "0001-NullNotAllowed"),
        (lambda b: b["customer"].update(refNo="R" * 41), "0002-InvalidLength"),
        (lambda b: b["orderLines"][0].pop("inventoryId"), "0001-NullNotAllowed"),
        (lambda b: b["orderLines"][0].update(quantity=-1), "1809-InvalidQuantityForType"),
        (lambda b: b.update(orderId="000999"), "0004-ValueNotAllowed"),
        (lambda b: b.update(type="ZZ"), "0003-InvalidValue"),
        (lambda b: b.update(status="Closed"), "0004-ValueNotAllowed"),
    ],
)
def test_validation_codes(client: httpx.Client, sb: Sandbox, mutate: Any, code: str) -> None:
    body = order(sb.state()["customers"][0]["number"], "V", line("ARBEID"))
    mutate(body)
    assert problem(client.post("/api/v3/SalesOrders", json=body))["details"][0]["code"] == code


def test_inactive_customer_is_1407(client: httpx.Client, sb: Sandbox) -> None:
    number = sb.state()["customers"][2]["number"]
    with httpx.Client(base_url=sb.services["erp"], headers=client.headers) as e:
        assert (
            e.put(f"/v1/customer/{number}", json={"status": {"value": "Inactive"}}).status_code
            == 204
        )
    body = problem(client.post("/api/v3/SalesOrders", json=order(number, "I", line("ARBEID"))))
    assert body["details"][0]["code"] == "1407-InvalidCustomerStatus"


def test_not_found_and_delete_needs_if_match(client: httpx.Client, sb: Sandbox) -> None:
    r = client.get("/api/v3/SalesOrders/SO/999999")
    assert r.status_code == 404
    validate(r.json(), SO, "ProblemDetails")
    made = client.post(
        "/api/v3/SalesOrders", json=order(sb.state()["customers"][0]["number"], "D", line("ARBEID"))
    )
    path = made.headers["location"]
    assert client.delete(path).status_code == 428
    assert client.delete(path, headers={"If-Match": '"stale"'}).status_code == 412
    version = httpx.get(path, headers=client.headers).json()["version"]
    assert client.delete(path, headers={"If-Match": f'"{version}"'}).status_code == 204
    assert client.get(path).status_code == 404


def test_no_token_is_401(sb: Sandbox) -> None:
    r = httpx.get(f"{sb.services['salesorders']}/api/v3/SalesOrders")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "x-ratelimit-remaining" in r.headers
