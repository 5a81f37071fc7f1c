"""A sync log of a million entries in the team store (PostgreSQL): open, filter, search.

    uv run python bench/log_scale_pg.py                 # 1,000,000 entries, own server
    uv run python bench/log_scale_pg.py --quick         # 100,000 entries
    uv run python bench/log_scale_pg.py --url URL       # a server of yours (a new database
                                                        # is created there and dropped)
    uv run python bench/log_scale_pg.py --no-window     # the store API only

The entries are bench/_log_data.py's (the same years of runs as bench/log_scale.py),
written with COPY into the team store's schema (so the generated search column and
its GIN index are built as the store builds them). Then, through the store API, as
the window's log reader asks (median of 5 each, a fresh PgStore for `open`):

- open: PgStore() (connect, schema check, pool) + the newest page + the newest id
- filter to errors / back to all: the first page for that filter
- search a work order number, a common word ('Zwolle'), a rare word, a prefix
- live: log_since the newest id (what every NOTIFY costs a window)
- open across an office network (--latency-ms, 30 by default): the store ready for
  the window, and its newest page read

and, unless --no-window, the real window (bench/log_scale.py's probe) on the team
store: from process start to the newest rows painted (and the window process's CPU
time by then, which a busy machine inflates less), filter and search as painted.
Targets are the window's: open < 1.5 s, filter < 300 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg

from bench import _log_data
from tests.helpers.postgres import Cluster, DelayProxy
from vismadesk.domain import Level
from vismadesk.store.postgres import PgStore

TARGET_OPEN_S = 1.5
TARGET_FILTER_S = 0.3
REPEATS = 5
_COPY = (
    "COPY log (time, action, level, code, summary, details, work_order, record, run_id) FROM STDIN"
)


def build(url: str, count: int) -> float:
    PgStore(url).close()  # the schema, as the store creates it
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as c:
        with c.cursor().copy(_COPY) as copy:
            for e in _log_data.entries(count):
                copy.write_row(_log_data._row(e))
        c.execute("VACUUM ANALYZE log")
    return time.perf_counter() - started


def _median(fn: Callable[[], Any]) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(REPEATS):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def api_timings(url: str, latency_ms: float) -> list[tuple[str, float, str, float | None]]:
    def open_store() -> int:
        s = PgStore(url)
        try:
            s.log_page(limit=200)
            return s.latest_log_id()
        finally:
            s.close()

    rows: list[tuple[str, float, str, float | None]] = []
    t, _ = _median(open_store)
    rows.append(("open: PgStore() + newest page + newest id", t, "", TARGET_OPEN_S))
    rows += _open_over_network(url, latency_ms)
    with PgStore(url) as s:
        with psycopg.connect(url) as c:
            number = c.execute(
                "SELECT work_order FROM log WHERE work_order IS NOT NULL AND id > "
                "(SELECT max(id) / 2 FROM log) ORDER BY id LIMIT 1"
            ).fetchone()[0]  # type: ignore[index]
        cases: list[tuple[str, Callable[[], list[Any]], float | None]] = [
            (
                "filter to errors (first page)",
                lambda: s.log_page(levels=[Level.ERROR]),
                TARGET_FILTER_S,
            ),
            (
                "filter to warnings and errors",
                lambda: s.log_page(levels=[Level.ERROR, Level.WARNING]),
                TARGET_FILTER_S,
            ),
            ("back to all", lambda: s.log_page(), TARGET_FILTER_S),
            (f"search a work order number ({number})", lambda: s.log_page(search=number), None),
            ("search a common word ('Zwolle')", lambda: s.log_page(search="Zwolle"), None),
            ("search a rare word ('KRAAN-3-17')", lambda: s.log_page(search="KRAAN-3-17"), None),
            ("search a prefix ('Amersf')", lambda: s.log_page(search="Amersf"), None),
            (
                "errors + search ('Zwolle')",
                lambda: s.log_page(levels=[Level.ERROR], search="Zwolle"),
                TARGET_FILTER_S,
            ),
            ("live: log_since(newest)", lambda: s.log_since(s.latest_log_id()), None),
        ]
        for name, fn, target in cases:
            t, got = _median(fn)
            rows.append((name, t, f"{len(got)} rows", target))
    return rows


def _open_over_network(url: str, latency_ms: float) -> list[tuple[str, float, str, float | None]]:
    """What opening costs across an office network (a TCP relay adding `latency_ms` per
    round trip): the store ready for the window (PgStore + live log subscribed), and
    the newest page read, as the window's log reader asks for it."""
    if latency_ms <= 0:
        return []
    port = urlsplit(url).port
    assert port is not None
    proxy = DelayProxy(port, latency_ms / 2000)
    ready: list[float] = []
    page: list[float] = []
    try:
        for _ in range(REPEATS):
            t = time.perf_counter()
            s = PgStore(proxy.url(url))
            try:
                s.subscribe(lambda: None)
                ready.append(time.perf_counter() - t)
                s.latest_log_id()
                s.log_page(limit=200)
                page.append(time.perf_counter() - t)
            finally:
                s.close()
    finally:
        proxy.close()
    rtt = f"{latency_ms:.0f} ms round trip"
    return [
        (f"open at {rtt}: store ready for the window", statistics.median(ready), "", None),
        (f"open at {rtt}: + newest page read", statistics.median(page), "", None),
    ]


def window_timings(url: str) -> list[tuple[str, float, str, float | None]]:
    from bench import log_scale

    os.environ["VISMADESK_STORE_URL"] = url
    # As installed: with the bytecode cache. Without it every start compiles some 650
    # modules again (about 1 s more on the 2-core machine), whichever store it opens.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    profile = Path(tempfile.mkdtemp(prefix="vismadesk-pg-window-"))
    with psycopg.connect(url) as c:
        number = c.execute(
            "SELECT work_order FROM log WHERE work_order IS NOT NULL AND id > "
            "(SELECT max(id) / 2 FROM log) ORDER BY id LIMIT 1"
        ).fetchone()[0]  # type: ignore[index]
    log_scale.probe(profile, "open")  # fills the bytecode cache; not counted
    opens = [log_scale.probe(profile, "open") for _ in range(3)]
    full = log_scale.probe(profile, "log", ["--search-number", number])
    open_s = statistics.median(o["rows_painted_s"] for o in opens)
    return [
        (
            "window open: process start -> rows painted",
            open_s,
            ", ".join(f"{o['rows_painted_s']:.2f}" for o in opens),
            TARGET_OPEN_S,
        ),
        (
            "window open: its CPU time by then",
            statistics.median(o["cpu_at_rows_painted_s"] for o in opens),
            "(what load does not inflate)",
            None,
        ),
        ("window: filter to errors, painted", full["filter_errors_s"], "", TARGET_FILTER_S),
        ("window: back to all, painted", full["filter_all_s"], "", None),
        (f"window: search {number}, painted", full["search_number_s"], "", None),
        ("window: search 'Zwolle', painted", full["search_word_s"], "", None),
        ("window: End, the oldest painted", full["end_s"], "", log_scale.TARGET_END_S),
        ("window: jump to the middle, painted", full["middle_s"], "", None),
        ("window: Home, the newest painted", full["home_s"], "", None),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 entries instead of 1,000,000")
    ap.add_argument("--entries", type=int)
    ap.add_argument("--url", help="a server (superuser or CREATEDB) to build the log on")
    ap.add_argument("--no-window", action="store_true", help="the store API only")
    ap.add_argument(
        "--latency-ms",
        type=float,
        default=30.0,
        help="round trip of the office network for the 'open at' rows (0: leave them out)",
    )
    args = ap.parse_args()
    count = args.entries or (100_000 if args.quick else 1_000_000)
    url = args.url or os.environ.get("VISMADESK_TEST_PG_URL")
    cluster = Cluster(url) if url else Cluster.start()
    try:
        with cluster.new_database() as db_url:
            built = build(db_url, count)
            with psycopg.connect(db_url) as c:
                size = c.execute(
                    "SELECT pg_size_pretty(pg_database_size(current_database()))"
                ).fetchone()[0]  # type: ignore[index]
                server = c.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
            rows = api_timings(db_url, args.latency_ms)
            if not args.no_window:
                rows += window_timings(db_url)
    finally:
        if not url:
            cluster.stop()
    out = io.StringIO()
    print(
        f"\nlog scale on PostgreSQL {server}: {count:,} entries, database {size}, "
        f"built in {built:.1f} s; load average {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} CPUs",
        file=out,
    )
    w = max(len(r[0]) for r in rows)
    for name, t, note, target in rows:
        mark = "" if target is None else ("met" if t < target else "MISSED")
        goal = "" if target is None else f"< {target * 1000:.0f} ms"
        print(f"{name:<{w}}  {t * 1000:8.1f} ms  {note:<18} {goal:<10} {mark}", file=out)
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
