"""A sandbox as it started, and a token manager + Visma client configured for it, per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.shared_sandbox import SharedSandbox
from tests.helpers.visma_session import Session
from vismadesk.config import Settings
from vismadesk.keyring_store import MemoryKeyring, Secrets
from vismadesk.sandbox import Sandbox
from vismadesk.visma.auth import TokenManager
from vismadesk.visma.client import VismaClient


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[SharedSandbox]:
    with SharedSandbox(work_orders=30, seed=11) as shared:
        yield shared


@pytest.fixture
def sandbox(shared_sandbox: SharedSandbox) -> Sandbox:
    return shared_sandbox.fresh()


@pytest.fixture
def session(sandbox: Sandbox) -> Iterator[Session]:
    settings = Settings()
    for key, value in sandbox.settings_overrides().items():
        settings.set(key, value)
    keyring = MemoryKeyring()
    secrets = Secrets(backend=keyring, env={})
    tokens = TokenManager(settings, secrets)
    visma = VismaClient(settings, tokens)
    try:
        yield Session(sandbox, settings, keyring, secrets, tokens, visma)
    finally:
        visma.close()
