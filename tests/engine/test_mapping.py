"""How a work order's hours and lines become document lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from vismadesk.config import Settings
from vismadesk.domain import (
    ExportFormat,
    HourLine,
    HourType,
    InventoryItem,
    MaterialLine,
    Relation,
    WorkOrder,
)
from vismadesk.engine import mapping


@pytest.mark.parametrize(
    ("minutes", "block", "expected"),
    [(50, 0, 50), (50, 5, 50), (51, 5, 55), (50, 15, 60), (1, 30, 30), (60, 30, 60), (0, 15, 0)],
)
def test_started_block_is_billed(minutes: int, block: int, expected: int) -> None:
    assert mapping.rounded_minutes(minutes, block) == expected


def test_quarter_rounding_gives_exact_hours() -> None:
    assert mapping.hours(50, 15) == Decimal("1.0000")
    assert mapping.hours(80, 0) == Decimal("1.3333")


def test_work_order_becomes_document_with_reference_and_lines() -> None:
    wo = WorkOrder(
        number="WB-1001",
        relation="10042",
        description="CV-ketel onderhoud",
        work_date=dt.date(2026, 11, 2),
        materials=[MaterialLine("MAT-1", "Filter", Decimal("2"), Decimal("4.55"), "st")],
        hours=[HourLine("ARBEID", 95, dt.date(2026, 11, 2), "E01")],
    )
    settings = Settings(hour_rounding=15, order_type="SO")
    inventory = {
        "ARBEID": InventoryItem("ARBEID", "Arbeid", "LaborItem", unit="UUR", price=Decimal("62.50"))
    }
    doc = mapping.sales_document(
        wo, ExportFormat.SALES_ORDER, settings, inventory, {"ARBEID": HourType("ARBEID", "Arbeid")}
    )
    assert doc.reference == "WB-1001"
    assert doc.customer_number == "10042"
    assert doc.order_type == "SO"
    assert [(line.inventory_number, line.quantity) for line in doc.lines] == [
        ("MAT-1", Decimal("2")),
        ("ARBEID", Decimal("1.7500")),
    ]
    assert doc.lines[1].unit_price == Decimal("62.50")
    assert "02-11-2026" in doc.lines[1].description


def test_customer_from_relation_keeps_number_and_address() -> None:
    rel = Relation("10042", "Bakkerij De Vries", "Dorpsstraat", "12a", "1234 AB", "Zwolle")
    c = mapping.customer_from_relation(rel)
    assert (c.number, c.name, c.street, c.postal_code, c.city) == (
        "10042",
        "Bakkerij De Vries",
        "Dorpsstraat 12a",
        "1234 AB",
        "Zwolle",
    )
