"""A token manager and Visma client on a sandbox, and the planner's browser for them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

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


def browser(*, approve: bool = True) -> Callable[[str], bool]:
    """An `open_browser` that fills in the sandbox sign-in page, as a person would."""

    def open_browser(url: str) -> bool:
        threading.Thread(
            target=play_browser, args=(url,), kwargs={"approve": approve}, daemon=True
        ).start()
        return True

    return open_browser


def use_service_credentials(s: Session) -> None:
    s.secrets.set(SecretName.VISMA_CLIENT_SECRET, s.sandbox.credentials["client_secret"])
