"""The work order's files on its invoice ("Attach work order PDF").

Once a work order's customer invoice exists, the files OutSmart keeps with the work
order (its PDF; as chosen, the forms' PDFs and the signature) are fetched from
OutSmart and attached to the invoice in Visma.net, before OutSmart is told the work
order is handled. Exactly once, like the document: each file has a fixed name on
the invoice, a lost answer is looked up among the invoice's attachments before the
file is sent again (`VismaClient.attach_to_invoice`), and a work order that comes
back to this step (a crash, connection trouble, OutSmart not told) reads what the
invoice already carries first. A file that cannot be fetched or that Visma.net
refuses is a warning: the document is exported all the same. Connection trouble with
Visma.net leaves the work order for the next pass, as a document create does.

SalesOrders v3 has no attachment endpoint, so a sales order carries no files; the
run says so once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import DocumentRef, ExportFormat, WorkOrder
from vismadesk.engine.context import Context
from vismadesk.engine.failures import is_transient, stops_run
from vismadesk.engine.runs import RunLog
from vismadesk.errors import AppError

# Longest file name sent: Visma.net keeps the name, and a form's name is free text.
NAME_MAX = 100
_UNSAFE = re.compile(r"[^\w .()-]+")


@dataclass(frozen=True, slots=True)
class WorksheetFile:
    name: str  # its name on the invoice: fixed per work order, so it can be looked up
    url: str
    # The work order PDF goes with the invoice e-mail; the others stay in VISMA.net.
    in_email: bool = False


def files_for(wo: WorkOrder, settings: Settings) -> list[WorksheetFile]:
    """The files to attach to this work order's invoice, as the settings choose."""
    if not settings.attach_pdf:
        return []
    number = _safe(wo.number)
    files: list[WorksheetFile] = []
    if wo.pdf_url:
        files.append(WorksheetFile(f"{number}.pdf", wo.pdf_url, in_email=True))
    if settings.attach_forms:
        for n, (form, url) in enumerate(wo.form_pdfs, start=1):
            files.append(WorksheetFile(f"{number}-{n}-{_safe(form)}.pdf", url))
    if settings.attach_signature and wo.signature_url:
        suffix = ".jpg" if wo.signature_url.lower().endswith((".jpg", ".jpeg")) else ".png"
        # Dutch, as the invoice's reader (the customer) is; and fixed, whatever the
        # window's language, or a second run would not recognise the file.
        files.append(WorksheetFile(f"{number}-handtekening{suffix}", wo.signature_url))
    return files


def _safe(text: str) -> str:
    return _UNSAFE.sub("_", text).strip(" ._")[:NAME_MAX] or "werkbon"


class Attacher:
    """Shared by a run's workers; `attach` does one work order's files."""

    def __init__(self, ctx: Context, settings: Settings, log: RunLog) -> None:
        self.ctx = ctx
        self.settings = settings
        self.log = log
        if settings.attach_pdf and settings.export_format is ExportFormat.SALES_ORDER:
            log.emit(messages.ATTACH_NOT_FOR_SALES_ORDERS)

    def attach(self, wo: WorkOrder, doc: DocumentRef, *, already: bool) -> int:
        """Attach what the invoice does not carry yet; how many files this call added.
        `already`: the invoice existed before this run's create (it may carry some)."""
        if doc.format is not ExportFormat.SALES_INVOICE:
            return 0
        files = files_for(wo, self.settings)
        if not files:
            return 0
        present = self.ctx.visma.invoice_attachments(doc.number) if already else set()
        added = [f.name for f in files if f.name not in present and self._attach_one(wo, doc, f)]
        if added:
            self.log.emit(
                messages.FILES_ATTACHED,
                work_order=wo.number,
                record=str(doc),
                details={"files": added},
                count=len(added),
                number=doc.number,
            )
        return len(added)

    def _attach_one(self, wo: WorkOrder, doc: DocumentRef, f: WorksheetFile) -> bool:
        try:
            got = self.ctx.outsmart.download(f.url)
        except AppError as e:
            if stops_run(e):
                raise
            self.log.emit(
                messages.ATTACHMENT_NOT_FETCHED,
                work_order=wo.number,
                record=str(doc),
                details={"cause": e.message, **e.details},
                file=f.name,
                number=doc.number,
            )
            return False
        try:
            self.ctx.visma.attach_to_invoice(
                doc.number, f.name, got.content, got.content_type, in_email=f.in_email
            )
        except AppError as e:
            if is_transient(e) or stops_run(e):
                raise
            self.log.emit(
                messages.ATTACHMENT_REFUSED,
                work_order=wo.number,
                record=str(doc),
                details={
                    "cause": e.message,
                    "visma_message": getattr(e, "visma_message", e.message),
                    **e.details,
                },
                file=f.name,
                number=doc.number,
            )
            return False
        return True
