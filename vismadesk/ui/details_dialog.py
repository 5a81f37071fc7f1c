"""One log entry in full: the message, what it concerns, the fix, and the API exchange.

Where the catalogue's fix is a setting or an action ("Turn on New material",
"Click Login"), a button does it: the dialog asks for it with `fix_requested` and
the window carries it out, then says what happened with `show_note` and greys the
button once the fix is in place (`mark_applied`). The dialog is not modal, so the
planner can keep it open next to the settings while fixing the cause.

Everything the entry says is shown in full: the facts and the fix scroll inside the
dialog (a run summary may list hundreds of work orders), and the dialog is never
taller than the screen.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vismadesk import messages
from vismadesk.domain import Action, Level, LogEntry
from vismadesk.i18n import _, format_datetime, format_number, gettext
from vismadesk.messages import FIX_LABELS, WORD_FIELDS, FixAction, shown_hint, translated
from vismadesk.ui import style, texts
from vismadesk.ui.icons import level_icon
from vismadesk.ui.plain import plain_label, plain_tip

# Detail keys shown elsewhere in the dialog, or of no use to a planner.
_SHOWN_APART = {"hint", "exchange"}
# Detail keys whose values are catalogue sentences (another error's message).
_SENTENCES = {"cause", "reason"}
# Detail keys whose values are words the engine passes in English.
_WORDS = WORD_FIELDS | {"document_type"}


def record_label(entry: LogEntry) -> str:
    msg = messages.CATALOGUE.get(entry.code or "")
    label = msg.record_label if msg is not None else None
    return _(label or texts.DETAILS_RECORD)


def fixes_of(entry: LogEntry) -> tuple[FixAction, ...]:
    msg = messages.CATALOGUE.get(entry.code or "")
    return msg.fixes if msg is not None else ()


def fix_of(entry: LogEntry) -> FixAction | None:
    fixes = fixes_of(entry)
    return fixes[0] if fixes else None


def entry_values(entry: LogEntry) -> dict[str, Any]:
    """What the entry's texts may name: its details, its message's values, its work order."""
    values: dict[str, Any] = {k: v for k, v in entry.details.items() if k not in _SHOWN_APART}
    values.update(entry.params or {})
    if entry.work_order:
        values.setdefault("work_order", entry.work_order)
    return values


def summary_text(entry: LogEntry) -> str:
    return messages.shown_summary(entry.code, entry.params, entry.summary)


def hint_of(entry: LogEntry) -> str:
    stored = entry.details.get("hint")
    return shown_hint(entry.code, entry_values(entry), stored if isinstance(stored, str) else "")


def hint_title(entry: LogEntry) -> str:
    """ "How to fix it" over an error's or a warning's hint; a success has nothing to fix."""
    if entry.level in (Level.ERROR, Level.WARNING):
        return _(texts.DETAILS_FIX)
    return _(texts.DETAILS_ABOUT)


def can_reset(entry: LogEntry) -> bool:
    """An export error about one work order: the troubleshooting page's "reset, then
    export again"."""
    return entry.level is Level.ERROR and entry.action is Action.EXPORT and bool(entry.work_order)


def _value_text(key: str, value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, indent=2, default=str)
    if isinstance(value, bool):
        return _(texts.YES) if value else _(texts.NO)
    if isinstance(value, int):
        return format_number(value) if key not in ("status", "outsmart_code") else str(value)
    if key in _SENTENCES and isinstance(value, str):
        return translated(value)
    if key in _WORDS and isinstance(value, str):
        return gettext(value)
    return str(value)


def detail_lines(entry: LogEntry) -> list[tuple[str, str]]:
    out = []
    for key, value in entry.details.items():
        if key in _SHOWN_APART or value in (None, "", [], {}):
            continue
        label = texts.DETAIL_LABELS.get(key)
        shown_label = _(label) if label else key.replace("_", " ").capitalize()
        out.append((shown_label, _value_text(key, value)))
    return out


def when_text(entry: LogEntry) -> str:
    return format_datetime(entry.time, seconds=True)


def entry_as_text(entry: LogEntry) -> str:
    """The whole entry as plain text, for the clipboard (already redacted by the store)."""
    lines = [
        f"{_(texts.LEVEL_NAMES[entry.level])} — {when_text(entry)} — "
        f"{_(texts.ACTION_NAMES[entry.action])}",
        summary_text(entry),
    ]
    if entry.work_order:
        lines.append(f"{_(texts.DETAILS_WORK_ORDER)}: {entry.work_order}")
    if entry.record:
        lines.append(f"{record_label(entry)}: {entry.record}")
    hint = hint_of(entry)
    if hint:
        lines.append(f"{hint_title(entry)}: {hint}")
    for label, value in detail_lines(entry):
        lines.append(f"{label}: {value}")
    exchange = entry.details.get("exchange")
    if exchange:
        lines += ["", f"{_(texts.DETAILS_EXCHANGE)}:", _value_text("exchange", exchange)]
    if entry.code:
        lines.append(_(texts.DETAILS_CODE).format(code=entry.code, entry=entry.id))
    return "\n".join(lines)


def _wrapping_label(text: str) -> QLabel:
    label = plain_label(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    # Takes the width it is given and as many lines as the text needs in it.
    policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Minimum)
    policy.setHeightForWidth(True)
    label.setSizePolicy(policy)
    label.setMinimumWidth(120)
    return label


class _Body(QWidget):
    """The scrolled content: as tall as its wrapped lines need at the width it has (the
    scroll area sizes it by its size hint, which otherwise assumes the narrowest width
    and leaves a long empty tail below the text)."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        width = self.width() if self.width() > 100 else hint.width()
        height = self.heightForWidth(width)
        return QSize(hint.width(), height) if height > 0 else hint

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)


class DetailsDialog(QDialog):
    # (fix action, entry); the window carries it out and reports with `show_note`.
    fix_requested = Signal(object, object)

    def __init__(self, entry: LogEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        level = _(texts.LEVEL_NAMES[entry.level])
        self.setWindowTitle(f"{_(texts.DETAILS_TITLE)} — {level}")
        self.setModal(False)
        self.setMinimumWidth(420)

        self.fix_button: QPushButton | None = None
        self.reset_button: QPushButton | None = None
        self.fix_buttons: dict[FixAction, QPushButton] = {}
        self.hint_label: QLabel | None = None
        self.hint_title: QLabel | None = None

        body = _Body()
        body.setObjectName("detailsBody")
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 4, 0)
        # Its minimum would be the wrapped lines' height at their narrowest: a tall
        # empty tail under the text. The size hint (`_Body`) says what it needs.
        inner.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        inner.addLayout(self._head())
        inner.addSpacing(4)
        inner.addLayout(self._facts())
        hint = hint_of(entry)
        if hint:
            inner.addWidget(self._fix_box(hint))
        inner.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("detailsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(body)

        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 2)
        exchange = entry.details.get("exchange")
        self.exchange_view: QPlainTextEdit | None = None
        if exchange:
            layout.addWidget(QLabel(_(texts.DETAILS_EXCHANGE)))
            self.exchange_view = QPlainTextEdit(_value_text("exchange", exchange))
            self.exchange_view.setObjectName("exchange")
            self.exchange_view.setReadOnly(True)
            self.exchange_view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            self.exchange_view.setMinimumHeight(100)
            layout.addWidget(self.exchange_view, 1)
        layout.addLayout(self._bottom())

    def _head(self) -> QHBoxLayout:
        icon = QLabel()
        icon.setPixmap(level_icon(self.entry.level).pixmap(32, 32))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary_label = _wrapping_label(summary_text(self.entry))
        self.summary_label.setObjectName("detailsSummary")
        self.summary_label.setStyleSheet(style.DETAILS_SUMMARY)
        head = QHBoxLayout()
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.summary_label, 1)
        return head

    def _facts(self) -> QGridLayout:
        """Label and value per row. A grid, not a form layout: a form layout gave two long
        wrapped values the same height after a relayout, cutting the longer one."""
        entry = self.entry
        rows: list[tuple[str, QLabel]] = [
            (_(texts.DETAILS_WHEN), self._selectable(when_text(entry))),
            (_(texts.DETAILS_ACTION), plain_label(_(texts.ACTION_NAMES[entry.action]))),
        ]
        if entry.work_order:
            rows.append((_(texts.DETAILS_WORK_ORDER), self._selectable(entry.work_order)))
        if entry.record:
            rows.append((record_label(entry), self._selectable(entry.record)))
        rows += [(label, self._selectable(value)) for label, value in detail_lines(entry)]
        facts = QGridLayout()
        facts.setColumnStretch(1, 1)
        facts.setHorizontalSpacing(12)
        for r, (label, value) in enumerate(rows):
            facts.addWidget(plain_label(label), r, 0, Qt.AlignmentFlag.AlignTop)
            facts.addWidget(value, r, 1)
        return facts

    def _fix_box(self, hint: str) -> QFrame:
        box = QFrame()
        box.setObjectName("fixBox")
        box.setStyleSheet(style.FIX_BOX)
        inner = QVBoxLayout(box)
        self.hint_title = plain_label(hint_title(self.entry))
        self.hint_title.setObjectName("hintTitle")
        self.hint_title.setStyleSheet(style.BOLD)
        self.hint_label = _wrapping_label(hint)
        self.hint_label.setObjectName("detailsHint")
        inner.addWidget(self.hint_title)
        inner.addWidget(self.hint_label)
        inner.addLayout(self._fix_buttons())
        self.done_label = _wrapping_label("")
        self.done_label.setObjectName("fixDone")
        self.done_label.setStyleSheet(style.color(style.GOOD))
        self.done_label.hide()
        inner.addWidget(self.done_label)
        return box

    def _fix_buttons(self) -> QHBoxLayout:
        entry = self.entry
        buttons = QHBoxLayout()
        offered = [
            f for f in fixes_of(entry) if not (f is FixAction.RESET_STATUS and not entry.work_order)
        ]
        if can_reset(entry) and FixAction.RESET_STATUS not in offered:
            # The troubleshooting page's second step for a failed work order, one
            # click away too.
            offered.append(FixAction.RESET_STATUS)
        for fix in offered:
            if fix is FixAction.RESET_STATUS:
                text = _(texts.RESET_WORK_ORDER).format(work_order=entry.work_order)
            else:
                text = _(FIX_LABELS[fix])
            button = QPushButton(text)
            button.setObjectName(f"fix_{fix.value}")
            button.clicked.connect(lambda _checked=False, f=fix: self._ask(f))
            buttons.addWidget(button)
            self.fix_buttons[fix] = button
        first = fix_of(entry)
        if first in self.fix_buttons:
            self.fix_button = self.fix_buttons[first]
            self.fix_button.setObjectName("fixButton")
            self.fix_button.setDefault(True)
        if FixAction.RESET_STATUS in self.fix_buttons and first is not FixAction.RESET_STATUS:
            self.reset_button = self.fix_buttons[FixAction.RESET_STATUS]
            self.reset_button.setObjectName("resetButton")
        buttons.addStretch(1)
        return buttons

    def _bottom(self) -> QHBoxLayout:
        self.copy_button = QPushButton(_(texts.COPY))
        self.copy_button.setObjectName("copyButton")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        close = QPushButton(_(texts.CLOSE))
        close.clicked.connect(self.close)
        self.copied_label = plain_label()
        self.copied_label.setStyleSheet(style.color(style.TEXT_FAINT))
        bottom = QHBoxLayout()
        bottom.addWidget(self.copied_label, 1)
        bottom.addWidget(self.copy_button)
        bottom.addWidget(close)
        return bottom

    @staticmethod
    def _selectable(text: str) -> QLabel:
        if len(text) > 60 or "\n" in text:
            # Long values (a run's list of work orders, VISMA.net's own words) wrap in
            # full; the dialog scrolls when they are taller than it.
            return _wrapping_label(text)
        label = plain_label(text)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit_screen()

    def _fit_screen(self) -> None:
        """As tall as the content needs, but never taller than the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        room = screen.availableGeometry()
        body = self.scroll_area.widget()
        if body is None:
            return
        width = max(self.width(), 560)
        width = min(width, room.width() - 40)
        needed = body.heightForWidth(width - 30) if body.hasHeightForWidth() else -1
        if needed < 0:
            needed = body.sizeHint().height()
        extra = self.sizeHint().height() - self.scroll_area.sizeHint().height()
        height = min(needed + extra + 24, room.height() - 60)
        self.resize(width, max(self.height(), height))

    def _ask(self, fix: FixAction) -> None:
        self.fix_requested.emit(fix, self.entry)

    def show_note(self, text: str) -> None:
        """What the fix button did (or what the planner does next); "" clears it."""
        if hasattr(self, "done_label"):
            self.done_label.setText(text)
            self.done_label.setVisible(bool(text))

    def mark_applied(self, fix: FixAction, note: str = "") -> None:
        """The fix is in place: its button is greyed and says why."""
        button = self.fix_buttons.get(fix)
        if button is not None:
            button.setEnabled(False)
            if note:
                button.setToolTip(plain_tip(note))

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(entry_as_text(self.entry))
        self.copied_label.setText(_(texts.DETAILS_COPIED))
