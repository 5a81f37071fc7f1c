"""The local database: sync log, export journal, sync cursors.

SQLite in WAL mode, one connection per thread (readers never wait for the writer),
schema versioned with `PRAGMA user_version` and migrated forwards only. A database
written by a newer vismadesk is refused untouched.

The log is read in pages by id, newest first, so a window can show a million
entries by loading only what is on screen.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from vismadesk.domain import (
    Action,
    ExportFormat,
    JournalEntry,
    JournalState,
    Level,
    LogEntry,
)
from vismadesk.redact import redact, redact_obj


class StoreError(RuntimeError):
    pass


class SchemaTooNew(StoreError):
    def __init__(self, path: Path | str, found: int, known: int) -> None:
        super().__init__(
            f"The database {path} was written by a newer vismadesk (schema {found}; this "
            f"version knows up to {known}). Update vismadesk; the database was not changed."
        )
        self.found = found
        self.known = known


# --- Schema ---------------------------------------------------------------------------


def _script(c: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the open migration transaction.

    `executescript` would COMMIT that transaction first, leaving a half-migrated
    database behind when a later step fails (and the final COMMIT then fails too).
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            c.execute(statement)
            statement = ""
    if statement.strip():
        c.execute(statement)


def _v1(c: sqlite3.Connection) -> None:
    _script(
        c,
        """
        CREATE TABLE log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time TEXT NOT NULL,
            action TEXT NOT NULL,
            level TEXT NOT NULL,
            code TEXT,
            summary TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}',
            work_order TEXT,
            record TEXT,
            run_id TEXT
        );
        CREATE INDEX log_level_id ON log(level, id);
        CREATE INDEX log_work_order_id ON log(work_order, id);
        CREATE INDEX log_run_id ON log(run_id);

        CREATE TABLE journal (
            work_order TEXT PRIMARY KEY,
            state TEXT NOT NULL,
            doc_format TEXT,
            doc_number TEXT,
            order_type TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            run_id TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX journal_state ON journal(state);

        CREATE TABLE cursors (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        """,
    )


def _v2(c: sqlite3.Connection) -> None:
    # Full-text search over the log. Optional: a SQLite built without FTS5 falls back
    # to LIKE (slower, same results for plain words).
    try:
        _script(
            c,
            """
            CREATE VIRTUAL TABLE log_fts USING fts5(
                summary, details, work_order, record,
                content='log', content_rowid='id'
            );
            CREATE TRIGGER log_fts_insert AFTER INSERT ON log BEGIN
                INSERT INTO log_fts(rowid, summary, details, work_order, record)
                VALUES (new.id, new.summary, new.details, new.work_order, new.record);
            END;
            CREATE TRIGGER log_fts_delete AFTER DELETE ON log BEGIN
                INSERT INTO log_fts(log_fts, rowid, summary, details, work_order, record)
                VALUES ('delete', old.id, old.summary, old.details, old.work_order, old.record);
            END;
            INSERT INTO log_fts(log_fts) VALUES ('rebuild');
            """,
        )
    except sqlite3.OperationalError as e:
        if "fts5" not in str(e).lower():
            raise


def _v3(c: sqlite3.Connection) -> None:
    # The work status a failed work order had before it got the error status, so a
    # reset can put it back when no ready-for-export status is configured.
    c.execute("ALTER TABLE journal ADD COLUMN previous_status TEXT")


MIGRATIONS: Sequence[Callable[[sqlite3.Connection], None]] = (_v1, _v2, _v3)
SCHEMA_VERSION = len(MIGRATIONS)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def _parse_time(s: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(s) if s else None


def _fts_query(text: str) -> str:
    # Quote each word so punctuation in codes ("M-1001", "SO 000223") is not parsed
    # as FTS syntax; the last word matches as a prefix, like a search box should.
    words = [w.replace('"', '""') for w in text.split()]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_LOG_COLUMNS = "id, time, action, level, code, summary, details, work_order, record, run_id"


def _row_to_log(r: sqlite3.Row | tuple) -> LogEntry:
    id_, time, action, level, code, summary, details, wo, record, run_id = r
    return LogEntry(
        id=id_,
        time=dt.datetime.fromisoformat(time),
        action=Action(action),
        level=Level(level),
        code=code,
        summary=summary,
        details=json.loads(details) if details else {},
        work_order=wo,
        record=record,
        run_id=run_id,
    )


def _row_to_journal(r: tuple) -> JournalEntry:
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
        created_at=_parse_time(created),
        updated_at=_parse_time(updated),
        previous_status=prev,
    )


class _ThreadConnection:
    """One thread's connection, kept in that thread's `threading.local` data."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path) if str(path) != ":memory:" else path
        if isinstance(self.path, Path):
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False
        self._migrate()
        self.has_fts = bool(
            self._conn().execute("SELECT 1 FROM sqlite_master WHERE name = 'log_fts'").fetchone()
        )

    # --- connections -----------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is not None:
            return held.conn
        if self._closed:
            raise StoreError("the store is closed")
        c = sqlite3.connect(
            str(self.path), timeout=30, isolation_level=None, check_same_thread=False
        )
        c.execute("PRAGMA busy_timeout = 30000")
        c.execute("PRAGMA foreign_keys = ON")
        # NORMAL is durable against a crashed or killed process in WAL mode, which is
        # what the export journal must survive.
        c.execute("PRAGMA synchronous = NORMAL")
        held = _ThreadConnection(c)
        self._local.held = held
        # When the thread ends, its thread-local data goes and the connection is
        # closed with it: a long session starts thousands of worker threads.
        weakref.finalize(held, self._release, c)
        with self._all_lock:
            self._all.append(c)
        return c

    def _release(self, c: sqlite3.Connection) -> None:
        with self._all_lock:
            if c in self._all:
                self._all.remove(c)
        with contextlib.suppress(sqlite3.ProgrammingError):
            c.close()

    def close(self) -> None:
        with self._all_lock:
            self._closed = True
            conns, self._all = self._all, []
        for c in conns:
            with contextlib.suppress(sqlite3.ProgrammingError):
                c.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        c = self._conn()
        # Threads of this process queue here rather than in SQLite: its busy handler
        # polls with sleeps of 1 to 100 ms, so eight export threads writing the
        # journal lost milliseconds per write waiting for a lock long since free.
        with self._write_lock:
            c.execute("BEGIN IMMEDIATE")
            try:
                result = fn(c)
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")
        return result

    def _migrate(self) -> None:
        try:
            self._migrate_open()
        except BaseException:
            # A refused database must not stay open (and locked) behind the error.
            self.close()
            raise

    def _migrate_open(self) -> None:
        c = self._conn()
        # Checked before switching to WAL: that switch rewrites the file header, and a
        # newer version's database must be left exactly as it was.
        version = c.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(self.path, version, SCHEMA_VERSION)
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(self.path) != ":memory:" and mode.lower() != "wal":
            raise StoreError(f"could not switch {self.path} to WAL mode (got {mode})")
        c.execute("BEGIN IMMEDIATE")
        try:
            # Again inside the write lock: another process may have migrated meanwhile.
            version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SchemaTooNew(self.path, version, SCHEMA_VERSION)
            for step in range(version, SCHEMA_VERSION):
                MIGRATIONS[step](c)
                c.execute(f"PRAGMA user_version = {step + 1}")
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    # --- sync log --------------------------------------------------------------------

    def add_log(self, entry: LogEntry) -> LogEntry:
        return self.add_logs([entry])[0]

    def add_logs(self, entries: Iterable[LogEntry]) -> list[LogEntry]:
        entries = list(entries)

        def _insert(c: sqlite3.Connection) -> None:
            for e in entries:
                # Redact at the door: whatever a caller passes, no secret is stored.
                details = json.dumps(redact_obj(e.details), default=str, ensure_ascii=False)
                cur = c.execute(
                    "INSERT INTO log (time, action, level, code, summary, details, "
                    "work_order, record, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        e.time.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                        Action(e.action).value,
                        Level(e.level).value,
                        e.code,
                        redact(e.summary),
                        details,
                        e.work_order,
                        e.record,
                        e.run_id,
                    ),
                )
                e.id = cur.lastrowid

        self._write(_insert)
        return entries

    def _log_filter(
        self, levels: Iterable[Level | str] | None, work_order: str | None
    ) -> tuple[list[str], list[Any]]:
        where: list[str] = []
        args: list[Any] = []
        if levels:
            lv = sorted({Level(x).value for x in levels})
            where.append(f"log.level IN ({', '.join('?' * len(lv))})")
            args.extend(lv)
        if work_order:
            where.append("log.work_order = ?")
            args.append(work_order)
        return where, args

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
        where, args = self._log_filter(levels, work_order)
        bound = ("<", before_id) if before_id is not None else None
        return self._log_query(where, args, search, "DESC", limit, bound)

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
        where, args = self._log_filter(levels, work_order)
        return self._log_query(where, args, search, "ASC", limit, (">", after_id))

    def _log_query(
        self,
        where: list[str],
        args: list[Any],
        search: str | None,
        order: str,
        limit: int,
        id_bound: tuple[str, int] | None = None,
    ) -> list[LogEntry]:
        cols = ", ".join(f"log.{c.strip()}" for c in _LOG_COLUMNS.split(","))
        search = (search or "").strip()
        if search and self.has_fts:
            if id_bound is not None:
                # On the index's own rowid, so FTS starts at the bound: "newer than the
                # newest row shown" must not walk every older match of a common word.
                where = [*where, f"log_fts.rowid {id_bound[0]} ?"]
                args = [*args, id_bound[1]]
            q = _fts_query(search)
            # Walk the full-text index in id order and stop at `limit`: a common word
            # in a million entries costs no more than a rare one.
            sql = (
                f"SELECT {cols} FROM log_fts JOIN log ON log.id = log_fts.rowid "
                f"WHERE log_fts MATCH ?"
                + "".join(f" AND {w}" for w in where)
                + f" ORDER BY log_fts.rowid {order} LIMIT ?"
            )
            params = [q, *args, limit]
        else:
            if id_bound is not None:
                where = [*where, f"log.id {id_bound[0]} ?"]
                args = [*args, id_bound[1]]
            if search:
                like = (
                    "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                )
                where = [
                    *where,
                    "(log.summary LIKE ? ESCAPE '\\' OR log.details LIKE ? ESCAPE '\\' "
                    "OR log.work_order LIKE ? ESCAPE '\\')",
                ]
                args = [*args, like, like, like]
            clause = (" WHERE " + " AND ".join(where)) if where else ""
            sql = f"SELECT {cols} FROM log{clause} ORDER BY log.id {order} LIMIT ?"
            params = [*args, limit]
        return [_row_to_log(r) for r in self._conn().execute(sql, params)]

    def log_entry(self, entry_id: int) -> LogEntry | None:
        r = (
            self._conn()
            .execute(f"SELECT {_LOG_COLUMNS} FROM log WHERE id = ?", (entry_id,))
            .fetchone()
        )
        return _row_to_log(r) if r else None

    def latest_log_id(self) -> int:
        r = self._conn().execute("SELECT max(id) FROM log").fetchone()
        return r[0] or 0

    def log_count(self, levels: Iterable[Level | str] | None = None) -> int:
        where, args = self._log_filter(levels, None)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        return self._conn().execute(f"SELECT count(*) FROM log{clause}", args).fetchone()[0]

    # --- export journal --------------------------------------------------------------

    def journal_get(self, work_order: str) -> JournalEntry | None:
        r = (
            self._conn()
            .execute("SELECT * FROM journal WHERE work_order = ?", (work_order,))
            .fetchone()
        )
        return _row_to_journal(r) if r else None

    def journal_entries(self, states: Iterable[JournalState] | None = None) -> list[JournalEntry]:
        if states:
            st = [JournalState(s).value for s in states]
            rows = self._conn().execute(
                f"SELECT * FROM journal WHERE state IN ({', '.join('?' * len(st))}) "
                "ORDER BY work_order",
                st,
            )
        else:
            rows = self._conn().execute("SELECT * FROM journal ORDER BY work_order")
        return [_row_to_journal(r) for r in rows]

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

        def _upsert(c: sqlite3.Connection) -> JournalEntry:
            now = _now()
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
                    JournalState(state).value,
                    doc_format.value if doc_format else None,
                    doc_number,
                    order_type,
                    1 if new_attempt else 0,
                    redact(last_error) if last_error else None,
                    run_id,
                    now,
                    now,
                    previous_status,
                    1 if new_attempt else 0,
                ),
            )
            r = c.execute("SELECT * FROM journal WHERE work_order = ?", (work_order,)).fetchone()
            return _row_to_journal(r)

        return self._write(_upsert)

    def journal_forget(self, work_order: str) -> None:
        """Drop a failed work order's journal entry so it may be exported again."""
        self._write(
            lambda c: c.execute(
                "DELETE FROM journal WHERE work_order = ? AND state = ?",
                (work_order, JournalState.FAILED.value),
            )
        )

    # --- sync cursors ----------------------------------------------------------------

    def cursor_get(self, name: str) -> str | None:
        r = self._conn().execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
        return r[0] if r else None

    def cursor_time(self, name: str) -> dt.datetime | None:
        r = (
            self._conn()
            .execute("SELECT updated_at FROM cursors WHERE name = ?", (name,))
            .fetchone()
        )
        return _parse_time(r[0]) if r else None

    def cursor_set(self, name: str, value: str) -> None:
        self._write(
            lambda c: c.execute(
                "INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (name, value, _now()),
            )
        )
