"""The log panel: filter and search boxes, what an empty list says, keeping the place."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint

from tests.helpers.log_entries import entry, fill
from vismadesk.domain import Level
from vismadesk.store import Store
from vismadesk.ui.log_model import LogFilter
from vismadesk.ui.log_panel import LogPanel
from vismadesk.ui.log_rows import Roles, summary_of


@pytest.fixture
def make_panel(qtbot, store: Store) -> Iterator:
    made: list[LogPanel] = []

    def make() -> LogPanel:
        panel = LogPanel(store, poll_ms=0)
        qtbot.addWidget(panel)
        panel.resize(900, 500)
        panel.show()
        made.append(panel)
        qtbot.waitUntil(lambda: panel.model.loaded)
        return panel

    yield make
    for p in made:
        p.close_model()


def test_an_empty_log_says_what_to_do(make_panel) -> None:
    panel = make_panel()
    assert panel.empty_label.isVisible()
    assert panel.empty_label.text() == (
        "Nothing in the log yet. Run Export work orders or a Sync action."
    )


def test_a_filter_without_matches_says_so(qtbot, store: Store, make_panel) -> None:
    fill(store, 20)
    panel = make_panel()
    assert not panel.empty_label.isVisible()
    with qtbot.waitSignal(panel.model.reloaded):
        panel.set_filter_choice(LogFilter.ERRORS)
    assert panel.empty_label.isVisible()
    assert panel.empty_label.text() == "No log entries match this filter."


def test_the_search_box_searches_after_a_pause_in_typing(qtbot, store: Store, make_panel) -> None:
    fill(store, 100, every_error=25)
    panel = make_panel()
    qtbot.keyClicks(panel.search_edit, "M-50")
    # Not a query per key press.
    assert panel.proxy.search == ""
    qtbot.waitUntil(lambda: panel.proxy.search == "M-50")
    qtbot.waitUntil(lambda: panel.model.loaded and panel.proxy.rowCount() == 1)
    assert summary_of(panel.proxy.index(0, 0)) == (
        "Material M-50 on work order WO00050 not found in VISMA.net"
    )


def test_new_rows_do_not_move_the_row_being_read(qtbot, store: Store, make_panel) -> None:
    fill(store, 150)
    panel = make_panel()
    view = panel.view
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    reading = view.indexAt(QPoint(5, 5)).data(Roles.ID)
    store.add_logs([entry(1000 + n, Level.INFO) for n in range(5)])
    with qtbot.waitSignal(panel.model.live_rows_added):
        panel.model.notify_new_entries()
    assert panel.model.rowCount() == 155
    assert view.indexAt(QPoint(5, 5)).data(Roles.ID) == reading


def test_at_the_top_new_rows_come_into_view(qtbot, store: Store, make_panel) -> None:
    fill(store, 150)
    panel = make_panel()
    store.add_log(entry(1000, Level.ERROR, summary="Fresh from the export"))
    with qtbot.waitSignal(panel.model.live_rows_added):
        panel.model.notify_new_entries()
    assert summary_of(panel.view.indexAt(QPoint(5, 5))) == "Fresh from the export"
