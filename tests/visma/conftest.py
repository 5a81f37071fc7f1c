"""A sandbox, and a token manager + Visma client configured for it, per test."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from vismadesk.config import Settings
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.sandbox import Sandbox
from vismadesk.sandbox.browser import play_browser
from vismadesk.visma.auth import TokenManager
from vismadesk.visma.client import VismaClient

TOKEN_CALLS = "visma_connect POST /connect/token"
REVOCATIONS = "visma_connect POST /connect/revocation"


@dataclass
class Session:
    sandbox: Sandbox
    settings: Settings
    keyring: MemoryKeyring
    secrets: Secrets
    tokens: TokenManager
    visma: VismaClient

    def requests(self, key: str) -> int:
        return self.sandbox.request_counts().get(key, 0)

    def stored(self) -> dict[str, str]:
        return self.keyring.entries("vismadesk")

    def sign_in_in_browser(self, *, approve: bool = True) -> None:
        """Login, with this test playing the planner in the browser."""
        self.tokens.login_interactive(browser(approve=approve), timeout_s=30)


def browser(*, approve: bool = True) -> object:
    """An `open_browser` that fills in the sandbox sign-in page, as a person would."""

    def open_browser(url: str) -> bool:
        threading.Thread(
            target=play_browser, args=(url,), kwargs={"approve": approve}, daemon=True
        ).start()
        return True

    return open_browser


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(work_orders=30, seed=11) as sb:
        yield sb


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


def use_service_credentials(s: Session) -> None:
    s.secrets.set(SecretName.VISMA_CLIENT_SECRET, s.sandbox.credentials["client_secret"])
