"""Every answer of every service carries the X-RateLimit-* headers, error forms included,
so a client can slow down before the limit whatever it just got back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.helpers.sandbox_api import (
    authorize_url,
    erp,
    outsmart_params,
    pkce,
    salesorders,
    service_token,
    token_request,
    wrap,
)
from vismadesk.sandbox import Sandbox

HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-policy")


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=10, relations=8, materials=10) as sandbox:
        yield sandbox


def calls(sb: Sandbox, stack: ExitStack) -> dict[str, Callable[[], httpx.Response]]:
    token = service_token(sb)
    read_only = service_token(sb, scope="vismanet_erp_service_api:read")
    e = stack.enter_context(erp(sb, token))
    so = stack.enter_context(salesorders(sb, token))
    limited = stack.enter_context(erp(sb, read_only))
    customer = sb.state()["customers"][0]["number"]
    connect = sb.services["visma_connect"]
    _, challenge = pkce()
    loop = "http://127.0.0.1:4999/cb"
    cid = sb.credentials["client_id"]
    etag = e.get(f"/v1/customer/{customer}").headers["etag"]
    e.put(f"/v1/customer/{customer}", json={"note": wrap("bumped")})
    order = {"type": "SO", "customer": {"id": customer}, "orderLines": []}
    so_path = so.post("/api/v3/SalesOrders", json=order).headers["location"]
    return {
        "connect discovery 200": lambda: httpx.get(f"{connect}/.well-known/openid-configuration"),
        "connect sign-in page 200": lambda: httpx.get(authorize_url(sb, loop, challenge, "s")),
        "connect authorize error 302": lambda: httpx.get(
            authorize_url(sb, loop, challenge, "s", response_type="token")
        ),
        "connect unknown client 400-html": lambda: httpx.get(
            authorize_url(sb, loop, challenge, "s").replace(cid, "nobody")
        ),
        "connect token invalid_grant 400": lambda: token_request(
            sb, grant_type="refresh_token", refresh_token="dead", client_id=cid
        ),
        "connect token invalid_client 401": lambda: httpx.post(
            f"{connect}/connect/token",
            data={"grant_type": "client_credentials"},
            auth=(cid, "wrong"),
        ),
        "erp list 200": lambda: e.get("/v1/customer", params={"pageSize": 1}),
        "erp create 201": lambda: e.post("/v1/customer", json={"name": wrap("Hdr B.V.")}),
        "erp update 204": lambda: e.put(f"/v1/customer/{customer}", json={"note": wrap("x")}),
        "erp unwrapped 400": lambda: e.post("/v1/customer", json={"name": "plain"}),
        "erp unknown customer on invoice 400": lambda: e.post(
            "/v2/customerinvoice", json={"customerNumber": wrap("NOPE")}
        ),
        "erp no token 401": lambda: httpx.get(f"{sb.services['erp']}/v1/customer"),
        "erp scope 403": lambda: limited.post("/v1/customer", json={"name": wrap("X")}),
        "erp record 404": lambda: e.get("/v1/customer/NOPE"),
        "erp path 404": lambda: e.get("/v1/nothing"),
        "erp method 405": lambda: e.delete(f"/v1/customer/{customer}"),
        "erp stale etag 412": lambda: e.put(
            f"/v1/customer/{customer}", json={"note": wrap("y")}, headers={"If-Match": etag}
        ),
        "salesorders create 201": lambda: so.post("/api/v3/SalesOrders", json=order),
        "salesorders problem 400": lambda: so.post("/api/v3/SalesOrders", json={"type": "SO"}),
        "salesorders no token 401": lambda: httpx.get(
            f"{sb.services['salesorders']}/api/v3/SalesOrders"
        ),
        "salesorders 404": lambda: so.get("/api/v3/SalesOrders/SO/999999"),
        "salesorders no if-match 428": lambda: so.delete(so_path),
        "outsmart success": lambda: httpx.get(
            f"{sb.services['outsmart']}hourtypes/", params=outsmart_params(sb)
        ),
        "outsmart 1002": lambda: httpx.get(f"{sb.services['outsmart']}hourtypes/"),
        "outsmart 1001": lambda: httpx.get(
            f"{sb.services['outsmart']}Nothing/", params=outsmart_params(sb)
        ),
    }


def test_every_answer_carries_the_rate_limit_headers(sb: Sandbox) -> None:
    with ExitStack() as stack:
        answers = {name: call() for name, call in calls(sb, stack).items()}
    for name, r in answers.items():
        missing = [h for h in HEADERS if h not in r.headers]
        assert not missing, f"{name} ({r.status_code}) lacks {missing}"
        # The call really produced the answer its name promises.
        word = name.rsplit(" ", 1)[-1]
        if name.startswith("outsmart"):
            assert r.status_code == 200
            assert r.json()["code"] == (200 if word == "success" else int(word)), name
        else:
            assert r.status_code == int(word.removesuffix("-html")), (name, r.text)


def test_rate_limited_and_faulted_answers_carry_them_too() -> None:
    with Sandbox(demo=False, rate_limit=1) as sb:
        token = service_token(sb)  # the token endpoint's own window
        with erp(sb, token) as e:
            assert e.get("/v1/customer").status_code == 200
            limited = e.get("/v1/customer")
            assert limited.status_code == 429
            assert all(h in limited.headers for h in HEADERS)
            assert limited.headers["x-ratelimit-remaining"] == "0"
        sb.faults(rate_limit=0, error_rate=1.0)
        with erp(sb, token) as e:
            failed = e.get("/v1/customer")
            assert failed.status_code in (500, 503)
            assert all(h in failed.headers for h in HEADERS)
