"""Fixtures for the window's tests: a store with entries, and the window on the sandbox."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
import shiboken6

from vismadesk.demo import DemoSession, start_demo
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.sandbox.browser import play_browser
from vismadesk.store import Store
from vismadesk.ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "log.sqlite3")
    try:
        yield s
    finally:
        s.close()


def entry(
    n: int,
    level: Level = Level.SUCCESS,
    *,
    summary: str | None = None,
    work_order: str | None = None,
    action: Action = Action.EXPORT,
    details: dict | None = None,
    code: str | None = None,
    record: str | None = None,
) -> LogEntry:
    wo = work_order or f"WO{n:05d}"
    return LogEntry(
        action=action,
        level=level,
        summary=summary or f"Work order {wo} exported as customer invoice {n}",
        details=details or {"hint": "Find it in VISMA.net under Customer invoices."},
        work_order=wo,
        record=record,
        code=code,
        time=dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC) + dt.timedelta(seconds=n),
    )


def fill(store: Store, count: int, *, every_error: int = 0, start: int = 0) -> None:
    """`count` entries; every `every_error`-th one an error about a missing material."""
    batch = []
    for n in range(start, start + count):
        if every_error and n % every_error == 0:
            batch.append(
                entry(
                    n,
                    Level.ERROR,
                    summary=f"Material M-{n} on work order WO{n:05d} not found in VISMA.net",
                    code="material_not_in_visma",
                )
            )
        else:
            batch.append(entry(n))
    store.add_logs(batch)


# --- the window on the sandbox ---------------------------------------------------------


class Planner:
    """The person at the window: answers questions and signs in when the browser opens."""

    def __init__(self) -> None:
        self.answers: list[str] = []
        self.asked: list[tuple[str, str]] = []
        self.approve = True
        self.browser_threads: list[threading.Thread] = []
        self.opened: list[str] = []

    def ask(self, title: str, text: str, choices: Sequence[str]) -> str | None:
        self.asked.append((title, text))
        answer = self.answers.pop(0) if self.answers else None
        assert answer is None or answer in choices, (answer, choices)
        return answer

    def open_url(self, url: str) -> bool:
        # The real window hands the address to the system browser and returns; so
        # does this, and the "browser" signs in on the sandbox page in its own thread.
        self.opened.append(url)
        t = threading.Thread(
            target=play_browser, args=(url,), kwargs={"approve": self.approve}, daemon=True
        )
        t.start()
        self.browser_threads.append(t)
        return True

    def join(self) -> None:
        for t in self.browser_threads:
            t.join(15)


@pytest.fixture
def demo() -> Iterator[DemoSession]:
    session = start_demo(work_orders=60, seed=7)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def planner() -> Iterator[Planner]:
    p = Planner()
    yield p
    p.join()


@pytest.fixture
def make_window(qtbot, planner: Planner) -> Iterator[Callable[..., MainWindow]]:  # type: ignore[no-untyped-def]
    made: list[MainWindow] = []

    def make(session: DemoSession, **kwargs: object) -> MainWindow:
        kwargs.setdefault("poll_ms", 200)
        w = MainWindow(
            session.context, open_url=planner.open_url, demo=True, ask=planner.ask, **kwargs
        )
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        return w

    yield make
    for w in made:
        if not shiboken6.isValid(w):
            continue
        if w.runs.busy:
            w.runs.cancel()
            qtbot.waitUntil(lambda w=w: not w.runs.busy, timeout=30_000)
        w.shutdown()


def finish(qtbot, window: MainWindow, start: Callable[[], object], timeout: int = 60_000):  # type: ignore[no-untyped-def]
    """Start a run the way `start` does and wait until it has ended; its RunResult."""
    with qtbot.waitSignal(window.run_finished, timeout=timeout) as blocker:
        started = start()
    assert started is not False, "the run did not start"
    return blocker.args[0]
