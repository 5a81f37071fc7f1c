"""The export run: completed OutSmart work orders become Visma.net documents, once.

Once per profile at a time (the store's run lock), whoever starts it. A run lists what
is ready and what exports have claimed (the in-export work status), reads what
Visma.net already holds (`KnownDocuments`) beside the master data, decides what to do
with each claimed work order (`claims`), and then exports each work order in a
shuffled order, so two consoles started together rarely meet on the same one
(`export_order` does one work order). After creating, it reads again what changed
since it started and names every work order that reached Visma.net twice.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
from collections import deque
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from vismadesk import messages
from vismadesk.domain import Action, ExitCode, JournalState, WorkOrder
from vismadesk.engine import claims
from vismadesk.engine.claims import ClaimedOrder, Plan, Step
from vismadesk.engine.context import Context
from vismadesk.engine.duplicates import report_duplicates
from vismadesk.engine.export_order import (
    GOOD,
    NEUTRAL,
    OrderExport,
    Outcome,
    park_in_error_status,
)
from vismadesk.engine.failures import exit_code, is_transient, stops_run
from vismadesk.engine.known_documents import KnownDocuments
from vismadesk.engine.master_data import MasterData
from vismadesk.engine.runs import (
    ProgressReporter,
    RunHooks,
    RunLog,
    RunResult,
    exclusive,
    new_run_id,
)
from vismadesk.engine.selection import ReadyWorkOrders, claim_clash, ready_for_export
from vismadesk.engine.validate import Problem
from vismadesk.errors import AppError

__all__ = ["ExportRun", "Outcome", "run_export"]

# A work order that only met connection trouble is tried again this many times in
# the same run before it is left for the next run (it never gets the error status).
TRANSIENT_PASSES = 3

Work = list[tuple[WorkOrder, Step]]


class ExportRun:
    def __init__(
        self,
        ctx: Context,
        *,
        only: Collection[str] | None = None,
        hooks: RunHooks | None = None,
        wait_s: float = 0.0,
    ) -> None:
        hooks = hooks or RunHooks()
        self.ctx = ctx
        self.settings = ctx.settings.copy()
        self.only = set(only) if only is not None else None
        self.wait_s = wait_s
        self.run_id = new_run_id()
        self.owner = claims.console_owner(str(ctx.profile.data_dir))
        # Batched: an entry a work order in one transaction was most of the log's cost.
        self.log = RunLog(ctx.store, Action.EXPORT, self.run_id, hooks.on_log, batched=True)
        self.on_progress = hooks.on_progress
        self.cancel = hooks.cancel
        self.stopping = threading.Event()
        self.started = dt.datetime.now(dt.UTC)
        self._stop_logged = threading.Lock()
        self._stop_error: AppError | None = None
        self._transient: dict[str, AppError] = {}
        self._order: OrderExport | None = None

    # --- run ---------------------------------------------------------------------

    def run(self) -> RunResult:
        try:
            return exclusive(self.ctx.store, self.log, self.wait_s, self._run)
        finally:
            self.log.close()  # every entry is in the store before the run ends

    def _run(self) -> RunResult:
        result = RunResult(self.run_id, Action.EXPORT)
        self.started = dt.datetime.now(dt.UTC)
        if not self._preconditions():
            result.exit_code = ExitCode.CONFIG
            return result
        try:
            ready = ready_for_export(self.ctx.outsmart, self.settings, self.only)
        except AppError as e:
            self.log.error(e)
            result.exit_code = exit_code(e)
            return result
        for err in ready.claimed_unreadable:
            self._explain_unreadable(err)
        if not ready.orders and not ready.unreadable and not ready.claimed:
            self.log.emit(messages.NOTHING_TO_DO)
            return result
        unreadable = [self._fail_unreadable(err) for err in ready.unreadable]
        if not ready.orders and not ready.claimed:
            result.total = len(unreadable)
            return self._summarise([], {}, result, unreadable)
        try:
            order = self._start(ready)
        except AppError as e:
            self.log.error(e)
            result.exit_code = exit_code(e)
            return result
        plan = self._plan(ready, order)
        work: Work = [(wo, Step.CREATE) for wo in ready.orders]
        work += [(wo, plan.steps[wo.number]) for wo in ready.claimed]
        work = [(wo, step) for wo, step in work if step is not Step.LEAVE]
        # Per run: two consoles started together then rarely meet on one work order.
        random.Random().shuffle(work)
        result.total = len(work) + len(unreadable)
        outcomes = self._run_passes(work)
        duplicates = 0
        if self._stop_error is None:
            exported = any(o is Outcome.EXPORTED for o in outcomes.values())
            numbers = [wo.number for wo, _ in work]
            started = self.started if exported else None
            duplicates = report_duplicates(self.ctx, self.log, order, numbers, started)
        orders = [wo for wo, _ in work]
        self._summarise(orders, outcomes, result, unreadable, busy=plan.busy)
        if duplicates and result.exit_code == ExitCode.OK:
            result.exit_code = ExitCode.SOME_FAILED
        return result

    def _start(self, ready: ReadyWorkOrders) -> OrderExport:
        """Read the master data, what Visma.net holds and OutSmart's work statuses
        side by side: each costs a round trip before the first work order can start."""
        s = self.settings
        fmt = s.export_format
        assert fmt is not None
        since = self.started - dt.timedelta(days=s.duplicate_check_days)
        orders = ready.orders + ready.claimed
        with ThreadPoolExecutor(2, thread_name_prefix="export-start") as pool:
            known = pool.submit(KnownDocuments.read, self.ctx.visma, fmt, s.order_type, since)
            statuses = pool.submit(self._work_status_codes) if s.export_claim_status else None
            md = MasterData.read(
                self.ctx.visma, self.ctx.outsmart, hour_types=any(wo.hours for wo in orders)
            )
            order = OrderExport(self.ctx, s, self.log, self.run_id, self.owner, md, known.result())
            codes = statuses.result() if statuses is not None else None
        order.claim_status = self._usable_claim_status(codes)
        self._order = order
        return order

    def _work_status_codes(self) -> set[str] | None:
        try:
            return {w.code for w in self.ctx.outsmart.work_statuses()}
        except AppError:
            return None  # unknown now: the first claim finds out (OutSmart's 1504)

    def _usable_claim_status(self, codes: set[str] | None) -> str:
        s = self.settings
        status = s.export_claim_status
        clash = claim_clash(s)
        if clash:
            self.log.emit(messages.CLAIM_STATUS_CLASH, status=status, other=clash)
            return ""
        if status and codes is not None and status not in codes:
            self.log.emit(messages.CLAIM_STATUS_UNKNOWN, status=status)
            return ""
        return status

    def _plan(self, ready: ReadyWorkOrders, order: OrderExport) -> Plan:
        store = self.ctx.store
        now = dt.datetime.now(dt.UTC)
        claimed = [
            ClaimedOrder(
                wo.number, order.known.get(wo.number) is not None, store.journal_get(wo.number)
            )
            for wo in ready.claimed
        ]
        plan = claims.plan(
            claimed, shared=store.shared, now=now, lease=claims.lease_of(self.settings)
        )
        for number in plan.newly_seen:
            store.journal_record(number, JournalState.CLAIM_SEEN, run_id=self.run_id)
        order.seen_since = plan.seen_since
        if plan.busy:
            left = plan.left
            self.log.emit(
                messages.OTHER_CONSOLE_EXPORTING,
                details={"work_orders": left},
                count=len(left),
                work_orders=", ".join(left[:10]) + (" ..." if len(left) > 10 else ""),
            )
            order.create_allowed = False
        return plan

    def _run_passes(self, work: Work) -> dict[str, Outcome]:
        progress = ProgressReporter(Action.EXPORT, len(work), self.on_progress)
        progress.start()
        outcomes: dict[str, Outcome] = {}
        todo = work
        for attempt in range(1, TRANSIENT_PASSES + 1):
            self._run_pass(todo, outcomes, progress, last=attempt == TRANSIENT_PASSES)
            todo = [(wo, st) for wo, st in todo if outcomes.get(wo.number) is Outcome.RETRY]
            if not todo or self._halted():
                break
        # What still met connection trouble is explained once, and left for next run.
        for wo, _ in todo:
            if outcomes.get(wo.number) is Outcome.RETRY and wo.number in self._transient:
                self.log.error(
                    self._transient[wo.number],
                    work_order=wo.number,
                    details={"note": "Nothing was lost: the next export tries it again."},
                )
        return outcomes

    def _run_pass(
        self,
        work: Work,
        outcomes: dict[str, Outcome],
        progress: ProgressReporter,
        *,
        last: bool,
    ) -> None:
        # Each worker takes the next work order itself: handing every one out from
        # this thread cost two thread switches per work order, and under load those
        # were most of the gap between one work order's requests and the next's.
        width = max(1, min(self.settings.concurrency, len(work)))
        queue = deque(work)
        lock = threading.Lock()

        def next_order() -> tuple[WorkOrder, Step] | None:
            # Start work only while not cancelled: what is running finishes.
            if self._halted():
                return None
            with lock:
                return queue.popleft() if queue else None

        def worker() -> None:
            try:
                while (item := next_order()) is not None:
                    wo, step = item
                    outcome = self._export_one(wo, step)
                    with lock:
                        outcomes[wo.number] = outcome
                    final = outcome is not Outcome.RETRY or last or self._halted()
                    if final:
                        progress.step(wo.number, failed=outcome not in NEUTRAL)
            except BaseException:
                # A bug, not an answer: start nothing more, let the running ones end.
                with lock:
                    queue.clear()
                raise

        with ThreadPoolExecutor(width, thread_name_prefix="export") as pool:
            workers = [pool.submit(worker) for _ in range(width)]
            for fut in workers:
                fut.result()

    def _halted(self) -> bool:
        return self.cancel.is_set() or self.stopping.is_set()

    # --- preconditions ----------------------------------------------------------------

    def _preconditions(self) -> bool:
        if self.settings.export_format is None:
            self.log.emit(messages.EXPORT_FORMAT_MISSING)
            return False
        try:
            if not self.ctx.outsmart.has_tokens():
                self.log.emit(messages.OUTSMART_TOKENS_MISSING)
                return False
            if not self.ctx.tokens.is_signed_in():
                # The troubleshooting page's words for a token that stopped working;
                # someone who never signed in (or disconnected) is told just that.
                stopped = self.ctx.tokens.state.error
                self.log.emit(messages.TOKEN_INVALID if stopped else messages.NOT_SIGNED_IN)
                return False
            self.ctx.tokens.access_token()
        except AppError as e:
            self.log.error(e)
            return False
        return True

    # --- one work order --------------------------------------------------------------

    def _export_one(self, wo: WorkOrder, step: Step) -> Outcome:
        assert self._order is not None
        try:
            return self._order.export(wo, step)
        except AppError as e:
            return self._unexpected(wo, e)

    def _unexpected(self, wo: WorkOrder, err: AppError) -> Outcome:
        if stops_run(err):
            self.stopping.set()
            with self._stop_logged:
                if self._stop_error is None:
                    self._stop_error = err
                    self.log.error(err, work_order=wo.number)
            return Outcome.STOPPED
        if is_transient(err):
            self._transient[wo.number] = err
            return Outcome.RETRY
        # Anything else Visma or OutSmart refused is the work order's own problem.
        assert self._order is not None
        return self._order.fail(wo, [Problem(None, {}, wo.number, err)])

    def _explain_unreadable(self, err: AppError) -> str:
        number = str(err.details.get("work_order") or "")
        field = str(err.details.get("field") or "?")
        entry = self.log.emit(
            messages.WORK_ORDER_UNREADABLE,
            work_order=number,
            record=field,
            details={"cause": err.message, **err.details},
            field=field,
        )
        return entry.summary

    def _fail_unreadable(self, err: AppError) -> str:
        """A work order whose data cannot be read: explained, and parked in the error status."""
        number = str(err.details.get("work_order") or "")
        field = str(err.details.get("field") or "?")
        summary = self._explain_unreadable(err)
        if field != "WorkorderNo":  # without a number, OutSmart cannot be told
            current = str(err.details.get("work_status") or "")
            park_in_error_status(self.ctx, self.settings, self.log, number, current, [summary])
        return number

    # --- summary -----------------------------------------------------------------------

    def _summarise(
        self,
        orders: list[WorkOrder],
        outcomes: dict[str, Outcome],
        result: RunResult,
        unreadable: list[str],
        *,
        busy: bool = False,
    ) -> RunResult:
        ok = [n for n, o in outcomes.items() if o in GOOD]
        bad = unreadable + [
            wo.number for wo in orders if outcomes.get(wo.number) not in (None, *NEUTRAL)
        ]
        result.succeeded = len(ok)
        result.failed = len(bad)
        # One summary saying what became of every work order: exported (or finished
        # now, having been sent before), failed, skipped (left for the next export:
        # connection trouble, OutSmart not updated, the run stopped), not started.
        not_started = len(orders) - len(outcomes)
        skipped = [
            n for n, o in outcomes.items() if o in (Outcome.RETRY, Outcome.PENDING, Outcome.STOPPED)
        ]
        failed = [n for n in bad if n not in set(skipped)]
        counts: dict[str, Any] = {
            "exported": len(ok),
            "failed": len(failed),
            "skipped": len(skipped),
        }
        details = {"work_orders": failed, "skipped_work_orders": skipped}
        if self.cancel.is_set() and not_started:
            result.cancelled = True
            self.log.emit(
                messages.EXPORT_CANCELLED,
                details=details,
                done=result.total - not_started,
                total=result.total,
                not_started=not_started,
                **counts,
            )
        elif failed:
            self.log.emit(messages.EXPORT_HAD_ERRORS, details=details, total=result.total, **counts)
        elif skipped:
            self.log.emit(messages.EXPORT_INCOMPLETE, details=details, total=result.total, **counts)
        elif ok:
            self.log.emit(messages.EXPORT_DONE, count=len(ok))
        if self._stop_error is not None or busy:
            result.exit_code = ExitCode.CONFIG
        elif bad:
            result.exit_code = ExitCode.SOME_FAILED
        else:
            result.exit_code = ExitCode.OK
        return result


def run_export(
    ctx: Context,
    hooks: RunHooks | None = None,
    *,
    only: Collection[str] | None = None,
    wait_s: float = 0.0,
) -> RunResult:
    """Export the ready work orders (or only the given numbers). Blocking. Waits up
    to `wait_s` seconds for another run on this profile to end."""
    return ExportRun(ctx, only=only, hooks=hooks, wait_s=wait_s).run()
