"""What each record becomes on the other side, both ways, in one place.

OutSmart → Visma.net (export): a work order becomes a sales document (lines, hours,
reference); a relation a customer; a material or an hour type an inventory item.
Visma.net → OutSmart (sync): a customer becomes a relation; an inventory item a
material, or an hour type when it is a labour item counted in hours.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from vismadesk.config import Settings
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


# --- OutSmart → Visma.net ------------------------------------------------------------


def rounded_minutes(minutes: int, block: int) -> int:
    """Round up to the next block: a started quarter is a billed quarter."""
    if block <= 0 or minutes <= 0:
        return max(minutes, 0)
    return -(-minutes // block) * block


def hours(minutes: int, block: int) -> Decimal:
    return (Decimal(rounded_minutes(minutes, block)) / Decimal(60)).quantize(_HOURS_PLACES)


def material_line(line: MaterialLine) -> DocumentLine:
    return DocumentLine(
        inventory_number=line.code,
        description=line.name or line.code,
        quantity=line.quantity,
        unit_price=line.unit_price,
        uom=line.unit,
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
        description=" · ".join(p for p in parts if p)[:255],
        quantity=hours(line.minutes, block),
        unit_price=price,
        uom=(item.unit if item is not None and item.unit else HOUR_UNIT),
    )


def sales_document(
    wo: WorkOrder,
    fmt: ExportFormat,
    settings: Settings,
    inventory: dict[str, InventoryItem],
    hour_types: dict[str, HourType],
) -> SalesDocument:
    lines = [material_line(m) for m in wo.materials]
    lines += [
        hour_line(
            h, settings.hour_rounding, inventory.get(h.hour_type), hour_types.get(h.hour_type)
        )
        for h in wo.hours
    ]
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
    )


def customer_from_relation(rel: Relation) -> Customer:
    street = " ".join(p for p in (rel.street, rel.house_number) if p)
    return Customer(
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
        description=description,
        type=ItemType.NON_STOCK,
        unit=unit,
        price=price,
        item_class=settings.item_class,
        posting_class=settings.posting_class,
    )


def labour_item(code: str, hour_type: HourType | None, settings: Settings) -> InventoryItem:
    return InventoryItem(
        number=code,
        description=hour_type.name if hour_type else code,
        type=ItemType.LABOUR,
        unit=HOUR_UNIT,
        price=hour_type.sale_price if hour_type else Decimal(0),
        item_class=settings.item_class,
        posting_class=settings.posting_class,
    )


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


def is_labour(item: InventoryItem) -> bool:
    """An hour type in OutSmart, not a material."""
    return item.type == ItemType.LABOUR and item.unit.upper() in HOUR_UNITS


def material_from_item(item: InventoryItem) -> Material:
    return Material(item.number, item.description, item.price, item.unit or DEFAULT_MATERIAL_UNIT)


def hour_type_from_item(item: InventoryItem) -> HourType:
    return HourType(item.number, item.description, sale_price=item.price)
