"""Signing in to another company than the configured one is said at sign-in, naming
both (issue #15); the access token's `tenant_id` claim says which was chosen."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable

import pytest

from tests.helpers.visma_session import REVOCATIONS, Session
from vismadesk.errors import AuthError
from vismadesk.sandbox.browser import play_browser
from vismadesk.visma.auth import AuthStatus, token_tenant


def choosing(tenant: str) -> Callable[[str], bool]:
    """The planner's browser, picking `tenant` on the sign-in page."""

    def open_browser(url: str) -> bool:
        threading.Thread(
            target=play_browser, args=(url,), kwargs={"tenant": tenant}, daemon=True
        ).start()
        return True

    return open_browser


def _jwt(claims: dict[str, object]) -> str:
    def part(data: object) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2lnbmF0dXJl"


def test_the_tenant_claim_is_read_from_a_jwt_and_nothing_else() -> None:
    assert token_tenant(_jwt({"tenant_id": "9ea83b40-1ce9", "sub": "x"})) == "9ea83b40-1ce9"
    assert token_tenant(_jwt({"sub": "x"})) is None
    assert token_tenant("opaque-token-value") is None
    assert token_tenant("a.%%%.c") is None


def test_the_right_company_connects_and_shows_its_tenant(session: Session) -> None:
    tenant = session.sandbox.credentials["tenant_id"]
    state = session.tokens.login_interactive(choosing(tenant), timeout_s=30)
    assert state.status is AuthStatus.CONNECTED
    assert state.tenant == tenant and state.company == tenant


def test_another_company_is_refused_at_sign_in_naming_both(session: Session) -> None:
    wrong = session.sandbox._creds.customer_tenant_id
    needed = session.settings.tenant_id
    revoked = session.requests(REVOCATIONS)
    with pytest.raises(AuthError) as err:
        session.tokens.login_interactive(choosing(wrong), timeout_s=30)
    assert str(err.value) == (f"Signed in to company {wrong}, but vismadesk is set up for {needed}")
    assert err.value.details["chosen_tenant"] == wrong
    # Nothing of the wrong company is kept, and its tokens are revoked.
    assert session.tokens.state.status is AuthStatus.SIGNED_OUT
    assert session.stored() == {}
    assert session.requests(REVOCATIONS) == revoked + 2


def test_without_a_configured_tenant_any_company_signs_in(session: Session) -> None:
    session.settings.tenant_id = ""
    wrong = session.sandbox._creds.customer_tenant_id
    state = session.tokens.login_interactive(choosing(wrong), timeout_s=30)
    assert state.status is AuthStatus.CONNECTED and state.tenant == wrong
