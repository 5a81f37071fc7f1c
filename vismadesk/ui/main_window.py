"""The main window: settings on the left, the log (and the work orders) on the right.

It wires the parts together and owns the runs: every action goes through one
`RunController`, so there is one run at a time; reads that only list things go
through a `TaskRunner`. What each run is (label, icon, shortcut, job) is in
`actions`. Nothing here talks to the network on the GUI thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import weakref
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vismadesk import i18n, messages
from vismadesk.config import Settings
from vismadesk.domain import ExportFormat, JournalEntry, JournalState, Level, LogEntry, WorkOrder
from vismadesk.engine import selection, sync
from vismadesk.engine.context import Context
from vismadesk.engine.runs import Progress, RunResult, holder_values
from vismadesk.errors import AppError
from vismadesk.i18n import _, format_datetime, format_number
from vismadesk.messages import FixAction
from vismadesk.store import RunHolder, StoreError
from vismadesk.ui import qt_language, screen_fit, style, texts
from vismadesk.ui.about_dialog import AboutDialog
from vismadesk.ui.actions import (
    RUNS,
    Place,
    RunKind,
    label,
    make_action,
    make_job,
    retranslate_action,
)
from vismadesk.ui.details_dialog import DetailsDialog
from vismadesk.ui.help_dialog import HelpDialog
from vismadesk.ui.icons import icon
from vismadesk.ui.log_export import LogExportFlow
from vismadesk.ui.log_header import LogHeader
from vismadesk.ui.log_model import POLL_MS, LogFilter
from vismadesk.ui.log_panel import LogPanel
from vismadesk.ui.log_rows import forget_pictures
from vismadesk.ui.plain import plain_label
from vismadesk.ui.quick_checks import (
    codes_check,
    connection_check,
    ready_check,
    settings_check,
    token_check,
)
from vismadesk.ui.schedule_dialog import ScheduleDialog
from vismadesk.ui.settings_form import SettingsForm
from vismadesk.ui.tray import TrayController
from vismadesk.ui.window_state import WindowState
from vismadesk.ui.work_orders_tab import WorkOrdersTab
from vismadesk.ui.workers import RunController, TaskRunner
from vismadesk.visma.auth import AuthState, AuthStatus
from vismadesk.visma.client import Retry

log = logging.getLogger(__name__)

# (title, text, choices) -> the chosen choice, or None when the question was dismissed.
Ask = Callable[[str, str, Sequence[str]], str | None]
LIGHTS_REFRESH_MS = 30_000
# How often the window looks whether another process (a scheduled export, a second
# window) holds the profile's run lock.
HOLDER_POLL_MS = 2_000


def open_in_system_browser(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


def message_box_ask(parent: QWidget) -> Ask:
    def ask(title: str, text: str, choices: Sequence[str]) -> str | None:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        buttons = {box.addButton(c, QMessageBox.ButtonRole.ActionRole): c for c in choices}
        box.exec()
        return buttons.get(box.clickedButton())  # type: ignore[call-overload]

    return ask


class _AuthBridge(QObject):
    """Carries sign-in changes and retry notices (reported on any thread) to the GUI
    thread."""

    changed = Signal(object)
    retrying = Signal(object)


# Runs that talk to VISMA.net: one ending without VISMA.net errors clears the warning.
_VISMA_RUNS = frozenset(
    {
        RunKind.EXPORT,
        RunKind.EXPORT_SELECTED,
        RunKind.SYNC_RELATIONS,
        RunKind.SYNC_MATERIALS,
        RunKind.SYNC_ALL,
        RunKind.LOGIN,
    }
)
# How much of the window the settings may take, and how narrow they may get: the widest
# row of fields (Send work order as, in Dutch) and the scroll bar, nothing cut off.
FORM_MIN_WIDTH = 290


class MainWindow(QMainWindow):
    # Every run's result when it has ended and its thread is gone (None if it crashed).
    run_finished = Signal(object)
    # After the work order lists were read from OutSmart (or failed to be).
    work_orders_loaded = Signal()

    def __init__(
        self,
        ctx: Context,
        *,
        open_url: Callable[[str], bool] | None = None,
        demo: bool = False,
        ask: Ask | None = None,
        poll_ms: int = POLL_MS,
        startup_notes: Sequence[str] = (),
        make_tray: Callable[[MainWindow], TrayController] | None = None,
        make_log_export: Callable[[MainWindow], LogExportFlow] | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.demo = demo
        self.ask: Ask = ask or message_box_ask(self)
        self.runs = RunController(open_url or open_in_system_browser, self)
        self.tasks = TaskRunner(self)
        self._close_when_idle = False
        self._shut_down = False
        self._quitting = False
        self.about: AboutDialog | None = None
        self._after_run: Callable[[], object] | None = None
        self._counts: tuple[int, int] | None = None
        self._lists_loading = False
        self.details: DetailsDialog | None = None
        self.store_dialog: QMessageBox | None = None
        self.help: HelpDialog | None = None
        # What VISMA.net last answered, while its answers are errors (the header says so).
        self.visma_trouble: str | None = None
        self._retry: Retry | None = None
        self._progress_seen: Progress | None = None
        # The details dialog whose note waits for a run to end: (dialog, run, fix).
        self._fix_pending: tuple[DetailsDialog, RunKind, FixAction] | None = None

        self.setWindowIcon(icon("app"))
        self._build(poll_ms)
        self._wire()
        self.log_export = (make_log_export or _log_export_flow)(self)
        self.log_export.ended.connect(self._notice)
        self.tray = (make_tray or (lambda w: TrayController(w, w.ctx.store)))(self)
        self.retranslate()
        self.window_state = WindowState(
            ctx.profile.config_dir / "window.ini", self, self.splitter, self.log_panel, self.tabs
        )
        self.window_state.restore()
        self._on_auth(ctx.tokens.state)
        self._apply_auto_sync()
        self._refresh_lights()
        for note in startup_notes:
            self.statusBar().showMessage(note)
        if self._outsmart_ready():
            self.load_work_statuses()
            self.load_work_orders()
        else:
            self.work_orders.set_problem_text(texts.WORK_ORDERS_NEED_TOKENS)

    # --- building -------------------------------------------------------------------

    def _build(self, poll_ms: int) -> None:
        self._build_layout(poll_ms)
        self._build_menus()
        self._build_status_bar()
        self._lights_timer = QTimer(self)
        self._lights_timer.setInterval(LIGHTS_REFRESH_MS)
        self._lights_timer.timeout.connect(self._refresh_lights)
        self._lights_timer.start()
        self._auto_sync_timer = QTimer(self)
        self._auto_sync_timer.timeout.connect(self._auto_sync)
        self._held_by: RunHolder | None = None
        self._holder_timer = QTimer(self)
        self._holder_timer.setInterval(HOLDER_POLL_MS)
        self._holder_timer.timeout.connect(self._check_holder)
        self._holder_timer.start()

    def _build_layout(self, poll_ms: int) -> None:
        self.form = SettingsForm(self.ctx)
        self.form.export_defaults.use(self.tasks, self.ctx)
        self.form.save_blocker = self._save_blocker
        self.form.setMinimumWidth(FORM_MIN_WIDTH)

        self.header = LogHeader()
        self.log_panel = LogPanel(self.ctx.store, poll_ms=poll_ms)
        self.work_orders = WorkOrdersTab()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rightTabs")
        self.tabs.addTab(self.log_panel, "")
        self.tabs.addTab(self.work_orders, "")
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(4, 0, 0, 0)
        rl.addWidget(self.header)
        rl.addWidget(self.tabs, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.form)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([360, 800])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(8, 8, 8, 4)
        if self.demo:
            self.banner = QLabel()
            self.banner.setObjectName("demoBanner")
            self.banner.setWordWrap(True)
            self.banner.setStyleSheet(style.DEMO_BANNER)
            cl.addWidget(self.banner)
        cl.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        toolbar = self.addToolBar("")
        toolbar.setObjectName("actionsToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar = toolbar
        menu_file = self.menuBar().addMenu("")
        menu_actions = self.menuBar().addMenu("")
        menu_connection = self.menuBar().addMenu("")
        menu_view = self.menuBar().addMenu("")
        menu_help = self.menuBar().addMenu("")
        self._menus = {
            texts.MENU_FILE: menu_file,
            texts.MENU_ACTIONS: menu_actions,
            texts.MENU_CONNECTION: menu_connection,
            texts.MENU_VIEW: menu_view,
            texts.MENU_HELP: menu_help,
        }

        self._build_run_actions(toolbar, menu_actions, menu_connection)
        self._build_file_menu(menu_file)
        self._build_language_menu(menu_view)
        self._build_help_menu(menu_help)

    def _build_run_actions(
        self, toolbar: QToolBar, menu_actions: QMenu, menu_connection: QMenu
    ) -> None:
        # The runs the toolbar offers: greyed while they (or one like them) run.
        self.actions_by_kind: dict[RunKind, QAction] = {}
        offered: dict[RunKind, QAction] = {}
        for run in RUNS.values():
            if run.place is Place.ELSEWHERE:
                continue
            action = make_action(run, self)
            action.triggered.connect(lambda _checked=False, k=run.kind: self.start_run(k))
            offered[run.kind] = action
            if run.place is Place.TOOLBAR:
                toolbar.addAction(action)
                menu_actions.addAction(action)
                self.actions_by_kind[run.kind] = action
            else:
                menu_connection.addAction(action)
        self.login_action = offered[RunKind.LOGIN]
        self.disconnect_action = offered[RunKind.DISCONNECT]
        self._run_actions = offered

        menu_actions.addSeparator()
        self.cancel_action = QAction(icon("cancel"), "", self)
        self.cancel_action.setShortcut(QKeySequence("Ctrl+."))
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(self.cancel_run)
        menu_actions.addAction(self.cancel_action)

    def _build_file_menu(self, menu_file: QMenu) -> None:
        save = QAction(self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.triggered.connect(self.form.save)
        find = QAction(self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        quit_action = QAction(self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.quit)
        self.export_log_action = QAction(self)
        self.export_log_action.setObjectName("exportLog")
        self.export_log_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.export_log_action.triggered.connect(lambda: self.log_export.start())
        menu_file.addAction(save)
        menu_file.addAction(find)
        menu_file.addAction(self.export_log_action)
        menu_file.addSeparator()
        menu_file.addAction(quit_action)
        self.addActions([save, find, quit_action, self.login_action, self.cancel_action])
        self._labelled: list[tuple[QAction, str]] = [
            (save, texts.SAVE_SETTINGS),
            (find, texts.SEARCH_LOG),
            (quit_action, texts.QUIT),
            (self.cancel_action, texts.CANCEL),
            (self.export_log_action, texts.EXPORT_LOG),
        ]

    def _build_language_menu(self, menu_view: QMenu) -> None:
        # View → Language: the `language` setting, switched at once.
        self.language_menu = menu_view.addMenu("")
        self.language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for choice in i18n.LANGUAGE_SETTINGS:
            action = QAction(self)
            action.setObjectName(f"language_{choice}")
            action.setCheckable(True)
            action.triggered.connect(lambda _checked=False, c=choice: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[choice] = action

    def _build_help_menu(self, menu_help: QMenu) -> None:
        self.help_action = QAction(self)
        self.help_action.setObjectName("helpTroubleshooting")
        self.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.help_action.triggered.connect(self.open_help)
        menu_help.addAction(self.help_action)
        self.addAction(self.help_action)
        self._labelled.append((self.help_action, texts.HELP_TROUBLESHOOTING))
        self.schedule_action = QAction(self)
        self.schedule_action.setObjectName("scheduleNightly")
        self.schedule_action.triggered.connect(self.open_schedule)
        menu_help.addAction(self.schedule_action)
        self._labelled.append((self.schedule_action, texts.SCHEDULE_ACTION))
        self.about_action = QAction(self)
        self.about_action.setObjectName("helpAbout")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.open_about)
        menu_help.addSeparator()
        menu_help.addAction(self.about_action)
        self._labelled.append((self.about_action, texts.HELP_ABOUT))

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = plain_label()  # names the work order being exported
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancelRun")
        self.cancel_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.clicked.connect(self.cancel_run)
        for w in (self.progress_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(w)
            w.hide()
        bar.showMessage(_(texts.READY))

    # --- language -------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every word of the window in the language chosen now."""
        title = _(texts.WINDOW_TITLE_DEMO) if self.demo else texts.WINDOW_TITLE
        self.setWindowTitle(title)
        for msgid, menu in self._menus.items():
            menu.setTitle(_(msgid))
        self.toolbar.setWindowTitle(_(texts.TOOLBAR_ACTIONS))
        for kind, action in self._run_actions.items():
            retranslate_action(action, RUNS[kind])
        for action, msgid in self._labelled:
            action.setText(_(msgid))
        self.language_menu.setTitle(_(texts.MENU_LANGUAGE))
        for choice, action in self.language_actions.items():
            action.setText(_(i18n.LANGUAGE_LABELS[choice]))
        chosen = self.language_actions.get(self.ctx.settings.language)
        if chosen is not None:
            chosen.setChecked(True)
        self.cancel_button.setText(_(texts.CANCEL))
        self.tabs.setTabText(self.tabs.indexOf(self.log_panel), _(texts.TAB_LOG))
        self.tabs.setTabText(self.tabs.indexOf(self.work_orders), _(texts.TAB_WORK_ORDERS))
        if self.demo:
            self.banner.setText(_(texts.DEMO_BANNER))
        self.tray.retranslate()
        self.form.retranslate()
        self.header.retranslate()
        self.work_orders.retranslate()
        self.log_panel.retranslate()
        self._on_auth(self.ctx.tokens.state)
        self._refresh_lights()
        if self.runs.running is not None:
            self._show_progress()

    @Slot(str)
    def set_language(self, choice: str) -> None:
        """Switch to `choice` (auto, nl, en) at once and keep it in the `language` setting."""
        if choice != self.ctx.settings.language:
            try:
                self.form.apply_one("language", choice)
            except Exception as e:  # a refused save: say why, keep the language
                self._notice(str(e))
                return
        self.apply_language()

    def apply_language(self) -> None:
        """Show the window in the language the settings now say."""
        i18n.set_language(self.ctx.settings.language)
        qt_language.install(i18n.current_language())
        forget_pictures()
        self.retranslate()
        # The rows carry their words: read them again in the new language.
        self.log_panel.model.reload()
        if self.details is not None and shiboken6.isValid(self.details):
            self.open_entry(self.details.entry.id or 0)
        if self.help is not None and shiboken6.isValid(self.help) and self.help.isVisible():
            self.help.close()
            self.open_help()
        self.statusBar().showMessage(_(texts.LANGUAGE_CHANGED), 5000)

    @Slot()
    def open_help(self) -> HelpDialog:
        if self.help is not None and shiboken6.isValid(self.help):
            self.help.close()
        self.help = HelpDialog(self)
        self.help.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen_fit.fit(self.help, 680, 620)
        self.help.show()
        return self.help

    @Slot()
    def open_about(self) -> AboutDialog:
        if self.about is not None and shiboken6.isValid(self.about):
            self.about.close()
        self.about = AboutDialog(self)
        self.about.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about.show()
        return self.about

    def open_schedule(self) -> ScheduleDialog:
        dialog = ScheduleDialog(self.ctx.profile, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        screen_fit.fit(dialog, 640, 360)
        dialog.show()
        return dialog

    def _wire(self) -> None:
        self.runs.started.connect(self._on_run_started)
        self.runs.finished.connect(self._on_run_finished)
        self.runs.crashed.connect(self._on_run_crashed)
        self.runs.store_failed.connect(self._on_store_failed)
        self.runs.progress_changed.connect(self._on_progress)
        self.runs.refused.connect(self._on_run_refused)
        self.runs.log_written.connect(self.log_panel.model.notify_new_entries)
        self.log_panel.model.read_failed.connect(self._notice)

        self._auth_bridge = _AuthBridge(self)
        self._auth_bridge.changed.connect(self._on_auth)
        self._auth_bridge.retrying.connect(self._on_retry)
        bridge = weakref.ref(self._auth_bridge)

        def forward(state: AuthState) -> None:
            b = bridge()
            # The session may outlive this window (tests, a reopened window).
            if b is not None and shiboken6.isValid(b):
                b.changed.emit(state)

        def forward_retry(retry: Retry) -> None:
            b = bridge()
            if b is not None and shiboken6.isValid(b):
                b.retrying.emit(retry)

        self.ctx.add_auth_listener(forward)
        self.ctx.add_retry_listener(forward_retry)
        self.runs.log_written.connect(self._show_progress)

        self.header.login_clicked.connect(self.login)
        self.header.disconnect_clicked.connect(lambda: self.start_run(RunKind.DISCONNECT))
        self.header.cancel_sign_in_clicked.connect(self.cancel_run)
        self.header.copy_sign_in_clicked.connect(self._copy_sign_in)

        self.form.dirty_changed.connect(self._on_dirty)
        self.form.saved.connect(self._on_saved)
        self.form.notice.connect(self._notice)
        self.form.test_connection_requested.connect(self.test_outsmart)

        self.log_panel.entry_activated.connect(self.open_entry)
        self.work_orders.open_requested.connect(self.open_work_order)
        self.work_orders.refresh_clicked.connect(self.load_work_orders)
        self.work_orders.reset_clicked.connect(lambda chosen: self.start_run(RunKind.RESET, chosen))
        self.work_orders.export_clicked.connect(
            lambda chosen: self.start_run(RunKind.EXPORT_SELECTED, chosen)
        )
        self.tabs.currentChanged.connect(self._on_tab)

    # --- runs -------------------------------------------------------------------------

    def start_run(self, kind: RunKind, chosen: Sequence[str] = ()) -> bool:
        """Start a run (on these work orders, for one that needs them); False if refused."""
        if RUNS[kind].on_chosen and not chosen:
            return False
        if kind in (RunKind.EXPORT, RunKind.EXPORT_SELECTED) and not self._settings_for_export():
            return False
        started = self.runs.start(kind, make_job(kind, self.ctx, chosen))
        if started and kind is RunKind.DISCONNECT:
            # The tokens are forgotten whatever the revoke answers: say so at once.
            self.header.set_state(AuthState(AuthStatus.SIGNED_OUT), busy=True)
        return started

    # The runs other code starts by name (fixes, auto-sync, tests, the benches).

    @Slot()
    def export_work_orders(self) -> bool:
        return self.start_run(RunKind.EXPORT)

    @Slot()
    def sync_all(self) -> bool:
        return self.start_run(RunKind.SYNC_ALL)

    @Slot()
    def login(self) -> bool:
        return self.start_run(RunKind.LOGIN)

    def _settings_for_export(self) -> bool:
        """An export uses the saved settings: a Send work order as chosen but not saved
        is offered to be saved first (or the export goes with the saved one). False when
        the planner cancels, or the save failed."""
        new, _errors = self.form.current()
        saved = self.ctx.settings.export_format
        if not self.form.dirty or new.export_format in (None, saved):
            return True
        names = {
            ExportFormat.SALES_ORDER: texts.SALES_ORDER,
            ExportFormat.SALES_INVOICE: texts.SALES_INVOICE,
        }
        choices = [_(texts.SAVE_AND_EXPORT)]
        if saved is not None:
            choices.append(_(texts.EXPORT_WITH_SAVED))
        choices.append(_(texts.CANCEL))
        question = _(texts.EXPORT_UNSAVED_FORMAT).format(choice=_(names[new.export_format]))
        answer = self.ask(_(texts.EXPORT_UNSAVED_TITLE), question, choices)
        if answer == _(texts.SAVE_AND_EXPORT):
            return self.form.save()
        return answer == _(texts.EXPORT_WITH_SAVED) and saved is not None

    @Slot()
    def cancel_run(self) -> None:
        kind = self.runs.running
        if kind is None:
            return
        self.runs.cancel()
        self.statusBar().showMessage(_(texts.RUN_CANCELLING).format(action=label(kind)))

    @Slot(str)
    def _on_run_started(self, kind: str) -> None:
        k = RunKind(kind)
        for greyed in (k, RUNS[k].greys):
            if greyed in self.actions_by_kind:
                self.actions_by_kind[greyed].setEnabled(False)
        self.cancel_action.setEnabled(True)
        self.work_orders.set_busy(True)
        self._retry = None
        self._progress_seen = None
        self._on_auth(self.ctx.tokens.state)
        running = _(texts.RUNNING).format(action=label(k))
        self.statusBar().showMessage(running)
        self.progress_label.setText(running)
        self.progress.setRange(0, 0)  # busy until the first progress report
        for w in (self.progress_label, self.progress, self.cancel_button):
            w.show()

    @Slot(object)
    def _on_progress(self, p: Progress) -> None:
        if p.total > 0:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
        if self._progress_seen is not None and p.done > self._progress_seen.done:
            self._retry = None  # work goes on: the retries got through
        self._progress_seen = p
        self._show_progress()

    @Slot()
    def _show_progress(self) -> None:
        """The progress line: done of total, the errors so far, or the retry under way."""
        kind = self.runs.running
        if kind is None:
            return
        action = label(kind)
        if self._retry is not None:
            r = self._retry
            text = _(texts.RETRYING).format(
                service=r.service,
                attempt=format_number(r.attempt),
                attempts=format_number(r.attempts),
            )
        else:
            p = getattr(self, "_progress_seen", None)
            if p is not None and p.total > 0:
                text = _(texts.PROGRESS).format(
                    action=action, done=format_number(p.done), total=format_number(p.total)
                )
            else:
                text = _(texts.RUNNING).format(action=action)
            if self.runs.errors:
                text = f"{text} · {texts.PROGRESS_ERRORS.format(self.runs.errors)}"
        self.progress_label.setText(text)

    @Slot(object)
    def _on_retry(self, retry: Retry) -> None:
        """A VISMA.net request is about to be sent again: say so instead of a silent wait."""
        if self.runs.running is None:
            return
        self._retry = retry
        self.visma_trouble = retry.why
        self._on_auth(self.ctx.tokens.state)
        self._show_progress()

    @Slot(str)
    def _on_run_refused(self, running: str) -> None:
        self._notice(_(texts.RUN_BUSY).format(running=label(running)))

    @Slot(str, str)
    def _on_run_crashed(self, kind: str, text: str) -> None:
        self._notice(f"{_(texts.RUN_FAILED).format(action=label(kind))} {text}")

    @Slot(str, str)
    def _on_store_failed(self, kind: str, text: str) -> None:
        """The database could not be used (damaged, locked, read-only, full): a dialog,
        since every next run would meet it too."""
        self._notice(_(texts.RUN_STOPPED_BY_STORE).format(action=label(kind), problem=text))
        box = QMessageBox(QMessageBox.Icon.Critical, _(texts.STORE_FAILED_TITLE), text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setObjectName("storeFailed")
        self.store_dialog = box
        box.open()

    @Slot(str, object)
    def _on_run_finished(self, kind: str, result: RunResult | None) -> None:
        if self._shut_down:
            # Closed while it ran: the session may be gone; only report the end.
            self.run_finished.emit(result)
            return
        k = RunKind(kind)
        for action in self.actions_by_kind.values():
            action.setEnabled(True)
        self.cancel_action.setEnabled(False)
        self.work_orders.set_busy(False)
        self._check_holder()
        self._apply_held()
        for w in (self.progress_label, self.progress, self.cancel_button):
            w.hide()
        self._retry = None
        trouble = self.runs.trouble
        if trouble is not None:
            self.visma_trouble = messages.shown_summary(
                trouble.code, trouble.params, trouble.summary
            )
        elif k in _VISMA_RUNS and result is not None:
            self.visma_trouble = None
        outcome = ""
        if result is not None:
            message = {0: texts.RUN_FINISHED, 1: texts.RUN_HAD_ERRORS}.get(
                result.exit_code, texts.RUN_FAILED
            )
            outcome = _(message).format(action=label(k))
            self.statusBar().showMessage(outcome, 10_000)
        self._end_fix_note(k, result, outcome)
        self._on_auth(self.ctx.tokens.state)
        self._refresh_lights()
        if RUNS[k].changes_work_orders and not self._close_when_idle:
            self.load_work_orders()
        self.run_finished.emit(result)
        after, self._after_run = self._after_run, None
        if self._close_when_idle:
            self.close()
        elif after is not None:
            after()

    # --- another process holding the profile ----------------------------------------------

    @Slot()
    def _check_holder(self) -> None:
        """Grey Export and Sync while another process runs on this profile, and say so;
        enable them again once it has ended."""
        if self._shut_down or self.runs.busy:
            return  # this window's own run holds the profile: no other can
        try:
            holder = self.ctx.store.run_holder()
        except (StoreError, OSError):
            return
        if holder is not None and (holder.pid, holder.host) == (os.getpid(), socket.gethostname()):
            holder = None  # this process's own run, starting or ending
        if holder == self._held_by:
            return
        was_held, self._held_by = self._held_by, holder
        if holder is not None:
            values = holder_values(holder)
            message = messages.PROFILE_HELD
            self.ctx.store.add_log(
                LogEntry(
                    holder.action,
                    message.level,
                    message.render(**values),
                    {"hint": message.hint, "pid": holder.pid, "host": holder.host},
                    code=message.code,
                    params=dict(values),
                )
            )
            self.log_panel.model.notify_new_entries()
            self.tray.other_run_started(holder, messages.ACTION_NAMES[holder.action])
        elif was_held is not None:
            self.tray.other_run_ended()
        self._apply_held()

    def _apply_held(self) -> None:
        holder = self._held_by
        for action in self.actions_by_kind.values():
            action.setEnabled(holder is None)
        self.work_orders.set_busy(holder is not None)
        note = None
        if holder is not None:
            values = holder_values(holder)
            # In the window's words and date format, like the log entry beside it.
            values["action"] = _(values["action"])
            values["since"] = format_datetime(holder.since, seconds=True)
            note = _(texts.PROFILE_HELD_NOTE).format(**values)
        self.header.set_held(note)

    # --- sign-in --------------------------------------------------------------------------

    @Slot(object)
    def _on_auth(self, state: AuthState) -> None:
        trouble = self.visma_trouble if state.status is AuthStatus.CONNECTED else None
        self.header.set_state(state, busy=self.runs.busy, trouble=trouble)
        self.disconnect_action.setEnabled(state.status is AuthStatus.CONNECTED)
        self.header.set_check("connection", connection_check(state, trouble))
        self.header.set_check("token", token_check(state))

    def _copy_sign_in(self) -> None:
        url = self.runs.last_sign_in_url
        if url:
            QGuiApplication.clipboard().setText(url)
            self._notice(_(texts.SIGN_IN_ADDRESS_COPIED))

    # --- details and fixes ----------------------------------------------------------------

    @Slot(int)
    def open_entry(self, entry_id: int) -> DetailsDialog | None:
        entry = self.ctx.store.log_entry(entry_id)
        if entry is None:
            return None
        if self.details is not None and shiboken6.isValid(self.details):
            self.details.close()
        dialog = DetailsDialog(entry, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fix_requested.connect(self.apply_fix)
        for fix, note in self._fixes_in_place().items():
            dialog.mark_applied(fix, note)
        dialog.show()
        self.details = dialog
        return dialog

    @Slot(str)
    def open_work_order(self, number: str) -> DetailsDialog | None:
        """The latest error entry of a work order (or its latest entry), from the lists."""
        store = self.ctx.store
        found = store.log_page(limit=1, levels=[Level.ERROR], work_order=number) or (
            store.log_page(limit=1, work_order=number)
        )
        if not found or found[0].id is None:
            self._notice(_(texts.NO_LOG_FOR_WORK_ORDER).format(work_order=number))
            return None
        return self.open_entry(found[0].id)

    def _fixes_in_place(self) -> dict[FixAction, str]:
        """Fixes with nothing left to do: their buttons are greyed, saying why."""
        s = self.ctx.settings
        done: dict[FixAction, str] = {}
        if s.new_material:
            done[FixAction.ENABLE_NEW_MATERIAL] = _(texts.NEW_MATERIAL_ON)
        if s.new_relation:
            done[FixAction.ENABLE_NEW_RELATION] = _(texts.NEW_RELATION_ON)
        state = self.ctx.tokens.state
        if state.status is AuthStatus.CONNECTED and not state.error:
            done[FixAction.LOGIN] = _(texts.CHECK_CONNECTED)
        return done

    @Slot(object, object)
    def apply_fix(self, fix: FixAction, entry: LogEntry) -> None:
        note = ""
        dialog = (
            self.details if self.details is not None and shiboken6.isValid(self.details) else None
        )
        run: RunKind | None = None
        try:
            if fix is FixAction.ENABLE_NEW_MATERIAL:
                self.form.apply_one("new_material", True)
                note = _(texts.FIX_DONE).format(what=_(texts.NEW_MATERIAL_ON))
            elif fix is FixAction.ENABLE_NEW_RELATION:
                self.form.apply_one("new_relation", True)
                note = _(texts.FIX_DONE).format(what=_(texts.NEW_RELATION_ON))
            elif fix is FixAction.CHOOSE_EXPORT_FORMAT:
                self.form.focus_field("export_format")
                note = _(texts.CHOOSE_SEND_AS)
            elif fix is FixAction.ENTER_OUTSMART_TOKENS:
                self.form.focus_field("outsmart_token")
                note = _(texts.WORK_ORDERS_NEED_TOKENS)
            elif fix is FixAction.LOGIN:
                if self.login():
                    run, note = RunKind.LOGIN, _(texts.SIGNING_IN)
            elif fix is FixAction.RECONNECT:
                if self.start_run(RunKind.DISCONNECT):
                    self._after_run = self.login
                    run, note = RunKind.LOGIN, _(texts.SIGNING_IN)
            elif fix is FixAction.SYNC_RELATIONS:
                if self.start_run(RunKind.SYNC_RELATIONS):
                    run = RunKind.SYNC_RELATIONS
                    note = _(texts.RUNNING).format(action=label(run))
            elif (
                fix is FixAction.RESET_STATUS
                and entry.work_order
                and self.start_run(RunKind.RESET, [entry.work_order])
            ):
                run, note = RunKind.RESET, _(texts.RUNNING).format(action=label(RunKind.RESET))
        except Exception as e:  # a refused save: say why, change nothing
            note = str(e)
        if dialog is None:
            return
        if note:
            dialog.show_note(note)
        if run is not None:
            # The note says what is under way until that run ends (`_end_fix_note`).
            self._fix_pending = (dialog, run, fix)
            dialog.mark_applied(fix)
        elif fix in self._fixes_in_place():
            dialog.mark_applied(fix, self._fixes_in_place()[fix])

    def _end_fix_note(self, kind: RunKind, result: RunResult | None, outcome: str) -> None:
        """A fix's run ended: its note says how, and a fix that failed can be tried again."""
        if self._fix_pending is None:
            return
        dialog, run, fix = self._fix_pending
        if run is not kind:
            if kind is RunKind.DISCONNECT and run is RunKind.LOGIN:
                return  # Disconnect and log in again: the login follows
            self._fix_pending = None
            return
        self._fix_pending = None
        if not shiboken6.isValid(dialog):
            return
        ok = result is not None and result.exit_code == 0 and not result.cancelled
        dialog.show_note(outcome)
        button = dialog.fix_buttons.get(fix)
        if button is not None:
            button.setEnabled(not ok)

    # --- settings -------------------------------------------------------------------------

    def _save_blocker(self, new: Settings) -> str | None:
        reconnect = self.ctx.needs_reconnect(new)
        if reconnect and (self.runs.busy or self.tasks.busy):
            return _(texts.SAVE_WAITS_FOR_RUN)
        return None

    @Slot(bool)
    def _on_dirty(self, dirty: bool) -> None:
        self.setWindowModified(dirty)
        self._refresh_lights()

    @Slot(object)
    def _on_saved(self, _settings: object) -> None:
        self._apply_auto_sync()
        self._refresh_lights()
        self.statusBar().showMessage(_(texts.SAVED), 5000)
        if i18n.resolve_language(self.ctx.settings.language) != i18n.current_language():
            self.apply_language()
        if self._outsmart_ready():
            self.load_work_statuses()
            self.load_work_orders()

    def _apply_auto_sync(self) -> None:
        minutes = self.ctx.settings.auto_sync_minutes
        if minutes > 0:
            self._auto_sync_timer.start(minutes * 60_000)
        else:
            self._auto_sync_timer.stop()

    @Slot()
    def _auto_sync(self) -> None:
        running = self.runs.running
        if running is not None:
            self.statusBar().showMessage(
                _(texts.AUTO_SYNC_SKIPPED).format(running=label(running)), 10_000
            )
            return
        if self._held_by is not None:  # another process runs on this profile
            name = messages.ACTION_NAMES[self._held_by.action]
            self.statusBar().showMessage(texts.AUTO_SYNC_SKIPPED.format(running=name), 10_000)
            return
        self.tray.mark_background()
        self.sync_all()

    # --- reads ----------------------------------------------------------------------------

    def _outsmart_ready(self) -> bool:
        try:
            return self.ctx.outsmart.has_tokens()
        except Exception:  # an unusable keyring: the runs will say so in the log
            return False

    @Slot()
    def load_work_orders(self) -> None:
        if self._lists_loading or self._shut_down:
            return
        if not self._outsmart_ready():
            self.work_orders.set_problem_text(texts.WORK_ORDERS_NEED_TOKENS)
            return
        self._lists_loading = True
        self.work_orders.set_loading()
        ctx = self.ctx

        def done(result: object, error: BaseException | None) -> None:
            self._lists_loading = False
            if error is not None or not isinstance(result, tuple):
                self.work_orders.set_problem(_error_text(error))
            else:
                ready, failed, reasons, twice = result
                self.work_orders.set_lists(ready, failed, reasons, twice)
                self._counts = (len(ready), len(failed))
            self._refresh_lights()
            self.work_orders_loaded.emit()

        def read() -> tuple[list[WorkOrder], list[WorkOrder], dict[str, str], list[JournalEntry]]:
            ready, failed = selection.work_order_lists(ctx.outsmart, ctx.settings)
            reasons = {}
            for wo in failed:
                journal = ctx.store.journal_get(wo.number)
                if journal is not None and journal.last_error:
                    reasons[wo.number] = journal.last_error
            # A done or created entry keeps a note only when the work order is in
            # VISMA.net twice (engine/duplicates.py).
            sent = ctx.store.journal_entries([JournalState.DONE, JournalState.CREATED])
            return ready, failed, reasons, [e for e in sent if e.last_error]

        self.tasks.submit("work-orders", read, done)

    def load_work_statuses(self) -> None:
        outsmart = self.ctx.outsmart
        self.form.show_statuses_note(_(texts.STATUSES_LOADING))

        def done(result: object, error: BaseException | None) -> None:
            if error is not None or not isinstance(result, list):
                self.form.show_statuses_note(_error_text(error))
            else:
                self.form.set_work_statuses(result)
                self.work_orders.status_names = {s.code: s.name for s in result}

        self.tasks.submit("work-statuses", outsmart.work_statuses, done)

    @Slot(str, str)
    def test_outsmart(self, token: str, software_token: str) -> None:
        outsmart = self.ctx.outsmart

        def done(_result: object, error: BaseException | None) -> None:
            if error is None:
                self.form.show_connection_result(True, _(texts.CONNECTION_OK))
            else:
                self.form.show_connection_result(False, _error_text(error))

        self.tasks.submit(
            "check-outsmart", lambda: outsmart.check(token or None, software_token or None), done
        )

    # --- quick checks ---------------------------------------------------------------------

    @Slot()
    def _refresh_lights(self) -> None:
        state = self.ctx.tokens.state
        store = self.ctx.store
        trouble = self.visma_trouble if state.status is AuthStatus.CONNECTED else None
        checks = {
            "connection": connection_check(state, trouble),
            "token": token_check(state),
            "settings": settings_check(self.ctx.settings, unsaved=self.form.dirty),
            "ready": ready_check(self._counts),
        }
        # A team store out of reach: the codes light keeps what it last said.
        with contextlib.suppress(StoreError):
            checks["codes"] = codes_check(
                store.cursor_time(sync.RELATIONS_CURSOR), store.cursor_time(sync.MATERIALS_CURSOR)
            )
        for name, check in checks.items():
            self.header.set_check(name, check)

    # --- small things -----------------------------------------------------------------------

    @Slot(str)
    def _notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 15_000)

    def _focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.log_panel)
        self.log_panel.search_edit.setFocus()
        self.log_panel.search_edit.selectAll()

    @Slot(int)
    def _on_tab(self, index: int) -> None:
        if self.tabs.widget(index) is self.work_orders and not self.work_orders.loaded:
            self.load_work_orders()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.window_state.restore_splitter()

    # --- closing ----------------------------------------------------------------------------

    @property
    def closed_for_good(self) -> bool:
        return self._shut_down

    @Slot()
    def quit(self) -> None:
        """File → Quit (and the tray's Quit): close for real, never into the tray."""
        self._quitting = True
        self.close()
        self._quitting = self._shut_down

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        if not self._quitting and not self._close_when_idle and self.tray.keeps_running(event):
            return
        running = self.runs.running
        if running is not None:
            if not self._close_when_idle:
                answer = self.ask(
                    _(texts.CLOSE_DURING_RUN_TITLE),
                    _(texts.CLOSE_DURING_RUN).format(action=label(running)),
                    (_(texts.STOP_AND_CLOSE), _(texts.KEEP_RUNNING)),
                )
                if answer != _(texts.STOP_AND_CLOSE):
                    event.ignore()
                    return
                self._close_when_idle = True
                self.cancel_run()
            # The window closes when the run has stopped (never a thread left behind).
            event.ignore()
            return
        if self.form.dirty:
            answer = self.ask(
                _(texts.CLOSE_UNSAVED_TITLE),
                _(texts.CLOSE_UNSAVED),
                (_(texts.SAVE), _(texts.DONT_SAVE), _(texts.CANCEL)),
            )
            if answer == _(texts.SAVE):
                if not self.form.save():
                    self._close_when_idle = False
                    event.ignore()
                    return
            elif answer != _(texts.DONT_SAVE):
                self._close_when_idle = False
                event.ignore()
                return
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop everything this window started; the session itself stays open."""
        if self._shut_down:
            return
        self._shut_down = True
        self.runs.cancel()
        self.runs.wait()
        self.tasks.shutdown()
        self.log_export.shutdown()
        self.tray.close()
        self._lights_timer.stop()
        self._auto_sync_timer.stop()
        self._holder_timer.stop()
        for dialog in (self.details, self.help, self.about):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()
        self.log_panel.close_model()
        self.window_state.save()


def _log_export_flow(window: MainWindow) -> LogExportFlow:
    """File → Export log… for the log as the panel filters and searches it now."""
    proxy = window.log_panel.proxy

    def current() -> tuple[list[Level] | None, str]:
        levels = sorted(LogFilter.LEVELS[proxy.choice])
        return (levels or None), proxy.search

    return LogExportFlow(window, window.ctx.store, current)


def _error_text(error: BaseException | None) -> str:
    """An error for a status line, in the language chosen now."""
    if error is None:
        return _(texts.OUTSMART_NO_ANSWER)
    if isinstance(error, AppError):
        try:
            return messages.get(error.code).shown(error.values)
        except (KeyError, IndexError, ValueError):
            return error.message
    return str(error)
