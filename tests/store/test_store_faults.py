"""A damaged, newer, locked, read-only or full database (#14): a message naming the file
and the fix, exit status 2, and nothing lost.

Damage is made the way it happens: a file cut short, zeroed, overwritten with random
bytes, or with its header spoiled. The full disk is SQLite's own `max_page_count`
(tests/helpers/full_disk.py); the read-only cases use the OS's file modes (as an
unprivileged user when the tests run as root, who may write anywhere).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vismadesk.cli import main
from vismadesk.domain import Action, ExitCode, JournalState, Level, LogEntry
from vismadesk.profile import Profile
from vismadesk.store import SCHEMA_VERSION, Store
from vismadesk.store import db as store_db
from vismadesk.store.faults import FaultKind, StoreFault

REPO = Path(__file__).resolve().parents[2]


def _filled(path: Path, *, entries: int = 50, unfinished: bool = False) -> bytes:
    """A real database with a log (and a journal entry that waits, if asked); its bytes."""
    with Store(path) as store:
        if unfinished:
            store.journal_record("WO-7", JournalState.CREATED, doc_number="SO-1")
        store.add_logs(
            LogEntry(Action.EXPORT, Level.INFO, f"entry {i} " + "x" * 300) for i in range(entries)
        )
    for side in ("-wal", "-shm"):
        assert not path.with_name(path.name + side).exists()  # checkpointed on close
    return path.read_bytes()


def _cut(data: bytes) -> bytes:
    return data[:3000]  # less than the first page


def _zeroed(data: bytes) -> bytes:
    return bytes(len(data))


def _random(data: bytes) -> bytes:
    return os.urandom(len(data))


def _bad_header(data: bytes) -> bytes:
    return b"XQLite format 3\x00" + data[16:]


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "truncated": _cut,
    "zeroed": _zeroed,
    "random": _random,
    "bad-header": _bad_header,
}


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile.in_directory(tmp_path / "office").ensure()


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
def test_an_unreadable_database_is_moved_aside_and_a_new_one_started(
    profile: Profile, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spoiled = DAMAGE[damage](_filled(profile.db_path))
    profile.db_path.write_bytes(spoiled)

    assert main(["--profile", str(profile.config_dir), "log"]) == ExitCode.OK

    out = capsys.readouterr().out
    moved = list(profile.data_dir.glob("vismadesk.sqlite3.broken-*"))
    assert [m.name for m in moved if not m.name.endswith(("-wal", "-shm"))] != []
    kept = next(m for m in moved if not m.name.endswith(("-wal", "-shm")))
    # Nothing lost: the damaged file is kept byte for byte.
    assert kept.read_bytes() == spoiled
    assert f"The database {profile.db_path} could not be read and was moved aside to {kept}" in out
    with Store(profile.db_path) as fresh:
        entries = fresh.log_page()
        assert [e.code for e in entries] == ["database_moved_aside"]
        assert "looks in VISMA.net" in entries[0].details["hint"]


def test_a_damaged_database_whose_journal_still_waits_is_left_alone(
    profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    # The journal's pages come first; the log's last pages are cut off.
    data = _filled(profile.db_path, entries=400, unfinished=True)
    spoiled = data[: len(data) * 2 // 3]
    profile.db_path.write_bytes(spoiled)

    assert main(["--profile", str(profile.config_dir), "log"]) == ExitCode.CONFIG

    err = capsys.readouterr().err
    assert f"The database {profile.db_path} is damaged" in err
    assert "WO-7" in err
    assert ".recover" in err and "backup" in err
    assert "Traceback" not in err
    assert profile.db_path.read_bytes() == spoiled
    assert not list(profile.data_dir.glob("*.broken-*"))


def test_a_database_of_a_newer_vismadesk_is_refused_untouched(
    profile: Profile, capsys: pytest.CaptureFixture[str]
) -> None:
    _filled(profile.db_path, entries=1)
    c = sqlite3.connect(profile.db_path)
    c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    before = profile.db_path.read_bytes()

    assert main(["--profile", str(profile.config_dir), "log"]) == ExitCode.CONFIG

    err = capsys.readouterr().err
    assert f"The database {profile.db_path} was written by a newer vismadesk" in err
    assert "Update vismadesk" in err
    assert profile.db_path.read_bytes() == before


@pytest.fixture
def locked(profile: Profile, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Another program holds a write lock on the database, for longer than the wait."""
    _filled(profile.db_path, entries=1)
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_S", 0.2)
    other = sqlite3.connect(profile.db_path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        yield profile.db_path
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.parametrize("command", [["log"], ["export"]])
def test_a_database_locked_longer_than_the_wait_says_so(
    locked: Path, profile: Profile, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--profile", str(profile.config_dir), *command]) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert f"The database {locked} was locked by another program for more than 0.2 s" in err
    assert "Close the other program" in err
    assert "Traceback" not in err


def test_a_write_that_meets_a_lock_is_a_locked_fault(locked: Path) -> None:
    store = Store.__new__(Store)
    store_db.Database.__init__(store, locked)
    try:
        with pytest.raises(StoreFault) as info:
            store.write(lambda c: c.execute("INSERT INTO cursors VALUES ('a', 'b', 'c')"))
    finally:
        store_db.Database.close(store)
    assert info.value.kind is FaultKind.LOCKED


# --- read-only ---------------------------------------------------------------------------


def _unprivileged() -> list[str]:
    """The command prefix that runs a process as a user file modes apply to."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: setpriv is needed to test file permissions"
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    # pytest's tmp_path is private to its user; the unprivileged user needs a way in.
    d = Path(tempfile.mkdtemp(prefix="vismadesk-ro-"))
    d.chmod(0o777)
    try:
        yield d
    finally:
        for p in d.rglob("*"):
            p.chmod(0o777) if p.is_dir() else p.chmod(0o666)
        shutil.rmtree(d)


def _run_as_user(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(root),
        "XDG_CONFIG_HOME": str(root),
        "XDG_DATA_HOME": str(root),
        "XDG_STATE_HOME": str(root),
        "XDG_CACHE_HOME": str(root),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.run(
        [*_unprivileged(), sys.executable, "-m", "vismadesk.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=root,
        check=False,
    )


def _office(root: Path) -> Path:
    office = root / "office"
    Profile.in_directory(office).ensure()
    for p in (office, office / "logs"):
        p.chmod(0o777)
    _filled(office / "vismadesk.sqlite3", entries=3)
    (office / "vismadesk.sqlite3").chmod(0o666)
    return office


def test_a_read_only_database_file_says_so_and_how_to_fix_it(shared_dir: Path) -> None:
    office = _office(shared_dir)
    db = office / "vismadesk.sqlite3"
    db.chmod(0o444)
    before = db.read_bytes()

    done = _run_as_user(shared_dir, "--profile", str(office), "log")

    assert done.returncode == ExitCode.CONFIG, done.stderr
    assert "Traceback" not in done.stderr
    assert f"vismadesk cannot write to the database {db}" in done.stderr
    assert "Give your user permission to write" in done.stderr
    assert db.read_bytes() == before


def test_a_read_only_profile_folder_says_so_and_how_to_fix_it(shared_dir: Path) -> None:
    office = _office(shared_dir)
    db = office / "vismadesk.sqlite3"
    office.chmod(0o555)

    done = _run_as_user(shared_dir, "--profile", str(office), "log")

    assert done.returncode == ExitCode.CONFIG, done.stderr
    assert "Traceback" not in done.stderr
    assert f"vismadesk cannot write to the database {db}" in done.stderr
    assert str(office) in done.stderr and "--profile" in done.stderr
