"""SQLite underneath the store: connections, the write lock, and SQLite's own dialect.

Everything here is specific to SQLite (pragmas, WAL, `BEGIN IMMEDIATE`, `user_version`,
`sqlite_master`, times stored as ISO text); a second backend replaces this module and
the DDL in schema.py, not the queries' callers.

One connection per thread (readers never wait for the writer), opened on first use
and closed when its thread ends; writes from this process queue on one lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from vismadesk.store.errors import StoreError
from vismadesk.store.faults import StoreFault, os_fault, sqlite_fault

T = TypeVar("T")

# How long a write waits for another program's lock on the file before giving up.
BUSY_TIMEOUT_S = 30.0


class _Connection(sqlite3.Connection):
    """A connection whose errors about the file (damaged, locked, read-only, full) are
    `StoreFault`s naming it, whichever query meets them."""

    fault_path: Path | str = ""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as e:
            fault = sqlite_fault(self.fault_path, e, BUSY_TIMEOUT_S)
            if fault is None:
                raise
            raise fault from e


def now_text() -> str:
    """The current time the way the tables store it."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def time_text(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def parse_time(s: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(s) if s else None


def run_script(c: sqlite3.Connection, script: str) -> None:
    """Run a multi-statement script inside the open transaction.

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


def user_version(c: sqlite3.Connection) -> int:
    return int(c.execute("PRAGMA user_version").fetchone()[0])


def set_user_version(c: sqlite3.Connection, version: int) -> None:
    c.execute(f"PRAGMA user_version = {int(version)}")


def has_table(c: sqlite3.Connection, name: str) -> bool:
    return bool(c.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone())


def _private_file(path: Path) -> None:
    """Create the database readable by the user only (it holds customer data); SQLite
    gives its -wal and -shm files the same permissions. An older one is tightened."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as e:
        raise os_fault(path, e) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


class _ThreadConnection:
    """One thread's connection, kept in that thread's `threading.local` data."""

    __slots__ = ("__weakref__", "conn")

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn


class Database:
    """A SQLite file (or ":memory:") opened once per thread that uses it."""

    def __init__(self, path: Path | str) -> None:
        self.path: Path | str = Path(path) if str(path) != ":memory:" else path
        if isinstance(self.path, Path):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise os_fault(self.path, e) from None
            _private_file(self.path)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        held: _ThreadConnection | None = getattr(self._local, "held", None)
        if held is not None:
            return held.conn
        if self._closed:
            raise StoreError("the store is closed")
        try:
            c = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
        except sqlite3.Error as e:
            raise sqlite_fault(self.path, e, BUSY_TIMEOUT_S) or e from e
        c.fault_path = self.path
        try:
            c.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            c.execute("PRAGMA foreign_keys = ON")
            # NORMAL is durable against a crashed or killed process in WAL mode, which
            # is what the export journal must survive.
            c.execute("PRAGMA synchronous = NORMAL")
        except BaseException:
            c.close()
            raise
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

    def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one write transaction: all of it is stored, or none of it."""
        c = self.connection()
        # Threads of this process queue here rather than in SQLite: its busy handler
        # polls with sleeps of 1 to 100 ms, so eight export threads writing the
        # journal lost milliseconds per write waiting for a lock long since free.
        with self._write_lock:
            c.execute("BEGIN IMMEDIATE")
            try:
                result = fn(c)
                c.execute("COMMIT")
            except BaseException:
                # A full disk or an I/O error may have rolled back already; the
                # original error is the one to report.
                if c.in_transaction:
                    with contextlib.suppress(sqlite3.Error, StoreFault):
                        c.execute("ROLLBACK")
                raise
        return result

    def switch_to_wal(self) -> None:
        c = self.connection()
        mode = c.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(self.path) != ":memory:" and mode.lower() != "wal":
            raise StoreError(f"could not switch {self.path} to WAL mode (got {mode})")
