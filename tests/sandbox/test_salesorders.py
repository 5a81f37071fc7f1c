"""SalesOrders v3 over real HTTP: plain JSON, zero-based paging, problem details."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.sandbox_api import salesorders, service_token, validate
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
    got = httpx.get(location, headers=client.headers, params={"expand": "customer"})
    assert got.status_code == 200
    validate(got.json(), SO, "SalesOrderDto")
    assert got.json()["customer"]["refNo"] == "WB00001"
    assert got.json()["orderId"] == location.rsplit("/", 1)[1]
    assert got.headers["etag"] == f'"{got.json()["version"]}"'
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
    assert problem(client.delete(path), 428)["status"] == 428
    assert problem(client.delete(path, headers={"If-Match": '"stale"'}), 412)["status"] == 412
    etag = httpx.get(path, headers=client.headers).headers["etag"]
    assert client.delete(path, headers={"If-Match": etag}).status_code == 202
    assert client.get(path).status_code == 404


def test_no_token_is_401(sb: Sandbox) -> None:
    r = httpx.get(f"{sb.services['salesorders']}/api/v3/SalesOrders")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "x-ratelimit-remaining" in r.headers


def find_by_reference(client: httpx.Client, customer: str, ref: str) -> list[dict[str, Any]]:
    """What a real client can do: the spec has no filter on the customer's reference,
    so list that customer's orders, follow nextPage, and match customerRefNo."""
    found: list[dict[str, Any]] = []
    page: str | None = "/api/v3/SalesOrders"
    params: dict[str, Any] | None = {"customerId": customer, "pageSize": 2}
    while page:
        body = client.get(page, params=params).json()
        validate(body, SO, "SalesOrderListDtoPagedResult")
        found += [o for o in body["value"] if o["customerRefNo"] == ref]
        page, params = body["nextPage"], None
    return found


def test_a_client_finds_an_order_by_its_reference_the_portable_way(
    client: httpx.Client, sb: Sandbox
) -> None:
    customers = [c["number"] for c in sb.state()["customers"][5:7]]
    for customer in customers:
        for n in range(3):
            made = client.post(
                "/api/v3/SalesOrders", json=order(customer, f"REF-{n}", line("ARBEID"))
            )
            assert made.status_code == 201
    hits = find_by_reference(client, customers[1], "REF-2")
    assert len(hits) == 1 and hits[0]["customerId"] == customers[1]
    assert find_by_reference(client, customers[1], "REF-9") == []


def test_unknown_list_parameters_are_ignored_as_the_real_service_does(
    client: httpx.Client, sb: Sandbox
) -> None:
    # A customerRefNo "filter" does not exist: relying on it would match every order.
    customer = sb.state()["customers"][0]["number"]
    made = client.post("/api/v3/SalesOrders", json=order(customer, "REF-1", line("ARBEID")))
    assert made.status_code == 201, made.text
    everything = client.get("/api/v3/SalesOrders", params={"pageSize": 1000}).json()
    ignored = client.get(
        "/api/v3/SalesOrders", params={"pageSize": 1000, "customerRefNo": "no-such-ref"}
    ).json()
    assert ignored["totalCount"] == everything["totalCount"] > 0


def test_get_one_fills_sections_only_when_expanded(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][0]["number"]
    made = client.post(
        "/api/v3/SalesOrders",
        json=order(customer, "EXP-1", line("ARBEID"), note="Sleutel bij buren"),
    )
    path = made.headers["location"]
    plain = client.get(path).json()
    validate(plain, SO, "SalesOrderDto")
    assert "customer" not in plain and "note" not in plain
    assert plain["orderId"] == path.rsplit("/", 1)[1] and plain["totals"]["orderTotal"] > 0
    both = client.get(path, params={"expand": "customer,note"}).json()
    assert both["customer"]["refNo"] == "EXP-1" and both["note"] == "Sleutel bij buren"
    repeated = client.get(path, params=[("expand", "Customer"), ("expand", "Note")]).json()
    assert repeated == both
    everything = client.get(path, params={"expand": "All"}).json()
    validate(everything, SO, "SalesOrderDto")
    assert everything["customer"]["id"] == customer
    assert "expand" in problem(client.get(path, params={"expand": "nonsense"}))["errors"]


def test_patch_needs_the_current_version_and_answers_202(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][0]["number"]
    path = client.post(
        "/api/v3/SalesOrders", json=order(customer, "PATCH-1", line("ARBEID"))
    ).headers["location"]
    change = {"description": "Nieuwe omschrijving", "customer": {"refNo": "PATCH-2"}}
    validate(change, SO, "PatchSalesOrderCommand")
    assert problem(client.patch(path, json=change), 428)["status"] == 428
    first = client.get(path).headers["etag"]
    done = client.patch(path, json=change, headers={"If-Match": first})
    assert done.status_code == 202 and done.headers["etag"] != first
    after = client.get(path, params={"expand": "customer"})
    assert after.json()["description"] == "Nieuwe omschrijving"
    assert after.json()["customer"]["refNo"] == "PATCH-2"
    assert after.headers["etag"] == done.headers["etag"]
    # The version moved on: the first one is stale now.
    assert problem(client.patch(path, json=change, headers={"If-Match": first}), 412)
    bad = client.patch(path, json={"status": "Closed"}, headers={"If-Match": done.headers["etag"]})
    assert problem(bad)["details"][0]["code"] == "0004-ValueNotAllowed"


@pytest.mark.parametrize(
    ("scope", "method", "expected"),
    [
        ("visma.net.erp.salesorder:read", "GET", 200),
        ("visma.net.erp.salesorder:read", "POST", 403),
        ("visma.net.erp.salesorder:write", "POST", 201),
        ("visma.net.erp.salesorder:write", "GET", 403),
    ],
)
def test_read_and_write_scopes_are_checked_per_call(
    sb: Sandbox, scope: str, method: str, expected: int
) -> None:
    token = service_token(sb, scope=scope)
    body = order(sb.state()["customers"][0]["number"], "SCOPE", line("ARBEID"))
    with salesorders(sb, token) as c:
        r = c.request(method, "/api/v3/SalesOrders", json=body if method == "POST" else None)
    assert r.status_code == expected, r.text
    if expected == 403:
        assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_unknown_paths_and_methods_answer_problem_details(client: httpx.Client) -> None:
    for r in (client.put("/api/v3/SalesOrders"), client.get("/api/v3/Nothing")):
        assert r.status_code in (404, 405)
        validate(problem(r, r.status_code), SO, "ProblemDetails")
        assert "x-ratelimit-limit" in r.headers


def test_modified_since_is_utc_unless_an_offset_is_given(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][8]["number"]
    path = client.post(
        "/api/v3/SalesOrders", json=order(customer, "UTC-1", line("ARBEID"))
    ).headers["location"]
    stamp = client.get(path).json()["lastModified"]
    assert stamp.endswith("Z")
    changed = dt.datetime.fromisoformat(stamp.removesuffix("Z"))
    amsterdam = dt.timezone(dt.timedelta(hours=2))

    def listed(since: dt.datetime) -> list[str]:
        params = {"customerId": customer, "modifiedSince": since.isoformat()}
        return [
            o["customerRefNo"]
            for o in client.get("/api/v3/SalesOrders", params=params).json()["value"]
        ]

    minute = dt.timedelta(minutes=1)
    assert listed(changed - minute) == ["UTC-1"]
    assert listed(changed + minute) == []
    # The same moments written in +02:00 select the same orders.
    before = (changed - minute).replace(tzinfo=dt.UTC).astimezone(amsterdam)
    after = (changed + minute).replace(tzinfo=dt.UTC).astimezone(amsterdam)
    assert listed(before) == ["UTC-1"] and listed(after) == []
