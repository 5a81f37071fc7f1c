"""The log model: the newest page, then a row per entry read by position; live growth,
filters pushed to SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from tests.helpers.log_entries import entry, fill
from vismadesk.domain import Action, Level
from vismadesk.i18n import format_datetime
from vismadesk.store import Store
from vismadesk.ui import log_model
from vismadesk.ui.log_model import LogFilter, LogFilterProxy, LogModel
from vismadesk.ui.log_rows import (
    ROW_TINT,
    Roles,
    badge,
    badge_size,
    level_of,
    summary_of,
    time_of,
)


@pytest.fixture
def make_model(qtbot, store: Store) -> Iterator:
    made: list[LogModel] = []

    def make(**kwargs) -> LogModel:
        model = LogModel(store, **kwargs)
        made.append(model)
        qtbot.waitUntil(lambda: model.loaded)
        return model

    yield make
    for m in made:
        m.close()


def ids(model) -> list[int]:
    return [model.index(r, 0).data(Roles.ID) for r in range(model.rowCount())]


def fetch_all(qtbot, model) -> None:
    """Every row counted and read (as scrolling through the whole list would)."""
    qtbot.waitUntil(lambda: model.complete)
    model.show_rows(0, model.rowCount() - 1)
    qtbot.waitUntil(lambda: not model.busy)


def test_passes_the_model_tester(qtbot, qtmodeltester, store: Store, make_model) -> None:
    fill(store, 450, every_error=7)
    model = make_model()
    qtmodeltester.check(model)
    fetch_all(qtbot, model)
    qtmodeltester.check(model)
    proxy = LogFilterProxy(model)
    qtmodeltester.check(proxy)


def test_newest_page_first_then_a_row_for_every_entry(qtbot, store: Store, make_model) -> None:
    fill(store, 450)
    model = make_model(page_size=200)
    got = ids(model)[:200]
    assert got == list(range(450, 250, -1))
    assert got[0] == store.latest_log_id()
    # Counted: a row for each entry, read only when it comes into view.
    qtbot.waitUntil(lambda: model.complete)
    assert model.rowCount() == 450
    assert model.index(449, 0).data(Roles.ID) is None
    model.show_rows(440, 449)
    qtbot.waitUntil(lambda: not model.busy)
    assert ids(model)[440:] == list(range(10, 0, -1))
    fetch_all(qtbot, model)
    assert ids(model) == list(range(450, 0, -1))


def test_a_row_shows_time_action_summary_and_its_level_icon(store: Store, make_model) -> None:
    store.add_logs(
        [
            entry(1, Level.ERROR, summary="Material M-7 on work order WO1 not found in VISMA.net"),
            entry(2, Level.SUCCESS, action=Action.IMPORT, summary="12 relations imported"),
        ]
    )
    model = make_model()
    error, success = model.index(1, 0), model.index(0, 0)
    assert summary_of(error) == "Material M-7 on work order WO1 not found in VISMA.net"
    shown = error.data(Qt.ItemDataRole.DisplayRole)
    assert shown.endswith("Material M-7 on work order WO1 not found in VISMA.net")
    assert shown.startswith(time_of(error))
    # One date format per language: the date and time as the details and lists show it.
    assert time_of(error) == format_datetime(entry(1).time, seconds=True)
    assert level_of(error) == "error"
    # The icon and the action share one picture per kind; different kinds differ.
    badge_error = error.data(Qt.ItemDataRole.DecorationRole)
    badge_success = success.data(Qt.ItemDataRole.DecorationRole)
    assert not badge_error.isNull()
    size = badge_size()
    assert badge_error.pixmap(size).toImage() != badge_success.pixmap(size).toImage()
    # Error rows stand out: tinted in the error orange's light shade, and bold.
    assert error.data(Qt.ItemDataRole.BackgroundRole).color() == ROW_TINT[Level.ERROR]
    assert error.data(Qt.ItemDataRole.FontRole).weight() > QFont().weight()
    assert success.data(Qt.ItemDataRole.BackgroundRole) is None


def test_the_error_badge_is_unmistakably_orange(qapp) -> None:
    image = badge(Level.ERROR, Action.EXPORT).pixmap(badge_size()).toImage()
    ratio = image.devicePixelRatio()
    center = image.pixelColor(round(4 * ratio), round(10 * ratio))
    assert (center.red(), center.green(), center.blue()) == (0xF2, 0x8C, 0x28)


def test_live_entries_arrive_on_top_in_one_insert(qtbot, store: Store, make_model) -> None:
    fill(store, 10)
    model = make_model(poll_ms=0)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
    # 30 entries written as a run would, each followed by its notice.
    for n in range(100, 130):
        store.add_log(entry(n))
        model.notify_new_entries()
    with qtbot.waitSignal(model.live_rows_added, timeout=5000):
        pass
    qtbot.waitUntil(lambda: model.rowCount() == 40)
    assert inserts[0] == (0, inserts[0][1])
    # Coalesced: far fewer inserts than entries.
    assert len(inserts) <= 3
    assert ids(model) == list(range(40, 0, -1))


def test_entries_written_by_another_process_appear(qtbot, tmp_path: Path, make_model) -> None:
    # The scheduled 03:00 export writes through its own connection.
    store = Store(tmp_path / "log.sqlite3")
    try:
        fill(store, 5)
        model = LogModel(store, poll_ms=30)
        try:
            qtbot.waitUntil(lambda: model.loaded)
            other = Store(tmp_path / "log.sqlite3")
            other.add_log(entry(99, summary="Written by the scheduled export"))
            other.close()
            qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)
            assert summary_of(model.index(0, 0)) == "Written by the scheduled export"
        finally:
            model.close()
    finally:
        store.close()


def test_error_filter_reads_only_errors(qtbot, store: Store, make_model) -> None:
    fill(store, 700, every_error=10)
    model = make_model()
    proxy = LogFilterProxy(model)
    with qtbot.waitSignal(model.reloaded):
        proxy.set_choice(LogFilter.ERRORS)
    fetch_all(qtbot, model)
    assert proxy.rowCount() == 70
    assert {level_of(proxy.index(r, 0)) for r in range(proxy.rowCount())} == {"error"}
    with qtbot.waitSignal(model.reloaded):
        proxy.set_choice(LogFilter.ALL)
    qtbot.waitUntil(lambda: model.complete)
    assert proxy.rowCount() == 700


def test_warnings_filter_shows_warnings_and_errors(qtbot, store: Store, make_model) -> None:
    store.add_logs([entry(1), entry(2, Level.WARNING), entry(3, Level.ERROR), entry(4, Level.INFO)])
    model = make_model()
    proxy = LogFilterProxy(model)
    with qtbot.waitSignal(model.reloaded):
        proxy.set_choice(LogFilter.WARNINGS)
    assert [level_of(proxy.index(r, 0)) for r in range(proxy.rowCount())] == [
        "error",
        "warning",
    ]


def test_search_finds_a_work_order_and_live_entries_respect_it(
    qtbot, store: Store, make_model
) -> None:
    fill(store, 300, every_error=50)
    model = make_model(poll_ms=0)
    proxy = LogFilterProxy(model)
    with qtbot.waitSignal(model.reloaded):
        proxy.set_search("  M-150 ")
    assert proxy.search == "M-150"
    assert [summary_of(proxy.index(r, 0)) for r in range(proxy.rowCount())] == [
        "Material M-150 on work order WO00150 not found in VISMA.net"
    ]
    # A live entry that does not match stays out; one that matches comes in.
    store.add_log(entry(1000, summary="Work order WO01000 exported as sales invoice 1000"))
    store.add_log(entry(1001, Level.ERROR, summary="Material M-150 on work order WO2 not found"))
    model.notify_new_entries()
    qtbot.waitUntil(lambda: proxy.rowCount() == 2)
    assert summary_of(proxy.index(0, 0)) == "Material M-150 on work order WO2 not found"


def test_only_the_latest_filter_wins(qtbot, store: Store, make_model) -> None:
    fill(store, 300, every_error=3)
    model = make_model()
    proxy = LogFilterProxy(model)
    proxy.set_choice(LogFilter.ERRORS)
    proxy.set_search("exported")
    proxy.set_choice(LogFilter.ALL)
    qtbot.waitUntil(lambda: model.loaded and not model.busy)
    rows = [summary_of(proxy.index(r, 0)) for r in range(proxy.rowCount())]
    assert rows and all("exported" in r for r in rows)


def test_a_burst_too_big_to_insert_reloads_the_newest_page(
    qtbot, store: Store, make_model, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(log_model, "LIVE_BATCH", 20)
    fill(store, 10)
    model = make_model(page_size=50, poll_ms=0)
    fill(store, 500, start=10)
    with qtbot.waitSignal(model.reloaded, timeout=5000):
        model.notify_new_entries()
    assert ids(model)[0] == 510
    qtbot.waitUntil(lambda: model.complete)
    assert model.rowCount() == 510
