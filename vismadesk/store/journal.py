"""The export journal: one row per work order, each step of its export as it happens.

It is what keeps an export exactly-once across crashes: a step is on disk before
the next one starts.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from vismadesk.domain import ExportFormat, JournalEntry, JournalState
from vismadesk.redact import redact
from vismadesk.store.api import JournalStep
from vismadesk.store.db import Database, now_text, parse_time


def _row_to_entry(r: sqlite3.Row | tuple[Any, ...]) -> JournalEntry:
    wo, state, fmt, number, order_type, attempts, err, run_id, created, updated, prev = r
    return JournalEntry(
        work_order=wo,
        state=JournalState(state),
        doc_format=ExportFormat(fmt) if fmt else None,
        doc_number=number,
        order_type=order_type,
        attempts=attempts,
        last_error=err,
        run_id=run_id,
        created_at=parse_time(created),
        updated_at=parse_time(updated),
        previous_status=prev,
    )


def get(db: Database, work_order: str) -> JournalEntry | None:
    r = (
        db.connection()
        .execute("SELECT * FROM journal WHERE work_order = ?", (work_order,))
        .fetchone()
    )
    return _row_to_entry(r) if r else None


def entries(db: Database, states: Iterable[JournalState] | None = None) -> list[JournalEntry]:
    if states:
        st = [JournalState(s).value for s in states]
        rows = db.connection().execute(
            f"SELECT * FROM journal WHERE state IN ({', '.join('?' * len(st))}) "
            "ORDER BY work_order",
            st,
        )
    else:
        rows = db.connection().execute("SELECT * FROM journal ORDER BY work_order")
    return [_row_to_entry(r) for r in rows]


def record(
    db: Database,
    work_order: str,
    state: JournalState,
    *,
    doc_format: ExportFormat | None,
    doc_number: str | None,
    order_type: str | None,
    last_error: str | None,
    run_id: str | None,
    new_attempt: bool,
    previous_status: str | None,
) -> JournalEntry:
    """Record a step for a work order. Fields left None keep their stored value."""
    step = JournalStep(
        state, doc_format, doc_number, order_type, last_error, run_id, new_attempt, previous_status
    )

    def _upsert(c: sqlite3.Connection) -> JournalEntry:
        record_in(c, work_order, step)
        r = c.execute("SELECT * FROM journal WHERE work_order = ?", (work_order,)).fetchone()
        return _row_to_entry(r)

    return db.write(_upsert)


def record_in(c: sqlite3.Connection, work_order: str, step: JournalStep) -> None:
    """`record` inside the caller's write transaction."""
    now = now_text()
    attempt = 1 if step.new_attempt else 0
    c.execute(
        "INSERT INTO journal (work_order, state, doc_format, doc_number, order_type,"
        " attempts, last_error, run_id, created_at, updated_at, previous_status)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(work_order) DO UPDATE SET"
        "  state = excluded.state,"
        "  doc_format = coalesce(excluded.doc_format, doc_format),"
        "  doc_number = coalesce(excluded.doc_number, doc_number),"
        "  order_type = coalesce(excluded.order_type, order_type),"
        "  attempts = attempts + ?,"
        "  last_error = excluded.last_error,"
        "  run_id = coalesce(excluded.run_id, run_id),"
        "  updated_at = excluded.updated_at,"
        "  previous_status = coalesce(excluded.previous_status, previous_status)",
        (
            work_order,
            JournalState(step.state).value,
            step.doc_format.value if step.doc_format else None,
            step.doc_number,
            step.order_type,
            attempt,
            redact(step.last_error) if step.last_error else None,
            step.run_id,
            now,
            now,
            step.previous_status,
            attempt,
        ),
    )


def forget(db: Database, work_order: str) -> None:
    """Drop a failed work order's entry so it may be exported again."""
    db.write(
        lambda c: c.execute(
            "DELETE FROM journal WHERE work_order = ? AND state = ?",
            (work_order, JournalState.FAILED.value),
        )
    )
