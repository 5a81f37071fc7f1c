"""The sync log as a list model that never holds more than the planner has scrolled to.

Rows come from SQLite in pages by id, newest first: the first page when the view
opens, the next one when the view scrolls to the end (`canFetchMore`/`fetchMore`),
and new entries at the top while a run writes. Every query runs on a reader thread,
so a full-text search over a million entries never stalls the window; each answer
carries the generation of the filter it was asked for, and answers for an older
filter are dropped.

The level filter and the search text are pushed down to SQLite (the store's
indexes and full-text index do the work), not applied to loaded rows in Python.
How a row looks is `log_rows`'s business; this module only pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from PySide6.QtCore import (
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QStandardItemModel

from vismadesk.domain import Level
from vismadesk.store import Store
from vismadesk.ui.log_rows import ROLE_NAMES, LogRow, Roles, draw_badges, item_data
from vismadesk.ui.threads import PyThread

PAGE_SIZE = 200
# A burst bigger than this (a night of scheduled runs written by another process)
# is not loaded row by row: the view simply reloads its newest page.
LIVE_BATCH = 2000
# Entries that arrive within this window become one insert.
COALESCE_MS = 50
# How often to look for entries another process wrote (a scheduled CLI export).
POLL_MS = 1000

ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class LogQuery:
    levels: frozenset[Level] = frozenset()
    search: str = ""

    @property
    def level_list(self) -> list[Level] | None:
        return sorted(self.levels) if self.levels else None


class LogReader(QObject):
    """Runs the log queries on its own thread, with its own SQLite connection."""

    page_read = Signal(int, object, bool, int)  # generation, rows newest first, more, top id
    since_read = Signal(int, object, bool, int)  # generation, rows oldest first, more, checked

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        # The model's current generation, set from the GUI thread: a request queued
        # for a filter the planner has already changed again is skipped, not run.
        self.latest_gen = 0

    @Slot(int, object, object, int)
    def read_page(self, gen: int, query: LogQuery, before_id: int | None, limit: int) -> None:
        if gen != self.latest_gen:
            return
        # The newest id first: whatever is written while the page is read is newer
        # than `top` and will be picked up as live entries.
        top = self._store.latest_log_id()
        entries = self._store.log_page(
            before_id=before_id, limit=limit, levels=query.level_list, search=query.search
        )
        rows = [LogRow.from_entry(e, query.search) for e in entries]
        self.page_read.emit(gen, rows, len(rows) == limit, top)

    @Slot(int, object, int, int)
    def read_since(self, gen: int, query: LogQuery, after_id: int, limit: int) -> None:
        if gen != self.latest_gen:
            return
        top = self._store.latest_log_id()
        entries = self._store.log_since(
            after_id, limit=limit, levels=query.level_list, search=query.search
        )
        rows = [
            LogRow.from_entry(e, query.search) for e in entries if e.id is not None and e.id <= top
        ]
        more = len(entries) == limit
        checked = rows[-1].id if more and rows else max(top, after_id)
        self.since_read.emit(gen, rows, more, checked)


class LogModel(QStandardItemModel):
    """Newest first; grows at the end as the view scrolls and at the top as runs write.

    A list model whose rows live in Qt's own item store: painting a row never calls
    into Python. That matters while a run works on other threads: every call from
    Qt into Python waits for the interpreter lock, and a repaint that asked Python
    for each visible row's data stalled the window for tens of milliseconds (measured
    during a 2,000 work order export). Only the loading logic here is Python.
    """

    # Emitted when the rows for the current filter have arrived (the first page).
    reloaded = Signal()
    # Emitted after live rows were inserted at the top (count).
    live_rows_added = Signal(int)
    busy_changed = Signal(bool)

    _request_page = Signal(int, object, object, int)
    _request_since = Signal(int, object, int, int)

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self.setColumnCount(1)
        self.setItemRoleNames(ROLE_NAMES)
        # Every picture a row can show, drawn now: drawn on first use, the first error
        # of an export cost the GUI thread milliseconds just when the export threads
        # held the interpreter lock most (a 40-75 ms stall as the export began).
        draw_badges()
        self._store = store
        self._page_size = page_size
        self._query = LogQuery()
        self._gen = 0
        self._more = True
        self._page_pending = False
        self._since_pending = False
        self._live_wanted = False
        # The newest entry id already looked at for this filter; None until the first
        # page of the current filter has arrived.
        self._checked: int | None = None
        self._closed = False

        self._thread = PyThread()
        self._thread.setObjectName("vismadesk-log-reader")
        self._reader = LogReader(store)
        self._reader.moveToThread(self._thread)
        self._request_page.connect(self._reader.read_page)
        self._request_since.connect(self._reader.read_since)
        self._reader.page_read.connect(self._on_page)
        self._reader.since_read.connect(self._on_since)
        self._thread.finished.connect(self._reader.deleteLater)
        self._thread.start()

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(COALESCE_MS)
        self._live_timer.timeout.connect(self._read_live)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self._poll)
        if poll_ms > 0:
            self._poll_timer.start()
        self._ask_page(None)

    # --- Qt model: paging -------------------------------------------------------------

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._more and not self._page_pending

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid() or not self._more or self._page_pending:
            return
        n = self.rowCount()
        self._ask_page(self.entry_id(n - 1) if n else None)

    # --- what the window uses -------------------------------------------------------

    @property
    def query(self) -> LogQuery:
        return self._query

    @property
    def busy(self) -> bool:
        return self._page_pending

    @property
    def loaded(self) -> bool:
        """True once the first page for the current filter is in."""
        return self._checked is not None

    def entry_id(self, row: int) -> int:
        return int(self.item(row).data(Roles.ID))

    def row_of(self, entry_id: int) -> int | None:
        for i in range(self.rowCount()):
            if self.entry_id(i) == entry_id:
                return i
        return None

    def set_query(self, query: LogQuery) -> None:
        if query == self._query:
            return
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Drop what is loaded and read the newest page for the current filter."""
        self._gen += 1
        self._reader.latest_gen = self._gen
        self._more = True
        self._checked = None
        self._since_pending = False
        self._page_pending = False
        self.beginResetModel()
        self.removeRows(0, self.rowCount())
        self.endResetModel()
        self._ask_page(None)

    @Slot()
    def notify_new_entries(self) -> None:
        """Something was written: look for it soon (many notices become one read)."""
        self._live_wanted = True
        if not self._live_timer.isActive():
            self._live_timer.start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._live_timer.stop()
        self._poll_timer.stop()
        self._thread.quit()
        self._thread.wait()

    def _put(self, at: int, rows: list[LogRow]) -> None:
        # Qt creates the items itself (no Python object per row, a third less memory),
        # and the values go in before the view gets to paint them; one insert signal,
        # not one change signal per row.
        self.insertRows(at, len(rows))
        blocked = self.blockSignals(True)
        try:
            for i, row in enumerate(rows):
                self.setItemData(self.index(at + i, 0), item_data(row))
        finally:
            self.blockSignals(blocked)

    # --- reading --------------------------------------------------------------------

    def _ask_page(self, before_id: int | None) -> None:
        if self._closed:
            return
        self._page_pending = True
        self.busy_changed.emit(True)
        self._request_page.emit(self._gen, self._query, before_id, self._page_size)

    @Slot()
    def _read_live(self) -> None:
        if self._closed or self._checked is None or self._since_pending:
            return  # picked up when the pending read comes back
        self._live_wanted = False
        self._since_pending = True
        self._request_since.emit(self._gen, self._query, self._checked, LIVE_BATCH)

    @Slot()
    def _poll(self) -> None:
        # max(id) on the primary key: cheap enough for the GUI thread every second.
        if self._checked is not None and self._store.latest_log_id() > self._checked:
            self.notify_new_entries()

    @Slot(int, object, bool, int)
    def _on_page(self, gen: int, rows: list[LogRow], more: bool, top: int) -> None:
        if gen != self._gen or self._closed:
            return
        first = self._checked is None
        if rows:
            self._put(self.rowCount(), rows)
        self._more = more
        self._page_pending = False
        self.busy_changed.emit(False)
        if first:
            self._checked = max(top, rows[0].id if rows else 0)
            self.reloaded.emit()
            if self._live_wanted:
                self._read_live()

    @Slot(int, object, bool, int)
    def _on_since(self, gen: int, rows: list[LogRow], more: bool, checked: int) -> None:
        if gen != self._gen or self._closed:
            return
        self._since_pending = False
        if more:
            # Too much at once to be worth inserting: show the newest page instead.
            self.reload()
            return
        self._checked = max(self._checked or 0, checked)
        if rows:
            self._put(0, rows[::-1])
            self.live_rows_added.emit(len(rows))
        if self._live_wanted and not self._live_timer.isActive():
            self._live_timer.start()


class LogFilter:
    """The filter choices the log panel offers, and the levels each one shows."""

    ALL = "all"
    ERRORS = "errors"
    WARNINGS = "warnings"

    LEVELS: ClassVar[dict[str, frozenset[Level]]] = {
        ALL: frozenset(),
        ERRORS: frozenset({Level.ERROR}),
        WARNINGS: frozenset({Level.ERROR, Level.WARNING}),
    }


class LogFilterProxy(QIdentityProxyModel):
    """Holds the filter (level choice, search text) and has the source reload for it.

    Filtering a million rows in Python is not an option; SQLite does it with its
    indexes, so this proxy passes rows through and only changes the source's query.
    """

    filter_changed = Signal()

    def __init__(self, source: LogModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._log = source
        self._choice = LogFilter.ALL
        self._search = ""

    @property
    def log_model(self) -> LogModel:
        return self._log

    @property
    def choice(self) -> str:
        return self._choice

    @property
    def search(self) -> str:
        return self._search

    def set_choice(self, choice: str) -> None:
        if choice not in LogFilter.LEVELS:
            raise ValueError(f"unknown log filter {choice!r}")
        self._choice = choice
        self._apply()

    def set_search(self, text: str) -> None:
        self._search = " ".join(text.split())
        self._apply()

    def _apply(self) -> None:
        query = LogQuery(LogFilter.LEVELS[self._choice], self._search)
        if query != self._log.query:
            self._log.set_query(query)
            self.filter_changed.emit()
