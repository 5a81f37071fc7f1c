"""Build the one-folder vismadesk app with PyInstaller.

    uv run --group packaging python packaging/build.py            # dist/vismadesk/
    uv run --group packaging python packaging/build.py --windowed # no console (Windows)
    packaging/smoke_test.sh                                       # build and smoke-test

The same command builds on each system for that system (PyInstaller does not cross
compile): on Linux `dist/vismadesk/vismadesk`, on Windows `dist\\vismadesk\\vismadesk.exe`,
on macOS also `dist/vismadesk.app`. The folder holds Python, Qt and every resource
(icons, translations, demo data), so it runs on a machine without Python.

The app icon is rendered here from resources/icons/app.svg by Qt itself (PNG for Linux,
ICO for Windows, ICNS for macOS), so there is one picture to keep, not three.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "pyinstaller"
DIST = ROOT / "dist"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def render_icons(folder: Path) -> None:
    """vismadesk.png, .ico and .icns from the app's SVG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([])
    svg = QSvgRenderer(QByteArray((ROOT / "resources" / "icons" / "app.svg").read_bytes()))
    folder.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        svg.render(painter, QRectF(0, 0, size, size))
        painter.end()
        if size == max(ICON_SIZES):
            for suffix in ("png", "ico", "icns"):
                target = folder / f"vismadesk.{suffix}"
                if not image.save(str(target)):
                    raise SystemExit(f"Qt could not write {target}")
    del app


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--windowed", action="store_true", help="no console window (Windows)")
    args = ap.parse_args()
    icons = BUILD / "icons"
    render_icons(icons)
    env = {**os.environ, "VISMADESK_ICON_DIR": str(icons)}
    if args.windowed:
        env["VISMADESK_WINDOWED"] = "1"
    shutil.rmtree(DIST / "vismadesk", ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--distpath",
        str(DIST),
        "--workpath",
        str(BUILD / "work"),
        str(ROOT / "packaging" / "vismadesk.spec"),
    ]
    print("+", " ".join(cmd), flush=True)
    done = subprocess.run(cmd, cwd=ROOT, env=env, check=False)
    if done.returncode == 0 and sys.platform.startswith("linux"):
        # The desktop file and icon, for a menu entry (see README, Building the app).
        shutil.copy(ROOT / "packaging" / "vismadesk.desktop", DIST / "vismadesk")
        shutil.copy(icons / "vismadesk.png", DIST / "vismadesk")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
