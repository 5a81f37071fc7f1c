"""Runs and reads off the GUI thread: one QObject per job, moved to its own QThread.

A *run* (export, sync, reset, login, disconnect) writes the log and changes data;
only one runs at a time, and a second is refused with a clear notice. A *task*
(listing work orders, reading work statuses, testing the OutSmart tokens) only
reads; several may run next to a run.

The engine calls its callbacks on worker threads, often from several at once. They
are not turned into one Qt signal each: a notice goes out only when none is pending,
and the GUI thread reads the latest state when it gets to it. A run of 5,000 work
orders thus costs the event loop a few dozen wake-ups, not ten thousand.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from vismadesk import messages
from vismadesk.domain import Level, LogEntry
from vismadesk.engine import runs
from vismadesk.engine.runs import Progress, RunResult
from vismadesk.errors import AppError
from vismadesk.redact import redact
from vismadesk.store import StoreError
from vismadesk.ui.threads import PyThread

if TYPE_CHECKING:
    from vismadesk.ui.actions import RunKind

log = logging.getLogger(__name__)

# How long a run waits for the window to open the browser before giving up.
OPEN_URL_WAIT_S = 30.0
PROGRESS_MS = 100
# Entries that mean VISMA.net itself answers errors (not a problem of one work order).
VISMA_TROUBLE = frozenset(
    {
        messages.VISMA_ERROR.code,
        messages.UNEXPECTED_RESPONSE.code,
        messages.NETWORK_UNREACHABLE.code,
        messages.TIMEOUT.code,
        messages.RATE_LIMITED.code,
        messages.TOKEN_REFRESH_FAILED.code,
    }
)
_VISMA_SERVICES = ("VISMA.net", "Visma Connect")


def visma_trouble(entry: LogEntry) -> bool:
    """An entry saying VISMA.net (not OutSmart, not one work order's data) failed."""
    if entry.code not in VISMA_TROUBLE:
        return False
    service = (entry.params or {}).get("service")
    return service is None or service in _VISMA_SERVICES


@dataclass(frozen=True, slots=True, kw_only=True)
class RunHooks(runs.RunHooks):
    """What a run job passes to the engine: its hooks, and a way to open the browser."""

    open_browser: Callable[[str], bool]


RunJob = Callable[[RunHooks], RunResult]


class RunWorker(QObject):
    log_written = Signal()
    progressed = Signal()
    done = Signal(object)  # RunResult, or None when the job raised
    crashed = Signal(str)
    store_failed = Signal(str)  # the database could not be used: its file and the fix
    open_url_requested = Signal(str)

    def __init__(self, job: RunJob) -> None:
        super().__init__()
        self._job = job
        self.cancel = threading.Event()
        self._lock = threading.Lock()
        self._log_pending = False
        self._progress: Progress | None = None
        self._progress_pending = False
        self._opened = threading.Event()
        self._open_result = False
        # What the run's entries said so far (read on the GUI thread).
        self.errors = 0
        self.trouble: LogEntry | None = None

    # --- called on the worker's threads (and the engine's pool threads) --------------

    def _on_log(self, entry: LogEntry) -> None:
        with self._lock:
            if entry.level is Level.ERROR:
                self.errors += 1
            if visma_trouble(entry):
                self.trouble = entry
            if self._log_pending:
                return
            self._log_pending = True
        self.log_written.emit()

    def _on_progress(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress
            if self._progress_pending:
                return
            self._progress_pending = True
        self.progressed.emit()

    def _open_browser(self, url: str) -> bool:
        # The browser must be opened from the GUI thread; wait for it, but never past
        # a cancel (the window may be closing and waiting for this thread).
        self._opened.clear()
        self.open_url_requested.emit(url)
        waited = 0.0
        while not self._opened.wait(0.1):
            waited += 0.1
            if self.cancel.is_set() or waited >= OPEN_URL_WAIT_S:
                return False
        return self._open_result

    @Slot()
    def run(self) -> None:
        hooks = RunHooks(
            on_log=self._on_log,
            on_progress=self._on_progress,
            cancel=self.cancel,
            open_browser=self._open_browser,
        )
        try:
            result = self._job(hooks)
        except AppError as e:
            self.crashed.emit(e.message)
            result = None
        except StoreError as e:
            # The store's own words (a damaged file, a team store out of reach): no bug,
            # no traceback; the window says what to do.
            log.warning("run stopped: %s", redact(str(e)))
            self.store_failed.emit(redact(str(e)))
            result = None
        except Exception as e:
            log.exception("run failed")
            self.crashed.emit(redact(f"{type(e).__name__}: {e}"))
            result = None
        self.done.emit(result)
        # End the thread's loop from inside, so waiting for it never needs the GUI.
        QThread.currentThread().quit()

    # --- called on the GUI thread ------------------------------------------------------

    def take_log_notice(self) -> None:
        with self._lock:
            self._log_pending = False

    def take_progress(self) -> Progress | None:
        with self._lock:
            self._progress_pending = False
            return self._progress

    def browser_opened(self, ok: bool) -> None:
        self._open_result = ok
        self._opened.set()


class RunController(QObject):
    """Starts runs one at a time and reports them to the window."""

    started = Signal(str)  # RunKind
    finished = Signal(str, object)  # RunKind, RunResult | None
    crashed = Signal(str, str)  # RunKind, text
    store_failed = Signal(str, str)  # RunKind, text naming the file and the fix
    progress_changed = Signal(object)  # Progress
    log_written = Signal()
    refused = Signal(str)  # the RunKind still running, when another was asked for

    def __init__(self, open_url: Callable[[str], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_url = open_url
        self._kind: RunKind | None = None
        self._worker: RunWorker | None = None
        self._thread: QThread | None = None
        self.last_sign_in_url: str | None = None
        # Of the run going on, or the last one: its error entries, and the last entry
        # saying VISMA.net answered errors.
        self.errors = 0
        self.trouble: LogEntry | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(PROGRESS_MS)
        self._progress_timer.timeout.connect(self._flush_progress)

    @property
    def running(self) -> RunKind | None:
        return self._kind

    @property
    def busy(self) -> bool:
        return self._kind is not None

    def start(self, kind: RunKind, job: RunJob) -> bool:
        """Start a run; False (and `refused`) when another is still running."""
        if self._kind is not None:
            self.refused.emit(self._kind.value)
            return False
        worker = RunWorker(job)
        thread = PyThread()
        thread.setObjectName(f"vismadesk-run-{kind.value}")
        worker.moveToThread(thread)
        worker.log_written.connect(self._on_log_written)
        worker.progressed.connect(self._on_progressed)
        worker.open_url_requested.connect(self._on_open_url)
        worker.crashed.connect(self._on_crashed)
        worker.store_failed.connect(self._on_store_failed)
        worker.done.connect(self._on_done)
        thread.started.connect(worker.run)
        self._kind, self._worker, self._thread = kind, worker, thread
        self.last_sign_in_url = None
        self.errors, self.trouble = 0, None
        self.started.emit(kind.value)
        thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel.set()

    def wait(self) -> None:
        """Block until the running thread has ended (for closing; runs check cancel)."""
        if self._thread is not None:
            self._thread.wait()

    # --- from the worker -------------------------------------------------------------

    @Slot()
    def _on_log_written(self) -> None:
        if self._worker is not None:
            self._worker.take_log_notice()
            self._take_counts(self._worker)
        self.log_written.emit()

    def _take_counts(self, worker: RunWorker) -> None:
        with worker._lock:
            self.errors, self.trouble = worker.errors, worker.trouble

    @Slot()
    def _on_progressed(self) -> None:
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    @Slot()
    def _flush_progress(self) -> None:
        if self._worker is not None:
            p = self._worker.take_progress()
            if p is not None:
                self.progress_changed.emit(p)

    @Slot(str)
    def _on_open_url(self, url: str) -> None:
        self.last_sign_in_url = url
        try:
            ok = bool(self._open_url(url))
        except Exception:
            log.exception("opening the browser failed")
            ok = False
        if self._worker is not None:
            self._worker.browser_opened(ok)

    @Slot(str)
    def _on_crashed(self, text: str) -> None:
        if self._kind is not None:
            self.crashed.emit(self._kind.value, text)

    @Slot(str)
    def _on_store_failed(self, text: str) -> None:
        if self._kind is not None:
            self.store_failed.emit(self._kind.value, text)

    @Slot(object)
    def _on_done(self, result: RunResult | None) -> None:
        worker, thread, kind = self._worker, self._thread, self._kind
        if worker is not None:
            self._take_counts(worker)
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()
        self._flush_progress()
        self._progress_timer.stop()
        self._kind = self._worker = self._thread = None
        # The last entries of the run: make sure the log looks once more.
        self.log_written.emit()
        assert kind is not None
        self.finished.emit(kind.value, result)


class _TaskWorker(QObject):
    done = Signal(object, object)  # result, error text or None

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._fn = fn

    @Slot()
    def run(self) -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = self._fn()
        except AppError as e:
            error = e
        except Exception as e:
            log.exception("background task failed")
            error = RuntimeError(redact(f"{type(e).__name__}: {e}"))
        self.done.emit(result, error)
        QThread.currentThread().quit()


class _Task(QObject):
    """The GUI-thread end of one task: finishes it where the window lives."""

    def __init__(
        self,
        runner: TaskRunner,
        thread: QThread,
        worker: _TaskWorker,
        on_done: Callable[[Any, BaseException | None], None],
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self.worker_thread = thread
        self._worker = worker
        self._on_done = on_done

    @Slot(object, object)
    def finish(self, result: Any, error: BaseException | None) -> None:
        self.worker_thread.quit()
        self.worker_thread.wait()
        self.worker_thread.deleteLater()
        self._worker.deleteLater()
        self._runner._finished(self)
        try:
            # After shutdown the window's session may be closed: nobody is waiting.
            if not self._runner.closed:
                self._on_done(result, error)
        finally:
            self.deleteLater()


class TaskRunner(QObject):
    """Background reads; each calls back on the GUI thread with (result, error)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._active: list[_Task] = []
        self.closed = False

    @property
    def busy(self) -> bool:
        return bool(self._active)

    def submit(
        self,
        name: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any, BaseException | None], None],
    ) -> None:
        worker = _TaskWorker(fn)
        thread = PyThread()
        thread.setObjectName(f"vismadesk-task-{name}")
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        task = _Task(self, thread, worker, on_done)
        worker.done.connect(task.finish)
        self._active.append(task)
        thread.start()

    def _finished(self, task: _Task) -> None:
        if task in self._active:
            self._active.remove(task)

    def shutdown(self) -> None:
        """Wait for every task's thread (reads are short); later answers are dropped."""
        self.closed = True
        for task in list(self._active):
            task.worker_thread.wait()
