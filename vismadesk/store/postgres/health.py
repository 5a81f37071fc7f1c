"""`vismadesk store check` on a team store: the server, its latency, what it holds."""

from __future__ import annotations

import statistics
import time

from vismadesk.store.postgres import schema
from vismadesk.store.postgres.store import PgStore
from vismadesk.store.runlock import RunHolder

LATENCY_PROBES = 5


def facts(store: PgStore) -> list[tuple[str, str]]:
    """(what, value) lines, in the order a person reads them."""
    with store.connection() as c:
        server = c.execute("SHOW server_version").fetchone()
        probes = []
        for _ in range(LATENCY_PROBES):
            t = time.perf_counter()
            c.execute("SELECT 1").fetchone()
            probes.append((time.perf_counter() - t) * 1000)
        version = schema.stored_version(c)
        log_rows = c.execute("SELECT count(*), max(id) FROM log").fetchone()
        states = dict(
            c.execute(
                "SELECT state, count(*) FROM journal GROUP BY state ORDER BY state"
            ).fetchall()
        )
        cursor_rows = c.execute("SELECT count(*) FROM cursors").fetchone()
        claim_rows = c.execute(
            "SELECT count(*) FILTER (WHERE expires_at > clock_timestamp()),"
            " count(*) FILTER (WHERE expires_at <= clock_timestamp()) FROM claims"
        ).fetchone()
        size = c.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()
    holder = store.run_holder()
    journal = ", ".join(f"{n} {state}" for state, n in states.items()) or "empty"
    return [
        ("Store", store.location),
        ("Server", f"reachable, PostgreSQL {server[0] if server else '?'}"),
        ("Schema", f"version {version} (this vismadesk knows up to {schema.SCHEMA_VERSION})"),
        ("Latency", f"{statistics.median(probes):.1f} ms (median of {LATENCY_PROBES} round trips)"),
        ("Log entries", str(log_rows[0] if log_rows else 0)),
        ("Journal", journal),
        ("Sync cursors", str(cursor_rows[0] if cursor_rows else 0)),
        (
            "Claims",
            f"{claim_rows[0]} held, {claim_rows[1]} expired" if claim_rows else "none",
        ),
        ("This console's run", _holder_text(holder)),
        ("Database size", size[0] if size else "?"),
    ]


def _holder_text(holder: RunHolder | None) -> str:
    if holder is None:
        return "none running"
    return (
        f"{holder.action.value} since {holder.since:%Y-%m-%d %H:%M:%S} UTC "
        f"(process {holder.pid} on {holder.host})"
    )
