"""The person at the window, and running one of its runs to the end."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from pytestqt.qtbot import QtBot

from vismadesk.sandbox.browser import play_browser
from vismadesk.ui.main_window import MainWindow


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


def finish(
    qtbot: QtBot, window: MainWindow, start: Callable[[], object], timeout: int = 60_000
) -> Any:
    """Start a run the way `start` does and wait until it has ended; its RunResult."""
    with qtbot.waitSignal(window.run_finished, timeout=timeout) as blocker:
        started = start()
    assert started is not False, "the run did not start"
    return blocker.args[0]


def settle_layouts(passes: int = 5) -> None:
    """Run the layout passes and repaints Qt has queued (posted LayoutRequest events)
    now: what a short wait did, without waiting on the clock."""
    from PySide6.QtCore import QCoreApplication, QEvent

    for _ in range(passes):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QCoreApplication.processEvents()
