"""Test harness shared by every test.

Each test gets its own platform folders (settings, database, logs) in a temp dir,
an in-memory keyring, and no VISMADESK_* variables from the outside. Qt runs
offscreen, Qt warnings fail the test (see pyproject), and a test that leaves a
QThread running fails.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from pathlib import Path

# Must be set before anything imports Qt.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import keyring
import platformdirs
import pytest

from tests.helpers.postgres import Cluster, NoServer, cluster_from_environment
from vismadesk.keyring_store import MemoryKeyring

_PLATFORM_DIRS = {
    "user_config_dir": "config",
    "user_data_dir": "data",
    "user_log_dir": "logs",
    "user_cache_dir": "cache",
    "user_state_dir": "state",
}


@pytest.fixture(autouse=True)
def platform_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point platformdirs (and XDG, for anything reading it directly) at a temp dir."""
    base = tmp_path / "platformdirs"
    for func, sub in _PLATFORM_DIRS.items():

        def _fake(appname: str | None = None, *_a: object, _sub: str = sub, **_k: object) -> str:
            return str(base / _sub / (appname or ""))

        monkeypatch.setattr(platformdirs, func, _fake)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(base / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(base / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
    for var in list(os.environ):
        if var.startswith("VISMADESK_"):
            monkeypatch.delenv(var)
    return base


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


# --- a PostgreSQL server for the team store's tests (tests/store, tests/engine) ---------

# Read at import: every test's own fixtures clear the VISMADESK_* variables, and a
# backend asks for the server from inside a test.
_CI_CLUSTER = cluster_from_environment()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if _CI_CLUSTER is not None:
        yield _CI_CLUSTER
        return
    try:
        cluster = Cluster.start()  # a developer machine: a server of our own
    except NoServer as e:
        pytest.fail(f"the team store tests need a PostgreSQL server: {e}", pytrace=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> Iterator[str]:
    """A fresh, empty database on the test server, dropped after the test."""
    with pg_cluster.new_database() as url:
        yield url


# --- QThread leak check ----------------------------------------------------------------

_started_threads: weakref.WeakSet = weakref.WeakSet()


def _track_qthreads() -> None:
    try:
        from PySide6.QtCore import QThread
    except ImportError:  # pragma: no cover - Qt is a hard dependency
        return
    if getattr(QThread.start, "_vismadesk_tracked", False):
        return
    original = QThread.start

    def start(self, *args, **kwargs):
        _started_threads.add(self)
        return original(self, *args, **kwargs)

    start._vismadesk_tracked = True  # type: ignore[attr-defined]
    QThread.start = start  # type: ignore[method-assign]


_track_qthreads()


def _running(thread: object) -> bool:
    try:
        return bool(thread.isRunning())  # type: ignore[attr-defined]
    except RuntimeError:  # the C++ object is already gone: not running
        return False


@pytest.fixture(autouse=True)
def no_qthread_left_running() -> Iterator[None]:
    yield
    leaked = [t for t in list(_started_threads) if _running(t)]
    for t in leaked:
        # Stop them so one leak does not take the rest of the session down with it.
        t.requestInterruption()
        t.quit()
        t.wait(10_000)
    if leaked:
        names = ", ".join(type(t).__name__ for t in leaked)
        pytest.fail(f"test left {len(leaked)} QThread(s) running: {names}", pytrace=False)
