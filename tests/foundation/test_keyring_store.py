"""Secrets live in the OS keyring under `vismadesk`, or nowhere: never in a file."""

from __future__ import annotations

from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest
from keyring.backends import fail, null

from vismadesk import messages
from vismadesk.keyring_store import (
    ENV_OVERRIDES,
    MAX_SECRET_BYTES,
    SERVICE,
    KeyringUnavailable,
    MemoryKeyring,
    SecretName,
    Secrets,
    SecretStoreError,
)
from vismadesk.redact import MASK, redact


class RaisingKeyring(keyring.backend.KeyringBackend):
    """A backend that looks usable but fails every call, as a locked or absent one does."""

    priority = 1

    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.error

    def delete_password(self, service: str, username: str) -> None:
        raise self.error


def test_set_get_delete_under_the_vismadesk_service(memory_keyring: MemoryKeyring) -> None:
    s = Secrets(env={})
    assert s.get(SecretName.VISMA_REFRESH_TOKEN) is None
    s.set(SecretName.VISMA_REFRESH_TOKEN, "refresh-abc-123456")
    assert s.get(SecretName.VISMA_REFRESH_TOKEN) == "refresh-abc-123456"
    assert memory_keyring.entries(SERVICE) == {"visma_refresh_token": "refresh-abc-123456"}
    assert SERVICE == "vismadesk"
    s.delete(SecretName.VISMA_REFRESH_TOKEN)
    assert s.get(SecretName.VISMA_REFRESH_TOKEN) is None
    # Disconnecting twice is not an error.
    s.delete(SecretName.VISMA_REFRESH_TOKEN)


def test_a_secret_read_from_the_keyring_is_masked_in_logs() -> None:
    s = Secrets(env={})
    keyring.set_password(SERVICE, "outsmart_token", "outsmart-token-9f8e7d")
    value = s.get(SecretName.OUTSMART_TOKEN)
    assert redact(f"calling OutSmart with {value}") == f"calling OutSmart with {MASK}"


def _assert_clear_keyring_error(err: KeyringUnavailable, secret: str | None = None) -> None:
    text = str(err)
    assert text.startswith(messages.KEYRING_UNAVAILABLE.text)
    # It says what to do: install or unlock a keyring, or use the environment.
    assert "GNOME Keyring" in text
    assert "unlock" in text
    assert "VISMADESK_" in text
    if secret:
        assert secret not in text


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_no_keyring_backend_is_one_clear_error(backend: keyring.backend.KeyringBackend) -> None:
    keyring.set_keyring(backend)
    s = Secrets(env={})
    with pytest.raises(KeyringUnavailable) as info:
        s.get(SecretName.VISMA_REFRESH_TOKEN)
    _assert_clear_keyring_error(info.value)
    assert "no keyring backend" in info.value.reason
    with pytest.raises(KeyringUnavailable):
        s.check()


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()], ids=["fail", "null"])
def test_storing_without_a_keyring_never_falls_back_to_a_file(
    backend: keyring.backend.KeyringBackend, platform_dirs: Path
) -> None:
    secret = "refresh-token-never-on-disk"
    s = Secrets(backend=backend, env={})
    with pytest.raises(KeyringUnavailable) as info:
        s.set(SecretName.VISMA_REFRESH_TOKEN, secret)
    _assert_clear_keyring_error(info.value, secret)
    written = [p for p in platform_dirs.rglob("*") if p.is_file()] if platform_dirs.exists() else []
    assert written == []


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (keyring.errors.NoKeyringError("no backend"), "no keyring backend"),
        (keyring.errors.KeyringLocked("collection is locked"), "locked; unlock it"),
        (keyring.errors.InitError("dbus not running"), "failed to start"),
    ],
    ids=["NoKeyringError", "KeyringLocked", "InitError"],
)
@pytest.mark.parametrize("verb", ["get", "set", "delete"])
def test_backend_errors_become_the_clear_error(error: Exception, reason: str, verb: str) -> None:
    secret = "client-secret-xyz-987"
    s = Secrets(backend=RaisingKeyring(error), env={})
    with pytest.raises(KeyringUnavailable) as info:
        if verb == "get":
            s.get(SecretName.VISMA_CLIENT_SECRET)
        elif verb == "set":
            s.set(SecretName.VISMA_CLIENT_SECRET, secret)
        else:
            s.delete(SecretName.VISMA_CLIENT_SECRET)
    assert reason in str(info.value)
    _assert_clear_keyring_error(info.value, secret)


def test_other_backend_errors_do_not_repeat_the_backends_text() -> None:
    secret = "client-secret-quoted-by-backend"
    s = Secrets(backend=RaisingKeyring(keyring.errors.PasswordSetError(secret)), env={})
    with pytest.raises(SecretStoreError) as info:
        s.set(SecretName.VISMA_CLIENT_SECRET, secret)
    assert not isinstance(info.value, KeyringUnavailable)
    assert secret not in str(info.value)
    assert "could not store" in str(info.value)


def test_environment_variables_take_precedence_over_the_keyring() -> None:
    keyring.set_password(SERVICE, "outsmart_token", "from-keyring-123456")
    env = {"VISMADESK_OUTSMART_TOKEN": "from-env-abcdef"}
    s = Secrets(env=env)
    assert s.get(SecretName.OUTSMART_TOKEN) == "from-env-abcdef"
    assert s.from_environment(SecretName.OUTSMART_TOKEN)
    assert not s.from_environment(SecretName.OUTSMART_SOFTWARE_TOKEN)
    assert redact("token from-env-abcdef") == f"token {MASK}"
    # An empty variable does not hide the stored value.
    assert Secrets(env={"VISMADESK_OUTSMART_TOKEN": ""}).get(SecretName.OUTSMART_TOKEN) == (
        "from-keyring-123456"
    )


def test_a_server_without_a_keyring_runs_on_environment_variables() -> None:
    env = {var: f"{name.value}-value-0001" for name, var in ENV_OVERRIDES.items()}
    s = Secrets(backend=fail.Keyring(), env=env)
    for name in ENV_OVERRIDES:
        assert s.get(name) == f"{name.value}-value-0001"
    assert set(ENV_OVERRIDES.values()) == {
        "VISMADESK_CLIENT_SECRET",
        "VISMADESK_OUTSMART_TOKEN",
        "VISMADESK_OUTSMART_SOFTWARE_TOKEN",
    }


def test_the_process_environment_is_used_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMADESK_CLIENT_SECRET", "env-client-secret-42")
    assert Secrets().get(SecretName.VISMA_CLIENT_SECRET) == "env-client-secret-42"


def test_an_oversize_secret_is_refused_and_nothing_is_stored(
    memory_keyring: MemoryKeyring,
) -> None:
    s = Secrets(env={})
    s.set(SecretName.VISMA_REFRESH_TOKEN, "small-old-token")
    huge = "x" * (MAX_SECRET_BYTES + 1)
    with pytest.raises(SecretStoreError, match=f"at most {MAX_SECRET_BYTES}") as info:
        s.set(SecretName.VISMA_REFRESH_TOKEN, huge)
    assert huge not in str(info.value)
    assert s.get(SecretName.VISMA_REFRESH_TOKEN) == "small-old-token"
    # The limit is in bytes: a multi-byte text at the character limit is still too big.
    with pytest.raises(SecretStoreError):
        s.set(SecretName.VISMA_REFRESH_TOKEN, "é" * (MAX_SECRET_BYTES // 2 + 1))
    exactly = "y" * MAX_SECRET_BYTES
    s.set(SecretName.VISMA_REFRESH_TOKEN, exactly)
    assert memory_keyring.entries(SERVICE)["visma_refresh_token"] == exactly


def test_the_memory_keyring_is_never_chosen_by_the_keyring_library(tmp_path: Path) -> None:
    # A fresh interpreter, as a user's start is: importing vismadesk (and the demo,
    # which uses the in-memory keyring) must leave the library's own choice alone.
    import os
    import subprocess
    import sys

    script = (
        "import vismadesk.keyring_store, vismadesk.demo, keyring, keyring.backend\n"
        "from vismadesk.keyring_store import MemoryKeyring\n"
        "assert not isinstance(keyring.get_keyring(), MemoryKeyring), keyring.get_keyring()\n"
        "chain = getattr(keyring.get_keyring(), 'backends', [])\n"
        "assert not any(isinstance(b, MemoryKeyring) for b in chain), chain\n"
        "assert not any(isinstance(b, MemoryKeyring) for b in keyring.backend.get_all_keyring())\n"
        "print('not chosen')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON_KEYRING")}
    env["XDG_CONFIG_HOME"] = str(tmp_path)  # no keyringrc.cfg naming a backend
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "not chosen" in done.stdout


def test_the_memory_keyring_works_when_passed_in_explicitly() -> None:
    s = Secrets(backend=MemoryKeyring(), env={})
    s.check()
    s.set(SecretName.OUTSMART_TOKEN, "outsmart-token-explicit")
    assert s.get(SecretName.OUTSMART_TOKEN) == "outsmart-token-explicit"
