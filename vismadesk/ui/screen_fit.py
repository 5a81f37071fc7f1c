"""Keeping windows inside the screen they open on.

A saved size from a bigger monitor, the default size on a 1024 × 700 laptop, or any
size at 150 % scaling: a window larger than the screen hides its own buttons (Login
off-screen, Disconnect cut off). Sizes here are Qt's logical pixels, which already
account for the scaling.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# What a window manager's title bar and frame take around a window, at most.
FRAME = QSize(16, 40)


def available(widget: QWidget | None = None) -> QRect:
    """The part of the widget's screen (or the primary one) windows may use."""
    screen = widget.screen() if widget is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 700)


def room(widget: QWidget | None = None, *, frame: bool = True) -> QSize:
    """The largest size a window's content may have on that screen (leaving room for the
    window manager's frame unless `frame=False`)."""
    area = available(widget).size()
    margin = FRAME if frame else QSize(0, 0)
    return QSize(max(200, area.width() - margin.width()), max(200, area.height() - margin.height()))


def fit(widget: QWidget, width: int, height: int, *, frame: bool = True) -> None:
    """Resize to (width, height), or smaller where the screen is smaller, and move the
    window onto the screen when it lies (partly) outside it. `frame=False` for a size
    that already fitted with its frame (one saved on this screen)."""
    space = room(widget, frame=frame)
    widget.resize(min(width, space.width()), min(height, space.height()))
    area = available(widget)
    margin = FRAME if frame else QSize(0, 0)
    at = widget.frameGeometry()
    x = min(max(at.x(), area.x()), area.right() - widget.width() - margin.width() + 1)
    y = min(max(at.y(), area.y()), area.bottom() - widget.height() - margin.height() + 1)
    if (x, y) != (at.x(), at.y()):
        widget.move(max(area.x(), x), max(area.y(), y))
