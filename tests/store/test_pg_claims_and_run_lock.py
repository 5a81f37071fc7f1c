"""Claims and the run lock on the team store (STORE_CONTRACT.md): a work order is
claimed by one console at a time, a lapsed lease can be taken over, one run per
console, and a holder that died never blocks."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from vismadesk.domain import Action
from vismadesk.store.postgres import PgStore
from vismadesk.store.runlock import RunBusy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(pg_url: str) -> Iterator[PgStore]:
    with PgStore(pg_url, profile="/profiles/a", host="office-pc") as s:
        yield s


def test_a_claim_is_one_owners_until_released(store: PgStore) -> None:
    assert store.claim("WO-1", "run-a", lease_s=60)
    assert not store.claim("WO-1", "run-b", lease_s=60)
    assert store.claim("WO-1", "run-a", lease_s=60)  # renewed by its owner
    store.release_claim("WO-1", "run-b")  # not b's to release
    assert not store.claim("WO-1", "run-b", lease_s=60)
    store.release_claim("WO-1", "run-a")
    assert store.claim("WO-1", "run-b", lease_s=60)


def test_a_lapsed_lease_is_taken_over_and_listed(store: PgStore) -> None:
    assert store.claim("WO-2", "run-dead", lease_s=0)  # expires at once
    assert store.claim("WO-3", "run-live", lease_s=600)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert store.claims_expired_before(later) == ["WO-2"]
    assert store.claim("WO-2", "run-next", lease_s=600)
    assert not store.claim("WO-2", "run-dead", lease_s=600)  # it is run-next's now
    assert store.claims_expired_before(later) == []


def test_consoles_racing_for_the_same_work_orders_each_get_it_once(pg_url: str) -> None:
    consoles, orders = 8, 150
    stores = [PgStore(pg_url, pool_size=2) for _ in range(consoles)]
    start = threading.Barrier(consoles)
    won: dict[int, list[str]] = {n: [] for n in range(consoles)}

    def console(n: int) -> None:
        start.wait()
        for i in range(orders):
            if stores[n].claim(f"WO-{i}", f"run-{n}", lease_s=600):
                won[n].append(f"WO-{i}")

    threads = [threading.Thread(target=console, args=(n,)) for n in range(consoles)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in stores:
        s.close()
    every = [wo for mine in won.values() for wo in mine]
    assert sorted(every) == sorted(f"WO-{i}" for i in range(orders))  # once each, none lost


def test_one_run_per_console_with_who_holds_it(pg_url: str, store: PgStore) -> None:
    assert store.run_holder() is None
    with store.hold_run(Action.EXPORT):
        holder = store.run_holder()
        assert holder is not None
        assert (holder.action, holder.pid, holder.host, holder.profile) == (
            Action.EXPORT,
            os.getpid(),
            "office-pc",
            "/profiles/a",
        )
        assert holder.since.tzinfo is not None
        same_console = PgStore(pg_url, profile="/profiles/a", host="office-pc")
        other_console = PgStore(pg_url, profile="/profiles/b", host="office-pc")
        try:
            with pytest.raises(RunBusy) as info, same_console.hold_run(Action.RESET):
                pass
            assert info.value.holder == holder
            assert "export runs on /profiles/a since" in str(info.value)
            assert "on office-pc" in str(info.value)
            with other_console.hold_run(Action.EXPORT):  # another console runs freely
                assert other_console.run_holder() is not None
        finally:
            same_console.close()
            other_console.close()
    assert store.run_holder() is None
    with store.hold_run(Action.RESET):
        assert store.run_holder().action is Action.RESET  # type: ignore[union-attr]


def test_a_second_run_waits_for_the_first_up_to_wait_s(pg_url: str, store: PgStore) -> None:
    second = PgStore(pg_url, profile="/profiles/a", host="office-pc")
    held, release, order = threading.Event(), threading.Event(), []

    def first_run() -> None:
        with store.hold_run(Action.EXPORT):
            held.set()
            release.wait(30)
            order.append("first done")

    t = threading.Thread(target=first_run)
    t.start()
    try:
        assert held.wait(30)
        with pytest.raises(RunBusy), second.hold_run(Action.EXPORT, wait_s=0.2):
            pass
        releaser = threading.Timer(0.3, release.set)
        releaser.start()
        with second.hold_run(Action.EXPORT, wait_s=30):
            order.append("second runs")
        releaser.join()
    finally:
        release.set()
        t.join()
        second.close()
    assert order == ["first done", "second runs"]


_HOLDER_SCRIPT = """
import sys
from vismadesk.domain import Action
from vismadesk.store.postgres import PgStore
store = PgStore(sys.argv[1], profile="/profiles/a", host="office-pc")
with store.hold_run(Action.EXPORT):
    store.claim("WO-9", "run-killed", lease_s=0.5)
    print("held", flush=True)
    sys.stdin.read()  # until killed
"""


def test_a_holder_killed_with_kill_9_never_blocks_the_next_run(pg_url: str, store: PgStore) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER_SCRIPT, pg_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        holder = store.run_holder()
        assert holder is not None and holder.pid == proc.pid
        with pytest.raises(RunBusy), store.hold_run(Action.EXPORT):
            pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
        # The server drops the lock with the dead process's connection; waiting for
        # that is waiting on the server, bounded by wait_s.
        with store.hold_run(Action.EXPORT, wait_s=30):
            assert store.run_holder().pid == os.getpid()  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()
    # Its claim lapses by its lease, and the next run takes the work order over.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5)
    assert store.claims_expired_before(later) == ["WO-9"]


def test_a_dead_runs_leftover_row_is_not_reported_as_a_holder(pg_url: str, store: PgStore) -> None:
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as c:
        c.execute(
            "INSERT INTO run_lock (lock_key, action, since, pid, host, profile, backend_pid)"
            " VALUES (%s, 'export', now(), 4242, 'office-pc', '/profiles/a', 1)",
            (store._run_lock.key,),
        )
    assert store.run_holder() is None
    with store.hold_run(Action.EXPORT):
        assert store.run_holder().pid == os.getpid()  # type: ignore[union-attr]
