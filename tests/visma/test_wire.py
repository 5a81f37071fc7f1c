"""What Visma.net receives from vismadesk, and how its answers are read back."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.visma.unit_support import SALESORDERS, Rig, visma_rig
from vismadesk.domain import (
    Customer,
    DocumentLine,
    ExportFormat,
    InventoryItem,
    SalesDocument,
)
from vismadesk.visma import wire


@pytest.fixture
def rig() -> Iterator[Rig]:
    with visma_rig() as r:
        yield r


def _document(fmt: ExportFormat, reference: str = "WB00042") -> SalesDocument:
    return SalesDocument(
        format=fmt,
        customer_number="10042",
        reference=reference,
        date=dt.date(2026, 11, 20),
        description="Werkbon WB00042 — cv-ketel onderhoud",
        lines=[
            DocumentLine("SRV-001", "Arbeid", Decimal("2.50"), Decimal("95.00"), "uur"),
            DocumentLine("MAT-KOP15", "Koppeling 15 mm", Decimal("3"), Decimal("12.35")),
        ],
    )


# --- the {value} wrapping ----------------------------------------------------------------


def test_every_erp_field_is_wrapped_in_value_nested_objects_too() -> None:
    body = wire.wrap(
        {"name": "De Vries", "mainAddress": {"addressLine1": "Dorpsstraat 1", "city": "Ede"}}
    )
    assert body == {
        "name": {"value": "De Vries"},
        "mainAddress": {
            "value": {"addressLine1": {"value": "Dorpsstraat 1"}, "city": {"value": "Ede"}}
        },
    }


def test_empty_fields_are_left_out_so_visma_does_not_overwrite_them() -> None:
    body = wire.wrap(
        {
            "name": "De Vries",
            "vatRegistrationId": "",
            "corporateId": None,
            "mainContact": {"email": "", "phone1": None},
        }
    )
    assert body == {"name": {"value": "De Vries"}}


def test_customer_with_our_number_overrides_the_number_series() -> None:
    customer = Customer(
        number="10042",
        name="Installatiebedrijf De Vries",
        street="Dorpsstraat 1",
        postal_code="6711 AA",
        city="Ede",
        email="info@devries.nl",
        vat_number="NL001234567B01",
    )
    body = wire.customer_body(customer)
    assert body["number"] == {"value": "10042"}
    assert body["overrideNumberSeries"] == {"value": True}
    assert body["status"] == {"value": "Active"}
    assert body["mainAddress"]["value"]["countryId"] == {"value": "NL"}
    assert body["mainContact"] == {"value": {"email": {"value": "info@devries.nl"}}}
    assert "phone1" not in json.dumps(body)
    assert "corporateId" not in body


def test_customer_without_a_number_leaves_numbering_to_visma() -> None:
    body = wire.customer_body(Customer(number="", name="Nieuwe klant"))
    assert "number" not in body
    assert "overrideNumberSeries" not in body
    assert body["name"] == {"value": "Nieuwe klant"}


def test_inventory_item_sends_price_as_a_number_and_units_in_capitals() -> None:
    item = InventoryItem(
        number="MAT-KOP15",
        description="Koppeling 15 mm",
        unit="st",
        price=Decimal("12.35"),
        item_class="MAT",
        posting_class="VERK",
    )
    text = json.dumps(wire.inventory_body(item))
    body = json.loads(text)
    assert body["defaultPrice"] == {"value": 12.35}
    assert '"defaultPrice": {"value": 12.35}' in text
    assert body["baseUnit"] == body["salesUnit"] == {"value": "ST"}
    assert body["type"] == {"value": "NonStockItem"}
    assert body["itemClass"] == {"value": "MAT"}


def test_invoice_lines_are_a_plain_array_with_an_unwrapped_insert_operation() -> None:
    body = wire.customer_invoice_body(_document(ExportFormat.SALES_INVOICE))
    assert body["customerNumber"] == {"value": "10042"}
    assert body["customerRefNumber"] == {"value": "WB00042"}
    assert body["externalReference"] == {"value": "WB00042"}
    assert body["documentDate"] == {"value": "2026-11-20T00:00:00"}
    lines = body["invoiceLines"]
    assert isinstance(lines, list)
    assert lines[0] == {
        "operation": "Insert",
        "inventoryNumber": {"value": "SRV-001"},
        "description": {"value": "Arbeid"},
        "quantity": {"value": 2.5},
        "unitPriceInCurrency": {"value": 95.0},
        "uom": {"value": "UUR"},
    }
    assert "uom" not in lines[1]  # no unit given: Visma uses the item's own


def test_sales_order_body_is_plain_json_with_numbers() -> None:
    body = wire.sales_order_body(_document(ExportFormat.SALES_ORDER))
    assert body["type"] == "SO"
    assert body["customer"] == {"id": "10042", "refNo": "WB00042"}
    assert body["date"] == "2026-11-20T00:00:00"
    assert body["orderLines"][0] == {
        "inventoryId": "SRV-001",
        "quantity": 2.5,
        "unitPrice": 95.0,
        "description": "Arbeid",
        "unitOfMeasure": "UUR",
    }
    assert "value" not in json.dumps(body)


def test_sales_order_reference_is_cut_to_the_40_characters_v3_accepts() -> None:
    reference = "WB-" + "1234567890" * 5
    body = wire.sales_order_body(_document(ExportFormat.SALES_ORDER, reference))
    assert body["customer"]["refNo"] == reference[:40]
    assert len(body["customer"]["refNo"]) == 40


def test_decimals_reach_visma_as_json_numbers_not_strings(rig: Rig) -> None:
    route = rig.router.post(f"{SALESORDERS}/api/v3/SalesOrders").mock(
        return_value=httpx.Response(
            201, headers={"Location": f"{SALESORDERS}/api/v3/SalesOrders/SO/000223"}
        )
    )
    ref = rig.client.create_document(_document(ExportFormat.SALES_ORDER))
    assert str(ref) == "SO 000223"
    lines = json.loads(route.calls.last.request.content)["orderLines"]
    assert [(ln["quantity"], ln["unitPrice"]) for ln in lines] == [(2.5, 95.0), (3, 12.35)]
    assert all(
        isinstance(ln[key], int | float) for ln in lines for key in ("quantity", "unitPrice")
    )


def test_the_new_number_is_read_from_the_location_header(rig: Rig) -> None:
    rig.router.post("/v1/customer").mock(
        return_value=httpx.Response(201, headers={"Location": "/v1/customer/C%2F10077"})
    )
    assert rig.client.create_customer(Customer(number="", name="Nieuwe klant")) == "C/10077"


# --- reading answers -----------------------------------------------------------------------


def test_customer_is_read_from_visma_nested_shape() -> None:
    customer = wire.parse_customer(
        {
            "number": "10042",
            "name": "Installatiebedrijf De Vries",
            "status": "Active",
            "mainAddress": {
                "addressLine1": "Dorpsstraat 1",
                "postalCode": "6711 AA",
                "city": "Ede",
                "country": {"id": "BE", "name": "Belgium"},
            },
            "mainContact": {"name": "J. de Vries", "email": "j@devries.nl", "phone1": "0318"},
            "vatRegistrationId": "NL001234567B01",
            "corporateId": "12345678",
            "lastModifiedDateTime": "2026-01-14T10:00:00.437",
        }
    )
    assert customer.number == "10042"
    assert (customer.street, customer.postal_code, customer.city) == (
        "Dorpsstraat 1",
        "6711 AA",
        "Ede",
    )
    assert customer.country == "BE"
    assert (customer.contact, customer.email, customer.phone) == (
        "J. de Vries",
        "j@devries.nl",
        "0318",
    )
    assert customer.vat_number == "NL001234567B01"
    assert customer.coc_number == "12345678"
    assert customer.last_modified == dt.datetime(2026, 1, 14, 10, 0, 0, 437000)


def test_inventory_item_is_read_with_class_ids_and_an_exact_price() -> None:
    item = wire.parse_inventory(
        {
            "inventoryNumber": "MAT-KOP15",
            "description": "Koppeling 15 mm",
            "type": "NonStockItem",
            "status": "NoSales",
            "baseUnit": "ST",
            "salesUnit": "DOOS",
            "defaultPrice": 12.35,
            "itemClass": {"id": "MAT", "description": "Materiaal"},
            "postingClass": {"id": "VERK", "description": "Verkoop"},
            "lastModifiedDateTime": "2026-01-14T10:00:00Z",
        }
    )
    assert item.number == "MAT-KOP15"
    assert item.status == "NoSales"
    assert item.unit == "DOOS"
    assert item.price == Decimal("12.35")
    assert (item.item_class, item.posting_class) == ("MAT", "VERK")
    assert item.last_modified == dt.datetime(2026, 1, 14, 10, 0, 0)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("2026-01-14T10:00:00", dt.datetime(2026, 1, 14, 10, 0, 0)),
        ("2026-01-14T10:00:00Z", dt.datetime(2026, 1, 14, 10, 0, 0)),
        ("2026-01-14T11:00:00+01:00", dt.datetime(2026, 1, 14, 10, 0, 0)),
        ("2026-01-14T05:30:00-04:30", dt.datetime(2026, 1, 14, 10, 0, 0)),
        ("2026-01-14T10:00:00.1234567", dt.datetime(2026, 1, 14, 10, 0, 0, 123456)),
        ("2026-01-14 10:00:00", dt.datetime(2026, 1, 14, 10, 0, 0)),
    ],
)
def test_modification_times_become_naive_utc(sent: str, expected: dt.datetime) -> None:
    moment = wire.parse_time(sent)
    assert moment == expected
    assert moment is not None and moment.tzinfo is None


@pytest.mark.parametrize("sent", [None, "", "not a date", 17])
def test_missing_or_unreadable_modification_time_is_none(sent: object) -> None:
    assert wire.parse_time(sent) is None


def test_a_cursor_is_sent_in_utc_without_offset() -> None:
    amsterdam = dt.timezone(dt.timedelta(hours=1))
    assert wire.send_time(dt.datetime(2026, 1, 14, 11, 0, 5, 999, tzinfo=amsterdam)) == (
        "2026-01-14T10:00:05"
    )
    assert wire.send_time(dt.datetime(2026, 1, 14, 10, 0, 5)) == "2026-01-14T10:00:05"
