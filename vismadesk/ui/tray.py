"""The tray icon: runs nobody watches are not silent.

The icon says idle, running or "errors in the last run" (its picture and its tooltip),
offers Open, Export work orders and Quit, and pops up a desktop notification when a
run nobody was watching ends with errors: an auto-sync, a run while the window sits
in the tray or minimised, or a scheduled `vismadesk export` in another process. With
the `keep_in_tray` setting, closing the window leaves vismadesk in the tray, so its
auto-sync goes on.

`TrayStatus` is the state and its words, without Qt's tray: a desktop without a tray
(Qt says so with `QSystemTrayIcon.isSystemTrayAvailable()`) still has it, and tests
check it there. `TrayIcon` is the Qt part, made only when the desktop has a tray.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QMenu, QSystemTrayIcon

from vismadesk.domain import Level
from vismadesk.i18n import _
from vismadesk.store import RunHolder, StoreAPI
from vismadesk.ui import texts
from vismadesk.ui.actions import label
from vismadesk.ui.icons import icon

if TYPE_CHECKING:
    from vismadesk.ui.main_window import MainWindow

NOTIFY_MS = 15_000
# Errors counted after a run in another process: enough to say "many".
OTHER_RUN_ERRORS_LIMIT = 10_000
_ICON_PX = 64


class TrayState(StrEnum):
    IDLE = "idle"
    RUNNING = "running"
    ERRORS = "errors"


@dataclass(frozen=True, slots=True)
class Notification:
    title: str
    text: str


@dataclass(slots=True)
class TrayStatus:
    """What the tray shows: a run under way, or the errors of the last one until the
    planner has looked (opened the window)."""

    running: str | None = None  # the run's label
    errors: int = 0

    @property
    def state(self) -> TrayState:
        if self.running is not None:
            return TrayState.RUNNING
        return TrayState.ERRORS if self.errors else TrayState.IDLE

    def tooltip(self) -> str:
        if self.running is not None:
            return _(texts.TRAY_RUNNING).format(action=self.running)
        if self.errors:
            return texts.TRAY_ERRORS.format(self.errors)
        return _(texts.TRAY_IDLE)

    def started(self, action: str) -> None:
        self.running = action

    def ended(
        self, action: str, errors: int, *, watched: bool, scheduled: bool = False
    ) -> Notification | None:
        """A run ended; the notification to show when nobody watched it and it had errors."""
        self.running = None
        self.errors = errors
        if errors <= 0 or watched:
            return None
        title = texts.NOTIFY_SCHEDULED_ERRORS_TITLE if scheduled else texts.NOTIFY_ERRORS_TITLE
        return Notification(_(title).format(action=action), texts.NOTIFY_ERRORS.format(errors))

    def seen(self) -> None:
        """The planner opened the window: the errors are in the log before them."""
        self.errors = 0


def tray_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def state_icon(state: TrayState) -> QIcon:
    """The app's icon, with a badge for running (sync arrows) or errors (the error sign)."""
    base = icon("app").pixmap(_ICON_PX, _ICON_PX)
    badge = {TrayState.RUNNING: "sync-all", TrayState.ERRORS: "error"}.get(state)
    if badge is None:
        return QIcon(base)
    picture = QPixmap(base)
    painter = QPainter(picture)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    side = _ICON_PX * 5 // 9
    spot = QRect(QPoint(_ICON_PX - side, _ICON_PX - side), picture.rect().bottomRight())
    if state is TrayState.RUNNING:
        # The sync arrows are the app's own blue: on a white disc, over the check mark
        # that means "all well".
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawEllipse(spot)
        inner = side * 3 // 4
        spot = spot.adjusted((side - inner) // 2, (side - inner) // 2, 0, 0)
        spot.setSize(QSize(inner, inner))
    painter.drawPixmap(spot, icon(badge).pixmap(spot.width(), spot.height()))
    painter.end()
    return QIcon(picture)


class TrayIcon(QObject):
    """The icon in the tray and its menu; Qt's QSystemTrayIcon behind a small face."""

    open_requested = Signal()
    export_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject, make: Callable[[QObject], QSystemTrayIcon]) -> None:
        super().__init__(parent)
        self.icon = make(self)
        self.icon.setObjectName("trayIcon")
        self.menu = QMenu()
        self.menu.setObjectName("trayMenu")
        self.open_action = QAction(self)
        self.open_action.setObjectName("trayOpen")
        self.open_action.triggered.connect(self.open_requested)
        self.export_action = QAction(icon("export"), "", self)
        self.export_action.setObjectName("trayExport")
        self.export_action.triggered.connect(self.export_requested)
        self.quit_action = QAction(self)
        self.quit_action.setObjectName("trayQuit")
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.open_action)
        self.menu.addAction(self.export_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self.open_requested)
        self.shown_state: TrayState | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.open_action.setText(_(texts.TRAY_OPEN))
        self.export_action.setText(_(texts.EXPORT_WORK_ORDERS))
        self.quit_action.setText(_(texts.QUIT))

    def show_status(self, status: TrayStatus) -> None:
        if status.state is not self.shown_state:
            self.icon.setIcon(state_icon(status.state))
            self.shown_state = status.state
        self.icon.setToolTip(status.tooltip())
        # One run at a time: Export waits until the one under way has ended.
        self.export_action.setEnabled(status.running is None)
        self.icon.show()

    def notify(self, note: Notification) -> None:
        self.icon.showMessage(note.title, note.text, QSystemTrayIcon.MessageIcon.Warning, NOTIFY_MS)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_requested.emit()

    def close(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()


class TrayController(QObject):
    """The window's side of the tray: follows its runs, the runs of other processes on
    the profile, and closing to the tray. Works (without an icon) on a desktop with no
    tray, where closing the window quits as always."""

    # After each change of the status (for tests and the screenshots).
    status_changed = Signal()
    notified = Signal(object)  # Notification

    def __init__(
        self,
        window: MainWindow,
        store: StoreAPI,
        *,
        available: Callable[[], bool] = tray_available,
        make_icon: Callable[[QObject], QSystemTrayIcon] = QSystemTrayIcon,
        app_quit: Callable[[], None] = QApplication.quit,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._store = store
        self._app_quit = app_quit
        self.status = TrayStatus()
        self.tray: TrayIcon | None = TrayIcon(self, make_icon) if available() else None
        self.hidden_to_tray = False
        self._background_run = False
        self._said_keeps_running = False
        self._other_run_from: int | None = None
        self._other_action = ""
        if self.tray is not None:
            self.tray.open_requested.connect(self.open_window)
            self.tray.export_requested.connect(window.export_work_orders)
            self.tray.quit_requested.connect(self.quit)
        window.runs.started.connect(self._on_started)
        window.runs.finished.connect(self._on_finished)
        self._show()

    @Slot(str)
    def _on_started(self, kind: str) -> None:
        self.run_started(label(kind))

    @Slot(str, object)
    def _on_finished(self, kind: str, _result: object) -> None:
        if not self._window.closed_for_good:
            self.run_ended(label(kind), self._window.runs.errors)

    # --- following the runs ---------------------------------------------------------

    def mark_background(self) -> None:
        """The next run is started by a timer, not by the planner (auto-sync)."""
        self._background_run = True

    def run_started(self, action: str) -> None:
        if not self._unwatched():
            self._background_run = False
        self.status.started(action)
        self._show()

    def run_ended(self, action: str, errors: int) -> None:
        watched = not (self._background_run or self._unwatched())
        self._background_run = False
        self._tell(self.status.ended(action, errors, watched=watched))

    def other_run_started(self, holder: RunHolder, action: str) -> None:
        """Another process (a scheduled export) holds the profile: it runs now."""
        self._other_run_from = self._store.latest_log_id()
        self._other_action = action
        if self.status.running is None:
            self.status.started(action)
            self._show()

    def other_run_ended(self) -> None:
        """The other process let go: count the errors it wrote while it ran."""
        if self._other_run_from is None:
            return
        start, self._other_run_from = self._other_run_from, None
        found = self._store.log_since(start, limit=OTHER_RUN_ERRORS_LIMIT, levels=[Level.ERROR])
        if self._window.runs.busy:
            return  # this window's own run follows on; it reports when it ends
        # Nobody sees another process's run in this window: it counts as unwatched
        # unless the planner has the window in front of them.
        watched = not self._unwatched()
        self._tell(
            self.status.ended(self._other_action, len(found), watched=watched, scheduled=True)
        )

    def _unwatched(self) -> bool:
        w = self._window
        return self.hidden_to_tray or not w.isVisible() or w.isMinimized()

    def _tell(self, note: Notification | None) -> None:
        self._show()
        if note is not None:
            if self.tray is not None:
                self.tray.notify(note)
            self.notified.emit(note)

    def _show(self) -> None:
        if self.tray is not None:
            self.tray.show_status(self.status)
        self.status_changed.emit()

    def retranslate(self) -> None:
        if self.tray is not None:
            self.tray.retranslate()
        else:
            # Nothing to keep running in: the setting is greyed, saying why.
            box = self._window.form.keep_in_tray
            box.setEnabled(False)
            box.setToolTip(_(texts.KEEP_IN_TRAY_NO_TRAY))
        self._show()

    # --- the window ---------------------------------------------------------------------

    @Slot()
    def open_window(self) -> None:
        w = self._window
        self.hidden_to_tray = False
        w.showNormal() if w.isMinimized() else w.show()
        w.raise_()
        w.activateWindow()
        self.status.seen()
        self._show()

    def keeps_running(self, event: QCloseEvent) -> bool:
        """Closing the window: hide it in the tray instead, when the setting says so and
        the desktop has a tray. True when the close was turned into a hide."""
        if self.tray is None or not self._window.ctx.settings.keep_in_tray:
            return False
        event.ignore()
        self._window.hide()
        self.hidden_to_tray = True
        if not self._said_keeps_running:
            self._said_keeps_running = True
            self.tray.notify(
                Notification(_(texts.TRAY_KEEPS_RUNNING_TITLE), _(texts.TRAY_KEEPS_RUNNING))
            )
        return True

    @Slot()
    def quit(self) -> None:
        """Quit for real (tray menu, File → Quit), even from the tray."""
        was_hidden = self.hidden_to_tray
        self._window.quit()
        # A hidden window's close is not "the last window closed": Qt would go on.
        if was_hidden and self._window.closed_for_good:
            self._app_quit()

    def close(self) -> None:
        if self.tray is not None:
            self.tray.close()
            self.tray = None
