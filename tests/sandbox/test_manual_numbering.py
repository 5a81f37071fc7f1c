"""SalesOrders v3 with an order type that numbers manually: the POST brings the orderId,
a second order with that id is 409 Conflict (problem details), none is a 400."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.helpers.sandbox_api import salesorders, validate
from vismadesk.sandbox import Sandbox

SO = "visma-salesorders-v3.json"


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=5, relations=8, materials=10, manual_order_types=["SO"]) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with salesorders(sb) as c:
        yield c


def order(sb: Sandbox, order_id: Any = None, order_type: str = "SO", **more: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": order_type,
        "customer": {"id": sb.state()["customers"][0]["number"], "refNo": "WB00001"},
        "orderLines": [{"inventoryId": "ARBEID", "quantity": 1, "unitPrice": 50.0}],
        **more,
    }
    if order_id is not None:
        body["orderId"] = order_id
    validate(body, SO, "NewSalesOrderCommand")
    return body


def codes(r: httpx.Response) -> list[str]:
    assert r.status_code == 400, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    validate(r.json(), SO, "SalesOrderValidationProblemDetails")
    return [d["code"] for d in r.json()["details"]]


def test_the_order_gets_the_number_it_brings(client: httpx.Client, sb: Sandbox) -> None:
    made = client.post("/api/v3/SalesOrders", json=order(sb, "WB00001"))
    assert made.status_code == 201, made.text
    assert made.headers["location"] == f"{sb.services['salesorders']}/api/v3/SalesOrders/SO/WB00001"
    got = client.get(made.headers["location"]).json()
    assert got["orderId"] == "WB00001" and got["type"] == "SO"


def test_a_second_order_with_that_number_is_409_and_stores_nothing(
    client: httpx.Client, sb: Sandbox
) -> None:
    assert client.post("/api/v3/SalesOrders", json=order(sb, "WB00002")).status_code == 201
    again = client.post("/api/v3/SalesOrders", json=order(sb, "WB00002", description="twice"))
    assert again.status_code == 409, again.text
    assert again.headers["content-type"].startswith("application/problem+json")
    body = again.json()
    validate(body, SO, "ProblemDetails")
    assert body == {
        "type": "https://httpstatuses.io/409",
        "title": "Conflict",
        "status": 409,
        "detail": "Sales order SO WB00002 already exists.",
        "instance": urlsplit(sb.services["salesorders"]).path + "/api/v3/SalesOrders",
    }
    stored = [o for o in sb.state()["sales_orders"] if o["orderId"] == "WB00002"]
    assert len(stored) == 1 and stored[0]["description"] is None
    # An invalid body is refused as invalid first, duplicate or not.
    bad = order(sb, "WB00002")
    bad["orderLines"][0]["inventoryId"] = "NO-SUCH-ITEM"
    assert codes(client.post("/api/v3/SalesOrders", json=bad)) == ["1804-InventoryIdNotFound"]


@pytest.mark.parametrize(
    ("order_id", "code"),
    [
        (None, "0001-NullNotAllowed"),
        ("", "0001-EmptyNotAllowed"),
        ("   ", "0001-EmptyNotAllowed"),
        ("W" * 16, "0002-InvalidLength"),
        (12, "0003-InvalidValue"),
    ],
)
def test_a_manual_type_refuses_an_order_without_a_good_number(
    client: httpx.Client, sb: Sandbox, order_id: Any, code: str
) -> None:
    body = order(sb)
    if order_id is not None:
        body["orderId"] = order_id
    r = client.post("/api/v3/SalesOrders", json=body)
    assert codes(r) == [code]
    assert r.json()["details"][0]["parameters"]["property"] == "orderId"
    assert sb.state()["sales_orders"] == []


def test_other_types_keep_numbering_automatically(client: httpx.Client, sb: Sandbox) -> None:
    made = client.post("/api/v3/SalesOrders", json=order(sb, order_type="QT"))
    assert made.status_code == 201
    assert made.headers["location"].endswith("/api/v3/SalesOrders/QT/000001")
    assert codes(client.post("/api/v3/SalesOrders", json=order(sb, "X1", order_type="QT"))) == [
        "0004-ValueNotAllowed"
    ]
    assert sb.order_numbering() == {"SO": "manual", "IN": "automatic", "QT": "automatic"}


def test_numbering_is_set_per_type_through_the_control_surface(
    client: httpx.Client, sb: Sandbox
) -> None:
    url = f"{sb.url}/_sandbox/order-numbering"
    assert httpx.post(url, json={"SO": "automatic", "IN": "manual"}).json() == {
        "SO": "automatic",
        "IN": "manual",
        "QT": "automatic",
    }
    assert httpx.get(url).json() == sb.state()["order_numbering"]
    made = client.post("/api/v3/SalesOrders", json=order(sb))
    assert made.headers["location"].endswith("/SO/000001")
    assert (
        client.post("/api/v3/SalesOrders", json=order(sb, "F-1", order_type="IN")).status_code
        == 201
    )
    for bad in ({"ZZ": "manual"}, {"SO": "sometimes"}):
        assert httpx.post(url, json=bad).status_code == 400, bad
    sb.reset()  # back to how it started
    assert sb.order_numbering()["SO"] == "manual" and sb.order_numbering()["IN"] == "automatic"


def test_a_default_sandbox_numbers_every_type_automatically() -> None:
    with Sandbox(demo=False) as sb:
        assert set(sb.order_numbering().values()) == {"automatic"}
    with pytest.raises(ValueError, match="ZZ"):
        Sandbox(demo=False, manual_order_types=["ZZ"])


def test_created_order_is_the_order_of_creation_not_of_the_numbers(
    client: httpx.Client, sb: Sandbox
) -> None:
    for number in ("WB00009", "WB00003", "WB00005"):
        assert client.post("/api/v3/SalesOrders", json=order(sb, number)).status_code == 201

    def ids(order_by: str) -> list[str]:
        listed = client.get("/api/v3/SalesOrders", params={"orderBy": order_by}).json()
        return [o["orderId"] for o in listed["value"]]

    assert ids("created") == ["WB00009", "WB00003", "WB00005"]
    assert ids("created desc") == ["WB00005", "WB00003", "WB00009"]
    assert ids("orderId") == ["WB00003", "WB00005", "WB00009"]
