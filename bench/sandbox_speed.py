"""Measure the sandbox's speed and size; prints figures, asserts nothing.

    uv run python bench/sandbox_speed.py [--gets 1000] [--work-orders 10000]

1. Latency: GETs over one kept-alive httpx.Client on loopback, no added latency,
   for an ERP record, an OutSmart work order and a SalesOrders list (median, p99).
2. Size: generating N work orders (seconds), the process's peak RSS with a sandbox
   holding them, and a full `GetWorkorders` listing of all N.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from typing import Any

import httpx

from vismadesk.sandbox import Sandbox
from vismadesk.sandbox import company as demo_data


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _latencies(client: httpx.Client, url: str, n: int, **kw: Any) -> list[float]:
    client.get(url, **kw).raise_for_status()  # warm: connection open, code paths hot
    out = []
    for _ in range(n):
        start = time.perf_counter()
        r = client.get(url, **kw)
        out.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200
    return out


def _row(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return f"{name:<34} {statistics.median(ms):>8.3f} {p99:>8.3f} {ms[-1]:>8.3f}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gets", type=int, default=1000)
    ap.add_argument("--work-orders", type=int, default=10_000)
    args = ap.parse_args()

    print(f"latency over {args.gets} GETs, one httpx.Client, loopback, no added latency (ms)")
    print(f"{'request':<34} {'median':>8} {'p99':>8} {'max':>8}")
    with Sandbox() as sb:
        tok = httpx.post(
            f"{sb.services['visma_connect']}/connect/token",
            data={
                "grant_type": "client_credentials",
                "client_id": sb.credentials["client_id"],
                "client_secret": sb.credentials["client_secret"],
                "tenant_id": sb.credentials["tenant_id"],
            },
        ).json()["access_token"]
        auth = {"Authorization": f"Bearer {tok}"}
        number = sb.state()["customers"][0]["number"]
        c = sb.credentials
        os_params = {
            "token": c["outsmart_token"],
            "software_token": c["outsmart_software_token"],
            "workorder_no": "WB00001",
            "update_status": "false",
        }
        with httpx.Client(headers=auth) as client:
            print(
                _row(
                    "ERP GET /v1/customer/{no}",
                    _latencies(client, f"{sb.services['erp']}/v1/customer/{number}", args.gets),
                )
            )
            print(
                _row(
                    "OutSmart GET GetWorkorder",
                    _latencies(
                        client,
                        f"{sb.services['outsmart']}GetWorkorder/",
                        args.gets,
                        params=os_params,
                    ),
                )
            )
            print(
                _row(
                    "SalesOrders GET list (empty)",
                    _latencies(
                        client, f"{sb.services['salesorders']}/api/v3/SalesOrders", args.gets
                    ),
                )
            )

    n = args.work_orders
    print(f"\n{n} work orders")
    start = time.perf_counter()
    data = demo_data.generate(work_orders=n, relations=200, materials=1000)
    print(f"  generate                 {time.perf_counter() - start:8.2f} s")
    del data
    start = time.perf_counter()
    with Sandbox(work_orders=n, relations=200, materials=1000) as sb:
        print(f"  sandbox up (incl. data)  {time.perf_counter() - start:8.2f} s")
        params = {
            "token": sb.credentials["outsmart_token"],
            "software_token": sb.credentials["outsmart_software_token"],
            "status": "Compleet",
            "update_status": "false",
        }
        start = time.perf_counter()
        r = httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=params, timeout=60)
        listed = len(r.json()["response"])
        took = time.perf_counter() - start
        size = len(r.content) / 2**20
        print(f"  GetWorkorders (all)      {took:8.2f} s  {listed} orders, {size:.1f} MiB")
        start = time.perf_counter()
        sb.state()
        print(f"  state() snapshot         {time.perf_counter() - start:8.2f} s")
        print(f"  peak RSS of the process  {_peak_rss_mib():8.0f} MiB")


if __name__ == "__main__":
    main()
