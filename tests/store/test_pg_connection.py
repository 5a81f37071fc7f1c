"""Reaching the team store: which store a console opens, the password (keyring or
environment, never the settings file), TLS options passed on, and one clear message
when the server cannot be used, with no fall back to the local file."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.helpers.postgres import PASSWORD, PASSWORD_ROLE, Cluster
from vismadesk.config import Settings, SettingsError
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.profile import Profile
from vismadesk.redact import redact
from vismadesk.store import Store, StoreUnavailable, open_store
from vismadesk.store.postgres import PgStore
from vismadesk.store.postgres.connection import conninfo


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile.in_directory(tmp_path / "profile").ensure()


def _settings(url: str = "") -> Settings:
    s = Settings()
    s.store_url = url
    return s


def test_an_empty_store_url_keeps_the_profiles_own_file(profile: Profile) -> None:
    store = open_store(_settings(), profile, env={})
    try:
        assert isinstance(store, Store)
        assert store.location == f"SQLite {profile.db_path}"
    finally:
        store.close()


def test_a_postgres_url_opens_the_team_store_and_no_local_file(
    profile: Profile, pg_url: str
) -> None:
    store = open_store(_settings(pg_url), profile, env={})
    try:
        assert isinstance(store, PgStore) and store.shared
        assert store.location.startswith("PostgreSQL vismadesk_test@127.0.0.1:")
    finally:
        store.close()
    assert not profile.db_path.exists()


def test_the_environment_variable_wins_over_the_setting(profile: Profile, pg_url: str) -> None:
    store = open_store(_settings(""), profile, env={"VISMADESK_STORE_URL": pg_url})
    try:
        assert isinstance(store, PgStore)
    finally:
        store.close()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://planner:hunter2@server/vismadesk",
        "postgresql://planner@server/vismadesk?password=hunter2",
    ],
)
def test_a_password_in_the_address_is_refused_with_the_way_to_store_it(url: str) -> None:
    with pytest.raises(SettingsError) as info:
        _settings().set("store_url", url)
    assert "must not hold a password" in str(info.value)
    assert "vismadesk store password" in str(info.value)
    assert "hunter2" not in str(info.value)


def test_a_password_in_the_environment_variable_is_refused_too(profile: Profile) -> None:
    with pytest.raises(StoreUnavailable, match="VISMADESK_STORE_URL must not hold a password"):
        open_store(_settings(), profile, env={"VISMADESK_STORE_URL": "postgresql://a:b@h/db"})


def test_tls_options_and_keepalives_reach_libpq() -> None:
    from psycopg.conninfo import conninfo_to_dict

    url = "postgresql://planner@server:6543/vismadesk?sslmode=verify-full&sslrootcert=/ca.pem"
    params = {k: str(v) for k, v in conninfo_to_dict(conninfo(url, "pw-123")).items()}
    assert (params["sslmode"], params["sslrootcert"]) == ("verify-full", "/ca.pem")
    assert (params["host"], params["port"], params["dbname"]) == ("server", "6543", "vismadesk")
    assert params["password"] == "pw-123"
    assert params["keepalives"] == "1" and int(params["keepalives_idle"]) <= 30
    assert "TimeZone=UTC" in params["options"]
    assert "tcp_keepalives_idle" in params["options"]  # the server notices a dead client


@pytest.fixture
def pw_url(pg_cluster: Cluster) -> object:
    with pg_cluster.new_database(owner=PASSWORD_ROLE) as url:
        yield url


def test_the_password_comes_from_the_keyring(
    profile: Profile, pw_url: str, memory_keyring: MemoryKeyring
) -> None:
    secrets = Secrets(backend=memory_keyring, env={})
    with pytest.raises(StoreUnavailable) as info:
        open_store(_settings(pw_url), profile, secrets, env={})
    assert "vismadesk store password" in str(info.value)  # says how to give it one
    secrets.set(SecretName.STORE_PASSWORD, PASSWORD)
    store = open_store(_settings(pw_url), profile, secrets, env={})
    store.close()


@pytest.mark.parametrize("var", ["VISMADESK_STORE_PASSWORD", "PGPASSWORD"])
def test_a_server_gives_the_password_in_the_environment(
    profile: Profile, pw_url: str, var: str
) -> None:
    from keyring.backends import fail

    # No keyring at all on this server: the environment is enough.
    secrets = Secrets(backend=fail.Keyring(), env={})
    store = open_store(_settings(pw_url), profile, secrets, env={var: PASSWORD})
    try:
        assert store.log_count() == 0
    finally:
        store.close()
    assert PASSWORD not in redact(f"password={PASSWORD}")


def test_a_wrong_password_is_a_clear_message_naming_the_server(
    profile: Profile, pw_url: str
) -> None:
    with pytest.raises(StoreUnavailable) as info:
        open_store(_settings(pw_url), profile, env={"VISMADESK_STORE_PASSWORD": "wrong-pw-99"})
    text = str(info.value)
    assert "cannot be used" in text and PASSWORD_ROLE in text
    assert "password" in text and "No export starts" in text
    assert "wrong-pw-99" not in text


def test_an_unreachable_server_is_a_clear_message_not_the_local_file(profile: Profile) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    url = f"postgresql://planner@127.0.0.1:{port}/vismadesk"
    with pytest.raises(StoreUnavailable) as info:
        open_store(_settings(url), profile, env={})
    text = str(info.value)
    assert f"The team store planner@127.0.0.1:{port}/vismadesk cannot be used" in text
    assert "No export starts without it" in text
    assert "vismadesk store check" in text
    assert not profile.db_path.exists()  # no silent fall back to a local file


def test_connections_the_server_dropped_are_replaced_and_work_goes_on(
    pg_cluster: Cluster,
) -> None:
    with pg_cluster.new_database() as url:
        store = PgStore(url)
        try:
            assert store.log_count() == 0
            pg_cluster.sql(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE datname = '{url.rsplit('/', 1)[1]}' AND pid <> pg_backend_pid()"
            )
            # The pool notices the dead connection and opens another: work goes on.
            assert store.log_count() == 0
        finally:
            store.close()


def _sessions(url: str) -> int:
    """The team store's connections to this database (ours say application_name)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        row = c.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = 'vismadesk'"
        ).fetchone()
    return int(row[0]) if row else 0


def test_a_window_on_the_team_store_holds_two_connections_and_closing_leaves_none(
    pg_url: str,
) -> None:
    import threading
    import time

    store = PgStore(pg_url)
    heard = threading.Event()
    try:
        store.subscribe(heard.set)
        assert heard.wait(10)  # listening: it says so once
        store.log_page()
        # The pool's, and the live log's (the connection that checked the schema,
        # handed on rather than closed and opened again).
        assert _sessions(pg_url) == 2
    finally:
        store.close()
    deadline = time.monotonic() + 10
    while _sessions(pg_url) and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notes a closed session a moment later
    assert _sessions(pg_url) == 0


def test_a_team_store_lost_mid_session_says_why_and_comes_back(pg_url: str) -> None:
    from urllib.parse import urlsplit

    from tests.helpers.postgres import DelayProxy

    port = urlsplit(pg_url).port
    assert port is not None
    network = DelayProxy(port, 0)
    store = PgStore(network.url(pg_url))
    try:
        assert store.log_page() == []
        network.close()  # the office network is gone, and nothing answers there
        for _ in range(2):  # each time the server's own reason, not a pool's timeout
            with pytest.raises(StoreUnavailable) as info:
                store.log_page()
            text = str(info.value)
            assert "cannot be used" in text and "refused" in text.lower(), text
    finally:
        store.close()
    with PgStore(pg_url) as again:  # the server itself never went away
        assert again.log_page() == []
