"""The store: sync log, export journal, sync cursors (a local file or a team server).

    api.py      StoreAPI, what every backend offers (the engine and window use it)
    opening.py  open_store: the profile's SQLite file, or the team store in store_url
    local.py    Store, the profile's own SQLite file
    postgres/   PgStore, the team store on PostgreSQL (see its __init__)
    live.py     the SQLite store's `subscribe`: new log entries from other processes
    runlock.py  the run lock's types (RunHolder, RunBusy)
    db.py       SQLite connections (one per thread), the write lock, SQLite's dialect
    schema.py   the tables and their forward-only migrations
    log.py      sync log writes, pages and search
    journal.py  the export journal
    cursors.py  the master-data sync cursors
    claims.py   claims on work orders being exported
    runlock.py  who holds a profile's run lock (RunHolder), and RunBusy
    lockfile.py the run lock as a file lock next to the database
    errors.py   what the store raises

SQLite specifics live in db.py (pragmas, WAL, transactions, schema version, times as
text) and schema.py (DDL, FTS5); the queries are plain SQL with `?` parameters,
except the full-text search in log.py (`_fts_search`).
"""

from vismadesk.store.api import JournalStep, StoreAPI
from vismadesk.store.errors import SchemaTooNew, StoreError, StoreUnavailable
from vismadesk.store.local import Store
from vismadesk.store.opening import open_store, store_url
from vismadesk.store.runlock import RunBusy, RunHolder
from vismadesk.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "JournalStep",
    "RunBusy",
    "RunHolder",
    "SchemaTooNew",
    "Store",
    "StoreAPI",
    "StoreError",
    "StoreUnavailable",
    "open_store",
    "store_url",
]
