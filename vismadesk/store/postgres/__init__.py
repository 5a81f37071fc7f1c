"""The team store: the sync log, journal, cursors, claims and run lock on PostgreSQL.

store.py       PgStore, the same API as the profile's own Store (store/api.py)
url.py         what the `store_url` setting may hold (standard library only)
connection.py  the connection string, the password, keepalives, error wording
schema.py      the tables, the log-writing function, forward-only migrations
log.py, journal.py, cursors.py, claims.py   the queries, one table each
runlock.py     one run per console: a session advisory lock and who holds it
listen.py      LISTEN/NOTIFY: every window hears of every console's entries
health.py      `vismadesk store check`: reachable, version, latency, row counts
copying.py     `vismadesk store copy`: a profile's SQLite data into a team store
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vismadesk.store.postgres.store import PgStore

__all__ = ["PgStore"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the settings check imports url.py from this package, and
    # a console on its own SQLite file never needs the driver.
    if name == "PgStore":
        from vismadesk.store.postgres.store import PgStore

        return PgStore
    raise AttributeError(name)
