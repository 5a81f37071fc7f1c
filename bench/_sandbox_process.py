"""Run the sandbox in its own process for benchmarks.

In-process, the sandbox would share the GIL with the code being measured and the
figures would measure Python's scheduler, not vismadesk. The control surface
(`/_sandbox/...`) is the same one scripts use against any sandbox.

    python -m bench._sandbox_process --work-orders N [--relations R] [--materials M]

serves demo data shaped for benchmarks: every work order completed, clean (no seed
errors), with exactly `--lines` material lines and `--periods` work periods.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
_READY = "BENCH-SANDBOX "


class SandboxProcess:
    def __init__(self, proc: subprocess.Popen[str], url: str, facts: dict[str, Any]) -> None:
        self.proc = proc
        self.url = url
        self.facts = facts
        self.http = httpx.Client(base_url=url, timeout=300)
        info = self.http.get("/_sandbox/").json()
        self.services: dict[str, str] = info["services"]
        self.credentials: dict[str, str] = info["credentials"]

    def faults(self, **changes: Any) -> dict[str, Any]:
        return self.http.post("/_sandbox/faults", json=changes).json()

    def request_counts(self) -> dict[str, int]:
        return self.http.get("/_sandbox/requests").json()

    def state(self) -> dict[str, Any]:
        return self.http.get("/_sandbox/state").json()

    def settings_overrides(self) -> dict[str, str]:
        return {
            "outsmart_url": self.services["outsmart"],
            "visma_connect_url": self.services["visma_connect"],
            "erp_url": self.services["erp"],
            "salesorders_url": self.services["salesorders"],
            "client_id": self.credentials["client_id"],
            "tenant_id": self.credentials["tenant_id"],
        }


@contextlib.contextmanager
def sandbox_process(
    work_orders: int,
    *,
    relations: int = 200,
    materials: int = 1000,
    lines: int = 3,
    periods: int = 1,
    seed: int = 42,
) -> Iterator[SandboxProcess]:
    """A benchmark sandbox in a child process; yields once it serves."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    args = [
        "--work-orders",
        str(work_orders),
        "--relations",
        str(relations),
        "--materials",
        str(materials),
        "--lines",
        str(lines),
        "--periods",
        str(periods),
        "--seed",
        str(seed),
    ]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench._sandbox_process", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env=env,
    )
    sb: SandboxProcess | None = None
    try:
        assert proc.stdout is not None
        seen = []
        for line in proc.stdout:
            if line.startswith(_READY):
                ready = json.loads(line[len(_READY) :])
                break
            seen.append(line)
        else:
            raise RuntimeError("the sandbox process ended early:\n" + "".join(seen[-20:]))
        # Keep reading its output so a full pipe never blocks the server.
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        sb = SandboxProcess(proc, ready["url"], ready["facts"])
        yield sb
    finally:
        if sb is not None:
            sb.http.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the child process --------------------------------------------------------------------


def _shape(work_orders: list[dict[str, Any]], lines: int, periods: int, seed: int) -> None:
    """Every work order gets exactly `lines` material lines and `periods` work periods.

    Lines are borrowed from other demo work orders, so they name materials that are
    in Visma.net and look like the generator's own.
    """
    rnd = random.Random(seed)
    pool = [m for wo in work_orders for m in wo["Materials"]]
    period_pool = [p for wo in work_orders for p in wo["Workperiods"]]
    for wo in work_orders:
        have = {m["MaterialCode"] for m in wo["Materials"]}
        chosen = list(wo["Materials"][:lines])
        while len(chosen) < lines and pool:
            extra = rnd.choice(pool)
            if extra["MaterialCode"] not in have:
                have.add(extra["MaterialCode"])
                chosen.append(dict(extra))
        wo["Materials"] = chosen
        first = wo["Workperiods"][:1] or period_pool[:1]
        wo["Workperiods"] = [dict(first[0]) for _ in range(periods)] if first else []


def _serve(argv: list[str]) -> int:
    from vismadesk.sandbox import Sandbox

    ap = argparse.ArgumentParser()
    ap.add_argument("--work-orders", type=int, required=True)
    ap.add_argument("--relations", type=int, default=200)
    ap.add_argument("--materials", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=3)
    ap.add_argument("--periods", type=int, default=1)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args(argv)
    sandbox = Sandbox(
        work_orders=a.work_orders,
        relations=a.relations,
        materials=a.materials,
        seed=a.seed,
        faulty=False,
    )
    # The sandbox has no public way to shape its demo data; a benchmark needs the
    # workload the issue names, so it edits the generated data before serving it.
    data = sandbox._data
    _shape(data.work_orders, a.lines, a.periods, a.seed)
    sandbox._state.load(data)
    sandbox.start()
    facts = {
        "work_orders": len(data.work_orders),
        "relations": len(data.relations),
        "customers": len(data.customers),
        "materials": len(data.materials),
        "inventory": len(data.inventory),
        "hour_types": len(data.hourtypes),
        "material_lines": sum(len(w["Materials"]) for w in data.work_orders),
        "work_periods": sum(len(w["Workperiods"]) for w in data.work_orders),
    }
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stop.set())
    print(_READY + json.dumps({"url": sandbox.url, "facts": facts}), flush=True)
    try:
        stop.wait()
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    # The package root must win over a `bench` module elsewhere on the path.
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sys.exit(_serve(sys.argv[1:]))
