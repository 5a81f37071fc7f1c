"""Status after export: the OutSmart work status an exported work order gets.

As OutSmart's Exact Online link does, an exported work order can get a work status of
the company's own besides Afgehandeld ("Gefactureerd", say), so planners see in
OutSmart what reached the books. It is set once the work order is marked handled: a
status that cannot be set is a warning, never an export that failed, and nothing is
sent to Visma.net again for it.
"""

from __future__ import annotations

import threading

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import WorkOrder
from vismadesk.engine.context import Context
from vismadesk.engine.failures import stops_run
from vismadesk.engine.runs import RunLog
from vismadesk.engine.selection import claim_status_of
from vismadesk.errors import AppError, OutSmartError
from vismadesk.outsmart import codes


class ExportedStatus:
    """Shared by a run's workers; `apply` gives one exported work order the status."""

    def __init__(self, ctx: Context, settings: Settings, log: RunLog) -> None:
        self.ctx = ctx
        self.log = log
        self._lock = threading.Lock()
        status = settings.exported_status
        if status and status in (settings.error_status, claim_status_of(settings)):
            # Such a work order would look failed (or claimed by a console) ever after.
            log.emit(messages.EXPORTED_STATUS_CLASH, status=status)
            status = ""
        self.status = status

    def apply(self, wo: WorkOrder) -> None:
        status = self.status
        if not status:
            return
        try:
            self.ctx.outsmart.set_work_status(wo.number, status)
        except AppError as e:
            if stops_run(e):
                raise
            unknown = isinstance(e, OutSmartError) and e.outsmart_code == codes.BAD_VALUE
            if unknown:
                # OutSmart does not know the status: every next work order would be
                # refused the same way, so it is said once and not tried again.
                with self._lock:
                    if not self.status:
                        return
                    self.status = ""
            self.log.emit(
                messages.EXPORTED_STATUS_NOT_SET,
                work_order=wo.number,
                details={"cause": e.message, **e.details},
                status=status,
            )
