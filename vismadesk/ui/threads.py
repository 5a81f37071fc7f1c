"""The one kind of QThread the window starts."""

from __future__ import annotations

from PySide6.QtCore import QThread


class PyThread(QThread):
    """A QThread whose event loop runs inside one Python call.

    Qt calls a slot on a plain QThread with a fresh Python thread state each time,
    so `threading.local` data does not survive from one call to the next; the store
    keeps its SQLite connection per thread there, and opened a new one (and kept
    the old) for every call. Running the loop from Python keeps one thread state
    for the thread's life.
    """

    def run(self) -> None:
        self.exec()
