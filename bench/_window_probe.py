"""The real `vismadesk` window in this (fresh) process, with a stopwatch attached.

    python bench/_window_probe.py --t0 MONOTONIC --profile DIR --measure startup|open|log|stall

Runs `vismadesk --profile DIR` through `vismadesk.cli.main`, as the installed command
does. The only addition is a probe attached to the main window once it is built: it
watches the log list's paint events and, for `--measure log`, drives the log panel
the way a planner would (filter to errors, search, End, PageUp, the middle, Home). Times
are CLOCK_MONOTONIC, which Linux shares between processes, so `--t0` (taken by the
parent just before it started this process) turns them into "since process start".
The results go to stdout as one JSON line prefixed with PROBE.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PREFIX = "PROBE "


def rss_mb() -> float:
    """Peak resident set size so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Probe:
    def __init__(self, window: Any, args: argparse.Namespace) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        self.window = window
        self.args = args
        self.t0: float = args.t0
        self.result: dict[str, Any] = {"pid": os.getpid()}
        self.panel = window.log_panel
        self.model = self.panel.model
        self.view = self.panel.view
        self._on_paint: Callable[[], None] | None = None
        self._paint_event = QEvent.Type.Paint
        self._timer = QTimer
        probe = self

        class Filter(QObject):
            def eventFilter(self, obj: QObject, event: QEvent) -> bool:
                if event.type() == probe._paint_event and probe._on_paint is not None:
                    # After this paint has been processed and flushed.
                    QTimer.singleShot(0, probe._painted)
                return False

        self._filter = Filter()
        # Whatever happens, the process ends and says how far it got.
        self._watchdog = QTimer()
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._timed_out)
        self._watchdog.start(int(args.timeout_s * 1000))
        self.view.viewport().installEventFilter(self._filter)
        self._on_paint = self._first_paint

    def since_start(self) -> float:
        return time.monotonic() - self.t0

    def _painted(self) -> None:
        cb = self._on_paint
        if cb is not None:
            cb()

    # --- first paint -----------------------------------------------------------------

    def _first_paint(self) -> None:
        if "first_paint_s" not in self.result:
            self.result["first_paint_s"] = self.since_start()
        if self.args.measure == "startup":
            self._on_paint = None
            self.result["rss_mb"] = rss_mb()
            self._finish()
            return
        if self.args.measure == "stall":
            self._on_paint = None
            self._stall_prepare()
            return
        if self.model.rowCount() == 0:
            return  # the first page is still on its way
        self._on_paint = None
        self.result["rows_painted_s"] = self.since_start()
        # This process's CPU time (all threads) by then: what a busy machine cannot
        # inflate the way it inflates the wall time, so runs at different loads compare.
        self.result["cpu_at_rows_painted_s"] = time.process_time()
        self.result["rows_at_first_paint"] = self.model.rowCount()
        self.result["rss_after_open_mb"] = rss_mb()
        if self.args.measure == "open":
            self._finish()
            return
        self._timer.singleShot(0, self._filter_errors)

    # --- filter, search ----------------------------------------------------------------

    def _until_painted_after_reload(self, start: float, key: str, then: Callable[[], None]) -> None:
        """Measure from `start` until the list shows the new filter's first rows."""
        state = {"reloaded": False}

        def reloaded() -> None:
            state["reloaded"] = True
            self.view.viewport().update()

        def painted() -> None:
            if not state["reloaded"]:
                return
            self._on_paint = None
            self.model.reloaded.disconnect(reloaded)
            self.result[key] = time.monotonic() - start
            self.result[key.replace("_s", "_rows")] = self.model.rowCount()
            self._timer.singleShot(0, then)

        self.model.reloaded.connect(reloaded)
        self._on_paint = painted

    def _filter_errors(self) -> None:
        from vismadesk.ui.log_model import LogFilter

        start = time.monotonic()
        self._until_painted_after_reload(start, "filter_errors_s", self._filter_all)
        self.panel.set_filter_choice(LogFilter.ERRORS)

    def _filter_all(self) -> None:
        from vismadesk.ui.log_model import LogFilter

        start = time.monotonic()
        self._until_painted_after_reload(start, "filter_all_s", self._search_number)
        self.panel.set_filter_choice(LogFilter.ALL)

    def _search_number(self) -> None:
        start = time.monotonic()
        self._until_painted_after_reload(start, "search_number_s", self._search_word)
        self.panel.set_search(self.args.search_number)

    def _search_word(self) -> None:
        start = time.monotonic()
        self._until_painted_after_reload(start, "search_word_s", self._search_clear)
        self.panel.set_search(self.args.search_word)

    def _search_clear(self) -> None:
        start = time.monotonic()
        self._until_painted_after_reload(start, "search_clear_s", self._scroll_start)
        self.panel.set_search("")

    # --- End, PageUp, the middle, Home: jumps by position ------------------------------

    def _scroll_start(self) -> None:
        self.result["rss_before_scroll_mb"] = rss_mb()
        store = self.window.ctx.store
        self._newest = store.latest_log_id()
        oldest = store.log_since(0, limit=1)
        self._oldest = oldest[0].id if oldest else None
        if self.model.complete:
            self._press_end()
        else:
            self.model.counted.connect(self._counted)

    def _counted(self) -> None:
        self.model.counted.disconnect(self._counted)
        self._timer.singleShot(0, self._press_end)

    def _shown(self) -> list[Any]:
        """The entry ids of the rows in view (None: not read yet)."""
        from vismadesk.ui.log_rows import Roles

        view = self.view
        first = view.rowAt(0)
        last = view.rowAt(view.viewport().height() - 1)
        last = self.model.rowCount() - 1 if last < 0 else last
        return [self.model.index(r, 0).data(Roles.ID) for r in range(max(0, first), last + 1)]

    def _until_shown(
        self, key: str, done: Callable[[list[Any]], bool], then: Callable[[], None]
    ) -> None:
        """From now until a paint shows every row in view read and `done` holds."""
        start = time.monotonic()

        def painted() -> None:
            ids = self._shown()
            if not ids or None in ids or not done(ids):
                return
            self._on_paint = None
            self.result[key] = time.monotonic() - start
            self.result[key.replace("_s", "_rows_in_memory")] = self.model.rows_in_memory
            self._timer.singleShot(0, then)

        self._on_paint = painted

    def _key(self, key: Any) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        QTest.keyClick(self.view, key, Qt.KeyboardModifier.NoModifier)

    def _press_end(self) -> None:
        from PySide6.QtCore import Qt

        self.result["rows"] = self.model.rowCount()
        self.view.setFocus()
        self.view.setCurrentIndex(self.model.index(0, 0))
        self._until_shown("end_s", lambda ids: ids[-1] == self._oldest, self._press_page_up)
        self._key(Qt.Key.Key_End)

    def _press_page_up(self) -> None:
        from PySide6.QtCore import Qt

        from vismadesk.ui.log_rows import Roles

        last = self.model.rowCount() - 1

        def moved_up(ids: list[Any]) -> bool:
            current = self.view.currentIndex()
            return current.row() < last and current.data(Roles.ID) in ids

        self._until_shown("page_up_s", moved_up, self._jump_middle)
        self._key(Qt.Key.Key_PageUp)

    def _jump_middle(self) -> None:
        bar = self.view.verticalScrollBar()
        half = self.model.rowCount() // 2

        def near_middle(ids: list[Any]) -> bool:
            return abs(self.view.rowAt(0) - half) < len(ids) + 2

        self._until_shown("middle_s", near_middle, self._press_home)
        bar.setValue(bar.maximum() // 2)

    def _press_home(self) -> None:
        from PySide6.QtCore import Qt

        self._until_shown("home_s", lambda ids: ids[0] == self._newest, self._scroll_end)
        self._key(Qt.Key.Key_Home)

    def _scroll_end(self) -> None:
        self.result["rss_after_scroll_mb"] = rss_mb()
        self._finish()

    # --- event-loop stalls during an export ---------------------------------------------

    def _stall_prepare(self) -> None:
        # The window reads the work order lists when it opens; let that end first.
        if getattr(self.window, "_lists_loading", False):
            self.window.work_orders_loaded.connect(self._stall_signed_in)
        else:
            self._timer.singleShot(0, self._stall_signed_in)

    def _stall_signed_in(self) -> None:
        import contextlib

        with contextlib.suppress(TypeError, RuntimeError):
            self.window.work_orders_loaded.disconnect(self._stall_signed_in)
        # The planner signed in earlier; here the service sign-in stands in for it.
        self.window.ctx.tokens.login_service()
        self._timer.singleShot(0, self._stall_start)

    def _stall_start(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._ticks: list[float] = []
        self._tick_timer = QTimer()
        self._tick_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._tick_timer.setInterval(self.args.tick_ms)
        self._cpu: list[float] = []

        def tick() -> None:
            self._ticks.append(time.perf_counter())
            # The GUI thread's own CPU time: a stall it spent working (painting,
            # inserting rows) versus one it spent waiting for the interpreter lock.
            self._cpu.append(time.thread_time())

        self._tick_timer.timeout.connect(tick)
        self._writer = None
        if self.args.log_rate:
            from bench._log_data import LogWriter

            self._writer = LogWriter(self.window.ctx.profile.db_path, self.args.log_rate)
        self._ticks.append(time.perf_counter())
        self._cpu.append(time.thread_time())
        self._tick_timer.start()
        if self._writer is not None:
            self._writer.start()
        if self.args.idle_s:
            self._timer.singleShot(int(self.args.idle_s * 1000), lambda: self._stall_end(None))
            return
        self.window.run_finished.connect(self._stall_end)
        self._run_started = time.perf_counter()
        if not self.window.export_work_orders():
            self.result["error"] = "the window refused to start the export"
            self._finish()

    def _stall_end(self, run_result: object) -> None:
        import itertools

        self._tick_timer.stop()
        if self._writer is not None:
            self._writer.stop_event.set()
            self._writer.join()
            self.result["log_entries_written"] = self._writer.written
        t = self._ticks
        tick = self.args.tick_ms
        late = [max(0.0, (b - a) * 1000 - tick) for a, b in itertools.pairwise(t)]
        self.result["lateness_ms"] = late
        self.result["gui_cpu_ms"] = [(b - a) * 1000 for a, b in itertools.pairwise(self._cpu)]
        self.result["tick_times_s"] = [x - t[0] for x in t[1:]]
        self.result["measured_s"] = t[-1] - t[0]
        if run_result is not None:
            self.result["run_s"] = time.perf_counter() - self._run_started
            self.result["succeeded"] = getattr(run_result, "succeeded", None)
            self.result["failed"] = getattr(run_result, "failed", None)
        self._finish()

    # --- the end --------------------------------------------------------------------------

    def _timed_out(self) -> None:
        self.result["timed_out"] = True
        self._finish()

    def _finish(self) -> None:
        self._watchdog.stop()
        self._on_paint = None
        self.result["peak_rss_mb"] = rss_mb()
        print(PREFIX + json.dumps(self.result), flush=True)
        self.window.close()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--t0", type=float, required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--measure", choices=("startup", "open", "log", "stall"), default="log")
    ap.add_argument("--search-number", default="WB500123")
    ap.add_argument("--search-word", default="Zwolle")
    ap.add_argument("--timeout-s", type=float, default=600.0)
    ap.add_argument("--tick-ms", type=int, default=5)
    ap.add_argument("--log-rate", type=int, default=0, help="entries/s from another thread")
    ap.add_argument("--idle-s", type=float, default=0.0, help="measure the idle window instead")
    args = ap.parse_args()

    import vismadesk.ui.main_window as main_window
    from vismadesk.cli import main as vismadesk_main

    built = main_window.MainWindow.__init__
    probes: list[Probe] = []

    def init_and_probe(self: Any, *a: Any, **k: Any) -> None:
        built(self, *a, **k)
        probes.append(Probe(self, args))

    main_window.MainWindow.__init__ = init_and_probe  # type: ignore[method-assign]
    code = vismadesk_main(["--profile", args.profile])
    return code if probes else 3


if __name__ == "__main__":
    sys.exit(main())
