"""The details dialog, round two: no unfilled placeholder, nothing cut off, no "How to fix
it" over a success, notes that end with their action, applied fixes greyed, and the
demo's "Error creating customer in VISMA.net" with its Sync relations button."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.helpers.window import finish, settle_layouts
from vismadesk import i18n, messages
from vismadesk.demo import DemoSession
from vismadesk.domain import Action, ExportFormat, Level, LogEntry
from vismadesk.engine.runs import RunLog
from vismadesk.messages import FixAction
from vismadesk.sandbox.company import RELATION_MISSING_IN_VISMA
from vismadesk.store import Store
from vismadesk.ui.details_dialog import DetailsDialog
from vismadesk.ui.main_window import MainWindow


def _open(qtbot, entry: LogEntry) -> DetailsDialog:
    dialog = DetailsDialog(entry)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _exported(store: Store) -> LogEntry:
    log = RunLog(store, Action.EXPORT, "run1")
    return log.emit(
        messages.WORK_ORDER_EXPORTED,
        work_order="WB00003",
        record="1234",
        details={"document_type": "sales invoice", "section": "Customer invoices"},
        document="sales invoice",
        number="1234",
    )


def _label_texts(dialog: DetailsDialog) -> list[str]:
    return [w.text() for w in dialog.findChildren(QLabel)]


def test_a_success_says_where_to_find_it_with_no_placeholder_and_no_fix_heading(
    qtbot, store: Store
) -> None:
    entry = store.log_entry(_exported(store).id or 0)
    assert entry is not None
    dialog = _open(qtbot, entry)
    assert dialog.hint_label is not None and dialog.hint_title is not None
    assert dialog.hint_label.text() == "Find it in VISMA.net under Customer invoices."
    assert dialog.hint_title.text() == "What this means"
    assert not any("{" in t for t in _label_texts(dialog))
    assert "How to fix it" not in _label_texts(dialog)


def test_the_same_success_in_dutch(qtbot, store: Store, dutch) -> None:
    entry = store.log_entry(_exported(store).id or 0)
    assert entry is not None
    dialog = _open(qtbot, entry)
    assert dialog.summary_label.text() == "Werkbon WB00003 geëxporteerd als verkoopfactuur 1234"
    assert dialog.hint_label is not None and dialog.hint_title is not None
    assert dialog.hint_label.text() == "Je vindt hem in VISMA.net onder Verkoopfacturen."
    assert dialog.hint_title.text() == "Wat dit betekent"
    assert "Verkoopfacturen" in _label_texts(dialog)  # the "Where to find it" detail too


def test_nothing_to_do_is_not_under_how_to_fix_it(qtbot, store: Store) -> None:
    entry = RunLog(store, Action.IMPORT, "run1").emit(messages.NOTHING_TO_DO)
    dialog = _open(qtbot, entry)
    assert dialog.hint_title is not None and dialog.hint_label is not None
    assert dialog.hint_title.text() == "What this means"
    assert dialog.hint_label.text().startswith("Not an error")
    error = RunLog(store, Action.EXPORT, "run2").emit(messages.EXPORT_FORMAT_MISSING)
    assert _open(qtbot, error).hint_title.text() == "How to fix it"  # type: ignore[union-attr]


def _fully_shown(label: QLabel) -> bool:
    return label.height() >= label.heightForWidth(label.width())


def test_nothing_is_cut_off_long_lists_and_answers_scroll(qtbot, store: Store) -> None:
    numbers = [f"WB{n:05d}" for n in range(1, 301)]
    said = "The customer could not be saved because " + "a field is invalid; " * 40
    log = RunLog(store, Action.EXPORT, "run1")
    entry = log.emit(
        messages.EXPORT_HAD_ERRORS,
        details={"work_orders": numbers, "visma_message": said},
        failed=300,
        total=300,
        exported=0,
        skipped=0,
    )
    dialog = _open(qtbot, entry)
    dialog.show_note("Done: " + "a long note that wraps over several lines " * 6)
    settle_layouts()
    labels = {w.text(): w for w in dialog.findChildren(QLabel)}
    work_orders = labels[", ".join(numbers)]
    answer = labels[said]
    for label in (work_orders, answer, dialog.hint_label, dialog.done_label):
        assert label is not None
        assert _fully_shown(label), label.text()[:40]
    # Taller than the dialog may be: it scrolls, and the dialog stays on the screen.
    bar = dialog.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0
    screen = dialog.screen().availableGeometry()
    assert dialog.height() <= screen.height()
    bar.setValue(bar.maximum())
    settle_layouts()
    bottom = dialog.done_label.mapTo(
        dialog.scroll_area.viewport(), dialog.done_label.rect().bottomLeft()
    )
    assert bottom.y() <= dialog.scroll_area.viewport().height()


def test_an_applied_fix_is_greyed_and_its_note_says_done(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    store = demo.context.store
    log = RunLog(store, Action.EXPORT, "run1")
    first = log.emit(
        messages.MATERIAL_NOT_IN_VISMA, work_order="WB00001", material="C1", record="C1"
    )
    dialog = window.open_entry(first.id or 0)
    assert dialog is not None and dialog.fix_button is not None
    assert dialog.fix_button.isEnabled()
    qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    assert not dialog.fix_button.isEnabled()
    assert dialog.done_label.text() == "Done: New material is on."
    # Another entry of the same kind: nothing left to do, and the button says why.
    again = window.open_entry(
        log.emit(
            messages.MATERIAL_NOT_IN_VISMA, work_order="WB00002", material="C2", record="C2"
        ).id
        or 0
    )
    assert again is not None and again.fix_button is not None
    assert not again.fix_button.isEnabled()
    assert again.fix_button.toolTip() == "New material is on"


def test_a_fix_note_ends_with_its_run(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    entry = RunLog(demo.context.store, Action.EXPORT, "run1").emit(messages.TOKEN_INVALID)
    dialog = window.open_entry(entry.id or 0)
    assert dialog is not None and dialog.fix_button is not None

    def click() -> bool:
        qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
        assert dialog.done_label.text() == "Waiting for sign-in in your browser…"
        assert dialog.fix_button is not None and not dialog.fix_button.isEnabled()
        return True

    result = finish(qtbot, window, click)
    assert result.exit_code == 0
    assert dialog.done_label.text() == "Login finished."
    assert "Waiting" not in dialog.done_label.text()
    assert not dialog.fix_button.isEnabled()


def test_a_fix_that_failed_can_be_tried_again(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    entry = RunLog(demo.context.store, Action.EXPORT, "run1").emit(
        messages.QUANTITY_NOT_POSITIVE, work_order="NO-SUCH-WO", material="C1"
    )
    demo.context.settings.ready_status = ""  # nothing to reset to: the reset fails
    dialog = window.open_entry(entry.id or 0)
    assert dialog is not None and dialog.fix_button is not None
    result = finish(
        qtbot, window, lambda: qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    )
    assert result.failed == 1
    assert dialog.done_label.text() == (
        "Reset status finished; some entries need attention (see the log)."
    )
    assert dialog.fix_button.isEnabled()


def test_the_demo_shows_error_creating_customer_with_sync_relations(
    qtbot, demo: DemoSession, make_window
) -> None:
    ctx = demo.context
    demo.sign_in_as_service()
    ctx.settings.export_format = ExportFormat.SALES_INVOICE
    ctx.settings.new_relation = True
    ctx.settings.new_material = True
    window: MainWindow = make_window(demo)
    finish(qtbot, window, window.export_work_orders)
    nameless = demo.sandbox.faulty_orders[RELATION_MISSING_IN_VISMA][0]
    failed = [
        e
        for e in ctx.store.log_page(limit=500, levels=[Level.ERROR])
        if e.code == messages.CUSTOMER_CREATE_FAILED.code
    ]
    assert nameless in {e.work_order for e in failed}
    entry = next(e for e in failed if e.work_order == nameless)
    assert entry.summary == "Error creating customer in VISMA.net"
    dialog = window.open_entry(entry.id or 0)
    assert dialog is not None
    buttons = {f: b.text() for f, b in dialog.fix_buttons.items()}
    assert buttons == {
        FixAction.RESET_STATUS: f"Reset work order {nameless}",
        FixAction.SYNC_RELATIONS: "Sync relations",
    }
    assert "such as name and address" in (dialog.hint_label.text() if dialog.hint_label else "")
    result = finish(
        qtbot,
        window,
        lambda: qtbot.mouseClick(
            dialog.fix_buttons[FixAction.SYNC_RELATIONS], Qt.MouseButton.LeftButton
        ),
    )
    assert result.action is Action.IMPORT
    assert dialog.done_label.text() == "Sync relations finished."
    # In Dutch: the same entry, its message, fix and both buttons in the planner's words.
    window.set_language("nl")
    dutch = window.open_entry(entry.id or 0)
    assert dutch is not None
    assert dutch.summary_label.text() == "Fout bij het aanmaken van de klant in VISMA.net"
    assert {f: b.text() for f, b in dutch.fix_buttons.items()} == {
        FixAction.RESET_STATUS: f"Werkbon {nameless} terugzetten",
        FixAction.SYNC_RELATIONS: "Relaties synchroniseren",
    }
    assert "zoals naam en adres" in (dutch.hint_label.text() if dutch.hint_label else "")
    finish(
        qtbot,
        window,
        lambda: qtbot.mouseClick(
            dutch.fix_buttons[FixAction.SYNC_RELATIONS], Qt.MouseButton.LeftButton
        ),
    )
    assert dutch.done_label.text() == "Relaties synchroniseren klaar."
    i18n.set_language("en")
