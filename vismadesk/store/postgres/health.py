"""`vismadesk store check` on a team store: the server, its latency, what it holds."""

from __future__ import annotations

import statistics
import time
from typing import Any

import psycopg

from vismadesk.store.postgres import schema
from vismadesk.store.postgres.store import PgStore
from vismadesk.store.runlock import RunHolder

LATENCY_PROBES = 5


def facts(store: PgStore) -> list[tuple[str, str]]:
    """(what, value) lines, in the order a person reads them."""
    got = store.call(_measure)
    states = ", ".join(f"{n} {state}" for state, n in got["states"].items()) or "empty"
    held, expired = got["claims"]
    return [
        ("Store", store.location),
        ("Server", f"reachable, PostgreSQL {got['server']}"),
        (
            "Schema",
            f"version {got['version']} (this vismadesk knows up to {schema.SCHEMA_VERSION})",
        ),
        ("Latency", f"{got['latency_ms']:.1f} ms (median of {LATENCY_PROBES} round trips)"),
        ("Log entries", str(got["log_entries"])),
        ("Journal", states),
        ("Sync cursors", str(got["cursors"])),
        ("Claims", f"{held} held, {expired} expired"),
        ("This console's run", _holder_text(store.run_holder())),
        ("Database size", got["size"]),
    ]


def _one(c: psycopg.Connection, sql: str) -> Any:
    row = c.execute(sql).fetchone()
    return row[0] if row else None


def _measure(c: psycopg.Connection) -> dict[str, Any]:
    probes = []
    for _ in range(LATENCY_PROBES):
        t = time.perf_counter()
        c.execute("SELECT 1").fetchone()
        probes.append((time.perf_counter() - t) * 1000)
    by_state = "SELECT state, count(*) FROM journal GROUP BY state ORDER BY state"
    claims = c.execute(
        "SELECT count(*) FILTER (WHERE expires_at > clock_timestamp()),"
        " count(*) FILTER (WHERE expires_at <= clock_timestamp()) FROM claims"
    ).fetchone()
    return {
        "server": _one(c, "SHOW server_version"),
        "latency_ms": statistics.median(probes),
        "version": schema.stored_version(c),
        "log_entries": _one(c, "SELECT count(*) FROM log"),
        "states": dict(c.execute(by_state).fetchall()),
        "cursors": _one(c, "SELECT count(*) FROM cursors"),
        "claims": tuple(claims) if claims else (0, 0),
        "size": _one(c, "SELECT pg_size_pretty(pg_database_size(current_database()))"),
    }


def _holder_text(holder: RunHolder | None) -> str:
    if holder is None:
        return "none running"
    return (
        f"{holder.action.value} since {holder.since:%Y-%m-%d %H:%M:%S} UTC "
        f"(process {holder.pid} on {holder.host})"
    )
