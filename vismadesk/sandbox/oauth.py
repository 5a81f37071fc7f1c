"""Visma Connect's rules, without HTTP: codes, tokens, rotation, revocation.

The HTTP layer (`connect.py`) turns requests into calls here and `OAuthError`s into
RFC 6749 error bodies; the ERP and SalesOrders services ask `authorize_bearer` whether
a request may pass. Refresh tokens and codes are opaque random strings. Access
tokens are JWTs, as Visma Connect's are: their claims carry `client_id`, `scope`,
`sub` (interactive only) and `tenant_id`, the company chosen at sign-in, which a
client may read to see which company it got. The signature is the sandbox's own
(HS256 with a key made per sandbox); the APIs look the token up, they do not decode it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
ERP_INTERACTIVE = tuple(
    f"vismanet_erp_interactive_api:{op}" for op in ("read", "create", "update", "delete")
)
ERP_SERVICE = tuple(
    f"vismanet_erp_service_api:{op}" for op in ("read", "create", "update", "delete")
)
SALESORDER = ("visma.net.erp.salesorder:read", "visma.net.erp.salesorder:write")
INTERACTIVE_SCOPES = frozenset(
    ("openid", "profile", "email", "offline_access", *ERP_INTERACTIVE, *SALESORDER)
)
SERVICE_SCOPES = frozenset((*ERP_SERVICE, *SALESORDER))
CODE_LIFETIME_S = 60
SIGN_IN_LIFETIME_S = 15 * 60


class OAuthError(Exception):
    """An RFC 6749 error: `error` code, description, and the HTTP status to answer with."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class BearerError(Exception):
    """Why an API request's bearer token is not good enough (401 or 403)."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def www_authenticate(self) -> str:
        return f'Bearer error="{self.error}", error_description="{self.description}"'


@dataclass(slots=True)
class Credentials:
    client_id: str
    client_secret: str
    tenant_id: str
    # A second tenant the demo user can pick on the sign-in page: the customer tenant
    # that Visma documents as a cause of 401s from the ERP API.
    customer_tenant_id: str
    user: str
    password: str
    outsmart_token: str
    outsmart_software_token: str

    @classmethod
    def for_seed(cls, seed: int) -> Credentials:
        def hexpart(label: str, n: int) -> str:
            return hashlib.sha256(f"vismadesk-sandbox:{seed}:{label}".encode()).hexdigest()[:n]

        def guid(label: str) -> str:
            h = hexpart(label, 32)
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

        return cls(
            client_id="isv_vismadesk_sandbox",
            client_secret=f"sandbox-{hexpart('secret', 24)}",
            tenant_id=guid("tenant"),
            customer_tenant_id=guid("customer-tenant"),
            user="planner@demo.vismadesk.test",
            password="demo",
            outsmart_token=hexpart("outsmart-token", 33),
            outsmart_software_token=hexpart("outsmart-software-token", 41),
        )

    def public(self) -> dict[str, str]:
        """The credentials a client is configured with (the control surface's answer)."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "tenant_id": self.tenant_id,
            "user": self.user,
            "password": self.password,
            "outsmart_token": self.outsmart_token,
            "outsmart_software_token": self.outsmart_software_token,
        }


@dataclass(slots=True)
class SignIn:
    """An authorize request waiting for the user to approve or deny it."""

    id: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    state: str | None
    challenge: str
    expires_at: float


@dataclass(slots=True)
class AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    tenant_id: str
    user: str
    challenge: str
    expires_at: float
    used: bool = False
    # Tokens issued for this code: revoked if the code is replayed (RFC 6749 §4.1.2).
    family: str = ""


@dataclass(slots=True)
class AccessToken:
    token: str
    client_id: str
    scopes: tuple[str, ...]
    tenant_id: str
    user: str | None
    expires_at: float
    family: str


@dataclass(slots=True)
class RefreshToken:
    token: str
    client_id: str
    scopes: tuple[str, ...]
    tenant_id: str
    user: str
    family: str
    used: bool = False


@dataclass
class OAuth:
    creds: Credentials
    token_lifetime_s: int = 3600
    issue_refresh_tokens: bool = True
    clock: Callable[[], float] = time.time
    lock: threading.RLock = field(default_factory=threading.RLock)
    sign_ins: dict[str, SignIn] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)
    revoked_families: set[str] = field(default_factory=set)
    signing_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def _jwt(self, claims: dict[str, object]) -> str:
        def part(data: object) -> str:
            raw = json.dumps(data, separators=(",", ":")).encode()
            return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

        head = part({"alg": "HS256", "typ": "at+jwt", "kid": "sandbox"}) + "." + part(claims)
        sig = hmac.new(self.signing_key, head.encode("ascii"), hashlib.sha256).digest()
        return head + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode("ascii")

    # --- /connect/authorize ----------------------------------------------------------

    def check_client_and_redirect(self, client_id: str | None, redirect_uri: str | None) -> None:
        """Errors here are shown to the user, never redirected (RFC 6749 §4.1.2.1)."""
        if not client_id:
            raise OAuthError("invalid_request", "client_id is missing")
        if client_id != self.creds.client_id:
            raise OAuthError("invalid_client", f"Unknown client_id '{client_id}'")
        if not redirect_uri:
            raise OAuthError("invalid_request", "redirect_uri is missing")
        parts = urlsplit(redirect_uri)
        # RFC 8252 §7.3: a native app's loopback redirect may use any port.
        if parts.scheme != "http" or (parts.hostname or "") not in LOOPBACK_HOSTS:
            raise OAuthError(
                "invalid_request",
                f"redirect_uri '{redirect_uri}' is not registered for this client "
                "(only http://127.0.0.1 or http://localhost on any port)",
            )

    def begin(self, params: dict[str, str]) -> SignIn:
        """Validate the rest of an authorize request; errors go back to the redirect URI."""
        if params.get("response_type") != "code":
            raise OAuthError(
                "unsupported_response_type",
                f"response_type '{params.get('response_type', '')}' is not supported; use 'code'",
            )
        challenge = params.get("code_challenge", "")
        if not challenge:
            raise OAuthError("invalid_request", "code_challenge is required (PKCE)")
        if params.get("code_challenge_method") != "S256":
            raise OAuthError("invalid_request", "code_challenge_method must be S256")
        scopes = tuple(params.get("scope", "").split())
        if not scopes:
            raise OAuthError("invalid_scope", "scope is missing")
        unknown = [s for s in scopes if s not in INTERACTIVE_SCOPES]
        if unknown:
            raise OAuthError("invalid_scope", f"Unknown or not allowed scope: {' '.join(unknown)}")
        with self.lock:
            sign_in = SignIn(
                id=secrets.token_urlsafe(18),
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                scopes=scopes,
                state=params.get("state"),
                challenge=challenge,
                expires_at=self.clock() + SIGN_IN_LIFETIME_S,
            )
            self.sign_ins[sign_in.id] = sign_in
        return sign_in

    def sign_in(self, sign_in_id: str) -> SignIn | None:
        with self.lock:
            found = self.sign_ins.get(sign_in_id)
            if found and found.expires_at < self.clock():
                del self.sign_ins[sign_in_id]
                return None
            return found

    def finish(self, sign_in_id: str) -> SignIn | None:
        with self.lock:
            return self.sign_ins.pop(sign_in_id, None)

    def issue_code(self, sign_in: SignIn, user: str, tenant_id: str) -> str:
        with self.lock:
            code = AuthCode(
                code=secrets.token_urlsafe(32),
                client_id=sign_in.client_id,
                redirect_uri=sign_in.redirect_uri,
                scopes=sign_in.scopes,
                tenant_id=tenant_id,
                user=user,
                challenge=sign_in.challenge,
                expires_at=self.clock() + CODE_LIFETIME_S,
                family=secrets.token_hex(8),
            )
            self.codes[code.code] = code
            return code.code

    # --- /connect/token --------------------------------------------------------------

    def authenticate_client(
        self,
        client_id: str | None,
        client_secret: str | None,
        *,
        secret_required: bool,
        basic: bool,
    ) -> None:
        status = 401 if basic else 400
        if not client_id:
            raise OAuthError("invalid_client", "client_id is missing", status)
        if client_id != self.creds.client_id:
            raise OAuthError("invalid_client", "Unknown client", status)
        if secret_required and not client_secret:
            raise OAuthError("invalid_client", "client_secret is missing", status)
        if client_secret is not None and client_secret != self.creds.client_secret:
            raise OAuthError("invalid_client", "Invalid client secret", status)

    def exchange_code(
        self, code: str | None, redirect_uri: str | None, verifier: str | None, client_id: str
    ) -> dict[str, object]:
        if not code:
            raise OAuthError("invalid_request", "code is missing")
        if not verifier:
            raise OAuthError("invalid_request", "code_verifier is missing")
        with self.lock:
            found = self.codes.get(code)
            if found is None:
                raise OAuthError("invalid_grant", "Invalid authorization code")
            if found.used:
                # A replayed code: kill everything it gave out.
                self._revoke_family(found.family)
                raise OAuthError("invalid_grant", "Authorization code has already been used")
            found.used = True
            if found.expires_at < self.clock():
                raise OAuthError("invalid_grant", "Authorization code has expired")
            if found.client_id != client_id:
                raise OAuthError("invalid_grant", "Authorization code was issued to another client")
            if redirect_uri != found.redirect_uri:
                raise OAuthError(
                    "invalid_grant", "redirect_uri does not match the authorize request"
                )
            if _s256(verifier) != found.challenge:
                raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
            refresh = "offline_access" in found.scopes and self.issue_refresh_tokens
            return self._issue(
                found.client_id, found.scopes, found.tenant_id, found.user, found.family, refresh
            )

    def use_refresh_token(
        self, token: str | None, client_id: str, scope: str | None
    ) -> dict[str, object]:
        if not token:
            raise OAuthError("invalid_request", "refresh_token is missing")
        with self.lock:
            found = self.refresh.get(token)
            if found is None or found.family in self.revoked_families:
                raise OAuthError("invalid_grant", "Invalid refresh token")
            if found.used:
                # Reuse of a rotated token: someone else may hold it. End the whole chain.
                self._revoke_family(found.family)
                raise OAuthError("invalid_grant", "Refresh token has already been used")
            if found.client_id != client_id:
                raise OAuthError("invalid_grant", "Refresh token was issued to another client")
            scopes = found.scopes
            if scope:
                asked = tuple(scope.split())
                if any(s not in found.scopes for s in asked):
                    raise OAuthError("invalid_scope", "Requested scope exceeds the granted scope")
                scopes = asked
            found.used = True
            return self._issue(
                found.client_id,
                scopes,
                found.tenant_id,
                found.user,
                found.family,
                self.issue_refresh_tokens,
            )

    def client_credentials(self, tenant_id: str | None, scope: str | None) -> dict[str, object]:
        if not tenant_id:
            raise OAuthError("invalid_request", "tenant_id is required for client_credentials")
        if tenant_id != self.creds.tenant_id:
            raise OAuthError("invalid_request", f"Unknown tenant_id '{tenant_id}' for this client")
        scopes = tuple(scope.split()) if scope else tuple(sorted(SERVICE_SCOPES))
        unknown = [s for s in scopes if s not in SERVICE_SCOPES]
        if unknown:
            raise OAuthError("invalid_scope", f"Unknown or not allowed scope: {' '.join(unknown)}")
        with self.lock:
            return self._issue(
                self.creds.client_id, scopes, tenant_id, None, secrets.token_hex(8), False
            )

    def _issue(
        self,
        client_id: str,
        scopes: tuple[str, ...],
        tenant_id: str,
        user: str | None,
        family: str,
        with_refresh: bool,
    ) -> dict[str, object]:
        now = int(self.clock())
        claims: dict[str, object] = {
            "iss": "https://connect.visma.com",
            "nbf": now,
            "exp": now + self.token_lifetime_s,
            "client_id": client_id,
            "scope": list(scopes),
            "tenant_id": tenant_id,
            "jti": secrets.token_hex(16),
        }
        if user is not None:
            claims["sub"] = hashlib.sha256(user.encode()).hexdigest()[:32]
        access = AccessToken(
            token=self._jwt(claims),
            client_id=client_id,
            scopes=scopes,
            tenant_id=tenant_id,
            user=user,
            expires_at=self.clock() + self.token_lifetime_s,
            family=family,
        )
        self.access[access.token] = access
        body: dict[str, object] = {
            "access_token": access.token,
            "token_type": "Bearer",
            "expires_in": self.token_lifetime_s,
            "scope": " ".join(scopes),
        }
        if with_refresh and user is not None:
            rt = RefreshToken(secrets.token_urlsafe(32), client_id, scopes, tenant_id, user, family)
            self.refresh[rt.token] = rt
            body["refresh_token"] = rt.token
        return body

    def _revoke_family(self, family: str) -> None:
        self.revoked_families.add(family)
        for token in [t for t, a in self.access.items() if a.family == family]:
            del self.access[token]
        for token in [t for t, r in self.refresh.items() if r.family == family]:
            del self.refresh[token]

    # --- /connect/revocation (RFC 7009) ------------------------------------------------

    def revoke(self, token: str) -> None:
        with self.lock:
            if token in self.refresh:
                self._revoke_family(self.refresh[token].family)
            self.access.pop(token, None)

    # --- the APIs ask ----------------------------------------------------------------

    def authorize_bearer(
        self, header: str | None, api: str, operation: str | None = None
    ) -> AccessToken:
        """`api` is "erp" or "salesorders"; raises BearerError when the request may not pass.

        `operation` is the scope suffix the call needs, as the real APIs check it: ERP
        `read|create|update|delete` (interactive or service scope), SalesOrders
        `read|write`. Without it any scope of the API will do."""
        if not header or not header.lower().startswith("bearer "):
            raise BearerError(401, "invalid_request", "Authorization: Bearer token is missing")
        token = header[7:].strip()
        with self.lock:
            found = self.access.get(token)
            if found is None:
                raise BearerError(401, "invalid_token", "The access token is invalid or revoked")
            if found.expires_at <= self.clock():
                raise BearerError(401, "invalid_token", "The access token expired")
            if found.tenant_id != self.creds.tenant_id:
                raise BearerError(
                    401, "invalid_token", "The token's tenant has no access to this company"
                )
            prefix = "vismanet_erp_" if api == "erp" else "visma.net.erp.salesorder"
            if not any(s.startswith(prefix) for s in found.scopes):
                raise BearerError(403, "insufficient_scope", f"The token lacks a {prefix}* scope")
            if operation is not None:
                needed = (
                    (
                        f"vismanet_erp_interactive_api:{operation}",
                        f"vismanet_erp_service_api:{operation}",
                    )
                    if api == "erp"
                    else (f"visma.net.erp.salesorder:{operation}",)
                )
                if not any(s in found.scopes for s in needed):
                    raise BearerError(
                        403, "insufficient_scope", f"The token lacks the {needed[0]} scope"
                    )
            return found

    def userinfo(self, header: str | None) -> dict[str, str]:
        if not header or not header.lower().startswith("bearer "):
            raise BearerError(401, "invalid_request", "Authorization: Bearer token is missing")
        with self.lock:
            found = self.access.get(header[7:].strip())
            if found is None or found.expires_at <= self.clock() or found.user is None:
                raise BearerError(401, "invalid_token", "The access token is invalid or expired")
            return {
                "sub": hashlib.sha256(found.user.encode()).hexdigest()[:32],
                "name": "Demo Planner",
                "email": found.user,
                "preferred_username": found.user,
            }

    # --- control -------------------------------------------------------------------

    def expire_all(self) -> int:
        """Every access token and every unused authorization code expires now."""
        with self.lock:
            past = self.clock() - 1
            for a in self.access.values():
                a.expires_at = past
            for c in self.codes.values():
                c.expires_at = past
            return len(self.access)

    def revoke_refresh_tokens(self) -> int:
        with self.lock:
            count = len(self.refresh)
            self.revoked_families.update(r.family for r in self.refresh.values())
            self.refresh.clear()
            return count


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
