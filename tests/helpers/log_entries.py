"""Sync log entries for the window's tests: one by number, or a store full of them."""

from __future__ import annotations

import datetime as dt

from vismadesk.domain import Action, Level, LogEntry
from vismadesk.store import Store


def entry(
    n: int,
    level: Level = Level.SUCCESS,
    *,
    summary: str | None = None,
    work_order: str | None = None,
    action: Action = Action.EXPORT,
    details: dict | None = None,
    code: str | None = None,
    record: str | None = None,
) -> LogEntry:
    wo = work_order or f"WO{n:05d}"
    return LogEntry(
        action=action,
        level=level,
        summary=summary or f"Work order {wo} exported as sales invoice {n}",
        details=details or {"hint": "Find it in VISMA.net under Customer invoices."},
        work_order=wo,
        record=record,
        code=code,
        time=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=n),
    )


def fill(store: Store, count: int, *, every_error: int = 0, start: int = 0) -> None:
    """`count` entries; every `every_error`-th one an error about a missing material."""
    batch = []
    for n in range(start, start + count):
        if every_error and n % every_error == 0:
            batch.append(
                entry(
                    n,
                    Level.ERROR,
                    summary=f"Material M-{n} on work order WO{n:05d} not found in VISMA.net",
                    code="material_not_in_visma",
                )
            )
        else:
            batch.append(entry(n))
    store.add_logs(batch)
