"""`--demo`: the whole program on the built-in sandbox, with a throw-away profile.

Nothing of the user's own is touched: the profile lives in a temp dir, the
secrets in an in-memory keyring, and every address points at the sandbox.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from typing import Any

from vismadesk.config import Settings
from vismadesk.engine.context import Context
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.profile import Profile
from vismadesk.sandbox import Sandbox


@dataclass
class DemoSession:
    sandbox: Sandbox
    profile: Profile
    context: Context
    _tmp: tempfile.TemporaryDirectory[str] = field(repr=False)

    def sign_in_as_service(self) -> None:
        """Sign in without a browser (client credentials), as a scheduled run would."""
        self.context.secrets.set(
            SecretName.VISMA_CLIENT_SECRET, self.sandbox.credentials["client_secret"]
        )
        self.context.tokens.login_service()

    def close(self) -> None:
        self.context.close()
        self.sandbox.stop()
        self._tmp.cleanup()

    def __enter__(self) -> DemoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def demo_settings(sandbox: Sandbox) -> Settings:
    settings = Settings()
    for key, value in sandbox.settings_overrides().items():
        settings.set(key, value)
    return settings


def demo_secrets(sandbox: Sandbox) -> Secrets:
    # No client secret: in the window the planner signs in through the sign-in page,
    # and Disconnect really disconnects. Headless demo runs add it (sign_in_as_service).
    creds = sandbox.credentials
    secrets = Secrets(backend=MemoryKeyring(), env={})
    secrets.set(SecretName.OUTSMART_TOKEN, creds["outsmart_token"])
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, creds["outsmart_software_token"])
    return secrets


def start_demo(work_orders: int = 300, **sandbox_options: Any) -> DemoSession:
    """Start the sandbox with demo data and open a Context on a throw-away profile."""
    sandbox = Sandbox(work_orders=work_orders, **sandbox_options)
    sandbox.start()
    tmp = tempfile.TemporaryDirectory(prefix="vismadesk-demo-")
    try:
        profile = Profile.in_directory(tmp.name).ensure()
        settings = demo_settings(sandbox)
        context, _ = Context.open(profile, secrets=demo_secrets(sandbox), settings=settings, env={})
        context.save_settings()
    except BaseException:
        sandbox.stop()
        tmp.cleanup()
        raise
    return DemoSession(sandbox, profile, context, tmp)
