"""One work order's export, step by step, each step in the journal before the next:

    (none) --claim--> creating --POST--> created --mark handled--> done
                \\--> failed (error work status set in OutSmart)

Before anything is validated or created, the work order's document is looked for:
in the journal, then in what Visma.net holds (`KnownDocuments`, read in bulk at the
start of the run), so a work order already exported is finished, never sent again
and never failed. Just before its document is created the work order is claimed (the
store's claim, then the in-export work status in OutSmart) so other consoles leave it.
"""

from __future__ import annotations

import datetime as dt
import threading
from enum import Enum

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import (
    DocumentRef,
    ExportFormat,
    HourType,
    JournalEntry,
    JournalState,
    MaterialLine,
    WorkOrder,
)
from vismadesk.engine import mapping
from vismadesk.engine.after_export import ExportedStatus
from vismadesk.engine.attach import Attacher
from vismadesk.engine.claims import Step
from vismadesk.engine.context import Context
from vismadesk.engine.failures import is_transient, stops_run
from vismadesk.engine.known_documents import KnownDocuments
from vismadesk.engine.master_data import MasterData
from vismadesk.engine.runs import RunLog
from vismadesk.engine.validate import Problem, validate
from vismadesk.errors import AppError, OutSmartError, VismaApiError
from vismadesk.outsmart import codes
from vismadesk.store import JournalStep
from vismadesk.visma.client import ORDER_ID_MAX


class Outcome(Enum):
    EXPORTED = "exported"
    FINISHED = "finished"  # was already in Visma.net; only the OutSmart side was done
    FAILED = "failed"  # the work order's own problem: error status set
    PENDING = "pending"  # in Visma.net, OutSmart not yet updated
    RETRY = "retry"  # connection trouble: try again
    STOPPED = "stopped"  # the run is stopping (sign-in lost)
    SKIPPED = "skipped"  # another console is exporting it (or may be): left to it


GOOD = (Outcome.EXPORTED, Outcome.FINISHED)
# Neither sent nor failed: nothing is wrong with the work order.
NEUTRAL = (*GOOD, Outcome.SKIPPED)


class OrderExport:
    """What a run shares between its work orders; `export` does one of them."""

    def __init__(
        self,
        ctx: Context,
        settings: Settings,
        log: RunLog,
        run_id: str,
        owner: str,
        md: MasterData,
        known: KnownDocuments,
    ) -> None:
        self.ctx = ctx
        self.settings = settings
        self.log = log
        self.run_id = run_id
        self.owner = owner
        self.md = md
        self.known = known
        self.lease_s = self.settings.claim_lease_minutes * 60.0
        # The in-export work status claims set in OutSmart; "" when they cannot.
        self.claim_status = ""
        # False while another console is exporting (creates nothing new).
        self.create_allowed = True
        # When each foreign claim being taken over was first seen.
        self.seen_since: dict[str, dt.datetime] = {}
        self._lock = threading.Lock()
        # Work orders whose document this run asked for, or whose claim it sent: an
        # answer lost then means a later look must ask Visma.net / OutSmart afresh.
        self._posted: set[str] = set()
        self._claim_sent: set[str] = set()
        # Issue #17: the work order's files on its invoice, and the status after export.
        self.attacher = Attacher(ctx, settings, log)
        self.exported_status = ExportedStatus(ctx, settings, log)

    # --- one work order ----------------------------------------------------------------

    def export(self, wo: WorkOrder, step: Step) -> Outcome:
        journal = self.ctx.store.journal_get(wo.number)
        if journal is not None and journal.state in (JournalState.DONE, JournalState.CREATED):
            doc = journal.document
            if doc is not None:
                return self.finish(wo, doc, already=True)
        found = self._existing(wo, journal, step)
        if found is not None:
            return self.finish(wo, found, already=True, record=True)
        if step in (Step.CREATE, Step.TAKE_OVER) and not self.create_allowed:
            return Outcome.SKIPPED
        wo = mapping.with_defaults(wo, self.settings)
        problems = validate(wo, self.md, self.settings)
        if problems:
            return self.fail(wo, problems)
        problems = self._create_missing(wo)
        if problems:
            return self.fail(wo, problems)
        return self._create_document(wo, step)

    def _existing(
        self, wo: WorkOrder, journal: JournalEntry | None, step: Step
    ) -> DocumentRef | None:
        """The work order's document in Visma.net, if it has one."""
        s = self.settings
        fmt, order_type = s.export_format, s.order_type
        assert fmt is not None
        when: dt.datetime | None = None
        if journal is not None and journal.state is JournalState.CREATING:
            fmt = journal.doc_format or fmt
            order_type = journal.order_type or order_type
            when = journal.updated_at
        # The bulk read answers for what was made before it, of its kind, within its
        # horizon; a document this run asked for, or one another console may have made
        # since (a claim taken over), is looked up by its reference.
        fresh = wo.number in self._posted or step is Step.TAKE_OVER
        if not fresh and self.known.covers(fmt, order_type, when):
            return self.known.get(wo.number)
        return self.ctx.visma.find_document(wo.number, fmt, order_type, wo.relation)

    # --- master data ---------------------------------------------------------------------

    def _create_missing(self, wo: WorkOrder) -> list[Problem]:
        """Create the customer and items New relation / New material allow. One that
        another run made meanwhile ("already exists") is read back and used."""
        md = self.md
        problems: list[Problem] = []
        relation = wo.relation or ""
        if relation not in md.customers:
            try:
                md.ensure(
                    f"customer:{relation}",
                    lambda: relation in md.customers,
                    lambda: self._create_customer(wo, relation),
                )
            except AppError as e:
                if is_transient(e) or stops_run(e):
                    raise
                problems.append(
                    Problem(messages.CUSTOMER_CREATE_FAILED, {}, relation, e, visma_details(e))
                )
        lines = {m.code: m for m in wo.materials}
        wanted = [(code, False) for code in lines] + [(h.hour_type, True) for h in wo.hours]
        for code, labour in dict.fromkeys(wanted):
            if code in md.inventory:
                continue

            def exists(code: str = code) -> bool:
                return code in md.inventory

            def create(code: str = code, labour: bool = labour) -> None:
                self._create_item(wo, code, labour, lines)

            try:
                md.ensure(f"item:{code}", exists, create)
            except AppError as e:
                if is_transient(e) or stops_run(e):
                    raise
                problems.append(
                    Problem(messages.MATERIAL_CREATE_FAILED, {}, code, e, visma_details(e))
                )
        return problems

    def _create_customer(self, wo: WorkOrder, relation: str) -> None:
        customer = mapping.customer_from_relation(self.md.relations[relation], self.settings)
        number, created = self.ctx.visma.ensure_customer(customer)
        self.md.customers.add(relation)
        message = messages.CUSTOMER_CREATED if created else messages.CUSTOMER_ALREADY_IN_VISMA
        self.log.emit(
            message, work_order=wo.number, record=relation, relation=relation, number=number
        )

    def _create_item(
        self, wo: WorkOrder, code: str, labour: bool, lines: dict[str, MaterialLine]
    ) -> None:
        md, s = self.md, self.settings
        if labour:
            item = mapping.labour_item(code, md.outsmart_hour_type(code), s)
        else:
            item = mapping.item_from_material(code, lines.get(code), md.outsmart_material(code), s)
        number, created = self.ctx.visma.ensure_inventory(item)
        item.number = number or code
        md.inventory[code] = item
        message = messages.MATERIAL_CREATED if created else messages.MATERIAL_ALREADY_IN_VISMA
        self.log.emit(message, work_order=wo.number, record=code, material=code)

    # --- claim and create ------------------------------------------------------------------

    def _create_document(self, wo: WorkOrder, step: Step) -> Outcome:
        s = self.settings
        fmt = s.export_format
        assert fmt is not None
        order_id = ""
        if fmt is ExportFormat.SALES_ORDER and s.manual_order_numbers:
            order_id = wo.number.strip()
            if len(order_id) > ORDER_ID_MAX:
                problem = Problem(messages.ORDER_NUMBER_TOO_LONG, {"max": ORDER_ID_MAX}, wo.number)
                return self.fail(wo, [problem])
        hour_types: dict[str, HourType] = {}
        for h in wo.hours:
            ht = self.md.outsmart_hour_type(h.hour_type)
            if ht is not None:
                hour_types[h.hour_type] = ht
        doc = mapping.sales_document(wo, fmt, s, self.md.inventory, hour_types)
        if not self._claim(wo, step):
            return Outcome.SKIPPED
        with self._lock:
            self._posted.add(wo.number)
        try:
            ref, created = self.ctx.visma.create_or_find_document(doc, order_id=order_id)
        except AppError as e:
            if is_transient(e) or stops_run(e):
                raise
            return self.fail(wo, [self._create_problem(wo, e, order_id)])
        return self.finish(wo, ref, already=not created, record=True)

    def _create_problem(self, wo: WorkOrder, e: AppError, order_id: str) -> Problem:
        fmt = self.settings.export_format
        assert fmt is not None
        if order_id and isinstance(e, VismaApiError) and e.status == 409:
            values: dict[str, object] = {"number": f"{self.settings.order_type} {order_id}"}
            return Problem(messages.ORDER_NUMBER_TAKEN, values, order_id, e, visma_details(e))
        return Problem(
            messages.DOCUMENT_CREATE_FAILED,
            {"document": fmt.document_name},
            wo.number,
            e,
            visma_details(e),
        )

    def _claim(self, wo: WorkOrder, step: Step) -> bool:
        """Claim the work order for this console: in the store (where a team shares
        them), in the journal, and with the in-export work status in OutSmart. False
        when another console has it."""
        s = self.settings
        store = self.ctx.store
        before = wo.work_status
        # On disk before OutSmart hears of it: a crash after the claim reached OutSmart
        # then finds its own claim in the journal and resumes it. Written with the
        # store's claim, in one transaction.
        creating = JournalStep(
            JournalState.CREATING,
            doc_format=s.export_format,
            order_type=s.order_type if s.export_format is ExportFormat.SALES_ORDER else None,
            run_id=self.run_id,
            new_attempt=True,
            previous_status=before if before and before not in self._own_statuses() else None,
        )
        if not store.claim_and_record(wo.number, self.owner, self.lease_s, creating):
            self._left_to_other(wo)
            return False
        if step is Step.TAKE_OVER:
            since = self.seen_since.get(wo.number)
            when = since.isoformat() if since else "?"  # shown as the language writes it
            self.log.emit(messages.CLAIM_TAKEN_OVER, work_order=wo.number, since=when)
        status = self.claim_status
        if step is not Step.CREATE or not status:
            return True  # resumed and taken-over claims are in that status already
        with self._lock:
            sent_before = wo.number in self._claim_sent
            self._claim_sent.add(wo.number)
        try:
            claimed = self.ctx.outsmart.claim_work_order(wo.number, status)
        except OutSmartError as e:
            if e.outsmart_code != codes.BAD_VALUE:
                raise
            self.claims_unknown(status)
            return True
        if claimed or sent_before:
            return True
        # It had the in-export status already: another console claimed it since this
        # run listed it. Noted as seen, so a console that died with it is taken over.
        store.journal_record(wo.number, JournalState.CLAIM_SEEN, run_id=self.run_id)
        store.release_claim(wo.number, self.owner)
        self._left_to_other(wo)
        return False

    def _left_to_other(self, wo: WorkOrder) -> None:
        self.log.emit(messages.WORK_ORDER_CLAIMED_ELSEWHERE, work_order=wo.number)

    def _own_statuses(self) -> tuple[str, ...]:
        return own_statuses(self.settings)

    def claims_unknown(self, status: str) -> None:
        """OutSmart does not know the in-export status: say so once, export without."""
        with self._lock:
            if not self.claim_status:
                return
            self.claim_status = ""
        self.log.emit(messages.CLAIM_STATUS_UNKNOWN, status=status)

    def _record_created(self, wo: WorkOrder, doc: DocumentRef) -> None:
        step = self._document_step(doc, JournalState.CREATED)
        self.ctx.store.journal_record(
            wo.number,
            step.state,
            doc_format=step.doc_format,
            doc_number=step.doc_number,
            order_type=step.order_type,
            run_id=step.run_id,
        )

    def _document_step(self, doc: DocumentRef, state: JournalState) -> JournalStep:
        return JournalStep(
            state,
            doc_format=doc.format,
            doc_number=doc.number,
            order_type=doc.order_type or None,
            run_id=self.run_id,
        )

    # --- the end of one work order ------------------------------------------------------

    def finish(
        self, wo: WorkOrder, doc: DocumentRef, *, already: bool, record: bool = False
    ) -> Outcome:
        """Tell OutSmart, then journal `done`. With `record`, the document is not in the
        journal yet: it goes in with `done`, one write instead of two; only when OutSmart
        cannot be told is `created` written on its own. Exactly once does not hang on
        it: a run that finds `creating` looks the document up by its reference."""
        # Before OutSmart hears of it: a work order back here (a crash, OutSmart not
        # told) looks at what its invoice carries, and sends only what is missing.
        try:
            self.attacher.attach(wo, doc, already=already)
        except AppError:
            if record:
                self._record_created(wo, doc)  # the next run needs no lookup to know it
            raise
        try:
            self.ctx.outsmart.mark_handled(wo.number)
        except AppError as e:
            if record:
                self._record_created(wo, doc)
            if stops_run(e):
                raise
            self.log.emit(
                messages.WORK_ORDER_NOT_MARKED,
                work_order=wo.number,
                record=str(doc),
                details={"cause": e.message, **e.details},
            )
            self.ctx.store.release_claim(wo.number, self.owner)
            return Outcome.PENDING
        if record:
            done = self._document_step(doc, JournalState.DONE)
        else:
            done = JournalStep(JournalState.DONE, run_id=self.run_id)
        # `done` and the claim's release: one transaction.
        self.ctx.store.record_and_release(wo.number, self.owner, done)
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
        self.exported_status.apply(wo)
        return Outcome.FINISHED if already else Outcome.EXPORTED

    def fail(self, wo: WorkOrder, problems: list[Problem]) -> Outcome:
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
        self.park_in_error_status(wo.number, wo.work_status, summaries)
        self.ctx.store.release_claim(wo.number, self.owner)
        return Outcome.FAILED

    def park_in_error_status(self, number: str, current: str, summaries: list[str]) -> None:
        park_in_error_status(self.ctx, self.settings, self.log, number, current, summaries)


def own_statuses(settings: Settings) -> tuple[str, ...]:
    """Statuses an export gives; a reset never puts a work order back in them."""
    return (settings.export_claim_status, settings.error_status)


def park_in_error_status(
    ctx: Context,
    settings: Settings,
    log: RunLog,
    number: str,
    current: str,
    summaries: list[str],
) -> None:
    """Set the error work status in OutSmart; the journal keeps why, and what a reset
    restores."""
    status = settings.error_status
    try:
        ctx.outsmart.set_work_status(number, status)
    except AppError as e:
        log.error(e, work_order=number, details={"while": "setting the error status"})
    ctx.store.journal_record(
        number,
        JournalState.FAILED,
        last_error="\n".join(summaries),
        run_id=log.run_id,
        previous_status=current if current and current not in own_statuses(settings) else None,
    )


def visma_details(err: AppError) -> dict[str, object]:
    return {"visma_message": getattr(err, "visma_message", err.message), **err.details}
