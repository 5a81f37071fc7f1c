"""Sync runs (Visma.net master data into OutSmart) and the work-status reset.

Relations and materials flow from Visma.net to OutSmart so the codes are in step
before an export. Each sync reads what changed since its stored cursor; the
first run reads everything.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

from vismadesk import messages
from vismadesk.domain import (
    Action,
    Customer,
    HourType,
    InventoryItem,
    Material,
    Relation,
    WorkOrder,
)
from vismadesk.engine.context import Context
from vismadesk.engine.failures import set_work_status, stops_run
from vismadesk.engine.runs import (
    EXIT_CONFIG,
    EXIT_OK,
    EXIT_SOME_FAILED,
    LogCallback,
    ProgressCallback,
    ProgressReporter,
    RunLog,
    RunResult,
    new_run_id,
)
from vismadesk.errors import AppError

RELATIONS_CURSOR = "visma.customers"
MATERIALS_CURSOR = "visma.inventory"
# Units Visma.net companies use for hours; a labour item in one becomes an hour type.
HOUR_UNITS = {"UUR", "UREN", "HOUR", "HOURS", "HR", "H"}
# OutSmart takes arrays; keep each POST a reasonable size.
BATCH = 200


def _cursor(ctx: Context, name: str) -> dt.datetime | None:
    raw = ctx.store.cursor_get(name)
    if not raw:
        return None
    try:
        return dt.datetime.fromisoformat(raw)
    except ValueError:
        return None  # an unreadable cursor means: read everything again


def _next_cursor(started: dt.datetime, items: Sequence[Customer | InventoryItem]) -> str:
    seen = [i.last_modified for i in items if i.last_modified is not None]
    # The newest change seen, so a clock difference with Visma.net loses nothing.
    newest = max(seen) if seen else None
    return (newest or started).isoformat()


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


def _is_labour(item: InventoryItem) -> bool:
    return item.type == "LaborItem" and item.unit.upper() in HOUR_UNITS


def _batches(items: list, size: int = BATCH) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _Sync:
    """Shared shape of the two syncs: read changed records, write them in batches."""

    def __init__(
        self,
        ctx: Context,
        on_log: LogCallback | None,
        on_progress: ProgressCallback | None,
        cancel: threading.Event | None,
        run_id: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.log = RunLog(ctx.store, Action.IMPORT, run_id or new_run_id(), on_log)
        self.on_progress = on_progress
        self.cancel = cancel or threading.Event()

    def run(
        self,
        cursor: str,
        read: Callable[[dt.datetime | None], list],
        write: Callable[[list], int],
        done_message: messages.Message,
        label: str,
    ) -> RunResult:
        result = RunResult(self.log.run_id, Action.IMPORT)
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            self.ctx.tokens.access_token()
            since = _cursor(self.ctx, cursor)
            items = read(since)
        except AppError as e:
            self.log.error(e)
            result.exit_code = EXIT_CONFIG if stops_run(e) else EXIT_SOME_FAILED
            return result
        if since is not None:
            # Visma filters on whole seconds and `>=`, so the newest record of the last
            # run comes back; what is not newer than the cursor was imported already.
            items = [i for i in items if i.last_modified is None or i.last_modified > since]
        result.total = len(items)
        if not items:
            self.log.emit(messages.NOTHING_TO_DO)
            return result
        progress = ProgressReporter(Action.IMPORT, len(items), self.on_progress)
        progress.start()
        written = 0
        for batch in _batches(items):
            if self.cancel.is_set():
                result.cancelled = True
                self.log.emit(messages.RUN_CANCELLED, action=label, done=written, total=len(items))
                break
            try:
                write(batch)
            except AppError as e:
                self.log.error(e, details={"records": [self._key(i) for i in batch][:50]})
                result.failed += len(batch)
                result.exit_code = EXIT_CONFIG if stops_run(e) else EXIT_SOME_FAILED
                if stops_run(e):
                    break
                continue
            written += len(batch)
            for item in batch:
                progress.step(self._key(item))
        result.succeeded = written
        if written:
            self.log.emit(done_message, count=written)
        if not result.failed and not result.cancelled:
            self.ctx.store.cursor_set(cursor, _next_cursor(started, items))
        if not result.failed:
            result.exit_code = EXIT_OK
        return result

    @staticmethod
    def _key(item: object) -> str:
        return str(getattr(item, "number", None) or getattr(item, "debtor_number", "") or "")


def sync_relations(
    ctx: Context,
    *,
    on_log: LogCallback | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Visma.net customers → OutSmart relations."""
    sync = _Sync(ctx, on_log, on_progress, cancel, run_id)

    def write(batch: list[Customer]) -> int:
        return ctx.outsmart.save_relations([relation_from_customer(c) for c in batch])

    return sync.run(
        RELATIONS_CURSOR,
        lambda since: ctx.visma.list_customers(since),
        write,
        messages.RELATIONS_IMPORTED,
        "Sync relations",
    )


def sync_materials(
    ctx: Context,
    *,
    on_log: LogCallback | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    run_id: str | None = None,
) -> RunResult:
    """Visma.net inventory → OutSmart materials; labour items → hour types."""
    sync = _Sync(ctx, on_log, on_progress, cancel, run_id)

    def write(batch: list[InventoryItem]) -> int:
        labour = [i for i in batch if _is_labour(i)]
        goods = [i for i in batch if not _is_labour(i)]
        n = 0
        if goods:
            n += ctx.outsmart.save_materials(
                [Material(i.number, i.description, i.price, i.unit or "st") for i in goods]
            )
        if labour:
            n += ctx.outsmart.save_hour_types(
                [HourType(i.number, i.description, sale_price=i.price) for i in labour]
            )
        return n

    return sync.run(
        MATERIALS_CURSOR,
        lambda since: ctx.visma.list_inventory(since),
        write,
        messages.MATERIALS_IMPORTED,
        "Sync materials",
    )


def sync_all(
    ctx: Context,
    *,
    on_log: LogCallback | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    run_id = new_run_id()
    first = sync_relations(
        ctx, on_log=on_log, on_progress=on_progress, cancel=cancel, run_id=run_id
    )
    if first.exit_code == EXIT_CONFIG or first.cancelled:
        return first
    second = sync_materials(
        ctx, on_log=on_log, on_progress=on_progress, cancel=cancel, run_id=run_id
    )
    return RunResult(
        run_id,
        Action.IMPORT,
        total=first.total + second.total,
        succeeded=first.succeeded + second.succeeded,
        failed=first.failed + second.failed,
        cancelled=second.cancelled,
        exit_code=max(first.exit_code, second.exit_code),
    )


def reset_status(ctx: Context, number: str) -> str | None:
    """The work status a reset work order gets back.

    The configured ready-for-export status; without one, the status the work order
    had before its export failed.
    """
    if ctx.settings.ready_status:
        return ctx.settings.ready_status
    journal = ctx.store.journal_get(number)
    return journal.previous_status if journal is not None else None


def reset_work_orders(
    ctx: Context,
    numbers: Sequence[str],
    *,
    on_log: LogCallback | None = None,
    on_progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Put failed work orders back to the ready-for-export status (the seed's fix)."""
    log = RunLog(ctx.store, Action.RESET, new_run_id(), on_log)
    result = RunResult(log.run_id, Action.RESET, total=len(numbers))
    progress = ProgressReporter(Action.RESET, len(numbers), on_progress)
    for number in numbers:
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        status = reset_status(ctx, number)
        try:
            if not status:
                raise AppError(messages.RESET_STATUS_UNKNOWN.code)
            set_work_status(ctx.outsmart, number, status)
        except AppError as e:
            log.emit(
                messages.STATUS_RESET_FAILED,
                work_order=number,
                record=number,
                details={"cause": e.message, **e.details},
            )
            result.failed += 1
            progress.step(number, failed=True)
            continue
        # A failed export may be tried again; one that reached Visma.net never is.
        ctx.store.journal_forget(number)
        log.emit(messages.STATUS_RESET, work_order=number, record=number, status=status)
        result.succeeded += 1
        progress.step(number)
    result.exit_code = EXIT_SOME_FAILED if result.failed else EXIT_OK
    return result


def work_order_lists(ctx: Context) -> tuple[list[WorkOrder], list[WorkOrder]]:
    """(ready for export, in the error status) as OutSmart lists them now."""
    s = ctx.settings
    completed = ctx.outsmart.work_orders("Compleet", None)
    error = [wo for wo in completed if s.error_status and wo.work_status == s.error_status]
    if s.ready_status:
        ready = [wo for wo in completed if wo.work_status == s.ready_status]
    else:
        ready = [wo for wo in completed if wo not in error]
    return ready, error
