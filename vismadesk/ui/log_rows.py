"""How a log row looks: its text, level badge, tint and font, stored in its item.

Everything a row shows is put in its item when it is loaded, and Qt's own delegate
paints it: painting a row never calls into Python (see `log_model.LogModel` for why
that matters while a run works). The level icon and the action share one small
picture per (level, action), so the text after it starts at the same place on every
row; `draw_badges` draws them all at start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
)

from vismadesk.domain import Action, Level, LogEntry
from vismadesk.i18n import _, format_datetime
from vismadesk.messages import shown_summary
from vismadesk.ui import style, texts
from vismadesk.ui.icons import level_icon


@dataclass(frozen=True, slots=True)
class LogRow:
    """What a row needs to be painted; the details stay in the database until opened."""

    id: int
    time: dt.datetime
    action: Action
    level: Level
    # In the language chosen when the row was read (the store keeps code and values).
    summary: str
    work_order: str | None
    code: str | None
    # Found by a search only in what the row does not show (its details).
    found_in_details: bool = False

    @classmethod
    def from_entry(cls, e: LogEntry, search: str = "") -> LogRow:
        assert e.id is not None
        summary = shown_summary(e.code, e.params, e.summary)
        hidden = bool(search) and not _shows(search, f"{summary} {e.work_order or ''}")
        return cls(e.id, e.time, e.action, e.level, summary, e.work_order, e.code, hidden)

    def time_text(self) -> str:
        # Day and time on every row, in the one date format of the language: a night's
        # scheduled run and this morning's export cannot be confused.
        return format_datetime(self.time, seconds=True)


def _shows(search: str, shown: str) -> bool:
    """Whether every searched word is in the row's own text (the last one as a prefix,
    as the search takes it)."""
    text = shown.casefold()
    return all(word.casefold() in text for word in search.split())


class Roles:
    ID = Qt.ItemDataRole.UserRole + 1
    LEVEL = Qt.ItemDataRole.UserRole + 2  # index into LEVELS


# Kept as small numbers in the items: a million rows must not carry a million strings.
LEVELS: tuple[Level, ...] = tuple(Level)
_LEVEL_INDEX = {lv: i for i, lv in enumerate(LEVELS)}

SEPARATOR = "\u2003"  # an em space between the time and the summary

ROLE_NAMES = {
    Qt.ItemDataRole.DisplayRole: QByteArray(b"display"),
    Qt.ItemDataRole.DecorationRole: QByteArray(b"decoration"),
    Roles.ID: QByteArray(b"entryId"),
    Roles.LEVEL: QByteArray(b"level"),
}


def summary_of(index: QModelIndex | QPersistentModelIndex) -> str:
    """The entry's summary as shown in a row (the row shows the time before it, and a
    search's "found in the details" after it)."""
    shown = index.data(Qt.ItemDataRole.DisplayRole)
    return shown.split(SEPARATOR)[1] if shown else ""


def note_of(index: QModelIndex | QPersistentModelIndex) -> str:
    """What a row says after its summary ("found in the details"), or ""."""
    shown = index.data(Qt.ItemDataRole.DisplayRole)
    parts = shown.split(SEPARATOR) if shown else []
    return parts[2] if len(parts) > 2 else ""


def time_of(index: QModelIndex | QPersistentModelIndex) -> str:
    shown = index.data(Qt.ItemDataRole.DisplayRole)
    return shown.split(SEPARATOR, 1)[0] if shown else ""


def level_of(index: QModelIndex | QPersistentModelIndex) -> Level | None:
    i = index.data(Roles.LEVEL)
    return LEVELS[i] if i is not None else None


# --- the pictures and fonts ---------------------------------------------------------------

ROW_TINT = {
    Level.ERROR: QColor(style.ERROR_ROW),
    Level.WARNING: QColor(style.WARNING_ROW),
}
BADGE_ICON = 20
BADGE_GAP = 8
MUTED = QColor(style.TEXT_FAINT)

_badges: dict[tuple[Level, Action], QIcon] = {}
_drawn: dict[str, object] = {}


def forget_pictures() -> None:
    """After a language switch: the badges carry the action's name."""
    _badges.clear()
    _drawn.pop("size", None)


def _badge_font() -> QFont:
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    return font


def badge_size() -> QSize:
    if "size" not in _drawn:
        fm = QFontMetrics(_badge_font())
        widest = max(fm.horizontalAdvance(_(name)) for name in texts.ACTION_NAMES.values())
        _drawn["size"] = QSize(BADGE_ICON + BADGE_GAP + widest + BADGE_GAP, BADGE_ICON)
    size = _drawn["size"]
    assert isinstance(size, QSize)
    return size


def badge(level: Level, action: Action) -> QIcon:
    """The level icon and the action's name; in a selected row the name takes the
    selection's text colour (grey on the selection's blue could not be read)."""
    key = (level, action)
    if key not in _badges:
        selected = QGuiApplication.palette().color(QPalette.ColorRole.HighlightedText)
        badge_icon = QIcon()
        badge_icon.addPixmap(_badge_pixmap(level, action, MUTED), QIcon.Mode.Normal)
        badge_icon.addPixmap(_badge_pixmap(level, action, selected), QIcon.Mode.Selected)
        _badges[key] = badge_icon
    return _badges[key]


def _badge_pixmap(level: Level, action: Action, colour: QColor) -> QPixmap:
    size = badge_size()
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    pm = QPixmap(round(size.width() * ratio), round(size.height() * ratio))
    pm.setDevicePixelRatio(ratio)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    level_icon(level).paint(painter, QRect(0, 0, BADGE_ICON, BADGE_ICON))
    painter.setFont(_badge_font())
    painter.setPen(colour)
    text_rect = QRect(BADGE_ICON + BADGE_GAP, 0, size.width(), size.height())
    painter.drawText(
        text_rect,
        Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
        _(texts.ACTION_NAMES[action]),
    )
    painter.end()
    return pm


def draw_badges() -> None:
    """Draw every picture a row can show, now rather than on first use."""
    for level in Level:
        for action in Action:
            badge(level, action)


def _error_font() -> QFont:
    if "error_font" not in _drawn:
        font = QFont(QGuiApplication.font())
        font.setWeight(QFont.Weight.DemiBold)
        _drawn["error_font"] = font
    drawn = _drawn["error_font"]
    assert isinstance(drawn, QFont)
    return drawn


def row_height() -> int:
    if "height" not in _drawn:
        _drawn["height"] = max(BADGE_ICON, QFontMetrics(QGuiApplication.font()).height()) + 12
    height = _drawn["height"]
    assert isinstance(height, int)
    return height


def item_data(row: LogRow) -> dict[int, object]:
    """One row, as little as it needs: the text, shared pictures, the id and level."""
    shown = f"{row.time_text()}{SEPARATOR}{row.summary}"
    if row.found_in_details:
        shown += f"{SEPARATOR}({_(texts.FOUND_IN_DETAILS)})"
    data: dict[int, object] = {
        Qt.ItemDataRole.DisplayRole: shown,
        Qt.ItemDataRole.DecorationRole: badge(row.level, row.action),
        Qt.ItemDataRole.SizeHintRole: QSize(0, row_height()),
        Roles.ID: row.id,
        Roles.LEVEL: _LEVEL_INDEX[row.level],
    }
    if row.level in ROW_TINT:
        data[Qt.ItemDataRole.BackgroundRole] = _tint(row.level)
    if row.level is Level.ERROR:
        data[Qt.ItemDataRole.FontRole] = _error_font()
    return data


def _tint(level: Level) -> QBrush:
    key = f"tint-{level.value}"
    if key not in _drawn:
        _drawn[key] = QBrush(ROW_TINT[level])
    brush = _drawn[key]
    assert isinstance(brush, QBrush)
    return brush
