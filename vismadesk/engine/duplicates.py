"""Say what could not be prevented: a work order that reached Visma.net twice.

Two consoles starting at the very same moment on separate databases can both create
a work order's document before either sees the other's claim. After creating, the
run reads again what changed since it started and, for each of its work orders with
two or more documents, logs one error naming every number and which to delete (all
but the first made, so every console that notices says the same). The journal keeps
that note as the entry's `last_error` (a done or created entry has no other), which
is where the Work orders tab finds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from vismadesk import messages
from vismadesk.domain import DocumentRef, JournalState
from vismadesk.engine.context import Context
from vismadesk.engine.export_order import OrderExport
from vismadesk.engine.known_documents import CLOCK_MARGIN
from vismadesk.engine.runs import RunLog
from vismadesk.errors import AppError


def report_duplicates(
    ctx: Context,
    log: RunLog,
    order: OrderExport,
    numbers: Sequence[str],
    started: dt.datetime | None,
) -> int:
    """Log every work order of `numbers` with more than one document; how many.

    `started`: when the run started, when it created something; then Visma.net is read
    again from that moment. What the first read showed is reported either way."""
    known = order.known
    if started is not None:
        try:
            since = started - CLOCK_MARGIN
            known.add(ctx.visma.documents_since(known.fmt, since, known.order_type))
        except AppError as e:
            log.error(e, details={"while": "checking VISMA.net for documents made twice"})
    found = known.duplicates(numbers)
    for number, docs in sorted(found.items()):
        _report(ctx, log, number, docs)
    return len(found)


def _report(ctx: Context, log: RunLog, number: str, docs: list[DocumentRef]) -> None:
    keep, extra = docs[0], docs[1:]
    names = [str(d) for d in docs]
    shown = ", ".join(names[:-1]) + " and " + names[-1]
    delete = " and ".join(str(d) for d in extra)
    entry = log.emit(
        messages.DUPLICATE_DOCUMENTS,
        work_order=number,
        record=str(extra[0]),
        details={
            "documents": names,
            "keep": str(keep),
            "delete": [str(d) for d in extra],
            "section": keep.format.visma_section,
        },
        count=len(docs),
        document=keep.format.document_name + ("s" if len(docs) > 1 else ""),
        numbers=shown,
        delete=delete,
    )
    journal = ctx.store.journal_get(number)
    state = journal.state if journal is not None else JournalState.CREATED
    if state not in (JournalState.DONE, JournalState.CREATED):
        state = JournalState.CREATED
    ctx.store.journal_record(
        number,
        state,
        doc_format=keep.format,
        doc_number=None if journal is not None and journal.doc_number else keep.number,
        last_error=entry.summary,
        run_id=log.run_id,
    )
