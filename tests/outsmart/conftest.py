"""Fixtures for the OutSmart client: stored tokens, a recording backoff, respx routes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from tests.helpers.outsmart_wire import BASE, SOFTWARE_TOKEN, TOKEN, Waits
from vismadesk.config import Settings
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.net.transport import Backoff
from vismadesk.outsmart.client import OutSmartClient


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
