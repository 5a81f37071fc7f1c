"""Which work orders are ready for export: one rule for the export and the Work orders tab.

A work order is ready when the field finished it (OutSmart lists it as Compleet),
it has the ready-for-export work status when one is set, and it is not parked in
the error status: a failed work order waits there until the planner resets it.
The tab lists what this rule selects, so it shows exactly what an export sends.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from vismadesk.config import Settings
from vismadesk.domain import WorkOrder
from vismadesk.errors import AppError
from vismadesk.outsmart.client import OutSmartClient

# OutSmart's status of a work order the field has finished.
COMPLETED = "Compleet"


def is_parked(work_status: str, settings: Settings) -> bool:
    """In the error status: a failed export waits there until it is reset."""
    return bool(settings.error_status) and work_status == settings.error_status


def is_ready(work_status: str, settings: Settings) -> bool:
    """A completed work order with this work status goes out with the next export."""
    if is_parked(work_status, settings):
        return False
    return not settings.ready_status or work_status == settings.ready_status


@dataclass(slots=True)
class ReadyWorkOrders:
    orders: list[WorkOrder]
    # Ready ones OutSmart lists with a value that cannot be read: each error names
    # the work order and the field, so the export can explain it and park it.
    unreadable: list[AppError] = field(default_factory=list)


def ready_for_export(
    outsmart: OutSmartClient, settings: Settings, only: Collection[str] | None = None
) -> ReadyWorkOrders:
    """What an export sends (of `only`, when given), each work order once."""
    unreadable: list[AppError] = []
    # OutSmart filters on the ready status itself, so fewer work orders travel.
    listed = outsmart.work_orders(COMPLETED, settings.ready_status or None, unreadable=unreadable)
    orders = [wo for wo in _ready(listed, settings) if only is None or wo.number in only]
    bad = [
        e
        for e in unreadable
        # OutSmart already chose these by the ready status; what the row says may be
        # the very value that cannot be read, so only the error status is checked.
        if not is_parked(str(e.details.get("work_status") or ""), settings)
        and (only is None or e.details.get("work_order") in only)
    ]
    return ReadyWorkOrders(orders, bad)


def work_order_lists(
    outsmart: OutSmartClient, settings: Settings
) -> tuple[list[WorkOrder], list[WorkOrder]]:
    """(ready for export, parked in the error status), as OutSmart lists them now."""
    completed = outsmart.work_orders(COMPLETED, None)
    parked = [wo for wo in completed if is_parked(wo.work_status, settings)]
    return _ready(completed, settings), parked


def _ready(listed: Iterable[WorkOrder], settings: Settings) -> list[WorkOrder]:
    seen: set[str] = set()
    ready = []
    for wo in listed:
        if is_ready(wo.work_status, settings) and wo.number not in seen:
            seen.add(wo.number)
            ready.append(wo)
    return ready
