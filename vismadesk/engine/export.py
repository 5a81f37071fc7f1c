"""The export run: completed OutSmart work orders become Visma.net documents, once.

Every step is written to the export journal before and after it happens:

    (none) --validate--> creating --POST--> created --mark handled--> done
                   \\--> failed (error work status set in OutSmart)

A run that meets `creating` (a crash or a lost response) looks the document up
by its reference before creating anything; `created` only needs the OutSmart
side finished; `done` is never sent again, whatever OutSmart still lists.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from enum import Enum

from vismadesk import messages
from vismadesk.domain import (
    Action,
    DocumentRef,
    ExitCode,
    ExportFormat,
    HourType,
    JournalState,
    WorkOrder,
)
from vismadesk.engine import mapping
from vismadesk.engine.context import Context
from vismadesk.engine.failures import exit_code, is_transient, stops_run
from vismadesk.engine.master_data import MasterData
from vismadesk.engine.runs import ProgressReporter, RunHooks, RunLog, RunResult, new_run_id
from vismadesk.engine.selection import ready_for_export
from vismadesk.engine.validate import Problem, validate
from vismadesk.errors import AppError

# A work order that only met connection trouble is tried again this many times in
# the same run before it is left for the next run (it never gets the error status).
TRANSIENT_PASSES = 3


class Outcome(Enum):
    EXPORTED = "exported"
    FINISHED = "finished"  # was already in Visma.net; only the OutSmart side was done
    FAILED = "failed"  # the work order's own problem: error status set
    PENDING = "pending"  # in Visma.net, OutSmart not yet updated
    RETRY = "retry"  # connection trouble: try again
    STOPPED = "stopped"  # the run is stopping (sign-in lost)


class ExportRun:
    def __init__(
        self,
        ctx: Context,
        *,
        only: Collection[str] | None = None,
        hooks: RunHooks | None = None,
    ) -> None:
        hooks = hooks or RunHooks()
        self.ctx = ctx
        self.settings = ctx.settings.copy()
        self.only = set(only) if only is not None else None
        self.run_id = new_run_id()
        self.log = RunLog(ctx.store, Action.EXPORT, self.run_id, hooks.on_log)
        self.on_progress = hooks.on_progress
        self.cancel = hooks.cancel
        self.stopping = threading.Event()
        self._stop_logged = threading.Lock()
        self._stop_error: AppError | None = None
        self._md: MasterData | None = None
        self._transient: dict[str, AppError] = {}

    # --- run ---------------------------------------------------------------------

    def run(self) -> RunResult:
        result = RunResult(self.run_id, Action.EXPORT)
        if not self._preconditions():
            result.exit_code = ExitCode.CONFIG
            return result
        try:
            ready = ready_for_export(self.ctx.outsmart, self.settings, self.only)
        except AppError as e:
            self.log.error(e)
            result.exit_code = exit_code(e)
            return result
        orders = ready.orders
        result.total = len(orders) + len(ready.unreadable)
        if not result.total:
            self.log.emit(messages.NOTHING_TO_DO)
            return result
        unreadable = [self._fail_unreadable(err) for err in ready.unreadable]
        if not orders:
            return self._summarise(orders, {}, result, unreadable)

        try:
            self._md = MasterData.read(
                self.ctx.visma, self.ctx.outsmart, hour_types=any(wo.hours for wo in orders)
            )
        except AppError as e:
            self.log.error(e)
            result.exit_code = exit_code(e)
            return result

        progress = ProgressReporter(Action.EXPORT, len(orders), self.on_progress)
        progress.start()
        outcomes: dict[str, Outcome] = {}
        todo = orders
        for attempt in range(1, TRANSIENT_PASSES + 1):
            last = attempt == TRANSIENT_PASSES
            self._run_pass(todo, outcomes, progress, last=last)
            todo = [wo for wo in todo if outcomes.get(wo.number) is Outcome.RETRY]
            if not todo or self._halted():
                break
        # What still met connection trouble is explained once, and left for next run.
        for wo in todo:
            if outcomes.get(wo.number) is Outcome.RETRY and wo.number in self._transient:
                self.log.error(
                    self._transient[wo.number],
                    work_order=wo.number,
                    details={"note": "Nothing was lost: the next export tries it again."},
                )
        return self._summarise(orders, outcomes, result, unreadable)

    def _run_pass(
        self,
        orders: list[WorkOrder],
        outcomes: dict[str, Outcome],
        progress: ProgressReporter,
        *,
        last: bool,
    ) -> None:
        # Each worker takes the next work order itself: handing every one out from
        # this thread cost two thread switches per work order, and under load those
        # were most of the gap between one work order's requests and the next's.
        width = max(1, min(self.settings.concurrency, len(orders)))
        queue = deque(orders)
        lock = threading.Lock()

        def next_order() -> WorkOrder | None:
            # Start work only while not cancelled: what is running finishes.
            if self._halted():
                return None
            with lock:
                return queue.popleft() if queue else None

        def work() -> None:
            try:
                while (wo := next_order()) is not None:
                    outcome = self._export_one(wo)
                    with lock:
                        outcomes[wo.number] = outcome
                    final = outcome is not Outcome.RETRY or last or self._halted()
                    if final:
                        progress.step(wo.number, failed=outcome not in _GOOD)
            except BaseException:
                # A bug, not an answer: start nothing more, let the running ones end.
                with lock:
                    queue.clear()
                raise

        with ThreadPoolExecutor(width, thread_name_prefix="export") as pool:
            workers = [pool.submit(work) for _ in range(width)]
            for fut in workers:
                fut.result()

    def _halted(self) -> bool:
        return self.cancel.is_set() or self.stopping.is_set()

    # --- preconditions and fetching ---------------------------------------------------

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

    def _export_one(self, wo: WorkOrder) -> Outcome:
        try:
            return self._export(wo)
        except AppError as e:
            return self._unexpected(wo, e)

    def _export(self, wo: WorkOrder) -> Outcome:
        journal = self.ctx.store.journal_get(wo.number)
        if journal is not None and journal.state in (JournalState.DONE, JournalState.CREATED):
            doc = journal.document
            if doc is not None:
                return self._finish(wo, doc, already=True)
        if journal is not None and journal.state is JournalState.CREATING:
            fmt = journal.doc_format or self.settings.export_format
            assert fmt is not None
            order_type = journal.order_type or self.settings.order_type
            found = self.ctx.visma.find_document(wo.number, fmt, order_type, wo.relation)
            if found is not None:
                self._record_created(wo, found)
                return self._finish(wo, found, already=True)

        md = self._md
        assert md is not None
        wo = mapping.with_defaults(wo, self.settings)
        problems = validate(wo, md, self.settings)
        if problems:
            return self._fail(wo, problems)
        problems = self._create_missing(wo, md)
        if problems:
            return self._fail(wo, problems)
        return self._create_document(wo, md)

    def _create_missing(self, wo: WorkOrder, md: MasterData) -> list[Problem]:
        """Create the customer and items New relation / New material allow."""
        s = self.settings
        visma = self.ctx.visma
        problems: list[Problem] = []
        relation = wo.relation or ""
        if relation not in md.customers:
            rel = md.relations[relation]

            def create_customer() -> None:
                number = visma.create_customer(mapping.customer_from_relation(rel, s))
                md.customers.add(relation)
                self.log.emit(
                    messages.CUSTOMER_CREATED,
                    work_order=wo.number,
                    record=relation,
                    relation=relation,
                    number=number,
                )

            try:
                md.ensure(f"customer:{relation}", lambda: relation in md.customers, create_customer)
            except AppError as e:
                if is_transient(e) or stops_run(e):
                    raise
                problems.append(
                    Problem(messages.CUSTOMER_CREATE_FAILED, {}, relation, e, _visma_details(e))
                )
        lines = {m.code: m for m in wo.materials}
        wanted = [(code, False) for code in lines] + [(h.hour_type, True) for h in wo.hours]
        for code, labour in dict.fromkeys(wanted):
            if code in md.inventory:
                continue

            def create_item(code: str = code, labour: bool = labour) -> None:
                if labour:
                    item = mapping.labour_item(code, md.outsmart_hour_type(code), s)
                else:
                    item = mapping.item_from_material(
                        code, lines.get(code), md.outsmart_material(code), s
                    )
                item.number = visma.create_inventory(item) or code
                md.inventory[code] = item
                self.log.emit(
                    messages.MATERIAL_CREATED, work_order=wo.number, record=code, material=code
                )

            def item_exists(code: str = code) -> bool:
                return code in md.inventory

            try:
                md.ensure(f"item:{code}", item_exists, create_item)
            except AppError as e:
                if is_transient(e) or stops_run(e):
                    raise
                problems.append(
                    Problem(messages.MATERIAL_CREATE_FAILED, {}, code, e, _visma_details(e))
                )
        return problems

    def _create_document(self, wo: WorkOrder, md: MasterData) -> Outcome:
        s = self.settings
        fmt = s.export_format
        assert fmt is not None
        hour_types: dict[str, HourType] = {}
        for h in wo.hours:
            ht = md.outsmart_hour_type(h.hour_type)
            if ht is not None:
                hour_types[h.hour_type] = ht
        doc = mapping.sales_document(wo, fmt, s, md.inventory, hour_types)
        self.ctx.store.journal_record(
            wo.number,
            JournalState.CREATING,
            doc_format=fmt,
            order_type=s.order_type if fmt is ExportFormat.SALES_ORDER else None,
            run_id=self.run_id,
            new_attempt=True,
        )
        try:
            ref = self.ctx.visma.create_document(doc)
        except AppError as e:
            if is_transient(e) or stops_run(e):
                raise
            return self._fail(
                wo,
                [
                    Problem(
                        messages.DOCUMENT_CREATE_FAILED,
                        {"document": fmt.document_name},
                        wo.number,
                        e,
                        _visma_details(e),
                    )
                ],
            )
        self._record_created(wo, ref)
        return self._finish(wo, ref, already=False)

    def _record_created(self, wo: WorkOrder, doc: DocumentRef) -> None:
        self.ctx.store.journal_record(
            wo.number,
            JournalState.CREATED,
            doc_number=doc.number,
            order_type=doc.order_type or None,
            run_id=self.run_id,
        )

    def _finish(self, wo: WorkOrder, doc: DocumentRef, *, already: bool) -> Outcome:
        try:
            self.ctx.outsmart.mark_handled(wo.number)
        except AppError as e:
            if stops_run(e):
                raise
            self.log.emit(
                messages.WORK_ORDER_NOT_MARKED,
                work_order=wo.number,
                record=str(doc),
                details={"cause": e.message, **e.details},
            )
            return Outcome.PENDING
        self.ctx.store.journal_record(wo.number, JournalState.DONE, run_id=self.run_id)
        details = {
            "document_type": doc.format.document_name,
            "document_number": doc.number,
            "section": doc.format.visma_section,
        }
        if doc.order_type:
            details["order_type"] = doc.order_type
        message = messages.WORK_ORDER_ALREADY_EXPORTED if already else messages.WORK_ORDER_EXPORTED
        self.log.emit(
            message,
            work_order=wo.number,
            record=str(doc),
            details=details,
            document=doc.format.document_name,
            number=str(doc),
        )
        return Outcome.FINISHED if already else Outcome.EXPORTED

    def _fail(self, wo: WorkOrder, problems: list[Problem]) -> Outcome:
        summaries = []
        for p in problems:
            if p.message is not None and p.error is not None:
                entry = self.log.emit(
                    p.message,
                    work_order=wo.number,
                    record=p.record,
                    details={**p.details, "cause": p.error.message},
                    **p.values,
                )
            elif p.message is not None:
                entry = self.log.emit(
                    p.message, work_order=wo.number, record=p.record, details=p.details, **p.values
                )
            else:
                assert p.error is not None
                entry = self.log.error(p.error, work_order=wo.number, record=p.record)
            summaries.append(entry.summary)
        self._park_in_error_status(wo.number, wo.work_status, summaries)
        return Outcome.FAILED

    def _park_in_error_status(self, number: str, current: str, summaries: list[str]) -> None:
        """Set the error work status in OutSmart; the journal keeps why, and what a reset
        restores."""
        status = self.settings.error_status
        try:
            self.ctx.outsmart.set_work_status(number, status)
        except AppError as e:
            self.log.error(e, work_order=number, details={"while": "setting the error status"})
        self.ctx.store.journal_record(
            number,
            JournalState.FAILED,
            last_error="\n".join(summaries),
            run_id=self.run_id,
            previous_status=current if current and current != status else None,
        )

    def _fail_unreadable(self, err: AppError) -> str:
        """A work order whose data cannot be read: explained, and parked in the error status."""
        number = str(err.details.get("work_order") or "")
        field = str(err.details.get("field") or "?")
        entry = self.log.emit(
            messages.WORK_ORDER_UNREADABLE,
            work_order=number,
            record=field,
            details={"cause": err.message, **err.details},
            field=field,
        )
        if field != "WorkorderNo":  # without a number, OutSmart cannot be told
            current = str(err.details.get("work_status") or "")
            self._park_in_error_status(number, current, [entry.summary])
        return number

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
        return self._fail(wo, [Problem(None, {}, wo.number, err)])

    # --- summary -----------------------------------------------------------------------

    def _summarise(
        self,
        orders: list[WorkOrder],
        outcomes: dict[str, Outcome],
        result: RunResult,
        unreadable: list[str],
    ) -> RunResult:
        ok = [n for n, o in outcomes.items() if o in (Outcome.EXPORTED, Outcome.FINISHED)]
        bad = unreadable + [
            wo.number for wo in orders if outcomes.get(wo.number) not in (None, *_GOOD)
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
        counts = {"exported": len(ok), "failed": len(failed), "skipped": len(skipped)}
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
        if self._stop_error is not None:
            result.exit_code = ExitCode.CONFIG
        elif bad:
            result.exit_code = ExitCode.SOME_FAILED
        else:
            result.exit_code = ExitCode.OK
        return result


_GOOD = (Outcome.EXPORTED, Outcome.FINISHED)


def _visma_details(err: AppError) -> dict[str, object]:
    return {"visma_message": getattr(err, "visma_message", err.message), **err.details}


def run_export(
    ctx: Context, hooks: RunHooks | None = None, *, only: Collection[str] | None = None
) -> RunResult:
    """Export the ready work orders (or only the given numbers). Blocking."""
    return ExportRun(ctx, only=only, hooks=hooks).run()
