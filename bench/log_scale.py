"""A sync log of a million entries: opening the window, memory, filter, search, scrolling.

    uv run python bench/log_scale.py            # 1,000,000 entries
    uv run python bench/log_scale.py --quick    # 100,000 entries
    uv run python bench/log_scale.py --db DIR   # keep (and reuse) the generated profile

The log is written through the Store's schema (see bench/_log_data.py), then each
measurement starts a fresh process running the real `vismadesk --profile DIR` window
(offscreen) with a probe attached (bench/_window_probe.py):

- open: from process start to the window shown with the newest rows painted
- peak RSS: `ru_maxrss` of that process after opening, and at the end
- filter to errors / back to all: from choosing the filter to its first rows painted
- search: a work order number and a common word (a city in the details), from the
  search to its first rows painted
- End (the key, in the list): from the key press to the oldest entries painted;
  then PageUp from there, a jump to the middle (the scroll bar set to half way, as a
  drag would) and Home, each to its rows painted; RSS after all of that
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._window_probe import PREFIX
from vismadesk.profile import Profile

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT / "bench" / "_window_probe.py"

TARGET_OPEN_S = 1.5
TARGET_RSS_MB = 300
TARGET_FILTER_S = 0.3
TARGET_END_S = 0.5


def ensure_log(profile_dir: Path, count: int) -> tuple[Path, float | None]:
    """The profile's database with `count` entries; (path, seconds spent building it)."""
    db = Profile.in_directory(profile_dir).ensure().db_path
    if db.exists():
        with sqlite3.connect(db) as c:
            have = c.execute("SELECT count(*) FROM log").fetchone()[0]
        if have == count:
            return db, None
        db.unlink()
        for extra in ("-wal", "-shm"):
            Path(str(db) + extra).unlink(missing_ok=True)
    started = time.perf_counter()
    # In a child process: Linux keeps a process's peak RSS across exec, so a window
    # started from a parent that had just built a million entries in memory would
    # report the parent's peak as its own.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from bench import _log_data; "
            "_log_data.build(Path(sys.argv[1]), int(sys.argv[2]))",
            str(db),
            str(count),
        ],
        cwd=ROOT,
        check=True,
    )
    return db, time.perf_counter() - started


def probe(profile_dir: Path, measure: str, extra: list[str] | None = None) -> dict[str, Any]:
    """One fresh process running the window; its probe's results."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            str(PROBE),
            "--t0",
            repr(t0),
            "--profile",
            str(profile_dir),
            "--measure",
            measure,
            *(extra or []),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=900,
    )
    for line in proc.stdout.splitlines():
        if line.startswith(PREFIX):
            result: dict[str, Any] = json.loads(line[len(PREFIX) :])
            result["exit_code"] = proc.returncode
            return result
    raise SystemExit(
        f"the window probe gave no result (exit {proc.returncode}):\n"
        + proc.stdout[-3000:]
        + proc.stderr[-3000:]
    )


def _mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _rows(
    opens: list[dict[str, Any]], full: dict[str, Any], number: str
) -> list[tuple[str, str, str, str]]:
    """The table: (measure, figure, target, met or not)."""
    open_s = statistics.median(o["rows_painted_s"] for o in opens)
    open_rss = max(o["peak_rss_mb"] for o in opens)
    return [
        (
            "open: process start -> newest rows painted",
            f"{open_s:.2f} s (median of {len(opens)}; "
            + ", ".join(f"{o['rows_painted_s']:.2f}" for o in opens)
            + ")",
            f"< {TARGET_OPEN_S} s",
            _mark(open_s < TARGET_OPEN_S),
        ),
        (
            "peak RSS after opening",
            f"{open_rss:.0f} MB (max of "
            + ", ".join(f"{o['peak_rss_mb']:.0f}" for o in opens)
            + ")",
            f"< {TARGET_RSS_MB} MB",
            _mark(open_rss < TARGET_RSS_MB),
        ),
        (
            "filter to errors (first rows painted)",
            f"{full['filter_errors_s'] * 1000:.0f} ms ({full['filter_errors_rows']} rows loaded)",
            f"< {TARGET_FILTER_S * 1000:.0f} ms",
            _mark(full["filter_errors_s"] < TARGET_FILTER_S),
        ),
        ("filter back to all", f"{full['filter_all_s'] * 1000:.0f} ms", "", ""),
        (
            f"search a work order number ({number})",
            f"{full['search_number_s'] * 1000:.0f} ms ({full['search_number_rows']} rows)",
            "",
            "",
        ),
        (
            "search a word ('Zwolle')",
            f"{full['search_word_s'] * 1000:.0f} ms ({full['search_word_rows']} rows loaded)",
            "",
            "",
        ),
        ("clear the search", f"{full['search_clear_s'] * 1000:.0f} ms", "", ""),
        (
            "End: the oldest entries painted",
            f"{full['end_s'] * 1000:.0f} ms ({full['rows']:,} rows)",
            f"< {TARGET_END_S * 1000:.0f} ms",
            _mark(full["end_s"] < TARGET_END_S),
        ),
        ("PageUp from there", f"{full['page_up_s'] * 1000:.0f} ms", "", ""),
        ("jump to the middle (scroll bar)", f"{full['middle_s'] * 1000:.0f} ms", "", ""),
        ("Home: the newest entries painted", f"{full['home_s'] * 1000:.0f} ms", "", ""),
        (
            "peak RSS after the jumps",
            f"{full['rss_after_scroll_mb']:.0f} MB ({full['home_rows_in_memory']:,} rows held)",
            f"< {TARGET_RSS_MB} MB",
            _mark(full["rss_after_scroll_mb"] < TARGET_RSS_MB),
        ),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="100,000 entries instead of 1,000,000")
    ap.add_argument("--entries", type=int, help="how many log entries")
    ap.add_argument("--db", help="profile directory to keep the generated log in (reused)")
    ap.add_argument("--opens", type=int, default=3, help="fresh processes for the open time")
    args = ap.parse_args()
    count = args.entries or (100_000 if args.quick else 1_000_000)

    tmp = None
    if args.db:
        profile_dir = Path(args.db).expanduser().resolve()
    else:
        tmp = tempfile.mkdtemp(prefix="vismadesk-log-scale-")
        profile_dir = Path(tmp)
    try:
        db, built_s = ensure_log(profile_dir, count)
        size_mb = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.is_file()) / 1e6
        with sqlite3.connect(db) as c:
            levels = dict(c.execute("SELECT level, count(*) FROM log GROUP BY level").fetchall())
            # A work order number from the middle of the log: one run's entry, years old.
            number = c.execute(
                "SELECT work_order FROM log WHERE work_order IS NOT NULL AND id > ? LIMIT 1",
                (count // 2,),
            ).fetchone()[0]

        opens = [probe(profile_dir, "open") for _ in range(max(1, args.opens))]
        full = probe(
            profile_dir,
            "log",
            ["--search-number", number],
        )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    errors = levels.get("error", 0)
    print(
        f"\nlog scale: {count:,} entries ({errors / count:.1%} errors, "
        f"{levels.get('warning', 0) / count:.1%} warnings), database {size_mb:,.0f} MB"
        + (f", generated in {built_s:.1f} s" if built_s is not None else ", reused")
        + f"; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    rows = _rows(opens, full, number)
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    header = f"{'measure':<{w0}}  {'figure':<{w1}}  {'target':<9}  result"
    print(header)
    print("-" * len(header))
    for name, figure, target, mark in rows:
        print(f"{name:<{w0}}  {figure:<{w1}}  {target:<9}  {mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
