"""The ERP API over real HTTP: {value} wrapping, paged lists, creates, the error shapes."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.sandbox_api import erp, service_token, validate, wrap
from vismadesk.sandbox import Sandbox

CUSTOMER = "visma-erp-customer.json"
INVENTORY = "visma-erp-inventory.json"
INVOICE = "visma-erp-customerinvoice.json"
INVOICE_V2 = "visma-erp-customerinvoice-v2.json"
ERRORS = "visma-connect-and-errors.json"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with erp(sb) as c:
        yield c


def assert_visma_error(r: httpx.Response, status: int, *words: str) -> None:
    assert r.status_code == status, r.text
    validate(r.json(), ERRORS, "ErpMessageError")
    for word in words:
        assert word in r.json()["message"]


def new_customer(name: str, **more: object) -> dict[str, object]:
    body = {
        "name": {"value": name},
        "status": {"value": "Active"},
        "mainAddress": wrap(
            {
                "addressLine1": "Dorpsstraat 1",
                "postalCode": "3511 AB",
                "city": "Utrecht",
                "countryId": "NL",
            }
        ),
        "mainContact": wrap({"email": "info@example.nl", "phone1": "0301234567"}),
        **{k: {"value": v} for k, v in more.items()},
    }
    validate(body, CUSTOMER, "CustomerUpdateDto")
    return body


def test_customer_list_is_paged_with_metadata(client: httpx.Client, sb: Sandbox) -> None:
    total = len(sb.state()["customers"])
    page1 = client.get("/v1/customer", params={"pageNumber": 1, "pageSize": 10})
    assert page1.status_code == 200
    items = page1.json()
    assert len(items) == 10
    for item in items:
        validate(item, CUSTOMER, "CustomerDto")
        validate(item["metadata"], ERRORS, "ErpListItemMetadata")
        assert item["metadata"] == {"totalCount": total, "maxPageSize": 1000}
    numbers = [c["number"] for c in items]
    page2 = client.get("/v1/customer", params={"pageNumber": 2, "pageSize": 10}).json()
    assert not set(numbers) & {c["number"] for c in page2}
    beyond = client.get("/v1/customer", params={"pageNumber": 99, "pageSize": 10})
    assert beyond.json() == []
    for header in ("limit", "remaining", "reset", "policy"):
        assert f"x-ratelimit-{header}" in page1.headers


def test_page_size_above_the_maximum_is_capped() -> None:
    with Sandbox(relations=1100, work_orders=10, materials=10) as big, erp(big) as c:
        items = c.get("/v1/customer", params={"pageSize": 5000}).json()
        assert len(items) == 1000
        assert items[0]["metadata"]["maxPageSize"] == 1000
        assert items[0]["metadata"]["totalCount"] > 1000


def test_last_modified_filter_needs_both_parameters(client: httpx.Client) -> None:
    since = "2026-02-01T00:00:00"
    newer = client.get(
        "/v1/customer",
        params={"lastModifiedDateTime": since, "lastModifiedDateTimeCondition": ">="},
    ).json()
    older = client.get(
        "/v1/customer", params={"lastModifiedDateTime": since, "lastModifiedDateTimeCondition": "<"}
    ).json()
    assert newer and older
    assert all(c["lastModifiedDateTime"] >= since for c in newer)
    assert all(c["lastModifiedDateTime"] < since for c in older)
    assert_visma_error(
        client.get("/v1/customer", params={"lastModifiedDateTime": since}),
        400,
        "mutually inclusive",
    )
    assert_visma_error(
        client.get(
            "/v1/customer",
            params={"lastModifiedDateTime": since, "lastModifiedDateTimeCondition": "=="},
        ),
        400,
    )


def test_get_customer_by_number_and_404(client: httpx.Client, sb: Sandbox) -> None:
    number = sb.state()["customers"][0]["number"]
    r = client.get(f"/v1/customer/{number}")
    assert r.status_code == 200
    validate(r.json(), CUSTOMER, "CustomerDto")
    assert r.headers["etag"]
    assert_visma_error(client.get("/v1/customer/NOPE-1"), 404, "NOPE-1")


def test_create_customer_from_the_numbering_series(client: httpx.Client, sb: Sandbox) -> None:
    r = client.post("/v1/customer", json=new_customer("Nieuwe Klant B.V."))
    assert r.status_code == 201, r.text
    validate(r.json(), ERRORS, "ErpCreated")
    location = r.headers["location"]
    assert location.startswith(f"{sb.services['erp']}/v1/customer/")
    number = location.rsplit("/", 1)[1]
    got = client.get(f"/v1/customer/{number}").json()
    validate(got, CUSTOMER, "CustomerDto")
    assert got["name"] == "Nieuwe Klant B.V."
    assert got["mainAddress"]["city"] == "Utrecht"
    assert got["mainContact"]["email"] == "info@example.nl"
    second = client.post("/v1/customer", json=new_customer("Nog Een"))
    assert int(second.headers["location"].rsplit("/", 1)[1]) == int(number) + 1


def test_create_customer_with_its_own_number(client: httpx.Client) -> None:
    body = new_customer("Eigen Nummer", number="77001", overrideNumberSeries=True)
    r = client.post("/v1/customer", json=body)
    assert r.status_code == 201
    assert r.headers["location"].endswith("/v1/customer/77001")
    assert_visma_error(client.post("/v1/customer", json=body), 400, "already exists")
    without_override = new_customer("Zonder", number="77002")
    assert_visma_error(
        client.post("/v1/customer", json=without_override), 400, "overrideNumberSeries"
    )


def test_customer_errors(client: httpx.Client) -> None:
    unwrapped = {"name": "Not Wrapped B.V."}
    assert_visma_error(client.post("/v1/customer", json=unwrapped), 400, "Path 'name'", "Error")
    nested = {"name": {"value": "X"}, "mainAddress": {"value": {"city": "Utrecht"}}}
    assert_visma_error(client.post("/v1/customer", json=nested), 400, "mainAddress.value.city")
    assert_visma_error(
        client.post("/v1/customer", json={"status": {"value": "Active"}}), 400, "CustomerName"
    )
    assert_visma_error(
        client.post("/v1/customer", json={"name": {"value": "  "}}), 400, "CustomerName"
    )
    assert_visma_error(client.post("/v1/customer", content=b"{not json"), 400)


def test_update_customer_with_etag(client: httpx.Client) -> None:
    r = client.post("/v1/customer", json=new_customer("Te Wijzigen"))
    number = r.headers["location"].rsplit("/", 1)[1]
    etag = client.get(f"/v1/customer/{number}").headers["etag"]
    put = client.put(
        f"/v1/customer/{number}", json={"name": {"value": "Gewijzigd"}}, headers={"If-Match": etag}
    )
    assert put.status_code == 204
    assert put.headers["etag"] != etag
    stale = client.put(
        f"/v1/customer/{number}", json={"name": {"value": "Weer"}}, headers={"If-Match": etag}
    )
    assert_visma_error(stale, 412)
    assert client.get(f"/v1/customer/{number}").json()["name"] == "Gewijzigd"


def test_inventory(client: httpx.Client, sb: Sandbox) -> None:
    items = client.get("/v1/inventory", params={"pageSize": 500}).json()
    assert {i["inventoryNumber"] for i in items} >= {"ARBEID", "REISTIJD"}
    for item in items[:20]:
        validate(item, INVENTORY, "InventoryDto")
    labour = client.get("/v1/inventory/ARBEID").json()
    assert labour["type"] == "LaborItem" and labour["baseUnit"] == "UUR"
    assert_visma_error(client.get("/v1/inventory/NOT-THERE"), 404, "NOT-THERE")
    body = {
        "inventoryNumber": {"value": "NEW-001"},
        "description": {"value": "Nieuw materiaal"},
        "type": {"value": "NonStockItem"},
        "status": {"value": "Active"},
        "itemClass": {"value": "MAT"},
        "defaultPrice": {"value": 12.5},
        "baseUnit": {"value": "ST"},
        "salesUnit": {"value": "ST"},
    }
    validate(body, INVENTORY, "InventoryUpdateDto")
    r = client.post("/v1/inventory", json=body)
    assert r.status_code == 201
    assert r.headers["location"] == f"{sb.services['erp']}/v1/inventory/NEW-001"
    got = client.get("/v1/inventory/NEW-001").json()
    validate(got, INVENTORY, "InventoryDto")
    assert got["defaultPrice"] == 12.5
    assert_visma_error(client.post("/v1/inventory", json=body), 400, "already exists")
    # The spec: inventoryNumber is "Mandatory for POST", itemClass "Mandatory".
    no_number = {k: v for k, v in body.items() if k != "inventoryNumber"}
    assert_visma_error(client.post("/v1/inventory", json=no_number), 400, "'Inventory ID'")
    no_class = {k: v for k, v in body.items() if k != "itemClass"}
    no_class["inventoryNumber"] = {"value": "NEW-002"}
    assert_visma_error(client.post("/v1/inventory", json=no_class), 400, "'Item class'")
    assert client.get("/v1/inventory/NEW-002").status_code == 404
    assert_visma_error(
        client.post("/v1/inventory", json={"description": "plain"}), 400, "Path 'description'"
    )
    bad_class = {
        "inventoryNumber": {"value": "NEW-003"},
        "description": {"value": "X"},
        "itemClass": {"value": "NOPE"},
    }
    assert_visma_error(client.post("/v1/inventory", json=bad_class), 400, "Item class")


def invoice_body(customer: str, ref: str, *lines: tuple[str, float, float]) -> dict[str, object]:
    body = {
        "customerNumber": {"value": customer},
        "documentDate": {"value": "2026-03-01T00:00:00"},
        "customerRefNumber": {"value": ref},
        "externalReference": {"value": ref},
        "invoiceText": {"value": f"Werkbon {ref}"},
        "currencyId": {"value": "EUR"},
        "hold": {"value": False},
        "invoiceLines": [
            {
                "operation": "Insert",
                "inventoryNumber": {"value": code},
                "description": {"value": f"Regel {code}"},
                "quantity": {"value": qty},
                "unitPriceInCurrency": {"value": price},
                "uom": {"value": "ST"},
                "vatCodeId": {"value": "1"},
            }
            for code, qty, price in lines
        ],
    }
    validate(body, INVOICE_V2, "CustomerInvoiceUpdateDto")
    return body


def test_invoice_create_read_and_find_by_reference(client: httpx.Client, sb: Sandbox) -> None:
    state = sb.state()
    customer = state["customers"][0]["number"]
    item = state["inventory"][0]["inventoryNumber"]
    r = client.post(
        "/v2/customerinvoice",
        json=invoice_body(customer, "WB-REF-1", (item, 2, 10.0), ("ARBEID", 1.5, 62.5)),
    )
    assert r.status_code == 201, r.text
    number = r.headers["location"].rsplit("/", 1)[1]
    assert r.headers["location"] == f"{sb.services['erp']}/v1/customerinvoice/{number}"
    got = client.get(f"/v1/customerinvoice/{number}").json()
    validate(got, INVOICE, "CustomerInvoiceDto")
    assert got["customer"]["number"] == customer
    assert got["customerRefNumber"] == "WB-REF-1"
    assert got["detailTotal"] == 113.75
    assert [line["inventoryNumber"] for line in got["invoiceLines"]] == [item, "ARBEID"]
    found = client.get("/v1/customerinvoice", params={"customerRefNumber": "WB-REF-1"}).json()
    assert [i["referenceNumber"] for i in found] == [number]
    validate(found[0], INVOICE, "CustomerInvoiceDto")
    assert client.get("/v1/customerinvoice", params={"customerRefNumber": "nothing"}).json() == []
    assert_visma_error(client.get("/v1/customerinvoice/999999999"), 404)
    release = client.post(f"/v1/customerinvoice/{number}/action/release")
    validate(release.json(), INVOICE, "ReleaseInvoiceActionResultDto")
    assert release.json()["actionResult"] == "Done"
    assert client.get(f"/v1/customerinvoice/{number}").json()["status"] == "Open"


def test_invoice_errors(client: httpx.Client, sb: Sandbox) -> None:
    customer = sb.state()["customers"][0]["number"]
    assert_visma_error(
        client.post("/v2/customerinvoice", json=invoice_body("NO-SUCH", "r", ("ARBEID", 1, 1))),
        400,
        "Customer 'NO-SUCH'",
    )
    assert_visma_error(
        client.post("/v2/customerinvoice", json=invoice_body(customer, "r", ("NO-ITEM", 1, 1))),
        400,
        "Inventory item 'NO-ITEM'",
    )
    no_op = invoice_body(customer, "r", ("ARBEID", 1, 1))
    del no_op["invoiceLines"][0]["operation"]  # type: ignore[index]
    assert_visma_error(client.post("/v2/customerinvoice", json=no_op), 400, "operation")
    unwrapped = invoice_body(customer, "r", ("ARBEID", 1, 1))
    unwrapped["invoiceLines"][0]["quantity"] = 3  # type: ignore[index]
    assert_visma_error(
        client.post("/v2/customerinvoice", json=unwrapped), 400, "Path 'invoiceLines[0].quantity'"
    )
    assert not client.get("/v1/customerinvoice", params={"customerRefNumber": "r"}).json()


def test_a_bad_or_missing_token_is_401(sb: Sandbox) -> None:
    with erp(sb, "not-a-token") as c:
        r = c.get("/v1/customer")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert "x-ratelimit-limit" in r.headers
    assert httpx.get(f"{sb.services['erp']}/v1/customer").status_code == 401


def test_created_filter_needs_both_parameters(client: httpx.Client) -> None:
    since = "2025-09-01T00:00:00"
    newer = client.get(
        "/v1/customer", params={"createdDateTime": since, "createdDateTimeCondition": ">"}
    ).json()
    older = client.get(
        "/v1/customer", params={"createdDateTime": since, "createdDateTimeCondition": "<="}
    ).json()
    assert newer and older
    assert all(c["createdDateTime"] > since for c in newer)
    assert all(c["createdDateTime"] <= since for c in older)
    assert_visma_error(
        client.get("/v1/customer", params={"createdDateTimeCondition": ">"}),
        400,
        "mutually inclusive",
    )


@pytest.mark.parametrize(
    ("scope", "method", "path", "expected"),
    [
        ("vismanet_erp_service_api:read", "GET", "/v1/customer", 200),
        ("vismanet_erp_service_api:read", "POST", "/v1/customer", 403),
        ("vismanet_erp_service_api:create", "POST", "/v1/customer", 201),
        ("vismanet_erp_service_api:create", "GET", "/v1/customer", 403),
        ("vismanet_erp_service_api:create", "PUT", "/v1/customer/{number}", 403),
        ("vismanet_erp_service_api:update", "PUT", "/v1/customer/{number}", 204),
    ],
)
def test_scopes_are_checked_per_operation(
    sb: Sandbox, scope: str, method: str, path: str, expected: int
) -> None:
    number = sb.state()["customers"][3]["number"]
    body = {"name": {"value": "Scope Test B.V."}}
    with erp(sb, service_token(sb, scope=scope)) as c:
        r = c.request(method, path.format(number=number), json=None if method == "GET" else body)
    assert r.status_code == expected, r.text
    if expected == 403:
        assert 'error="insufficient_scope"' in r.headers["www-authenticate"]


def test_unknown_paths_and_methods_answer_in_the_erp_error_shape(client: httpx.Client) -> None:
    assert_visma_error(client.get("/v1/nothing-here"), 404, "No HTTP resource")
    assert_visma_error(client.delete("/v1/customer/10001"), 405, "does not support")
    assert "x-ratelimit-limit" in client.get("/v1/nothing-here").headers


def test_invoice_list_filters_by_customer_and_external_reference(
    client: httpx.Client, sb: Sandbox
) -> None:
    first, second = (c["number"] for c in sb.state()["customers"][4:6])
    for customer, ref in ((first, "EXT-A"), (second, "EXT-B"), (second, "EXT-C")):
        made = client.post(
            "/v2/customerinvoice", json=invoice_body(customer, ref, ("ARBEID", 1, 50.0))
        )
        assert made.status_code == 201, made.text
    mine = client.get("/v1/customerinvoice", params={"customer": second}).json()
    assert sorted(i["externalReference"] for i in mine) == ["EXT-B", "EXT-C"]
    assert all(i["metadata"]["totalCount"] == 2 for i in mine)
    one = client.get(
        "/v1/customerinvoice", params={"customer": second, "externalReference": "EXT-C"}
    ).json()
    assert [i["customerRefNumber"] for i in one] == ["EXT-C"]


def test_legacy_headers_are_accepted_and_ignored(client: httpx.Client, sb: Sandbox) -> None:
    legacy = {"ipp-company-id": "1234567", "ipp-application-type": "Visma.net Financials"}
    r = client.get("/v1/customer", params={"pageSize": 1}, headers=legacy)
    assert r.status_code == 200 and len(r.json()) == 1
