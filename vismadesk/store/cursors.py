"""Sync cursors: how far each master-data sync got, so the next one asks only for news."""

from __future__ import annotations

import datetime as dt

from vismadesk.store.db import Database, now_text, parse_time


def get(db: Database, name: str) -> str | None:
    r = db.connection().execute("SELECT value FROM cursors WHERE name = ?", (name,)).fetchone()
    return r[0] if r else None


def time(db: Database, name: str) -> dt.datetime | None:
    r = db.connection().execute("SELECT updated_at FROM cursors WHERE name = ?", (name,)).fetchone()
    return parse_time(r[0]) if r else None


def put(db: Database, name: str, value: str) -> None:
    db.write(
        lambda c: c.execute(
            "INSERT INTO cursors (name, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (name, value, now_text()),
        )
    )
