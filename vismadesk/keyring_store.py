"""Secrets in the OS keyring, and nowhere else.

Names are fixed (see `SecretName`). Environment variables take precedence, so a
server without a keyring can still run a scheduled export. An unusable keyring is
one clear `KeyringUnavailable` error; there is never a silent plain-text fallback.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Mapping
from enum import StrEnum

import keyring
import keyring.backend
import keyring.errors

from vismadesk import messages
from vismadesk.i18n import gettext
from vismadesk.redact import register_secret

SERVICE = "vismadesk"
# Windows Credential Manager refuses secrets much above 2.5 KB; refuse earlier and
# clearly instead of failing deep inside the backend.
MAX_SECRET_BYTES = 2048


class SecretName(StrEnum):
    VISMA_REFRESH_TOKEN = "visma_refresh_token"
    VISMA_CLIENT_SECRET = "visma_client_secret"
    OUTSMART_TOKEN = "outsmart_token"
    OUTSMART_SOFTWARE_TOKEN = "outsmart_software_token"
    # The team store's database password (the `store_url` setting holds none).
    STORE_PASSWORD = "store_password"


# Read for every OutSmart request (they travel in its query): kept in the Secrets
# object, not asked of the OS keyring each time (a D-Bus round trip to the Secret
# Service, a Credential Manager call). Set and delete through the object update it at
# once; a change another process makes (the command line, a second console) shows
# within CACHE_S. Other secrets are read rarely and always afresh: another process
# rotates the Visma.net refresh token.
CACHED = frozenset({SecretName.OUTSMART_TOKEN, SecretName.OUTSMART_SOFTWARE_TOKEN})
CACHE_S = 5.0

ENV_OVERRIDES: dict[SecretName, str] = {
    SecretName.VISMA_CLIENT_SECRET: "VISMADESK_CLIENT_SECRET",
    SecretName.OUTSMART_TOKEN: "VISMADESK_OUTSMART_TOKEN",
    SecretName.OUTSMART_SOFTWARE_TOKEN: "VISMADESK_OUTSMART_SOFTWARE_TOKEN",
}


class SecretStoreError(RuntimeError):
    pass


class KeyringUnavailable(SecretStoreError):
    def __init__(self, reason: str) -> None:
        msg = messages.KEYRING_UNAVAILABLE
        super().__init__(f"{gettext(msg.text)}: {reason}. {gettext(msg.hint)}")
        self.reason = reason


class _NeverViable:
    """A priority that raises when asked: keyring then deems the backend not viable."""

    def __get__(self, obj: object, cls: type | None = None) -> float:
        raise RuntimeError("the in-memory keyring is never chosen automatically")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that lives in memory: for the demo profile and for tests.

    Only ever passed in explicitly. Every KeyringBackend subclass registers itself
    with the keyring library, which then picks the viable one of highest priority as
    the machine's keyring: had this one a priority, a PC without a Secret Service
    would "save" the tokens in memory and lose them at the next start.
    """

    priority = _NeverViable()

    def __init__(self) -> None:
        super().__init__()
        self._data: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if (service, username) not in self._data:
                raise keyring.errors.PasswordDeleteError(username)
            del self._data[(service, username)]

    def entries(self, service: str) -> dict[str, str]:
        with self._lock:
            return {u: p for (s, u), p in self._data.items() if s == service}


# Registered by the metaclass on definition; taken out again so that no version of
# the library that ignores `viable` can pick it either.
keyring.backend.KeyringBackend._classes.discard(MemoryKeyring)


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    if isinstance(backend, MemoryKeyring):
        return None  # passed in on purpose (the demo, tests)
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return "no keyring backend is installed or running"
    if module.startswith("keyring.backends.chainer"):
        backends = getattr(backend, "backends", [])
        if not backends:
            return "no keyring backend is installed or running"
    try:
        if backend.priority <= 0:
            return f"the keyring backend {type(backend).__name__} is not usable here"
    except Exception as e:  # a backend that fails to answer its priority is unusable
        return f"the keyring backend failed to start ({e.__class__.__name__})"
    return None


class Secrets:
    """get/set/delete for the named secrets; thread-safe."""

    def __init__(
        self,
        backend: keyring.backend.KeyringBackend | None = None,
        service: str = SERVICE,
        env: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._service = service
        self._env = os.environ if env is None else env
        self._lock = threading.Lock()
        self._clock = clock
        # name -> (value, read at): the CACHED secrets as last read or written here.
        self._cache: dict[SecretName, tuple[str | None, float]] = {}

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        backend = self._backend or keyring.get_keyring()
        reason = _unusable_reason(backend)
        if reason:
            raise KeyringUnavailable(reason)
        return backend

    def from_environment(self, name: SecretName) -> bool:
        var = ENV_OVERRIDES.get(name)
        return bool(var and self._env.get(var))

    def get(self, name: SecretName) -> str | None:
        var = ENV_OVERRIDES.get(name)
        if var and self._env.get(var):
            value = self._env[var]
            register_secret(value)
            return value
        with self._lock:
            held = self._cache.get(name)
            if held is not None and self._clock() - held[1] < CACHE_S:
                return held[0]
            read = self._call("read", lambda b: b.get_password(self._service, name.value))
            found: str | None = read or None
            if name in CACHED:
                self._cache[name] = (found, self._clock())
        register_secret(found)
        return found

    def set(self, name: SecretName, value: str) -> None:
        if len(value.encode("utf-8")) > MAX_SECRET_BYTES:
            raise SecretStoreError(
                f"The {name.value} is too large to store in the keyring "
                f"({len(value.encode('utf-8'))} bytes, at most {MAX_SECRET_BYTES})."
            )
        register_secret(value)
        with self._lock:
            self._cache.pop(name, None)
            self._call("store", lambda b: b.set_password(self._service, name.value, value))
            if name in CACHED:
                self._cache[name] = (value or None, self._clock())

    def delete(self, name: SecretName) -> None:
        def _delete(b: keyring.backend.KeyringBackend) -> None:
            # Already gone is fine: deleting is idempotent.
            with contextlib.suppress(keyring.errors.PasswordDeleteError):
                b.delete_password(self._service, name.value)

        with self._lock:
            self._cache.pop(name, None)
            self._call("delete", _delete)

    def check(self) -> None:
        """Raise KeyringUnavailable now rather than at the first token."""
        self._call("read", lambda b: b.get_password(self._service, "__probe__"))

    def _call(self, verb: str, fn):  # type: ignore[no-untyped-def]
        try:
            return fn(self.backend)
        except KeyringUnavailable:
            raise
        except keyring.errors.KeyringLocked as e:
            raise KeyringUnavailable("the keyring is locked; unlock it and try again") from e
        except keyring.errors.NoKeyringError as e:
            raise KeyringUnavailable("no keyring backend is installed or running") from e
        except keyring.errors.InitError as e:
            raise KeyringUnavailable("the keyring backend failed to start") from e
        except keyring.errors.KeyringError as e:
            # The backend's text may quote what it was asked to store: do not pass it on.
            raise SecretStoreError(
                f"The keyring could not {verb} the secret ({e.__class__.__name__})."
            ) from None
