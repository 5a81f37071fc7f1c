"""The work orders OutSmart lists now: ready for export, and stuck in the error status.

A failed work order waits in the error status until the planner resets it (the
troubleshooting page's fix: "Reset the workstatus to the correct export status …
then run the export again"). This tab does both, for the selected work orders.
A work order two consoles exported at the very same moment is listed apart, with
what to delete in VISMA.net (from the journal), as long as there is one.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vismadesk.domain import JournalEntry, WorkOrder
from vismadesk.ui import style, texts
from vismadesk.ui.actions import RunKind, label, run_icon

COLUMNS = (
    texts.COL_NUMBER,
    texts.COL_CUSTOMER,
    texts.COL_RELATION,
    texts.COL_DESCRIPTION,
    texts.COL_DATE,
    texts.COL_STATUS,
)


def _list(extra: tuple[str, ...] = ()) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(len(COLUMNS) + len(extra))
    tree.setHeaderLabels([*COLUMNS, *extra])
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSortingEnabled(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = tree.header()
    for col, width in enumerate((90, 200, 70, 300, 90, 120)):
        header.resizeSection(col, width)
    return tree


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
        date = wo.work_date.strftime("%d-%m-%Y") if wo.work_date else ""
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
            why = reasons.get(wo.number, "")
            item.setText(len(COLUMNS), why.splitlines()[0] if why else "")
            item.setToolTip(len(COLUMNS), why)
        item.setData(0, Qt.ItemDataRole.UserRole, wo.number)
        # Sort dates as dates, not as day-first text.
        item.setData(4, Qt.ItemDataRole.UserRole, wo.work_date.isoformat() if wo.work_date else "")
        item.setToolTip(3, wo.description)
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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ready_list = _list()
        self.ready_list.setObjectName("readyList")
        self.error_list = _list((texts.COL_WHY,))
        # What a planner looks for first in this list: why, right after the number.
        why = self.error_list.header()
        why.moveSection(len(COLUMNS), 1)
        why.resizeSection(len(COLUMNS), 360)
        self.error_list.setObjectName("errorList")
        self.twice_list = QTreeWidget()
        self.twice_list.setObjectName("twiceList")
        self.twice_list.setHeaderLabels(
            [texts.COL_NUMBER, texts.COL_DOCUMENT, texts.COL_WHAT_TO_DELETE]
        )
        self.twice_list.setRootIsDecorated(False)
        self.twice_list.header().resizeSection(2, 420)

        self.export_button = QPushButton(
            run_icon(RunKind.EXPORT_SELECTED), label(RunKind.EXPORT_SELECTED)
        )
        self.export_button.setObjectName("exportSelected")
        self.reset_button = QPushButton(run_icon(RunKind.RESET), label(RunKind.RESET))
        self.reset_button.setObjectName("resetStatus")
        self.refresh_button = QPushButton(texts.REFRESH)
        self.refresh_button.setObjectName("refreshWorkOrders")
        self.status = QLabel(texts.READY_UNKNOWN)
        self.status.setObjectName("workOrdersStatus")
        self.status.setStyleSheet(style.color(style.TEXT_MUTED))
        self.status.setWordWrap(True)

        self.ready_box = QGroupBox(texts.READY_TITLE)
        rl = QVBoxLayout(self.ready_box)
        rl.addWidget(self.ready_list)
        rb = QHBoxLayout()
        rb.addWidget(QLabel(texts.SELECT_TO_EXPORT))
        rb.addStretch(1)
        rb.addWidget(self.export_button)
        rl.addLayout(rb)

        self.error_box = QGroupBox(texts.ERROR_TITLE)
        el = QVBoxLayout(self.error_box)
        el.addWidget(self.error_list)
        eb = QHBoxLayout()
        eb.addWidget(QLabel(texts.SELECT_TO_RESET))
        eb.addStretch(1)
        eb.addWidget(self.reset_button)
        el.addLayout(eb)

        self.twice_box = QGroupBox(texts.TWICE_TITLE)
        self.twice_box.setObjectName("twiceBox")
        tl = QVBoxLayout(self.twice_box)
        tl.addWidget(self.twice_list)
        twice_help = QLabel(texts.TWICE_HELP)
        twice_help.setWordWrap(True)
        tl.addWidget(twice_help)
        self.twice_box.hide()

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.twice_box, 1)
        layout.addWidget(self.error_box, 2)
        layout.addWidget(self.ready_box, 3)

        self.refresh_button.clicked.connect(self.refresh_clicked)
        self.export_button.clicked.connect(lambda: self.export_clicked.emit(self.selected_ready()))
        self.reset_button.clicked.connect(lambda: self.reset_clicked.emit(self.selected_errors()))
        self.ready_list.itemSelectionChanged.connect(self._update_buttons)
        self.error_list.itemSelectionChanged.connect(self._update_buttons)
        self._busy = False
        self.loaded = False
        # OutSmart's work status names by code, once known (the form reads them).
        self.status_names: dict[str, str] = {}
        self._update_buttons()

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
                item.setSelected(item.data(0, Qt.ItemDataRole.UserRole) in wanted)

    def set_loading(self) -> None:
        self.status.setText(texts.WORK_ORDERS_LOADING)
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
        self.ready_box.setTitle(f"{texts.READY_TITLE} ({len(ready)})")
        self.error_box.setTitle(f"{texts.ERROR_TITLE} ({len(error)})")
        self.status.setText(
            texts.WORK_ORDERS_LOADED.format(time=dt.datetime.now().strftime("%H:%M:%S"))
        )
        self.refresh_button.setEnabled(True)
        self.loaded = True
        self._update_buttons()

    def set_twice(self, entries: list[JournalEntry]) -> None:
        self.twice_list.clear()
        for e in entries:
            note = e.last_error or ""
            item = QTreeWidgetItem([e.work_order, str(e.document or ""), note])
            item.setToolTip(2, note)
            self.twice_list.addTopLevelItem(item)
        self.twice_box.setTitle(f"{texts.TWICE_TITLE} ({len(entries)})")
        self.twice_box.setVisible(bool(entries))

    def set_problem(self, text: str) -> None:
        self.status.setText(text)
        self.refresh_button.setEnabled(True)

    def set_busy(self, busy: bool) -> None:
        """While a run is going, the buttons that would start another wait."""
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.export_button.setEnabled(not self._busy and bool(self.selected_ready()))
        self.reset_button.setEnabled(not self._busy and bool(self.selected_errors()))
