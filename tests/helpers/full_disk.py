"""A full disk for SQLite, without a disk: `PRAGMA max_page_count`.

Once the database may grow no further, SQLite refuses every write that needs a new
page with SQLITE_FULL, "database or disk is full": exactly what a full disk gives.
The limit is a connection's own, so every connection the store opens from now on (one
per thread) gets it, and so do the ones given.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator

import pytest


@contextlib.contextmanager
def disk_full_after(
    monkeypatch: pytest.MonkeyPatch, existing: list[sqlite3.Connection], spare_pages: int
) -> Iterator[None]:
    pages = int(existing[0].execute("PRAGMA page_count").fetchone()[0]) + spare_pages
    real_connect = sqlite3.connect

    def connect(*args: object, **kwargs: object) -> sqlite3.Connection:
        c = real_connect(*args, **kwargs)  # type: ignore[call-overload]
        c.execute(f"PRAGMA max_page_count = {pages}")
        return c

    for c in existing:
        c.execute(f"PRAGMA max_page_count = {pages}")
    with monkeypatch.context() as m:
        m.setattr(sqlite3, "connect", connect)
        yield
    for c in existing:
        c.execute("PRAGMA max_page_count = 4294967294")
