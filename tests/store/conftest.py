"""The store's tests run on both backends: the profile's SQLite file and a real
PostgreSQL server (tests/helpers/postgres.py finds or starts one; no server, the
PostgreSQL tests fail, they never skip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.postgres import Cluster, NoServer, cluster_from_environment
from tests.helpers.store_backends import Backend, PostgresBackend, SqliteBackend

# Read at import: every test's own fixtures clear the VISMADESK_* variables, and a
# backend asks for the server from inside a test.
_CI_CLUSTER = cluster_from_environment()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if _CI_CLUSTER is not None:
        yield _CI_CLUSTER
        return
    try:
        cluster = Cluster.start()  # a developer machine: a server of our own
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
