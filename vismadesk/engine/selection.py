"""Which work orders are ready for export: one rule for the export and the Work orders tab.

A work order is ready when the field finished it (OutSmart lists it as Compleet),
it has the ready-for-export work status when one is set, and it is neither parked in
the error status (a failed work order waits there until the planner resets it) nor
claimed by an export (the in-export work status: a console is creating its document).
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


def claim_clash(settings: Settings) -> str | None:
    """Which other work status the in-export one equals ("ready-for-export", "error"),
    or None. A claim in such a status could not be told from the status it replaces."""
    status = settings.export_claim_status
    if not status:
        return None
    if status == settings.ready_status:
        return "ready-for-export"
    if status == settings.error_status:
        return "error"
    return None


def claim_status_of(settings: Settings) -> str:
    """The in-export work status claims use; empty when none can be used."""
    return "" if claim_clash(settings) else settings.export_claim_status


def is_parked(work_status: str, settings: Settings) -> bool:
    """In the error status: a failed export waits there until it is reset."""
    return bool(settings.error_status) and work_status == settings.error_status


def is_claimed(work_status: str, settings: Settings) -> bool:
    """In the in-export status: a console claimed it to create its document."""
    status = claim_status_of(settings)
    return bool(status) and work_status == status


def is_ready(work_status: str, settings: Settings) -> bool:
    """A completed work order with this work status goes out with the next export."""
    if is_parked(work_status, settings) or is_claimed(work_status, settings):
        return False
    return not settings.ready_status or work_status == settings.ready_status


@dataclass(slots=True)
class ReadyWorkOrders:
    orders: list[WorkOrder]
    # Ready ones OutSmart lists with a value that cannot be read: each error names
    # the work order and the field, so the export can explain it and park it.
    unreadable: list[AppError] = field(default_factory=list)
    # Completed work orders in the in-export status: claimed by an export (this
    # console's or another's), whose document may or may not exist yet.
    claimed: list[WorkOrder] = field(default_factory=list)
    # Claimed ones that cannot be read: explained, never parked (a console may be
    # creating their document right now).
    claimed_unreadable: list[AppError] = field(default_factory=list)


def ready_for_export(
    outsmart: OutSmartClient, settings: Settings, only: Collection[str] | None = None
) -> ReadyWorkOrders:
    """What an export sends (of `only`, when given), each work order once, and what
    exports have claimed."""
    unreadable: list[AppError] = []
    claim_status = claim_status_of(settings)
    # OutSmart filters on the ready status itself, so fewer work orders travel.
    listed = outsmart.work_orders(COMPLETED, settings.ready_status or None, unreadable=unreadable)
    in_export: list[WorkOrder] = []
    in_export_bad: list[AppError] = []
    if claim_status and settings.ready_status:
        in_export = outsmart.work_orders(COMPLETED, claim_status, unreadable=in_export_bad)
    else:
        in_export = [wo for wo in listed if wo.work_status == claim_status] if claim_status else []
        in_export_bad = [e for e in unreadable if _status(e) == claim_status and claim_status]

    def wanted(number: object) -> bool:
        return only is None or number in only

    orders = [wo for wo in _ready(listed, settings) if wanted(wo.number)]
    bad = [
        e
        for e in unreadable
        # OutSmart already chose these by the ready status; what the row says may be
        # the very value that cannot be read, so only the error and claim status count.
        if not is_parked(_status(e), settings)
        and not is_claimed(_status(e), settings)
        and wanted(e.details.get("work_order"))
    ]
    claimed = [wo for wo in _unique(in_export) if wanted(wo.number)]
    claimed_bad = [e for e in in_export_bad if wanted(e.details.get("work_order"))]
    return ReadyWorkOrders(orders, bad, claimed, claimed_bad)


def work_order_lists(
    outsmart: OutSmartClient, settings: Settings
) -> tuple[list[WorkOrder], list[WorkOrder]]:
    """(ready for export, parked in the error status), as OutSmart lists them now."""
    completed = outsmart.work_orders(COMPLETED, None)
    parked = [wo for wo in completed if is_parked(wo.work_status, settings)]
    return _ready(completed, settings), parked


def _status(err: AppError) -> str:
    return str(err.details.get("work_status") or "")


def _unique(listed: Iterable[WorkOrder]) -> list[WorkOrder]:
    seen: set[str] = set()
    out = []
    for wo in listed:
        if wo.number not in seen:
            seen.add(wo.number)
            out.append(wo)
    return out


def _ready(listed: Iterable[WorkOrder], settings: Settings) -> list[WorkOrder]:
    return _unique(wo for wo in listed if is_ready(wo.work_status, settings))
