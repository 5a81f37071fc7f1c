"""The main window: settings on the left, the log (and the work orders) on the right.

It wires the parts together and owns the runs: every action goes through one
`RunController`, so there is one run at a time; reads that only list things go
through a `TaskRunner`. What each run is (label, icon, shortcut, job) is in
`actions`. Nothing here talks to the network on the GUI thread.
"""

from __future__ import annotations

import logging
import os
import socket
import weakref
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vismadesk import messages
from vismadesk.domain import JournalEntry, JournalState, LogEntry, WorkOrder
from vismadesk.engine import selection, sync
from vismadesk.engine.context import Context
from vismadesk.engine.runs import Progress, RunResult, holder_values
from vismadesk.messages import FixAction
from vismadesk.store import RunHolder, StoreError
from vismadesk.ui import style, texts
from vismadesk.ui.actions import RUNS, Place, RunKind, label, make_action, make_job
from vismadesk.ui.details_dialog import DetailsDialog
from vismadesk.ui.icons import icon
from vismadesk.ui.log_header import LogHeader
from vismadesk.ui.log_model import POLL_MS
from vismadesk.ui.log_panel import LogPanel
from vismadesk.ui.quick_checks import (
    codes_check,
    connection_check,
    ready_check,
    settings_check,
    token_check,
)
from vismadesk.ui.settings_form import SettingsForm
from vismadesk.ui.window_state import WindowState
from vismadesk.ui.work_orders_tab import WorkOrdersTab
from vismadesk.ui.workers import RunController, TaskRunner
from vismadesk.visma.auth import AuthState, AuthStatus

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
    """Carries sign-in changes (reported on any thread) to the GUI thread."""

    changed = Signal(object)


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
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.demo = demo
        self.ask: Ask = ask or message_box_ask(self)
        self.runs = RunController(open_url or open_in_system_browser, self)
        self.tasks = TaskRunner(self)
        self._close_when_idle = False
        self._shut_down = False
        self._after_run: Callable[[], None] | None = None
        self._counts: tuple[int, int] | None = None
        self._lists_loading = False
        self.details: DetailsDialog | None = None

        self.setWindowTitle(texts.WINDOW_TITLE_DEMO if demo else texts.WINDOW_TITLE)
        self.setWindowIcon(icon("app"))
        self._build(poll_ms)
        self._wire()
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
            self.work_orders.set_problem(texts.WORK_ORDERS_NEED_TOKENS)

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
        self.form.save_blocker = self._save_blocker
        self.form.setMinimumWidth(330)

        self.header = LogHeader()
        self.log_panel = LogPanel(self.ctx.store, poll_ms=poll_ms)
        self.work_orders = WorkOrdersTab()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("rightTabs")
        self.tabs.addTab(self.log_panel, texts.TAB_LOG)
        self.tabs.addTab(self.work_orders, texts.TAB_WORK_ORDERS)
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
        self.splitter.setSizes([400, 800])
        self.splitter.setChildrenCollapsible(False)

        central = QWidget()
        cl = QVBoxLayout(central)
        cl.setContentsMargins(8, 8, 8, 4)
        if self.demo:
            self.banner = QLabel(texts.DEMO_BANNER)
            self.banner.setObjectName("demoBanner")
            self.banner.setWordWrap(True)
            self.banner.setStyleSheet(style.DEMO_BANNER)
            cl.addWidget(self.banner)
        cl.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_menus(self) -> None:
        toolbar = self.addToolBar(texts.TOOLBAR_ACTIONS)
        toolbar.setObjectName("actionsToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        menu_file = self.menuBar().addMenu(texts.MENU_FILE)
        menu_actions = self.menuBar().addMenu(texts.MENU_ACTIONS)
        menu_connection = self.menuBar().addMenu(texts.MENU_CONNECTION)

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

        menu_actions.addSeparator()
        self.cancel_action = QAction(icon("cancel"), texts.CANCEL, self)
        self.cancel_action.setShortcut(QKeySequence("Ctrl+."))
        self.cancel_action.setEnabled(False)
        self.cancel_action.triggered.connect(self.cancel_run)
        menu_actions.addAction(self.cancel_action)

        save = QAction(texts.SAVE_SETTINGS, self)
        save.setShortcut(QKeySequence.StandardKey.Save)
        save.triggered.connect(self.form.save)
        find = QAction(texts.SEARCH_LOG, self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self._focus_search)
        quit_action = QAction(texts.QUIT, self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu_file.addAction(save)
        menu_file.addAction(find)
        menu_file.addSeparator()
        menu_file.addAction(quit_action)
        self.addActions([save, find, quit_action, self.login_action, self.cancel_action])

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.progress_label = QLabel()
        self.progress_label.setObjectName("progressLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("progressBar")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancelRun")
        self.cancel_button.setText(texts.CANCEL)
        self.cancel_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.cancel_button.setIcon(icon("cancel"))
        self.cancel_button.clicked.connect(self.cancel_run)
        for w in (self.progress_label, self.progress, self.cancel_button):
            bar.addPermanentWidget(w)
            w.hide()
        bar.showMessage(texts.READY)

    def _wire(self) -> None:
        self.runs.started.connect(self._on_run_started)
        self.runs.finished.connect(self._on_run_finished)
        self.runs.crashed.connect(self._on_run_crashed)
        self.runs.progress_changed.connect(self._on_progress)
        self.runs.refused.connect(self._on_run_refused)
        self.runs.log_written.connect(self.log_panel.model.notify_new_entries)

        self._auth_bridge = _AuthBridge(self)
        self._auth_bridge.changed.connect(self._on_auth)
        bridge = weakref.ref(self._auth_bridge)

        def forward(state: AuthState) -> None:
            b = bridge()
            # The session may outlive this window (tests, a reopened window).
            if b is not None and shiboken6.isValid(b):
                b.changed.emit(state)

        self.ctx.add_auth_listener(forward)

        self.header.login_clicked.connect(self.login)
        self.header.disconnect_clicked.connect(lambda: self.start_run(RunKind.DISCONNECT))
        self.header.cancel_sign_in_clicked.connect(self.cancel_run)
        self.header.copy_sign_in_clicked.connect(self._copy_sign_in)

        self.form.dirty_changed.connect(self._on_dirty)
        self.form.saved.connect(self._on_saved)
        self.form.notice.connect(self._notice)
        self.form.test_connection_requested.connect(self.test_outsmart)

        self.log_panel.entry_activated.connect(self.open_entry)
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

    @Slot()
    def cancel_run(self) -> None:
        kind = self.runs.running
        if kind is None:
            return
        self.runs.cancel()
        self.statusBar().showMessage(texts.RUN_CANCELLING.format(action=label(kind)))

    @Slot(str)
    def _on_run_started(self, kind: str) -> None:
        k = RunKind(kind)
        for greyed in (k, RUNS[k].greys):
            if greyed in self.actions_by_kind:
                self.actions_by_kind[greyed].setEnabled(False)
        self.cancel_action.setEnabled(True)
        self.work_orders.set_busy(True)
        self.header.set_state(self.ctx.tokens.state, busy=True)
        running = texts.RUNNING.format(action=label(k))
        self.statusBar().showMessage(running)
        self.progress_label.setText(running)
        self.progress.setRange(0, 0)  # busy until the first progress report
        for w in (self.progress_label, self.progress, self.cancel_button):
            w.show()

    @Slot(object)
    def _on_progress(self, p: Progress) -> None:
        kind = self.runs.running
        action = label(kind) if kind else ""
        if p.total > 0:
            self.progress.setRange(0, p.total)
            self.progress.setValue(p.done)
            self.progress_label.setText(
                texts.PROGRESS.format(action=action, done=p.done, total=p.total)
            )

    @Slot(str)
    def _on_run_refused(self, running: str) -> None:
        self._notice(texts.RUN_BUSY.format(running=label(running)))

    @Slot(str, str)
    def _on_run_crashed(self, kind: str, text: str) -> None:
        self._notice(f"{texts.RUN_FAILED.format(action=label(kind))} {text}")

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
        if result is not None:
            message = {0: texts.RUN_FINISHED, 1: texts.RUN_HAD_ERRORS}.get(
                result.exit_code, texts.RUN_FAILED
            )
            self.statusBar().showMessage(message.format(action=label(k)), 10_000)
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
        self._held_by = holder
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
                )
            )
            self.log_panel.model.notify_new_entries()
        self._apply_held()

    def _apply_held(self) -> None:
        holder = self._held_by
        for action in self.actions_by_kind.values():
            action.setEnabled(holder is None)
        self.work_orders.set_busy(holder is not None)
        note = texts.PROFILE_HELD_NOTE.format(**holder_values(holder)) if holder else None
        self.header.set_held(note)

    # --- sign-in --------------------------------------------------------------------------

    @Slot(object)
    def _on_auth(self, state: AuthState) -> None:
        self.header.set_state(state, busy=self.runs.busy)
        self.disconnect_action.setEnabled(state.status is AuthStatus.CONNECTED)
        self.header.set_check("connection", connection_check(state))
        self.header.set_check("token", token_check(state))

    def _copy_sign_in(self) -> None:
        url = self.runs.last_sign_in_url
        if url:
            QGuiApplication.clipboard().setText(url)
            self._notice(texts.SIGN_IN_ADDRESS_COPIED)

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
        dialog.show()
        self.details = dialog
        return dialog

    @Slot(object, object)
    def apply_fix(self, fix: FixAction, entry: LogEntry) -> None:
        note = ""
        try:
            if fix is FixAction.ENABLE_NEW_MATERIAL:
                self.form.apply_one("new_material", True)
                note = texts.FIX_DONE.format(what=texts.NEW_MATERIAL_ON)
            elif fix is FixAction.ENABLE_NEW_RELATION:
                self.form.apply_one("new_relation", True)
                note = texts.FIX_DONE.format(what=texts.NEW_RELATION_ON)
            elif fix is FixAction.CHOOSE_EXPORT_FORMAT:
                self.form.focus_field("export_format")
                note = texts.CHOOSE_SEND_AS
            elif fix is FixAction.ENTER_OUTSMART_TOKENS:
                self.form.focus_field("outsmart_token")
                note = texts.WORK_ORDERS_NEED_TOKENS
            elif fix is FixAction.LOGIN:
                if self.login():
                    note = texts.SIGNING_IN
            elif fix is FixAction.RECONNECT:
                if self.start_run(RunKind.DISCONNECT):
                    self._after_run = self.login
                    note = texts.SIGNING_IN
            elif (
                fix is FixAction.RESET_STATUS
                and entry.work_order
                and self.start_run(RunKind.RESET, [entry.work_order])
            ):
                note = texts.RUNNING.format(action=label(RunKind.RESET))
        except Exception as e:  # a refused save: say why, change nothing
            note = str(e)
        if note and self.details is not None and shiboken6.isValid(self.details):
            self.details.show_note(note)

    # --- settings -------------------------------------------------------------------------

    def _save_blocker(self, new: object) -> str | None:
        reconnect = self.ctx.needs_reconnect(new)
        if reconnect and (self.runs.busy or self.tasks.busy):
            return texts.SAVE_WAITS_FOR_RUN
        return None

    @Slot(bool)
    def _on_dirty(self, dirty: bool) -> None:
        self.setWindowModified(dirty)
        self._refresh_lights()

    @Slot(object)
    def _on_saved(self, _settings: object) -> None:
        self._apply_auto_sync()
        self._refresh_lights()
        self.statusBar().showMessage(texts.SAVED, 5000)
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
                texts.AUTO_SYNC_SKIPPED.format(running=label(running)), 10_000
            )
            return
        if self._held_by is not None:  # another process runs on this profile
            name = messages.ACTION_NAMES[self._held_by.action]
            self.statusBar().showMessage(texts.AUTO_SYNC_SKIPPED.format(running=name), 10_000)
            return
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
            self.work_orders.set_problem(texts.WORK_ORDERS_NEED_TOKENS)
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
        self.form.show_statuses_note(texts.STATUSES_LOADING)

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
                self.form.show_connection_result(True, texts.CONNECTION_OK)
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
        checks = {
            "connection": connection_check(state),
            "token": token_check(state),
            "settings": settings_check(self.ctx.settings, unsaved=self.form.dirty),
            "codes": codes_check(
                store.cursor_time(sync.RELATIONS_CURSOR), store.cursor_time(sync.MATERIALS_CURSOR)
            ),
            "ready": ready_check(self._counts),
        }
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

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._shut_down:
            event.accept()
            return
        running = self.runs.running
        if running is not None:
            if not self._close_when_idle:
                answer = self.ask(
                    texts.CLOSE_DURING_RUN_TITLE,
                    texts.CLOSE_DURING_RUN.format(action=label(running)),
                    (texts.STOP_AND_CLOSE, texts.KEEP_RUNNING),
                )
                if answer != texts.STOP_AND_CLOSE:
                    event.ignore()
                    return
                self._close_when_idle = True
                self.cancel_run()
            # The window closes when the run has stopped (never a thread left behind).
            event.ignore()
            return
        if self.form.dirty:
            answer = self.ask(
                texts.CLOSE_UNSAVED_TITLE,
                texts.CLOSE_UNSAVED,
                (texts.SAVE, texts.DONT_SAVE, texts.CANCEL),
            )
            if answer == texts.SAVE:
                if not self.form.save():
                    self._close_when_idle = False
                    event.ignore()
                    return
            elif answer != texts.DONT_SAVE:
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
        self._lights_timer.stop()
        self._auto_sync_timer.stop()
        self._holder_timer.stop()
        if self.details is not None and shiboken6.isValid(self.details):
            self.details.close()
        self.log_panel.close_model()
        self.window_state.save()


def _error_text(error: BaseException | None) -> str:
    if error is None:
        return texts.OUTSMART_NO_ANSWER
    return str(getattr(error, "message", None) or error)
