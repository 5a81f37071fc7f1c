"""Everything the sandbox holds, in memory, behind one lock.

Records are kept in the shape their own API returns them, so handlers serve them
with a copy and `/_sandbox/state` can dump them as they are. The lock is a plain
threading lock: handlers run on uvicorn's event loop thread and never await while
holding it, and the in-process control methods run on the caller's thread.
"""

from __future__ import annotations

import copy
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from vismadesk.sandbox.company import DemoData
from vismadesk.sandbox.worksheets import relink


@dataclass(slots=True)
class Numbering:
    """Numbering series, as Visma.net keeps them per document kind."""

    customer: int = 20001
    customer_invoice: int = 100001
    sales_order: dict[str, int] = field(default_factory=dict)
    internal_id: int = 5000

    def next_internal(self) -> int:
        self.internal_id += 1
        return self.internal_id


@dataclass(slots=True)
class SandboxState:
    lock: threading.RLock = field(default_factory=threading.RLock)
    # OutSmart, keyed by row id (work orders), debtor number, code or number.
    work_orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    work_order_rows: dict[str, str] = field(default_factory=dict)  # WorkorderNo -> row id
    relations: dict[str, dict[str, Any]] = field(default_factory=dict)
    materials: dict[str, dict[str, Any]] = field(default_factory=dict)
    hourtypes: dict[str, dict[str, Any]] = field(default_factory=dict)
    workstatusses: dict[str, dict[str, Any]] = field(default_factory=dict)
    employees: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Visma.net ERP, keyed by customer number, inventory number, reference number.
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    inventory: dict[str, dict[str, Any]] = field(default_factory=dict)
    customer_invoices: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Files attached to each customer invoice (AttachmentDto, and what was sent).
    invoice_attachments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # OutSmart's worksheet code -> the work order's row id; where its files are served.
    worksheets: dict[str, str] = field(default_factory=dict)
    files_base: str = ""
    # SalesOrders v3, keyed by (type, orderId); lines kept beside the header.
    sales_orders: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    sales_order_lines: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    # Order types that number manually (the POST brings the orderId); not demo data,
    # so `load` leaves it as it is.
    manual_order_types: set[str] = field(default_factory=set)
    # Optimistic concurrency (ETag) per ERP record: "customer:10001" -> version.
    versions: Counter[str] = field(default_factory=Counter)
    numbering: Numbering = field(default_factory=Numbering)
    faulty_orders: dict[str, list[str]] = field(default_factory=dict)
    next_row_id: int = 1

    def load(self, data: DemoData) -> None:
        """Replace every record with a fresh copy of `data` (start and reset)."""
        data = copy.deepcopy(data)
        with self.lock:
            self.work_orders = {w["id"]: w for w in data.work_orders}
            self.work_order_rows = {w["WorkorderNo"]: w["id"] for w in data.work_orders}
            self.relations = {r["debtor_number"]: r for r in data.relations}
            self.materials = {m["code"]: m for m in data.materials}
            self.hourtypes = {h["code"]: h for h in data.hourtypes}
            self.workstatusses = {s["sta_code"]: s for s in data.workstatusses}
            self.employees = {e["number"]: e for e in data.employees}
            self.customers = {c["number"]: c for c in data.customers}
            self.inventory = {i["inventoryNumber"]: i for i in data.inventory}
            self.customer_invoices = {}
            self.invoice_attachments = {}
            self.worksheets = {
                str(w["WorksheetCode"]): w["id"] for w in data.work_orders if w.get("WorksheetCode")
            }
            if self.files_base:
                self.relink_files(self.files_base)
            self.sales_orders = {}
            self.sales_order_lines = {}
            self.versions = Counter()
            self.numbering = Numbering()
            ids = [int(w["id"]) for w in data.work_orders]
            self.next_row_id = max(ids, default=18000) + 1
            internal = [c["internalId"] for c in data.customers] + [
                i["inventoryId"] for i in data.inventory
            ]
            self.numbering.internal_id = max(internal, default=5000)
            self.faulty_orders = data.faulty_orders

    def relink_files(self, base: str) -> None:
        """Serve the work orders' files from `base` (known once the server listens)."""
        with self.lock:
            self.files_base = base
            for order in self.work_orders.values():
                relink(order, base)

    def bump(self, key: str) -> str:
        """A new version for an ERP record; returns its ETag."""
        self.versions[key] += 1
        return self.etag(key)

    def etag(self, key: str) -> str:
        return f'"{key}:{self.versions[key]}"'

    def snapshot(self) -> dict[str, Any]:
        """Everything, each item in the shape its own API returns it."""
        with self.lock:
            return copy.deepcopy(
                {
                    "work_orders": list(self.work_orders.values()),
                    "relations": list(self.relations.values()),
                    "materials": list(self.materials.values()),
                    "hourtypes": list(self.hourtypes.values()),
                    "workstatusses": list(self.workstatusses.values()),
                    "employees": list(self.employees.values()),
                    "customers": list(self.customers.values()),
                    "inventory": list(self.inventory.values()),
                    "invoices": list(self.customer_invoices.values()),
                    "invoice_attachments": self.invoice_attachments,
                    "sales_orders": list(self.sales_orders.values()),
                    "sales_order_lines": {
                        f"{t}/{n}": lines for (t, n), lines in self.sales_order_lines.items()
                    },
                    "faulty_orders": self.faulty_orders,
                }
            )
