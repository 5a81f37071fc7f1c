"""Labels and check boxes of the settings that wrap onto the next line.

QCheckBox keeps its text on one line, and a QLabel in a form row asks for its whole
text's width: in the settings panel of a 1024-wide screen (or at 150 %) a long one such
as "Take the class's values (credit terms) for new relations" made the panel wider than
its scroll area, which cut it and every field beside it off at the right edge.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionFocusRect,
    QStylePainter,
    QWidget,
)

_WRAP = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
# The narrowest the text column gets, in average characters: about one long word.
_MIN_CHARS = 14
# Room for the focus frame around the text.
_PAD = 2


class RowLabel(QLabel):
    """A form row's label: asks for one line (so QFormLayout's WrapLongRows puts it over
    its field when both do not fit side by side) and wraps only in less than that."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self.text()) + margins.left()
        width += margins.right() + 1
        return QSize(width, self.heightForWidth(width))


class WrappingCheckBox(QCheckBox):
    """A QCheckBox in every other way (setChecked, toggled, the keyboard), drawn with the
    style's own indicator and focus frame."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def _option(self) -> QStyleOptionButton:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        return option

    def _indicator(self) -> tuple[int, int, int]:
        """(width, height, spacing before the text) of the style's check indicator."""
        option = self._option()
        style = self.style()
        width = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, option, self)
        height = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight, option, self)
        spacing = style.pixelMetric(QStyle.PixelMetric.PM_CheckBoxLabelSpacing, option, self)
        return width, height, spacing

    def _text_left(self) -> int:
        width, _height, spacing = self._indicator()
        return width + spacing + _PAD

    def _text_height(self, width: int) -> int:
        room = max(1, width - self._text_left() - _PAD)
        bound = self.fontMetrics().boundingRect(QRect(0, 0, room, 100_000), _WRAP, self.text())
        return bound.height()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        _width, indicator, _spacing = self._indicator()
        return max(indicator, self._text_height(width)) + 2 * _PAD

    def sizeHint(self) -> QSize:
        one_line = self.fontMetrics().horizontalAdvance(self.text())
        width = self._text_left() + one_line + 2 * _PAD
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        narrow = min(
            self.fontMetrics().horizontalAdvance(self.text()),
            self.fontMetrics().averageCharWidth() * _MIN_CHARS,
        )
        width = self._text_left() + narrow + 2 * _PAD
        return QSize(width, self.heightForWidth(width))

    def hitButton(self, pos: QPoint) -> bool:
        # The whole box, wrapped lines included, toggles (as a one-line QCheckBox's text does).
        return self.rect().contains(pos)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = self._option()
        width, height, _spacing = self._indicator()
        line = self.fontMetrics().height()
        indicator = QStyleOptionButton(option)
        indicator.rect = QRect(0, _PAD + max(0, (line - height) // 2), width, height)
        painter.drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, indicator)
        left = self._text_left()
        text_rect = QRect(left, _PAD, self.width() - left - _PAD, self.height() - 2 * _PAD)
        painter.drawItemText(
            text_rect,
            int(_WRAP),
            option.palette,
            self.isEnabled(),
            self.text(),
            QPalette.ColorRole.WindowText,
        )
        if option.state & QStyle.StateFlag.State_HasFocus:
            focus = QStyleOptionFocusRect()
            focus.initFrom(self)
            used = self.fontMetrics().boundingRect(text_rect, _WRAP, self.text())
            focus.rect = used.adjusted(-_PAD, -_PAD // 2, _PAD, _PAD // 2)
            painter.drawPrimitive(QStyle.PrimitiveElement.PE_FrameFocusRect, focus)
