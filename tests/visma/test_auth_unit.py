"""The token manager against a respx Visma Connect: refresh, failures, service mode, sign-out."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import httpx
import pytest
import respx

from tests.visma.unit_support import (
    CLIENT_ID,
    CONNECT,
    TENANT_ID,
    USERINFO,
    FakeClock,
    TokenEndpoint,
    Waits,
    form_of,
    make_settings,
    recording_backoff,
    unique,
)
from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.errors import AppError, AuthError
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.visma.auth import (
    REFRESH_MARGIN_S,
    SERVICE_SCOPES,
    TOKEN_ATTEMPTS,
    AuthMode,
    AuthState,
    AuthStatus,
    TokenManager,
)

REFRESH_FAILED = "Error refreshing API token. Unable to access API"
TOKEN_INVALID = "API token invalid. Please reauthenticate"
NOT_SIGNED_IN = "Not signed in to VISMA.net"
HTML_PAGE = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Login</body></html>"


class CountingClock(FakeClock):
    """A fake clock that also tells how often it was read (every token check reads it)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self._cond = threading.Condition()

    def __call__(self) -> float:
        with self._cond:
            self.reads += 1
            self._cond.notify_all()
        return self.now

    def wait_for_reads(self, n: int, timeout: float) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.reads >= n, timeout)


@pytest.fixture
def clock() -> CountingClock:
    return CountingClock()


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def secrets() -> Secrets:
    return Secrets(env={})


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def connect() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=CONNECT, assert_all_called=False) as router:
        router.get("/connect/userinfo").mock(return_value=httpx.Response(200, json=USERINFO))
        router.post("/connect/revocation", name="revocation").mock(return_value=httpx.Response(200))
        yield router


@pytest.fixture
def endpoint(connect: respx.MockRouter) -> TokenEndpoint:
    ep = TokenEndpoint()
    connect.post("/connect/token", name="token").mock(side_effect=ep)
    return ep


@pytest.fixture
def stored(secrets: Secrets) -> str:
    """A refresh token from an earlier sign-in, in the keyring."""
    token = unique("rt-stored")
    secrets.set(SecretName.VISMA_REFRESH_TOKEN, token)
    return token


def _manager(settings: Settings, secrets: Secrets, clock: FakeClock, waits: Waits) -> TokenManager:
    return TokenManager(settings, secrets, backoff=recording_backoff(waits), clock=clock)


@pytest.fixture
def tm(
    settings: Settings, secrets: Secrets, clock: CountingClock, waits: Waits, stored: str
) -> Iterator[TokenManager]:
    m = _manager(settings, secrets, clock, waits)
    yield m
    m.close()


def _states(tm: TokenManager) -> list[AuthState]:
    seen: list[AuthState] = []
    tm.add_listener(seen.append)
    return seen


def _assert_no_secret(err: AppError, *secrets: str) -> None:
    shown = [str(err), json.dumps(err.details), str(err.details.get("exchange", ""))]
    for secret in secrets:
        for text in shown:
            assert secret not in text


# --- refreshing -----------------------------------------------------------------------------


def test_signed_in_earlier_the_first_request_refreshes_and_learns_who_it_is(
    tm: TokenManager, endpoint: TokenEndpoint, stored: str, clock: CountingClock
) -> None:
    assert tm.state.status is AuthStatus.CONNECTED
    assert tm.is_signed_in()
    token = tm.access_token()
    assert token == endpoint.access
    assert endpoint.forms == [
        {"grant_type": "refresh_token", "refresh_token": stored, "client_id": CLIENT_ID}
    ]
    state = tm.state
    assert (state.user, state.company) == (USERINFO["email"], USERINFO["company_name"])
    assert state.mode is AuthMode.INTERACTIVE
    assert state.expires_at is not None
    assert state.expires_at.timestamp() == pytest.approx(clock.now + 3600)


def test_a_rotated_refresh_token_replaces_the_old_one_in_the_keyring(
    tm: TokenManager,
    endpoint: TokenEndpoint,
    stored: str,
    clock: CountingClock,
    secrets: Secrets,
    memory_keyring: MemoryKeyring,
) -> None:
    tm.access_token()
    first = endpoint.refresh_tokens[0]
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == first
    clock.advance(3600)
    tm.access_token()
    assert endpoint.forms[1]["refresh_token"] == first  # the new one, not `stored`
    assert memory_keyring.entries("vismadesk") == {
        SecretName.VISMA_REFRESH_TOKEN.value: endpoint.refresh_tokens[1]
    }
    assert stored not in memory_keyring.entries("vismadesk").values()


def test_a_refresh_answer_without_a_new_refresh_token_keeps_the_stored_one(
    tm: TokenManager, endpoint: TokenEndpoint, stored: str, clock: CountingClock, secrets: Secrets
) -> None:
    # RFC 6749 §6: the server MAY issue a new refresh token; if it does not, the old
    # one stays valid, and the planner must not be asked to sign in an hour later.
    endpoint.rotate = False
    tm.access_token()
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == stored
    clock.advance(3600)
    token = tm.access_token()
    assert token == endpoint.access
    assert [f["refresh_token"] for f in endpoint.forms] == [stored, stored]


def test_the_token_is_refreshed_a_minute_before_it_expires(
    tm: TokenManager, endpoint: TokenEndpoint, clock: CountingClock
) -> None:
    first = tm.access_token()
    clock.advance(3600 - REFRESH_MARGIN_S - 1)
    assert tm.access_token() == first
    assert endpoint.calls == 1
    clock.advance(1)
    second = tm.access_token()
    assert second != first
    assert endpoint.calls == 2


def test_a_token_without_a_lifetime_is_taken_to_last_an_hour(
    tm: TokenManager, connect: respx.MockRouter, clock: CountingClock
) -> None:
    access = unique("at")
    connect.post("/connect/token").mock(
        return_value=httpx.Response(200, json={"access_token": access, "token_type": "Bearer"})
    )
    assert tm.access_token() == access
    clock.advance(3600 - REFRESH_MARGIN_S - 1)
    assert tm.access_token() == access


def test_sixteen_threads_on_an_expired_token_share_one_refresh(
    tm: TokenManager, endpoint: TokenEndpoint, clock: CountingClock, connect: respx.MockRouter
) -> None:
    tm.access_token()
    clock.advance(3600)
    threads_n = 16
    everyone_saw_it_expired = threading.Event()

    def slow_endpoint(request: httpx.Request) -> httpx.Response:
        # Answer only once every thread has found the token expired (each check reads
        # the clock; the refreshing thread reads it twice), so all 16 really overlap.
        if clock.wait_for_reads(threads_n + 1, timeout=10):
            everyone_saw_it_expired.set()
        return endpoint(request)

    route = connect.post("/connect/token").mock(side_effect=slow_endpoint)
    before = route.call_count  # the same route: it already counted the first sign-in
    barrier = threading.Barrier(threads_n)
    results: list[str | None] = [None] * threads_n
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = tm.access_token()
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    clock.reads = 0
    threads = [threading.Thread(target=work, args=(i,)) for i in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert everyone_saw_it_expired.is_set()
    assert route.call_count - before == 1
    assert set(results) == {endpoint.access}


def test_the_rotated_token_is_used_by_every_thread_after_a_shared_refresh(
    tm: TokenManager, endpoint: TokenEndpoint, clock: CountingClock, secrets: Secrets
) -> None:
    tm.access_token()
    clock.advance(3600)
    barrier = threading.Barrier(8)
    got: list[str] = []
    lock = threading.Lock()

    def work() -> None:
        barrier.wait(timeout=10)
        token = tm.access_token()
        with lock:
            got.append(token)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(got) == 8 and set(got) == {endpoint.access}
    assert endpoint.calls == 2
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == endpoint.refresh_tokens[-1]


# --- refresh failures --------------------------------------------------------------------------


@pytest.mark.parametrize("error", ["invalid_grant", "invalid_client", "unauthorized_client"])
def test_a_dead_refresh_token_signs_out_and_is_forgotten(
    tm: TokenManager,
    connect: respx.MockRouter,
    stored: str,
    secrets: Secrets,
    error: str,
) -> None:
    states = _states(tm)
    connect.post("/connect/token").mock(
        return_value=httpx.Response(
            400, json={"error": error, "error_description": f"The token {stored} is revoked"}
        )
    )
    with pytest.raises(AuthError) as info:
        tm.access_token()
    err = info.value
    assert err.code == messages.TOKEN_INVALID.code
    assert str(err) == TOKEN_INVALID
    assert err.details["visma_error"] == error
    assert tm.state.status is AuthStatus.SIGNED_OUT
    assert states[-1].status is AuthStatus.SIGNED_OUT
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) is None
    assert not tm.is_signed_in()
    _assert_no_secret(err, stored)


def test_signed_out_any_request_asks_to_sign_in_again_without_calling_visma(
    settings: Settings,
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    endpoint: TokenEndpoint,
) -> None:
    tm = _manager(settings, secrets, clock, waits)
    assert tm.state.status is AuthStatus.SIGNED_OUT
    with pytest.raises(AuthError) as info:
        tm.access_token()
    # Nothing stopped working: no sign-in (yet, or any more) says just that.
    assert str(info.value) == NOT_SIGNED_IN
    assert endpoint.calls == 0


@pytest.mark.parametrize(
    "fault",
    [
        httpx.Response(503, text="Service Unavailable"),
        httpx.Response(502, text=HTML_PAGE, headers={"Content-Type": "text/html"}),
        httpx.ReadTimeout,
        httpx.ConnectError,
    ],
    ids=["503", "502-html", "timeout", "refused"],
)
def test_an_unreachable_token_endpoint_keeps_the_refresh_token_for_later(
    tm: TokenManager,
    connect: respx.MockRouter,
    stored: str,
    secrets: Secrets,
    waits: Waits,
    fault: httpx.Response | type[Exception],
) -> None:
    states = _states(tm)
    # respx plays a bare Response as a side effect too; its stubs leave that out.
    route = connect.post("/connect/token").mock(side_effect=fault)  # type: ignore[arg-type]
    with pytest.raises(AuthError) as info:
        tm.access_token()
    err = info.value
    assert err.code == messages.TOKEN_REFRESH_FAILED.code
    assert str(err) == REFRESH_FAILED
    assert route.call_count == TOKEN_ATTEMPTS
    assert len(waits) == TOKEN_ATTEMPTS - 1
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == stored
    assert tm.is_signed_in()
    assert tm.state.status is AuthStatus.CONNECTED
    assert tm.state.error == REFRESH_FAILED
    assert states and states[-1].error == REFRESH_FAILED
    _assert_no_secret(err, stored)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text=HTML_PAGE, headers={"Content-Type": "text/html"}),
        httpx.Response(200, content=b'{"access_token": "x', headers={"Content-Type": "json"}),
        httpx.Response(200, json={"token_type": "Bearer"}),
        httpx.Response(400, text=HTML_PAGE, headers={"Content-Type": "text/html"}),
    ],
    ids=["html", "broken-json", "no-access-token", "400-html"],
)
def test_an_unreadable_token_answer_keeps_the_refresh_token(
    tm: TokenManager,
    connect: respx.MockRouter,
    stored: str,
    secrets: Secrets,
    answer: httpx.Response,
) -> None:
    connect.post("/connect/token").mock(return_value=answer)
    with pytest.raises(AuthError) as info:
        tm.access_token()
    assert str(info.value) == REFRESH_FAILED
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == stored
    assert tm.is_signed_in()


def test_after_a_failed_refresh_the_kept_token_works_once_visma_is_back(
    tm: TokenManager, connect: respx.MockRouter, endpoint: TokenEndpoint, stored: str
) -> None:
    route = connect.post("/connect/token").mock(
        # respx calls a callable met in a side-effect list too; its stubs leave that out.
        side_effect=[httpx.ReadTimeout] * TOKEN_ATTEMPTS + [endpoint]  # type: ignore[list-item]
    )
    with pytest.raises(AuthError):
        tm.access_token()
    assert tm.access_token() == endpoint.access
    assert route.call_count == TOKEN_ATTEMPTS + 1
    assert endpoint.forms[-1]["refresh_token"] == stored


def test_a_busy_token_endpoint_is_waited_for_as_told(
    tm: TokenManager, connect: respx.MockRouter, endpoint: TokenEndpoint, waits: Waits
) -> None:
    connect.post("/connect/token").mock(
        # respx calls a callable met in a side-effect list too; its stubs leave that out.
        side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), endpoint]  # type: ignore[list-item]
    )
    assert tm.access_token() == endpoint.access
    assert 4.0 in waits


# --- service mode (client credentials) --------------------------------------------------------


def test_service_sign_in_sends_the_tenant_and_the_secret_from_the_keyring(
    settings: Settings,
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    endpoint: TokenEndpoint,
) -> None:
    secret = unique("cs")
    secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)
    tm = _manager(settings, secrets, clock, waits)
    states = _states(tm)
    endpoint.rotate = False
    state = tm.login_service()
    form = endpoint.forms[0]
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == CLIENT_ID
    assert form["client_secret"] == secret
    assert form["tenant_id"] == TENANT_ID
    assert form["scope"].split() == list(SERVICE_SCOPES)
    assert state.status is AuthStatus.CONNECTED
    assert state.mode is AuthMode.SERVICE
    assert state.user == f"service account {CLIENT_ID}"
    assert state.company == TENANT_ID
    assert [s.status for s in states] == [AuthStatus.CONNECTED]
    # Expired in service mode: new client credentials, no refresh token needed.
    clock.advance(3600)
    assert tm.access_token() == endpoint.access
    assert [f["grant_type"] for f in endpoint.forms] == ["client_credentials"] * 2


@pytest.mark.parametrize(
    ("client_id", "secret", "tenant", "named"),
    [
        (CLIENT_ID, "", TENANT_ID, "client secret"),
        (CLIENT_ID, "s3cr3t-value", "", "tenant ID"),
        ("", "", TENANT_ID, "client ID, client secret"),
        ("", "", "", "client ID, client secret, tenant ID"),
    ],
)
def test_service_sign_in_names_what_is_missing_and_sends_nothing(
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    endpoint: TokenEndpoint,
    client_id: str,
    secret: str,
    tenant: str,
    named: str,
) -> None:
    if secret:
        secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)
    tm = _manager(make_settings(client_id=client_id, tenant_id=tenant), secrets, clock, waits)
    with pytest.raises(AuthError) as info:
        tm.login_service()
    assert info.value.code == messages.LOGIN_FAILED.code
    assert str(info.value) == f"Sign-in to VISMA.net failed: service sign-in needs the {named}"
    assert endpoint.calls == 0


def test_refused_client_credentials_say_so_without_showing_the_secret(
    settings: Settings,
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    connect: respx.MockRouter,
) -> None:
    secret = unique("cs")
    secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)
    route = connect.post("/connect/token").mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_client", "error_description": f"Bad secret {secret}"}
        )
    )
    tm = _manager(settings, secrets, clock, waits)
    with pytest.raises(AuthError) as info:
        tm.login_service()
    err = info.value
    assert str(err) == (
        "Sign-in to VISMA.net failed: VISMA.net refused the client credentials (invalid_client)"
    )
    assert route.call_count == 1
    assert secret in form_of(route.calls.last.request).values()  # it was sent...
    _assert_no_secret(err, secret)  # ...and is shown nowhere
    assert "client_secret=***" in err.details["exchange"]


def test_a_service_token_endpoint_that_is_down_during_a_run_is_a_refresh_failure(
    settings: Settings,
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    connect: respx.MockRouter,
    endpoint: TokenEndpoint,
) -> None:
    secret = unique("cs")
    secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)
    tm = _manager(settings, secrets, clock, waits)
    tm.login_service()
    clock.advance(3600)
    connect.post("/connect/token").mock(return_value=httpx.Response(503, text=f"down {secret}"))
    with pytest.raises(AuthError) as info:
        tm.access_token()
    assert str(info.value) == REFRESH_FAILED
    _assert_no_secret(info.value, secret)


# --- state reports -----------------------------------------------------------------------


def test_listeners_hear_every_change_and_only_changes(
    tm: TokenManager, endpoint: TokenEndpoint, clock: CountingClock, connect: respx.MockRouter
) -> None:
    states = _states(tm)
    tm.access_token()
    tm.access_token()  # nothing changed: nothing reported
    assert len(states) == 1
    assert states[0].status is AuthStatus.CONNECTED
    assert states[0].user == USERINFO["email"]
    clock.advance(3600)
    tm.access_token()
    assert len(states) == 2
    assert states[1].expires_at is not None and states[0].expires_at is not None
    assert states[1].expires_at > states[0].expires_at
    tm.disconnect()
    assert states[-1] == AuthState(AuthStatus.SIGNED_OUT)


# --- disconnect --------------------------------------------------------------------------


def test_disconnect_revokes_both_tokens_and_empties_the_keyring(
    tm: TokenManager,
    endpoint: TokenEndpoint,
    connect: respx.MockRouter,
    secrets: Secrets,
    memory_keyring: MemoryKeyring,
) -> None:
    secrets.set(SecretName.VISMA_CLIENT_SECRET, unique("cs"))
    access = tm.access_token()
    refresh = endpoint.refresh_tokens[-1]
    tm.disconnect()
    revoked = [form_of(c.request) for c in connect.routes["revocation"].calls]
    assert {(f["token"], f["token_type_hint"]) for f in revoked} == {
        (refresh, "refresh_token"),
        (access, "access_token"),
    }
    assert all(f["client_id"] == CLIENT_ID for f in revoked)
    assert memory_keyring.entries("vismadesk") == {}
    assert tm.state.status is AuthStatus.SIGNED_OUT
    assert not tm.is_signed_in()
    with pytest.raises(AuthError) as info:
        tm.access_token()
    # Nothing stopped working: no sign-in (yet, or any more) says just that.
    assert str(info.value) == NOT_SIGNED_IN


@pytest.mark.parametrize(
    "down",
    [httpx.ConnectError, httpx.ReadTimeout, httpx.Response(503), httpx.Response(400)],
    ids=["refused", "timeout", "503", "400"],
)
def test_disconnect_forgets_everything_even_when_revocation_fails(
    tm: TokenManager,
    endpoint: TokenEndpoint,
    connect: respx.MockRouter,
    secrets: Secrets,
    memory_keyring: MemoryKeyring,
    down: httpx.Response | type[Exception],
) -> None:
    secrets.set(SecretName.VISMA_CLIENT_SECRET, unique("cs"))
    tm.access_token()
    # respx plays a bare Response as a side effect too; its stubs leave that out.
    route = connect.post("/connect/revocation").mock(side_effect=down)  # type: ignore[arg-type]
    tm.disconnect()
    assert route.call_count >= 1
    assert memory_keyring.entries("vismadesk") == {}
    assert tm.state.status is AuthStatus.SIGNED_OUT
    assert not tm.is_signed_in()


def test_disconnect_when_never_signed_in_sends_nothing_and_is_harmless(
    settings: Settings,
    secrets: Secrets,
    clock: CountingClock,
    waits: Waits,
    connect: respx.MockRouter,
) -> None:
    tm = _manager(settings, secrets, clock, waits)
    tm.disconnect()
    assert connect.routes["revocation"].call_count == 0
    assert tm.state.status is AuthStatus.SIGNED_OUT


@pytest.mark.parametrize(
    ("expires_in", "believed"),
    [(10**12, 24 * 3600), (-5, 2 * REFRESH_MARGIN_S), (30, 2 * REFRESH_MARGIN_S)],
    ids=["1e12", "negative", "inside-the-margin"],
)
def test_an_absurd_token_lifetime_is_clamped(
    tm: TokenManager,
    endpoint: TokenEndpoint,
    stored: str,
    clock: CountingClock,
    expires_in: int,
    believed: int,
) -> None:
    endpoint.expires_in = expires_in
    first = tm.access_token()
    state = tm.state
    assert state.expires_at is not None
    assert state.expires_at.timestamp() == pytest.approx(clock.now + believed)
    # Not a token request per API request: the token is used until the margin.
    for _ in range(5):
        assert tm.access_token() == first
    assert endpoint.calls == 1
    clock.advance(believed - REFRESH_MARGIN_S)
    assert tm.access_token() != first
    assert endpoint.calls == 2


@pytest.mark.parametrize("raw", [None, "", "soon", True, float("nan"), float("inf")])
def test_an_unreadable_token_lifetime_is_taken_as_an_hour_or_capped(raw: object) -> None:
    from vismadesk.visma.auth import DEFAULT_LIFETIME_S, MAX_LIFETIME_S, token_lifetime

    assert token_lifetime(raw) in (DEFAULT_LIFETIME_S, MAX_LIFETIME_S)
