"""Faults aimed at one service and one kind of call, over real HTTP: only those calls
fail, every other call works, and the global settings are untouched."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.sandbox_api import erp, outsmart_params, salesorders, service_token
from vismadesk import cli as main_cli
from vismadesk.cli.sandbox import run as run_cli
from vismadesk.sandbox import Sandbox

MARK_HANDLED = {"service": "outsmart", "match": "update_status=true"}


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=10, relations=5, materials=10) as sandbox:
        yield sandbox


def get_workorder(sb: Sandbox, number: str, update: str) -> httpx.Response:
    params = outsmart_params(sb, workorder_no=number, update_status=update)
    return httpx.get(f"{sb.services['outsmart']}GetWorkorder/", params=params)


def status_of(sb: Sandbox, number: str) -> str:
    return next(w["status"] for w in sb.state()["work_orders"] if w["WorkorderNo"] == number)


def test_mark_handled_fails_while_everything_else_works(sb: Sandbox) -> None:
    token = service_token(sb)
    r = httpx.post(f"{sb.url}/_sandbox/faults", json={"error_rate": 1.0, **MARK_HANDLED})
    assert r.status_code == 200
    assert r.json() == {
        **MARK_HANDLED,
        "latency_ms": 0,
        "error_rate": 1.0,
        "drop_rate": 0.0,
        "lost_response_rate": 0.0,
    }
    for _ in range(10):
        failed = get_workorder(sb, "WB00001", "true")
        assert failed.status_code in (500, 503)
    assert status_of(sb, "WB00001") == "Compleet"  # never marked handled
    # The same endpoint without the match, the other OutSmart calls, and Visma: all fine.
    for _ in range(10):
        read = get_workorder(sb, "WB00001", "false")
        assert read.status_code == 200 and read.json()["code"] == 200
    listed = httpx.get(
        f"{sb.services['outsmart']}GetWorkorders/",
        params=outsmart_params(sb, status="Compleet", update_status="false"),
    )
    assert listed.json()["code"] == 200 and len(listed.json()["response"]) == 10
    with erp(sb, token) as e:
        assert e.get("/v1/customer").status_code == 200
    # The global settings are what they were.
    assert sb.faults()["error_rate"] == 0.0
    assert sb.request_counts()["outsmart GET /GetWorkorder/"] == 20


def test_disarming_an_aim_and_reset(sb: Sandbox) -> None:
    sb.faults(error_rate=1.0, **MARK_HANDLED)
    assert get_workorder(sb, "WB00002", "true").status_code in (500, 503)
    shown = sb.faults(error_rate=0.0, **MARK_HANDLED)
    assert shown["error_rate"] == 0.0
    assert get_workorder(sb, "WB00002", "true").json()["code"] == 200
    assert status_of(sb, "WB00002") == "Afgehandeld"
    sb.faults(drop_rate=1.0, **MARK_HANDLED)
    assert [a["drop_rate"] for a in sb.aimed_faults()] == [1.0]
    httpx.post(f"{sb.url}/_sandbox/reset")
    assert sb.aimed_faults() == [] and sb.state()["aimed_faults"] == []
    assert get_workorder(sb, "WB00002", "true").json()["code"] == 200


def test_an_aim_adds_to_the_global_settings_and_the_last_one_given_wins(sb: Sandbox) -> None:
    sb.faults(latency_ms=7)
    shown = sb.faults(lost_response_rate=0.5, service="salesorders")
    assert shown["latency_ms"] == 7 and shown["lost_response_rate"] == 0.5
    again = sb.faults(error_rate=0.25, service="salesorders")  # the same aim, one more value
    assert again["lost_response_rate"] == 0.5 and again["error_rate"] == 0.25
    listed = httpx.get(f"{sb.url}/_sandbox/faults/aimed").json()
    assert listed == [again] == sb.state()["aimed_faults"]
    # A global change shows through wherever an aim does not say otherwise.
    assert sb.faults(latency_ms=3)["latency_ms"] == 3
    assert sb.aimed_faults()[0]["latency_ms"] == 3


def test_a_service_alone_fails_that_service_only(sb: Sandbox) -> None:
    token = service_token(sb)
    sb.faults(error_rate=1.0, service="erp")
    with erp(sb, token) as e:
        assert e.get("/v1/customer").status_code in (500, 503)
    with salesorders(sb, token) as s:
        assert s.get("/api/v3/SalesOrders").status_code == 200
    assert get_workorder(sb, "WB00003", "false").json()["code"] == 200
    # "connect" is Visma Connect: its token endpoint fails, the rest keeps working.
    sb.faults(error_rate=1.0, service="connect")
    r = httpx.post(f"{sb.services['visma_connect']}/connect/token", data={})
    assert r.status_code in (500, 503)
    with salesorders(sb, token) as s:
        assert s.get("/api/v3/SalesOrders").status_code == 200


def test_a_lost_response_aimed_at_one_post(sb: Sandbox) -> None:
    token = service_token(sb)
    sb.faults(lost_response_rate=1.0, service="erp", match="/v2/customerinvoice")
    customer = sb.state()["customers"][0]["number"]
    body = {
        "customerNumber": {"value": customer},
        "invoiceLines": [{"operation": "Insert", "inventoryNumber": {"value": "ARBEID"}}],
    }
    with erp(sb, token) as e:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            e.post("/v2/customerinvoice", json=body)
        # Committed all the same; another POST to the ERP API answers as usual.
        assert len(sb.state()["invoices"]) == 1
        assert e.post("/v1/customer", json={"name": {"value": "Gewoon"}}).status_code == 201


def test_match_is_a_piece_of_path_and_query_in_any_service(sb: Sandbox) -> None:
    sb.faults(error_rate=1.0, match="/GetWorkorders/")
    listing = httpx.get(f"{sb.services['outsmart']}GetWorkorders", params=outsmart_params(sb))
    assert listing.status_code in (500, 503)  # without the slash: OutSmart serves it as with
    assert get_workorder(sb, "WB00004", "false").json()["code"] == 200
    # A percent-encoded query still matches its plain text.
    sb.faults(error_rate=1.0, service="outsmart", match="workorder_no=WB 00005")
    assert get_workorder(sb, "WB 00005", "false").status_code in (500, 503)


def test_nonsense_aims_are_refused(sb: Sandbox) -> None:
    url = f"{sb.url}/_sandbox/faults"
    for bad in (
        {"error_rate": 1.0, "service": "visma"},
        {"error_rate": 1.0, "match": ""},
        {"error_rate": 1.0, "match": 5},
        {"rate_limit": 3, "service": "erp"},
        {"error_rate": 3, "service": "erp"},
        {"nonsense": 1, "service": "erp"},
    ):
        r = httpx.post(url, json=bad)
        assert r.status_code == 400, bad
        assert r.json()["error"]
    assert sb.aimed_faults() == []
    # Neither given (or both null): the global settings, exactly as before.
    assert httpx.post(url, json={"service": None, "match": None, "latency_ms": 2}).json() == {
        "latency_ms": 2,
        "error_rate": 0.0,
        "drop_rate": 0.0,
        "lost_response_rate": 0.0,
        "rate_limit": 0,
        "rate_window_s": 60,
    }


def test_aimed_from_the_start_and_from_the_command_line() -> None:
    with Sandbox(
        work_orders=3, error_rate=1.0, fault_service="outsmart", fault_match="update_status=true"
    ) as sb:
        assert sb.faults()["error_rate"] == 0.0
        assert get_workorder(sb, "WB00001", "true").status_code in (500, 503)
        assert get_workorder(sb, "WB00001", "false").json()["code"] == 200
        sb.faults(error_rate=0.0, **MARK_HANDLED)
        sb.reset()  # back to how it started: aimed again
        assert get_workorder(sb, "WB00001", "true").status_code in (500, 503)

    args = main_cli.build_parser().parse_args(
        [
            "sandbox",
            "--port",
            "0",
            "--work-orders",
            "3",
            "--error-rate",
            "1",
            "--rate-limit",
            "50",
            "--fault-service",
            "outsmart",
            "--fault-match",
            "update_status=true",
        ]
    )
    seen: dict[str, object] = {}

    def ready(sandbox: Sandbox, stop: threading.Event) -> None:
        seen.update(faults=sandbox.faults(), aimed=sandbox.aimed_faults())
        stop.set()

    assert run_cli(args, ready=ready) == 0
    assert seen["faults"] == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "drop_rate": 0.0,
        "lost_response_rate": 0.0,
        "rate_limit": 50,
        "rate_window_s": 60,
    }
    assert seen["aimed"] == [
        {
            **MARK_HANDLED,
            "latency_ms": 0,
            "error_rate": 1.0,
            "drop_rate": 0.0,
            "lost_response_rate": 0.0,
        }
    ]


def test_the_help_documents_aiming_and_manual_numbering(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main_cli.build_parser().parse_args(["sandbox", "--help"])
    text = capsys.readouterr().out
    for words in (
        "--fault-service",
        "--fault-match",
        "update_status=true",
        "POST /_sandbox/faults",
        '"service": "outsmart"',
        "--manual-numbering",
        "409 Conflict",
        "/_sandbox/order-numbering",
    ):
        assert words in text, words
