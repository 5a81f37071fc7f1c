"""The OutSmart tokens are read from the keyring once, not for every request, and a
change is still seen: at once when made through Secrets, within CACHE_S otherwise."""

from __future__ import annotations

from vismadesk.keyring_store import CACHE_S, SERVICE, MemoryKeyring, SecretName, Secrets


class CountingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return super().get_password(service, username)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_outsmart_token_is_read_from_the_keyring_once_for_many_requests() -> None:
    backend = CountingKeyring()
    backend.set_password(SERVICE, "outsmart_token", "outsmart-token-111111")
    secrets = Secrets(backend=backend, env={}, clock=Clock())
    for _ in range(50):
        assert secrets.get(SecretName.OUTSMART_TOKEN) == "outsmart-token-111111"
    assert backend.reads == 1


def test_a_token_set_or_deleted_through_secrets_is_used_at_once() -> None:
    backend = CountingKeyring()
    secrets = Secrets(backend=backend, env={}, clock=Clock())
    assert secrets.get(SecretName.OUTSMART_TOKEN) is None
    secrets.set(SecretName.OUTSMART_TOKEN, "outsmart-token-222222")
    assert secrets.get(SecretName.OUTSMART_TOKEN) == "outsmart-token-222222"
    assert backend.entries(SERVICE) == {"outsmart_token": "outsmart-token-222222"}
    secrets.delete(SecretName.OUTSMART_TOKEN)
    assert secrets.get(SecretName.OUTSMART_TOKEN) is None
    assert backend.entries(SERVICE) == {}


def test_a_token_another_process_stored_is_seen_within_the_cache_time() -> None:
    backend = CountingKeyring()
    clock = Clock()
    secrets = Secrets(backend=backend, env={}, clock=clock)
    secrets.set(SecretName.OUTSMART_SOFTWARE_TOKEN, "software-token-old111")
    # The command line (another process, its own Secrets) stores a new token.
    Secrets(backend=backend, env={}).set(
        SecretName.OUTSMART_SOFTWARE_TOKEN, "software-token-new222"
    )
    clock.now += CACHE_S
    assert secrets.get(SecretName.OUTSMART_SOFTWARE_TOKEN) == "software-token-new222"


def test_the_refresh_token_is_always_read_afresh() -> None:
    # Another process (a scheduled export) rotates it: a kept copy would be used up.
    backend = CountingKeyring()
    secrets = Secrets(backend=backend, env={}, clock=Clock())
    secrets.set(SecretName.VISMA_REFRESH_TOKEN, "refresh-old-123456")
    backend.set_password(SERVICE, "visma_refresh_token", "refresh-new-654321")
    assert secrets.get(SecretName.VISMA_REFRESH_TOKEN) == "refresh-new-654321"
