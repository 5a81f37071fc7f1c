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

import shiboken6
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from vismadesk import __version__, i18n
from vismadesk.i18n import _
from vismadesk.ui import qt_language, texts
from vismadesk.ui.icons import icon

log = logging.getLogger(__name__)


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("vismadesk")
    app.setApplicationDisplayName(texts.APP_TITLE)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("vismadesk")
    app.setWindowIcon(icon("app"))
    return app


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


# The library Qt's xcb plugin loads; its soname, as the dynamic loader looks it up.
XCB_CURSOR = "libxcb-cursor.so.0"


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

    Qt 6.5 and later need libxcb-cursor0 for the xcb plugin; a Linux desktop without it
    gets "Could not load the Qt platform plugin" and a core dump. None when all is well
    (or Qt will not use xcb: Wayland, offscreen, another platform).
    """
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    wants_xcb = chosen.startswith("xcb") or (
        not chosen and bool(env.get("DISPLAY")) and not env.get("WAYLAND_DISPLAY")
    )
    if wants_xcb and not (loads or _loads)(XCB_CURSOR):
        return _(texts.XCB_CURSOR_MISSING)
    return None


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
