"""The local database: sync log, export journal, sync cursors.

    local.py    Store, the API everyone else uses
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

from vismadesk.store.errors import SchemaTooNew, StoreError
from vismadesk.store.local import Store
from vismadesk.store.runlock import RunBusy, RunHolder
from vismadesk.store.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "RunBusy",
    "RunHolder",
    "SchemaTooNew",
    "Store",
    "StoreError",
]
