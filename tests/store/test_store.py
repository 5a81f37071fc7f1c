"""The store on both backends: the log under load, filters and search, the journal,
cursors, a closed store; and the SQLite file's own migrations (the PostgreSQL
schema's are in test_pg_schema.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest

from tests.helpers.store_backends import Backend
from vismadesk.domain import Action, ExportFormat, JournalState, Level, LogEntry
from vismadesk.redact import MASK
from vismadesk.store import SCHEMA_VERSION, RunBusy, SchemaTooNew, Store, StoreError
from vismadesk.store import schema as store_schema
from vismadesk.store.api import StoreAPI


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "vismadesk.sqlite3"


@pytest.fixture
def sqlite_store(db: Path) -> Iterator[Store]:
    """The profile's own file: the run lock is an OS file lock next to it."""
    s = Store(db)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def store(backend: Backend) -> Iterator[StoreAPI]:
    s = backend.open()
    try:
        yield s
    finally:
        s.close()


def _entry(summary: str, level: Level = Level.INFO, **kw: object) -> LogEntry:
    return LogEntry(Action.EXPORT, level, summary, **kw)  # type: ignore[arg-type]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- schema ---------------------------------------------------------------------------


def test_an_empty_file_is_migrated_to_the_current_schema_in_wal_mode(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        s.add_log(_entry("first"))
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"log", "journal", "cursors", "claims"} <= tables


def test_a_missing_file_and_folder_are_created(db: Path) -> None:
    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
    assert db.exists()


def test_reopening_keeps_everything_and_migrates_nothing_again(backend: Backend) -> None:
    s = backend.open()
    s.add_log(_entry("kept across restarts", work_order="WO-1"))
    s.journal_record("WO-1", JournalState.DONE, doc_number="000123")
    s.cursor_set("relations", "2024-05-01T00:00:00Z")
    version = s.schema_version
    s.close()
    s = backend.open()
    try:
        assert [e.summary for e in s.log_page()] == ["kept across restarts"]
        assert s.journal_get("WO-1").doc_number == "000123"  # type: ignore[union-attr]
        assert s.cursor_get("relations") == "2024-05-01T00:00:00Z"
        assert s.schema_version == version
        if backend.name == "sqlite":
            assert version == SCHEMA_VERSION
    finally:
        s.close()


def test_an_old_schema_is_migrated_forwards_with_its_data(db: Path) -> None:
    db.parent.mkdir(parents=True)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute("BEGIN")
    store_schema.MIGRATIONS[0](c)
    c.execute("PRAGMA user_version = 1")
    c.execute("COMMIT")
    c.execute(
        "INSERT INTO log (time, action, level, summary, work_order) "
        "VALUES ('2024-01-02T03:04:05+00:00', 'export', 'error', 'old entry M-1001', 'WO-7')"
    )
    c.execute(
        "INSERT INTO journal (work_order, state, created_at, updated_at) "
        "VALUES ('WO-7', 'failed', '2024-01-02T03:04:05+00:00', '2024-01-02T03:04:05+00:00')"
    )
    c.close()

    with Store(db) as s:
        assert s.schema_version == SCHEMA_VERSION
        # Entries written before the search index existed are found by search too.
        assert [e.summary for e in s.log_page(search="M-1001")] == ["old entry M-1001"]
        old = s.journal_get("WO-7")
        assert old is not None and old.state is JournalState.FAILED
        assert old.previous_status is None


def test_a_failing_migration_leaves_the_database_at_its_old_version(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db) as s:
        s.add_log(_entry("before the upgrade"))

    def half_done_then_broken(c: sqlite3.Connection) -> None:
        c.execute("CREATE TABLE half_done (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(
        store_schema, "MIGRATIONS", (*store_schema.MIGRATIONS, half_done_then_broken)
    )
    monkeypatch.setattr(store_schema, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        Store(db)
    monkeypatch.undo()

    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert not c.execute("SELECT 1 FROM sqlite_master WHERE name='half_done'").fetchone()
    with Store(db) as s:
        assert [e.summary for e in s.log_page()] == ["before the upgrade"]


def test_a_newer_schema_is_refused_and_the_file_left_untouched(db: Path) -> None:
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as c:
        c.execute("CREATE TABLE from_the_future (x)")
        c.execute("INSERT INTO from_the_future VALUES ('precious')")
        c.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    c.close()
    before = _sha(db)

    with pytest.raises(SchemaTooNew) as info:
        Store(db)

    assert isinstance(info.value, StoreError)
    assert info.value.found == SCHEMA_VERSION + 1
    assert info.value.known == SCHEMA_VERSION
    assert "newer vismadesk" in str(info.value)
    assert "Update vismadesk" in str(info.value)
    assert _sha(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == [db.name]
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT x FROM from_the_future").fetchall() == [("precious",)]
        assert c.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    c.close()


# --- the sync log ---------------------------------------------------------------------


def test_ten_threads_writing_at_once_lose_nothing(store: StoreAPI) -> None:
    threads, per_thread = 10, 100
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                store.add_log(_entry(f"thread {n} entry {i}", run_id=f"run-{n}"))
        except BaseException as e:
            errors.append(e)

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()

    assert errors == []
    assert store.log_count() == threads * per_thread
    entries = store.log_page(limit=threads * per_thread + 1)
    assert len({e.id for e in entries}) == threads * per_thread
    assert {e.summary for e in entries} == {
        f"thread {n} entry {i}" for n in range(threads) for i in range(per_thread)
    }
    # Each thread's own entries keep their order.
    for n in range(threads):
        mine = [e for e in reversed(entries) if e.run_id == f"run-{n}"]
        assert [e.summary for e in mine] == [f"thread {n} entry {i}" for i in range(per_thread)]


def test_pages_by_id_cover_the_log_once_newest_first(store: StoreAPI) -> None:
    store.add_logs(_entry(f"entry {i}") for i in range(250))
    seen: list[int] = []
    before: int | None = None
    while True:
        page = store.log_page(before_id=before, limit=100)
        if not page:
            break
        ids = [cast(int, e.id) for e in page]  # every stored entry has its id
        assert ids == sorted(ids, reverse=True)
        seen.extend(ids)
        before = page[-1].id
    assert len(seen) == 250 == len(set(seen))
    assert store.log_entry(seen[0]).summary == "entry 249"  # type: ignore[union-attr]
    assert store.latest_log_id() == seen[0]


def test_log_since_grows_a_live_view_oldest_first(store: StoreAPI) -> None:
    store.add_logs(_entry(f"old {i}") for i in range(3))
    last = store.latest_log_id()
    assert store.log_since(last) == []
    store.add_logs(_entry(f"new {i}") for i in range(5))
    new = store.log_since(last)
    assert [e.summary for e in new] == [f"new {i}" for i in range(5)]
    assert [e.summary for e in store.log_since(last, limit=2)] == ["new 0", "new 1"]


def _filter_fixture(store: StoreAPI) -> None:
    store.add_logs(
        [
            _entry(
                "Material M-1001 on work order WO-1 not found in VISMA.net",
                Level.ERROR,
                work_order="WO-1",
                details={"line": 3},
            ),
            _entry(
                "Work order WO-2 exported as sales order SO 000223",
                Level.SUCCESS,
                work_order="WO-2",
            ),
            _entry("Relation R-5 created", Level.INFO, details={"response": "klant Jansen BV"}),
            _entry(
                "The quantity of material M-2002 has to be greater than 0",
                Level.ERROR,
                work_order="WO-3",
            ),
            _entry("Niks te importeren/exporteren", Level.SUCCESS),
        ]
    )


@pytest.mark.parametrize("fts", [True, False], ids=["fts", "like"])
def test_level_filter_and_search(store: StoreAPI, fts: bool) -> None:
    if not fts:
        store.has_fts = False  # the LIKE fallback must give the same answers
    _filter_fixture(store)

    errors = store.log_page(levels=[Level.ERROR])
    assert {e.work_order for e in errors} == {"WO-1", "WO-3"}
    assert store.log_count([Level.ERROR]) == 2
    assert store.log_count(["success", "error"]) == 4

    def found(text: str, **kw: object) -> list[str]:
        return [e.summary for e in store.log_page(search=text, **kw)]  # type: ignore[arg-type]

    assert found("M-1001") == ["Material M-1001 on work order WO-1 not found in VISMA.net"]
    assert found("SO 000223") == ["Work order WO-2 exported as sales order SO 000223"]
    assert found("Jansen") == ["Relation R-5 created"]  # in the details
    assert found("WO-3") == ["The quantity of material M-2002 has to be greater than 0"]
    assert found("material", levels=[Level.ERROR]) == [
        "The quantity of material M-2002 has to be greater than 0",
        "Material M-1001 on work order WO-1 not found in VISMA.net",
    ]
    assert found("nothing like this") == []
    assert [e.summary for e in store.log_page(work_order="WO-2")] == [
        "Work order WO-2 exported as sales order SO 000223"
    ]
    first = store.log_page()[-1].id
    assert [e.summary for e in store.log_since(first, search="M-2002")] == [  # type: ignore[arg-type]
        "The quantity of material M-2002 has to be greater than 0"
    ]


@pytest.mark.parametrize("fts", [True, False], ids=["fts", "like"])
def test_positions_count_a_filter_and_find_its_nth_entry(store: StoreAPI, fts: bool) -> None:
    # What a log view scrolled anywhere asks: how many entries, and which is n-th.
    if not fts:
        store.has_fts = False
    store.add_logs(
        _entry(f"Material M-{i} missing", Level.ERROR) if i % 3 == 0 else _entry(f"entry {i}")
        for i in range(30)
    )
    ids = [cast(int, e.id) for e in store.log_page(limit=100)]  # newest first
    errors = [cast(int, e.id) for e in store.log_page(limit=100, levels=[Level.ERROR])]
    top = ids[0]
    store.add_log(_entry("Material M-99 missing, written after the count", Level.ERROR))

    assert store.log_count_upto(top) == 30
    assert store.log_count_upto(ids[10]) == 20
    assert store.log_count_upto(top, levels=[Level.ERROR]) == 10
    assert store.log_count_upto(top, search="missing") == 10
    assert store.log_count_upto(top, levels=[Level.INFO], search="missing") == 0
    assert store.log_count_upto(top, levels=[Level.ERROR], search="M-12") == 1

    assert store.log_id_at(0, before_id=top + 1) == top
    assert store.log_id_at(7, before_id=ids[2]) == ids[10]
    assert store.log_id_at(0, after_id=0) == ids[-1]
    assert store.log_id_at(4, after_id=ids[-1]) == ids[-6]
    assert store.log_id_at(30, before_id=top + 1) is None
    assert store.log_id_at(3, before_id=top + 1, levels=[Level.ERROR]) == errors[3]
    assert store.log_id_at(2, after_id=0, search="missing") == errors[-3]
    assert (
        store.log_id_at(1, before_id=errors[0], levels=[Level.ERROR], search="missing")
        == (errors[2])
    )
    with pytest.raises(ValueError):
        store.log_id_at(0)


def test_entries_keep_every_field_and_time_in_utc(store: StoreAPI) -> None:
    when = dt.datetime(2024, 6, 1, 14, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    saved = store.add_log(
        LogEntry(
            Action.RESET,
            Level.WARNING,
            "Work order WO-9 reset",
            details={"status": "10", "lines": [1, 2]},
            work_order="WO-9",
            record="R-1",
            run_id="run-x",
            code="status_reset",
            time=when,
        )
    )
    back = store.log_entry(saved.id)  # type: ignore[arg-type]
    assert back is not None
    assert back.time == when and back.time.utcoffset() == dt.timedelta(0)
    assert (back.action, back.level, back.code) == (Action.RESET, Level.WARNING, "status_reset")
    assert back.details == {"status": "10", "lines": [1, 2]}
    assert (back.work_order, back.record, back.run_id) == ("WO-9", "R-1", "run-x")


def test_secrets_never_reach_the_log_table(store: StoreAPI, backend: Backend) -> None:
    store.add_log(
        _entry(
            "refresh failed: Authorization: Bearer eyJhbGciOi.secret-part",
            details={"access_token": "at-123456789", "request": "a?refresh_token=rt-987654321"},
        )
    )
    raw = backend.raw()
    for secret in (b"eyJhbGciOi.secret-part", b"at-123456789", b"rt-987654321"):
        assert secret not in raw
    e = store.log_page()[0]
    assert e.details["access_token"] == MASK
    assert MASK in e.summary


# --- journal and cursors --------------------------------------------------------------


def test_journal_records_each_step_of_an_export(store: StoreAPI) -> None:
    assert store.journal_get("WO-1") is None
    j = store.journal_record(
        "WO-1", JournalState.CREATING, run_id="r1", new_attempt=True, previous_status="10"
    )
    assert (j.state, j.attempts, j.previous_status) == (JournalState.CREATING, 1, "10")
    created = j.created_at
    j = store.journal_record(
        "WO-1",
        JournalState.CREATED,
        doc_format=ExportFormat.SALES_ORDER,
        doc_number="000223",
        order_type="SO",
    )
    assert j.attempts == 1 and j.run_id == "r1" and j.previous_status == "10"
    assert j.document is not None and str(j.document) == "SO 000223"
    j = store.journal_record("WO-1", JournalState.DONE)
    assert j.doc_number == "000223"  # kept: fields left None keep their value
    assert j.created_at == created and j.updated_at >= created  # type: ignore[operator]

    # A finished work order is never forgotten (that would let it be sent twice).
    store.journal_forget("WO-1")
    assert store.journal_get("WO-1").state is JournalState.DONE  # type: ignore[union-attr]


def test_a_failed_work_order_can_be_forgotten_and_retried(store: StoreAPI) -> None:
    store.journal_record("WO-2", JournalState.CREATING, new_attempt=True)
    j = store.journal_record(
        "WO-2", JournalState.FAILED, last_error="refused with token=abc123456789"
    )
    assert j.last_error == "refused with token=***"
    assert [e.work_order for e in store.journal_entries([JournalState.FAILED])] == ["WO-2"]
    store.journal_record("WO-3", JournalState.DONE)
    assert [e.work_order for e in store.journal_entries()] == ["WO-2", "WO-3"]

    store.journal_forget("WO-2")
    assert store.journal_get("WO-2") is None
    assert store.journal_record("WO-2", JournalState.CREATING, new_attempt=True).attempts == 1


def test_cursors(store: StoreAPI) -> None:
    assert store.cursor_get("materials") is None
    assert store.cursor_time("materials") is None
    store.cursor_set("materials", "2024-05-01T00:00:00")
    first = store.cursor_time("materials")
    store.cursor_set("materials", "2024-05-02T00:00:00")
    assert store.cursor_get("materials") == "2024-05-02T00:00:00"
    assert first is not None and store.cursor_time("materials") >= first  # type: ignore[operator]
    assert store.cursor_get("relations") is None


def test_a_closed_store_says_so(backend: Backend) -> None:
    s = backend.open()
    s.close()
    outcome: list[BaseException] = []

    def other_thread() -> None:
        try:
            s.log_page()
        except BaseException as e:
            outcome.append(e)

    t = threading.Thread(target=other_thread)
    t.start()
    t.join()
    assert len(outcome) == 1 and isinstance(outcome[0], StoreError)
    assert "closed" in str(outcome[0])


# --- one run at a time per profile --------------------------------------------------------

_HOLDER = """
import sys
from vismadesk.domain import Action
from vismadesk.store import Store
with Store(sys.argv[1]) as s, s.hold_run(Action.EXPORT):
    print("held", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the profile's run lock until its stdin gets a line."""
    Store(db).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def test_a_second_run_is_refused_and_told_who_holds_the_profile(
    sqlite_store: Store, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(RunBusy) as busy, sqlite_store.hold_run(Action.IMPORT):
        pytest.fail("the profile is held by another process")
    who = busy.value.holder
    assert who is not None
    assert (who.action, who.pid, who.host) == (Action.EXPORT, holder.pid, socket.gethostname())
    assert who.profile == str(sqlite_store.path.parent)  # type: ignore[union-attr]
    assert (dt.datetime.now(dt.UTC) - who.since).total_seconds() < 60
    assert sqlite_store.run_holder() == who
    assert f"process {holder.pid}" in str(busy.value)


def test_a_run_killed_with_9_leaves_no_lock_to_wait_out(
    sqlite_store: Store, holder: subprocess.Popen[str]
) -> None:
    assert sqlite_store.run_holder() is not None
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)
    # Its holder file is still there; the lock went with the process.
    assert sqlite_store._run_lock.holder_path.exists()  # type: ignore[union-attr]
    assert sqlite_store.run_holder() is None
    started = time.monotonic()
    with sqlite_store.hold_run(Action.EXPORT):
        assert sqlite_store.run_holder() is not None
    assert time.monotonic() - started < 2.0
    assert sqlite_store.run_holder() is None


def test_with_wait_the_second_run_starts_when_the_first_ends(
    sqlite_store: Store, holder: subprocess.Popen[str]
) -> None:
    got: list[float] = []
    ready = threading.Event()

    def second() -> None:
        ready.set()
        with sqlite_store.hold_run(Action.EXPORT, wait_s=30):
            got.append(time.monotonic())

    t = threading.Thread(target=second)
    t.start()
    ready.wait()
    assert not got
    assert holder.stdin is not None and holder.stdout is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()
    assert holder.stdout.readline() == "released\n"
    t.join(timeout=30)
    assert got


def test_runs_in_one_process_also_take_turns(store: Store) -> None:
    with store.hold_run(Action.EXPORT), pytest.raises(RunBusy), store.hold_run(Action.RESET):
        pass
    with store.hold_run(Action.RESET):
        pass


# --- claims ---------------------------------------------------------------------------------


def test_a_claim_is_held_by_one_owner_until_released_or_expired(
    store: Store, backend: Backend
) -> None:
    assert store.claim("WO-1", "pc-a", 60)
    assert store.claim("WO-1", "pc-a", 60)  # renewed
    assert not store.claim("WO-1", "pc-b", 60)
    store.release_claim("WO-1", "pc-b")  # not b's to release
    assert not store.claim("WO-1", "pc-b", 60)
    store.release_claim("WO-1", "pc-a")
    assert store.claim("WO-1", "pc-b", 60)

    assert store.claim("WO-2", "pc-a", 0.0)  # a lease that has run out at once
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert store.claims_expired_before(later) == ["WO-2"]
    assert store.claim("WO-2", "pc-b", 60)  # taken over
    assert not store.claim("WO-2", "pc-a", 60)
    assert store.claims_expired_before(later) == []
    # Only a team store is shared by several consoles.
    assert store.shared is (backend.name == "postgres")


def test_two_processes_claiming_at_once_never_both_win(db: Path) -> None:
    Store(db).close()
    script = (
        "import sys\nfrom vismadesk.store import Store\n"
        "with Store(sys.argv[1]) as s:\n"
        "    won = [w for w in (f'WO-{i}' for i in range(200)) if s.claim(w, sys.argv[2], 600)]\n"
        "print(' '.join(won))\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(db), owner], stdout=subprocess.PIPE, text=True
        )
        for owner in ("pc-a", "pc-b")
    ]
    won = [set(p.communicate(timeout=60)[0].split()) for p in procs]
    assert not won[0] & won[1]
    assert won[0] | won[1] == {f"WO-{i}" for i in range(200)}


def test_a_claim_seen_entry_keeps_when_it_was_first_seen(store: Store) -> None:
    first = store.journal_record("WO-9", JournalState.CLAIM_SEEN)
    assert store.journal_get("WO-9").updated_at == first.updated_at  # type: ignore[union-attr]
    assert first.state is JournalState.CLAIM_SEEN


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_the_database_and_its_wal_files_are_readable_by_the_user_only(tmp_path: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        with Store(tmp_path / "vismadesk.sqlite3") as store:
            store.add_log(LogEntry(Action.EXPORT, Level.INFO, "customer data inside"))
            made = [p for p in tmp_path.iterdir() if p.name.startswith("vismadesk.sqlite3")]
            assert {p.name for p in made} >= {"vismadesk.sqlite3", "vismadesk.sqlite3-wal"}
            for p in made:
                assert stat.S_IMODE(p.stat().st_mode) == 0o600, p.name
    finally:
        os.umask(old_umask)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_an_older_database_readable_by_others_is_tightened(tmp_path: Path) -> None:
    path = tmp_path / "vismadesk.sqlite3"
    Store(path).close()
    path.chmod(0o644)
    Store(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
