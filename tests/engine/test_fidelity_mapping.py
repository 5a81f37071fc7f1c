"""What the export would send that VISMA.net refuses, caught before sending (issue #15):
hours without an hour type, new items without an item class, units VISMA.net does not
know, and the export defaults a company sets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from vismadesk import messages
from vismadesk.config import CodeMap, Settings
from vismadesk.domain import (
    ExportFormat,
    HourLine,
    InventoryItem,
    MaterialLine,
    Relation,
    WorkOrder,
)
from vismadesk.engine import mapping
from vismadesk.engine.master_data import MasterData
from vismadesk.engine.validate import validate

ST_ITEM = InventoryItem("MAT-1", "Knelkoppeling", unit="ST", units=("ST", "DOOS"))
LABOUR = InventoryItem("ARBEID", "Arbeid", "LaborItem", unit="UUR", price=Decimal("62.5"))


def _md(*items: InventoryItem) -> MasterData:
    rel = Relation("10042", "Bakkerij De Vries", "Dorpsstraat", "1", "1234 AB", "Zwolle")
    return MasterData(
        {"10042"},
        {i.number: i for i in items},
        {"10042": rel},
        None,  # type: ignore[arg-type]
    )


def _wo(**fields: object) -> WorkOrder:
    base: dict[str, object] = {
        "number": "WB00042",
        "relation": "10042",
        "description": "CV-ketel onderhoud",
        "work_date": dt.date(2026, 11, 2),
    }
    base.update(fields)
    return WorkOrder(**base)  # type: ignore[arg-type]


def _codes(wo: WorkOrder, md: MasterData, settings: Settings) -> list[str]:
    return [p.message.code for p in validate(wo, md, settings) if p.message]


# --- hours without an hour type -----------------------------------------------------------


def test_hours_without_an_hour_type_fail_with_their_own_message() -> None:
    wo = _wo(hours=[HourLine("", 90)])
    problems = validate(mapping.with_defaults(wo, Settings()), _md(LABOUR), Settings())
    assert [p.message for p in problems] == [messages.HOURS_WITHOUT_HOUR_TYPE]
    assert problems[0].message is not None
    assert problems[0].message.render(work_order="WB00042") == (
        "Work order WB00042 has hours without an hour type"
    )


def test_even_with_new_material_hours_without_an_hour_type_create_nothing() -> None:
    settings = Settings(new_material=True, item_class="MAT")
    wo = mapping.with_defaults(_wo(hours=[HourLine("", 90)]), settings)
    assert _codes(wo, _md(LABOUR), settings) == ["hours_without_hour_type"]


def test_the_default_labour_item_bills_hours_without_an_hour_type() -> None:
    settings = Settings(default_labour_item="ARBEID", hour_rounding=15)
    wo = mapping.with_defaults(_wo(hours=[HourLine("", 50), HourLine("REISTIJD", 30)]), settings)
    assert [h.hour_type for h in wo.hours] == ["ARBEID", "REISTIJD"]
    md = _md(LABOUR, InventoryItem("REISTIJD", "Reistijd", "LaborItem", unit="UUR"))
    assert validate(wo, md, settings) == []
    doc = mapping.sales_document(wo, ExportFormat.SALES_ORDER, settings, md.inventory, {})
    assert [(line.inventory_number, line.quantity, line.uom) for line in doc.lines] == [
        ("ARBEID", Decimal("1.0000"), "UUR"),
        ("REISTIJD", Decimal("0.5000"), "UUR"),
    ]
    assert all(line.inventory_number for line in doc.lines)


def test_a_default_labour_item_visma_lacks_is_named_and_never_created() -> None:
    settings = Settings(default_labour_item="UREN-ALG", new_material=True, item_class="MAT")
    wo = mapping.with_defaults(_wo(hours=[HourLine("", 60)]), settings)
    problems = validate(wo, _md(LABOUR), settings)
    assert [(p.message, p.record) for p in problems] == [
        (messages.DEFAULT_LABOUR_ITEM_NOT_IN_VISMA, "UREN-ALG")
    ]


# --- new items need an item class ----------------------------------------------------------


def test_new_material_without_an_item_class_is_refused_before_sending() -> None:
    wo = _wo(materials=[MaterialLine("MAT-9", "Nieuw", Decimal(1), Decimal(2), "ST")])
    settings = Settings(new_material=True)
    problems = validate(wo, _md(ST_ITEM), settings)
    assert [p.message for p in problems] == [messages.NEW_ITEM_NEEDS_CLASS]
    assert problems[0].message is not None
    text = problems[0].message.render(**problems[0].values)
    assert text == "Material MAT-9 cannot be created in VISMA.net: no item class is set"
    settings.item_class = "MAT"
    assert validate(wo, _md(ST_ITEM), settings) == []


def test_a_new_labour_item_takes_its_own_class_or_the_materials_one() -> None:
    wo = _wo(hours=[HourLine("OVERWERK", 60)])
    assert _codes(wo, _md(), Settings(new_material=True)) == ["new_item_needs_class"]
    both = Settings(new_material=True, item_class="MAT", labour_item_class="ARBEID")
    assert validate(wo, _md(), both) == []
    assert mapping.labour_item("OVERWERK", None, both).item_class == "ARBEID"
    assert mapping.labour_item("OVERWERK", None, Settings(item_class="MAT")).item_class == "MAT"


def test_a_new_item_always_has_a_number_and_a_description() -> None:
    settings = Settings(item_class="MAT")
    line = MaterialLine("MAT-9", "", Decimal(1), Decimal(2), "stuks")
    item = mapping.item_from_material("MAT-9", line, None, settings)
    assert (item.number, item.description, item.item_class) == ("MAT-9", "MAT-9", "MAT")
    assert mapping.labour_item("REIS", None, settings).description == "REIS"


def test_a_material_line_without_a_code_is_named() -> None:
    wo = _wo(materials=[MaterialLine("", "Iets", Decimal(1), Decimal(2))])
    settings = Settings(new_material=True, item_class="MAT")
    assert _codes(wo, _md(ST_ITEM), settings) == ["material_code_missing"]


# --- units ---------------------------------------------------------------------------------


def test_a_unit_visma_does_not_know_fails_the_work_order_naming_it() -> None:
    wo = _wo(materials=[MaterialLine("MAT-1", "Knelkoppeling", Decimal(3), Decimal(2), "STUKKEN")])
    problems = validate(wo, _md(ST_ITEM), Settings())
    assert [p.message for p in problems] == [messages.UNIT_NOT_IN_VISMA]
    assert problems[0].message is not None
    assert problems[0].message.render(work_order="WB00042", **problems[0].values) == (
        "Unit STUKKEN of material MAT-1 on work order WB00042 is not a VISMA.net unit"
    )
    assert problems[0].details["known_units"] == ["DOOS", "ST"]


def test_the_unit_table_maps_outsmart_units_in_any_case() -> None:
    settings = Settings(unit_map=CodeMap([("stukken", "st")]))
    wo = _wo(materials=[MaterialLine("MAT-1", "Knelkoppeling", Decimal(3), Decimal(2), "Stukken")])
    assert validate(wo, _md(ST_ITEM), settings) == []
    doc = mapping.sales_document(wo, ExportFormat.SALES_ORDER, settings, {}, {})
    assert doc.lines[0].uom == "ST"
    # The item's own units pass as they are, in any case; a conversion unit too.
    for unit in ("st", "Doos"):
        wo.materials[0].unit = unit
        assert validate(wo, _md(ST_ITEM), Settings()) == []


def test_a_new_items_unit_must_be_one_the_company_uses() -> None:
    settings = Settings(new_material=True, item_class="MAT")
    wo = _wo(materials=[MaterialLine("MAT-9", "Nieuw", Decimal(1), Decimal(2), "METERS")])
    assert _codes(wo, _md(ST_ITEM), settings) == ["unit_not_in_visma"]
    settings.unit_map = CodeMap([("METERS", "ST")])
    assert validate(wo, _md(ST_ITEM), settings) == []
    assert mapping.item_from_material("MAT-9", wo.materials[0], None, settings).unit == "ST"


# --- the export defaults -------------------------------------------------------------------


def test_every_export_default_reaches_the_document() -> None:
    settings = Settings(
        branch="1",
        warehouse="MAIN",
        vat_category="2",
        credit_terms="14D",
        project_map=CodeMap([("P-100", "ONDERHOUD/02")]),
        description_item="TEKST",
    )
    wo = _wo(
        project="p-100",
        description="woord " * 60,
        materials=[MaterialLine("MAT-1", "Knelkoppeling", Decimal(3), Decimal(2), "ST")],
    )
    order = mapping.sales_document(wo, ExportFormat.SALES_ORDER, settings, {}, {})
    assert (order.branch, order.credit_terms, order.project) == ("1", "14D", "ONDERHOUD")
    texts = [line for line in order.lines if line.inventory_number == "TEKST"]
    assert len(texts) == 2 and all(len(t.description) <= 256 for t in texts)
    assert " ".join(t.description for t in texts) == " ".join(["woord"] * 60)
    assert all(t.quantity == 0 and t.unit_price == 0 for t in texts)
    assert {(line.warehouse, line.vat_category, line.project_task) for line in order.lines} == {
        ("MAIN", "2", "02")
    }
    invoice = mapping.sales_document(wo, ExportFormat.SALES_INVOICE, settings, {}, {})
    assert {line.warehouse for line in invoice.lines} == {""}  # invoice lines have none


def test_without_defaults_nothing_extra_is_sent() -> None:
    wo = _wo(project="P-100", materials=[MaterialLine("MAT-1", "K", Decimal(1), Decimal(2))])
    doc = mapping.sales_document(wo, ExportFormat.SALES_ORDER, Settings(), {}, {})
    assert (doc.branch, doc.credit_terms, doc.project) == ("", "", "")
    assert [(x.warehouse, x.vat_category, x.project_task) for x in doc.lines] == [("", "", "")]


def test_a_text_line_item_visma_lacks_is_named() -> None:
    settings = Settings(description_item="TEKST")
    assert _codes(_wo(), _md(ST_ITEM), settings) == ["description_item_not_in_visma"]
    assert _codes(_wo(description=""), _md(ST_ITEM), settings) == []


def test_new_customers_get_the_class_and_terms_from_the_settings() -> None:
    rel = Relation("10042", "Bakkerij De Vries", "Dorpsstraat", "1", "1234 AB", "Zwolle")
    plain = mapping.customer_from_relation(rel, Settings())
    assert (plain.customer_class, plain.credit_terms, plain.override_class_values) == (
        "",
        "",
        False,
    )
    c = mapping.customer_from_relation(rel, Settings(customer_class="NL", customer_terms="30D"))
    assert (c.customer_class, c.credit_terms, c.override_class_values) == ("NL", "30D", True)
    off = Settings(customer_class="NL", override_class_values=False)
    assert mapping.customer_from_relation(rel, off).override_class_values is False


def test_a_relation_without_an_address_lacks_what_outsmart_requires() -> None:
    assert mapping.relation_missing(Relation("10042", "De Vries")) == [
        "street",
        "postal_code",
        "city",
    ]
    full = Relation("10042", "De Vries", "Dorpsstraat", "1", "1234 AB", "Zwolle")
    assert mapping.relation_missing(full) == []
