"""Claims: a work order is claimed in the team store before its document is created.

One statement decides, atomically across every console: a new claim is inserted, the
owner's own claim is renewed, an expired one is taken over; an unexpired claim of
another owner is left alone and the caller is told no. Times are the server's, so
the consoles' clocks need not agree.
"""

from __future__ import annotations

import datetime as dt

import psycopg

_CLAIM = """
INSERT INTO claims AS c (work_order, owner, claimed_at, expires_at)
VALUES (%(wo)s, %(owner)s, clock_timestamp(),
        clock_timestamp() + %(lease)s * interval '1 second')
ON CONFLICT (work_order) DO UPDATE SET
    owner = excluded.owner,
    claimed_at = CASE WHEN c.owner = excluded.owner THEN c.claimed_at
                      ELSE excluded.claimed_at END,
    expires_at = excluded.expires_at
WHERE c.owner = excluded.owner OR c.expires_at <= clock_timestamp()
RETURNING owner
"""


def claim(c: psycopg.Connection, work_order: str, owner: str, lease_s: float) -> bool:
    row = c.execute(_CLAIM, {"wo": work_order, "owner": owner, "lease": lease_s}).fetchone()
    return row is not None


def release(c: psycopg.Connection, work_order: str, owner: str) -> None:
    c.execute("DELETE FROM claims WHERE work_order = %s AND owner = %s", (work_order, owner))


def expired_before(c: psycopg.Connection, when: dt.datetime) -> list[str]:
    rows = c.execute(
        "SELECT work_order FROM claims WHERE expires_at < %s ORDER BY work_order", (when,)
    )
    return [r[0] for r in rows]
