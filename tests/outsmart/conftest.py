"""Fixtures for the OutSmart client: stored tokens, a recording backoff, respx routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from vismadesk.config import Settings
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.net.transport import Backoff
from vismadesk.outsmart.client import OutSmartClient

BASE = "https://outsmart.test/openapi/8/"
TOKEN = "tok-7f3a9c2e41d8b6"
SOFTWARE_TOKEN = "sw-c316c4532fa7cc"


def envelope(response: Any = None, code: int = 200, messages: list[str] | None = None) -> dict:
    return {"code": code, "messages": messages or [], "response": response}


def ok(response: Any = None) -> httpx.Response:
    return httpx.Response(200, json=envelope(response))


def fail(code: int, *messages: str) -> httpx.Response:
    return httpx.Response(200, json=envelope(None, code, list(messages)))


class Waits(list[float]):
    """The backoff's sleeps, recorded instead of slept."""


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def secrets() -> Secrets:
    s = Secrets(env={})
    s.set(SecretName.OUTSMART_TOKEN, TOKEN)
    s.set(SecretName.OUTSMART_SOFTWARE_TOKEN, SOFTWARE_TOKEN)
    return s


@pytest.fixture
def settings() -> Settings:
    s = Settings()
    s.set("outsmart_url", BASE)
    return s


@pytest.fixture
def client(settings: Settings, secrets: Secrets, waits: Waits) -> Iterator[OutSmartClient]:
    c = OutSmartClient(settings, secrets, backoff=Backoff(sleep=waits.append))
    yield c
    c.close()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as router:
        yield router
