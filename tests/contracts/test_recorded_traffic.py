"""Everything vismadesk sends, judged against the published specs, not the sandbox.

The clients' bodies for each kind of document and record, and then the traffic of
whole runs against the sandbox, recorded on the wire: a demo export as sales orders
and as invoices, with New material / New relation off and on, with every export
default set, a sync, and the error paths (an unknown warehouse, hours without an
hour type, a unit VISMA.net lacks). Every request body must validate against its
endpoint's DTO in tests/contracts/, with the fields the specs call mandatory."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
import jsonschema
import pytest

from tests.helpers.sandbox_api import validate
from vismadesk.config import CodeMap
from vismadesk.demo import DemoSession, start_demo
from vismadesk.domain import (
    Customer,
    DocumentLine,
    ExportFormat,
    InventoryItem,
    SalesDocument,
)
from vismadesk.engine.export import run_export
from vismadesk.engine.sync import sync_all
from vismadesk.visma import wire

SO = "visma-salesorders-v3.json"
INVOICE = "visma-erp-customerinvoice-v2.json"
CUSTOMER = "visma-erp-customer.json"
INVENTORY = "visma-erp-inventory.json"
OUTSMART = "outsmart-v8.json"
# (method, path ending) -> (fragment, definition) of the request body.
ENDPOINTS = {
    ("POST", "/api/v3/SalesOrders"): (SO, "NewSalesOrderCommand"),
    ("POST", "/v2/customerinvoice"): (INVOICE, "CustomerInvoiceUpdateDto"),
    ("POST", "/v1/customer"): (CUSTOMER, "CustomerUpdateDto"),
    ("POST", "/v1/inventory"): (INVENTORY, "InventoryUpdateDto"),
    ("POST", "/relations/"): (OUTSMART, "RelationsPost"),
    ("POST", "/materials/"): (OUTSMART, "MaterialsPost"),
}
# The blueprint's required fields: a POST with one missing or empty is refused (1301...).
OUTSMART_REQUIRED = {
    "/relations/": ("name", "debtor_number", "street", "postal_code", "city"),
    "/materials/": ("code", "description", "price", "unit"),
    "/hourtypes/": ("code", "name", "cost_booking", "sale_booking", "sale_price"),
}


def _document(fmt: ExportFormat, **more: Any) -> SalesDocument:
    return SalesDocument(
        format=fmt,
        customer_number="10042",
        reference="WB00042-" + "X" * 50,
        date=dt.date(2026, 11, 20),
        description="Werkbon WB00042 – CV-ketel onderhoud",
        lines=[
            DocumentLine("MAT-1", "Knelkoppeling", Decimal("2"), Decimal("3.10"), "ST"),
            DocumentLine("TEKST", "Tekst", Decimal(0), Decimal(0)),
            DocumentLine(
                "ARBEID",
                "Arbeid",
                Decimal("1.75"),
                Decimal("62.5"),
                "UUR",
                warehouse="MAIN",
                vat_category="2",
                project_task="01",
            ),
        ],
        **more,
    )


@pytest.mark.parametrize(
    "more",
    [{}, {"branch": "1", "credit_terms": "14D", "project": "ONDERHOUD"}],
    ids=["plain", "defaults"],
)
def test_document_bodies_follow_their_dtos(more: dict[str, Any]) -> None:
    order = wire.sales_order_body(_document(ExportFormat.SALES_ORDER, **more))
    validate(order, SO, "NewSalesOrderCommand")
    assert len(order["customer"]["refNo"]) == 40
    invoice = wire.customer_invoice_body(_document(ExportFormat.SALES_INVOICE, **more))
    validate(invoice, INVOICE, "CustomerInvoiceUpdateDto")


def test_a_unit_over_six_characters_is_what_the_spec_refuses() -> None:
    """The schema has teeth: OutSmart's free-text unit, sent as it was, fails it."""
    doc = _document(ExportFormat.SALES_ORDER)
    doc.lines[0].uom = "STUKKEN"
    with pytest.raises(jsonschema.ValidationError, match="too long"):
        validate(wire.sales_order_body(doc), SO, "NewSalesOrderCommand")


def test_customer_and_item_bodies_follow_their_dtos_with_the_mandatory_fields() -> None:
    customer = Customer(
        "10042",
        "Bakkerij De Vries",
        street="Dorpsstraat 1",
        postal_code="1234 AB",
        city="Zwolle",
        customer_class="NL",
        credit_terms="30D",
        override_class_values=True,
    )
    body = wire.customer_body(customer)
    validate(body, CUSTOMER, "CustomerUpdateDto")
    assert body["overrideWithClassValues"] is True  # plain, as the DTO has it
    item = InventoryItem("MAT-1", "Knelkoppeling", unit="st", item_class="MAT")
    body = wire.inventory_body(item)
    validate(body, INVENTORY, "InventoryUpdateDto")
    assert {"inventoryNumber", "itemClass", "description"} <= set(body)


# --- whole runs, recorded ---------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []

    def __call__(self, request: httpx.Request) -> None:
        self.requests.append((request.method, urlsplit(str(request.url)).path, request.content))


@pytest.fixture
def recorded() -> Iterator[tuple[DemoSession, Recorder]]:
    session = start_demo(work_orders=60, seed=7)
    rec = Recorder()
    for client in (session.context.visma, session.context.outsmart):
        client._http.event_hooks["request"].append(rec)
    session.sign_in_as_service()
    try:
        yield session, rec
    finally:
        session.close()


def _judge(rec: Recorder) -> int:
    """Validate every body sent; the number of bodies judged."""
    judged = 0
    for method, path, content in rec.requests:
        if method not in ("POST", "PUT", "PATCH") or not content:
            continue
        found = [v for (m, end), v in ENDPOINTS.items() if m == method and path.endswith(end)]
        body = json.loads(content)
        for end, required in OUTSMART_REQUIRED.items():
            if path.endswith(end):
                for record in body:
                    missing = [k for k in required if not str(record.get(k) or "").strip()]
                    assert not missing, (path, record, missing)
        if not found:
            assert path.endswith("/hourtypes/"), (method, path)
            for record in body:
                validate(record, OUTSMART, "Hourtype")
            continue
        fragment, definition = found[0]
        validate(body, fragment, definition)
        if path.endswith("/v1/inventory"):
            assert body["inventoryNumber"]["value"] and body["itemClass"]["value"], body
            assert body["description"]["value"], body
        if path.endswith("/api/v3/SalesOrders"):
            assert all(line["inventoryId"] for line in body["orderLines"]), body
        judged += 1
    return judged


@pytest.mark.parametrize("fmt", [ExportFormat.SALES_ORDER, ExportFormat.SALES_INVOICE])
@pytest.mark.parametrize("create", [False, True], ids=["strict", "new-material-and-relation"])
def test_a_demo_export_sends_only_what_the_specs_accept(
    recorded: tuple[DemoSession, Recorder], fmt: ExportFormat, create: bool
) -> None:
    session, rec = recorded
    s = session.context.settings
    s.export_format, s.new_material, s.new_relation = fmt, create, create
    result = run_export(session.context)
    assert result.succeeded > 0
    assert _judge(rec) >= result.succeeded


def _every_default(session: DemoSession, warehouse: str) -> None:
    state = session.sandbox._state
    with state.lock:
        orders = list(state.work_orders.values())
        orders[0]["Workperiods"][0]["HourType"] = ""  # fails: no default labour item
        orders[1]["Materials"][0]["MaterialUnit"] = "STUKKEN"  # fails: not mapped
        for w in orders[2:]:
            w["ProjectNr"] = "P-100"
    s = session.context.settings
    s.export_format, s.new_material, s.new_relation = ExportFormat.SALES_ORDER, True, True
    s.branch, s.warehouse, s.vat_category, s.credit_terms = "1", warehouse, "1", "30D"
    s.project_map = CodeMap([("P-100", "NIEUWBOUW/01")])
    s.description_item = "ARBEID"


def test_an_export_with_every_default_set(recorded: tuple[DemoSession, Recorder]) -> None:
    session, rec = recorded
    _every_default(session, "MAIN")
    result = run_export(session.context)
    assert result.succeeded > 0 and result.failed >= 2
    assert _judge(rec) >= result.succeeded


def test_the_error_paths_send_nothing_the_specs_refuse(
    recorded: tuple[DemoSession, Recorder],
) -> None:
    """VISMA.net refuses each document (a warehouse the company lacks): what was sent
    was still a well-formed command; the refusal is the company's, not the spec's."""
    session, rec = recorded
    _every_default(session, "ZOLDER")
    result = run_export(session.context)
    assert result.succeeded == 0 and result.failed > 0
    refused = [
        e
        for e in session.context.store.log_page(limit=10_000)
        if e.run_id == result.run_id and e.code == "document_create_failed"
    ]
    assert refused and all("1802-InvalidWarehouseId" in e.details["problem_codes"] for e in refused)
    assert _judge(rec) >= len(refused)


def test_a_sync_sends_only_what_outsmart_accepts(recorded: tuple[DemoSession, Recorder]) -> None:
    session, rec = recorded
    with httpx.Client(
        base_url=session.sandbox.services["erp"],
        headers={"Authorization": f"Bearer {session.context.tokens.access_token()}"},
    ) as erp:
        # A customer without an address: OutSmart would refuse the whole batch for it.
        assert erp.post("/v1/customer", json={"name": {"value": "Zonder Adres"}}).status_code == 201
    result = sync_all(session.context)
    assert result.succeeded > 0 and result.failed == 1
    assert _judge(rec) >= 2
