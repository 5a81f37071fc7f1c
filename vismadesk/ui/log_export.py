"""File → Export log…: the log as it is filtered and searched now, as a CSV for Excel.

The planner picks a file; `vismadesk.logcsv` writes it on a worker thread (a million
entries take the better part of a minute), with a progress dialog that can cancel.
The entries come from the store's query API with the panel's level filter and search,
never from the list model, which only holds what has been scrolled to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from vismadesk import logcsv
from vismadesk.domain import Level
from vismadesk.i18n import Language, _, current_language, format_number
from vismadesk.redact import redact
from vismadesk.store import StoreAPI
from vismadesk.ui import texts
from vismadesk.ui.threads import PyThread

log = logging.getLogger(__name__)

# (parent, suggested path) -> the chosen path, or None when the planner cancelled.
ChoosePath = Callable[[QWidget, Path], Path | None]
# -> (levels, search) of the log as shown now.
CurrentFilter = Callable[[], tuple[list[Level] | None, str]]


def file_dialog(parent: QWidget, suggested: Path) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, _(texts.EXPORT_LOG_TITLE), str(suggested), _(texts.EXPORT_LOG_FILTER)
    )
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix else path.with_suffix(".csv")


class LogExportWorker(QObject):
    progressed = Signal(int, int)  # written, total (-1 when a search leaves it unknown)
    done = Signal(object, str)  # CsvResult or None, the problem ("" when none)

    def __init__(
        self,
        store: StoreAPI,
        path: Path,
        levels: list[Level] | None,
        search: str,
        lang: Language,
    ) -> None:
        super().__init__()
        self._args = (store, path, levels, search, lang)
        self.cancel = threading.Event()

    def _progress(self, written: int, total: int | None) -> None:
        self.progressed.emit(written, -1 if total is None else total)

    @Slot()
    def run(self) -> None:
        store, path, levels, search, lang = self._args
        result: logcsv.CsvResult | None = None
        problem = ""
        try:
            result = logcsv.export(
                store,
                path,
                levels=levels,
                search=search or None,
                lang=lang,
                on_progress=self._progress,
                cancel=self.cancel,
            )
        except OSError as e:
            problem = _(texts.EXPORT_LOG_FAILED).format(path=path, problem=e.strerror or e)
        except Exception as e:
            log.exception("log export failed")
            problem = redact(f"{type(e).__name__}: {e}")
        self.done.emit(result, problem)
        QThread.currentThread().quit()


class LogExporter(QObject):
    """One export at a time, off the GUI thread; reports back on it."""

    progressed = Signal(int, int)
    finished = Signal(object, str)  # CsvResult or None, problem

    def __init__(self, store: StoreAPI, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._worker: LogExportWorker | None = None
        self._thread: QThread | None = None

    @property
    def busy(self) -> bool:
        return self._thread is not None

    def start(
        self, path: Path, levels: list[Level] | None, search: str, lang: Language | None = None
    ) -> bool:
        if self._thread is not None:
            return False
        worker = LogExportWorker(self._store, path, levels, search, lang or current_language())
        thread = PyThread()
        thread.setObjectName("vismadesk-log-export")
        worker.moveToThread(thread)
        worker.progressed.connect(self.progressed)
        worker.done.connect(self._on_done)
        thread.started.connect(worker.run)
        self._worker, self._thread = worker, thread
        thread.start()
        return True

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel.set()

    def shutdown(self) -> None:
        """Stop an export under way and wait for its thread (closing the window)."""
        self.cancel()
        if self._thread is not None:
            self._thread.wait()
            self._finish()

    @Slot(object, str)
    def _on_done(self, result: logcsv.CsvResult | None, problem: str) -> None:
        if self._thread is None:
            return  # already finished by shutdown()
        self._finish()
        self.finished.emit(result, problem)

    def _finish(self) -> None:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is not None:
            thread.quit()
            thread.wait()
            thread.deleteLater()
        if worker is not None:
            worker.deleteLater()


class LogExportFlow(QObject):
    """The menu item's whole story: choose a file, show the progress, say how it went."""

    # The text the window shows when an export has ended (written, cancelled or failed).
    ended = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        store: StoreAPI,
        current_filter: CurrentFilter,
        *,
        choose_path: ChoosePath = file_dialog,
        folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self._current_filter = current_filter
        self.choose_path = choose_path
        self._folder = folder or Path.home()
        self.exporter = LogExporter(store, self)
        self.exporter.progressed.connect(self._on_progress)
        self.exporter.finished.connect(self._on_finished)
        self.progress: QProgressDialog | None = None

    @Slot()
    def start(self) -> bool:
        """Ask where, then export; False when nothing was started."""
        if self.exporter.busy:
            return False
        path = self.choose_path(self._parent, self._folder / logcsv.default_name())
        if path is None:
            return False
        self._folder = path.parent
        levels, search = self._current_filter()
        self._show_progress(search)
        return self.exporter.start(path, levels, search)

    def _show_progress(self, search: str) -> None:
        dialog = QProgressDialog(self._parent)
        dialog.setObjectName("logExportProgress")
        dialog.setWindowTitle(_(texts.EXPORT_LOG_TITLE))
        dialog.setLabelText(_(texts.EXPORT_LOG_STARTING))
        dialog.setCancelButtonText(_(texts.CANCEL))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        # A search leaves the total unknown until the end: a busy bar until then.
        dialog.setRange(0, 0)
        dialog.setMinimumDuration(0)
        dialog.canceled.connect(self.exporter.cancel)
        dialog.show()
        self.progress = dialog

    @Slot(int, int)
    def _on_progress(self, written: int, total: int) -> None:
        dialog = self.progress
        if dialog is None:
            return
        if total >= 0:
            dialog.setRange(0, max(1, total))
            dialog.setValue(min(written, max(1, total)))
            text = _(texts.EXPORT_LOG_PROGRESS).format(
                done=format_number(written), total=format_number(total)
            )
        else:
            text = texts.EXPORT_LOG_PROGRESS_OPEN.format(written)
        dialog.setLabelText(text)

    @Slot(object, str)
    def _on_finished(self, result: logcsv.CsvResult | None, problem: str) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.exporter.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None
        if problem or result is None:
            text = problem or _(texts.EXPORT_LOG_FAILED_SHORT)
        elif result.cancelled:
            text = _(texts.EXPORT_LOG_CANCELLED)
        else:
            text = texts.EXPORT_LOG_DONE.format(result.rows, path=result.path)
        self.ended.emit(text)

    def shutdown(self) -> None:
        self.exporter.shutdown()
        if self.progress is not None:
            self.progress.close()
            self.progress = None
