"""Icons from `resources/icons/` (SVG), rendered once per size and kept.

Rendering through QSvgRenderer instead of `QIcon(path)` works the same from a
source checkout and from an installed wheel, without needing a file path.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from vismadesk import assets
from vismadesk.domain import Level

_SIZES = (16, 20, 24, 32, 48, 64)

LEVEL_ICON_NAMES: dict[Level, str] = {
    Level.ERROR: "error",
    Level.WARNING: "warning",
    Level.SUCCESS: "success",
    Level.INFO: "info",
}


def svg_bytes(name: str) -> bytes:
    return assets.read_bytes("icons", f"{name}.svg")


def _render(renderer: QSvgRenderer, size: int, ratio: float) -> QPixmap:
    px = round(size * ratio)
    pm = QPixmap(px, px)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, px, px))
    painter.end()
    pm.setDevicePixelRatio(ratio)
    return pm


@cache
def icon(name: str) -> QIcon:
    renderer = QSvgRenderer(QByteArray(svg_bytes(name)))
    if not renderer.isValid():
        raise ValueError(f"icon {name!r} is not a valid SVG")
    app = QGuiApplication.instance()
    ratio = app.devicePixelRatio() if isinstance(app, QGuiApplication) else 1.0
    result = QIcon()
    for size in _SIZES:
        result.addPixmap(_render(renderer, size, max(1.0, ratio)))
    return result


def level_icon(level: Level) -> QIcon:
    return icon(LEVEL_ICON_NAMES[Level(level)])
