"""Interactive sign-in without a sandbox: the test plays the browser against the listener."""

from __future__ import annotations

import base64
import hashlib
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import respx

from tests.visma.unit_support import (
    CLIENT_ID,
    CONNECT,
    USERINFO,
    FakeClock,
    TokenEndpoint,
    Waits,
    make_settings,
    recording_backoff,
    unique,
)
from vismadesk import messages
from vismadesk.errors import AuthError
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.visma.auth import (
    INTERACTIVE_SCOPES,
    AuthState,
    AuthStatus,
    TokenManager,
    pkce_pair,
)
from vismadesk.visma.loopback import CALLBACK_PATH, page

Reply = Callable[[str], dict[str, str]]


def approve(code: str) -> Reply:
    return lambda state: {"code": code, "state": state}


def wrong_state(code: str) -> Reply:
    return lambda state: {"code": code, "state": "not-" + state}


def deny(description: str = "The user denied access") -> Reply:
    return lambda state: {
        "error": "access_denied",
        "error_description": description,
        "state": state,
    }


@dataclass
class Browser:
    """An `open_browser` that, like a person, comes back to the redirect URI (in a thread)."""

    replies: list[Reply]
    url: str = ""
    answers: list[httpx.Response] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)
    thread: threading.Thread | None = None

    def __call__(self, url: str) -> bool:
        self.url = url
        self.thread = threading.Thread(target=self._play, daemon=True)
        self.thread.start()
        return True

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.url).query).items()}

    def _play(self) -> None:
        state, redirect_uri = self.query["state"], self.query["redirect_uri"]
        try:
            with httpx.Client(trust_env=False, timeout=10) as http:
                for reply in self.replies:
                    self.answers.append(http.get(redirect_uri, params=reply(state)))
        except BaseException as e:  # reported by the test
            self.failures.append(e)

    def finish(self) -> None:
        assert self.thread is not None
        self.thread.join(timeout=10)
        assert not self.thread.is_alive()
        assert self.failures == []


@pytest.fixture
def connect() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=CONNECT, assert_all_called=False) as router:
        # The browser's visits to the loopback listener are real HTTP.
        router.route(host="127.0.0.1").pass_through()
        router.get("/connect/userinfo").mock(return_value=httpx.Response(200, json=USERINFO))
        yield router


@pytest.fixture
def endpoint(connect: respx.MockRouter) -> TokenEndpoint:
    ep = TokenEndpoint()
    connect.post("/connect/token", name="token").mock(side_effect=ep)
    return ep


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def secrets() -> Secrets:
    return Secrets(env={})


@pytest.fixture
def tm(secrets: Secrets, clock: FakeClock) -> Iterator[TokenManager]:
    m = TokenManager(make_settings(), secrets, backoff=recording_backoff(Waits()), clock=clock)
    yield m
    m.close()


def _states(tm: TokenManager) -> list[AuthState]:
    seen: list[AuthState] = []
    tm.add_listener(seen.append)
    return seen


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


# --- a sign-in that works ---------------------------------------------------------------------


def test_signing_in_through_the_browser_connects_and_stores_the_refresh_token(
    tm: TokenManager, endpoint: TokenEndpoint, secrets: Secrets
) -> None:
    states = _states(tm)
    code = unique("code")
    browser = Browser([approve(code)])
    state = tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert state.status is AuthStatus.CONNECTED
    assert (state.user, state.company) == (USERINFO["email"], USERINFO["company_name"])
    assert [s.status for s in states] == [AuthStatus.SIGNING_IN, AuthStatus.CONNECTED]
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == endpoint.refresh_tokens[-1]
    assert tm.access_token() == endpoint.access
    # The browser was told it can go back to vismadesk.
    assert browser.answers[0].status_code == 200
    assert "Signed in" in browser.answers[0].text
    assert browser.answers[0].headers["content-type"].startswith("text/html")


def test_the_authorize_address_asks_for_a_code_with_pkce_and_a_loopback_redirect(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    browser = Browser([approve(unique("code"))])
    tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert browser.url.startswith(f"{CONNECT}/connect/authorize?")
    q = browser.query
    assert q["client_id"] == CLIENT_ID
    assert q["response_type"] == "code"
    assert q["code_challenge_method"] == "S256"
    assert re.fullmatch(rf"http://127\.0\.0\.1:\d+{CALLBACK_PATH}", q["redirect_uri"])
    scopes = q["scope"].split()
    assert set(INTERACTIVE_SCOPES) <= set(scopes)
    assert "offline_access" in scopes
    assert len(q["state"]) >= 20


def test_the_code_is_exchanged_with_the_verifier_that_matches_the_challenge(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    code = unique("code")
    browser = Browser([approve(code)])
    tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    form = endpoint.forms[0]
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == code
    assert form["client_id"] == CLIENT_ID
    assert form["redirect_uri"] == browser.query["redirect_uri"]
    assert _challenge(form["code_verifier"]) == browser.query["code_challenge"]


def test_every_sign_in_uses_a_new_state_and_verifier(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    first, second = Browser([approve(unique("c"))]), Browser([approve(unique("c"))])
    tm.login_interactive(first, timeout_s=30)
    tm.login_interactive(second, timeout_s=30)
    first.finish()
    second.finish()
    assert first.query["state"] != second.query["state"]
    assert first.query["code_challenge"] != second.query["code_challenge"]
    assert endpoint.forms[0]["code_verifier"] != endpoint.forms[1]["code_verifier"]


def test_pkce_challenge_is_the_s256_of_a_proper_verifier() -> None:
    verifier, challenge = pkce_pair()
    assert 43 <= len(verifier) <= 128
    assert re.fullmatch(r"[A-Za-z0-9\-._~]+", verifier)
    assert challenge == _challenge(verifier)
    assert "=" not in challenge
    assert pkce_pair()[0] != verifier


# --- answers that are not the one we wait for ------------------------------------------------


def test_an_answer_with_the_wrong_state_is_refused_and_the_wait_goes_on(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    stray, real = unique("stray"), unique("code")
    browser = Browser([wrong_state(stray), approve(real)])
    state = tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert state.status is AuthStatus.CONNECTED
    refused, accepted = browser.answers
    assert refused.status_code == 400
    assert "Sign-in not recognised" in refused.text
    assert accepted.status_code == 200
    assert [f["code"] for f in endpoint.forms] == [real]  # the stray code was never used


def test_an_error_without_our_state_cannot_cancel_the_sign_in(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    """Any local page could send the listener `error=access_denied`; only the answer to
    our own request (carrying our state) may end the sign-in."""
    real = unique("code")
    browser = Browser([lambda _state: {"error": "access_denied"}, approve(real)])
    state = tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert state.status is AuthStatus.CONNECTED
    assert [a.status_code for a in browser.answers] == [400, 200]


def test_stray_requests_to_the_listener_do_not_end_the_wait(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    code = unique("code")
    seen: list[int] = []

    def favicon_first(url: str) -> bool:
        redirect_uri = parse_qs(urlsplit(url).query)["redirect_uri"][0]
        root = redirect_uri.removesuffix(CALLBACK_PATH)
        with httpx.Client(trust_env=False, timeout=10) as http:
            seen.append(http.get(f"{root}/favicon.ico").status_code)
        return browser(url)

    browser = Browser([approve(code)])
    assert tm.login_interactive(favicon_first, timeout_s=30).status is AuthStatus.CONNECTED
    browser.finish()
    assert seen == [404]


def test_access_denied_on_the_sign_in_page_fails_with_a_clear_message(
    tm: TokenManager, endpoint: TokenEndpoint, secrets: Secrets
) -> None:
    states = _states(tm)
    browser = Browser([deny()])
    with pytest.raises(AuthError) as info:
        tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    err = info.value
    assert err.code == messages.LOGIN_FAILED.code
    assert str(err) == "Sign-in to VISMA.net failed: access was denied on the sign-in page"
    assert err.details["visma_error"] == "access_denied"
    assert endpoint.calls == 0
    assert tm.state.status is AuthStatus.SIGNED_OUT
    assert [s.status for s in states] == [AuthStatus.SIGNING_IN, AuthStatus.SIGNED_OUT]
    assert "Sign-in cancelled" in browser.answers[0].text
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) is None


def test_another_error_from_visma_is_named(tm: TokenManager, endpoint: TokenEndpoint) -> None:
    browser = Browser([lambda state: {"error": "temporarily_unavailable", "state": state}])
    with pytest.raises(AuthError) as info:
        tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert (
        str(info.value) == "Sign-in to VISMA.net failed: VISMA.net answered temporarily_unavailable"
    )


def test_the_page_shown_in_the_browser_escapes_what_it_shows(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    browser = Browser([deny("<script>alert('x')</script>")])
    with pytest.raises(AuthError):
        tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert "<script>" not in browser.answers[0].text
    shown = page("<b>Bold</b> & co", 'say "<i>hi</i>"').decode()
    assert "<b>" not in shown and "<i>" not in shown
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in shown
    assert "&lt;i&gt;hi&lt;/i&gt;" in shown


def test_a_refused_code_exchange_fails_without_showing_the_code(
    tm: TokenManager, connect: respx.MockRouter
) -> None:
    code = unique("code")
    connect.post("/connect/token").mock(
        return_value=httpx.Response(
            400, json={"error": "invalid_grant", "error_description": f"code {code} expired"}
        )
    )
    browser = Browser([approve(code)])
    with pytest.raises(AuthError) as info:
        tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    err = info.value
    assert str(err) == "Sign-in to VISMA.net failed: VISMA.net refused the sign-in (invalid_grant)"
    assert code not in repr(err.details)
    assert tm.state.status is AuthStatus.SIGNED_OUT


# --- giving up ---------------------------------------------------------------------------------


def test_a_browser_that_cannot_be_opened_fails_at_once(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    started = time.monotonic()
    with pytest.raises(AuthError) as info:
        tm.login_interactive(lambda url: False)  # the default 5-minute timeout
    elapsed = time.monotonic() - started
    assert elapsed < 1.0
    err = info.value
    assert str(err) == (
        "Sign-in to VISMA.net failed: the browser could not be opened (no browser is available)"
    )
    # The planner can paste the address into a browser by hand.
    assert err.details["authorize_url"].startswith(f"{CONNECT}/connect/authorize?")
    assert tm.state.status is AuthStatus.SIGNED_OUT


def test_a_browser_opener_that_crashes_fails_at_once(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    def broken(url: str) -> bool:
        raise OSError("no display")

    started = time.monotonic()
    with pytest.raises(AuthError) as info:
        tm.login_interactive(broken)
    assert time.monotonic() - started < 1.0
    assert str(info.value) == (
        "Sign-in to VISMA.net failed: the browser could not be opened (OSError)"
    )


def test_no_answer_from_the_browser_gives_up_after_the_timeout(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    started = time.monotonic()
    with pytest.raises(AuthError) as info:
        tm.login_interactive(lambda url: True, timeout_s=0.3)
    elapsed = time.monotonic() - started
    assert 0.3 <= elapsed < 2.0
    assert str(info.value) == (
        "Sign-in to VISMA.net failed: no answer from the browser within 0.3 seconds"
    )
    assert endpoint.calls == 0
    assert tm.state.status is AuthStatus.SIGNED_OUT


def test_cancelling_the_sign_in_stops_the_wait(tm: TokenManager, endpoint: TokenEndpoint) -> None:
    cancel = threading.Event()

    def open_then_cancel(url: str) -> bool:
        cancel.set()  # the planner clicks Cancel while the browser is open
        return True

    started = time.monotonic()
    with pytest.raises(AuthError) as info:
        tm.login_interactive(open_then_cancel, timeout_s=300, cancel=cancel)
    assert time.monotonic() - started < 1.0
    assert str(info.value) == "Sign-in to VISMA.net failed: sign-in was cancelled"
    assert tm.state.status is AuthStatus.SIGNED_OUT


def test_the_listener_is_gone_once_the_sign_in_is_over(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    browser = Browser([approve(unique("code"))])
    tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    with httpx.Client(trust_env=False, timeout=5) as http, pytest.raises(httpx.ConnectError):
        http.get(browser.query["redirect_uri"], params={"code": "late", "state": "x"})


def test_a_failed_sign_in_keeps_an_earlier_connection(
    secrets: Secrets, clock: FakeClock, endpoint: TokenEndpoint
) -> None:
    stored = unique("rt")
    secrets.set(SecretName.VISMA_REFRESH_TOKEN, stored)
    tm = TokenManager(make_settings(), secrets, backoff=recording_backoff(Waits()), clock=clock)
    with pytest.raises(AuthError):
        tm.login_interactive(lambda url: False)
    assert tm.state.status is AuthStatus.CONNECTED
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == stored
    tm.close()


def test_no_client_id_is_said_before_any_browser_opens(secrets: Secrets) -> None:
    opened: list[str] = []
    tm = TokenManager(make_settings(client_id=""), secrets)

    def open_browser(url: str) -> bool:
        opened.append(url)
        return True

    with pytest.raises(AuthError) as info:
        tm.login_interactive(open_browser)
    assert str(info.value) == "Sign-in to VISMA.net failed: no client ID is set (Advanced settings)"
    assert opened == []
    tm.close()


# --- no refresh token -------------------------------------------------------------------------


def test_without_a_refresh_token_the_planner_signs_in_again_when_the_token_expires(
    tm: TokenManager, endpoint: TokenEndpoint, secrets: Secrets, clock: FakeClock
) -> None:
    # Visma may give a desktop app no refresh token; an old one must not linger either.
    secrets.set(SecretName.VISMA_REFRESH_TOKEN, unique("rt-old"))
    endpoint.rotate = False
    browser = Browser([approve(unique("code"))])
    tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) is None
    token = tm.access_token()
    clock.advance(3600)
    with pytest.raises(AuthError) as info:
        tm.access_token()
    assert info.value.code == messages.TOKEN_INVALID.code
    assert str(info.value) == "API token invalid. Please reauthenticate"
    assert endpoint.calls == 1  # nothing to refresh with: no request was made
    assert tm.state.status is AuthStatus.SIGNED_OUT
    assert token not in str(info.value.details)


def test_an_error_code_that_is_not_a_code_is_escaped_in_the_message(
    tm: TokenManager, endpoint: TokenEndpoint
) -> None:
    forged = "x\n2024-06-03 09:00:00  success  Sign-in  Connected\x1b[2J"
    browser = Browser(
        [lambda state: {"error": forged, "error_description": "a\x1b[31mred", "state": state}]
    )
    with pytest.raises(AuthError) as info:
        tm.login_interactive(browser, timeout_s=30)
    browser.finish()
    text = str(info.value)
    assert "\n" not in text and "\x1b" not in text
    assert text.startswith('Sign-in to VISMA.net failed: VISMA.net answered "x\\n2024')
    assert "\x1b" not in info.value.details["visma_message"]
    assert "\n" not in info.value.details["visma_error"]


def test_two_callbacks_with_our_state_at_the_same_moment_only_one_is_accepted() -> None:
    from vismadesk.visma.loopback import LoopbackReceiver

    receiver = LoopbackReceiver("the-state").start()
    callers = 12
    ready = threading.Barrier(callers)
    answers: dict[str, int] = {}
    lock = threading.Lock()

    def call(code: str) -> None:
        with httpx.Client(trust_env=False, timeout=10) as http:
            ready.wait(timeout=10)
            status = http.get(
                receiver.redirect_uri, params={"code": code, "state": "the-state"}
            ).status_code
        with lock:
            answers[code] = status

    try:
        threads = [threading.Thread(target=call, args=(f"code-{i}",)) for i in range(callers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=20)
        assert receiver.wait(5)
    finally:
        receiver.close()
    accepted = [code for code, status in answers.items() if status == 200]
    assert len(answers) == callers
    assert len(accepted) == 1
    assert receiver.result is not None and receiver.result.code == accepted[0]
    assert sorted(s for s in answers.values() if s != 200) == [404] * (callers - 1)
