"""The one set of shared objects a session works with.

The window and the command line open one Context: settings, secrets, the store,
one token manager, one Visma client and one OutSmart client. Every run, on any
thread, goes through these same objects, so there is one refresh at a time and
one connection pool per service.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vismadesk.config import Settings, load_settings, save_settings
from vismadesk.keyring_store import Secrets
from vismadesk.outsmart.client import OutSmartClient
from vismadesk.profile import Profile
from vismadesk.store import StoreAPI, open_store
from vismadesk.visma.auth import AuthState, TokenManager
from vismadesk.visma.client import Retry, VismaClient

# Non-secret service-mode settings a server may pass in the environment.
SETTING_ENV = {"client_id": "VISMADESK_CLIENT_ID", "tenant_id": "VISMADESK_TENANT_ID"}
# Changing one of these means the clients must talk to somewhere else.
_CONNECTION_KEYS = (
    "outsmart_url",
    "visma_connect_url",
    "erp_url",
    "salesorders_url",
    "client_id",
    "tenant_id",
    "offline_access",
    "proxy",
)


@dataclass
class Context:
    profile: Profile
    settings: Settings
    secrets: Secrets
    store: StoreAPI
    tokens: TokenManager
    visma: VismaClient
    outsmart: OutSmartClient
    _auth_listeners: list[Callable[[AuthState], None]] = field(default_factory=list)
    _retry_listeners: list[Callable[[Retry], None]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.tokens.add_listener(self._forward_auth)
        self.visma.on_retry = self._forward_retry

    def add_retry_listener(self, cb: Callable[[Retry], None]) -> None:
        """Hear of every VISMA.net request about to be retried (called from any thread)."""
        self._retry_listeners.append(cb)

    def _forward_retry(self, retry: Retry) -> None:
        for cb in list(self._retry_listeners):
            cb(retry)

    def add_auth_listener(self, cb: Callable[[AuthState], None]) -> None:
        """Follow sign-in state across client rebuilds (called from any thread)."""
        self._auth_listeners.append(cb)

    def _forward_auth(self, state: AuthState) -> None:
        for cb in list(self._auth_listeners):
            cb(state)

    @classmethod
    def open(
        cls,
        profile: Profile,
        *,
        secrets: Secrets | None = None,
        settings: Settings | None = None,
        env: Mapping[str, str] | None = None,
    ) -> tuple[Context, list[str]]:
        """Open the session; the warnings are for the user (e.g. settings moved aside)."""
        profile.ensure()
        warnings: list[str] = []
        if settings is None:
            loaded = load_settings(profile.settings_path)
            settings = loaded.settings
            warnings.extend(loaded.warnings)
        env = os.environ if env is None else env
        for key, var in SETTING_ENV.items():
            if env.get(var):
                settings.set(key, env[var])
        secrets = secrets or Secrets(env=env)
        # The profile's own file, or the team store `store_url` names (never a fall
        # back from one to the other: an unreachable team store stops here).
        store = open_store(settings, profile, secrets, env=env)
        warnings.extend(getattr(store, "opening_notes", []))
        tokens, visma, outsmart = _clients(settings, secrets)
        return cls(profile, settings, secrets, store, tokens, visma, outsmart), warnings

    def save_settings(self) -> None:
        save_settings(self.settings, self.profile.settings_path)

    def needs_reconnect(self, new: Settings) -> bool:
        """Whether adopting `new` means the clients must talk to somewhere else."""
        return any(getattr(new, k) != getattr(self.settings, k) for k in _CONNECTION_KEYS)

    def apply_settings(self, new: Settings) -> None:
        """Adopt and save new settings; rebuild the clients if they must connect elsewhere.

        Call only while no run is active: runs hold the clients.
        """
        reconnect = self.needs_reconnect(new)
        save_settings(new, self.profile.settings_path)
        if reconnect:
            self._close_clients()
            self.tokens, self.visma, self.outsmart = _clients(new, self.secrets)
            self.tokens.add_listener(self._forward_auth)
            self.visma.on_retry = self._forward_retry
            self._forward_auth(self.tokens.state)
        else:
            # Same objects everywhere: update in place so the clients see it at once.
            for key in new.__dataclass_fields__:
                setattr(self.settings, key, getattr(new, key))
            return
        self.settings = new

    def _close_clients(self) -> None:
        for c in (self.visma, self.outsmart):
            c.close()

    def close(self) -> None:
        self._close_clients()
        self.store.close()


def _clients(
    settings: Settings, secrets: Secrets
) -> tuple[TokenManager, VismaClient, OutSmartClient]:
    tokens = TokenManager(settings, secrets)
    return tokens, VismaClient(settings, tokens), OutSmartClient(settings, secrets)
