"""The work orders OutSmart lists now: ready for export, and stuck in the error status.

A failed work order waits in the error status until the planner resets it (the
troubleshooting page's fix: "Reset the workstatus to the correct export status …
then run the export again"). This tab does both, for the selected work orders. Why a
work order failed is shown in full under the error list for the one selected, and a
double-click on any work order opens its latest log entry (`open_requested`).
A work order two consoles exported at the very same moment is listed apart, with
what to delete in VISMA.net (from the journal), as long as there is one.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vismadesk.domain import JournalEntry, WorkOrder
from vismadesk.i18n import _, format_date, format_number, format_time
from vismadesk.messages import translated
from vismadesk.ui import style, texts
from vismadesk.ui.actions import RunKind, label, run_icon
from vismadesk.ui.plain import plain_label, plain_tip

COLUMNS = (
    texts.COL_NUMBER,
    texts.COL_CUSTOMER,
    texts.COL_RELATION,
    texts.COL_DESCRIPTION,
    texts.COL_DATE,
    texts.COL_STATUS,
)
WHY_COLUMN = len(COLUMNS)
# The share of the height a list with work orders in it gets (an empty one gets none).
BIG = 1


def _list(extra: tuple[str, ...] = ()) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(len(COLUMNS) + len(extra))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSortingEnabled(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    tree.setMinimumHeight(60)
    tree.setStyleSheet(style.LIST_FRAME)
    header = tree.header()
    for col, width in enumerate((90, 200, 70, 300, 90, 120)):
        header.resizeSection(col, width)
    return tree


def _wrapping_label() -> QLabel:
    """A label that wraps in the width it is given instead of widening the tab."""
    label = plain_label()
    label.setWordWrap(True)
    label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


def _header_labels(tree: QTreeWidget, extra: tuple[str, ...] = ()) -> None:
    tree.setHeaderLabels([_(c) for c in (*COLUMNS, *extra)])


def _why(reason: str) -> str:
    """Why a work order failed (the journal keeps the English summaries, one a line), in
    the language chosen now, on one line for the list."""
    lines = [line for line in translated(reason).splitlines() if line.strip()]
    return "; ".join(lines)


def _fill(
    tree: QTreeWidget,
    orders: list[WorkOrder],
    names: dict[str, str],
    reasons: dict[str, str] | None = None,
) -> None:
    tree.setSortingEnabled(False)
    tree.clear()
    items = []
    for wo in orders:
        date = format_date(wo.work_date) if wo.work_date else ""
        item = QTreeWidgetItem(
            [
                wo.number,
                wo.customer_name,
                wo.relation or "",
                wo.description.splitlines()[0] if wo.description else "",
                date,
                f"{wo.work_status} — {names[wo.work_status]}"
                if wo.work_status in names
                else wo.work_status,
            ]
        )
        if reasons is not None:
            why = _why(reasons.get(wo.number, ""))
            item.setText(WHY_COLUMN, why)
            item.setToolTip(WHY_COLUMN, plain_tip(why.replace("; ", "\n")))
            item.setData(WHY_COLUMN, Qt.ItemDataRole.UserRole, why)
        item.setData(0, Qt.ItemDataRole.UserRole, wo.number)
        # Sort dates as dates, not as day-first text.
        item.setData(4, Qt.ItemDataRole.UserRole, wo.work_date.isoformat() if wo.work_date else "")
        item.setToolTip(3, plain_tip(wo.description))
        items.append(item)
    tree.addTopLevelItems(items)
    tree.setSortingEnabled(True)
    tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)


def _selected(tree: QTreeWidget) -> list[str]:
    return [str(i.data(0, Qt.ItemDataRole.UserRole)) for i in tree.selectedItems()]


class WorkOrdersTab(QWidget):
    refresh_clicked = Signal()
    reset_clicked = Signal(list)  # work order numbers
    export_clicked = Signal(list)
    open_requested = Signal(str)  # a work order number: show its latest log entry

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_widgets()
        self._lay_out()
        self._wire()
        self._busy = False
        self.loaded = False
        self._counts = (0, 0)
        self._twice_count = 0
        self._status: tuple[str, dict[str, str]] = (texts.READY_UNKNOWN, {})
        # OutSmart's work status names by code, once known (the form reads them).
        self.status_names: dict[str, str] = {}
        self.retranslate()
        self._update_buttons()

    def _make_widgets(self) -> None:
        self.ready_list = _list()
        self.ready_list.setObjectName("readyList")
        self.error_list = _list((texts.COL_WHY,))
        # What a planner looks for first in this list: why, right after the number; it
        # takes the width the other columns leave.
        why = self.error_list.header()
        why.moveSection(WHY_COLUMN, 1)
        why.resizeSection(WHY_COLUMN, 360)
        why.setStretchLastSection(False)
        why.setSectionResizeMode(WHY_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.error_list.setObjectName("errorList")
        # The selected work order's reason in full, wrapped: the column cuts it short.
        self.why_label = plain_label()
        self.why_label.setObjectName("whyItFailed")
        self.why_label.setWordWrap(True)
        self.why_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
        self.why_label.hide()
        self.twice_list = QTreeWidget()
        self.twice_list.setObjectName("twiceList")
        self.twice_list.setRootIsDecorated(False)
        self.twice_list.header().resizeSection(2, 420)

        self.export_button = QPushButton(run_icon(RunKind.EXPORT_SELECTED), "")
        self.export_button.setObjectName("exportSelected")
        self.reset_button = QPushButton(run_icon(RunKind.RESET), "")
        self.reset_button.setObjectName("resetStatus")
        self.refresh_button = QPushButton()
        self.refresh_button.setObjectName("refreshWorkOrders")
        self.status = QLabel()
        self.status.setObjectName("workOrdersStatus")
        self.status.setStyleSheet(style.color(style.TEXT_MUTED))
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.select_to_export = _wrapping_label()
        self.select_to_reset = _wrapping_label()

        # An empty list is one line saying so, not an empty table taking the room.
        self.ready_empty = _wrapping_label()
        self.ready_empty.setObjectName("readyEmpty")
        self.ready_empty.setStyleSheet(style.color(style.TEXT_MUTED))
        self.error_empty = _wrapping_label()
        self.error_empty.setObjectName("errorEmpty")
        self.error_empty.setStyleSheet(style.color(style.TEXT_MUTED))
        self.ready_empty.hide()
        self.error_empty.hide()

    def _lay_out(self) -> None:
        self.ready_box = QGroupBox()
        rl = QVBoxLayout(self.ready_box)
        rl.addWidget(self.ready_list)
        rl.addWidget(self.ready_empty)
        rb = QHBoxLayout()
        rb.addWidget(self.select_to_export, 1)
        rb.addWidget(self.export_button)
        rl.addLayout(rb)

        self.error_box = QGroupBox()
        el = QVBoxLayout(self.error_box)
        el.addWidget(self.error_list, 1)
        el.addWidget(self.error_empty)
        el.addWidget(self.why_label)
        eb = QHBoxLayout()
        eb.addWidget(self.select_to_reset, 1)
        eb.addWidget(self.reset_button)
        el.addLayout(eb)

        self.twice_box = QGroupBox()
        self.twice_box.setObjectName("twiceBox")
        tl = QVBoxLayout(self.twice_box)
        tl.addWidget(self.twice_list)
        self.twice_help = QLabel()
        self.twice_help.setWordWrap(True)
        tl.addWidget(self.twice_help)
        self.twice_box.hide()

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        # On a low screen (1280 × 800 at 150 % leaves ~490 pixels) the two lists do not
        # fit at their smallest: the tab scrolls instead of making the window taller.
        body = QWidget()
        body.setObjectName("workOrdersBody")
        self._layout = QVBoxLayout(body)
        self._layout.setContentsMargins(0, 4, 0, 0)
        self._layout.addLayout(top)
        self._layout.addWidget(self.twice_box, 1)
        self._layout.addWidget(self.error_box, 1)
        self._layout.addWidget(self.ready_box, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("workOrdersScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setFocusPolicy(
            Qt.FocusPolicy.NoFocus
        )  # its lists and buttons are the stops
        self.scroll_area.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

    def _wire(self) -> None:
        self.refresh_button.clicked.connect(self.refresh_clicked)
        self.export_button.clicked.connect(lambda: self.export_clicked.emit(self.selected_ready()))
        self.reset_button.clicked.connect(lambda: self.reset_clicked.emit(self.selected_errors()))
        self.ready_list.itemSelectionChanged.connect(self._update_buttons)
        self.error_list.itemSelectionChanged.connect(self._update_buttons)
        self.error_list.itemSelectionChanged.connect(self._show_why)
        for tree in (self.ready_list, self.error_list):
            tree.itemDoubleClicked.connect(self._open)

    def retranslate(self) -> None:
        _header_labels(self.ready_list)
        _header_labels(self.error_list, (texts.COL_WHY,))
        self.export_button.setText(label(RunKind.EXPORT_SELECTED))
        self.reset_button.setText(label(RunKind.RESET))
        self.refresh_button.setText(_(texts.REFRESH))
        self.select_to_export.setText(_(texts.SELECT_TO_EXPORT))
        self.select_to_reset.setText(_(texts.SELECT_TO_RESET))
        self.ready_empty.setText(_(texts.NONE_READY))
        self.error_empty.setText(_(texts.NONE_IN_ERROR))
        ready, error = (format_number(n) for n in self._counts)
        self.ready_box.setTitle(_(texts.READY_TITLE).format(count=ready))
        self.error_box.setTitle(_(texts.ERROR_TITLE).format(count=error))
        self._retranslate_twice()
        text, values = self._status
        self.status.setText(_(text).format(**values))

    def selected_ready(self) -> list[str]:
        return _selected(self.ready_list)

    def selected_errors(self) -> list[str]:
        return _selected(self.error_list)

    def select(self, numbers: list[str]) -> None:
        """Select these work orders in whichever list holds them."""
        wanted = set(numbers)
        for tree in (self.ready_list, self.error_list):
            for i in range(tree.topLevelItemCount()):
                item = tree.topLevelItem(i)
                assert item is not None  # i < topLevelItemCount()
                item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in wanted)

    def _set_status(self, text: str, **values: str) -> None:
        """A status line from texts (shown in the language chosen now, and again after a
        switch)."""
        self._status = (text, values)
        self.status.setText(_(text).format(**values))

    def set_loading(self) -> None:
        self._set_status(texts.WORK_ORDERS_LOADING)
        self.refresh_button.setEnabled(False)

    def set_lists(
        self,
        ready: list[WorkOrder],
        error: list[WorkOrder],
        reasons: dict[str, str] | None = None,
        twice: list[JournalEntry] | None = None,
    ) -> None:
        """The lists as OutSmart gave them; `reasons`: why each failed, from the journal;
        `twice`: journal entries of work orders found twice in VISMA.net."""
        self.set_twice(twice or [])
        _fill(self.ready_list, ready, self.status_names)
        _fill(self.error_list, error, self.status_names, reasons or {})
        self._counts = (len(ready), len(error))
        # The list with work orders in it gets the room; an empty one is one line.
        for tree, empty, rows in (
            (self.ready_list, self.ready_empty, ready),
            (self.error_list, self.error_empty, error),
        ):
            tree.setVisible(bool(rows))
            empty.setVisible(not rows)
        self._layout.setStretchFactor(self.error_box, BIG if error else 0)
        self._layout.setStretchFactor(self.ready_box, BIG if ready else 0)
        self._set_status(texts.WORK_ORDERS_LOADED, time=format_time(dt.datetime.now()))
        self.refresh_button.setEnabled(True)
        self.loaded = True
        self.retranslate()
        self._show_why()
        self._update_buttons()

    def set_twice(self, entries: list[JournalEntry]) -> None:
        self.twice_list.clear()
        for e in entries:
            note = e.last_error or ""
            item = QTreeWidgetItem([e.work_order, str(e.document or ""), note])
            item.setToolTip(2, plain_tip(note))
            self.twice_list.addTopLevelItem(item)
        self._twice_count = len(entries)
        self._retranslate_twice()
        self.twice_box.setVisible(bool(entries))

    def _retranslate_twice(self) -> None:
        self.twice_list.setHeaderLabels(
            [_(t) for t in (texts.COL_NUMBER, texts.COL_DOCUMENT, texts.COL_WHAT_TO_DELETE)]
        )
        count = format_number(self._twice_count)
        self.twice_box.setTitle(f"{_(texts.TWICE_TITLE)} ({count})")
        self.twice_help.setText(_(texts.TWICE_HELP))

    def set_problem(self, text: str) -> None:
        """A problem in words already chosen (an error's own message)."""
        self._status = ("{text}", {"text": text})
        self.status.setText(text)
        self.refresh_button.setEnabled(True)

    def set_problem_text(self, text: str) -> None:
        """A problem from texts (shown in the language chosen now)."""
        self._set_status(text)
        self.refresh_button.setEnabled(True)

    def set_busy(self, busy: bool) -> None:
        """While a run is going, the buttons that would start another wait."""
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(not self._busy and bool(self.selected_ready()))
        self.reset_button.setEnabled(not self._busy and bool(self.selected_errors()))
        # The hint says how to start; once something is selected it has done its work.
        waiting = self.error_list.topLevelItemCount() > 0 and not self.selected_errors()
        self.select_to_reset.setVisible(waiting)

    def _show_why(self) -> None:
        items = self.error_list.selectedItems()
        why = items[0].data(WHY_COLUMN, Qt.ItemDataRole.UserRole) if len(items) == 1 else ""
        if why:
            number = items[0].text(0)
            self.why_label.setText(f"{number}: {why}")
        self.why_label.setVisible(bool(why))

    def _open(self, item: QTreeWidgetItem, _column: int) -> None:
        self.open_requested.emit(str(item.data(0, Qt.ItemDataRole.UserRole)))
