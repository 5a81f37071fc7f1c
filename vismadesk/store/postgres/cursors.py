"""Sync cursors on PostgreSQL: how far each master-data sync got, for every console."""

from __future__ import annotations

import datetime as dt

import psycopg


def get(c: psycopg.Connection, name: str) -> str | None:
    r = c.execute("SELECT value FROM cursors WHERE name = %s", (name,)).fetchone()
    return r[0] if r else None


def time(c: psycopg.Connection, name: str) -> dt.datetime | None:
    r = c.execute("SELECT updated_at FROM cursors WHERE name = %s", (name,)).fetchone()
    return r[0] if r else None


def put(c: psycopg.Connection, name: str, value: str) -> None:
    c.execute(
        "INSERT INTO cursors (name, value, updated_at) VALUES (%s, %s, clock_timestamp())"
        " ON CONFLICT (name) DO UPDATE SET value = excluded.value,"
        " updated_at = excluded.updated_at",
        (name, value),
    )
