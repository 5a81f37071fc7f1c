"""The tray: idle / running / errors, a notification for runs nobody watched, Open,
Export and Quit, and the window kept in the tray on close.

Offscreen Qt has no system tray (`isSystemTrayAvailable()` is false), so the state and
its words are tested on `TrayStatus` directly and the window without a tray as it is;
the tray icon itself comes in through the controller's seam (`available`, `make_icon`),
a real QSystemTrayIcon that records the notifications it is asked to show.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

import pytest
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QSystemTrayIcon

from tests.helpers.window import finish
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import Action, ExportFormat, Level, LogEntry
from vismadesk.store import RunHolder
from vismadesk.ui import tray as tray_module
from vismadesk.ui.main_window import MainWindow
from vismadesk.ui.tray import TrayController, TrayState, TrayStatus

# A tray icon shown on the offscreen platform, which has no tray, makes Qt say so once.
pytestmark = pytest.mark.qt_log_ignore(
    "No such signal QPlatformNativeInterface::systemTrayWindowChanged"
)


class RecordingTrayIcon(QSystemTrayIcon):
    """A real tray icon that keeps what it was asked to pop up."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.messages: list[tuple[str, str]] = []

    def showMessage(self, title, text, *args) -> None:
        self.messages.append((title, text))


@pytest.fixture
def ready_demo(demo: DemoSession) -> DemoSession:
    demo.sign_in_as_service()
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    return demo


@pytest.fixture
def quits() -> list[int]:
    return []


@pytest.fixture
def tray_window(make_window, ready_demo: DemoSession, quits: list[int]):
    def make(**kwargs) -> MainWindow:
        def with_tray(w: MainWindow) -> TrayController:
            return TrayController(
                w,
                w.ctx.store,
                available=lambda: True,
                make_icon=RecordingTrayIcon,
                app_quit=lambda: quits.append(1),
            )

        return make_window(ready_demo, make_tray=with_tray, **kwargs)

    return make


def _icon(window: MainWindow) -> RecordingTrayIcon:
    assert window.tray.tray is not None
    icon = window.tray.tray.icon
    assert isinstance(icon, RecordingTrayIcon)
    return icon


# --- the state and its words, without a tray -------------------------------------------


def test_the_status_goes_idle_running_errors_and_back_when_the_planner_looks() -> None:
    status = TrayStatus()
    assert (status.state, status.tooltip()) == (TrayState.IDLE, "vismadesk: idle")
    status.started("Export work orders")
    assert status.state is TrayState.RUNNING
    assert status.tooltip() == "vismadesk: Export work orders running"
    assert status.ended("Export work orders", 3, watched=True) is None  # seen as it ended
    assert status.state is TrayState.ERRORS
    assert status.tooltip() == "vismadesk: 3 errors in the last run; open the log"
    status.seen()
    assert status.state is TrayState.IDLE


def test_an_unwatched_run_with_errors_is_notified_naming_how_many() -> None:
    status = TrayStatus()
    status.started("Sync all")
    assert status.ended("Sync all", 0, watched=False) is None  # no errors: no pop-up
    note = status.ended("Sync all", 1, watched=False)
    assert note is not None
    assert (note.title, note.text) == (
        "Sync all ended with errors",
        "1 error in the log. Click to open vismadesk.",
    )
    note = status.ended("Export", 12, watched=False, scheduled=True)
    assert note is not None and note.title == "A scheduled Export ended with errors"
    assert note.text.startswith("12 errors in the log.")


def test_the_notification_in_dutch(dutch) -> None:
    note = TrayStatus().ended("Werkbonnen exporteren", 2, watched=False)
    assert note is not None
    assert note.title == "Werkbonnen exporteren is klaar met fouten"
    assert note.text == "2 fouten in het logboek. Klik om vismadesk te openen."
    assert TrayStatus().tooltip() == "vismadesk: niets te doen"


def test_each_state_has_its_own_picture(qapp) -> None:
    images = {s: tray_module.state_icon(s).pixmap(32, 32).toImage() for s in TrayState}
    assert not any(i.isNull() for i in images.values())
    assert images[TrayState.IDLE] != images[TrayState.RUNNING] != images[TrayState.ERRORS]
    assert images[TrayState.IDLE] != images[TrayState.ERRORS]


# --- the window on a desktop without a tray -------------------------------------------


def test_without_a_tray_closing_the_window_quits_even_with_the_setting(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    ready_demo.context.settings.keep_in_tray = True
    window: MainWindow = make_window(
        ready_demo, make_tray=lambda w: TrayController(w, w.ctx.store, available=lambda: False)
    )
    assert window.tray.tray is None
    window.close()
    assert window.closed_for_good


def test_without_a_tray_the_setting_is_greyed_saying_why(
    qtbot, ready_demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(
        ready_demo, make_tray=lambda w: TrayController(w, w.ctx.store, available=lambda: False)
    )
    box = window.form.keep_in_tray
    assert not box.isEnabled()
    assert box.toolTip() == "This desktop has no system tray: closing the window quits vismadesk."


def test_with_a_tray_the_setting_is_in_the_form_and_saved(qtbot, tray_window) -> None:
    window: MainWindow = tray_window()
    box = window.form.keep_in_tray
    assert box.isEnabled()
    assert box.text() == "Keep running in the tray when the window is closed"
    assert not box.isChecked()
    box.setChecked(True)
    assert window.form.save()
    assert window.ctx.settings.keep_in_tray is True


# --- the window with a tray (through the seam) -----------------------------------------


def test_the_tray_follows_a_run_and_its_menu_exports_and_opens(qtbot, tray_window) -> None:
    window: MainWindow = tray_window()
    icon = _icon(window)
    assert icon.isVisible() and icon.toolTip() == "vismadesk: idle"
    menu = window.tray.tray.menu  # type: ignore[union-attr]
    assert [a.text() for a in menu.actions() if a.text()] == [
        "Open vismadesk",
        "Export work orders",
        "Quit",
    ]
    seen: list[tuple[str, bool]] = []
    export = window.tray.tray.export_action  # type: ignore[union-attr]
    window.tray.status_changed.connect(lambda: seen.append((icon.toolTip(), export.isEnabled())))
    result = finish(qtbot, window, window.tray.tray.export_action.trigger)  # type: ignore[union-attr]
    assert ("vismadesk: Export work orders running", False) in seen  # greyed while it runs
    assert export.isEnabled()
    assert result.exit_code == 1 and window.runs.errors > 0, "the demo has work orders that fail"
    # The planner started it and watched it end: the tray says so, no pop-up.
    assert icon.toolTip() == f"vismadesk: {window.runs.errors} errors in the last run; open the log"
    assert window.tray.status.state is TrayState.ERRORS
    assert icon.messages == []
    window.tray.tray.open_action.trigger()  # type: ignore[union-attr]
    assert window.tray.status.state is TrayState.IDLE and window.isVisible()


def test_an_auto_sync_nobody_watches_pops_up_its_errors(qtbot, tray_window) -> None:
    window: MainWindow = tray_window()
    icon = _icon(window)
    window.hide()  # the planner is elsewhere
    window.tray.mark_background()
    result = finish(qtbot, window, window.export_work_orders)
    errors = window.runs.errors
    assert result.exit_code == 1 and errors > 0
    assert icon.messages == [
        (
            "Export work orders ended with errors",
            f"{errors} errors in the log. Click to open vismadesk.",
        )
    ]
    icon.messageClicked.emit()  # clicking the pop-up opens the window
    assert window.isVisible() and window.tray.status.state is TrayState.IDLE


def test_closing_keeps_it_in_the_tray_and_quit_quits(qtbot, tray_window, quits) -> None:
    window: MainWindow = tray_window()
    window.ctx.settings.keep_in_tray = True
    icon = _icon(window)
    window.close()
    assert not window.isVisible() and not window.closed_for_good
    assert window._auto_sync_timer is not None and window.tray.hidden_to_tray
    assert icon.messages[0][0] == "vismadesk keeps running"
    window.close()  # a second close says it only once
    assert len(icon.messages) == 1
    window.tray.tray.quit_action.trigger()  # type: ignore[union-attr]
    assert window.closed_for_good and quits == [1]


def test_file_quit_quits_even_with_the_setting(qtbot, tray_window, quits) -> None:
    window: MainWindow = tray_window()
    window.ctx.settings.keep_in_tray = True
    quit_action = next(
        a for a in window.findChildren(type(window.export_log_action)) if a.text() == "Quit"
    )
    quit_action.trigger()
    assert window.closed_for_good
    assert quits == []  # the window was on screen: Qt quits on its own


def test_a_scheduled_export_in_another_process_with_errors_is_notified(qtbot, tray_window) -> None:
    window: MainWindow = tray_window()
    window.hide()
    icon = _icon(window)
    holder = RunHolder(
        Action.EXPORT, dt.datetime.now(dt.UTC), os.getpid() + 1, socket.gethostname(), "cron"
    )
    window.tray.other_run_started(holder, "Export")
    assert window.tray.status.state is TrayState.RUNNING
    msg = messages.MATERIAL_NOT_IN_VISMA
    window.ctx.store.add_logs(
        [
            LogEntry(Action.EXPORT, Level.ERROR, msg.render(material=f"M{n}", work_order="W1"))
            for n in range(4)
        ]
        + [LogEntry(Action.EXPORT, Level.SUCCESS, "Work order W2 exported")]
    )
    window.tray.other_run_ended()
    assert icon.messages == [
        ("A scheduled Export ended with errors", "4 errors in the log. Click to open vismadesk.")
    ]
