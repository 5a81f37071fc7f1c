"""The sync log as a list model that knows its length and reads only what is in view.

When the view opens (or the filter changes) the newest block of rows is read and
shown at once; then the filter's entries are counted and the model gets a row for
every one of them, empty until it comes into view. The view says which rows it
shows (`show_rows`); the blocks there are read by position (`log_positions`) on a
reader thread, so End, Home, PageUp and the scroll bar land anywhere in a million
entries in one read. Blocks far out of view are dropped again (least recently shown
first), so memory stays that of a few thousand rows however far the planner scrolls.
New entries come in at the top while a run writes. Every answer carries the
generation of the filter it was asked for; answers for an older filter are dropped.

The level filter and the search text are pushed down to the store (its indexes and
full-text index do the work), not applied to loaded rows in Python. How a row looks
is `log_rows`'s business; this module only reads.
"""

from __future__ import annotations

import functools
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import (
    QIdentityProxyModel,
    QObject,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QStandardItemModel

from vismadesk.domain import Level, LogEntry
from vismadesk.redact import redact
from vismadesk.store import Store, StoreError
from vismadesk.ui.log_positions import BlockRead, Positions
from vismadesk.ui.log_rows import ROLE_NAMES, LogRow, Roles, draw_badges, item_data
from vismadesk.ui.threads import PyThread

log = logging.getLogger(__name__)

PAGE_SIZE = 200
# Blocks kept while out of view: 50,000 rows, about 36 MB (0.7 KB a row). Generous,
# so a long export's live rows are let go rarely: each block let go is 200 calls
# into Qt on the GUI thread (0.5 ms idle, more while the export holds the lock).
KEEP_BLOCKS = 250
# A burst bigger than this (a night of scheduled runs written by another process)
# is not loaded row by row: the view simply reloads its newest page.
LIVE_BATCH = 2000
# Entries that arrive within this window become one insert.
COALESCE_MS = 50
# How often to look for entries another process wrote (a scheduled CLI export).
POLL_MS = 1000


@dataclass(frozen=True, slots=True)
class LogQuery:
    levels: frozenset[Level] = frozenset()
    search: str = ""

    @property
    def level_list(self) -> list[Level] | None:
        return sorted(self.levels) if self.levels else None


_Read = TypeVar("_Read", bound=Callable[..., None])


def _store_may_fail(read: _Read) -> _Read:
    """A store that cannot be read (a team store out of reach, a damaged file) is said,
    not raised inside Qt's slot: the view keeps what it shows and the window says why."""

    @functools.wraps(read)
    def reading(self: LogReader, *args: Any) -> None:
        try:
            read(self, *args)
        except StoreError as e:
            log.warning("the log could not be read: %s", redact(str(e)))
            self.failed.emit(redact(str(e)))

    return reading  # type: ignore[return-value]


class LogReader(QObject):
    """Runs the log queries on its own thread, with its own database connection."""

    page_read = Signal(int, object, bool, int)  # generation, rows newest first, more, top id
    counted = Signal(int, int, int)  # generation, entries up to the top id, oldest's id
    block_read = Signal(int, int, object)  # generation, block, rows newest first (or None)
    since_read = Signal(int, object, bool, int)  # generation, rows oldest first, more, checked
    failed = Signal(str)  # the store could not be read: its words

    def __init__(self, store: Store) -> None:
        super().__init__()
        self._store = store
        # Set from the GUI thread: a request for a filter the planner has already
        # changed, or for a block scrolled out of view again, is skipped, not run.
        self.latest_gen = 0
        self.wanted: frozenset[int] = frozenset()

    @Slot(int, object, int)
    @_store_may_fail
    def read_first(self, gen: int, query: LogQuery, limit: int) -> None:
        if gen != self.latest_gen:
            return
        # The newest id first: whatever is written while the page is read is newer
        # than `top` and will be picked up as live entries.
        top = self._store.latest_log_id()
        entries = self._store.log_page(
            before_id=top + 1, limit=limit, levels=query.level_list, search=query.search
        )
        rows = [LogRow.from_entry(e, query.search) for e in entries]
        self.page_read.emit(gen, rows, len(rows) == limit, top)

    @Slot(int, object, int)
    @_store_may_fail
    def count(self, gen: int, query: LogQuery, top: int) -> None:
        """How many entries there are up to `top`, and the oldest's id (on a thread of
        its own: a count must not hold up the first page of the next filter)."""
        if gen != self.latest_gen:
            return
        levels, search = query.level_list, query.search
        count = self._store.log_count_upto(top, levels=levels, search=search)
        oldest = self._store.log_since(0, limit=1, levels=levels, search=search)
        self.counted.emit(gen, count, oldest[0].id if oldest and oldest[0].id else 0)

    @Slot(int, object, object)
    @_store_may_fail
    def read_block(self, gen: int, query: LogQuery, read: BlockRead) -> None:
        if gen != self.latest_gen or read.block not in self.wanted:
            self.block_read.emit(gen, read.block, None)
            return
        levels, search = query.level_list, query.search
        newest, oldest = read.newest_id, read.oldest_id
        if read.before_id is not None:
            newest = self._store.log_id_at(
                read.offset, before_id=read.before_id, levels=levels, search=search
            )
        elif read.after_id is not None:
            oldest = self._store.log_id_at(
                read.offset, after_id=read.after_id, levels=levels, search=search
            )
        entries: list[LogEntry] = []
        if newest is not None:
            entries = self._store.log_page(
                before_id=newest + 1, limit=read.size, levels=levels, search=search
            )
        elif oldest is not None:
            entries = self._store.log_since(
                oldest - 1, limit=read.size, levels=levels, search=search
            )[::-1]
        rows = [LogRow.from_entry(e, search) for e in entries]
        self.block_read.emit(gen, read.block, rows)

    @Slot(int, object, int, int)
    @_store_may_fail
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
    """Newest first; a row for every entry of the filter, filled as it comes into view.

    A list model whose rows live in Qt's own item store: painting a row never calls
    into Python. That matters while a run works on other threads: every call from
    Qt into Python waits for the interpreter lock, and a repaint that asked Python
    for each visible row's data stalled the window for tens of milliseconds (measured
    during a 2,000 work order export). A million rows cost Qt a pointer each until
    they are read; only the reading logic here is Python.
    """

    # Emitted when the first rows for the current filter have arrived.
    reloaded = Signal()
    # Emitted when the model has a row for every entry of the filter (it was counted).
    counted = Signal()
    # Emitted after live rows were inserted at the top (count).
    live_rows_added = Signal(int)
    busy_changed = Signal(bool)
    # The store could not be read (its words, redacted): the window says so.
    read_failed = Signal(str)

    _request_first = Signal(int, object, int)
    _request_count = Signal(int, object, int)
    _request_block = Signal(int, object, object)
    _request_since = Signal(int, object, int, int)

    def __init__(
        self,
        store: Store,
        parent: QObject | None = None,
        *,
        page_size: int | None = None,
        poll_ms: int = POLL_MS,
        keep_blocks: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.setColumnCount(1)
        self.setItemRoleNames(ROLE_NAMES)
        # Every picture a row can show, drawn now: drawn on first use, the first error
        # of an export cost the GUI thread milliseconds just when the export threads
        # held the interpreter lock most (a 40-75 ms stall as the export began).
        draw_badges()
        self._store = store
        self._page_size = page_size or PAGE_SIZE
        self._keep_blocks = keep_blocks or KEEP_BLOCKS
        self._query = LogQuery()
        self._gen = 0
        self._positions = Positions(self._page_size, dense=True)
        self._filled: OrderedDict[int, None] = OrderedDict()  # blocks with rows, LRU first
        self._pending: set[int] = set()
        self._wanted: list[int] = []
        self._first_pending = False
        self._count_pending = False
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
        self._request_first.connect(self._reader.read_first)
        self._request_block.connect(self._reader.read_block)
        self._request_since.connect(self._reader.read_since)
        self._reader.page_read.connect(self._on_first)
        self._reader.counted.connect(self._on_counted)
        self._reader.block_read.connect(self._on_block)
        self._reader.since_read.connect(self._on_since)
        self._reader.failed.connect(self.read_failed)
        self._thread.finished.connect(self._reader.deleteLater)
        self._thread.start()
        self._count_thread = PyThread()
        self._count_thread.setObjectName("vismadesk-log-counter")
        self._counter = LogReader(store)
        self._counter.moveToThread(self._count_thread)
        self._request_count.connect(self._counter.count)
        self._counter.counted.connect(self._on_counted)
        self._counter.failed.connect(self.read_failed)
        self._count_thread.finished.connect(self._counter.deleteLater)
        self._count_thread.start()

        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(COALESCE_MS)
        self._live_timer.timeout.connect(self._read_live)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(poll_ms)
        self._poll_timer.timeout.connect(self._poll)
        if poll_ms > 0:
            self._poll_timer.start()
        self._ask_first()

    # --- what the window uses -------------------------------------------------------

    @property
    def query(self) -> LogQuery:
        return self._query

    @property
    def busy(self) -> bool:
        """True while rows asked for have not arrived."""
        return self._first_pending or self._count_pending or bool(self._pending)

    @property
    def loaded(self) -> bool:
        """True once the first page for the current filter is in."""
        return self._checked is not None

    @property
    def complete(self) -> bool:
        """True once there is a row for every entry of the filter."""
        return self.loaded and not self._count_pending

    @property
    def rows_in_memory(self) -> int:
        return sum(self._positions.block_span(b)[1] for b in self._filled)

    def entry_id(self, row: int) -> int | None:
        """The entry shown in `row`, or None while its block is being read."""
        value = self.index(row, 0).data(Roles.ID)
        return int(value) if value is not None else None

    def set_query(self, query: LogQuery) -> None:
        if query == self._query:
            return
        self._query = query
        self.reload()

    def reload(self) -> None:
        """Drop what is loaded and read the newest page for the current filter."""
        self._gen += 1
        self._reader.latest_gen = self._counter.latest_gen = self._gen
        self._checked = None
        self._since_pending = False
        self._count_pending = False
        self._pending.clear()
        self._filled.clear()
        self._positions = Positions(
            self._page_size, dense=not self._query.levels and not self._query.search
        )
        self.beginResetModel()
        self.removeRows(0, self.rowCount())
        self.endResetModel()
        self._ask_first()

    def show_rows(self, first: int, last: int) -> None:
        """The view shows rows `first` .. `last`: read what is missing there (and a
        screen's worth either side, for PageUp and PageDown)."""
        if self._checked is None or first < 0 or last < first:
            return
        live = self._positions.live
        margin = last - first + 1
        visible = self._positions.blocks(first - live, last - live)
        near = self._positions.blocks(first - live - margin, last - live + margin)
        middle = (first + last) // 2 - live
        wanted = sorted(near, key=lambda b: (b not in visible, abs(b * self._page_size - middle)))
        self._wanted = wanted
        self._reader.wanted = frozenset(wanted)
        for block in wanted:
            if block in self._filled:
                self._filled.move_to_end(block)
            elif block not in self._pending:
                self._ask_block(block)
        self._forget_unseen()

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
        for thread in (self._thread, self._count_thread):
            thread.quit()
        for thread in (self._thread, self._count_thread):
            thread.wait()

    # --- rows in the item store ------------------------------------------------------

    def _insert(self, at: int, rows: list[LogRow]) -> None:
        # Qt creates the items itself (no Python object per row, a third less memory),
        # and the values go in before the view gets to paint them; one insert signal,
        # not one change signal per row.
        self.insertRows(at, len(rows))
        self._fill(at, rows, signal=False)

    def _fill(self, at: int, rows: list[LogRow], *, signal: bool = True) -> None:
        blocked = self.blockSignals(True)
        try:
            for i, row in enumerate(rows):
                self.setItemData(self.index(at + i, 0), item_data(row))
        finally:
            self.blockSignals(blocked)
        if signal and rows:
            self.dataChanged.emit(self.index(at, 0), self.index(at + len(rows) - 1, 0))

    def _forget_unseen(self) -> None:
        """Drop the rows of blocks long out of view (least recently shown first)."""
        keep = set(self._wanted)
        for block in list(self._filled):
            if len(self._filled) <= self._keep_blocks:
                return
            if block in keep:
                continue
            del self._filled[block]
            lo, size = self._positions.block_span(block)
            row = lo + self._positions.live
            blocked = self.blockSignals(True)
            try:
                for r in range(row, row + size):
                    self.takeItem(r)
            finally:
                self.blockSignals(blocked)

    # --- reading --------------------------------------------------------------------

    def _set_busy(self, was: bool) -> None:
        if self.busy != was:
            self.busy_changed.emit(self.busy)

    def _ask_first(self) -> None:
        if self._closed:
            return
        was = self.busy
        self._first_pending = True
        self._set_busy(was)
        self._request_first.emit(self._gen, self._query, self._page_size)

    def _ask_block(self, block: int) -> None:
        read = self._positions.plan(block)
        if read is None or self._closed:
            return
        was = self.busy
        self._pending.add(block)
        self._set_busy(was)
        self._request_block.emit(self._gen, self._query, read)

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
    def _on_first(self, gen: int, rows: list[LogRow], more: bool, top: int) -> None:
        if gen != self._gen or self._closed:
            return
        was = self.busy
        self._first_pending = False
        self._count_pending = more
        self._checked = max(top, rows[0].id if rows else 0)
        self._positions.start(len(rows), self._checked + 1)
        if rows:
            self._insert(0, rows)
            self._know_block(0, rows)
        self._set_busy(was)
        self.reloaded.emit()
        if more:
            # The rows are on screen; now how many there are, for the scroll bar and End.
            self._request_count.emit(self._gen, self._query, top)
        else:
            self.counted.emit()
        if self._live_wanted:
            self._read_live()

    @Slot(int, int, int)
    def _on_counted(self, gen: int, count: int, oldest_id: int) -> None:
        if gen != self._gen or self._closed:
            return
        was = self.busy
        self._count_pending = False
        shown = self._positions.count
        if count > shown:
            self._positions.start(count, self._positions.newest_bound)
            if oldest_id:
                self._positions.know(count - 1, oldest_id)
            # Empty rows, filled as they come into view.
            self.insertRows(self.rowCount(), count - shown)
        self._set_busy(was)
        self.counted.emit()

    @Slot(int, int, object)
    def _on_block(self, gen: int, block: int, rows: list[LogRow] | None) -> None:
        if gen != self._gen or self._closed:
            return
        was = self.busy
        self._pending.discard(block)
        if rows is None and block in self._wanted:
            # Skipped while scrolled away, and back in view since.
            self._ask_block(block)
        elif rows:
            lo, size = self._positions.block_span(block)
            rows = rows[:size]
            self._fill(lo + self._positions.live, rows)
            self._know_block(lo, rows)
            self._filled[block] = None
            self._forget_unseen()
        self._set_busy(was)

    def _know_block(self, first: int, rows: list[LogRow]) -> None:
        self._positions.know(first, rows[0].id)
        self._positions.know(first + len(rows) - 1, rows[-1].id)
        self._filled[self._positions.blocks(first, first)[0]] = None

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
            self._add_on_top(rows[::-1])
        self._positions.grow_on_top(0, self._checked + 1)
        if self._live_wanted and not self._live_timer.isActive():
            self._live_timer.start()

    def _add_on_top(self, rows: list[LogRow]) -> None:
        """Live rows, newest first, above position 0's entry."""
        positions = self._positions
        old_top = positions.top
        touched = positions.blocks(old_top - len(rows), old_top - 1)
        self._insert(0, rows)
        positions.grow_on_top(len(rows), rows[0].id + 1)
        positions.know(positions.top, rows[0].id)
        positions.know(old_top - 1, rows[-1].id)
        for block in touched:
            # Filled if what it held before was (or it is all new).
            if block in self._filled or (block + 1) * self._page_size <= old_top:
                self._filled[block] = None
        self.live_rows_added.emit(len(rows))


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
