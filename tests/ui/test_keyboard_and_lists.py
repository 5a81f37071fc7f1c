"""The keyboard, the wheel and the lists, round two: focus visible on every Tab stop,
Ctrl+E and Down from the search box, a search that says when it matched the hidden
details, the wheel that scrolls the settings, selected rows, the Work orders tab, one
date format per language, and a title without the duplicate."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QPalette, QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers.window import finish, settle_layouts
from vismadesk import i18n, messages
from vismadesk.demo import DemoSession
from vismadesk.domain import Action, ExportFormat, Level, LogEntry, WorkOrder
from vismadesk.engine.runs import RunLog
from vismadesk.i18n import format_date, format_datetime
from vismadesk.ui import texts
from vismadesk.ui.log_rows import badge, badge_size, note_of, summary_of, time_of
from vismadesk.ui.main_window import MainWindow
from vismadesk.ui.work_orders_tab import WorkOrdersTab


def _tab_through(qtbot, window: MainWindow, stops: int = 80) -> list[tuple[QWidget, bool]]:
    """Press Tab from the first settings field on, as a planner would: each widget that
    got the focus, once, and whether it looks different with the focus than without."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.form.order_type.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.keyClick(window.form.order_type, Qt.Key.Key_Backtab)  # a keyboard focus change
    seen: list[tuple[QWidget, bool]] = []
    for _ in range(stops):
        current = QApplication.focusWidget()
        if current is None or current in [w for w, _shown in seen]:
            break
        focused = current.grab().toImage()
        current.clearFocus()
        settle_layouts()
        plain = current.grab().toImage()
        seen.append((current, focused != plain))
        current.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(current, Qt.Key.Key_Tab)
    return seen


def test_every_tab_stop_shows_the_focus(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    window.resize(1200, 760)
    qtbot.waitUntil(lambda: window.work_orders.loaded, timeout=20_000)
    names: set[str] = set()
    for tab in (window.log_panel, window.work_orders):
        window.tabs.setCurrentWidget(tab)
        stops = _tab_through(qtbot, window)
        assert len(stops) > 15
        hidden = [f"{type(w).__name__} {w.objectName()}" for w, shown in stops if not shown]
        assert hidden == []
        names |= {w.objectName() for w, _shown in stops}
    assert {"readyList", "loginButton", "testConnection", "logSearch", "logView"} <= names


def test_ctrl_e_exports_from_the_search_box(qtbot, demo: DemoSession, make_window) -> None:
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    demo.sign_in_as_service()
    window: MainWindow = make_window(demo)
    window.activateWindow()
    search = window.log_panel.search_edit
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)

    def press() -> bool:
        qtbot.keyClick(search, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        return window.runs.busy

    result = finish(qtbot, window, press)
    assert result.action is Action.EXPORT


def test_down_from_the_search_box_goes_into_the_results(
    qtbot, demo: DemoSession, make_window
) -> None:
    log = RunLog(demo.context.store, Action.EXPORT, "run1")
    for n in range(3):
        log.emit(messages.MATERIAL_NOT_IN_VISMA, material=f"C{n}", work_order=f"WB{n}")
    window: MainWindow = make_window(demo)
    panel = window.log_panel
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    panel.search_edit.setFocus()
    qtbot.keyClicks(panel.search_edit, "C1")
    qtbot.keyClick(panel.search_edit, Qt.Key.Key_Down)
    assert panel.view.hasFocus()
    qtbot.waitUntil(lambda: panel.view.currentIndex().isValid(), timeout=10_000)
    assert summary_of(panel.view.currentIndex()) == (
        "Material C1 on work order WB1 not found in VISMA.net"
    )
    with qtbot.waitSignal(window.log_panel.entry_activated):
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)


def test_a_match_in_the_hidden_details_says_so(qtbot, demo: DemoSession, make_window) -> None:
    RunLog(demo.context.store, Action.EXPORT, "run1").emit(
        messages.VISMA_ERROR,
        details={"visma_message": "Customer Jansen Installaties is blocked"},
        detail="HTTP 422",
    )
    window: MainWindow = make_window(demo)
    panel = window.log_panel
    with qtbot.waitSignal(panel.model.reloaded, timeout=10_000):
        panel.set_search("Jansen")
    index = panel.proxy.index(0, 0)
    assert summary_of(index) == "VISMA.net answered with an error: HTTP 422"
    assert note_of(index) == "(found in the details)"
    with qtbot.waitSignal(panel.model.reloaded, timeout=10_000):
        panel.set_search("422")
    assert note_of(panel.proxy.index(0, 0)) == ""  # the row shows what matched
    assert "details" in panel.search_edit.toolTip()


def _wheel(widget: QWidget) -> None:
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(
        centre,
        QPointF(widget.mapToGlobal(widget.rect().center())),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_settings_not_their_values(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    window.resize(900, 480)
    form = window.form
    settle_layouts()
    bar = form.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    for widget in (form.concurrency, form.hour_rounding, form.language):
        before = widget.value() if hasattr(widget, "value") else widget.currentIndex()
        form.scroll_area.ensureWidgetVisible(widget)
        at = bar.value()
        _wheel(widget)
        after = widget.value() if hasattr(widget, "value") else widget.currentIndex()
        assert after == before, widget.objectName()
        assert bar.value() != at or bar.value() == bar.maximum(), widget.objectName()
    assert not form.dirty
    # Clicked (focused), the wheel changes the value, as a planner then means it to.
    form.concurrency.setFocus()
    qtbot.waitUntil(form.concurrency.hasFocus)
    _wheel(form.concurrency)
    assert form.concurrency.value() != demo.context.settings.concurrency


def test_a_selected_rows_action_is_readable(qapp) -> None:
    icon = badge(Level.SUCCESS, Action.EXPORT)
    normal = icon.pixmap(badge_size(), icon.Mode.Normal).toImage()
    selected = icon.pixmap(badge_size(), icon.Mode.Selected).toImage()
    assert normal != selected
    highlighted = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText)
    ratio = selected.devicePixelRatio()
    text_pixels = {
        selected.pixelColor(round(x * ratio), round(y * ratio)).rgb()
        for x in range(30, badge_size().width())
        for y in range(badge_size().height())
        if selected.pixelColor(round(x * ratio), round(y * ratio)).alpha() > 200
    }
    assert highlighted.rgb() in text_pixels


def _orders(n: int, prefix: str) -> list[WorkOrder]:
    return [
        WorkOrder(
            f"{prefix}{i:03d}",
            customer_name="Installatiebedrijf",
            relation="10001",
            description="CV-ketel onderhoud",
            work_date=dt.date(2026, 12, 1),
            work_status="99",
        )
        for i in range(n)
    ]


def test_the_error_list_gets_the_room_and_says_why_in_full(qtbot) -> None:
    tab = WorkOrdersTab()
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    why = (
        "Material C101040 on work order E000 not found in VISMA.net\n"
        "Relation 10001 on work order E000 not found in VISMA.net"
    )
    tab.set_lists([], _orders(20, "E"), {"E000": why})
    settle_layouts()
    # Nothing ready: one line says so, and the error list takes the room.
    assert not tab.ready_list.isVisible() and tab.ready_empty.isVisible()
    assert tab.ready_empty.text() == "No work orders are ready for export."
    assert tab.error_list.height() > tab.height() // 2
    tab.select(["E000"])
    assert tab.why_label.isVisible()
    assert tab.why_label.text() == (
        "E000: Material C101040 on work order E000 not found in VISMA.net; "
        "Relation 10001 on work order E000 not found in VISMA.net"
    )
    assert tab.why_label.height() >= tab.why_label.heightForWidth(tab.why_label.width())
    with qtbot.waitSignal(tab.open_requested) as opened:
        item = tab.error_list.topLevelItem(0)
        assert item is not None
        rect = tab.error_list.visualItemRect(item)
        viewport = tab.error_list.viewport()
        qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["E000"]
    i18n.set_language("nl")
    tab.retranslate()
    tab.set_lists([], _orders(20, "E"), {"E000": why})
    tab.select(["E000"])
    assert "Materiaal C101040 op werkbon E000 niet gevonden in VISMA.net" in tab.why_label.text()
    assert tab.error_box.title() == "In de foutwerkstatus (20)"


def test_double_click_on_a_work_order_opens_its_latest_error(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    entry = RunLog(demo.context.store, Action.EXPORT, "run1").emit(
        messages.QUANTITY_NOT_POSITIVE, work_order="WB00042", material="C1", record="C1"
    )
    dialog = window.open_work_order("WB00042")
    assert dialog is not None and dialog.entry.id == entry.id
    assert window.open_work_order("WB99999") is None
    assert window.statusBar().currentMessage() == (
        "The log has no entry for work order WB99999 yet."
    )


def test_one_date_format_per_language(qtbot, demo: DemoSession, make_window) -> None:
    when = dt.datetime(2026, 12, 1, 13, 5, 9, tzinfo=dt.UTC)
    demo.context.store.add_log(
        LogEntry(Action.EXPORT, Level.INFO, "x", time=when, work_order="WB1")
    )
    window: MainWindow = make_window(demo)
    tab = window.work_orders
    panel = window.log_panel
    for lang, day in (("en", "1 Dec 2026"), ("nl", "01-12-2026")):
        window.set_language(lang)
        qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1, timeout=10_000)
        row = time_of(panel.proxy.index(0, 0))
        assert row == format_datetime(when, seconds=True) and row.startswith(day)
        dialog = window.open_work_order("WB1")
        assert dialog is not None
        assert format_datetime(when, seconds=True) in [
            w.text() for w in dialog.findChildren(type(dialog.summary_label))
        ]
        dialog.close()
        tab.set_lists(_orders(1, "R"), [])
        first = tab.ready_list.topLevelItem(0)
        assert first is not None
        assert first.text(4) == format_date(dt.date(2026, 12, 1)) == day


def test_the_title_names_vismadesk_once(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    title = window.windowTitle()
    assert title.count("vismadesk") == 1
    assert title.endswith("— vismadesk")  # Qt appends the display name to nothing else
    assert "Demo (sandbox)" in title
    window.form.sales_order.setChecked(True)
    assert window.isWindowModified()
    assert texts.WINDOW_TITLE_DEMO.replace("[*]", "") == "Demo (sandbox) — vismadesk"


def test_the_title_names_vismadesk_once_in_dutch(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    window.set_language("nl")
    title = window.windowTitle()
    assert title.count("vismadesk") == 1, title
    assert title.endswith("— vismadesk")
    assert "Demo (sandbox)" in title
    window.set_language("en")
    assert window.windowTitle().count("vismadesk") == 1


def test_no_spin_box_or_combo_in_the_settings_takes_an_unasked_wheel(
    qtbot, demo: DemoSession, make_window
) -> None:
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox

    window: MainWindow = make_window(demo)
    window.resize(1024, 700)
    form = window.form
    settle_layouts()
    fields = [
        w
        for w in form.findChildren(QWidget)
        if isinstance(w, QAbstractSpinBox | QComboBox) and w.isVisibleTo(form)
    ]
    assert len(fields) >= 10
    window.log_panel.search_edit.setFocus()  # the focus elsewhere, as while reading the log
    for widget in fields:
        form.scroll_area.ensureWidgetVisible(widget)
        before = widget.text() if isinstance(widget, QAbstractSpinBox) else widget.currentText()
        _wheel(widget)
        after = widget.text() if isinstance(widget, QAbstractSpinBox) else widget.currentText()
        assert after == before, widget.objectName()
    assert not form.dirty


def test_a_moment_inside_a_message_is_written_like_every_other_date(
    qtbot, demo: DemoSession, make_window
) -> None:
    when = dt.datetime(2026, 12, 1, 13, 5, 9, tzinfo=dt.UTC)
    log = RunLog(demo.context.store, Action.EXPORT, "run1")
    log.emit(messages.CLAIM_TAKEN_OVER, work_order="WB00007", since=when.isoformat())
    window: MainWindow = make_window(demo)
    panel = window.log_panel
    for lang, day in (("en", "1 Dec 2026"), ("nl", "01-12-2026")):
        window.set_language(lang)
        shown = format_datetime(when, seconds=True)
        assert shown.startswith(day)
        qtbot.waitUntil(
            lambda shown=shown: shown in summary_of(panel.proxy.index(0, 0)), timeout=10_000
        )
        assert "2026-12-01" not in summary_of(panel.proxy.index(0, 0))


def test_the_reset_hint_shows_until_a_work_order_is_selected(qtbot) -> None:
    tab = WorkOrdersTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.set_lists([], _orders(3, "E"), {})
    assert tab.select_to_reset.isVisible() and not tab.reset_button.isEnabled()
    tab.select(["E001"])
    assert not tab.select_to_reset.isVisible() and tab.reset_button.isEnabled()
    tab.error_list.clearSelection()
    assert tab.select_to_reset.isVisible()
    tab.set_lists([], [], {})
    assert not tab.select_to_reset.isVisible()  # nothing in the error status to reset
