"""Where the planner left the window: its size, the splitter, the log filter, the tab.

Kept in `window.ini` beside the settings file; none of it is a setting, so none of
it goes through the settings form or `vismadesk config`.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget

from vismadesk.ui import screen_fit
from vismadesk.ui.log_panel import LogPanel

DEFAULT_SIZE = (1280, 800)
# The settings' width the first time, at most, and their share of a narrower window.
FORM_WIDTH = 360
FORM_SHARE = 0.34


class WindowState:
    def __init__(
        self,
        path: Path,
        window: QMainWindow,
        splitter: QSplitter,
        log_panel: LogPanel,
        tabs: QTabWidget,
    ) -> None:
        self._ini = QSettings(str(path), QSettings.Format.IniFormat)
        self._window = window
        self._splitter = splitter
        self._log_panel = log_panel
        self._tabs = tabs
        self._splitter_state: object = None

    def restore(self) -> None:
        s = self._ini
        geometry = s.value("window/geometry")
        if geometry is not None:
            self._window.restoreGeometry(geometry)
            # Saved on a bigger screen (or at another scaling): keep it on this one.
            size = self._window.size()
            screen_fit.fit(self._window, size.width(), size.height(), frame=False)
        else:
            screen_fit.fit(self._window, *DEFAULT_SIZE)
        # The splitter is restored once the window has its size (`restore_splitter`).
        self._splitter_state = s.value("window/splitter")
        choice = s.value("log/filter")
        if isinstance(choice, str):
            # A choice from another version keeps the default.
            with contextlib.suppress(ValueError):
                self._log_panel.set_filter_choice(choice)
        tab = s.value("window/tab")
        if tab is not None:
            self._tabs.setCurrentIndex(int(tab))

    def restore_splitter(self) -> None:
        """When the window is first shown: the splitter divides the size it then has."""
        state, self._splitter_state = self._splitter_state, None
        if state is not None:
            self._splitter.restoreState(state)  # type: ignore[arg-type]
            return
        # The first time: on a narrow window (1024 × 700, 150 %) the settings give up
        # some of their width, so the log keeps room for whole lines.
        width = self._splitter.width()
        form = self._splitter.widget(0)
        least = form.minimumWidth() if form is not None else 0
        first = min(FORM_WIDTH, max(least, round(width * FORM_SHARE)))
        self._splitter.setSizes([first, max(0, width - first)])

    def save(self) -> None:
        s = self._ini
        s.setValue("window/geometry", self._window.saveGeometry())
        s.setValue("window/splitter", self._splitter.saveState())
        s.setValue("log/filter", self._log_panel.filter_choice)
        s.setValue("window/tab", self._tabs.currentIndex())
        s.sync()
