"""A long log in the panel: End, Home, PageUp and the scroll bar land on the right entries
at once (the rows there are read by position), with gaps in the ids, a filter, new
entries arriving, and only a few blocks of rows kept in memory."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.helpers.log_entries import entry, fill
from vismadesk.domain import Level
from vismadesk.store import Store
from vismadesk.ui import log_model
from vismadesk.ui.log_model import LogFilter
from vismadesk.ui.log_panel import LogPanel
from vismadesk.ui.log_rows import Roles, level_of, summary_of

BIG = 50_000


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A log of 50,000 entries, every 7th an error, written once for this module."""
    path = tmp_path_factory.mktemp("big-log") / "log.sqlite3"
    with Store(path) as store:
        fill(store, BIG, every_error=7)
    return path


@pytest.fixture
def open_panel(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., tuple[LogPanel, Store]]]:
    made: list[tuple[LogPanel, Store]] = []

    def make(path: Path, page_size: int = 200, keep_blocks: int = 250) -> tuple[LogPanel, Store]:
        monkeypatch.setattr(log_model, "PAGE_SIZE", page_size)
        monkeypatch.setattr(log_model, "KEEP_BLOCKS", keep_blocks)
        copy = tmp_path / f"log-{len(made)}.sqlite3"
        shutil.copy(path, copy)
        store = Store(copy)
        panel = LogPanel(store, poll_ms=0)
        qtbot.addWidget(panel)
        panel.resize(900, 500)
        panel.show()
        made.append((panel, store))
        qtbot.waitUntil(lambda: panel.model.complete)
        return panel, store

    yield make
    for panel, store in made:
        panel.close_model()
        store.close()


def shown(panel: LogPanel) -> list[int | None]:
    """The entry ids of the rows in view, top to bottom (None: not read yet)."""
    view = panel.view
    first = view.rowAt(0)
    last = view.rowAt(view.viewport().height() - 1)
    last = panel.proxy.rowCount() - 1 if last < 0 else last
    return [panel.proxy.index(r, 0).data(Roles.ID) for r in range(first, last + 1)]


def expected(store: Store, rows: range, **filter: object) -> list[int | None]:
    """What the store says is at those rows: the n-th newest entry for the filter."""
    top = store.latest_log_id() + 1
    return [store.log_id_at(r, before_id=top, **filter) for r in rows]  # type: ignore[arg-type]


def in_view(panel: LogPanel) -> range:
    view = panel.view
    last = view.rowAt(view.viewport().height() - 1)
    return range(view.rowAt(0), (panel.proxy.rowCount() - 1 if last < 0 else last) + 1)


def settled(qtbot, panel: LogPanel) -> None:
    qtbot.waitUntil(lambda: None not in shown(panel) and not panel.model.busy, timeout=10_000)


def test_end_shows_the_oldest_entry_and_home_the_newest(qtbot, big_log: Path, open_panel) -> None:
    panel, store = open_panel(big_log)
    view = panel.view
    assert panel.proxy.rowCount() == BIG
    view.setFocus()
    view.setCurrentIndex(panel.proxy.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End)
    settled(qtbot, panel)
    oldest = store.log_since(0, limit=1)[0]
    assert shown(panel)[-1] == oldest.id
    assert view.currentIndex().row() == BIG - 1
    assert summary_of(view.currentIndex()) == oldest.summary
    qtbot.keyClick(view, Qt.Key.Key_Home)
    settled(qtbot, panel)
    assert shown(panel)[0] == store.latest_log_id()
    assert view.currentIndex().row() == 0


def test_page_up_from_the_end_shows_the_entries_above(qtbot, big_log: Path, open_panel) -> None:
    panel, store = open_panel(big_log)
    view = panel.view
    view.setFocus()
    view.setCurrentIndex(panel.proxy.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End)
    settled(qtbot, panel)
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_PageUp)
    settled(qtbot, panel)
    row = view.currentIndex().row()
    assert BIG - 100 < row < BIG - 1
    assert shown(panel) == expected(store, in_view(panel))
    assert view.currentIndex().data(Roles.ID) == expected(store, range(row, row + 1))[0]


def test_the_scroll_bar_lands_anywhere(qtbot, big_log: Path, open_panel) -> None:
    panel, store = open_panel(big_log)
    bar = panel.view.verticalScrollBar()
    for share in (0.5, 0.137, 0.9, 0.5001):
        bar.setValue(round(bar.maximum() * share))
        settled(qtbot, panel)
        rows = in_view(panel)
        assert abs(rows.start - BIG * share) < 50
        assert shown(panel) == expected(store, rows)


def test_end_with_the_error_filter_shows_the_oldest_error(qtbot, big_log: Path, open_panel) -> None:
    panel, store = open_panel(big_log)
    with qtbot.waitSignal(panel.model.counted, timeout=10_000):
        panel.set_filter_choice(LogFilter.ERRORS)
    errors = store.log_count_upto(store.latest_log_id(), levels=[Level.ERROR])
    assert panel.proxy.rowCount() == errors
    panel.view.setFocus()
    qtbot.keyClick(panel.view, Qt.Key.Key_End)
    settled(qtbot, panel)
    assert shown(panel)[-1] == store.log_since(0, limit=1, levels=[Level.ERROR])[0].id
    assert {level_of(panel.proxy.index(r, 0)) for r in in_view(panel)} == {"error"}
    panel.view.verticalScrollBar().setValue(panel.view.verticalScrollBar().maximum() // 3)
    settled(qtbot, panel)
    assert shown(panel) == expected(store, in_view(panel), levels=[Level.ERROR])


def _with_gaps(path: Path) -> Path:
    """3,000 entries with ids missing here and there (as deleted, or another
    console's entries outside the filter)."""
    with Store(path) as store:
        fill(store, 3000)
    with closing(sqlite3.connect(path)) as c, c:
        for lo in (150, 1200, 1201, 2333, 2990):
            c.execute("DELETE FROM log WHERE id BETWEEN ? AND ?", (lo, lo + lo % 37))
    return path


def test_gaps_in_the_ids_do_not_shift_the_rows(qtbot, tmp_path: Path, open_panel) -> None:
    panel, store = open_panel(_with_gaps(tmp_path / "gaps.sqlite3"), page_size=50, keep_blocks=4)
    count = store.log_count_upto(store.latest_log_id())
    assert count < 3000 and panel.proxy.rowCount() == count
    bar = panel.view.verticalScrollBar()
    for share in (0.99, 0.4, 0.41, 0.75, 0.05, 1.0):
        bar.setValue(round(bar.maximum() * share))
        settled(qtbot, panel)
        assert shown(panel) == expected(store, in_view(panel))
    # Rows long out of view were let go again.
    assert panel.model.rows_in_memory <= 4 * 50


def test_new_entries_while_far_down_keep_the_rows_in_place(
    qtbot, tmp_path: Path, open_panel
) -> None:
    path = tmp_path / "live.sqlite3"
    with Store(path) as s:
        fill(s, 2000)
    panel, store = open_panel(path, page_size=50, keep_blocks=4)
    view = panel.view
    view.setFocus()
    view.setCurrentIndex(panel.proxy.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End)
    settled(qtbot, panel)
    reading = shown(panel)
    store.add_logs([entry(5000 + n, Level.INFO) for n in range(30)])
    with qtbot.waitSignal(panel.model.live_rows_added):
        panel.model.notify_new_entries()
    settled(qtbot, panel)
    assert panel.proxy.rowCount() == 2030
    assert shown(panel) == reading
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    settled(qtbot, panel)
    assert shown(panel) == expected(store, in_view(panel))
    qtbot.keyClick(view, Qt.Key.Key_Home)
    settled(qtbot, panel)
    assert shown(panel)[0] == store.latest_log_id()
    assert summary_of(view.currentIndex()) == "Work order WO05029 exported as sales invoice 5029"
