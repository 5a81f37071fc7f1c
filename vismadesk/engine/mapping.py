"""What each record becomes on the other side, both ways, in one place.

OutSmart → Visma.net (export): a work order becomes a sales document (lines, hours,
reference); a relation a customer; a material or an hour type an inventory item.
Visma.net → OutSmart (sync): a customer becomes a relation; an inventory item a
material, or an hour type when it is a labour item counted in hours.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from vismadesk.config import Settings, project_and_task
from vismadesk.domain import (
    Customer,
    DocumentLine,
    ExportFormat,
    HourLine,
    HourType,
    InventoryItem,
    ItemType,
    Material,
    MaterialLine,
    Relation,
    SalesDocument,
    WorkOrder,
)

# Labour items carry hours; Dutch Visma.net companies call the unit UUR.
HOUR_UNIT = "UUR"
# Units Visma.net companies use for hours; a labour item in one becomes an hour type.
HOUR_UNITS = frozenset({HOUR_UNIT, "UREN", "HOUR", "HOURS", "HR", "H"})
# The unit a material gets in OutSmart when Visma.net gives the item none.
DEFAULT_MATERIAL_UNIT = "st"
_HOURS_PLACES = Decimal("0.0001")
# SalesOrders v3 lines take a description of at most 256 characters.
LINE_TEXT_MAX = 256
# What OutSmart needs of a relation (the blueprint's required fields besides the key).
RELATION_REQUIRED = (("name", "name"), ("street", "street"), ("postal_code", "postal_code"),
                     ("city", "city"))  # fmt: skip


# --- OutSmart → Visma.net ------------------------------------------------------------


def rounded_minutes(minutes: int, block: int) -> int:
    """Round up to the next block: a started quarter is a billed quarter."""
    if block <= 0 or minutes <= 0:
        return max(minutes, 0)
    return -(-minutes // block) * block


def hours(minutes: int, block: int) -> Decimal:
    return (Decimal(rounded_minutes(minutes, block)) / Decimal(60)).quantize(_HOURS_PLACES)


def with_defaults(wo: WorkOrder, settings: Settings) -> WorkOrder:
    """The work order with the settings' defaults filled in: hours without an hour type
    are billed as the default labour item, when one is set."""
    item = settings.default_labour_item
    if not item or all(h.hour_type for h in wo.hours):
        return wo
    return replace(wo, hours=[replace(h, hour_type=h.hour_type or item) for h in wo.hours])


def visma_unit(unit: str, settings: Settings) -> str:
    """OutSmart's free-text unit as a VISMA.net unit: the settings' table, else itself."""
    mapped = settings.unit_map.lookup(unit) if unit.strip() else None
    return (mapped or unit).strip().upper()


def item_units(item: InventoryItem) -> set[str]:
    """Every unit VISMA.net knows for the item."""
    return {u.upper() for u in (item.unit, *item.units) if u}


def company_units(inventory: Iterable[InventoryItem]) -> set[str]:
    """The units the company's items use: VISMA.net has no list of units of its own."""
    return {u for item in inventory for u in item_units(item)}


def project_of(wo: WorkOrder, settings: Settings) -> tuple[str, str]:
    """(VISMA.net project, task) for the work order's OutSmart project; ("", "") if none."""
    mapped = settings.project_map.lookup(wo.project) if wo.project else None
    return project_and_task(mapped) if mapped else ("", "")


def material_line(line: MaterialLine, settings: Settings) -> DocumentLine:
    return DocumentLine(
        inventory_number=line.code,
        description=(line.name or line.code)[:LINE_TEXT_MAX],
        quantity=line.quantity,
        unit_price=line.unit_price,
        uom=visma_unit(line.unit, settings),
    )


def hour_line(
    line: HourLine, block: int, item: InventoryItem | None, hour_type: HourType | None
) -> DocumentLine:
    price = item.price if item is not None and item.price else Decimal(0)
    if not price and hour_type is not None:
        price = hour_type.sale_price
    parts = [
        hour_type.name if hour_type else (item.description if item else line.hour_type),
        line.date.strftime("%d-%m-%Y") if line.date else "",
        line.employee,
        line.remark,
    ]
    return DocumentLine(
        inventory_number=line.hour_type,
        description=" · ".join(p for p in parts if p)[:LINE_TEXT_MAX],
        quantity=hours(line.minutes, block),
        unit_price=price,
        uom=(item.unit if item is not None and item.unit else HOUR_UNIT).upper(),
    )


def text_lines(description: str, item: str) -> list[DocumentLine]:
    """The work description as lines of text on `item`, quantity 0, cut between words."""
    chunks = textwrap.wrap(" ".join(description.split()), LINE_TEXT_MAX)
    return [DocumentLine(item, chunk, Decimal(0), Decimal(0)) for chunk in chunks]


def sales_document(
    wo: WorkOrder,
    fmt: ExportFormat,
    settings: Settings,
    inventory: dict[str, InventoryItem],
    hour_types: dict[str, HourType],
) -> SalesDocument:
    lines = []
    if settings.description_item and wo.description:
        lines += text_lines(wo.description, settings.description_item)
    lines += [material_line(m, settings) for m in wo.materials]
    lines += [
        hour_line(
            h, settings.hour_rounding, inventory.get(h.hour_type), hour_types.get(h.hour_type)
        )
        for h in wo.hours
    ]
    project, task = project_of(wo, settings)
    for line in lines:
        line.vat_category = settings.vat_category
        line.project_task = task
        # Invoice lines have no warehouse: it goes on sales order lines only.
        line.warehouse = settings.warehouse if fmt is ExportFormat.SALES_ORDER else ""
    description = f"Werkbon {wo.number}"
    if wo.description:
        description += f" – {wo.description}"
    return SalesDocument(
        format=fmt,
        customer_number=wo.relation or "",
        reference=wo.number,
        date=wo.end_date or wo.work_date or dt.date.today(),
        description=description[:255],
        lines=lines,
        order_type=settings.order_type,
        branch=settings.branch,
        credit_terms=settings.credit_terms,
        project=project,
    )


def customer_from_relation(rel: Relation, settings: Settings | None = None) -> Customer:
    street = " ".join(p for p in (rel.street, rel.house_number) if p)
    s = settings or Settings()
    return Customer(
        customer_class=s.customer_class,
        override_class_values=bool(s.customer_class) and s.override_class_values,
        credit_terms=s.customer_terms,
        number=rel.debtor_number,
        name=rel.name,
        street=street,
        postal_code=rel.postal_code,
        city=rel.city,
        email=rel.email,
        phone=rel.phone,
        contact=rel.contact,
        vat_number=rel.vat_number,
        coc_number=rel.coc_number,
    )


def item_from_material(
    code: str, line: MaterialLine | None, material: Material | None, settings: Settings
) -> InventoryItem:
    if material is not None:
        description, unit, price = material.description, material.unit, material.price
    elif line is not None:
        description, unit, price = line.name or code, line.unit, line.unit_price
    else:
        description, unit, price = code, "", Decimal(0)
    return InventoryItem(
        number=code,
        description=description or code,
        type=ItemType.NON_STOCK,
        unit=visma_unit(unit, settings),
        price=price,
        item_class=settings.item_class,
        posting_class=settings.posting_class,
    )


def labour_item(code: str, hour_type: HourType | None, settings: Settings) -> InventoryItem:
    return InventoryItem(
        number=code,
        description=(hour_type.name if hour_type else "") or code,
        type=ItemType.LABOUR,
        unit=HOUR_UNIT,
        price=hour_type.sale_price if hour_type else Decimal(0),
        item_class=labour_class(settings),
        posting_class=settings.posting_class,
    )


def labour_class(settings: Settings) -> str:
    """The item class for a new labour item: its own setting, else the materials' one."""
    return settings.labour_item_class or settings.item_class


# --- Visma.net → OutSmart ------------------------------------------------------------


def relation_from_customer(c: Customer) -> Relation:
    return Relation(
        debtor_number=c.number,
        name=c.name,
        street=c.street,
        postal_code=c.postal_code,
        city=c.city,
        contact=c.contact,
        phone=c.phone,
        email=c.email,
        vat_number=c.vat_number,
        coc_number=c.coc_number,
    )


def relation_missing(rel: Relation) -> list[str]:
    """OutSmart's required relation fields the relation has no value for (a POST with
    any of them empty is refused, 1301, with the whole batch)."""
    return [name for name, attr in RELATION_REQUIRED if not str(getattr(rel, attr)).strip()]


def is_labour(item: InventoryItem) -> bool:
    """An hour type in OutSmart, not a material."""
    return item.type == ItemType.LABOUR and item.unit.upper() in HOUR_UNITS


def material_from_item(item: InventoryItem) -> Material:
    return Material(item.number, item.description, item.price, item.unit or DEFAULT_MATERIAL_UNIT)


def hour_type_from_item(item: InventoryItem) -> HourType:
    return HourType(item.number, item.description, sale_price=item.price)
