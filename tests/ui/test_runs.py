"""Runs from the window: one at a time, cancel, close during a run, sign-in states."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from tests.helpers.window import Planner, finish
from vismadesk import messages
from vismadesk.demo import DemoSession, start_demo
from vismadesk.domain import ExitCode, ExportFormat
from vismadesk.store import Store
from vismadesk.ui.actions import RunKind
from vismadesk.ui.log_rows import summary_of
from vismadesk.ui.main_window import MainWindow
from vismadesk.ui.texts import KEEP_RUNNING, STOP_AND_CLOSE
from vismadesk.visma.auth import AuthStatus


@pytest.fixture
def ready_demo(demo: DemoSession) -> DemoSession:
    """Signed in (as a scheduled run would be) with Sales invoice chosen."""
    demo.sign_in_as_service()
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    return demo


def newest_summary(window: MainWindow) -> str:
    return summary_of(window.log_panel.proxy.index(0, 0))


def test_a_second_run_is_refused_clearly(qtbot, ready_demo: DemoSession, make_window) -> None:
    ready_demo.sandbox.faults(latency_ms=40)
    window: MainWindow = make_window(ready_demo)
    export = window.actions_by_kind[RunKind.EXPORT]
    sync_all = window.actions_by_kind[RunKind.SYNC_ALL]
    with qtbot.waitSignal(window.run_finished, timeout=60_000):
        export.trigger()
        assert not export.isEnabled()
        assert sync_all.isEnabled()
        sync_all.trigger()
        assert window.runs.running is RunKind.EXPORT
        assert window.statusBar().currentMessage() == (
            "Export work orders is still running. Wait for it to finish or click Cancel."
        )
        assert not window.work_orders.export_button.isEnabled()
    assert export.isEnabled()


def test_cancel_in_the_status_bar_stops_the_run(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    ready_demo.sandbox.faults(latency_ms=40)
    ready_demo.context.settings.concurrency = 1
    window: MainWindow = make_window(ready_demo)

    def start_then_cancel() -> bool:
        started = window.export_work_orders()
        assert window.cancel_button.isVisible()
        qtbot.waitUntil(lambda: window.progress.maximum() > 0, timeout=20_000)
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
        return started

    result = finish(qtbot, window, start_then_cancel)
    assert result.cancelled
    assert not window.cancel_button.isVisible()
    qtbot.waitUntil(lambda: newest_summary(window).startswith("Export cancelled after"))


def test_closing_during_a_run_asks_cancels_and_waits(
    qtbot, ready_demo: DemoSession, planner: Planner, make_window
) -> None:
    ready_demo.sandbox.faults(latency_ms=40)
    window: MainWindow = make_window(ready_demo)
    window.export_work_orders()

    planner.answers = [KEEP_RUNNING]
    assert not window.close()
    assert window.isVisible() and window.runs.busy
    assert planner.asked[-1][0] == "An action is running"

    planner.answers = [STOP_AND_CLOSE]
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as blocker:
        # The window does not block the event loop waiting: it closes once stopped.
        assert not window.close()
    assert blocker.args[0].cancelled
    qtbot.waitUntil(lambda: not window.isVisible())
    assert not window.runs.busy
    # Closing again does not ask again.
    assert len(planner.asked) == 2


def test_unsaved_settings_are_asked_about_on_close(
    qtbot, demo: DemoSession, planner: Planner, make_window
) -> None:
    window: MainWindow = make_window(demo)
    window.form.sales_order.setChecked(True)
    planner.answers = ["Cancel"]
    assert not window.close()
    assert window.form.dirty
    planner.answers = ["Save"]
    assert window.close()
    assert demo.context.settings.export_format is ExportFormat.SALES_ORDER


def test_the_event_loop_keeps_turning_during_an_export(qtbot, make_window) -> None:
    session = start_demo(work_orders=400, seed=3)
    try:
        session.sign_in_as_service()
        session.context.settings.export_format = ExportFormat.SALES_ORDER
        session.context.settings.new_material = True
        session.context.settings.new_relation = True
        window: MainWindow = make_window(session)
        qtbot.waitUntil(lambda: not window.tasks.busy)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        probe = QTimer()
        probe.setInterval(5)
        probe.timeout.connect(tick)
        probe.start()
        try:
            result = finish(qtbot, window, window.export_work_orders, timeout=120_000)
        finally:
            probe.stop()
        assert result.total >= 300
        # The timer kept firing all through the export; how long the worst gap was is
        # bench/gui_stall.py's figure, not a test's.
        assert len(gaps) > 20
        window.shutdown()
    finally:
        session.close()


def test_a_token_lost_during_a_run_flips_the_header(qtbot, demo: DemoSession, make_window) -> None:
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    window: MainWindow = make_window(demo)
    finish(qtbot, window, window.login)
    assert window.header.headline.text().startswith("Connected as")
    # VISMA.net forgets every token (as when the integration is revoked there).
    demo.sandbox.expire_tokens()
    demo.sandbox.revoke_refresh_tokens()
    result = finish(qtbot, window, window.export_work_orders)
    assert result.exit_code == ExitCode.CONFIG
    assert window.header.headline.text() == "Not signed in to VISMA.net"
    assert demo.context.tokens.state.status is AuthStatus.SIGNED_OUT
    seed_texts = {messages.TOKEN_INVALID.text, messages.TOKEN_REFRESH_FAILED.text}
    qtbot.waitUntil(lambda: newest_summary(window) in seed_texts | {_had_errors(window)})
    errors = [e.summary for e in demo.context.store.log_page(limit=50) if e.run_id == result.run_id]
    assert seed_texts & set(errors), errors


def _had_errors(window: MainWindow) -> str:
    text = newest_summary(window)
    return text if "work orders have errors" in text else ""


def test_sign_in_can_be_cancelled_while_waiting_for_the_browser(
    qtbot, demo: DemoSession, make_window
) -> None:
    opened: list[str] = []

    def browser_that_nobody_uses(url: str) -> bool:
        opened.append(url)
        return True

    window = MainWindow(demo.context, open_url=browser_that_nobody_uses, ask=lambda *a: None)
    qtbot.addWidget(window)
    window.show()
    header = window.header

    def login_then_cancel() -> bool:
        started = window.login()
        qtbot.waitUntil(lambda: header.headline.text() == "Waiting for sign-in in your browser…")
        qtbot.waitUntil(lambda: bool(opened))
        assert header.cancel_button.isVisible()
        assert header.copy_link.isVisible()
        qtbot.mouseClick(header.copy_link, Qt.MouseButton.LeftButton)
        assert window.statusBar().currentMessage().startswith("The sign-in address")
        assert QGuiApplication.clipboard().text() == opened[0]
        qtbot.mouseClick(header.cancel_button, Qt.MouseButton.LeftButton)
        return started

    try:
        result = finish(qtbot, window, login_then_cancel)
        assert result.failed == 1
        assert header.headline.text() == "Not signed in to VISMA.net"
        qtbot.waitUntil(
            lambda: newest_summary(window) == "Sign-in to VISMA.net failed: sign-in was cancelled"
        )
    finally:
        window.shutdown()


def test_a_browser_that_cannot_open_is_reported(qtbot, demo: DemoSession, make_window) -> None:
    window = MainWindow(demo.context, open_url=lambda _url: False, ask=lambda *a: None)
    qtbot.addWidget(window)
    try:
        result = finish(qtbot, window, window.login)
        assert result.failed == 1
        qtbot.waitUntil(lambda: "browser could not be opened" in newest_summary(window))
    finally:
        window.shutdown()


def test_auto_sync_runs_sync_all_on_its_timer(qtbot, ready_demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(ready_demo)
    timer = window._auto_sync_timer
    assert not timer.isActive()  # off by default
    window.form.auto_sync.setValue(15)
    assert window.form.save()
    assert timer.isActive() and timer.interval() == 15 * 60_000
    with qtbot.waitSignal(window.run_finished, timeout=60_000) as blocker:
        timer.timeout.emit()
        assert window.runs.running is RunKind.SYNC_ALL
    assert blocker.args[0].exit_code == 0
    assert window.header.lights["codes"].label.text().startswith("Codes synced")


def test_a_long_session_does_not_pile_up_database_connections(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(ready_demo)
    store = ready_demo.context.store
    assert isinstance(store, Store)
    finish(qtbot, window, window.sync_all)
    qtbot.waitUntil(lambda: not window.tasks.busy)
    # Every run and read has its own thread(s); each thread's connection must close
    # with it, or a window left open for days runs out of file handles.
    open_after_first = len(store._all)
    for _ in range(4):
        finish(qtbot, window, window.sync_all)
        finish(qtbot, window, window.export_work_orders)
        qtbot.waitUntil(lambda: not window.tasks.busy)
    qtbot.waitUntil(lambda: len(store._all) <= open_after_first)
