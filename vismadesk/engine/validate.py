"""The checks the troubleshooting page names, made before anything is sent, and the ones
VISMA.net would refuse the document or the new item for (issue #15).

Each problem becomes one log entry in the page's words; a work order with any
problem is not sent, and gets the error work status instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import WorkOrder
from vismadesk.engine import mapping
from vismadesk.engine.master_data import MasterData
from vismadesk.errors import AppError


@dataclass
class Problem:
    """Why a work order cannot go: a catalogue message, an error Visma.net or OutSmart
    gave, or both (the message says what failed, the error why)."""

    message: messages.Message | None
    values: dict[str, Any]  # splatted into RunLog.emit, whose keywords are typed
    record: str | None = None
    error: AppError | None = None
    details: dict[str, object] = field(default_factory=dict)


def validate(wo: WorkOrder, md: MasterData, settings: Settings) -> list[Problem]:
    """Everything wrong with the work order that New relation / New material cannot fix.

    `wo` has the settings' defaults filled in already (`mapping.with_defaults`)."""
    problems = _relation_problems(wo, md, settings)
    for line in wo.materials:
        if not line.code.strip():
            problems.append(Problem(messages.MATERIAL_CODE_MISSING, {}, None))
        elif line.quantity <= 0:
            problems.append(
                Problem(messages.QUANTITY_NOT_POSITIVE, {"material": line.code}, line.code)
            )
    if any(not h.hour_type for h in wo.hours):
        problems.append(Problem(messages.HOURS_WITHOUT_HOUR_TYPE, {}, None))
    default = settings.default_labour_item
    if default and default not in md.inventory and any(h.hour_type == default for h in wo.hours):
        # Never created: its number is a setting, not an OutSmart hour type to copy.
        problems.append(
            Problem(messages.DEFAULT_LABOUR_ITEM_NOT_IN_VISMA, {"item": default}, default)
        )
    text_item = settings.description_item
    if text_item and wo.description.strip() and text_item not in md.inventory:
        problems.append(
            Problem(messages.DESCRIPTION_ITEM_NOT_IN_VISMA, {"item": text_item}, text_item)
        )
    problems += _missing_items(wo, md, settings)
    problems += _unit_problems(wo, md, settings)
    problems += _number_problems(wo)
    return problems


# VISMA.net keeps amounts and quantities as decimal(19,4)-like columns, and its JSON
# bodies carry them as doubles: beyond 15 digits before the mark, or with more digits
# than a double holds, what arrives is not what OutSmart says.
_MAX_NUMBER = Decimal(10) ** 15
_MICRO = Decimal("0.000001")


def fits_visma(value: Decimal) -> bool:
    """Whether VISMA.net receives exactly this number (to a millionth)."""
    if not value.is_finite() or abs(value) >= _MAX_NUMBER:
        return False
    sent = Decimal(repr(float(value)))
    return sent.quantize(_MICRO) == value.quantize(_MICRO)


def _number_problems(wo: WorkOrder) -> list[Problem]:
    problems: list[Problem] = []
    for n, line in enumerate(wo.materials, start=1):
        for name, value in (("MaterialNr", line.quantity), ("MaterialPrice", line.unit_price)):
            if not fits_visma(value):
                problems.append(
                    Problem(
                        messages.NUMBER_TOO_LARGE,
                        {"field": f"Materials[{n}].{name}", "value": str(value)},
                        line.code or None,
                    )
                )
    return problems


def _missing_items(wo: WorkOrder, md: MasterData, settings: Settings) -> list[Problem]:
    """Items VISMA.net lacks: named, or (New material) checked that they can be created."""
    problems: list[Problem] = []
    materials = [c for c in dict.fromkeys(m.code for m in wo.materials) if c.strip()]
    hour_types = [
        c
        for c in dict.fromkeys(h.hour_type for h in wo.hours)
        if c and c != settings.default_labour_item
    ]
    for code in materials:
        if code in md.inventory:
            continue
        if not settings.new_material:
            problems.append(Problem(messages.MATERIAL_NOT_IN_VISMA, {"material": code}, code))
        elif not settings.item_class:
            problems.append(
                Problem(messages.NEW_ITEM_NEEDS_CLASS, {"what": f"Material {code}"}, code)
            )
    for code in hour_types:
        if code in md.inventory:
            continue
        if not settings.new_material:
            problems.append(Problem(messages.HOUR_TYPE_NOT_IN_VISMA, {"hour_type": code}, code))
        elif not mapping.labour_class(settings):
            problems.append(
                Problem(messages.NEW_ITEM_NEEDS_CLASS, {"what": f"Hour type {code}"}, code)
            )
    return problems


def _unit_problems(wo: WorkOrder, md: MasterData, settings: Settings) -> list[Problem]:
    """Each material line's unit must be one VISMA.net knows: the item's own, or, for an
    item New material creates, one the company's items use. VISMA.net publishes no list
    of units, so the items are where they are known (and SalesOrders allows 6 letters)."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for line in wo.materials:
        if not line.unit.strip() or not line.code.strip() or (line.code, line.unit) in seen:
            continue
        seen.add((line.code, line.unit))
        unit = mapping.visma_unit(line.unit, settings)
        item = md.inventory.get(line.code)
        known = mapping.item_units(item) if item is not None else md.company_units()
        if unit in known and len(unit) <= 6:
            continue
        problems.append(
            Problem(
                messages.UNIT_NOT_IN_VISMA,
                {"unit": line.unit, "material": line.code},
                line.code,
                details={"visma_unit": unit, "known_units": sorted(known)},
            )
        )
    return problems


def _relation_problems(wo: WorkOrder, md: MasterData, settings: Settings) -> list[Problem]:
    relation = wo.relation or ""
    if not relation or relation not in md.relations:
        return [
            Problem(
                messages.RELATION_NOT_IN_OUTSMART,
                {"relation": relation or "(none)"},
                relation or None,
            )
        ]
    if relation not in md.customers and not settings.new_relation:
        return [Problem(messages.RELATION_NOT_IN_VISMA, {"relation": relation}, relation)]
    return []
