"""The checks the troubleshooting page names, made before anything is sent.

Each problem becomes one log entry in the page's words; a work order with any
problem is not sent, and gets the error work status instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import WorkOrder
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
    """Everything wrong with the work order that New relation / New material cannot fix."""
    problems = _relation_problems(wo, md, settings)
    for line in wo.materials:
        if line.quantity <= 0:
            problems.append(
                Problem(messages.QUANTITY_NOT_POSITIVE, {"material": line.code}, line.code)
            )
    if not settings.new_material:
        for code in dict.fromkeys(m.code for m in wo.materials):
            if code not in md.inventory:
                problems.append(Problem(messages.MATERIAL_NOT_IN_VISMA, {"material": code}, code))
        for code in dict.fromkeys(h.hour_type for h in wo.hours):
            if code not in md.inventory:
                problems.append(Problem(messages.HOUR_TYPE_NOT_IN_VISMA, {"hour_type": code}, code))
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
