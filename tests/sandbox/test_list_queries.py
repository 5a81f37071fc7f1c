"""The list queries exactly as the real APIs offer them: what `GET /v1/customerinvoice`
and the SalesOrders v3 list filter by, and that nothing else ever filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.sandbox_api import erp, salesorders, service_token, validate
from vismadesk.sandbox import Sandbox

INVOICE = "visma-erp-customerinvoice.json"
INVOICE_V2 = "visma-erp-customerinvoice-v2.json"
SO = "visma-salesorders-v3.json"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=5, relations=10, materials=10) as sandbox:
        token = service_token(sandbox)
        customers = [c["number"] for c in sandbox.state()["customers"][:3]]
        with erp(sandbox, token) as e:
            for n, (customer, day) in enumerate(
                [
                    (customers[0], "2026-01-15"),
                    (customers[1], "2026-02-10"),
                    (customers[1], "2026-03-05"),
                ]
            ):
                made = e.post("/v2/customerinvoice", json=invoice_body(customer, n, day))
                assert made.status_code == 201, made.text
            first = e.get("/v1/customerinvoice").json()[0]["referenceNumber"]
            e.post(f"/v1/customerinvoice/{first}/action/release")
        with salesorders(sandbox, token) as s:
            for n, customer in enumerate([customers[0], customers[1], customers[1]]):
                body = {
                    "type": "SO",
                    "customer": {"id": customer, "refNo": f"WB0000{n}"},
                    "status": "Hold" if n == 2 else "Open",
                    "orderLines": [{"inventoryId": "ARBEID", "quantity": 1}],
                }
                assert s.post("/api/v3/SalesOrders", json=body).status_code == 201
        yield sandbox


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with erp(sb) as c:
        yield c


@pytest.fixture(scope="module")
def so(sb: Sandbox) -> Iterator[httpx.Client]:
    with salesorders(sb) as c:
        yield c


def invoice_body(customer: str, n: int, day: str) -> dict[str, Any]:
    body = {
        "customerNumber": {"value": customer},
        "documentDate": {"value": f"{day}T00:00:00"},
        "customerRefNumber": {"value": f"WB0000{n}"},
        "externalReference": {"value": f"EXT-{n}"},
        "paymentReference": {"value": f"PAY-{n}"},
        "invoiceLines": [
            {
                "operation": "Insert",
                "inventoryNumber": {"value": "ARBEID"},
                "quantity": {"value": 1},
            }
        ],
    }
    validate(body, INVOICE_V2, "CustomerInvoiceUpdateDto")
    return body


def refs(client: httpx.Client, **params: Any) -> list[str]:
    r = client.get("/v1/customerinvoice", params=params)
    assert r.status_code == 200, r.text
    for item in r.json():
        validate({k: v for k, v in item.items() if k != "metadata"}, INVOICE, "CustomerInvoiceDto")
    return sorted(i["customerRefNumber"] for i in r.json())


ALL = ["WB00000", "WB00001", "WB00002"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"externalReference": "EXT-1"}, ["WB00001"]),
        ({"customerRefNumber": "WB00002"}, ["WB00002"]),
        ({"paymentReference": "PAY-0"}, ["WB00000"]),
        ({"paymentReference": "PAY-9"}, []),
        ({"documentDate": "2026-02-01", "documentDateCondition": ">="}, ["WB00001", "WB00002"]),
        ({"documentDate": "2026-02-10", "documentDateCondition": "<"}, ["WB00000"]),
        ({"documentDueDate": "2026-03-01", "documentDueDateCondition": "<"}, ["WB00000"]),
        ({"financialPeriod": "202603"}, ["WB00002"]),
        ({"released": 1}, ["WB00000"]),
        ({"released": 0}, ["WB00001", "WB00002"]),
        ({"status": "Balanced"}, ["WB00001", "WB00002"]),
        ({"documentType": "Invoice"}, ALL),
        ({"dunningLevel": 0}, ALL),
        ({"dunningLevel": 1}, []),
        # The sandbox's invoices have no project, branch, closed period or dunning letter.
        ({"project": "P1"}, []),
        ({"branch": "1"}, []),
        ({"closedFinancialPeriod": "202601"}, []),
        ({"dunningLetterDateTime": "2026-01-01", "dunningLetterDateTimeCondition": ">"}, []),
        ({"expandAttachments": "true", "expandTaxDetails": "False"}, ALL),
    ],
)
def test_invoices_filter_by_what_the_spec_lists(
    client: httpx.Client, params: dict[str, Any], expected: list[str]
) -> None:
    assert refs(client, **params) == expected


def test_invoices_filter_by_last_change_with_its_condition(client: httpx.Client) -> None:
    stamps = sorted(i["lastModifiedDateTime"] for i in client.get("/v1/customerinvoice").json())
    newest = dt.datetime.fromisoformat(stamps[-1])
    later = (newest + dt.timedelta(seconds=1)).isoformat()
    assert refs(client, lastModifiedDateTime=later, lastModifiedDateTimeCondition=">") == []
    assert refs(client, lastModifiedDateTime=stamps[0], lastModifiedDateTimeCondition=">=") == ALL
    r = client.get("/v1/customerinvoice", params={"lastModifiedDateTime": stamps[0]})
    assert r.status_code == 400 and "mutually inclusive" in r.json()["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"customerReference": "WB00001"},
        {"refNo": "WB00001"},
        {"customer.refNo": "WB00001"},
        {"reference": "WB00001"},
        {"filter": "WB00001"},
    ],
)
def test_invoice_parameters_the_spec_lacks_are_ignored_never_filter(
    client: httpx.Client, params: dict[str, str]
) -> None:
    assert refs(client, **params) == ALL


@pytest.mark.parametrize(
    "params",
    [
        {"released": "yes"},
        {"dunningLevel": "high"},
        {"expandAttachments": "maybe"},
        {"documentDate": "2026-01-01"},
        {"documentDateCondition": "=="},
        {"greaterThanValue": "100001"},
        {"skipRecords": "-1"},
    ],
)
def test_invoice_parameters_with_bad_values_are_refused(
    client: httpx.Client, params: dict[str, str]
) -> None:
    r = client.get("/v1/customerinvoice", params=params)
    assert r.status_code == 400, r.text
    assert r.json()["message"].startswith("VismaId: ")


def test_the_deprecated_skip_and_read_still_page(client: httpx.Client) -> None:
    r = client.get(
        "/v1/customerinvoice", params={"skipRecords": 1, "numberToRead": 1, "pageSize": 3}
    )
    assert [i["customerRefNumber"] for i in r.json()] == ["WB00001"]
    assert r.json()[0]["metadata"]["totalCount"] == 3


def test_the_created_invoice_carries_its_payment_reference_and_due_date(
    client: httpx.Client,
) -> None:
    first = client.get("/v1/customerinvoice", params={"customerRefNumber": "WB00000"}).json()[0]
    assert first["paymentReference"] == "PAY-0"
    assert first["documentDueDate"] == "2026-02-14T00:00:00"  # 30 days net


# --- SalesOrders v3 ---------------------------------------------------------------------


def order_refs(so: httpx.Client, path: str = "/api/v3/SalesOrders", **params: Any) -> list[str]:
    r = so.get(path, params=params)
    assert r.status_code == 200, r.text
    validate(r.json(), SO, "SalesOrderListDtoPagedResult")
    return sorted(o["customerRefNo"] for o in r.json()["value"])


def test_sales_orders_filter_by_customer_status_and_order_id(so: httpx.Client, sb: Sandbox) -> None:
    second = sb.state()["customers"][1]["number"]
    assert order_refs(so, customerId=second) == ["WB00001", "WB00002"]
    assert order_refs(so, status="Hold") == ["WB00002"]
    assert order_refs(so, customerId=second, status="Open") == ["WB00001"]
    assert order_refs(so, filter="000003") == ["WB00002"]
    assert order_refs(so, "/api/v3/SalesOrders/SO", filter="0000") == ALL
    assert order_refs(so, "/api/v3/SalesOrders/QT") == []
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)).isoformat()
    assert order_refs(so, modifiedSince=future) == []


@pytest.mark.parametrize(
    "params",
    [
        {"customerRefNo": "WB00001"},
        {"customer.refNo": "WB00001"},
        {"refNo": "WB00001"},
        {"customerId": "", "reference": "WB00001"},
    ],
)
def test_sales_orders_have_no_filter_by_the_customer_reference(
    so: httpx.Client, params: dict[str, str]
) -> None:
    assert order_refs(so, **params) == ALL


def test_the_order_id_filter_never_looks_at_the_reference(so: httpx.Client) -> None:
    assert order_refs(so, filter="WB00001") == []
