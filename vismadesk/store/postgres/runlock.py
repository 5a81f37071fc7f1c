"""One run at a time per console (host + profile), held as a session advisory lock.

The lock lives on a connection of its own, open for the whole run. When the process
dies (kill -9, a crash) its connection closes and the server drops the lock with it;
when the computer loses power, the keepalives (connection.py) let the server notice
within about 35 seconds. The `run_lock` row only says who holds it, for the window:
a row whose lock is no longer held is a dead run's and is not reported.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterator

import psycopg
import psycopg.errors

from vismadesk.domain import Action
from vismadesk.store.runlock import RunBusy, RunHolder

_HOLDER = """
SELECT r.action, r.since, r.pid, r.host, r.profile FROM run_lock r
WHERE r.lock_key = %(key)s AND EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.pid = r.backend_pid
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = %(hi)s::oid AND l.objid = %(lo)s::oid AND l.objsubid = 1)
"""
_CLAIM_ROW = """
INSERT INTO run_lock (lock_key, action, since, pid, host, profile, backend_pid)
VALUES (%s, %s, clock_timestamp(), %s, %s, %s, pg_backend_pid())
ON CONFLICT (lock_key) DO UPDATE SET action = excluded.action, since = excluded.since,
    pid = excluded.pid, host = excluded.host, profile = excluded.profile,
    backend_pid = excluded.backend_pid
"""


def lock_key(host: str, profile: str) -> int:
    """A stable 64-bit key for this console's run lock."""
    digest = hashlib.blake2b(f"vismadesk run\0{host}\0{profile}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


class RunLock:
    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        host: str,
        profile: str,
        translate: Callable[[psycopg.Error, psycopg.Connection], BaseException],
    ) -> None:
        self._connect = connect
        self._translate = translate
        self.host = host
        self.profile = profile
        self.key = lock_key(host, profile)
        unsigned = self.key & 0xFFFF_FFFF_FFFF_FFFF
        # How pg_locks shows a one-number advisory key: its two halves.
        self._parts = {"key": self.key, "hi": unsigned >> 32, "lo": unsigned & 0xFFFF_FFFF}

    @contextlib.contextmanager
    def hold(self, action: Action, wait_s: float = 0.0) -> Iterator[None]:
        conn = self._connect()
        try:
            try:
                if not self._acquire(conn, wait_s):
                    raise RunBusy(self.holder(conn))
                conn.execute(
                    _CLAIM_ROW,
                    (self.key, Action(action).value, os.getpid(), self.host, self.profile),
                )
            except psycopg.Error as e:
                raise self._translate(e, conn) from None
            try:
                yield
            finally:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(
                        "DELETE FROM run_lock WHERE lock_key = %s "
                        "AND backend_pid = pg_backend_pid()",
                        (self.key,),
                    )
                    conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
        finally:
            conn.close()

    def _acquire(self, conn: psycopg.Connection, wait_s: float) -> bool:
        if wait_s <= 0:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            return bool(row and row[0])
        # The server waits for us (no polling): lock_timeout bounds the wait.
        conn.execute(f"SET lock_timeout = {max(1, int(wait_s * 1000))}")
        try:
            conn.execute("SELECT pg_advisory_lock(%s)", (self.key,))
        except psycopg.errors.LockNotAvailable:
            return False
        finally:
            conn.execute("RESET lock_timeout")
        return True

    def holder(self, conn: psycopg.Connection) -> RunHolder | None:
        row = conn.execute(_HOLDER, self._parts).fetchone()
        if row is None:
            return None
        action, since, pid, host, profile = row
        return RunHolder(
            action=Action(action),
            since=since.astimezone(dt.UTC),
            pid=pid,
            host=host,
            profile=profile,
        )
