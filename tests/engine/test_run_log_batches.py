"""An export's log entries are stored in batches: each is reported only once it is
in the store (with its id), all of them are there when the log closes, in order, and
a store that fails says so instead of losing entries quietly."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from vismadesk import messages
from vismadesk.domain import Action, LogEntry
from vismadesk.engine.runs import RunLog
from vismadesk.store import Store, StoreError


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "vismadesk.sqlite3")
    try:
        yield s
    finally:
        s.close()


def test_entries_from_many_threads_are_stored_and_then_reported(store: Store) -> None:
    reported: list[LogEntry] = []
    seen_in_store: list[bool] = []
    lock = threading.Lock()

    def on_log(entry: LogEntry) -> None:
        with lock:
            reported.append(entry)
            seen_in_store.append(entry.id is not None and store.log_entry(entry.id) is not None)

    log = RunLog(store, Action.EXPORT, "run-1", on_log, batched=True)

    def emit(thread: int) -> None:
        for i in range(50):
            log.emit(messages.WORK_ORDER_NOT_MARKED, work_order=f"WO-{thread}-{i}", record="x")

    threads = [threading.Thread(target=emit, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()

    assert len(reported) == 400 and all(seen_in_store)
    stored = store.log_since(0, limit=1000)
    assert [e.work_order for e in stored] == [e.work_order for e in reported]
    # Each thread's own entries keep their order.
    mine = [e.work_order for e in stored if (e.work_order or "").startswith("WO-3-")]
    assert mine == [f"WO-3-{i}" for i in range(50)]


class FailingStore(Store):
    def add_logs(self, entries: Iterable[LogEntry]) -> list[LogEntry]:
        raise StoreError("the disk is full")


def test_a_store_that_cannot_write_the_log_stops_the_run(tmp_path: Path) -> None:
    store = FailingStore(tmp_path / "vismadesk.sqlite3")
    try:
        log = RunLog(store, Action.EXPORT, "run-1", batched=True)
        log.emit(messages.NOTHING_TO_DO)
        with pytest.raises(StoreError, match="the disk is full"):
            log.close()
    finally:
        store.close()
