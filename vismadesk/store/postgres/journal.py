"""The export journal on PostgreSQL: one row per work order, each step as it happens.

Each step is one statement (an upsert that returns the row), so it is on the server
before the next step starts, in one round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from vismadesk.domain import ExportFormat, JournalEntry, JournalState
from vismadesk.redact import redact

COLUMNS = (
    "work_order, state, doc_format, doc_number, order_type, attempts, last_error, run_id, "
    "created_at, updated_at, previous_status"
)
_RECORD = f"""
INSERT INTO journal AS j (work_order, state, doc_format, doc_number, order_type, attempts,
                          last_error, run_id, created_at, updated_at, previous_status)
VALUES (%(wo)s, %(state)s, %(fmt)s, %(number)s, %(order_type)s, %(attempt)s, %(err)s,
        %(run_id)s, clock_timestamp(), clock_timestamp(), %(prev)s)
ON CONFLICT (work_order) DO UPDATE SET
    state = excluded.state,
    doc_format = coalesce(excluded.doc_format, j.doc_format),
    doc_number = coalesce(excluded.doc_number, j.doc_number),
    order_type = coalesce(excluded.order_type, j.order_type),
    attempts = j.attempts + %(attempt)s,
    last_error = excluded.last_error,
    run_id = coalesce(excluded.run_id, j.run_id),
    updated_at = excluded.updated_at,
    previous_status = coalesce(excluded.previous_status, j.previous_status)
RETURNING {COLUMNS}
"""


def row_to_entry(r: Sequence[Any]) -> JournalEntry:
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
        created_at=created,
        updated_at=updated,
        previous_status=prev,
    )


def get(c: psycopg.Connection, work_order: str) -> JournalEntry | None:
    r = c.execute(f"SELECT {COLUMNS} FROM journal WHERE work_order = %s", (work_order,))
    row = r.fetchone()
    return row_to_entry(row) if row else None


def entries(c: psycopg.Connection, states: Iterable[JournalState] | None) -> list[JournalEntry]:
    if states:
        st = [JournalState(s).value for s in states]
        rows = c.execute(
            f"SELECT {COLUMNS} FROM journal WHERE state = ANY(%s) ORDER BY work_order", (st,)
        )
    else:
        rows = c.execute(f"SELECT {COLUMNS} FROM journal ORDER BY work_order")
    return [row_to_entry(r) for r in rows]


def record(
    c: psycopg.Connection,
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
    row = c.execute(
        _RECORD,
        {
            "wo": work_order,
            "state": JournalState(state).value,
            "fmt": doc_format.value if doc_format else None,
            "number": doc_number,
            "order_type": order_type,
            "attempt": 1 if new_attempt else 0,
            "err": redact(last_error) if last_error else None,
            "run_id": run_id,
            "prev": previous_status,
        },
    ).fetchone()
    assert row is not None  # an upsert with RETURNING always returns its row
    return row_to_entry(row)


def forget(c: psycopg.Connection, work_order: str) -> None:
    """Drop a failed work order's entry so it may be exported again."""
    c.execute(
        "DELETE FROM journal WHERE work_order = %s AND state = %s",
        (work_order, JournalState.FAILED.value),
    )
