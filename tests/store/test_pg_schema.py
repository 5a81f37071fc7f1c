"""The team store's schema: created on first open, migrated once by consoles starting
together, a failing step leaving nothing behind, a newer schema refused untouched."""

from __future__ import annotations

import threading

import psycopg
import pytest

from vismadesk.store import SchemaTooNew, StoreError
from vismadesk.store.postgres import PgStore
from vismadesk.store.postgres import schema as pg_schema


def _tables(url: str) -> set[str]:
    with psycopg.connect(url) as c:
        rows = c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r[0] for r in rows}


def _version(url: str) -> int:
    with psycopg.connect(url) as c:
        return pg_schema.stored_version(c)


def test_an_empty_database_gets_every_table_at_the_current_version(pg_url: str) -> None:
    with PgStore(pg_url) as s:
        assert s.schema_version == pg_schema.SCHEMA_VERSION
        assert s.migrated_from == 0
        assert s.shared is True
    assert {"log", "journal", "cursors", "claims", "run_lock", "vismadesk_schema"} <= _tables(
        pg_url
    )
    with PgStore(pg_url) as s:
        assert s.migrated_from == pg_schema.SCHEMA_VERSION  # nothing to do the second time


def test_consoles_starting_at_the_same_moment_migrate_once(pg_url: str) -> None:
    n = 6
    start = threading.Barrier(n)
    stores: list[PgStore] = []
    errors: list[BaseException] = []

    def console() -> None:
        try:
            start.wait()
            stores.append(PgStore(pg_url, pool_size=2))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=console) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert sorted(s.migrated_from or 0 for s in stores) == [0] + [pg_schema.SCHEMA_VERSION] * (
            n - 1
        )
        with psycopg.connect(pg_url) as c:
            assert c.execute("SELECT count(*) FROM vismadesk_schema").fetchone() == (1,)
    finally:
        for s in stores:
            s.close()


def test_a_failing_migration_leaves_the_schema_as_it_was(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vismadesk.domain import Action, Level, LogEntry

    with PgStore(pg_url) as s:
        s.add_log(LogEntry(Action.EXPORT, Level.INFO, "before the upgrade"))

    def half_done_then_broken(c: psycopg.Connection) -> None:
        c.execute("CREATE TABLE half_done (x int)")
        c.execute("ALTER TABLE journal ADD COLUMN half_done_too text")
        raise psycopg.OperationalError("disk full")

    monkeypatch.setattr(pg_schema, "MIGRATIONS", (*pg_schema.MIGRATIONS, half_done_then_broken))
    monkeypatch.setattr(pg_schema, "SCHEMA_VERSION", len(pg_schema.MIGRATIONS))
    with pytest.raises(psycopg.OperationalError, match="disk full"):
        PgStore(pg_url)
    monkeypatch.undo()

    assert _version(pg_url) == pg_schema.SCHEMA_VERSION
    assert "half_done" not in _tables(pg_url)
    with psycopg.connect(pg_url) as c:
        cols = {r[0] for r in c.execute("SELECT column_name FROM information_schema.columns")}
    assert "half_done_too" not in cols
    with PgStore(pg_url) as s:
        assert [e.summary for e in s.log_page()] == ["before the upgrade"]


def test_a_newer_schema_is_refused_and_left_untouched(pg_url: str) -> None:
    PgStore(pg_url).close()
    newer = pg_schema.SCHEMA_VERSION + 1
    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute("CREATE TABLE from_the_future (x text)")
        c.execute("INSERT INTO from_the_future VALUES ('precious')")
        c.execute("UPDATE vismadesk_schema SET version = %s", (newer,))
    before = _tables(pg_url)

    for migrate in (True, False):
        with pytest.raises(SchemaTooNew) as info:
            PgStore(pg_url, migrate=migrate)
        assert isinstance(info.value, StoreError)
        assert (info.value.found, info.value.known) == (newer, pg_schema.SCHEMA_VERSION)
        assert "newer vismadesk" in str(info.value) and "Update vismadesk" in str(info.value)
        assert "PostgreSQL" in str(info.value)

    assert _tables(pg_url) == before
    assert _version(pg_url) == newer
    with psycopg.connect(pg_url) as c:
        assert c.execute("SELECT x FROM from_the_future").fetchall() == [("precious",)]
