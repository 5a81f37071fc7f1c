"""The sync log as a CSV for Excel: how long a million entries take to write.

    uv run python bench/log_csv.py            # 1,000,000 entries
    uv run python bench/log_csv.py --quick    # 100,000 entries
    uv run python bench/log_csv.py --db DIR   # keep (and reuse) the generated profile

The log is written through the Store's schema (bench/_log_data.py); then the same
`vismadesk.logcsv.export` the window's File → Export log… and `vismadesk log --csv`
call writes it: every entry in Dutch (the `;` layout, summaries and hints in Dutch),
every entry in English, the errors only, and a word search. Peak RSS shows that the
entries stream through in pages instead of being held. The CPU time beside each wall
time is this process's own: on a machine shared with other work it is the steadier
figure.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.log_scale import ensure_log
from vismadesk import logcsv
from vismadesk.domain import Level
from vismadesk.i18n import Language, set_language
from vismadesk.store import Store


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _one(
    store: Store,
    out: Path,
    name: str,
    lang: Language,
    levels: list[Level] | None = None,
    search: str | None = None,
) -> tuple[str, str]:
    set_language(lang)
    started, cpu = time.perf_counter(), time.process_time()
    result = logcsv.export(store, out, levels=levels, search=search, lang=lang)
    took, cpu = time.perf_counter() - started, time.process_time() - cpu
    size = out.stat().st_size / 1e6
    rate = result.rows / took if took else 0.0
    return (
        name,
        f"{took:6.1f} s (CPU {cpu:5.1f} s)  {result.rows:>9,} rows  {rate:>7,.0f} rows/s"
        f"  {size:4.0f} MB",
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 entries instead of 1,000,000")
    ap.add_argument("--entries", type=int, help="how many log entries")
    ap.add_argument("--db", help="profile directory to keep the generated log in (reused)")
    args = ap.parse_args()
    count = args.entries or (100_000 if args.quick else 1_000_000)

    tmp = tempfile.mkdtemp(prefix="vismadesk-log-csv-")
    profile_dir = Path(args.db).expanduser().resolve() if args.db else Path(tmp)
    try:
        db, built_s = ensure_log(profile_dir, count)
        with sqlite3.connect(db) as c:
            errors = c.execute("SELECT count(*) FROM log WHERE level = 'error'").fetchone()[0]
        store = Store(db)
        out = Path(tmp) / "log.csv"
        rss_before = _rss_mb()
        try:
            rows = [
                _one(store, out, "all entries, Dutch (; dd-mm-jjjj)", "nl"),
                _one(store, out, "all entries, English (, yyyy-mm-dd)", "en"),
                _one(store, out, "errors only, Dutch", "nl", levels=[Level.ERROR]),
                _one(store, out, "search 'Zwolle', Dutch", "nl", search="Zwolle"),
            ]
        finally:
            store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\nlog CSV export: {count:,} entries ({errors:,} errors)"
        + (f", generated in {built_s:.1f} s" if built_s is not None else ", reused")
        + f"; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    width = max(len(r[0]) for r in rows)
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")
    print(f"peak RSS {_rss_mb():.0f} MB (before the exports {rss_before:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
