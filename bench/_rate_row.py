"""The export at the sandbox's rate limit: how close to R per window it runs, and 429s.

The sandbox counts `rate_limit` requests per window for each service on its own
(OutSmart, Visma.net ERP, SalesOrders, Visma Connect); both clients pace from the
`X-RateLimit-*` headers. Useful requests per window are counted over the complete
windows from each service's first request (the last, partial window is left out);
the service the export asks most (OutSmart here: the claim and the mark per work
order, to Visma.net's one create) is the binding one.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench._bare_loop import Recorder
from bench._sandbox_process import SandboxProcess, sandbox_process
from vismadesk.engine.context import Context
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import RunHooks


@dataclass
class ServiceRate:
    service: str
    requests: int
    refused: int
    per_window: float
    windows: int


def _service(sb: SandboxProcess, url: str) -> str:
    for name, base in sb.services.items():
        if url.startswith(base.rstrip("/")):
            return name
    return "?"


def _rates(
    sb: SandboxProcess, answers: list[tuple[float, str, int]], window_s: float
) -> list[ServiceRate]:
    by: dict[str, list[tuple[float, int]]] = {}
    for at, url, status in answers:
        by.setdefault(_service(sb, url), []).append((at, status))
    out = []
    for name, rows in sorted(by.items()):
        first, last = rows[0][0], rows[-1][0]
        windows = int((last - first) // window_s)
        useful = sum(1 for at, st in rows if st != 429 and at < first + windows * window_s)
        out.append(
            ServiceRate(
                name,
                len(rows),
                sum(1 for _, st in rows if st == 429),
                useful / windows if windows else float("nan"),
                windows,
            )
        )
    return out


def run_rate_row(
    n: int,
    concurrency: int,
    latency_ms: int,
    limit: int,
    window_s: int,
    # bench.export._context, passed in so the two modules do not import each other
    context: Callable[[SandboxProcess, int, str], Context],
    **shape: int,
) -> tuple[float, list[ServiceRate]]:
    with sandbox_process(n, **shape) as sb, tempfile.TemporaryDirectory() as tmp:
        ctx = context(sb, concurrency, tmp)
        try:
            sb.faults(latency_ms=latency_ms, rate_limit=limit, rate_window_s=window_s)
            with Recorder() as recorder:
                started = time.perf_counter()
                result = run_export(ctx, RunHooks())
                wall = time.perf_counter() - started
            sb.faults(latency_ms=0, rate_limit=0)
        finally:
            ctx.close()
    if result.succeeded != n:
        raise SystemExit(f"rate-limited export of {n}: {result.succeeded} succeeded")
    return wall, _rates(sb, recorder.answers, window_s)


def print_rate_table(
    n: int, concurrency: int, latency_ms: int, limit: int, window_s: int, wall: float,
    rates: list[ServiceRate],
) -> None:  # fmt: skip
    print(
        f"\nexport at the rate limit: N = {n:,}, concurrency {concurrency}, latency "
        f"{latency_ms} ms, R = {limit} requests per {window_s} s window and service; "
        f"wall {wall:.1f} s; load average {os.getloadavg()[0]:.2f}"
    )
    header = (
        f"{'service':>13} {'requests':>8} {'answered 429':>12} {'windows':>7} "
        f"{'useful/window':>13} {'÷ R':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in rates:
        print(
            f"{r.service:>13} {r.requests:>8,} {r.refused:>12} {r.windows:>7} "
            f"{r.per_window:>13.1f} {r.per_window / limit:>6.2f}"
        )
    print("target: >= 0.95 x R useful requests per window on the binding service, 0 answered 429")
