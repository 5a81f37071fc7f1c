"""Fixtures for the window's tests: a store, and the window on the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6

from tests.helpers.window import Planner
from vismadesk.demo import DemoSession, start_demo
from vismadesk.store import Store
from vismadesk.ui.main_window import MainWindow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "log.sqlite3")
    try:
        yield s
    finally:
        s.close()


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
def make_window(qtbot, planner: Planner) -> Iterator[Callable[..., MainWindow]]:
    made: list[MainWindow] = []

    def make(session: DemoSession, **kwargs: Any) -> MainWindow:
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


@pytest.fixture(autouse=True)
def english_unless_asked() -> Iterator[None]:
    """The language is process-wide: each window test starts and ends in English (Qt's
    own translations included)."""
    from vismadesk import i18n
    from vismadesk.ui import log_rows, qt_language

    i18n.set_language("en")
    yield
    i18n.set_language("en")
    qt_language.install("en")
    log_rows.forget_pictures()


@pytest.fixture
def dutch() -> Iterator[None]:
    """Run the test in Dutch, as a planner with a Dutch system sees the window."""
    from vismadesk import i18n
    from vismadesk.ui import qt_language

    i18n.set_language("nl")
    qt_language.install("nl")
    yield
