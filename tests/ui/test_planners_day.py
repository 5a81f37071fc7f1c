"""A planner's day at the window, on the sandbox, click by click.

Sign in, choose Sales invoice and save, export and watch the rows arrive, open the
orange row about a missing material, let its fix button turn on New material, reset
the work order, export it again, disconnect, meet the token message, sign in again.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QLabel

from tests.helpers.window import Planner, finish
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import ExitCode, ExportFormat, Level
from vismadesk.sandbox.company import MATERIAL_MISSING_IN_VISMA
from vismadesk.ui.actions import RunKind
from vismadesk.ui.log_model import LogFilter
from vismadesk.ui.log_rows import level_of, summary_of
from vismadesk.ui.main_window import MainWindow
from vismadesk.visma.auth import AuthStatus


def log_rows(window: MainWindow) -> list[tuple[Level | None, str]]:
    proxy = window.log_panel.proxy
    return [
        (level_of(proxy.index(r, 0)), summary_of(proxy.index(r, 0)))
        for r in range(proxy.rowCount())
    ]


def double_click_row(qtbot, window: MainWindow, text: str) -> None:
    view = window.log_panel.view
    proxy = window.log_panel.proxy
    for r in range(proxy.rowCount()):
        index = proxy.index(r, 0)
        if summary_of(index) == text:
            view.scrollTo(index)
            rect = view.visualRect(index)
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return
    raise AssertionError(f"no row {text!r} in {log_rows(window)}")


def test_a_planners_day(qtbot, demo: DemoSession, planner: Planner, make_window) -> None:
    ctx = demo.context
    window: MainWindow = make_window(demo)
    header = window.header
    assert header.headline.text() == "Not signed in to VISMA.net"

    # Morning: sign in through the (sandbox) VISMA.net page in the browser.
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(header.login_button, Qt.MouseButton.LeftButton)
    )
    assert result.exit_code == ExitCode.OK
    assert planner.opened and "/connect/authorize" in planner.opened[0]
    assert header.headline.text().startswith("Connected as planner@")
    assert window.header.lights["connection"].label.text() == "Connection active"

    # Choose Sales invoice and save.
    form = window.form
    assert not form.sales_order.isChecked() and not form.sales_invoice.isChecked()
    qtbot.mouseClick(form.sales_invoice, Qt.MouseButton.LeftButton)
    assert window.isWindowModified()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not window.isWindowModified()
    saved = json.loads(ctx.profile.settings_path.read_text())
    assert saved["export_format"] == "sales_invoice"
    assert ctx.settings.export_format is ExportFormat.SALES_INVOICE

    # Export work orders, and watch the rows arrive while it runs.
    arrivals: list[int] = []
    window.log_panel.model.live_rows_added.connect(arrivals.append)
    export_action = window.actions_by_kind[RunKind.EXPORT]
    done_while_running: list[int] = []

    def export() -> None:
        export_action.trigger()
        assert not export_action.isEnabled()  # its button waits while it runs

    window.run_finished.connect(lambda _r: done_while_running.append(sum(arrivals)))
    result = finish(qtbot, window, export)
    assert result.exit_code == ExitCode.SOME_FAILED
    assert export_action.isEnabled()
    assert done_while_running[0] > 0, "rows should arrive while the export runs"
    qtbot.waitUntil(lambda: any("work orders have errors" in t for _l, t in log_rows(window)))

    # The orange rows: filter to errors, open the one about a missing material.
    wo = demo.sandbox.faulty_orders[MATERIAL_MISSING_IN_VISMA][0]
    entry = next(
        e
        for e in ctx.store.log_page(limit=500, levels=[Level.ERROR])
        if e.work_order == wo and e.code == messages.MATERIAL_NOT_IN_VISMA.code
    )
    material = entry.record
    text = f"Material {material} on work order {wo} not found in VISMA.net"
    panel = window.log_panel
    with qtbot.waitSignal(panel.model.reloaded):
        panel.filter_combo.setCurrentIndex(panel.filter_combo.findData(LogFilter.ERRORS))
    assert {level for level, _t in log_rows(window)} == {"error"}
    double_click_row(qtbot, window, text)
    dialog = window.details
    assert dialog is not None and dialog.isVisible()
    assert dialog.summary_label.text() == text
    assert dialog.hint_label is not None
    assert "Turn on New material" in dialog.hint_label.text()
    facts = [w.text() for w in dialog.findChildren(QLabel)]
    assert wo in facts and material in facts

    # The fix, one click away: New material turns on (and is saved).
    assert dialog.fix_button is not None
    assert dialog.fix_button.text() == "Turn on New material"
    qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    assert form.new_material.isChecked()
    assert ctx.settings.new_material is True
    assert json.loads(ctx.profile.settings_path.read_text())["new_material"] is True
    assert "New material is on" in dialog.done_label.text()
    dialog.close()

    # Reset the work order on the Work orders tab, where it waits in the error status.
    window.tabs.setCurrentWidget(window.work_orders)
    tab = window.work_orders
    qtbot.waitUntil(lambda: tab.loaded and not window._lists_loading, timeout=20_000)
    assert wo in _numbers(tab.error_list)
    tab.select([wo])
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(tab.reset_button, Qt.MouseButton.LeftButton)
    )
    assert result.exit_code == ExitCode.OK
    qtbot.waitUntil(lambda: wo in _numbers(tab.ready_list), timeout=20_000)
    assert wo not in _numbers(tab.error_list)

    # Export again: this time the work order goes through.
    window.tabs.setCurrentWidget(panel)
    with qtbot.waitSignal(panel.model.reloaded):
        panel.set_filter_choice(LogFilter.ALL)
    result = finish(qtbot, window, lambda: export_action.trigger())
    assert result.exit_code == ExitCode.OK
    assert result.succeeded == 1
    qtbot.waitUntil(
        lambda: any(
            t.startswith(f"Work order {wo} exported as sales invoice") and level == "success"
            for level, t in log_rows(window)
        )
    )
    assert any(t == f"Material {material} created in VISMA.net" for _l, t in log_rows(window))

    # Disconnect: the header says so at once.
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(header.disconnect_button, Qt.MouseButton.LeftButton)
    )
    assert header.headline.text() == "Not signed in to VISMA.net"
    assert ctx.tokens.state.status is AuthStatus.SIGNED_OUT
    assert window.header.lights["connection"].label.text() == "Not connected"

    # An export now says there is no sign-in (not "API token invalid": nothing broke).
    result = finish(qtbot, window, lambda: export_action.trigger())
    assert result.exit_code == ExitCode.CONFIG
    qtbot.waitUntil(lambda: log_rows(window)[0] == ("error", messages.NOT_SIGNED_IN.text))

    # Login again; the browser signs in.
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(header.login_button, Qt.MouseButton.LeftButton)
    )
    assert result.exit_code == ExitCode.OK
    assert len(planner.opened) == 2
    assert header.headline.text().startswith("Connected as planner@")


def _numbers(tree) -> list[str]:
    return [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]


def test_rows_open_with_enter_too(qtbot, demo: DemoSession, make_window) -> None:
    demo.context.settings.export_format = None
    window: MainWindow = make_window(demo)
    finish(qtbot, window, window.export_work_orders)
    view = window.log_panel.view
    qtbot.waitUntil(lambda: window.log_panel.proxy.rowCount() > 0)
    view.setFocus()
    view.setCurrentIndex(window.log_panel.proxy.index(0, 0, QModelIndex()))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog = window.details
    assert dialog is not None
    assert dialog.summary_label.text() == messages.EXPORT_FORMAT_MISSING.text
    assert dialog.fix_button is not None
    assert dialog.fix_button.text() == "Choose Sales order or Sales invoice"
    qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    # The planner must choose; the window shows where.
    assert window.form.sales_order.hasFocus() or window.form.format_box.styleSheet()
    assert "Choose Sales order or Sales invoice" in dialog.done_label.text()
