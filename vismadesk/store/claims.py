"""Claims: a work order is claimed by one owner just before its document is created.

A claim has a lease: once it has expired, the owner is taken to be gone (killed,
powered off) and another may take the work order over. Each call is one write
transaction, so two owners can never both be told they hold the same work order.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from vismadesk.store.db import Database, parse_time, time_text


def claim(db: Database, work_order: str, owner: str, lease_s: float) -> bool:
    return db.write(lambda c: claim_in(c, work_order, owner, lease_s))


def claim_in(c: sqlite3.Connection, work_order: str, owner: str, lease_s: float) -> bool:
    """`claim` inside the caller's write transaction."""
    now = dt.datetime.now(dt.UTC)
    expires = time_text(now + dt.timedelta(seconds=lease_s))
    row = c.execute(
        "SELECT owner, expires_at FROM claims WHERE work_order = ?", (work_order,)
    ).fetchone()
    if row is None:
        c.execute(
            "INSERT INTO claims (work_order, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?)",
            (work_order, owner, time_text(now), expires),
        )
        return True
    held_by, held_until = row[0], parse_time(row[1])
    if held_by == owner:
        c.execute("UPDATE claims SET expires_at = ? WHERE work_order = ?", (expires, work_order))
        return True
    if held_until is not None and held_until > now:
        return False
    c.execute(
        "UPDATE claims SET owner = ?, claimed_at = ?, expires_at = ? WHERE work_order = ?",
        (owner, time_text(now), expires, work_order),
    )
    return True


def release(db: Database, work_order: str, owner: str) -> None:
    db.write(lambda c: release_in(c, work_order, owner))


def release_in(c: sqlite3.Connection, work_order: str, owner: str) -> None:
    c.execute("DELETE FROM claims WHERE work_order = ? AND owner = ?", (work_order, owner))


def expired_before(db: Database, when: dt.datetime) -> list[str]:
    rows = db.connection().execute(
        "SELECT work_order FROM claims WHERE expires_at < ? ORDER BY work_order",
        (time_text(when),),
    )
    return [r[0] for r in rows]
