"""One log entry in full: the message, what it concerns, the fix, and the API exchange.

Where the catalogue's fix is a setting or an action ("Turn on New material",
"Click Login"), a button does it: the dialog asks for it with `fix_requested` and
the window carries it out. The dialog is not modal, so the planner can keep it open
next to the settings while fixing the cause.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.messages import FIX_LABELS, FixAction
from vismadesk.ui import style, texts
from vismadesk.ui.icons import level_icon

# Detail keys shown elsewhere in the dialog, or of no use to a planner.
_SHOWN_APART = {"hint", "exchange"}


def record_label(entry: LogEntry) -> str:
    msg = messages.CATALOGUE.get(entry.code or "")
    return (msg.record_label if msg is not None else None) or texts.DETAILS_RECORD


def fix_of(entry: LogEntry) -> FixAction | None:
    msg = messages.CATALOGUE.get(entry.code or "")
    return msg.fix if msg is not None else None


def hint_of(entry: LogEntry) -> str:
    hint = entry.details.get("hint")
    if isinstance(hint, str) and hint:
        return hint
    msg = messages.CATALOGUE.get(entry.code or "")
    return msg.hint if msg is not None else ""


def can_reset(entry: LogEntry) -> bool:
    """An export error about one work order: the troubleshooting page's "reset, then
    export again"."""
    return entry.level is Level.ERROR and entry.action is Action.EXPORT and bool(entry.work_order)


def _value_text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return str(value)


def detail_lines(entry: LogEntry) -> list[tuple[str, str]]:
    out = []
    for key, value in entry.details.items():
        if key in _SHOWN_APART or value in (None, "", [], {}):
            continue
        label = texts.DETAIL_LABELS.get(key, key.replace("_", " ").capitalize())
        out.append((label, _value_text(value)))
    return out


def when_text(entry: LogEntry) -> str:
    return entry.time.astimezone().strftime("%d-%m-%Y %H:%M:%S")


def entry_as_text(entry: LogEntry) -> str:
    """The whole entry as plain text, for the clipboard (already redacted by the store)."""
    lines = [
        f"{texts.LEVEL_NAMES[entry.level]} — {when_text(entry)} — "
        f"{texts.ACTION_NAMES[entry.action]}",
        entry.summary,
    ]
    if entry.work_order:
        lines.append(f"{texts.DETAILS_WORK_ORDER}: {entry.work_order}")
    if entry.record:
        lines.append(f"{record_label(entry)}: {entry.record}")
    hint = hint_of(entry)
    if hint:
        lines.append(f"{texts.DETAILS_FIX}: {hint}")
    for label, value in detail_lines(entry):
        lines.append(f"{label}: {value}")
    exchange = entry.details.get("exchange")
    if exchange:
        lines += ["", f"{texts.DETAILS_EXCHANGE}:", _value_text(exchange)]
    if entry.code:
        lines.append(texts.DETAILS_CODE.format(code=entry.code, entry=entry.id))
    return "\n".join(lines)


class DetailsDialog(QDialog):
    # (fix action, entry); the window carries it out and reports with `show_note`.
    fix_requested = Signal(object, object)

    def __init__(self, entry: LogEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setWindowTitle(f"{texts.DETAILS_TITLE} — {texts.LEVEL_NAMES[entry.level]}")
        self.setModal(False)
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        layout.addLayout(self._head())
        layout.addSpacing(4)
        layout.addLayout(self._facts())

        self.fix_button: QPushButton | None = None
        self.reset_button: QPushButton | None = None
        hint = hint_of(entry)
        if hint:
            layout.addWidget(self._fix_box(hint))

        exchange = entry.details.get("exchange")
        self.exchange_view: QPlainTextEdit | None = None
        if exchange:
            layout.addWidget(QLabel(texts.DETAILS_EXCHANGE))
            self.exchange_view = QPlainTextEdit(_value_text(exchange))
            self.exchange_view.setObjectName("exchange")
            self.exchange_view.setReadOnly(True)
            self.exchange_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.exchange_view.setMinimumHeight(140)
            layout.addWidget(self.exchange_view, 1)

        layout.addStretch(0)
        layout.addLayout(self._bottom())

    def _head(self) -> QHBoxLayout:
        icon = QLabel()
        icon.setPixmap(level_icon(self.entry.level).pixmap(32, 32))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label = QLabel(self.entry.summary)
        self.summary_label.setObjectName("detailsSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setStyleSheet(style.DETAILS_SUMMARY)
        head = QHBoxLayout()
        head.addWidget(icon)
        head.addWidget(self.summary_label, 1)
        return head

    def _facts(self) -> QFormLayout:
        entry = self.entry
        facts = QFormLayout()
        facts.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        facts.addRow(texts.DETAILS_WHEN, self._selectable(when_text(entry)))
        facts.addRow(texts.DETAILS_ACTION, QLabel(texts.ACTION_NAMES[entry.action]))
        if entry.work_order:
            facts.addRow(texts.DETAILS_WORK_ORDER, self._selectable(entry.work_order))
        if entry.record:
            facts.addRow(record_label(entry), self._selectable(entry.record))
        for label, value in detail_lines(entry):
            facts.addRow(label, self._selectable(value))
        return facts

    def _fix_box(self, hint: str) -> QFrame:
        box = QFrame()
        box.setObjectName("fixBox")
        box.setStyleSheet(style.FIX_BOX)
        inner = QVBoxLayout(box)
        title = QLabel(texts.DETAILS_FIX)
        title.setStyleSheet(style.BOLD)
        self.hint_label = QLabel(hint)
        self.hint_label.setObjectName("detailsHint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        inner.addWidget(title)
        inner.addWidget(self.hint_label)
        inner.addLayout(self._fix_buttons())
        self.done_label = QLabel()
        self.done_label.setObjectName("fixDone")
        self.done_label.setStyleSheet(style.color(style.GOOD))
        self.done_label.setWordWrap(True)
        self.done_label.hide()
        inner.addWidget(self.done_label)
        return box

    def _fix_buttons(self) -> QHBoxLayout:
        entry = self.entry
        buttons = QHBoxLayout()
        fix = fix_of(entry)
        if fix is not None and not (fix is FixAction.RESET_STATUS and not entry.work_order):
            label = FIX_LABELS[fix]
            if fix is FixAction.RESET_STATUS:
                label = texts.RESET_WORK_ORDER.format(work_order=entry.work_order)
            self.fix_button = QPushButton(label)
            self.fix_button.setObjectName("fixButton")
            self.fix_button.setDefault(True)
            self.fix_button.clicked.connect(lambda: self._ask(fix))
            buttons.addWidget(self.fix_button)
        if can_reset(entry) and fix is not FixAction.RESET_STATUS:
            # The troubleshooting page's second step for a failed work order, one
            # click away too.
            self.reset_button = QPushButton(
                texts.RESET_WORK_ORDER.format(work_order=entry.work_order)
            )
            self.reset_button.setObjectName("resetButton")
            self.reset_button.clicked.connect(lambda: self._ask(FixAction.RESET_STATUS))
            buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        return buttons

    def _bottom(self) -> QHBoxLayout:
        self.copy_button = QPushButton(texts.COPY)
        self.copy_button.setObjectName("copyButton")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        close = QPushButton(texts.CLOSE)
        close.clicked.connect(self.close)
        self.copied_label = QLabel()
        self.copied_label.setStyleSheet(style.color(style.TEXT_FAINT))
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied_label, 1)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(close)
        return bottom

    @staticmethod
    def _selectable(text: str) -> QLabel:
        label = QLabel(text)
        # Only long values wrap: a wrapping label in a form row may be given one
        # line's height and lose the rest (the time of "When" did).
        label.setWordWrap(len(text) > 60 or "\n" in text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _ask(self, fix: FixAction) -> None:
        self.fix_requested.emit(fix, self.entry)

    def show_note(self, text: str) -> None:
        """What the fix button did (or what the planner does next)."""
        if hasattr(self, "done_label"):
            self.done_label.setText(text)
            self.done_label.show()

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(entry_as_text(self.entry))
        self.copied_label.setText(texts.DETAILS_COPIED)
