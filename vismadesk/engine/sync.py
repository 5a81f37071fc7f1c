"""Sync runs (Visma.net master data into OutSmart) and the work-status reset.

Relations and materials flow from Visma.net to OutSmart so the codes are in step
before an export. Each sync reads what changed since its stored cursor; the
first run reads everything.

One bad record never loses its batch: a record OutSmart would refuse (a customer
without the address OutSmart requires) is left out with a warning, and when OutSmart
refuses a batch for one of its records (13xx, 12xx, 18xx), the batch is sent again
one record at a time so only that record fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from vismadesk import messages
from vismadesk.domain import Action, Customer, ExitCode, InventoryItem
from vismadesk.engine import mapping
from vismadesk.engine.context import Context
from vismadesk.engine.failures import exit_code, stops_run
from vismadesk.engine.runs import (
    ProgressReporter,
    RunHooks,
    RunLog,
    RunResult,
    exclusive,
    new_run_id,
)
from vismadesk.errors import AppError, OutSmartError

RELATIONS_CURSOR = "visma.customers"
MATERIALS_CURSOR = "visma.inventory"
# OutSmart takes arrays; keep each POST a reasonable size.
BATCH = 200
# OutSmart's codes for one record of a POST it could not take (insert or update
# failed, a required field missing): relations, materials, hour types.
RECORD_CODES = frozenset({1300, 1301, 1200, 1201, 1800, 1801})
# Why a record is left out before it is sent: the fields it lacks, or None to send it.
Skip = Callable[[object], str | None]


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


def _batches(items: list, size: int = BATCH) -> list[list]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class _Sync:
    """Shared shape of the two syncs: read changed records, write them in batches."""

    def __init__(self, ctx: Context, hooks: RunHooks | None, run_id: str | None = None) -> None:
        hooks = hooks or RunHooks()
        self.ctx = ctx
        self.log = RunLog(ctx.store, Action.IMPORT, run_id or new_run_id(), hooks.on_log)
        self.on_progress = hooks.on_progress
        self.cancel = hooks.cancel

    def run(
        self,
        cursor: str,
        read: Callable[[dt.datetime | None], list],
        write: Callable[[list], int],
        done_message: messages.Message,
        what: str,
        skip: Skip | None = None,
    ) -> RunResult:
        result = RunResult(self.log.run_id, Action.IMPORT)
        started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        try:
            self.ctx.tokens.access_token()
            since = _cursor(self.ctx, cursor)
            items = read(since)
        except AppError as e:
            self.log.error(e)
            result.exit_code = exit_code(e)
            return result
        if since is not None:
            # Visma filters on whole seconds and `>=`, so the newest record of the last
            # run comes back; what is not newer than the cursor was imported already.
            items = [i for i in items if i.last_modified is None or i.last_modified > since]
        result.total = len(items)
        if not items:
            # Says which sync found nothing: Sync all runs two.
            self.log.emit(messages.NOTHING_NEW, what=what)
            return result
        progress = ProgressReporter(Action.IMPORT, len(items), self.on_progress)
        progress.start()
        written = 0
        for batch in _batches(items):
            if self.cancel.is_set():
                result.cancelled = True
                self.log.cancelled(done=written, total=len(items))
                break
            sendable = [i for i in batch if not self._skipped(i, skip, progress, result)]
            done, stop = self._write(sendable, write, progress, result)
            written += done
            if stop:
                break
        result.succeeded = written
        if written:
            self.log.emit(done_message, count=written)
        if not result.failed and not result.cancelled:
            self.ctx.store.cursor_set(cursor, _next_cursor(started, items))
        if not result.failed:
            result.exit_code = ExitCode.OK
        return result

    def _skipped(
        self, item: object, skip: Skip | None, progress: ProgressReporter, result: RunResult
    ) -> bool:
        """Left out with a warning; counted as failed, so the cursor waits for its fix."""
        missing = skip(item) if skip is not None else None
        if missing is None:
            return False
        key = self._key(item)
        self.log.emit(
            messages.RELATION_SKIPPED_INCOMPLETE, record=key, relation=key, fields=missing
        )
        result.failed += 1
        result.exit_code = ExitCode.SOME_FAILED
        progress.step(key, failed=True)
        return True

    def _write(
        self,
        batch: list,
        write: Callable[[list], int],
        progress: ProgressReporter,
        result: RunResult,
    ) -> tuple[int, bool]:
        """(records written, whether the run must stop)."""
        if not batch:
            return 0, False
        try:
            write(batch)
        except AppError as e:
            if len(batch) > 1 and _one_record(e):
                return self._one_by_one(batch, write, progress, result)
            self.log.error(e, details={"records": [self._key(i) for i in batch][:50]})
            result.failed += len(batch)
            result.exit_code = exit_code(e)
            for item in batch:
                progress.step(self._key(item), failed=True)
            return 0, stops_run(e)
        for item in batch:
            progress.step(self._key(item))
        return len(batch), False

    def _one_by_one(
        self,
        batch: list,
        write: Callable[[list], int],
        progress: ProgressReporter,
        result: RunResult,
    ) -> tuple[int, bool]:
        """OutSmart refused the batch for a record in it: send each on its own."""
        written = 0
        for item in batch:
            key = self._key(item)
            try:
                write([item])
            except AppError as e:
                if stops_run(e):
                    self.log.error(e)
                    result.failed += 1
                    result.exit_code = exit_code(e)
                    return written, True
                self.log.emit(
                    messages.RECORD_NOT_SYNCED,
                    record=key,
                    details={"cause": e.message, **e.details},
                    what=_label(item),
                    detail=_detail(e),
                )
                result.failed += 1
                result.exit_code = ExitCode.SOME_FAILED
                progress.step(key, failed=True)
                continue
            written += 1
            progress.step(key)
        return written, False

    @staticmethod
    def _key(item: object) -> str:
        return str(getattr(item, "number", None) or getattr(item, "debtor_number", "") or "")


def _one_record(err: AppError) -> bool:
    return isinstance(err, OutSmartError) and err.outsmart_code in RECORD_CODES


def _label(item: object) -> str:
    if isinstance(item, Customer):
        return f"Relation {item.number}"
    if isinstance(item, InventoryItem):
        kind = "Hour type" if mapping.is_labour(item) else "Material"
        return f"{kind} {item.number}"
    return str(item)


def _detail(err: AppError) -> str:
    if isinstance(err, OutSmartError) and err.outsmart_messages:
        return "; ".join(err.outsmart_messages)
    return err.message


def _incomplete(item: object) -> str | None:
    """What a customer lacks that OutSmart requires (it would refuse it, 1301), or None."""
    assert isinstance(item, Customer)
    missing = mapping.relation_missing(mapping.relation_from_customer(item))
    return ", ".join(f.replace("_", " ") for f in missing) or None


def sync_relations(
    ctx: Context, hooks: RunHooks | None = None, *, wait_s: float = 0.0
) -> RunResult:
    """Visma.net customers → OutSmart relations (one run at a time per profile)."""
    return _exclusive_sync(ctx, hooks, wait_s, _sync_relations)


def sync_materials(
    ctx: Context, hooks: RunHooks | None = None, *, wait_s: float = 0.0
) -> RunResult:
    """Visma.net inventory → OutSmart materials; labour items → hour types."""
    return _exclusive_sync(ctx, hooks, wait_s, _sync_materials)


def sync_all(ctx: Context, hooks: RunHooks | None = None, *, wait_s: float = 0.0) -> RunResult:
    """Relations, then materials, as one run."""
    return _exclusive_sync(ctx, hooks, wait_s, _sync_all)


def _exclusive_sync(
    ctx: Context,
    hooks: RunHooks | None,
    wait_s: float,
    body: Callable[[Context, RunHooks | None, str], RunResult],
) -> RunResult:
    run_id = new_run_id()
    log = RunLog(ctx.store, Action.IMPORT, run_id, (hooks or RunHooks()).on_log)
    return exclusive(ctx.store, log, wait_s, lambda: body(ctx, hooks, run_id))


def _sync_relations(ctx: Context, hooks: RunHooks | None, run_id: str) -> RunResult:
    sync = _Sync(ctx, hooks, run_id)

    def write(batch: list[Customer]) -> int:
        return ctx.outsmart.save_relations([mapping.relation_from_customer(c) for c in batch])

    return sync.run(
        RELATIONS_CURSOR,
        lambda since: ctx.visma.list_customers(since),
        write,
        messages.RELATIONS_IMPORTED,
        "Relations",
        skip=_incomplete,
    )


def _sync_materials(ctx: Context, hooks: RunHooks | None, run_id: str) -> RunResult:
    sync = _Sync(ctx, hooks, run_id)

    def write(batch: list[InventoryItem]) -> int:
        labour = [i for i in batch if mapping.is_labour(i)]
        goods = [i for i in batch if not mapping.is_labour(i)]
        n = 0
        if goods:
            n += ctx.outsmart.save_materials([mapping.material_from_item(i) for i in goods])
        if labour:
            n += ctx.outsmart.save_hour_types([mapping.hour_type_from_item(i) for i in labour])
        return n

    return sync.run(
        MATERIALS_CURSOR,
        lambda since: ctx.visma.list_inventory(since),
        write,
        messages.MATERIALS_IMPORTED,
        "Materials",
    )


def _sync_all(ctx: Context, hooks: RunHooks | None, run_id: str) -> RunResult:
    first = _sync_relations(ctx, hooks, run_id)
    if first.exit_code == ExitCode.CONFIG or first.cancelled:
        return first
    second = _sync_materials(ctx, hooks, run_id)
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
    hooks: RunHooks | None = None,
    *,
    wait_s: float = 0.0,
) -> RunResult:
    """Put failed work orders back to the ready-for-export status (the troubleshooting
    page's fix). One run at a time per profile: it changes what an export would send."""
    hooks = hooks or RunHooks()
    log = RunLog(ctx.store, Action.RESET, new_run_id(), hooks.on_log)
    return exclusive(ctx.store, log, wait_s, lambda: _reset(ctx, numbers, hooks, log))


def _reset(ctx: Context, numbers: Sequence[str], hooks: RunHooks, log: RunLog) -> RunResult:
    result = RunResult(log.run_id, Action.RESET, total=len(numbers))
    progress = ProgressReporter(Action.RESET, len(numbers), hooks.on_progress)
    for number in numbers:
        if hooks.cancel.is_set():
            result.cancelled = True
            break
        status = reset_status(ctx, number)
        try:
            if not status:
                raise AppError(messages.RESET_STATUS_UNKNOWN.code)
            ctx.outsmart.set_work_status(number, status)
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
    result.exit_code = ExitCode.SOME_FAILED if result.failed else ExitCode.OK
    return result
