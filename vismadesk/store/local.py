"""`Store`: the profile's own database, the one API the engine and the window use.

SQLite in WAL mode (db.py), schema migrated on open (schema.py); the sync log
(log.py), export journal (journal.py), sync cursors (cursors.py) and claims
(claims.py) are its tables. The run lock is a file lock next to it (lockfile.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from pathlib import Path

from vismadesk import messages
from vismadesk.domain import Action, ExportFormat, JournalEntry, JournalState, Level, LogEntry
from vismadesk.store import claims, cursors, journal, live, log, recovery, schema
from vismadesk.store.api import JournalStep, LogListener, Unsubscribe, log_bound
from vismadesk.store.db import Database, has_table, user_version
from vismadesk.store.faults import FaultKind, StoreFault, sqlite_fault
from vismadesk.store.lockfile import MemoryRunLock, ProfileRunLock
from vismadesk.store.runlock import RunHolder


class Store(Database):
    def __init__(self, path: Path | str) -> None:
        # What the planner is told on opening (a damaged file moved aside).
        self.opening_notes: list[str] = []
        super().__init__(path)
        try:
            self._open()
        except StoreFault as e:
            # A refused database must not stay open (and locked) behind the error.
            self.close()
            if e.kind is not FaultKind.DAMAGED or not isinstance(self.path, Path):
                raise
            moved = recovery.move_aside(self.path, e)
            super().__init__(path)
            try:
                self._open()
            except BaseException:
                self.close()
                raise
            self._note_moved(e, moved)
        except BaseException:
            self.close()
            raise
        self.has_fts = has_table(self.connection(), schema.FTS_TABLE)
        self._run_lock = (
            ProfileRunLock(self.path) if isinstance(self.path, Path) else MemoryRunLock()
        )
        self._poller = live.LogPoller(self.latest_log_id)

    def _open(self) -> None:
        """Migrate, then read a little of every table: a damaged file says so now, not
        halfway through an export."""
        schema.migrate(self)
        c = self.connection()
        try:
            for sql in (
                "SELECT count(*) FROM journal",
                "SELECT id, time FROM log ORDER BY id DESC LIMIT 200",
                "SELECT count(*) FROM cursors",
                "SELECT count(*) FROM claims",
            ):
                c.execute(sql).fetchall()
        except sqlite3.Error as e:
            raise sqlite_fault(self.path, e) or e from e

    def _note_moved(self, fault: StoreFault, moved: Path) -> None:
        # In the new file's log too, so the planner reads it where every run is kept.
        msg = messages.DATABASE_MOVED_ASIDE
        values = {"path": str(self.path), "moved": str(moved)}
        self.add_log(
            LogEntry(
                Action.EXPORT,
                msg.level,
                msg.render(**values),
                {"hint": msg.hint, "cause": fault.detail},
                code=msg.code,
                params=values,
            )
        )
        self.opening_notes.append(f"{msg.shown(values)} {msg.hint_shown(values)}")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        poller = getattr(self, "_poller", None)  # absent when the schema was refused
        if poller is not None:
            poller.close()
        super().close()

    @property
    def location(self) -> str:
        return f"SQLite {self.path}"

    def subscribe(self, callback: LogListener, *, poll_s: float = live.POLL_S) -> Unsubscribe:
        """Call `callback` (on a thread of the store's) when the log has grown, whichever
        process wrote it; the file is looked at every `poll_s` seconds."""
        return self._poller.subscribe(callback, poll_s)

    @property
    def schema_version(self) -> int:
        return user_version(self.connection())

    # --- sync log --------------------------------------------------------------------

    def add_log(self, entry: LogEntry) -> LogEntry:
        return log.add(self, [entry])[0]

    def add_logs(self, entries: Iterable[LogEntry]) -> list[LogEntry]:
        return log.add(self, entries)

    def log_page(
        self,
        *,
        before_id: int | None = None,
        limit: int = 200,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
        work_order: str | None = None,
    ) -> list[LogEntry]:
        """Entries older than `before_id` (all when None), newest first."""
        return log.page(
            self,
            fts=self.has_fts,
            before_id=before_id,
            limit=limit,
            levels=levels,
            search=search,
            work_order=work_order,
        )

    def log_since(
        self,
        after_id: int,
        *,
        limit: int = 1000,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
        work_order: str | None = None,
    ) -> list[LogEntry]:
        """Entries newer than `after_id`, oldest first (for growing a live view)."""
        return log.since(
            self,
            after_id,
            fts=self.has_fts,
            limit=limit,
            levels=levels,
            search=search,
            work_order=work_order,
        )

    def log_entry(self, entry_id: int) -> LogEntry | None:
        return log.entry(self, entry_id)

    def latest_log_id(self) -> int:
        return log.latest_id(self)

    def log_count(self, levels: Iterable[Level | str] | None = None) -> int:
        return log.count(self, levels)

    def log_count_upto(
        self,
        top_id: int,
        *,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
    ) -> int:
        """How many entries with an id up to `top_id` the filter shows."""
        return log.count_upto(self, top_id, fts=self.has_fts, levels=levels, search=search)

    def log_id_at(
        self,
        offset: int,
        *,
        before_id: int | None = None,
        after_id: int | None = None,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
    ) -> int | None:
        """The id `offset` matching entries past a bound: down from `before_id` (newest
        first) or up from `after_id`; None when there are not that many."""
        return log.id_at(
            self,
            offset,
            fts=self.has_fts,
            bound=log_bound(before_id, after_id),
            levels=levels,
            search=search,
        )

    # --- export journal --------------------------------------------------------------

    def journal_get(self, work_order: str) -> JournalEntry | None:
        return journal.get(self, work_order)

    def journal_entries(self, states: Iterable[JournalState] | None = None) -> list[JournalEntry]:
        return journal.entries(self, states)

    def journal_record(
        self,
        work_order: str,
        state: JournalState,
        *,
        doc_format: ExportFormat | None = None,
        doc_number: str | None = None,
        order_type: str | None = None,
        last_error: str | None = None,
        run_id: str | None = None,
        new_attempt: bool = False,
        previous_status: str | None = None,
    ) -> JournalEntry:
        """Record a step for a work order. Fields left None keep their stored value."""
        return journal.record(
            self,
            work_order,
            state,
            doc_format=doc_format,
            doc_number=doc_number,
            order_type=order_type,
            last_error=last_error,
            run_id=run_id,
            new_attempt=new_attempt,
            previous_status=previous_status,
        )

    def journal_forget(self, work_order: str) -> None:
        """Drop a failed work order's journal entry so it may be exported again."""
        journal.forget(self, work_order)

    # --- one run at a time, and claims ------------------------------------------------

    @property
    def shared(self) -> bool:
        """The profile's own file: no other console writes this journal or these claims."""
        return False

    def hold_run(self, action: Action, *, wait_s: float = 0.0) -> AbstractContextManager[None]:
        """One run at a time per profile, across processes. Waits up to wait_s, then
        raises RunBusy. A holder that died never blocks: the OS drops its file lock."""
        return self._run_lock.hold(action, wait_s)

    def run_holder(self) -> RunHolder | None:
        """Who holds the profile's run lock now (None when free). For the window."""
        return self._run_lock.holder()

    def claim(self, work_order: str, owner: str, lease_s: float) -> bool:
        """True when `owner` now holds the claim (new, renewed, or taken over because
        the previous lease expired); False while another owner's lease runs."""
        return claims.claim(self, work_order, owner, lease_s)

    def release_claim(self, work_order: str, owner: str) -> None:
        claims.release(self, work_order, owner)

    def claims_expired_before(self, when: dt.datetime) -> list[str]:
        return claims.expired_before(self, when)

    def claim_and_record(
        self, work_order: str, owner: str, lease_s: float, step: JournalStep
    ) -> bool:
        """`claim`, and when it is held, `step` in the journal: one transaction (each
        commit is a write to the WAL and a lock round, per work order)."""

        def _both(c: sqlite3.Connection) -> bool:
            if not claims.claim_in(c, work_order, owner, lease_s):
                return False
            journal.record_in(c, work_order, step)
            return True

        return self.write(_both)

    def record_and_release(self, work_order: str, owner: str, step: JournalStep) -> None:
        """`step` in the journal and `release_claim`: one transaction."""

        def _both(c: sqlite3.Connection) -> None:
            journal.record_in(c, work_order, step)
            claims.release_in(c, work_order, owner)

        self.write(_both)

    # --- sync cursors ----------------------------------------------------------------

    def cursor_get(self, name: str) -> str | None:
        return cursors.get(self, name)

    def cursor_time(self, name: str) -> dt.datetime | None:
        return cursors.time(self, name)

    def cursor_set(self, name: str, value: str) -> None:
        cursors.put(self, name, value)
