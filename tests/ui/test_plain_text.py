"""Data reaches the screen as text, never as markup (#14): labels and tooltips."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt

from tests.ui.test_keyboard_and_lists import _orders
from vismadesk.ui.log_header import LogHeader
from vismadesk.ui.plain import plain_tip
from vismadesk.ui.work_orders_tab import WHY_COLUMN, WorkOrdersTab

MARKUP = "<h1 style=color:red>PAID</h1><img src=x>"


def test_a_tooltip_shows_markup_as_its_characters() -> None:
    tip = plain_tip(MARKUP)
    assert "<h1" not in tip and "<img" not in tip
    assert "&lt;h1 style=color:red&gt;PAID&lt;/h1&gt;" in tip


def test_the_work_orders_tab_shows_descriptions_and_reasons_as_text(qtbot) -> None:
    tab = WorkOrdersTab()
    qtbot.addWidget(tab)
    tab.show()
    orders = [dataclasses.replace(o, description=MARKUP) for o in _orders(1, "E")]
    tab.set_lists([], orders, {"E000": MARKUP})
    item = tab.error_list.topLevelItem(0)
    assert item is not None
    assert "<h1" not in item.toolTip(3) and "&lt;h1" in item.toolTip(3)
    assert "<img" not in item.toolTip(WHY_COLUMN)
    tab.select(["E000"])
    assert tab.why_label.textFormat() is Qt.TextFormat.PlainText
    assert MARKUP in tab.why_label.text()


def test_the_log_header_shows_names_from_visma_as_text(qtbot) -> None:
    header = LogHeader()
    qtbot.addWidget(header)
    assert header.headline.textFormat() is Qt.TextFormat.PlainText
    assert header.detail.textFormat() is Qt.TextFormat.PlainText
