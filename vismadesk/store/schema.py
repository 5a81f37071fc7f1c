"""The tables, and the migrations that bring any older database up to them.

The schema version is SQLite's `PRAGMA user_version`; migrations only go forwards,
each in the same transaction as the version it sets. A database written by a newer
vismadesk is refused untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from vismadesk.store.db import Database, run_script, set_user_version, user_version
from vismadesk.store.errors import SchemaTooNew


def _v1(c: sqlite3.Connection) -> None:
    run_script(
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
        run_script(
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


def _v4(c: sqlite3.Connection) -> None:
    # A work order is claimed before its document is created (see claims.py).
    run_script(
        c,
        """
        CREATE TABLE claims (
            work_order TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE INDEX claims_expires_at ON claims(expires_at);
        """,
    )


_FTS_COLUMNS = "summary, search_text, details, work_order, record"


def _v5(c: sqlite3.Connection) -> None:
    # Each entry's message values (JSON), so the window shows it in the language chosen
    # now; and its summary in the other languages, so a search finds the words a Dutch
    # planner reads. Numbered after the claims migration (v4) of the exactly-once work.
    c.execute("ALTER TABLE log ADD COLUMN params TEXT")
    c.execute("ALTER TABLE log ADD COLUMN search_text TEXT")
    if not c.execute("SELECT 1 FROM sqlite_master WHERE name = 'log_fts'").fetchone():
        return  # a SQLite without FTS5: the LIKE search reads the new column as it is
    new = ", ".join(f"new.{col.strip()}" for col in _FTS_COLUMNS.split(","))
    old = ", ".join(f"old.{col.strip()}" for col in _FTS_COLUMNS.split(","))
    run_script(
        c,
        f"""
        DROP TRIGGER log_fts_insert;
        DROP TRIGGER log_fts_delete;
        DROP TABLE log_fts;
        CREATE VIRTUAL TABLE log_fts USING fts5(
            {_FTS_COLUMNS},
            content='log', content_rowid='id'
        );
        CREATE TRIGGER log_fts_insert AFTER INSERT ON log BEGIN
            INSERT INTO log_fts(rowid, {_FTS_COLUMNS}) VALUES (new.id, {new});
        END;
        CREATE TRIGGER log_fts_delete AFTER DELETE ON log BEGIN
            INSERT INTO log_fts(log_fts, rowid, {_FTS_COLUMNS})
            VALUES ('delete', old.id, {old});
        END;
        INSERT INTO log_fts(log_fts) VALUES ('rebuild');
        """,
    )


MIGRATIONS: Sequence[Callable[[sqlite3.Connection], None]] = (_v1, _v2, _v3, _v4, _v5)
SCHEMA_VERSION = len(MIGRATIONS)

FTS_TABLE = "log_fts"


def migrate(db: Database) -> None:
    """Bring the database to SCHEMA_VERSION, or refuse it untouched if it is newer."""
    c = db.connection()
    # Checked before switching to WAL: that switch rewrites the file header, and a
    # newer version's database must be left exactly as it was.
    version = user_version(c)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(db.path, version, SCHEMA_VERSION)
    db.switch_to_wal()
    c.execute("BEGIN IMMEDIATE")
    try:
        # Again inside the write lock: another process may have migrated meanwhile.
        version = user_version(c)
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(db.path, version, SCHEMA_VERSION)
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](c)
            set_user_version(c, step + 1)
    except BaseException:
        c.execute("ROLLBACK")
        raise
    c.execute("COMMIT")
