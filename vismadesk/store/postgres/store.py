"""`PgStore`: the team store, the same API as the profile's own `Store` on PostgreSQL.

Several consoles (and the office server's scheduled job) point at one database and
share its journal, sync log, cursors and claims. The schema is checked and migrated
when the store opens; a server that cannot be reached is one clear StoreUnavailable,
never a quiet fall back to the local file (that would defeat the claims).

Queries share a small connection pool; the run lock and the live-log listener each
hold a connection of their own for as long as they are needed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import psycopg
import psycopg_pool

from vismadesk.domain import Action, ExportFormat, JournalEntry, JournalState, Level, LogEntry
from vismadesk.store.api import JournalStep, LogListener, Unsubscribe, log_bound
from vismadesk.store.errors import StoreError
from vismadesk.store.postgres import claims, cursors, journal, log, schema
from vismadesk.store.postgres.connection import conninfo, is_connection_error, unavailable
from vismadesk.store.postgres.listen import LogNotices
from vismadesk.store.postgres.runlock import RunLock
from vismadesk.store.postgres.url import describe
from vismadesk.store.runlock import RunHolder

T = TypeVar("T")

# Export threads (up to `concurrency`), the window's log reader and a sync at once.
POOL_SIZE = 12
# A pooled connection idle longer than this is checked (one empty round trip) before
# use: a server restarted over lunch, or a connection a firewall dropped, is replaced
# instead of failing the planner's first click. Busy connections are not checked.
IDLE_CHECK_S = 5.0
# How long a query waits for a free pooled connection before the store is
# declared unavailable (a server that went away mid-session).
POOL_TIMEOUT_S = 20
# Once the server has been found out of reach, a query waits this long for the pool
# instead: the window says so at once rather than freezing for POOL_TIMEOUT_S each
# time. The pool reconnects by itself; the first query that succeeds ends this.
DOWN_WAIT_S = 1.0


class PgStore:
    shared = True

    def __init__(
        self,
        url: str,
        *,
        password: str | None = None,
        profile: str = "",
        host: str | None = None,
        pool_size: int = POOL_SIZE,
        migrate: bool = True,
    ) -> None:
        self.url = url
        self.has_fts = True
        self._info = conninfo(url, password)
        self._closed = False
        self._down = False  # the server was found out of reach (DOWN_WAIT_S)
        self._last_used: dict[int, float] = {}
        self._spare: tuple[psycopg.Connection, float] | None = None
        self._spare_lock = threading.Lock()
        self._pool = psycopg_pool.ConnectionPool(
            self._info,
            min_size=1,
            max_size=max(2, pool_size),
            kwargs={"autocommit": True},
            check=self._check_idle,
            # A connection just made counts as just used: no empty round trip first.
            configure=self._returned,
            reset=self._returned,
            timeout=POOL_TIMEOUT_S,
            name="vismadesk-store",
            open=False,
        )
        # A connection of our own first: a server that cannot be reached is one clear
        # message at once (a pool would keep trying, and log each try).
        conn = self._connect()
        try:
            # The pool makes its first connection while ours checks the schema; the
            # first query waits for it (up to POOL_TIMEOUT_S, then unavailable).
            self._pool.open(wait=False)
            self._migrated_from = schema.check(conn, self.location, upgrade=migrate)
        except BaseException as e:
            lost = isinstance(e, psycopg.Error) and is_connection_error(e, conn)
            conn.close()
            self._pool.close()
            if lost:
                raise unavailable(url, e) from None
            raise
        # Kept for the first who needs a connection of its own (the window's live log,
        # a command's run lock): opening then costs one connect fewer.
        self._spare = (conn, time.monotonic())
        self._notices = LogNotices(self._connect)
        self._run_lock = RunLock(
            self._connect, host or socket.gethostname(), profile, self._translate
        )
        self._close_lock = threading.Lock()

    # --- plumbing ---------------------------------------------------------------------

    def _connect(self) -> psycopg.Connection:
        """A connection of its own (not pooled), autocommit."""
        with self._spare_lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            conn, since = spare
            if time.monotonic() - since <= IDLE_CHECK_S and not (conn.closed or conn.broken):
                return conn
            conn.close()  # idle too long to trust without a round trip: a new one
        return self._new_connection()

    def _new_connection(self) -> psycopg.Connection:
        try:
            return psycopg.connect(self._info, autocommit=True)
        except psycopg.Error as e:
            self._down = True
            raise unavailable(self.url, e) from None

    def _returned(self, conn: psycopg.Connection) -> None:
        self._last_used[id(conn)] = time.monotonic()

    def _check_idle(self, conn: psycopg.Connection) -> None:
        last = self._last_used.get(id(conn))
        if last is None or time.monotonic() - last > IDLE_CHECK_S:
            conn.execute("")  # raises on a dead connection: the pool opens another

    def _translate(self, e: psycopg.Error, conn: psycopg.Connection | None = None) -> BaseException:
        return unavailable(self.url, e) if is_connection_error(e, conn) else e

    def _call(self, fn: Callable[[psycopg.Connection], T]) -> T:
        """Run `fn` on a pooled connection. A pooled connection found dead (the server
        restarted, a firewall cut it) is replaced once: every call here is safe to
        repeat (reads, upserts, a renewed claim; at worst a log line twice)."""
        for attempt in (1, 2):
            used: psycopg.Connection | None = None
            try:
                with self._pooled() as c:
                    used = c
                    result = fn(c)
                self._down = False
                return result
            except psycopg.Error as e:
                if not is_connection_error(e, used):
                    raise
                self._down = True  # the second try finds out quickly whether it still is
                if attempt == 2 or used is None:
                    raise unavailable(self.url, e) from None
        raise AssertionError("unreachable")

    @contextlib.contextmanager
    def _pooled(self) -> Iterator[psycopg.Connection]:
        if self._closed:
            raise StoreError("the store is closed")
        try:
            conn = self._getconn()
        except psycopg_pool.PoolClosed:
            raise StoreError("the store is closed") from None
        try:
            with conn:  # as the pool's own connection(): commit, or roll back on error
                yield conn
        finally:
            self._pool.putconn(conn)

    def _getconn(self) -> psycopg.Connection:
        if not self._down:
            try:
                return self._pool.getconn(POOL_TIMEOUT_S)
            except psycopg_pool.PoolTimeout as e:
                self._down = True
                raise unavailable(self.url, e) from None
        with contextlib.suppress(psycopg_pool.PoolTimeout):
            return self._pool.getconn(DOWN_WAIT_S)
        # Still out of reach? A connection of our own says so at once, with the server's
        # own reason ("connection refused"); reachable again, the pool catches up.
        self._new_connection().close()
        try:
            return self._pool.getconn(POOL_TIMEOUT_S)
        except psycopg_pool.PoolTimeout as e:
            raise unavailable(self.url, e) from None

    def call(self, fn: Callable[[psycopg.Connection], T]) -> T:
        """Run `fn` on a pooled connection, for the store's own tools (health, copy)."""
        return self._call(fn)

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._notices.close()
        self._pool.close()
        with self._spare_lock:
            spare, self._spare = self._spare, None
        if spare is not None:
            spare[0].close()

    @property
    def location(self) -> str:
        return f"PostgreSQL {describe(self.url)}"

    @property
    def migrated_from(self) -> int | None:
        """The schema version found when this store opened (before migrating)."""
        return self._migrated_from

    @property
    def schema_version(self) -> int:
        return self._call(lambda c: schema.stored_version(c))

    # --- sync log ---------------------------------------------------------------------

    def add_log(self, entry: LogEntry) -> LogEntry:
        return self.add_logs([entry])[0]

    def add_logs(self, entries: Iterable[LogEntry]) -> list[LogEntry]:
        batch = list(entries)  # a second try must see the same entries
        return self._call(lambda c: log.add(c, batch))

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
        return self._call(
            lambda c: log.query(
                c,
                fts=self.has_fts,
                levels=levels,
                work_order=work_order,
                search=search,
                order="DESC",
                limit=limit,
                id_bound=("<", before_id) if before_id is not None else None,
            )
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
        return self._call(
            lambda c: log.query(
                c,
                fts=self.has_fts,
                levels=levels,
                work_order=work_order,
                search=search,
                order="ASC",
                limit=limit,
                id_bound=(">", after_id),
            )
        )

    def log_entry(self, entry_id: int) -> LogEntry | None:
        return self._call(lambda c: log.entry(c, entry_id))

    def latest_log_id(self) -> int:
        return self._call(lambda c: log.latest_id(c))

    def log_count(self, levels: Iterable[Level | str] | None = None) -> int:
        return self._call(lambda c: log.count(c, levels))

    def log_count_upto(
        self,
        top_id: int,
        *,
        levels: Iterable[Level | str] | None = None,
        search: str | None = None,
    ) -> int:
        """How many entries with an id up to `top_id` the filter shows."""
        return self._call(
            lambda c: log.count_upto(c, top_id, fts=self.has_fts, levels=levels, search=search)
        )

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
        bound = log_bound(before_id, after_id)
        return self._call(
            lambda c: log.id_at(
                c, offset, fts=self.has_fts, bound=bound, levels=levels, search=search
            )
        )

    def subscribe(self, callback: LogListener, *, poll_s: float = 1.0) -> Unsubscribe:
        """Call `callback` (on the listener thread) whenever any console writes the log.

        `poll_s` is the SQLite store's; the server tells us, nothing is polled.
        """
        if self._closed:
            raise StoreError("the store is closed")
        # Not waiting for the listener: once it listens it calls every subscriber, who
        # then reads what was written meanwhile. The window opens without that wait.
        return self._notices.subscribe(callback, wait_s=0)

    # --- export journal ---------------------------------------------------------------

    def journal_get(self, work_order: str) -> JournalEntry | None:
        return self._call(lambda c: journal.get(c, work_order))

    def journal_entries(self, states: Iterable[JournalState] | None = None) -> list[JournalEntry]:
        return self._call(lambda c: journal.entries(c, states))

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
        return self._call(
            lambda c: journal.record(
                c,
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
        )

    def journal_forget(self, work_order: str) -> None:
        """Drop a failed work order's journal entry so it may be exported again."""
        self._call(lambda c: journal.forget(c, work_order))

    # --- sync cursors -----------------------------------------------------------------

    def cursor_get(self, name: str) -> str | None:
        return self._call(lambda c: cursors.get(c, name))

    def cursor_time(self, name: str) -> dt.datetime | None:
        return self._call(lambda c: cursors.time(c, name))

    def cursor_set(self, name: str, value: str) -> None:
        self._call(lambda c: cursors.put(c, name, value))

    # --- run lock and claims (STORE_CONTRACT.md) --------------------------------------

    def hold_run(
        self, action: Action, *, wait_s: float = 0.0
    ) -> contextlib.AbstractContextManager[None]:
        """One run at a time per console (host + profile), across processes.

        Waits up to `wait_s` for the holder to finish, then raises RunBusy. A holder
        that died never blocks: the server drops its lock with its connection.
        """
        if self._closed:
            raise StoreError("the store is closed")
        return self._run_lock.hold(action, wait_s)

    def run_holder(self) -> RunHolder | None:
        """Who holds this console's run lock now (None when free)."""
        return self._call(lambda c: self._run_lock.holder(c))

    def claim(self, work_order: str, owner: str, lease_s: float) -> bool:
        """True when `owner` now holds the work order's claim (new, renewed, or taken
        over from an expired lease); False while another owner's lease runs."""
        return self._call(lambda c: claims.claim(c, work_order, owner, lease_s))

    def release_claim(self, work_order: str, owner: str) -> None:
        self._call(lambda c: claims.release(c, work_order, owner))

    def claims_expired_before(self, when: dt.datetime) -> list[str]:
        return self._call(lambda c: claims.expired_before(c, when))

    def claim_and_record(
        self, work_order: str, owner: str, lease_s: float, step: JournalStep
    ) -> bool:
        """`claim`, and when it is held, `step` in the journal: one transaction."""

        def _both(c: psycopg.Connection) -> bool:
            with c.transaction():
                if not claims.claim(c, work_order, owner, lease_s):
                    return False
                _record(c, work_order, step)
                return True

        # Safe to repeat after a lost connection: the claim is renewed, the step
        # written again (at worst one attempt counted twice).
        return self._call(_both)

    def record_and_release(self, work_order: str, owner: str, step: JournalStep) -> None:
        """`step` in the journal and `release_claim`: one transaction."""

        def _both(c: psycopg.Connection) -> None:
            with c.transaction():
                _record(c, work_order, step)
                claims.release(c, work_order, owner)

        self._call(_both)


def _record(c: psycopg.Connection, work_order: str, step: JournalStep) -> JournalEntry:
    return journal.record(
        c,
        work_order,
        step.state,
        doc_format=step.doc_format,
        doc_number=step.doc_number,
        order_type=step.order_type,
        last_error=step.last_error,
        run_id=step.run_id,
        new_attempt=step.new_attempt,
        previous_status=step.previous_status,
    )
