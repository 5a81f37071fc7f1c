"""The sync log as a list model that never holds more than the planner has scrolled to.

Rows come from SQLite in pages by id, newest first: the first page when the view
opens, the next one when the view scrolls to the end (`canFetchMore`/`fetchMore`),
and new entries at the top while a run writes. Every query runs on a reader thread,
so a full-text search over a million entries never stalls the window; each answer
carries the generation of the filter it was asked for, and answers for an older
filter are dropped.

The level filter and the search text are pushed down to SQLite (the store's
indexes and full-text index do the work), not applied to loaded rows in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractListModel,
    QIdentityProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    QTimer,
    Signal,
    Slot,
)

from vismadesk.domain import Action, Level, LogEntry
from vismadesk.store import Store
from vismadesk.ui import texts
from vismadesk.ui.icons import level_icon

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
class LogRow:
    """What a row needs to be painted; the details stay in the database until opened."""

    id: int
    time: dt.datetime
    action: Action
    level: Level
    summary: str
    work_order: str | None
    code: str | None

    @classmethod
    def from_entry(cls, e: LogEntry) -> LogRow:
        assert e.id is not None
        return cls(e.id, e.time, e.action, e.level, e.summary, e.work_order, e.code)

    def time_text(self, now: dt.datetime | None = None) -> str:
        local = self.time.astimezone()
        today = (now or dt.datetime.now().astimezone()).date()
        if local.date() == today:
            return local.strftime("%H:%M:%S")
        return local.strftime("%d-%m-%Y %H:%M")


@dataclass(frozen=True, slots=True)
class LogQuery:
    levels: frozenset[Level] = frozenset()
    search: str = ""

    @property
    def level_list(self) -> list[Level] | None:
        return sorted(self.levels) if self.levels else None


class Roles:
    ROW = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2
    LEVEL = Qt.ItemDataRole.UserRole + 3
    TIME_TEXT = Qt.ItemDataRole.UserRole + 4
    ACTION_TEXT = Qt.ItemDataRole.UserRole + 5
    WORK_ORDER = Qt.ItemDataRole.UserRole + 6


class LogReader(QObject):
    """Runs the log queries on its own thread, with its own SQLite connection."""

    page_read = Signal(int, object, bool, int)  # generation, rows newest first, more, top id
    since_read = Signal(int, object, bool, int)  # generation, rows oldest first, more, checked

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store

    @Slot(int, object, object, int)
    def read_page(self, gen: int, query: LogQuery, before_id: int | None, limit: int) -> None:
        # The newest id first: whatever is written while the page is read is newer
        # than `top` and will be picked up as live entries.
        top = self._store.latest_log_id()
        entries = self._store.log_page(
            before_id=before_id, limit=limit, levels=query.level_list, search=query.search
        )
        rows = [LogRow.from_entry(e) for e in entries]
        self.page_read.emit(gen, rows, len(rows) == limit, top)

    @Slot(int, object, int, int)
    def read_since(self, gen: int, query: LogQuery, after_id: int, limit: int) -> None:
        top = self._store.latest_log_id()
        entries = self._store.log_since(
            after_id, limit=limit, levels=query.level_list, search=query.search
        )
        rows = [LogRow.from_entry(e) for e in entries if e.id is not None and e.id <= top]
        more = len(entries) == limit
        checked = rows[-1].id if more and rows else max(top, after_id)
        self.since_read.emit(gen, rows, more, checked)


class LogModel(QAbstractListModel):
    """Newest first; grows at the end as the view scrolls and at the top as runs write."""

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
        self._store = store
        self._page_size = page_size
        self._rows: list[LogRow] = []
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

        self._thread = QThread()
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

    # --- Qt model -------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        r = index.row()
        if not 0 <= r < len(self._rows):
            return None
        row = self._rows[r]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.summary
        if role == Qt.ItemDataRole.DecorationRole:
            return level_icon(row.level)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{texts.LEVEL_NAMES[row.level]}: {row.summary}"
        if role == Roles.ROW:
            return row
        if role == Roles.ID:
            return row.id
        if role == Roles.LEVEL:
            return row.level.value
        if role == Roles.TIME_TEXT:
            return row.time_text()
        if role == Roles.ACTION_TEXT:
            return texts.ACTION_NAMES[row.action]
        if role == Roles.WORK_ORDER:
            return row.work_order
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def canFetchMore(self, parent: ModelIndex) -> bool:
        return not parent.isValid() and self._more and not self._page_pending

    def fetchMore(self, parent: ModelIndex) -> None:
        if parent.isValid() or not self._more or self._page_pending:
            return
        self._ask_page(self._rows[-1].id if self._rows else None)

    def roleNames(self) -> dict[int, bytes]:
        names = dict(super().roleNames())
        names[Roles.ID] = b"entryId"
        names[Roles.LEVEL] = b"level"
        names[Roles.TIME_TEXT] = b"timeText"
        names[Roles.ACTION_TEXT] = b"actionText"
        names[Roles.WORK_ORDER] = b"workOrder"
        return names

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

    def row_at(self, row: int) -> LogRow:
        return self._rows[row]

    def row_of(self, entry_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == entry_id:
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
        self.beginResetModel()
        self._rows = []
        self._more = True
        self._checked = None
        self._since_pending = False
        self.endResetModel()
        self._page_pending = False
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
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
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
            newest_first = rows[::-1]
            self.beginInsertRows(QModelIndex(), 0, len(newest_first) - 1)
            self._rows[0:0] = newest_first
            self.endInsertRows()
            self.live_rows_added.emit(len(newest_first))
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
