"""One live log: whoever writes the log (another process, another console), every
subscriber hears of it, and a view growing by `log_since` never misses an entry."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.helpers.store_backends import Backend
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.store.api import StoreAPI


def _entry(summary: str, **kw: object) -> LogEntry:
    return LogEntry(Action.EXPORT, Level.INFO, summary, **kw)  # type: ignore[arg-type]


@pytest.fixture
def two(backend: Backend) -> Iterator[tuple[StoreAPI, StoreAPI]]:
    """Two stores on the same data: this console's and another's (or another process's)."""
    a, b = backend.open(), backend.open()
    try:
        yield a, b
    finally:
        a.close()
        b.close()


def test_a_subscriber_hears_of_what_another_store_writes(
    two: tuple[StoreAPI, StoreAPI],
) -> None:
    mine, theirs = two
    heard = threading.Event()
    unsubscribe = mine.subscribe(heard.set, poll_s=0.05)
    heard.clear()  # a team store says hello once when it starts listening
    theirs.add_log(_entry("written by the other console"))
    assert heard.wait(10)
    assert [e.summary for e in mine.log_since(0)] == ["written by the other console"]

    unsubscribe()
    heard.clear()
    theirs.add_log(_entry("nobody listens"))
    assert mine.log_since(0)[-1].summary == "nobody listens"


def test_closing_the_store_stops_its_listener(backend: Backend) -> None:
    store = backend.open()
    store.subscribe(lambda: None, poll_s=0.05)
    before = {t.name for t in threading.enumerate()}
    assert before & {"vismadesk-log-poller", "vismadesk-log-listener"}
    store.close()
    after = {t.name for t in threading.enumerate()}
    assert not after & {"vismadesk-log-poller", "vismadesk-log-listener"}


def test_a_view_growing_by_log_since_misses_nothing_while_consoles_write(
    backend: Backend,
) -> None:
    writers, per_writer = 4, 150
    stores = [backend.open() for _ in range(writers)]
    reader = backend.open()
    start = threading.Barrier(writers + 1)
    done = threading.Event()
    finished: list[int] = []

    def console(n: int) -> None:
        start.wait()
        for i in range(per_writer):
            stores[n].add_log(_entry(f"console {n} entry {i}", run_id=f"run-{n}"))
        finished.append(n)
        if len(finished) == writers:
            done.set()

    threads = [threading.Thread(target=console, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    seen: list[int] = []
    checked = 0
    start.wait()
    try:
        while True:
            last_pass = done.is_set()
            new = reader.log_since(checked, limit=1000)
            seen.extend(e.id or 0 for e in new)
            if new:
                checked = new[-1].id  # type: ignore[assignment]
            if last_pass and not new:
                break
        for t in threads:
            t.join()
        every = [e.id or 0 for e in reader.log_page(limit=writers * per_writer + 1)]
        assert len(every) == writers * per_writer
        assert sorted(seen) == sorted(every)  # the live view saw every entry, once
    finally:
        for s in (*stores, reader):
            s.close()


def test_a_window_on_one_profile_shows_another_profiles_run_live(qtbot, pg_url: str) -> None:
    from vismadesk.store.postgres import PgStore
    from vismadesk.ui.log_panel import LogPanel
    from vismadesk.ui.log_rows import summary_of

    planner_a = PgStore(pg_url, profile="/profiles/a", host="pc-a")
    server_b = PgStore(pg_url, profile="/profiles/b", host="office-server")
    panel = LogPanel(planner_a, poll_ms=1000)
    qtbot.addWidget(panel)
    panel.show()
    try:
        qtbot.waitUntil(lambda: panel.model.loaded)
        server_b.add_logs(
            [
                _entry("Scheduled export started", run_id="night"),
                _entry("Work order WO-7 exported as sales invoice 000123", run_id="night"),
            ]
        )
        # Heard through the server (LISTEN/NOTIFY), well before a poll would come.
        qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=5000)
        assert summary_of(panel.model.index(0, 0)) == (
            "Work order WO-7 exported as sales invoice 000123"
        )
    finally:
        panel.close_model()
        planner_a.close()
        server_b.close()
