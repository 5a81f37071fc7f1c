"""The store's tests run on both backends: the profile's SQLite file and a real
PostgreSQL server (`pg_url` in tests/conftest.py; tests/helpers/postgres.py finds or
starts one; no server, the PostgreSQL tests fail, they never skip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.store_backends import Backend, PostgresBackend, SqliteBackend


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "data" / "vismadesk.sqlite3")
    else:
        yield PostgresBackend(request.getfixturevalue("pg_url"))
