"""The sync log on the right: filter, search and the list of entries.

The list is a one-column table over the lazy `LogModel` (through `LogFilterProxy`):
each row shows the level icon, the action, the time and the summary, with error rows
tinted in the error icon's orange so they stand out while scrolling. Double-click
or Enter opens an entry (`entry_activated`). A table, not a list view: every row is
one fixed-height section of its header, so a million rows need no layout (a
QListView laid out every row again for each insert: 0.3-0.5 s at a million).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vismadesk.i18n import _
from vismadesk.store import StoreAPI
from vismadesk.ui import style, texts
from vismadesk.ui.log_model import POLL_MS, LogFilter, LogFilterProxy, LogModel
from vismadesk.ui.log_rows import Roles, badge_size, row_height

SEARCH_DELAY_MS = 250
FILTER_CHOICES = (
    (LogFilter.ALL, texts.FILTER_ALL),
    (LogFilter.ERRORS, texts.FILTER_ERRORS),
    (LogFilter.WARNINGS, texts.FILTER_WARNINGS),
)


class SearchEdit(QLineEdit):
    """The search box: Down goes into the results, and the window's own shortcuts win
    over the line editor's (on Linux Ctrl+E would move to the end of the line)."""

    down_pressed = Signal()

    # Window shortcuts the box must not swallow while it has the focus.
    passed_on: tuple[QKeySequence, ...] = (QKeySequence("Ctrl+E"),)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            pressed = QKeySequence(event.keyCombination())
            if any(
                pressed.matches(keys) == QKeySequence.SequenceMatch.ExactMatch
                for keys in self.passed_on
            ):
                event.ignore()
                return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down and not event.modifiers():
            self.down_pressed.emit()
            return
        super().keyPressEvent(event)


class LogListView(QTableView):
    """The log's rows as a list: one column, no headers or grid, every row as high as
    `row_height()`; Home and End go to the newest and the oldest entry, Enter opens the
    current one as a double-click does. Says which rows it shows (`rows_shown`) after
    every scroll, resize or change of rows, so the model reads just those."""

    entry_activated = Signal(int)
    rows_shown = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(row_height())
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        # Tab leaves the list, as it leaves every other list in the window.
        self.setTabKeyNavigation(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.doubleClicked.connect(self._open)
        self._shown_timer = QTimer(self)
        self._shown_timer.setSingleShot(True)
        self._shown_timer.setInterval(0)
        self._shown_timer.timeout.connect(self._say_shown)
        self.verticalScrollBar().valueChanged.connect(self.tell_rows_shown)
        self.verticalScrollBar().rangeChanged.connect(self.tell_rows_shown)

    def tell_rows_shown(self, *_args: object) -> None:
        """Soon (once for many changes), say which rows are in view."""
        self._shown_timer.start()

    def _say_shown(self) -> None:
        model = self.model()
        if model is None or model.rowCount() == 0:
            return
        first = self.rowAt(0)
        last = self.rowAt(self.viewport().height() - 1)
        if first < 0:
            first = 0
        if last < 0:
            last = model.rowCount() - 1
        self.rows_shown.emit(first, last)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.tell_rows_shown()

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # A table's Home and End stay in the row (first and last column); in a list
        # they go to the first and the last row.
        model = self.model()
        ends = {
            QAbstractItemView.CursorAction.MoveHome: 0,
            QAbstractItemView.CursorAction.MoveEnd: model.rowCount() - 1 if model else -1,
        }
        if model is not None and cursorAction in ends:
            return model.index(ends[cursorAction], 0)
        return super().moveCursor(cursorAction, modifiers)

    def keep_offset(self, value: int) -> None:
        """Scroll to `value` pixels now, after rows were inserted above it (the scroll
        bar's range is otherwise only updated later, and would cut the value off)."""
        self.updateGeometries()
        self.verticalScrollBar().setValue(value)

    def focusInEvent(self, event: QFocusEvent) -> None:
        # Tabbing into the list shows where the keyboard is: on the first entry in view
        # (a click puts it where it clicks).
        keyboard = event.reason() in (
            Qt.FocusReason.TabFocusReason,
            Qt.FocusReason.BacktabFocusReason,
        )
        if keyboard and not self.currentIndex().isValid():
            first = self.indexAt(self.viewport().rect().topLeft())
            if first.isValid():
                self.setCurrentIndex(first)
        super().focusInEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex | QPersistentModelIndex) -> None:
        entry_id = index.data(Roles.ID)
        if entry_id is not None:
            self.entry_activated.emit(int(entry_id))


class LogPanel(QWidget):
    entry_activated = Signal(int)
    # Emitted on the store's thread when any process (any console, for a team store)
    # wrote the log; Qt queues it to the model on this thread.
    _store_wrote = Signal()

    def __init__(
        self, store: StoreAPI, parent: QWidget | None = None, *, poll_ms: int = POLL_MS
    ) -> None:
        super().__init__(parent)
        # The store says when there is news (a team store as it happens, the local
        # file every `poll_ms`); the model need not poll on this thread. 0: not at all.
        self.model = LogModel(store, self, poll_ms=0)  # type: ignore[arg-type]
        self._store_wrote.connect(self.model.notify_new_entries)
        self._unsubscribe = (
            store.subscribe(self._store_wrote.emit, poll_s=poll_ms / 1000) if poll_ms > 0 else None
        )
        self.proxy = LogFilterProxy(self.model, self)

        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("logFilter")
        for value, _label in FILTER_CHOICES:
            self.filter_combo.addItem("", value)
        self.search_edit = SearchEdit()
        self.search_edit.setObjectName("logSearch")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.down_pressed.connect(self.focus_results)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_combo)
        bar.addWidget(self.search_edit, 1)

        self.view = LogListView()
        self.view.setObjectName("logView")
        self.view.setStyleSheet(style.LIST_FRAME)
        self.view.setModel(self.proxy)
        # Qt's own delegate paints the rows: no Python runs while painting (log_rows).
        self.view.setIconSize(badge_size())
        self.view.setAlternatingRowColors(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setMouseTracking(False)
        self.view.entry_activated.connect(self.entry_activated)

        self.empty_label = QLabel()
        self.empty_label.setObjectName("logEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet(style.LOG_EMPTY)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search_edit.textChanged.connect(lambda _t: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._apply_search)
        self.filter_combo.currentIndexChanged.connect(self._apply_choice)

        self.model.rowsAboutToBeInserted.connect(self._before_insert)
        self.model.rowsInserted.connect(self._after_insert)
        self.model.modelReset.connect(self._update_empty)
        self.model.rowsInserted.connect(self._update_empty)
        self.model.reloaded.connect(self._update_empty)
        self.model.reloaded.connect(self._current_if_focused)
        self.view.rows_shown.connect(self.model.show_rows)
        self.model.counted.connect(self.view.tell_rows_shown)
        self.model.rowsInserted.connect(self.view.tell_rows_shown)
        self._keep_offset: int | None = None
        self.retranslate()

    def retranslate(self) -> None:
        """The words in the language chosen now; the rows are read again for it."""
        for i, (_value, label) in enumerate(FILTER_CHOICES):
            self.filter_combo.setItemText(i, _(label))
        self.filter_combo.setToolTip(_(texts.FILTER_TOOLTIP))
        self.search_edit.setPlaceholderText(_(texts.SEARCH_PLACEHOLDER))
        self.search_edit.setToolTip(_(texts.SEARCH_TOOLTIP))
        self._update_empty()

    def focus_results(self) -> None:
        """From the search box into the list, on the first entry found."""
        self._apply_search()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.proxy.rowCount() and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    # --- filter ----------------------------------------------------------------------

    @property
    def filter_choice(self) -> str:
        return str(self.filter_combo.currentData())

    def set_filter_choice(self, choice: str) -> None:
        i = self.filter_combo.findData(choice)
        if i < 0:
            raise ValueError(f"unknown log filter {choice!r}")
        self.filter_combo.setCurrentIndex(i)
        self._apply_choice()

    def set_search(self, text: str) -> None:
        """Search at once (the box waits for a pause in typing)."""
        self.search_edit.setText(text)
        self._apply_search()

    def _apply_choice(self) -> None:
        self.proxy.set_choice(self.filter_choice)

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.proxy.set_search(self.search_edit.text())

    # --- live rows keep the reader's place ----------------------------------------------

    def _before_insert(self, parent: QModelIndex, first: int, _last: int) -> None:
        bar = self.view.verticalScrollBar()
        # At the top, new entries push in and stay visible; further down the list,
        # the row being read must not move away.
        self._keep_offset = bar.value() if first == 0 and bar.value() > 0 else None

    def _after_insert(self, parent: QModelIndex, first: int, last: int) -> None:
        if self._keep_offset is None:
            return
        # Every row is row_height() tall (and the new rows get their values only
        # after this signal, so asking the view would measure an empty row).
        added = (last - first + 1) * row_height()
        self.view.keep_offset(self._keep_offset + added)
        self._keep_offset = None

    def _update_empty(self, *_args: object) -> None:
        if self.model.rowCount() > 0:
            self.empty_label.hide()
            return
        if not self.model.loaded:
            self.empty_label.setText(_(texts.LOG_LOADING))
        elif self.proxy.choice != LogFilter.ALL or self.proxy.search:
            self.empty_label.setText(_(texts.LOG_NO_MATCH))
        else:
            self.empty_label.setText(_(texts.LOG_EMPTY))
        self.empty_label.show()

    def _current_if_focused(self) -> None:
        # The results of a search arrive after Down moved the focus into the list.
        focused = self.view.hasFocus() and not self.view.currentIndex().isValid()
        if focused and self.proxy.rowCount():
            self.view.setCurrentIndex(self.proxy.index(0, 0))

    def close_model(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.model.close()
