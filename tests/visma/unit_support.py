"""Shared pieces of the respx unit tests for the Visma clients: no sandbox, no network.

Visma Connect, the ERP API and SalesOrders v3 are played by respx routes. Every
token is a fresh random value, so when a test finds a token masked, the masking was
done by what happened in that test and not by an earlier test's registration.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import respx

from vismadesk.config import Settings
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.net.transport import Backoff
from vismadesk.visma.auth import TokenManager
from vismadesk.visma.client import VismaClient

CONNECT = "https://connect.visma.test"
ERP = "https://erp.visma.test"
SALESORDERS = "https://salesorder.visma.test"
TOKEN_URL = f"{CONNECT}/connect/token"
USERINFO_URL = f"{CONNECT}/connect/userinfo"
REVOCATION_URL = f"{CONNECT}/connect/revocation"
CLIENT_ID = "vismadesk-unit-client"
TENANT_ID = "5f0c2a8e-7b1d-4c3e-9a64-2d8f1e0b7c55"
USERINFO = {"email": "planner@devries-installatie.nl", "company_name": "De Vries Installatie"}


def unique(prefix: str) -> str:
    """A token-like value no other test has seen (and so no other test registered)."""
    return f"{prefix}-{uuid.uuid4().hex}{uuid.uuid4().hex[:12]}"


class Waits(list[float]):
    """A backoff's sleeps, recorded instead of slept."""


def recording_backoff(waits: Waits) -> Backoff:
    return Backoff(sleep=waits.append)


class FakeClock:
    """Wall-clock seconds that only move when the test says so."""

    def __init__(self, start: float = 1_780_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_settings(**overrides: Any) -> Settings:
    s = Settings()
    values = {
        "visma_connect_url": CONNECT,
        "erp_url": ERP,
        "salesorders_url": SALESORDERS,
        "client_id": CLIENT_ID,
        "tenant_id": TENANT_ID,
        **overrides,
    }
    for key, value in values.items():
        s.set(key, value)
    return s


def form_of(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode("utf-8"), keep_blank_values=True))


@dataclass
class TokenEndpoint:
    """Visma Connect's /connect/token as a respx side effect: a new token per call.

    `rotate` issues a new refresh token with every answer, as Visma Connect does.
    """

    rotate: bool = True
    expires_in: int = 3600
    forms: list[dict[str, str]] = field(default_factory=list)
    access_tokens: list[str] = field(default_factory=list)
    refresh_tokens: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.forms.append(form_of(request))
            access = unique("at")
            self.access_tokens.append(access)
            body: dict[str, Any] = {
                "access_token": access,
                "token_type": "Bearer",
                "expires_in": self.expires_in,
            }
            if self.rotate:
                refresh = unique("rt")
                self.refresh_tokens.append(refresh)
                body["refresh_token"] = refresh
        return httpx.Response(200, json=body)

    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.forms)

    @property
    def access(self) -> str:
        return self.access_tokens[-1]


@dataclass
class Rig:
    """A signed-in planner's token manager and Visma client, with respx playing Visma."""

    router: respx.MockRouter
    endpoint: TokenEndpoint
    settings: Settings
    secrets: Secrets
    tokens: TokenManager
    client: VismaClient
    # The client's backoff and rate pauses; the token manager's are in `token_waits`.
    waits: Waits
    token_waits: Waits
    refresh_token: str

    def bearer(self, request: httpx.Request) -> str:
        return request.headers["authorization"].removeprefix("Bearer ")


@contextmanager
def visma_rig() -> Iterator[Rig]:
    """Signed in earlier (a refresh token in the keyring): the first request refreshes."""
    with respx.mock(base_url=ERP, assert_all_called=False) as router:
        endpoint = TokenEndpoint()
        router.post(TOKEN_URL, name="token").mock(side_effect=endpoint)
        router.get(USERINFO_URL, name="userinfo").mock(
            return_value=httpx.Response(200, json=USERINFO)
        )
        settings = make_settings()
        secrets = Secrets(env={})
        refresh = unique("rt-stored")
        secrets.set(SecretName.VISMA_REFRESH_TOKEN, refresh)
        waits, token_waits = Waits(), Waits()
        tokens = TokenManager(settings, secrets, backoff=recording_backoff(token_waits))
        client = VismaClient(settings, tokens, backoff=recording_backoff(waits))
        try:
            yield Rig(
                router, endpoint, settings, secrets, tokens, client, waits, token_waits, refresh
            )
        finally:
            client.close()


def erp_page(
    items: list[dict[str, Any]], total: int, max_page_size: int | None = None
) -> httpx.Response:
    """An ERP list page as Visma sends it: a bare array, metadata on every item."""
    meta: dict[str, Any] = {"totalCount": total}
    if max_page_size is not None:
        meta["maxPageSize"] = max_page_size
    return httpx.Response(200, json=[{**item, "metadata": dict(meta)} for item in items])
