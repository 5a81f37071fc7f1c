"""The details dialog: the full entry, its fix as a button, the exchange, Copy."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel

from tests.helpers.log_entries import entry
from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.messages import FixAction
from vismadesk.store import Store
from vismadesk.ui.details_dialog import DetailsDialog, entry_as_text


def stored(store: Store, e: LogEntry) -> LogEntry:
    """As the window gets it: written, then read back by id."""
    saved = store.add_log(e)
    assert saved.id is not None
    got = store.log_entry(saved.id)
    assert got is not None
    return got


def open_dialog(qtbot, e: LogEntry) -> DetailsDialog:
    dialog = DetailsDialog(e)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def seed_entry(store: Store, message: messages.Message, **values: str) -> LogEntry:
    return stored(
        store,
        LogEntry(
            action=Action.EXPORT,
            level=message.level,
            summary=message.render(**values),
            details={"hint": message.hint},
            work_order=values.get("work_order"),
            record=values.get("material") or values.get("relation"),
            code=message.code,
        ),
    )


@pytest.mark.parametrize(
    ("message", "values", "button"),
    [
        (
            messages.MATERIAL_NOT_IN_VISMA,
            {"material": "M-7", "work_order": "WO1"},
            "Turn on New material",
        ),
        (
            messages.RELATION_NOT_IN_VISMA,
            {"relation": "10040", "work_order": "WO2"},
            "Turn on New relation",
        ),
        (messages.EXPORT_FORMAT_MISSING, {}, "Choose Sales order or Sales invoice"),
        (messages.TOKEN_INVALID, {}, "Click Login"),
        (messages.TOKEN_REFRESH_FAILED, {}, "Disconnect and log in again"),
        (
            messages.QUANTITY_NOT_POSITIVE,
            {"material": "R-3", "work_order": "WO3"},
            "Reset work order WO3",
        ),
    ],
)
def test_the_fix_from_the_catalogue_is_a_button(
    qtbot, store: Store, message: messages.Message, values: dict, button: str
) -> None:
    e = seed_entry(store, message, **values)
    dialog = open_dialog(qtbot, e)
    assert dialog.summary_label.text() == message.render(**values)
    assert dialog.hint_label is not None
    assert dialog.hint_label.text() == message.hint
    assert dialog.fix_button is not None
    assert dialog.fix_button.text() == button
    with qtbot.waitSignal(dialog.fix_requested) as blocker:
        qtbot.mouseClick(dialog.fix_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] is message.fix
    assert blocker.args[1].id == e.id


def test_a_failed_work_order_also_offers_its_reset(qtbot, store: Store) -> None:
    e = seed_entry(store, messages.MATERIAL_NOT_IN_VISMA, material="M-7", work_order="WO1")
    dialog = open_dialog(qtbot, e)
    assert dialog.reset_button is not None
    assert dialog.reset_button.text() == "Reset work order WO1"
    with qtbot.waitSignal(dialog.fix_requested) as blocker:
        qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] is FixAction.RESET_STATUS


def test_a_success_entry_has_no_fix_buttons(qtbot, store: Store) -> None:
    dialog = open_dialog(qtbot, stored(store, entry(5)))
    assert dialog.fix_button is None
    assert dialog.reset_button is None


def test_the_exchange_is_shown_without_secrets_and_copy_takes_everything(
    qtbot, store: Store
) -> None:
    exchange = (
        "POST https://api.finance.visma.net/v1/customerinvoice\n"
        "Authorization: Bearer eyJhbGciOi.secret-part.signature\n"
        '{"access_token": "abc123secret"}\n'
        "-> 400 Bad Request\n"
        '{"message": "Customer 10040 not found"}'
    )
    e = stored(
        store,
        entry(
            7,
            Level.ERROR,
            summary="Error creating customer invoice for work order WO7 in VISMA.net",
            code=messages.DOCUMENT_CREATE_FAILED.code,
            work_order="WO7",
            details={
                "hint": messages.DOCUMENT_CREATE_FAILED.hint,
                "status": 400,
                "visma_message": "Customer 10040 not found",
                "request_id": "req-42",
                "exchange": exchange,
            },
        ),
    )
    dialog = open_dialog(qtbot, e)
    assert dialog.exchange_view is not None
    shown = dialog.exchange_view.toPlainText()
    assert "POST https://api.finance.visma.net/v1/customerinvoice" in shown
    assert "Customer 10040 not found" in shown
    assert "secret-part" not in shown and "abc123secret" not in shown

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith("Error — ")
    for part in (
        "Error creating customer invoice for work order WO7 in VISMA.net",
        "Work order: WO7",
        "How to fix it: VISMA.net refused the document.",
        "VISMA.net said: Customer 10040 not found",
        "Request id: req-42",
        "-> 400 Bad Request",
    ):
        assert part in copied, part
    assert "abc123secret" not in copied
    assert dialog.copied_label.text() == "The entry is on the clipboard."


def test_the_record_is_named_for_what_it_is(qtbot, store: Store) -> None:
    material = seed_entry(store, messages.MATERIAL_NOT_IN_VISMA, material="M-7", work_order="WO1")
    relation = seed_entry(store, messages.RELATION_NOT_IN_VISMA, relation="10040", work_order="WO2")
    other = stored(store, entry(9, record="X-1", code=messages.OUTSMART_ERROR.code))
    assert "Material: M-7" in entry_as_text(material)
    assert "Relation: 10040" in entry_as_text(relation)
    # A message that does not say what its record is: the plain word.
    assert "Record: X-1" in entry_as_text(other)
    facts = [w.text() for w in open_dialog(qtbot, material).findChildren(QLabel)]
    assert "Material" in facts and "M-7" in facts


MARKUP_CODE = "<h1 style=color:red>PAID</h1>"


def test_codes_and_values_show_as_text_not_markup(qtbot, store: Store) -> None:
    e = stored(
        store,
        LogEntry(
            action=Action.EXPORT,
            level=Level.ERROR,
            summary=messages.MATERIAL_NOT_IN_VISMA.render(material=MARKUP_CODE, work_order="WO1"),
            details={
                "hint": messages.MATERIAL_NOT_IN_VISMA.hint,
                "visma_message": "<a href='https://evil.example'>click</a><img src=x>",
                "cause": "<b>bold</b>",
            },
            work_order="<i>WO1</i>",
            record=MARKUP_CODE,
            code=messages.MATERIAL_NOT_IN_VISMA.code,
            params={"material": MARKUP_CODE, "work_order": "WO1"},
        ),
    )
    dialog = open_dialog(qtbot, e)
    labels = [w for w in dialog.findChildren(QLabel) if w.text()]
    shown = [w.text() for w in labels]
    assert any(MARKUP_CODE in t for t in shown)
    assert any("<img src=x>" in t for t in shown)
    for label in labels:
        assert label.textFormat() is Qt.TextFormat.PlainText, label.text()
    # A plain label shows the tags: it is as wide as the text with its brackets.
    record = next(w for w in labels if w.text() == MARKUP_CODE)
    assert record.sizeHint().width() >= record.fontMetrics().horizontalAdvance(MARKUP_CODE) - 2
