"""The token manager against the sandbox's Visma Connect, over real HTTP."""

from __future__ import annotations

import socket
import threading

import httpx
import pytest

from tests.helpers.visma_session import REVOCATIONS, TOKEN_CALLS, Session, use_service_credentials
from vismadesk import messages
from vismadesk.errors import AuthError
from vismadesk.keyring_store import SecretName
from vismadesk.visma.auth import AuthMode, AuthState, AuthStatus


def test_login_in_the_browser_connects_and_keeps_only_the_refresh_token(session: Session) -> None:
    seen: list[AuthState] = []
    session.tokens.add_listener(seen.append)
    session.sign_in_in_browser()

    state = session.tokens.state
    assert state.status is AuthStatus.CONNECTED
    assert state.user == session.sandbox.credentials["user"]
    assert state.expires_at is not None
    assert [s.status for s in seen] == [AuthStatus.SIGNING_IN, AuthStatus.CONNECTED]
    # The access token lives in memory only; the keyring holds the refresh token.
    assert set(session.stored()) == {"visma_refresh_token"}
    assert session.visma.list_customers()


def test_denied_sign_in_says_so_and_stays_signed_out(session: Session) -> None:
    with pytest.raises(AuthError) as err:
        session.sign_in_in_browser(approve=False)
    assert err.value.code == messages.LOGIN_FAILED.code
    assert "access was denied" in str(err.value)
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT
    assert session.stored() == {}


def test_expired_token_is_refreshed_and_the_refresh_token_rotated(session: Session) -> None:
    session.sign_in_in_browser()
    first = session.stored()["visma_refresh_token"]
    session.sandbox.expire_tokens()
    before = session.requests(TOKEN_CALLS)

    assert session.visma.list_inventory()
    assert session.requests(TOKEN_CALLS) == before + 1
    assert session.stored()["visma_refresh_token"] != first


def test_sixteen_threads_on_an_expired_token_make_one_refresh(session: Session) -> None:
    session.sign_in_in_browser()
    session.sandbox.expire_tokens()
    before = session.requests(TOKEN_CALLS)
    start = threading.Barrier(16)
    counts: list[int] = []
    errors: list[BaseException] = []

    def call() -> None:
        start.wait()
        try:
            counts.append(len(session.visma.list_customers()))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=call) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(counts) == 16 and len(set(counts)) == 1
    assert session.requests(TOKEN_CALLS) == before + 1


def test_reused_refresh_token_asks_to_reauthenticate(session: Session) -> None:
    session.sign_in_in_browser()
    stale = session.stored()["visma_refresh_token"]
    session.sandbox.expire_tokens()
    session.visma.list_customers()  # rotates: `stale` is now used up
    # A stale copy comes back (a restored backup, a second machine): using it again
    # makes Visma Connect end the whole sign-in.
    session.keyring.set_password("vismadesk", "visma_refresh_token", stale)
    session.sandbox.expire_tokens()

    with pytest.raises(AuthError) as err:
        session.visma.list_customers()
    assert str(err.value) == "API token invalid. Please reauthenticate"
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT
    assert session.stored() == {}
    assert not session.tokens.is_signed_in()


def test_revoked_refresh_tokens_ask_to_reauthenticate(session: Session) -> None:
    session.sign_in_in_browser()
    session.sandbox.revoke_refresh_tokens()
    session.sandbox.expire_tokens()
    with pytest.raises(AuthError) as err:
        session.visma.list_inventory()
    assert err.value.message == messages.TOKEN_INVALID.text
    assert err.value.hint == messages.TOKEN_INVALID.hint


def _dead_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/visma-connect"


def test_token_endpoint_down_means_error_refreshing_and_keeps_the_refresh_token(
    session: Session,
) -> None:
    session.sign_in_in_browser()
    refresh = session.stored()["visma_refresh_token"]
    session.sandbox.expire_tokens()
    working = session.settings.visma_connect_url
    session.settings.visma_connect_url = _dead_address()

    with pytest.raises(AuthError) as err:
        session.visma.list_customers()
    assert str(err.value) == "Error refreshing API token. Unable to access API"
    assert session.stored()["visma_refresh_token"] == refresh
    assert session.tokens.is_signed_in()

    # Kept for a later try: once Visma Connect answers again, the work goes on.
    session.settings.visma_connect_url = working
    assert session.visma.list_customers()


def test_without_a_refresh_token_expiry_asks_to_sign_in_again(session: Session) -> None:
    session.sandbox.configure(issue_refresh_tokens=False)
    session.sign_in_in_browser()
    assert session.stored() == {}
    session.sandbox.expire_tokens()
    with pytest.raises(AuthError) as err:
        session.visma.list_customers()
    assert str(err.value) == "API token invalid. Please reauthenticate"
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT


def test_service_sign_in_with_client_credentials_renews_itself(session: Session) -> None:
    use_service_credentials(session)
    state = session.tokens.login_service()
    assert state.status is AuthStatus.CONNECTED and state.mode is AuthMode.SERVICE
    assert state.company == session.sandbox.credentials["tenant_id"]
    assert "visma_refresh_token" not in session.stored()

    session.sandbox.expire_tokens()
    before = session.requests(TOKEN_CALLS)
    assert session.visma.list_customers()
    assert session.requests(TOKEN_CALLS) == before + 1


def test_service_sign_in_with_a_wrong_secret_is_refused(session: Session) -> None:
    session.secrets.set(SecretName.VISMA_CLIENT_SECRET, "wrong-secret-x")
    with pytest.raises(AuthError) as err:
        session.tokens.login_service()
    assert err.value.code == messages.LOGIN_FAILED.code
    assert "invalid_client" in str(err.value)
    assert "wrong-secret-x" not in str(err.value)
    assert "wrong-secret-x" not in str(err.value.details)


def test_disconnect_revokes_and_leaves_the_keyring_empty(session: Session) -> None:
    session.sign_in_in_browser()
    refresh = session.stored()["visma_refresh_token"]
    before = session.requests(REVOCATIONS)

    session.tokens.disconnect()

    assert session.stored() == {}
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT
    assert session.requests(REVOCATIONS) > before
    # Visma Connect saw it: the refresh token no longer works.
    answer = httpx.post(
        f"{session.settings.visma_connect_url}/connect/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": session.settings.client_id,
        },
    )
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    with pytest.raises(AuthError) as err:
        session.visma.list_customers()
    # A deliberate Disconnect is no token that stopped working: the planner is told
    # plainly that there is no sign-in (the seed's "API token invalid" is for the other).
    assert str(err.value) == "Not signed in to VISMA.net"
    assert session.tokens.state.error is None


def test_disconnect_forgets_the_tokens_even_when_visma_connect_is_down(session: Session) -> None:
    session.sign_in_in_browser()
    session.settings.visma_connect_url = _dead_address()
    session.tokens.disconnect()
    assert session.stored() == {}
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT
