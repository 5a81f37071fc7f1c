"""Start-up: the window on an empty profile, and `vismadesk --version`.

    uv run python bench/startup.py            # 7 runs each
    uv run python bench/startup.py --quick    # 3 runs each

Every run is a fresh process on a fresh, empty profile directory: from just before
the process is started to the first paint of the window (offscreen), measured by the
probe in bench/_window_probe.py, which runs the real `vismadesk --profile DIR`.
`vismadesk --version` runs the installed console script. The operating system's file
cache is warm (the first run warms it; dropping it would disturb the whole machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.log_scale import probe

TARGET_WINDOW_S = 1.5


def version_command() -> list[str]:
    script = Path(sys.executable).with_name("vismadesk")
    if script.exists():
        return [str(script), "--version"]
    return [sys.executable, "-m", "vismadesk.cli", "--version"]


def time_version(cmd: list[str]) -> float:
    started = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    took = time.perf_counter() - started
    if not out.stdout.startswith("vismadesk "):
        raise SystemExit(f"unexpected --version output: {out.stdout!r}")
    return took


def time_window() -> tuple[float, float]:
    profile = tempfile.mkdtemp(prefix="vismadesk-startup-")
    try:
        result = probe(Path(profile), "startup")
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return result["first_paint_s"], result["peak_rss_mb"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    ap.add_argument("--runs", type=int)
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 7)

    cmd = version_command()
    time_version(cmd)  # warms the file cache, like every later run will find it
    versions = [time_version(cmd) for _ in range(runs)]
    windows = [time_window() for _ in range(runs)]
    paint = [w[0] for w in windows]
    rss = [w[1] for w in windows]

    med_paint = statistics.median(paint)
    print(
        f"\nstart-up: {runs} fresh processes each; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} CPUs"
    )
    header = f"{'measure':<44} {'median':>8} {'min':>7} {'max':>7}  {'target':<8} result"
    print(header)
    print("-" * len(header))
    print(
        f"{'window on an empty profile, first paint':<44} {med_paint:>7.2f}s "
        f"{min(paint):>6.2f}s {max(paint):>6.2f}s  {'< 1.5 s':<8} "
        + ("met" if med_paint < TARGET_WINDOW_S else "MISSED")
    )
    print(
        f"{'vismadesk --version':<44} {statistics.median(versions):>7.3f}s "
        f"{min(versions):>6.3f}s {max(versions):>6.3f}s"
    )
    print(f"{'peak RSS of the window process':<44} {statistics.median(rss):>6.0f}MB")
    print(f"\n--version ran: {' '.join(Path(c).name for c in cmd)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
