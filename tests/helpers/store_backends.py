"""The two store backends behind one face, so one test covers both.

`open()` opens a store on the backend's data (a second call opens a second store on
the same data, as another console or process would); `raw()` is everything the
backend keeps, as bytes, for tests that look for what must never be stored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vismadesk.store import Store
from vismadesk.store.api import StoreAPI


class Backend:
    name: str

    def open(self, **kw: Any) -> StoreAPI:
        raise NotImplementedError

    def raw(self) -> bytes:
        raise NotImplementedError


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self, **kw: Any) -> StoreAPI:
        return Store(self.path)

    def raw(self) -> bytes:
        wal = self.path.with_name(self.path.name + "-wal")
        return self.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


class PostgresBackend(Backend):
    name = "postgres"

    def __init__(self, url: str) -> None:
        self.url = url

    def open(self, **kw: Any) -> StoreAPI:
        from vismadesk.store.postgres import PgStore

        return PgStore(self.url, **kw)

    def raw(self) -> bytes:
        import psycopg

        out = []
        with psycopg.connect(self.url) as c:
            tables = [
                r[0]
                for r in c.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
                )
            ]
            for table in tables:
                for row in c.execute(f"SELECT t::text FROM {table} t"):
                    out.append(row[0])
        return "\n".join(out).encode()
