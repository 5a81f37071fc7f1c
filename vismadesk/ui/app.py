"""`vismadesk` (and `vismadesk --demo`): start Qt, open the session, show the window."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from vismadesk import __version__, i18n
from vismadesk.i18n import _
from vismadesk.ui import qt_language, texts
from vismadesk.ui.icons import icon

if TYPE_CHECKING:
    from vismadesk.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    identify(app)
    return app


def identify(app: QApplication) -> None:
    """Name, version and icon, as the desktop shows them: the task bar, the window
    list, notifications; on Linux the desktop file (packaging/vismadesk.desktop) by its
    name, so the dock shows the app's own icon."""
    app.setApplicationName("vismadesk")
    app.setApplicationDisplayName(texts.APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("vismadesk")
    app.setDesktopFileName("vismadesk")
    app.setWindowIcon(icon("app"))


@contextlib.contextmanager
def _close_on_signals(window: QWidget) -> Iterator[None]:
    """Ctrl+C in the terminal (or a TERM) closes the window the normal way.

    Python only sees a signal when it runs; a light timer gives it the chance while
    Qt's loop waits. The previous handlers come back afterwards.
    """

    def close(_signum: int, _frame: object) -> None:
        if shiboken6.isValid(window) and window.isVisible():
            window.close()

    previous = {sig: signal.signal(sig, close) for sig in (signal.SIGINT, signal.SIGTERM)}
    timer = QTimer(window)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()
    try:
        yield
    finally:
        timer.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# The packaged app's smoke test (packaging/smoke_test.sh) sets it: once the demo's work
# orders are listed, the window is saved to this PNG and closed.
SCREENSHOT_VARIABLE = "VISMADESK_SCREENSHOT"
SCREENSHOT_WAIT_MS = 60_000


def _screenshot_and_close(window: MainWindow, path: str) -> None:
    def take() -> None:
        if shiboken6.isValid(window) and window.isVisible():
            if not window.grab().save(path):
                log.error("the screenshot %s could not be written", path)
            window.close()

    # The work order lists come from the sandbox; the log is on screen by then.
    window.work_orders_loaded.connect(lambda: QTimer.singleShot(500, take))
    QTimer.singleShot(SCREENSHOT_WAIT_MS, take)


# The X11 libraries Qt's xcb plugin (Qt 6.5 and later) loads, by soname as the dynamic
# loader looks them up, with the package holding each on Debian/Ubuntu and on Fedora.
# Read from the plugin's own NEEDED entries (libqxcb.so, libQt6XcbQpa.so.6).
XCB_LIBRARIES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
}
XCB_CURSOR = "libxcb-cursor.so.0"  # the one most desktops lack (new in Qt 6.5)


def _loads(soname: str) -> bool:
    """Whether the dynamic loader finds `soname`, as it would for Qt's plugin (a name
    lookup through ldconfig misses libraries on LD_LIBRARY_PATH and needs ldconfig)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def missing_display_library(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    loads: Callable[[str], bool] | None = None,
) -> str | None:
    """Why Qt's X11 plugin would not load, before Qt tries (it aborts the process).

    Qt 6.5 and later need libxcb-cursor0 (and a dozen other xcb libraries) for the xcb
    plugin; a Linux desktop without one gets "Could not load the Qt platform plugin",
    which names only libxcb-cursor0 whatever is missing, and a core dump. The message
    names every library missing and the packages to install. None when all is well (or
    Qt will not use xcb: Wayland, offscreen, another platform).
    """
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    wants_xcb = chosen.startswith("xcb") or (
        not chosen and bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")
    )
    if not wants_xcb:
        return None
    missing = [soname for soname in XCB_LIBRARIES if not (loads or _loads)(soname)]
    if not missing:
        return None
    debian = [XCB_LIBRARIES[soname][0] for soname in missing]
    fedora = list(dict.fromkeys(XCB_LIBRARIES[soname][1] for soname in missing))
    return texts.XCB_LIBRARIES_MISSING.format(
        len(missing), libraries=", ".join(debian), debian=" ".join(debian), fedora=" ".join(fedora)
    )


def run_window(demo: bool = False, profile_dir: str | None = None) -> int:
    """Open the console and run until it is closed; returns the exit code."""
    from vismadesk.diagnostics import start_file_log, stop_file_log
    from vismadesk.engine.context import Context
    from vismadesk.profile import Profile
    from vismadesk.ui.main_window import MainWindow

    if QApplication.instance() is None:
        # Before Qt, in the language the command line chose (the profile's setting).
        problem = missing_display_library()
        if problem:
            print(f"{_(texts.STARTUP_FAILED)}: {problem}", file=sys.stderr)
            return 2
    app = _application()
    session = None
    notes: list[str]
    try:
        if demo:
            from vismadesk.demo import start_demo

            # --demo never touches the user's profile, whatever --profile says.
            session = start_demo()
            ctx, notes = session.context, []
        else:
            profile = Profile.resolve(profile_dir)
            ctx, notes = Context.open(profile)
            start_file_log(profile)
    except Exception as e:  # no window without a session: say why and stop
        log.exception("could not open the session")
        QMessageBox.critical(None, _(texts.STARTUP_FAILED), str(e))
        if session is not None:
            session.close()
        return 2
    i18n.set_language(ctx.settings.language)
    qt_language.install(i18n.current_language())
    window = MainWindow(ctx, demo=demo, startup_notes=notes)
    # Until the session is cleaned up: a second Ctrl+C must not cut that short
    # (the demo's throw-away profile would stay behind).
    with _close_on_signals(window):
        try:
            window.show()
            shot = os.environ.get(SCREENSHOT_VARIABLE)
            if shot:
                _screenshot_and_close(window, shot)
            # What exists now (Qt bindings, modules, the window) lives as long as the
            # app. Frozen, it is left out of every full garbage collection: one holds
            # the interpreter lock, so a collection triggered by an export thread
            # stalled this thread for 50-120 ms (bench/gui_stall.py).
            gc.freeze()
            # A run's threads parse and write while this thread waits its turn for the
            # interpreter lock; handing it over every 1 ms instead of 5 keeps that wait
            # short (max stall during a 5,000 work order export: 14-24 ms, was 32-49;
            # the export takes as long as before).
            sys.setswitchinterval(0.001)
            code = app.exec()
            window.shutdown()
            return int(code)
        finally:
            if session is not None:
                session.close()
            else:
                ctx.close()
                stop_file_log()
