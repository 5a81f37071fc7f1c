"""The Visma Connect token manager: sign in, keep the token fresh, sign out.

One manager per session, shared by every thread. The access token lives only in
memory; a refresh token (when Visma issues one) only in the keyring. When several
threads find the token expired, one refresh goes out and all of them use its
result. Failures are reported in the troubleshooting page's words:

- the refresh token is dead (`invalid_grant`), or there is none and the access
  token expired: "API token invalid. Please reauthenticate" — signed out;
- Visma Connect could not be reached or answered nonsense: "Error refreshing API
  token. Unable to access API" — the refresh token is kept for a later try.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import json
import math
import re
import secrets as pysecrets
import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode

import httpx

from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.errors import AppError, AuthError
from vismadesk.i18n import current_language
from vismadesk.keyring_store import SecretName, Secrets, SecretStoreError
from vismadesk.net.transport import (
    Backoff,
    exchange_excerpt,
    new_http_client,
    read_json,
    retry_after_seconds,
    transport_error,
    unexpected_response,
)
from vismadesk.printable import printable
from vismadesk.redact import register_secret
from vismadesk.visma.loopback import LoopbackReceiver
from vismadesk.visma.timeouts import LOGIN_TIMEOUT_S

# Refresh this long before the access token expires, so no request leaves with a
# token that dies on the way.
REFRESH_MARGIN_S = 60
# When Visma does not say how long a token lives, assume what its clients assume.
DEFAULT_LIFETIME_S = 3600
# What an `expires_in` is believed within: a negative one, or one inside the refresh
# margin, would mean a token request before every API request; 1e12 overflows every
# clock. A token that really dies sooner is renewed at its first 401.
MIN_LIFETIME_S = 2 * REFRESH_MARGIN_S
MAX_LIFETIME_S = 24 * 3600
# Attempts at the token endpoint when it is unreachable or answers 5xx.
TOKEN_ATTEMPTS = 3
_WAIT_STEP_S = 0.2

INTERACTIVE_SCOPES = (
    "openid",
    "email",
    "vismanet_erp_interactive_api:read",
    "vismanet_erp_interactive_api:create",
    "vismanet_erp_interactive_api:update",
    "vismanet_erp_interactive_api:delete",
    "visma.net.erp.salesorder:read",
    "visma.net.erp.salesorder:write",
)
SERVICE_SCOPES = (
    "vismanet_erp_service_api:read",
    "vismanet_erp_service_api:create",
    "vismanet_erp_service_api:update",
    "vismanet_erp_service_api:delete",
    "visma.net.erp.salesorder:read",
    "visma.net.erp.salesorder:write",
)
# Token-endpoint errors that mean: this grant or this client will never work again.
_DEAD_GRANT = {"invalid_grant", "invalid_client", "unauthorized_client"}

SERVICE = "Visma Connect"
# The troubleshooting page's words for a token that stopped working: what the state
# says after such a sign-out (never signed in, or disconnected, says nothing).
_TOKEN_STOPPED = messages.TOKEN_INVALID.text


class AuthStatus(StrEnum):
    SIGNED_OUT = "signed_out"
    SIGNING_IN = "signing_in"
    CONNECTED = "connected"


class AuthMode(StrEnum):
    INTERACTIVE = "interactive"
    SERVICE = "service"


@dataclass(frozen=True, slots=True)
class AuthState:
    status: AuthStatus
    user: str | None = None
    company: str | None = None
    # When the access token in memory expires (UTC); None when there is none.
    expires_at: dt.datetime | None = None
    mode: AuthMode | None = None
    # The last failure, in the catalogue's words (for the header's tooltip).
    error: str | None = None
    # The tenant (company) the token is for, when the token or the settings say.
    tenant: str | None = None


Listener = Callable[[AuthState], None]
OpenBrowser = Callable[[str], bool]


def token_tenant(access: str) -> str | None:
    """The `tenant_id` claim of a Visma Connect access token (a JWT): the company chosen
    at sign-in. None for a token that is not a JWT or has no such claim. Only read, to
    say which company was chosen: the APIs, not this client, judge the signature."""
    parts = access.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    tenant = payload.get("tenant_id") if isinstance(payload, dict) else None
    return tenant if isinstance(tenant, str) and tenant else None


def pkce_pair() -> tuple[str, str]:
    """(verifier, S256 challenge) per RFC 7636."""
    verifier = pysecrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _TokenEndpointError(Exception):
    """Visma Connect answered the token request with an RFC 6749 error."""

    def __init__(self, status: int, error: str, description: str, exchange: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description
        self.exchange = exchange

    @property
    def details(self) -> dict[str, str]:
        return {
            "visma_error": self.error,
            "visma_message": self.description,
            "exchange": self.exchange,
        }


# RFC 6749 §4.1.2.1: an error code is a short word of printable ASCII.
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


def shown_error_code(error: str) -> str:
    """A sign-in callback's `error`, safe to write into the log: a well-formed code as it
    is, anything else quoted with its control characters escaped and cut short."""
    if _ERROR_CODE.fullmatch(error):
        return error
    return f'"{printable(error[:64])}"' + ("…" if len(error) > 64 else "")


def token_lifetime(expires_in: object) -> float:
    """Seconds the token is taken to live: `expires_in`, clamped to what makes sense."""
    if expires_in in (None, "") or not isinstance(expires_in, int | float | str):
        return DEFAULT_LIFETIME_S
    try:
        seconds = float(expires_in)
    except ValueError:
        return DEFAULT_LIFETIME_S
    if isinstance(expires_in, bool) or math.isnan(seconds):
        return DEFAULT_LIFETIME_S
    return min(MAX_LIFETIME_S, max(MIN_LIFETIME_S, seconds))


class TokenManager:
    def __init__(
        self,
        settings: Settings,
        secrets: Secrets,
        *,
        http: httpx.Client | None = None,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._settings = settings
        self._secrets = secrets
        self._http = http or new_http_client(max_connections=4, proxy=settings.proxy)
        self._backoff = backoff or Backoff(base_s=0.5, cap_s=4.0)
        self._clock = clock
        self._lock = threading.Lock()
        # Held for a whole refresh, so only one goes out at a time.
        self._refresh_lock = threading.Lock()
        self._access: str | None = None
        self._expires_at: float | None = None
        self._mode: AuthMode | None = None
        self._listeners: list[Listener] = []
        self._state = AuthState(AuthStatus.SIGNED_OUT)
        if self._stored_refresh_token() is not None:
            # Signed in earlier: the first request refreshes and learns who we are.
            self._mode = AuthMode.INTERACTIVE
            self._state = AuthState(AuthStatus.CONNECTED, mode=AuthMode.INTERACTIVE)

    # --- state ---------------------------------------------------------------------

    @property
    def state(self) -> AuthState:
        with self._lock:
            return self._state

    def add_listener(self, cb: Listener) -> None:
        with self._lock:
            self._listeners.append(cb)

    def _set_state(self, state: AuthState) -> None:
        with self._lock:
            changed = state != self._state
            self._state = state
            listeners = list(self._listeners)
        if changed:
            for cb in listeners:
                cb(state)

    def is_signed_in(self) -> bool:
        """True when a request could be made without the user signing in again."""
        with self._lock:
            if self._access is not None or self._mode is AuthMode.SERVICE:
                return True
        return self._stored_refresh_token() is not None

    def _fresh(self) -> str | None:
        """The access token if it is not about to expire (caller holds `_lock`)."""
        if self._access is None or self._expires_at is None:
            return None
        if self._expires_at - REFRESH_MARGIN_S <= self._clock():
            return None
        return self._access

    # --- the token every request uses -------------------------------------------------

    def access_token(self) -> str:
        with self._lock:
            token = self._fresh()
        if token is not None:
            return token
        with self._refresh_lock:
            # Another thread may have refreshed while this one waited for the lock.
            with self._lock:
                token = self._fresh()
            if token is not None:
                return token
            return self._renew()

    def invalidate(self, token: str) -> None:
        """The API refused `token` (401): the next `access_token()` gets a new one."""
        with self._lock:
            if self._access == token:
                self._expires_at = self._clock() - 1

    def rejected(self, token: str) -> None:
        """The API refused a freshly renewed `token`: it is no good for this company.

        Signed out, so the planner signs in again (and can choose the right company).
        """
        with self._lock:
            current = self._access == token
        if current:
            self._forget_refresh_token()
            self._signed_out(_TOKEN_STOPPED)

    def _renew(self) -> str:
        """Get a new access token (caller holds `_refresh_lock`)."""
        with self._lock:
            mode = self._mode
        if mode is AuthMode.SERVICE:
            return self._client_credentials(failure=messages.TOKEN_REFRESH_FAILED.code)[0]
        refresh = self._stored_refresh_token()
        if refresh is None:
            with self._lock:
                had_token = self._access is not None
            if not had_token:
                if self.state.error:
                    # Signed out a moment ago because the token stopped working (another
                    # thread of this run saw it first): the same words for every thread.
                    raise AuthError(messages.TOKEN_INVALID.code)
                # Never signed in, or disconnected: nothing stopped working.
                raise AuthError(messages.NOT_SIGNED_IN.code)
            # Visma may give native apps no refresh token: when the access token runs
            # out, the planner signs in again.
            self._signed_out(_TOKEN_STOPPED)
            raise AuthError(
                messages.TOKEN_INVALID.code,
                {"reason": "the access token expired and there is no refresh token"},
            )
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh,
            "client_id": self._settings.client_id,
        }
        try:
            body = self._token_request(form)
        except _TokenEndpointError as e:
            if e.error in _DEAD_GRANT:
                self._forget_refresh_token()
                self._signed_out(_TOKEN_STOPPED)
                raise AuthError(messages.TOKEN_INVALID.code, e.details) from None
            raise self._refresh_failed(e.details) from None
        except AppError as e:
            raise self._refresh_failed({"cause": e.message, **e.details}) from None
        return self._adopt(body, mode=AuthMode.INTERACTIVE)[0]

    def _refresh_failed(self, details: dict[str, Any]) -> AuthError:
        err = AuthError(messages.TOKEN_REFRESH_FAILED.code, details)
        self._set_state(replace(self.state, error=err.message))
        return err

    # --- signing in ------------------------------------------------------------------

    def authorize_url(self, redirect_uri: str, state: str, challenge: str) -> str:
        scopes = list(INTERACTIVE_SCOPES)
        if self._settings.offline_access:
            scopes.insert(1, "offline_access")
        query = urlencode(
            {
                "client_id": self._settings.client_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": " ".join(scopes),
                "state": state,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                # OpenID Connect: the sign-in page in the program's language.
                "ui_locales": current_language(),
            }
        )
        return f"{self._connect_url('/connect/authorize')}?{query}"

    def login_interactive(
        self,
        open_browser: OpenBrowser | None = None,
        *,
        timeout_s: float = LOGIN_TIMEOUT_S,
        cancel: threading.Event | None = None,
    ) -> AuthState:
        """Sign in through the browser (authorization code + PKCE). Blocking."""
        if not self._settings.client_id:
            raise AuthError(
                messages.LOGIN_FAILED.code,
                reason="no client ID is set (Advanced settings)",
            )
        before = self.state
        self._set_state(AuthState(AuthStatus.SIGNING_IN, mode=AuthMode.INTERACTIVE))
        try:
            return self._login_interactive(open_browser or _system_browser, timeout_s, cancel)
        except BaseException:
            self._set_state(before)
            raise

    def _login_interactive(
        self, open_browser: OpenBrowser, timeout_s: float, cancel: threading.Event | None
    ) -> AuthState:
        verifier, challenge = pkce_pair()
        state = pysecrets.token_urlsafe(24)
        receiver = LoopbackReceiver(state).start()
        try:
            url = self.authorize_url(receiver.redirect_uri, state, challenge)
            try:
                opened = open_browser(url)
            except Exception as e:
                opened = False
                why = f"{type(e).__name__}"
            else:
                why = "no browser is available"
            if not opened:
                raise AuthError(
                    messages.LOGIN_FAILED.code,
                    {"authorize_url": url},
                    reason=f"the browser could not be opened ({why})",
                )
            deadline = time.monotonic() + timeout_s
            while not receiver.wait(min(_WAIT_STEP_S, max(0.0, deadline - time.monotonic()))):
                if cancel is not None and cancel.is_set():
                    raise AuthError(messages.LOGIN_FAILED.code, reason="sign-in was cancelled")
                if time.monotonic() >= deadline:
                    raise AuthError(
                        messages.LOGIN_FAILED.code,
                        {"authorize_url": url},
                        reason=f"no answer from the browser within {_duration(timeout_s)}",
                    )
            redirect = receiver.result
        finally:
            receiver.close()
        assert redirect is not None
        if redirect.error is not None:
            # Whatever opened the callback address chose these: shown as data only.
            error = shown_error_code(redirect.error)
            reason = (
                "access was denied on the sign-in page"
                if redirect.error == "access_denied"
                else f"VISMA.net answered {error}"
            )
            described = printable((redirect.error_description or "")[:500])
            raise AuthError(
                messages.LOGIN_FAILED.code,
                {"visma_error": error, "visma_message": described},
                reason=reason,
            )
        if not redirect.code:
            raise AuthError(messages.LOGIN_FAILED.code, reason="the answer carried no code")
        register_secret(redirect.code)
        form = {
            "grant_type": "authorization_code",
            "code": redirect.code,
            "redirect_uri": receiver.redirect_uri,
            "code_verifier": verifier,
            "client_id": self._settings.client_id,
        }
        try:
            body = self._token_request(form, attempts=1)
        except _TokenEndpointError as e:
            raise AuthError(
                messages.LOGIN_FAILED.code,
                e.details,
                reason=f"VISMA.net refused the sign-in ({e.error})",
            ) from None
        except AppError as e:
            raise AuthError(
                messages.LOGIN_FAILED.code, {"cause": e.message, **e.details}, reason=e.message
            ) from None
        self._check_tenant(body)
        with self._refresh_lock:
            return self._adopt(body, mode=AuthMode.INTERACTIVE, signing_in=True)[1]

    def _check_tenant(self, body: dict[str, Any]) -> None:
        """Another company than the configured one was chosen: keep nothing, say which."""
        chosen = token_tenant(body["access_token"])
        needed = self._settings.tenant_id
        if not chosen or not needed or chosen.lower() == needed.lower():
            return
        for key, hint in (("refresh_token", "refresh_token"), ("access_token", "access_token")):
            token = body.get(key)
            if isinstance(token, str) and token:
                register_secret(token)
                self._revoke(token, hint)
        raise AuthError(
            messages.WRONG_COMPANY.code,
            {"chosen_tenant": chosen, "needed_tenant": needed},
            chosen=chosen,
            needed=needed,
        )

    def login_service(self) -> AuthState:
        """Sign in without a person (client credentials), for scheduled runs."""
        with self._refresh_lock:
            return self._client_credentials(failure=messages.LOGIN_FAILED.code)[1]

    def _client_credentials(self, *, failure: str) -> tuple[str, AuthState]:
        s = self._settings
        try:
            secret = self._secrets.get(SecretName.VISMA_CLIENT_SECRET)
        except SecretStoreError as e:
            raise AuthError(messages.KEYRING_UNAVAILABLE.code, {"reason": str(e)}) from None
        missing = [
            name
            for name, value in (
                ("client ID", s.client_id),
                ("client secret", secret),
                ("tenant ID", s.tenant_id),
            )
            if not value
        ]
        if missing:
            raise AuthError(
                messages.LOGIN_FAILED.code,
                reason=f"service sign-in needs the {', '.join(missing)}",
            )
        assert secret is not None
        form = {
            "grant_type": "client_credentials",
            "client_id": s.client_id,
            "client_secret": secret,
            "tenant_id": s.tenant_id,
            "scope": " ".join(SERVICE_SCOPES),
        }
        # LOGIN_FAILED names a reason; the refresh messages are the troubleshooting
        # page's fixed words.
        signing_in = failure == messages.LOGIN_FAILED.code
        try:
            body = self._token_request(form)
        except _TokenEndpointError as e:
            if not signing_in and e.error in _DEAD_GRANT:
                self._signed_out(_TOKEN_STOPPED)
                raise AuthError(messages.TOKEN_INVALID.code, e.details) from None
            why = f"VISMA.net refused the client credentials ({e.error})"
            raise AuthError(failure, e.details, **({"reason": why} if signing_in else {})) from None
        except AppError as e:
            reason = {"reason": e.message} if signing_in else {}
            raise AuthError(failure, {"cause": e.message, **e.details}, **reason) from None
        return self._adopt(body, mode=AuthMode.SERVICE)

    # --- signing out -----------------------------------------------------------------

    def disconnect(self) -> None:
        """Revoke at Visma Connect when possible; forget the tokens whatever it answered."""
        with self._refresh_lock:
            with self._lock:
                access = self._access
            refresh = self._stored_refresh_token()
            for token, hint in ((refresh, "refresh_token"), (access, "access_token")):
                if token:
                    self._revoke(token, hint)
            self._forget_refresh_token()
            # No usable keyring means nothing can have been stored in it.
            with contextlib.suppress(SecretStoreError):
                self._secrets.delete(SecretName.VISMA_CLIENT_SECRET)
            self._signed_out()

    def _revoke(self, token: str, hint: str) -> None:
        form = {"token": token, "token_type_hint": hint, "client_id": self._settings.client_id}
        # Revocation is a courtesy to the server; the local sign-out happens anyway.
        with contextlib.suppress(httpx.HTTPError):
            self._http.post(
                self._connect_url("/connect/revocation"), data=form, timeout=10.0
            ).close()

    def _signed_out(self, error: str | None = None) -> None:
        """`error`: why, when a token stopped working (not for a Disconnect)."""
        with self._lock:
            self._access = None
            self._expires_at = None
            self._mode = None
        self._set_state(AuthState(AuthStatus.SIGNED_OUT, error=error))

    def close(self) -> None:
        self._http.close()

    # --- the token endpoint ------------------------------------------------------------

    def _connect_url(self, path: str) -> str:
        return self._settings.visma_connect_url.rstrip("/") + path

    def _token_request(self, form: dict[str, str], *, attempts: int = TOKEN_ATTEMPTS) -> Any:
        """POST /connect/token; retried only when nothing usable came back."""
        url = self._connect_url("/connect/token")
        last: AppError | None = None
        wait_at_least = 0.0
        for attempt in range(attempts):
            if attempt:
                self._backoff.wait(attempt - 1, at_least=wait_at_least)
            try:
                response = self._http.post(url, data=form)
            except httpx.HTTPError as e:
                last = transport_error(SERVICE, e)
                continue
            if response.status_code >= 500 or response.status_code == 429:
                last = _unexpected(response, f"HTTP {response.status_code}")
                # A 429 says how long to wait; that replaces the backoff, not adds to it.
                wait_at_least = (
                    retry_after_seconds(response, 1.0) if response.status_code == 429 else 0.0
                )
                continue
            body = read_json(SERVICE, response)
            if response.status_code != 200:
                if isinstance(body, dict) and isinstance(body.get("error"), str):
                    raise _TokenEndpointError(
                        response.status_code,
                        body["error"],
                        str(body.get("error_description") or ""),
                        exchange_excerpt(response.request, response),
                    )
                raise _unexpected(response, "an error without an RFC 6749 body")
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                raise _unexpected(response, "no access_token in the answer")
            return body
        assert last is not None
        raise last

    def _adopt(
        self, body: dict[str, Any], *, mode: AuthMode, signing_in: bool = False
    ) -> tuple[str, AuthState]:
        """Take a token response: access token in memory, refresh token in the keyring."""
        access = body["access_token"]
        register_secret(access)
        lifetime = token_lifetime(body.get("expires_in"))
        refresh = body.get("refresh_token")
        if isinstance(refresh, str) and refresh:
            register_secret(refresh)
            try:
                # One set: the rotated token replaces the old one in a single write.
                self._secrets.set(SecretName.VISMA_REFRESH_TOKEN, refresh)
            except SecretStoreError as e:
                raise AuthError(messages.KEYRING_UNAVAILABLE.code, {"reason": str(e)}) from None
        elif signing_in and "refresh_token" not in body:
            # This sign-in gave none: an old one must not outlive it. (A refresh that
            # gives none leaves the stored one valid, RFC 6749 §6: it is kept.)
            self._forget_refresh_token()
        expires = self._clock() + lifetime
        with self._lock:
            self._access = access
            self._expires_at = expires
            self._mode = mode
            previous = self._state
        user, company = self._identity(access, mode, previous)
        tenant = self._settings.tenant_id if mode is AuthMode.SERVICE else token_tenant(access)
        state = AuthState(
            AuthStatus.CONNECTED,
            user=user,
            company=company or tenant,
            expires_at=dt.datetime.fromtimestamp(expires, dt.UTC),
            mode=mode,
            tenant=tenant or None,
        )
        self._set_state(state)
        return access, state

    def _identity(
        self, access: str, mode: AuthMode, previous: AuthState
    ) -> tuple[str | None, str | None]:
        if mode is AuthMode.SERVICE:
            return f"service account {self._settings.client_id}", self._settings.tenant_id or None
        if previous.user and previous.mode is mode:
            return previous.user, previous.company
        try:
            response = self._http.get(
                self._connect_url("/connect/userinfo"),
                headers={"Authorization": f"Bearer {access}"},
                timeout=10.0,
            )
            info = response.json() if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            info = {}
        if not isinstance(info, dict):
            info = {}
        user = info.get("email") or info.get("preferred_username") or info.get("name")
        company = info.get("company_name") or info.get("tenant_name") or info.get("tenant_id")
        return (str(user) if user else None), (str(company) if company else None)

    # --- the keyring -------------------------------------------------------------------

    def _stored_refresh_token(self) -> str | None:
        try:
            return self._secrets.get(SecretName.VISMA_REFRESH_TOKEN)
        except SecretStoreError:
            return None

    def _forget_refresh_token(self) -> None:
        with contextlib.suppress(SecretStoreError):
            self._secrets.delete(SecretName.VISMA_REFRESH_TOKEN)


def _unexpected(response: httpx.Response, why: str) -> AppError:
    return unexpected_response(SERVICE, response, why)


def _duration(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    return f"{seconds:g} seconds"


def _system_browser(url: str) -> bool:
    try:
        return webbrowser.open(url)
    except webbrowser.Error:
        return False
