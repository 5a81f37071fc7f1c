"""The store's tests run on both backends: the profile's SQLite file and a real
PostgreSQL server (tests/helpers/postgres.py finds or starts one; no server, the
PostgreSQL tests fail, they never skip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.postgres import Cluster, NoServer, cluster_from_environment
from tests.helpers.store_backends import Backend, PostgresBackend, SqliteBackend


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    # Read before the per-test fixtures clear every VISMADESK_* variable.
    cluster = cluster_from_environment()
    if cluster is not None:
        yield cluster
        return
    try:
        cluster = Cluster.start()
    except NoServer as e:
        pytest.fail(f"the team store tests need a PostgreSQL server: {e}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped after the test."""
    with pg_cluster.new_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "data" / "vismadesk.sqlite3")
    else:
        yield PostgresBackend(request.getfixturevalue("pg_url"))
