"""The window around the runs: remembered state, quick checks, OutSmart reads, shortcuts."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from tests.helpers.log_entries import entry
from tests.helpers.window import finish
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import ExportFormat
from vismadesk.keyring_store import SecretName
from vismadesk.store import Store
from vismadesk.ui.actions import RunKind
from vismadesk.ui.log_model import LogFilter
from vismadesk.ui.log_rows import summary_of
from vismadesk.ui.main_window import MainWindow


def test_the_demo_says_it_is_the_sandbox(demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    assert window.banner.isVisible()
    assert "built-in sandbox" in window.banner.text()
    assert "Demo (sandbox)" in window.windowTitle()


def test_size_splitter_filter_and_tab_are_remembered(qtbot, demo: DemoSession, make_window) -> None:
    first: MainWindow = make_window(demo)
    # The offscreen screen is 800 x 800; stay inside it.
    width = 790
    assert first.minimumSizeHint().width() <= width
    first.resize(width, 700)
    first.splitter.setSizes([340, width - 360])
    first.log_panel.set_filter_choice(LogFilter.ERRORS)
    first.tabs.setCurrentWidget(first.work_orders)
    sizes = first.splitter.sizes()
    assert first.close()
    ini = demo.context.profile.config_dir / "window.ini"
    assert ini.exists()

    second: MainWindow = make_window(demo)
    assert second.log_panel.filter_choice == LogFilter.ERRORS
    assert second.log_panel.proxy.choice == LogFilter.ERRORS
    assert second.tabs.currentWidget() is second.work_orders
    assert (second.size().width(), second.size().height()) == (width, 700)
    assert second.splitter.sizes() == sizes


def test_quick_checks_follow_the_settings(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    lights = window.header.lights
    assert lights["settings"].label.text() == "Send as not chosen"
    assert lights["connection"].label.text() == "Not connected"
    assert lights["codes"].label.text() == "Codes never synced"
    window.form.sales_order.setChecked(True)
    assert lights["settings"].label.text() == "Unsaved changes"
    assert window.form.save()
    assert lights["settings"].label.text() == "Settings saved"
    qtbot.waitUntil(lambda: window.work_orders.loaded, timeout=20_000)
    ready, _failed = window._counts or (None, None)
    assert lights["ready"].label.text() == f"{ready} ready"


def test_work_statuses_come_from_outsmart(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    combo = window.form.error_status
    qtbot.waitUntil(lambda: combo.count() > 2, timeout=20_000)
    names = [combo.itemText(i) for i in range(combo.count())]
    assert "99 — Error" in names
    assert combo.code() == "99"
    assert not window.form.dirty


def test_test_connection_checks_the_typed_tokens(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    form = window.form
    form.token.setText("not-the-token")
    form.software_token.setText("not-the-software-token")
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.test_button.isEnabled(), timeout=20_000)
    assert form.test_result.text() == messages.OUTSMART_TOKEN_REJECTED.text
    # Nothing typed was stored: the keyring still holds the working tokens.
    stored = demo.context.secrets.get(SecretName.OUTSMART_TOKEN)
    assert stored == demo.sandbox.credentials["outsmart_token"]

    form.token.clear()
    form.software_token.clear()
    qtbot.mouseClick(form.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: form.test_button.isEnabled(), timeout=20_000)
    assert form.test_result.text() == "OutSmart accepted the tokens."


def test_export_selected_sends_only_those(qtbot, demo: DemoSession, make_window) -> None:
    demo.sign_in_as_service()
    demo.context.settings.export_format = ExportFormat.SALES_ORDER
    window: MainWindow = make_window(demo)
    tab = window.work_orders
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.loaded, timeout=20_000)
    chosen = [cast(QTreeWidgetItem, tab.ready_list.topLevelItem(i)).text(0) for i in (0, 1)]
    tab.select(chosen)
    assert tab.export_button.isEnabled()
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    )
    assert result.total == 2 and result.succeeded == 2
    qtbot.waitUntil(lambda: not window._lists_loading and tab.loaded, timeout=20_000)
    remaining = [
        cast(QTreeWidgetItem, tab.ready_list.topLevelItem(i)).text(0)
        for i in range(tab.ready_list.topLevelItemCount())
    ]
    assert not set(chosen) & set(remaining)


def test_without_outsmart_tokens_the_fix_points_at_them(
    qtbot, demo: DemoSession, make_window
) -> None:
    secrets = demo.context.secrets
    secrets.delete(SecretName.OUTSMART_TOKEN)
    secrets.delete(SecretName.OUTSMART_SOFTWARE_TOKEN)
    demo.context.settings.export_format = ExportFormat.SALES_ORDER
    window: MainWindow = make_window(demo)
    assert window.work_orders.status.text().startswith("Enter the OutSmart tokens")
    finish(qtbot, window, window.export_work_orders)
    panel = window.log_panel
    qtbot.waitUntil(
        lambda: summary_of(panel.proxy.index(0, 0)) == messages.OUTSMART_TOKENS_MISSING.text
    )
    shown = panel.model.entry_id(0)
    assert shown is not None
    dialog = window.open_entry(shown)
    assert dialog is not None and dialog.fix_button is not None
    assert dialog.fix_button.text() == "Enter the OutSmart tokens"
    qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    assert "background" in window.form.token.styleSheet()


def test_entries_a_scheduled_run_writes_appear(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    other = Store(demo.context.profile.db_path)
    try:
        other.add_log(entry(1, summary="Written at 03:00 by the scheduled export"))
    finally:
        other.close()
    qtbot.waitUntil(
        lambda: (
            summary_of(window.log_panel.proxy.index(0, 0))
            == "Written at 03:00 by the scheduled export"
        ),
        timeout=5000,
    )


def test_keyboard_shortcuts_start_the_actions(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    shortcuts = {k: a.shortcut().toString() for k, a in window.actions_by_kind.items()}
    assert shortcuts == {
        RunKind.EXPORT: "Ctrl+E",
        RunKind.SYNC_RELATIONS: "Ctrl+R",
        RunKind.SYNC_MATERIALS: "Ctrl+M",
        RunKind.SYNC_ALL: "F5",
    }
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    with qtbot.waitSignal(window.run_finished, timeout=20_000):
        qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert window.runs.running is RunKind.EXPORT
