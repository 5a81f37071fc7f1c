"""The team store's tables, and the migrations that bring a server's schema up to them.

PostgreSQL numbers its schema on its own (the SQLite file has its own MIGRATIONS);
the tables and columns are the same. The version is one row in `vismadesk_schema`.
Migrations only go forwards, all of them in one transaction under an advisory lock,
so consoles starting at the same moment migrate once; PostgreSQL's DDL is
transactional, so a failing step leaves the schema as it was. A schema written by a
newer vismadesk is refused untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import psycopg
import psycopg.errors

from vismadesk.store.errors import SchemaTooNew

# The namespace of vismadesk's own two-number advisory locks (the run lock uses
# one-number keys, which PostgreSQL keeps apart from these).
LOCK_SPACE = 0x7653_6B31
LOG_ORDER_LOCK = 1  # log writes commit in id order (see vismadesk_add_log)
MIGRATE_LOCK = 2
LOG_CHANNEL = "vismadesk_log"

# Words for the full-text index, split as SQLite's FTS5 (unicode61) splits them: runs
# of letters and digits, lower case, no stemming, so search finds the same entries.
_WORDS = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "summary || ' ' || details || ' ' || coalesce(work_order, '') || ' ' "
    "|| coalesce(record, ''), '[^[:alnum:]]+', ' ', 'g'))"
)

_V1 = f"""
CREATE TABLE log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    time timestamptz NOT NULL,
    action text NOT NULL,
    level text NOT NULL,
    code text,
    summary text NOT NULL,
    details text NOT NULL DEFAULT '{{}}',
    work_order text,
    record text,
    run_id text,
    -- Set on entries brought in by `vismadesk store copy`: copying twice adds nothing.
    copied_from text,
    words tsvector GENERATED ALWAYS AS ({_WORDS}) STORED
);
CREATE INDEX log_level_id ON log (level, id);
CREATE INDEX log_work_order_id ON log (work_order, id);
CREATE INDEX log_run_id ON log (run_id);
CREATE INDEX log_words ON log USING gin (words);
CREATE UNIQUE INDEX log_copied_from ON log (copied_from) WHERE copied_from IS NOT NULL;

CREATE TABLE journal (
    work_order text PRIMARY KEY,
    state text NOT NULL,
    doc_format text,
    doc_number text,
    order_type text,
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    run_id text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    previous_status text
);
CREATE INDEX journal_state ON journal (state);

CREATE TABLE cursors (
    name text PRIMARY KEY,
    value text NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE claims (
    work_order text PRIMARY KEY,
    owner text NOT NULL,
    claimed_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX claims_expires_at ON claims (expires_at);

-- Who holds each console's run lock (the lock itself is a session advisory lock).
CREATE TABLE run_lock (
    lock_key bigint PRIMARY KEY,
    action text NOT NULL,
    since timestamptz NOT NULL,
    pid integer NOT NULL,
    host text NOT NULL,
    profile text NOT NULL,
    backend_pid integer NOT NULL
);

-- Log writes from every console take one short lock inside the server, so ids become
-- visible in order: a window that has seen id N never later misses an older id.
-- One call is one round trip, and it tells every listening window at commit.
CREATE FUNCTION vismadesk_add_log(
    p_time timestamptz[], p_action text[], p_level text[], p_code text[],
    p_summary text[], p_details text[], p_work_order text[], p_record text[],
    p_run_id text[], p_copied_from text[]
) RETURNS SETOF bigint LANGUAGE plpgsql AS $fn$
BEGIN
    PERFORM pg_advisory_xact_lock({LOCK_SPACE}, {LOG_ORDER_LOCK});
    RETURN QUERY
        INSERT INTO log (time, action, level, code, summary, details, work_order,
                         record, run_id, copied_from)
        SELECT * FROM unnest(p_time, p_action, p_level, p_code, p_summary, p_details,
                             p_work_order, p_record, p_run_id, p_copied_from)
        ON CONFLICT (copied_from) WHERE copied_from IS NOT NULL DO NOTHING
        RETURNING id;
    PERFORM pg_notify('{LOG_CHANNEL}', '');
END
$fn$;
"""


def _v1(c: psycopg.Connection) -> None:
    c.execute(_V1)


MIGRATIONS: Sequence[Callable[[psycopg.Connection], None]] = (_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


def stored_version(c: psycopg.Connection) -> int:
    """The schema version on the server; 0 for a database vismadesk never set up."""
    # A catalog query, not to_regclass(): that may answer from this session's cache,
    # which still says "no such table" after another console created it.
    exists = c.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class k"
        " JOIN pg_catalog.pg_namespace n ON n.oid = k.relnamespace"
        " WHERE k.relname = 'vismadesk_schema' AND n.nspname = current_schema())"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = c.execute("SELECT max(version) FROM vismadesk_schema").fetchone()
    return int(row[0] or 0) if row else 0


def check(c: psycopg.Connection, where: str, *, upgrade: bool) -> int:
    """On open: the schema version found, migrated first when `upgrade` (refusing a
    newer one). `c` is an idle autocommit connection; a current schema costs one
    round trip (the catalog is read only for a database that is not up to date)."""
    try:
        row = c.execute("SELECT max(version) FROM vismadesk_schema").fetchone()
        found = int(row[0] or 0) if row else 0
    except psycopg.errors.UndefinedTable:
        found = 0  # autocommit: the failed statement spoils no transaction
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(where, found, SCHEMA_VERSION)
    if found == SCHEMA_VERSION or not upgrade:
        return found
    return migrate(c, where)[0]


def migrate(c: psycopg.Connection, where: str) -> tuple[int, int]:
    """Bring the schema to SCHEMA_VERSION; (version before, version now).

    `c` is an autocommit connection; `where` names the store in the refusal.
    """
    # Looked at before anything is written: a newer schema is left exactly as it is.
    found = stored_version(c)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(where, found, SCHEMA_VERSION)
    if found == SCHEMA_VERSION:
        return found, found
    with c.transaction():
        c.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, MIGRATE_LOCK))
        # Again under the lock: another console may have migrated meanwhile.
        found = stored_version(c)
        if found > SCHEMA_VERSION:
            raise SchemaTooNew(where, found, SCHEMA_VERSION)
        if found == 0:
            c.execute("CREATE TABLE IF NOT EXISTS vismadesk_schema (version integer NOT NULL)")
        for step in range(found, SCHEMA_VERSION):
            MIGRATIONS[step](c)
        c.execute("DELETE FROM vismadesk_schema")
        c.execute("INSERT INTO vismadesk_schema (version) VALUES (%s)", (SCHEMA_VERSION,))
    return found, SCHEMA_VERSION
