"""The control surface, the server's life cycle, speed, and the command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import httpx

from tests.helpers.sandbox_api import (
    erp,
    outsmart_params,
    salesorders,
    service_token,
    validate,
    wrap,
)
from vismadesk import cli as main_cli
from vismadesk.cli.sandbox import run as run_cli
from vismadesk.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]


def test_info_lists_services_and_credentials(sandbox: Sandbox) -> None:
    info = httpx.get(f"{sandbox.url}/_sandbox/").json()
    assert info == {"services": sandbox.services, "credentials": sandbox.credentials}
    assert set(info["credentials"]) == {
        "client_id",
        "client_secret",
        "tenant_id",
        "user",
        "password",
        "outsmart_token",
        "outsmart_software_token",
    }
    assert sandbox.services["outsmart"].endswith("/outsmart/openapi/8/")
    overrides = sandbox.settings_overrides()
    assert overrides["erp_url"] == f"{sandbox.url}/erp"
    assert overrides["tenant_id"] == sandbox.credentials["tenant_id"]


def test_overrides_are_valid_settings(sandbox: Sandbox) -> None:
    from vismadesk.config import Settings

    settings = Settings()
    for key, value in sandbox.settings_overrides().items():
        settings.set(key, value)
    assert settings.validation_errors() == {}


def test_state_holds_everything_in_api_shape_and_counts_requests() -> None:
    with Sandbox(work_orders=15) as sb:
        token = service_token(sb)
        customer = sb.state()["customers"][0]["number"]
        with erp(sb, token) as e:
            body: dict[str, Any] = {
                "customerNumber": {"value": customer},
                "customerRefNumber": {"value": "WB1"},
            }
            body["invoiceLines"] = [{"operation": "Insert", "inventoryNumber": wrap("ARBEID")}]
            assert e.post("/v2/customerinvoice", json=body).status_code == 201
            e.get(f"/v1/customer/{customer}")
            e.get("/v1/customer/other")
        with salesorders(sb, token) as s:
            made = {"type": "SO", "customer": {"id": customer, "refNo": "WB2"}, "orderLines": []}
            assert s.post("/api/v3/SalesOrders", json=made).status_code == 201
        httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=outsmart_params(sb))
        state = httpx.get(f"{sb.url}/_sandbox/state").json()
        assert len(state["work_orders"]) == 15
        validate(state["work_orders"][0], "outsmart-v8.json", "Workorder")
        validate(state["relations"][0], "outsmart-v8.json", "Relation")
        validate(state["materials"][0], "outsmart-v8.json", "Material")
        validate(state["hourtypes"][0], "outsmart-v8.json", "Hourtype")
        validate(state["customers"][0], "visma-erp-customer.json", "CustomerDto")
        validate(state["inventory"][0], "visma-erp-inventory.json", "InventoryDto")
        validate(state["invoices"][0], "visma-erp-customerinvoice.json", "CustomerInvoiceDto")
        assert state["invoices"][0]["customerRefNumber"] == "WB1"
        validate(state["sales_orders"][0], "visma-salesorders-v3.json", "SalesOrderDto")
        assert state["sales_orders"][0]["customer"]["refNo"] == "WB2"
        assert state["requests"] == {
            "visma_connect POST /connect/token": 1,
            "erp POST /v2/customerinvoice": 1,
            "erp GET /v1/customer/{customerCd}": 2,
            "salesorders POST /api/v3/SalesOrders": 1,
            "outsmart GET /GetWorkorders/": 1,
        }
        assert state["requests"] == sb.request_counts()


def test_reset_restores_the_demo_data_and_keeps_tokens() -> None:
    with Sandbox(work_orders=10) as sb, erp(sb) as e:
        e.post("/v1/customer", json={"name": {"value": "Weg Na Reset"}})
        httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=outsmart_params(sb))
        sb.faults(latency_ms=1)
        assert httpx.post(f"{sb.url}/_sandbox/reset").status_code == 200
        state = sb.state()
        assert "Weg Na Reset" not in [c["name"] for c in state["customers"]]
        assert {w["status"] for w in state["work_orders"]} == {"Compleet"}
        assert state["requests"] == {}
        assert state["faults"]["latency_ms"] == 0
        assert e.get("/v1/customer").status_code == 200


def test_empty_sandbox() -> None:
    with Sandbox(demo=False) as sb:
        state = sb.state()
        assert state["work_orders"] == state["customers"] == state["relations"] == []
        assert {s["sta_code"] for s in state["workstatusses"]} >= {"001", "99"}


def test_start_stop_leaves_no_thread_and_frees_the_port() -> None:
    before = set(threading.enumerate())
    sb = Sandbox(demo=False)
    sb.start()
    other = Sandbox(demo=False).start()
    try:
        assert sb.url != other.url
        assert httpx.get(f"{sb.url}/_sandbox/").status_code == 200
        # A kept-alive connection must not hold up the stop.
        keep = httpx.Client()
        keep.get(f"{sb.url}/_sandbox/")
    finally:
        sb.stop()
        other.stop()
    keep.close()
    assert set(threading.enumerate()) - before == set()
    port = int(sb.url.rsplit(":", 1)[1])
    with Sandbox(demo=False, port=port) as again:
        assert httpx.get(f"{again.url}/_sandbox/").status_code == 200


def test_cli_options_reach_the_sandbox(capsys: object) -> None:
    args = main_cli.build_parser().parse_args(
        [
            "sandbox",
            "--port",
            "0",
            "--work-orders",
            "7",
            "--latency-ms",
            "3",
            "--error-rate",
            "0.5",
            "--drop-rate",
            "0.1",
            "--lost-response-rate",
            "0.2",
            "--rate-limit",
            "100",
            "--rate-window-s",
            "10",
            "--token-lifetime-s",
            "99",
            "--no-refresh-tokens",
        ]
    )
    seen: dict[str, object] = {}

    def ready(sb: Sandbox, stop: threading.Event) -> None:
        seen.update(
            faults=sb.faults(), config=sb.configure(), orders=len(sb.state()["work_orders"])
        )
        stop.set()

    assert run_cli(args, ready=ready) == 0
    assert seen["orders"] == 7
    assert seen["faults"] == {
        "latency_ms": 3,
        "error_rate": 0.5,
        "drop_rate": 0.1,
        "lost_response_rate": 0.2,
        "rate_limit": 100,
        "rate_window_s": 10,
    }
    assert seen["config"] == {"token_lifetime_s": 99, "issue_refresh_tokens": False}


def test_vismadesk_sandbox_runs_prints_its_urls_and_stops_on_ctrl_c() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "vismadesk.cli", "sandbox", "--port", "0", "--work-orders", "5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        stdout = proc.stdout
        assert stdout is not None
        # A reader thread, not select(): the text stream buffers ahead of the fd.
        queue: Queue[str] = Queue()

        def pump() -> None:
            for x in stdout:
                queue.put(x)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        lines: list[str] = []
        while not any("Ctrl-C" in line for line in lines):
            try:
                lines.append(queue.get(timeout=20))
            except Empty:
                raise AssertionError("no banner in time:\n" + "".join(lines)) from None
        url = lines[0].split(" on ", 1)[1].strip()
        assert any("OutSmart OpenAPI v8" in line for line in lines)
        assert any("client_secret" in line for line in lines)
        assert httpx.get(f"{url}/_sandbox/").json()["services"]["erp"] == f"{url}/erp"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        reader.join(5)
        rest = []
        while not queue.empty():
            rest.append(queue.get())
        assert "sandbox stopped" in "".join(rest)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
