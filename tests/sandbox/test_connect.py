"""Visma Connect over real HTTP: PKCE sign-in in a played browser, tokens, RFC 6749 errors."""

from __future__ import annotations

import base64
import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.helpers.sandbox_api import (
    Loopback,
    authorize_url,
    erp,
    login,
    pkce,
    salesorders,
    service_token,
    token_request,
    validate,
)
from vismadesk.sandbox import Sandbox
from vismadesk.sandbox.browser import play_browser

FRAG = "visma-connect-and-errors.json"


def assert_token_error(response: httpx.Response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    validate(response.json(), FRAG, "TokenError")
    assert response.json()["error"] == error
    assert response.headers["cache-control"] == "no-store"


def test_discovery_document(sandbox: Sandbox) -> None:
    base = sandbox.services["visma_connect"]
    r = httpx.get(f"{base}/.well-known/openid-configuration")
    assert r.status_code == 200
    doc = r.json()
    validate(doc, FRAG, "Discovery")
    assert doc["authorization_endpoint"] == f"{base}/connect/authorize"
    assert doc["token_endpoint"] == f"{base}/connect/token"
    assert doc["revocation_endpoint"] == f"{base}/connect/revocation"
    assert doc["code_challenge_methods_supported"] == ["S256"]


def test_full_pkce_login_gives_tokens_that_open_the_apis(
    sandbox: Sandbox, loopback: Loopback
) -> None:
    body = login(sandbox, loopback)
    validate(body, FRAG, "TokenResponse")
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert "refresh_token" in body
    with erp(sandbox, body["access_token"]) as client:
        assert client.get("/v1/customer", params={"pageSize": 1}).status_code == 200
    with salesorders(sandbox, body["access_token"]) as client:
        assert client.get("/api/v3/SalesOrders").status_code == 200
    info = httpx.get(
        f"{sandbox.services['visma_connect']}/connect/userinfo",
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert info.json()["email"] == sandbox.credentials["user"]


def test_code_is_single_use_and_a_replay_revokes_its_tokens(
    sandbox: Sandbox, loopback: Loopback
) -> None:
    verifier, challenge = pkce()
    play_browser(authorize_url(sandbox, loopback.redirect_uri, challenge, "s1"))
    loopback.thread.join(5)
    form = {
        "grant_type": "authorization_code",
        "code": loopback.received["code"],
        "redirect_uri": loopback.redirect_uri,
        "client_id": sandbox.credentials["client_id"],
        "code_verifier": verifier,
    }
    first = token_request(sandbox, **form)
    assert first.status_code == 200
    assert_token_error(token_request(sandbox, **form), "invalid_grant")
    with erp(sandbox, first.json()["access_token"]) as client:
        assert client.get("/v1/customer").status_code == 401


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code_verifier": "not-the-verifier-" + "x" * 30}, "invalid_grant"),
        ({"redirect_uri": "http://127.0.0.1:1/other"}, "invalid_grant"),
        ({"code": "made-up"}, "invalid_grant"),
        ({"code_verifier": ""}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"client_id": "someone-else"}, "invalid_client"),
    ],
)
def test_code_exchange_errors(
    sandbox: Sandbox, loopback: Loopback, change: dict[str, str], error: str
) -> None:
    verifier, challenge = pkce()
    play_browser(authorize_url(sandbox, loopback.redirect_uri, challenge, "s"))
    loopback.thread.join(5)
    form = {
        "grant_type": "authorization_code",
        "code": loopback.received["code"],
        "redirect_uri": loopback.redirect_uri,
        "client_id": sandbox.credentials["client_id"],
        "code_verifier": verifier,
        **change,
    }
    assert_token_error(token_request(sandbox, **form), error)


def test_expired_code_is_invalid_grant(loopback: Loopback) -> None:
    with Sandbox(demo=False) as sb:
        verifier, challenge = pkce()
        play_browser(authorize_url(sb, loopback.redirect_uri, challenge, "s"))
        loopback.thread.join(5)
        sb.expire_tokens()
        r = token_request(
            sb,
            grant_type="authorization_code",
            code=loopback.received["code"],
            redirect_uri=loopback.redirect_uri,
            client_id=sb.credentials["client_id"],
            code_verifier=verifier,
        )
        assert_token_error(r, "invalid_grant")
        assert "expired" in r.json()["error_description"]


def test_deny_returns_access_denied_with_state(sandbox: Sandbox, loopback: Loopback) -> None:
    _, challenge = pkce()
    last = play_browser(
        authorize_url(sandbox, loopback.redirect_uri, challenge, "st8"), approve=False
    )
    assert last.status_code == 200
    loopback.thread.join(5)
    assert loopback.received["error"] == "access_denied"
    assert loopback.received["state"] == "st8"
    assert "code" not in loopback.received


def test_wrong_password_shows_the_page_again(sandbox: Sandbox, loopback: Loopback) -> None:
    _, challenge = pkce()
    last = play_browser(
        authorize_url(sandbox, loopback.redirect_uri, challenge, "s"), password="wrong"
    )
    assert last.status_code == 200
    assert "Wrong email address or password" in last.text
    assert str(last.url).startswith(sandbox.services["visma_connect"])
    assert loopback.received == {}


@pytest.mark.parametrize(
    ("client_id", "redirect_uri"),
    [
        ("unknown-client", "http://127.0.0.1:5555/cb"),
        (None, "https://evil.example/cb"),
        (None, "http://192.168.1.10:5555/cb"),
    ],
)
def test_bad_client_or_redirect_is_shown_not_redirected(
    sandbox: Sandbox, client_id: str | None, redirect_uri: str
) -> None:
    _, challenge = pkce()
    url = authorize_url(sandbox, redirect_uri, challenge, "s")
    if client_id:
        url = url.replace(sandbox.credentials["client_id"], client_id)
    r = httpx.get(url)
    assert r.status_code == 400
    assert "text/html" in r.headers["content-type"]
    assert "location" not in r.headers


def test_any_loopback_port_is_allowed(sandbox: Sandbox) -> None:
    _, challenge = pkce()
    for uri in ("http://127.0.0.1:1234/cb", "http://localhost:65000/", "http://[::1]:80/x"):
        r = httpx.get(authorize_url(sandbox, uri, challenge, "s"))
        assert r.status_code == 200, uri
        assert '<form method="post"' in r.text


@pytest.mark.parametrize(
    ("extra", "error"),
    [
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": ""}, "invalid_request"),
        ({"scope": "openid admin:everything"}, "invalid_scope"),
    ],
)
def test_authorize_errors_are_redirected_with_state(
    sandbox: Sandbox, extra: dict[str, str], error: str
) -> None:
    _, challenge = pkce()
    uri = "http://127.0.0.1:4444/cb"
    r = httpx.get(authorize_url(sandbox, uri, challenge, "keep-me", **extra))
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert target.netloc == "127.0.0.1:4444"
    q = parse_qs(target.query)
    assert q["error"] == [error]
    assert q["state"] == ["keep-me"]


def test_refresh_rotates_and_reuse_kills_the_chain(sandbox: Sandbox, loopback: Loopback) -> None:
    first = login(sandbox, loopback)
    cid = sandbox.credentials["client_id"]
    second = token_request(
        sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"], client_id=cid
    )
    assert second.status_code == 200
    validate(second.json(), FRAG, "TokenResponse")
    new_refresh = second.json()["refresh_token"]
    assert new_refresh != first["refresh_token"]
    # The old one died on use: presenting it again is reuse.
    reuse = token_request(
        sandbox, grant_type="refresh_token", refresh_token=first["refresh_token"], client_id=cid
    )
    assert_token_error(reuse, "invalid_grant")
    # Reuse detection ends the whole chain, the rotated token included.
    after = token_request(
        sandbox, grant_type="refresh_token", refresh_token=new_refresh, client_id=cid
    )
    assert_token_error(after, "invalid_grant")
    with erp(sandbox, second.json()["access_token"]) as client:
        assert client.get("/v1/customer").status_code == 401


def test_no_refresh_token_without_offline_access_or_when_switched_off(
    loopback: Loopback,
) -> None:
    with Sandbox(demo=False, issue_refresh_tokens=False) as sb:
        body = login(sb, loopback)
        assert "refresh_token" not in body
        assert sb.configure(issue_refresh_tokens=True)["issue_refresh_tokens"] is True


def test_no_refresh_token_without_offline_access(sandbox: Sandbox, loopback: Loopback) -> None:
    body = login(sandbox, loopback, scope="openid vismanet_erp_interactive_api:read")
    assert "refresh_token" not in body


def test_client_credentials(sandbox: Sandbox) -> None:
    c = sandbox.credentials
    ok = token_request(
        sandbox,
        grant_type="client_credentials",
        client_id=c["client_id"],
        client_secret=c["client_secret"],
        tenant_id=c["tenant_id"],
        scope="vismanet_erp_service_api:read",
    )
    assert ok.status_code == 200
    validate(ok.json(), FRAG, "TokenResponse")
    assert "refresh_token" not in ok.json()
    assert ok.json()["scope"] == "vismanet_erp_service_api:read"

    base = {"grant_type": "client_credentials", "client_id": c["client_id"]}
    assert_token_error(
        token_request(sandbox, **base, client_secret="nope", tenant_id=c["tenant_id"]),
        "invalid_client",
    )
    assert_token_error(token_request(sandbox, **base, tenant_id=c["tenant_id"]), "invalid_client")
    assert_token_error(
        token_request(sandbox, **base, client_secret=c["client_secret"]), "invalid_request"
    )
    assert_token_error(
        token_request(
            sandbox,
            **base,
            client_secret=c["client_secret"],
            tenant_id=c["tenant_id"],
            scope="vismanet_erp_interactive_api:read",
        ),
        "invalid_scope",
    )


def test_basic_auth_with_a_bad_secret_is_401(sandbox: Sandbox) -> None:
    c = sandbox.credentials
    auth = base64.b64encode(f"{c['client_id']}:wrong".encode()).decode()
    r = httpx.post(
        f"{sandbox.services['visma_connect']}/connect/token",
        data={"grant_type": "client_credentials", "tenant_id": c["tenant_id"]},
        headers={"Authorization": f"Basic {auth}"},
    )
    assert_token_error(r, "invalid_client", 401)
    assert r.headers["www-authenticate"].startswith("Basic")


def test_revocation_of_a_refresh_token(sandbox: Sandbox, loopback: Loopback) -> None:
    body = login(sandbox, loopback)
    cid = sandbox.credentials["client_id"]
    r = httpx.post(
        f"{sandbox.services['visma_connect']}/connect/revocation",
        data={"token": body["refresh_token"], "token_type_hint": "refresh_token", "client_id": cid},
    )
    assert r.status_code == 200
    again = token_request(
        sandbox, grant_type="refresh_token", refresh_token=body["refresh_token"], client_id=cid
    )
    assert_token_error(again, "invalid_grant")
    unknown = httpx.post(
        f"{sandbox.services['visma_connect']}/connect/revocation",
        data={"token": "never-issued", "client_id": cid},
    )
    assert unknown.status_code == 200


def test_expire_and_revoke_switches(loopback: Loopback) -> None:
    with Sandbox(demo=False, token_lifetime_s=120) as sb:
        body = login(sb, loopback)
        assert body["expires_in"] == 120
        with erp(sb, body["access_token"]) as client:
            assert client.get("/v1/customer").status_code == 200
            assert httpx.post(f"{sb.url}/_sandbox/expire-tokens").json()["expired"] >= 1
            r = client.get("/v1/customer")
            assert r.status_code == 401
            assert 'error="invalid_token"' in r.headers["www-authenticate"]
        cid = sb.credentials["client_id"]
        assert httpx.post(f"{sb.url}/_sandbox/revoke-refresh-tokens").json()["revoked"] == 1
        dead = token_request(
            sb, grant_type="refresh_token", refresh_token=body["refresh_token"], client_id=cid
        )
        assert_token_error(dead, "invalid_grant")
        sb.configure(token_lifetime_s=5)
        assert service_token(sb)


def test_customer_tenant_gets_401_from_the_erp_api(sandbox: Sandbox, loopback: Loopback) -> None:
    wrong = sandbox._creds.customer_tenant_id
    body = login(sandbox, loopback, tenant=wrong)
    with erp(sandbox, body["access_token"]) as client:
        assert client.get("/v1/customer").status_code == 401


def test_scope_decides_which_api_opens(sandbox: Sandbox) -> None:
    token = service_token(sandbox, scope="vismanet_erp_service_api:read")
    with salesorders(sandbox, token) as client:
        r = client.get("/api/v3/SalesOrders")
        assert r.status_code == 403
        assert "insufficient_scope" in r.headers["www-authenticate"]
    with erp(sandbox, token) as client:
        assert client.get("/v1/customer", params={"pageSize": 1}).status_code == 200


def test_sign_in_page_shows_every_company_and_what_is_asked(
    sandbox: Sandbox, loopback: Loopback
) -> None:
    _, challenge = pkce()
    url = authorize_url(sandbox, loopback.redirect_uri, challenge, "s")
    page = httpx.get(url)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    radios = re.findall(r'<input type="radio" name="tenant" value="([^"]+)"( checked)?', page.text)
    company, portal = sandbox.credentials["tenant_id"], sandbox._creds.customer_tenant_id
    # Both tenants are on screen at once, the ERP company preselected.
    assert radios == [(company, " checked"), (portal, "")]
    assert "Customer portal" in page.text
    assert "Read customers, items and invoices in Visma.net ERP" in page.text
    assert "Create and change sales orders" in page.text
    assert 'type="password"' in page.text
    assert 'value="approve"' in page.text and 'value="deny"' in page.text
    # A wrong password brings the page back with the user's company still chosen.
    again = play_browser(url, password="wrong", tenant=portal)
    assert "Wrong email address or password" in again.text
    assert f'value="{portal}" checked' in again.text
