"""Master data an export run reads once, and creates at most once per missing record.

Several work orders running in parallel may need the same missing customer or
inventory item; a per-record lock makes sure Visma.net sees one create, and every
work order that needs it gets the same answer.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from vismadesk.domain import HourType, InventoryItem, Material, Relation
from vismadesk.engine import mapping
from vismadesk.engine.failures import is_transient
from vismadesk.errors import AppError
from vismadesk.outsmart.client import OutSmartClient
from vismadesk.visma.client import VismaClient


@dataclass
class MasterData:
    customers: set[str]
    inventory: dict[str, InventoryItem]
    relations: dict[str, Relation]
    _outsmart: OutSmartClient
    _materials: dict[str, Material] | None = None
    _hour_types: dict[str, HourType] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _record_locks: dict[str, threading.Lock] = field(default_factory=dict)
    # Creates that failed this run: the other work orders get the same error, and
    # Visma.net is not asked again for the same broken record.
    _failed: dict[str, AppError] = field(default_factory=dict)
    # The company's units, and the inventory size they were read at: items are only
    # ever added, so a size unchanged means the set is still right.
    _units: tuple[int, frozenset[str]] = (-1, frozenset())

    @classmethod
    def read(
        cls, visma: VismaClient, outsmart: OutSmartClient, *, hour_types: bool = False
    ) -> MasterData:
        """Read the lists side by side: one after the other they cost a round trip each
        before the first work order could start (a fifth of a 100-order run)."""
        with ThreadPoolExecutor(4, thread_name_prefix="master-data") as pool:
            customers = pool.submit(visma.list_customers)
            inventory = pool.submit(visma.list_inventory)
            relations = pool.submit(outsmart.relations)
            hours = pool.submit(outsmart.hour_types) if hour_types else None
            md = cls(
                {c.number for c in customers.result()},
                {i.number: i for i in inventory.result()},
                {r.debtor_number: r for r in relations.result()},
                outsmart,
            )
            # Unreadable now: left unread, so each work order that needs them asks
            # again and meets the error itself, as when they are read on first use.
            if hours is not None:
                with contextlib.suppress(AppError):
                    md._hour_types = {h.code: h for h in hours.result()}
        return md

    def company_units(self) -> frozenset[str]:
        """The units the company's items use (for an item New material creates).

        Once per run, not per work order: a thousand items cost milliseconds to walk.
        """
        with self._lock:
            size, units = self._units
            if size != len(self.inventory):
                size = len(self.inventory)
                units = frozenset(mapping.company_units(list(self.inventory.values())))
                self._units = (size, units)
            return units

    def outsmart_material(self, code: str) -> Material | None:
        with self._lock:
            if self._materials is None:
                self._materials = {m.code: m for m in self._outsmart.materials()}
            return self._materials.get(code)

    def outsmart_hour_type(self, code: str) -> HourType | None:
        with self._lock:
            if self._hour_types is None:
                self._hour_types = {h.code: h for h in self._outsmart.hour_types()}
            return self._hour_types.get(code)

    def ensure(self, key: str, exists: Callable[[], bool], create: Callable[[], None]) -> bool:
        """Create the record unless it exists; True when this call created it.

        Raises the creation error, the same one for every work order that asks.
        """
        with self._lock:
            lock = self._record_locks.setdefault(key, threading.Lock())
        with lock:
            if exists():
                return False
            if key in self._failed:
                raise self._failed[key]
            try:
                create()
            except AppError as e:
                if not is_transient(e):
                    self._failed[key] = e
                raise
            return True
