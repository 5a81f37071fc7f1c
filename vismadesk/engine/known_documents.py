"""What Visma.net already holds: every document carrying a work order reference.

The local journal is only a cache; a work order may have a document the journal does
not know (another console made it, the profile's database was lost, "mark handled"
failed). Each export reads, in bulk, the documents changed over the last
`duplicate_check_days` (the only reads the APIs offer that show our references:
customer invoices by last change, sales orders of the order type by `modifiedSince`)
and finishes every work order found there instead of creating it again. After
creating, it reads what changed since it started, to name any work order that two
consoles exported at the very same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from vismadesk.domain import DocumentRef, ExportFormat
from vismadesk.visma.client import VismaClient
from vismadesk.visma.wire import REF_MAX

# Visma.net's clock and this PC's may differ; a read "since the run started" starts
# this much earlier, so a document made just after the start is never missed.
CLOCK_MARGIN = dt.timedelta(hours=1)


def reference_key(fmt: ExportFormat, reference: str) -> str:
    """A work order number as the document carries it (sales orders cut it to 40)."""
    reference = reference.strip()
    return reference[:REF_MAX] if fmt is ExportFormat.SALES_ORDER else reference


def _document_order(doc: DocumentRef) -> tuple[int, str]:
    """Numbering order: the first one made comes first ("999" before "1000")."""
    return (len(doc.number), doc.number)


@dataclass(slots=True)
class KnownDocuments:
    fmt: ExportFormat
    order_type: str
    since: dt.datetime  # UTC: documents changed since then are in here
    by_reference: dict[str, list[DocumentRef]] = field(default_factory=dict)

    @classmethod
    def read(
        cls, visma: VismaClient, fmt: ExportFormat, order_type: str, since: dt.datetime
    ) -> KnownDocuments:
        known = cls(fmt, order_type if fmt is ExportFormat.SALES_ORDER else "", since)
        known.add(visma.documents_since(fmt, since, known.order_type))
        return known

    def add(self, found: Iterable[tuple[str, DocumentRef]]) -> None:
        for reference, doc in found:
            docs = self.by_reference.setdefault(reference_key(self.fmt, reference), [])
            if doc not in docs:
                docs.append(doc)
                docs.sort(key=_document_order)

    def covers(self, fmt: ExportFormat, order_type: str | None, when: dt.datetime | None) -> bool:
        """Whether this read can answer for a document of this kind made at `when`."""
        if fmt is not self.fmt:
            return False
        if fmt is ExportFormat.SALES_ORDER and (order_type or "") != self.order_type:
            return False
        return when is None or when >= self.since

    def get(self, reference: str) -> DocumentRef | None:
        """The work order's document (the first, when there are several)."""
        docs = self.by_reference.get(reference_key(self.fmt, reference))
        return docs[0] if docs else None

    def all(self, reference: str) -> list[DocumentRef]:
        return list(self.by_reference.get(reference_key(self.fmt, reference), ()))

    def duplicates(self, references: Iterable[str]) -> dict[str, list[DocumentRef]]:
        """Of these work orders, those with two or more documents."""
        out = {}
        for reference in references:
            docs = self.all(reference)
            if len(docs) > 1:
                out[reference] = docs
        return out
