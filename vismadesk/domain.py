"""Plain data types shared by every layer.

These carry no behaviour beyond small conveniences: the clients parse wire formats
into them, the engine reasons about them, the store persists log entries and the
journal, and the UI displays them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum, StrEnum
from typing import Any


class ExportFormat(StrEnum):
    SALES_ORDER = "sales_order"
    SALES_INVOICE = "sales_invoice"

    @property
    def document_name(self) -> str:
        return "sales order" if self is ExportFormat.SALES_ORDER else "sales invoice"

    @property
    def visma_section(self) -> str:
        """Where a planner finds the document in VISMA.net (the troubleshooting page's FAQ)."""
        return "Sales orders" if self is ExportFormat.SALES_ORDER else "Customer invoices"


class Level(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class Action(StrEnum):
    EXPORT = "export"
    IMPORT = "import"
    AUTH = "auth"
    RESET = "reset"


class ExitCode(IntEnum):
    """How a run or command ended, as the process exit status scripts test."""

    OK = 0
    SOME_FAILED = 1  # some work orders or records failed; the rest went through
    CONFIG = 2  # a configuration or sign-in problem: nothing attempted, or the run stopped


class JournalState(StrEnum):
    # The POST to Visma may be in flight: a restart must look the document up first.
    CREATING = "creating"
    # The Visma document exists; OutSmart has not yet been told.
    CREATED = "created"
    DONE = "done"
    FAILED = "failed"
    # OutSmart shows the work order in the "in export" status of another console's
    # claim, and Visma.net has no document for it yet: the entry's `updated_at` says
    # since when, so a claim left by a console that died is taken over after its lease.
    CLAIM_SEEN = "claim_seen"


# --- OutSmart side ---------------------------------------------------------------


@dataclass(slots=True)
class MaterialLine:
    code: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = ""


@dataclass(slots=True)
class HourLine:
    hour_type: str
    minutes: int
    date: dt.date | None = None
    employee: str = ""
    begin: str = ""
    end: str = ""
    remark: str = ""


@dataclass(slots=True)
class WorkOrder:
    number: str
    row_id: str = ""
    # Debtor number of the party that pays (invoice customer when present).
    relation: str | None = None
    customer_name: str = ""
    description: str = ""
    work_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = ""
    work_status: str = ""
    order_number: str = ""
    # OutSmart's ProjectNr: the settings' project table maps it to a VISMA.net project.
    project: str = ""
    materials: list[MaterialLine] = field(default_factory=list)
    hours: list[HourLine] = field(default_factory=list)
    # The worksheet files OutSmart links to (the attachments an invoice can carry):
    # the work order's PDF, the signature image, and (name, PDF) per filled-in form.
    pdf_url: str = ""
    signature_url: str = ""
    form_pdfs: tuple[tuple[str, str], ...] = ()


@dataclass(slots=True)
class Relation:
    debtor_number: str
    name: str
    street: str = ""
    house_number: str = ""
    postal_code: str = ""
    city: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""
    vat_number: str = ""
    coc_number: str = ""
    remark: str = ""


@dataclass(slots=True)
class Material:
    code: str
    description: str
    price: Decimal
    unit: str
    ean: str = ""


@dataclass(slots=True)
class HourType:
    code: str
    name: str
    sale_price: Decimal = Decimal(0)
    cost_price: Decimal = Decimal(0)
    active: bool = True


@dataclass(slots=True)
class WorkStatus:
    code: str
    name: str


# --- Visma.net side ----------------------------------------------------------------


class ItemType(StrEnum):
    """Visma.net's words for the inventory item types vismadesk reads and creates."""

    NON_STOCK = "NonStockItem"
    # Visma's spelling; a labour item in an hour unit is an hour type in OutSmart.
    LABOUR = "LaborItem"


@dataclass(slots=True)
class Customer:
    number: str
    name: str
    status: str = "Active"
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "NL"
    email: str = ""
    phone: str = ""
    contact: str = ""
    vat_number: str = ""
    coc_number: str = ""
    last_modified: dt.datetime | None = None
    # For a new customer: its class (whose values apply with override_class_values)
    # and credit terms; empty leaves them out.
    customer_class: str = ""
    credit_terms: str = ""
    override_class_values: bool = False


@dataclass(slots=True)
class InventoryItem:
    number: str
    description: str
    # An ItemType; Visma.net has more (StockItem, ServiceItem...), kept as they come.
    type: str = ItemType.NON_STOCK
    status: str = "Active"
    unit: str = ""
    price: Decimal = Decimal(0)
    item_class: str = ""
    posting_class: str = ""
    last_modified: dt.datetime | None = None
    # Every unit VISMA.net knows for the item: base, sales, purchase and conversions.
    units: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CompanyCode:
    """One entry of a company's own list in VISMA.net (an item class, a branch, credit
    terms...): what the settings store, and what the planner reads beside it."""

    code: str
    description: str = ""


@dataclass(slots=True)
class DocumentLine:
    inventory_number: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    uom: str = ""
    # Optional codes from the settings; empty leaves each to VISMA.net.
    warehouse: str = ""
    vat_category: str = ""
    project_task: str = ""


@dataclass(slots=True)
class SalesDocument:
    """What one work order becomes in Visma.net, before the wire format is chosen."""

    format: ExportFormat
    customer_number: str
    # The work order number: travels in the document so it can be found again.
    reference: str
    date: dt.date
    description: str
    lines: list[DocumentLine] = field(default_factory=list)
    order_type: str = "SO"
    branch: str = ""
    credit_terms: str = ""
    project: str = ""


@dataclass(frozen=True, slots=True)
class DocumentRef:
    format: ExportFormat
    number: str
    order_type: str = ""

    def __str__(self) -> str:
        if self.format is ExportFormat.SALES_ORDER and self.order_type:
            return f"{self.order_type} {self.number}"
        return self.number


# --- Local records -----------------------------------------------------------------


@dataclass(slots=True)
class LogEntry:
    action: Action
    level: Level
    summary: str
    details: dict[str, Any] = field(default_factory=dict)
    work_order: str | None = None
    record: str | None = None
    run_id: str | None = None
    code: str | None = None
    time: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    id: int | None = None
    # The values the message `code` was rendered with, so the entry can be shown in
    # another language; None for an entry written without them.
    params: dict[str, Any] | None = None


@dataclass(slots=True)
class JournalEntry:
    work_order: str
    state: JournalState
    doc_format: ExportFormat | None = None
    doc_number: str | None = None
    order_type: str | None = None
    attempts: int = 0
    last_error: str | None = None
    run_id: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    # The work status before the error status was set (what a reset restores).
    previous_status: str | None = None

    @property
    def document(self) -> DocumentRef | None:
        if self.doc_format is None or not self.doc_number:
            return None
        return DocumentRef(self.doc_format, self.doc_number, self.order_type or "")
