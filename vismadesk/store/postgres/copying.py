"""`vismadesk store copy --to URL`: a profile's SQLite journal, log and cursors into a
team store, nothing lost and nothing doubled.

Log entries are copied oldest first, each marked with a fingerprint of its source row
(its id and every field), so a second copy, or one resumed after an interruption,
skips what is already there. A journal row is copied unless the team store already
knows the work order at least as far along (done > created > creating > failed): a
work order this PC exported must never look unexported to the team. Cursors are
copied where the team store has none. Claims and run locks are not copied: they only
mean something while a run is alive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import psycopg

from vismadesk.domain import JournalEntry, LogEntry
from vismadesk.redact import redact
from vismadesk.store.db import parse_time
from vismadesk.store.local import Store
from vismadesk.store.postgres import log
from vismadesk.store.postgres.store import PgStore

BATCH = 2000
_RANK = "CASE {t}.state WHEN 'done' THEN 3 WHEN 'created' THEN 2 WHEN 'creating' THEN 1 ELSE 0 END"
_JOURNAL = f"""
INSERT INTO journal AS j (work_order, state, doc_format, doc_number, order_type, attempts,
                          last_error, run_id, created_at, updated_at, previous_status)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (work_order) DO UPDATE SET
    state = excluded.state, doc_format = excluded.doc_format,
    doc_number = excluded.doc_number, order_type = excluded.order_type,
    attempts = excluded.attempts, last_error = excluded.last_error,
    run_id = excluded.run_id, created_at = excluded.created_at,
    updated_at = excluded.updated_at, previous_status = excluded.previous_status
WHERE {_RANK.format(t="j")} < {_RANK.format(t="excluded")}
RETURNING work_order
"""


@dataclass
class CopyReport:
    log_copied: int = 0
    log_already_there: int = 0
    journal_copied: int = 0
    journal_kept: int = 0  # the team store knew the work order as far along already
    cursors_copied: int = 0
    cursors_kept: int = 0

    def lines(self) -> list[str]:
        return [
            f"Log: {self.log_copied} entries copied, {self.log_already_there} already there.",
            f"Journal: {self.journal_copied} work orders copied, {self.journal_kept} kept "
            "as the team store had them (as far along or further).",
            f"Sync cursors: {self.cursors_copied} copied, {self.cursors_kept} kept.",
        ]


def fingerprint(e: LogEntry) -> str:
    """The same source entry always gives the same text (what makes copying idempotent)."""
    fields = [
        e.id,
        e.time.isoformat(),
        str(e.action),
        str(e.level),
        e.code,
        e.summary,
        json.dumps(e.details, sort_keys=True, default=str),
        e.work_order,
        e.record,
        e.run_id,
    ]
    return "sqlite:" + hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def copy_profile(
    source: Store, target: PgStore, progress: Callable[[str], None] | None = None
) -> CopyReport:
    report = CopyReport()
    _copy_log(source, target, report, progress)
    _copy_journal(source.journal_entries(), target, report)
    _copy_cursors(source, target, report)
    return report


def _copy_log(
    source: Store, target: PgStore, report: CopyReport, progress: Callable[[str], None] | None
) -> None:
    after = 0
    total = source.log_count()
    while True:
        batch = source.log_since(after, limit=BATCH)
        if not batch:
            return
        keys = [fingerprint(e) for e in batch]
        params = log.add_params(batch, keys)

        def insert(c: psycopg.Connection, p: list[Any] = params) -> list[Any]:
            return c.execute(log.ADD, p).fetchall()

        inserted = target.call(insert)
        report.log_copied += len(inserted)
        report.log_already_there += len(batch) - len(inserted)
        after = batch[-1].id or after
        if progress:
            done = report.log_copied + report.log_already_there
            progress(f"Log: {done} of {total} entries")


def _copy_journal(entries: list[JournalEntry], target: PgStore, report: CopyReport) -> None:
    for j in entries:

        def upsert(c: psycopg.Connection, j: JournalEntry = j) -> Any:
            return c.execute(
                _JOURNAL,
                (
                    j.work_order,
                    j.state.value,
                    j.doc_format.value if j.doc_format else None,
                    j.doc_number,
                    j.order_type,
                    j.attempts,
                    redact(j.last_error) if j.last_error else None,
                    j.run_id,
                    j.created_at,
                    j.updated_at,
                    j.previous_status,
                ),
            ).fetchone()

        row = target.call(upsert)
        if row:
            report.journal_copied += 1
        else:
            report.journal_kept += 1


def _copy_cursors(source: Store, target: PgStore, report: CopyReport) -> None:
    rows = source.connection().execute("SELECT name, value, updated_at FROM cursors").fetchall()
    for name, value, updated in rows:
        args = (name, value, parse_time(updated))

        def insert(c: psycopg.Connection, args: tuple[Any, ...] = args) -> Any:
            return c.execute(
                "INSERT INTO cursors (name, value, updated_at) VALUES (%s, %s, %s)"
                " ON CONFLICT (name) DO NOTHING RETURNING name",
                args,
            ).fetchone()

        row = target.call(insert)
        if row:
            report.cursors_copied += 1
        else:
            report.cursors_kept += 1
