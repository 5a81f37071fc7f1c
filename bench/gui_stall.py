"""Event-loop stalls in the real main window while it exports.

    uv run python bench/gui_stall.py            # 5,000 work orders
    uv run python bench/gui_stall.py --quick    # 500 work orders

The real `vismadesk --profile DIR` window (offscreen, a fresh process started as the
installed command starts it) on a sandbox in another process with 20 ms latency per
request. The profile's settings point at the sandbox; the OutSmart tokens and the
client secret come from the environment (service mode), as on a server. A probe in
the window's process (bench/_window_probe.py) runs a 5 ms precise QTimer on the GUI
thread and records how late each tick fires: a late tick is a moment the window
could not react to a click, a key or a repaint. "GUI busy" is the GUI thread's own
CPU time during the worst stall: near 0 means it was waiting for the interpreter lock
(another thread held it), near the stall means it was working itself. Scenarios,
each on a fresh sandbox and profile:

- idle: the window open, nothing running (the timer's own noise on this machine)
- export: Export work orders, as a planner clicks it
- export + log: the same while another thread writes 200 log entries per second to
  the same database (as a scheduled run or a second window would)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._sandbox_process import SandboxProcess, sandbox_process
from bench._window_probe import PREFIX
from vismadesk.config import Settings, save_settings
from vismadesk.domain import ExportFormat
from vismadesk.profile import Profile

ROOT = Path(__file__).resolve().parent.parent
PROBE = ROOT / "bench" / "_window_probe.py"
TICK_MS = 5
TARGET_P99_MS = 16
TARGET_MAX_MS = 50
LOG_RATE = 200


@dataclass
class Stalls:
    name: str
    ticks: int
    p50: float
    p99: float
    worst: float
    over_16: int
    worst_at_s: float
    worst_gui_cpu: float
    note: str = ""


def _stalls(name: str, result: dict[str, Any]) -> Stalls:
    late = result["lateness_ms"] or [0.0]
    times = result["tick_times_s"] or [0.0]
    ordered = sorted(late)
    worst_i = max(range(len(late)), key=late.__getitem__)
    return Stalls(
        name=name,
        ticks=len(late),
        p50=statistics.median(ordered),
        p99=ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        worst=ordered[-1],
        over_16=sum(1 for x in late if x > TARGET_P99_MS),
        worst_at_s=times[worst_i] if worst_i < len(times) else 0.0,
        worst_gui_cpu=(result.get("gui_cpu_ms") or [0.0] * len(late))[worst_i],
    )


def _profile(sb: SandboxProcess, root: Path, concurrency: int) -> Profile:
    profile = Profile.in_directory(root).ensure()
    settings = Settings(export_format=ExportFormat.SALES_INVOICE, concurrency=concurrency)
    for key, value in sb.settings_overrides().items():
        settings.set(key, value)
    save_settings(settings, profile.settings_path)
    return profile


def run_window(
    n: int, concurrency: int, latency_ms: int, *, log_rate: int = 0, idle_s: float = 0.0
) -> tuple[dict[str, Any], int]:
    """One fresh window process on a fresh sandbox; (probe result, invoices in Visma)."""
    with sandbox_process(n) as sb, tempfile.TemporaryDirectory() as tmp:
        profile = _profile(sb, Path(tmp), concurrency)
        sb.faults(latency_ms=latency_ms)
        env = {
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "VISMADESK_OUTSMART_TOKEN": sb.credentials["outsmart_token"],
            "VISMADESK_OUTSMART_SOFTWARE_TOKEN": sb.credentials["outsmart_software_token"],
            "VISMADESK_CLIENT_SECRET": sb.credentials["client_secret"],
        }
        t0 = time.monotonic()
        proc = subprocess.run(
            [
                sys.executable,
                str(PROBE),
                "--t0",
                repr(t0),
                "--profile",
                str(profile.config_dir),
                "--measure",
                "stall",
                "--tick-ms",
                str(TICK_MS),
                "--log-rate",
                str(log_rate),
                "--idle-s",
                str(idle_s),
                "--timeout-s",
                "3600",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=3700,
        )
        sb.faults(latency_ms=0)
        invoices = len(sb.state()["invoices"])
    for line in proc.stdout.splitlines():
        if line.startswith(PREFIX):
            return json.loads(line[len(PREFIX) :]), invoices
    raise SystemExit(
        f"the window probe gave no result (exit {proc.returncode}):\n"
        + proc.stdout[-3000:]
        + proc.stderr[-3000:]
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="500 work orders instead of 5,000")
    ap.add_argument("--work-orders", type=int)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--latency-ms", type=int, default=20)
    args = ap.parse_args()
    n = args.work_orders or (500 if args.quick else 5_000)

    rows: list[Stalls] = []
    idle, _ = run_window(10, args.concurrency, args.latency_ms, idle_s=3 if args.quick else 5)
    rows.append(_stalls("idle window", idle))
    for name, rate in (("export", 0), (f"export + {LOG_RATE} log entries/s", LOG_RATE)):
        result, invoices = run_window(n, args.concurrency, args.latency_ms, log_rate=rate)
        row = _stalls(name, result)
        row.note = f"{invoices:,} of {n:,} in Visma.net, run {result.get('run_s', 0):.1f} s"
        if rate:
            row.note += f", {result.get('log_entries_written', 0):,} entries written alongside"
        if result.get("error") or result.get("timed_out"):
            row.note += f"; {result.get('error') or 'timed out'}"
        rows.append(row)

    print(
        f"\nGUI stall: the real window (offscreen), {n:,} work orders, concurrency "
        f"{args.concurrency}, {args.latency_ms} ms latency; {TICK_MS} ms probe timer; load "
        f"average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    header = (
        f"{'scenario':<28} {'ticks':>7} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} "
        f"{'max at s':>8} {'GUI busy':>8} {'>16 ms':>7}  {'p99<16':<7} {'max<50':<7} notes"
    )
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r.name:<28} {r.ticks:>7,} {r.p50:>7.2f} {r.p99:>7.2f} {r.worst:>7.1f} "
            f"{r.worst_at_s:>8.2f} {r.worst_gui_cpu:>8.1f} {r.over_16:>7,}  "
            f"{'met' if r.p99 < TARGET_P99_MS else 'MISSED':<7} "
            f"{'met' if r.worst < TARGET_MAX_MS else 'MISSED':<7} {r.note}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
