"""Each fault switch over real HTTP, and that /_sandbox/ is never faulted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, MutableMapping
from typing import Any

import httpx
import pytest

from tests.helpers.sandbox_api import erp, outsmart_params, service_token
from vismadesk.sandbox import Sandbox


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=10, relations=5, materials=10) as sandbox:
        yield sandbox


def test_latency_is_awaited_so_parallel_requests_overlap() -> None:
    with Sandbox(demo=False, latency_ms=250) as sb:
        token = service_token(sb)  # itself delayed: the token endpoint is a service too
        url = f"{sb.services['erp']}/v1/customer"

        async def run() -> tuple[list[tuple[float, float]], float]:
            async with httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as c:

                async def one() -> tuple[float, float]:
                    t = time.perf_counter()
                    assert (await c.get(url)).status_code == 200
                    return t, time.perf_counter()

                async def control() -> float:
                    assert (await c.get(f"{sb.url}/_sandbox/")).status_code == 200
                    return time.perf_counter()

                spans = [asyncio.ensure_future(one()) for _ in range(8)]
                control_done = await control()
                return list(await asyncio.gather(*spans)), control_done

        spans, control_done = asyncio.run(run())
        assert all(end - start >= 0.25 for start, end in spans)
        # Overlapped, not queued: every request was still waiting when the last one
        # started (in series the first would have ended long before).
        assert max(start for start, _ in spans) < min(end for _, end in spans)
        # The sandbox's own controls are not delayed: answered while all eight wait.
        assert control_done < min(end for _, end in spans)


def test_error_rate_answers_500_or_503_in_html_or_json(sb: Sandbox) -> None:
    with erp(sb) as client:
        sb.faults(error_rate=1.0)
        seen = set()
        for _ in range(24):
            r = client.get("/v1/customer")
            assert r.status_code in (500, 503)
            kind = "html" if r.headers["content-type"].startswith("text/html") else "json"
            if kind == "json":
                body = r.json()
                assert "ExceptionMessage" in body or body["message"].startswith("VismaId: ")
            seen.add((r.status_code, kind))
            assert "x-ratelimit-limit" in r.headers
        assert {s for s, _ in seen} == {500, 503} and {k for _, k in seen} == {"html", "json"}
        r = httpx.get(f"{sb.services['outsmart']}relations/", params=outsmart_params(sb))
        assert r.status_code in (500, 503)
        assert httpx.get(f"{sb.url}/_sandbox/state").status_code == 200


def test_drop_rate_cuts_the_connection_before_any_response(sb: Sandbox) -> None:
    with erp(sb) as client:
        sb.faults(drop_rate=1.0)
        before = len(sb.state()["customers"])
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post("/v1/customer", json={"name": {"value": "Never Stored"}})
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.get("/v1/customer")
        sb.faults(drop_rate=0.0)
        assert len(sb.state()["customers"]) == before
        assert client.get("/v1/customer").status_code == 200
    assert sb.request_counts()["erp POST /v1/customer"] == 1


def test_lost_response_commits_the_post_then_drops(sb: Sandbox) -> None:
    with erp(sb) as client:
        sb.faults(lost_response_rate=1.0)
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            client.post("/v1/customer", json={"name": {"value": "Committed Anyway"}})
        # GETs are not writes: they pass.
        assert client.get("/v1/customer").status_code == 200
        names = [c["name"] for c in client.get("/v1/customer").json()]
        assert "Committed Anyway" in names


def test_rate_limit_per_service_window(sb: Sandbox) -> None:
    token = service_token(sb)
    httpx.post(f"{sb.url}/_sandbox/faults", json={"rate_limit": 3, "rate_window_s": 60})
    with erp(sb, token) as client:
        answers = [client.get("/v1/customer", params={"pageSize": 1}) for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        assert [r.headers["x-ratelimit-remaining"] for r in answers] == ["2", "1", "0", "0"]
        assert answers[0].headers["x-ratelimit-limit"] == "3"
        assert answers[0].headers["x-ratelimit-policy"] == "3;w=60"
        assert 1 <= int(answers[3].headers["retry-after"]) <= 60
        assert "Rate limit" in answers[3].json()["message"]
    # Another service counts its own window; the control surface is never limited.
    r = httpx.get(f"{sb.services['outsmart']}workstatusses/", params=outsmart_params(sb))
    assert r.status_code == 200 and r.json()["code"] == 200
    for _ in range(5):
        assert httpx.get(f"{sb.url}/_sandbox/").status_code == 200


def test_fault_settings_read_back_and_reject_nonsense(sb: Sandbox) -> None:
    url = f"{sb.url}/_sandbox/faults"
    assert httpx.post(url, json={}).json() == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "drop_rate": 0.0,
        "lost_response_rate": 0.0,
        "rate_limit": 0,
        "rate_window_s": 60,
    }
    assert httpx.post(url, json={"latency_ms": 5}).json()["latency_ms"] == 5
    assert httpx.post(url, json={"error_rate": 0.25}).json()["latency_ms"] == 5  # others kept
    for bad in ({"error_rate": 2}, {"latency_ms": -1}, {"nonsense": 1}, {"rate_limit": "many"}):
        r = httpx.post(url, json=bad)
        assert r.status_code == 400, bad
    assert sb.faults()["error_rate"] == 0.25


def test_a_client_that_vanishes_mid_request_changes_nothing_and_breaks_nothing() -> None:
    with Sandbox(demo=False) as sb:
        token = service_token(sb)
        sent: list[MutableMapping[str, Any]] = []
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/erp/v1/customer",
            "raw_path": b"/erp/v1/customer",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"authorization", f"Bearer {token}".encode()), (b"host", b"x")],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 80),
        }

        async def receive() -> dict[str, object]:
            return {"type": "http.disconnect"}  # a killed process: the body never comes

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        asyncio.run(sb._build_app()(scope, receive, send))
        assert sent == []
        assert sb.state()["customers"] == []
        assert sb.request_counts()["erp POST /v1/customer"] == 1
        with erp(sb, token) as client:
            assert client.post("/v1/customer", json={"name": {"value": "Na"}}).status_code == 201
