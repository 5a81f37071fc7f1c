"""`vismadesk` (and `vismadesk --demo`): start Qt, open the session, show the window."""

from __future__ import annotations

import logging
import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from vismadesk import __version__
from vismadesk.ui import texts
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


def run_window(demo: bool = False, profile_dir: str | None = None) -> int:
    """Open the console and run until it is closed; returns the exit code."""
    from vismadesk.engine.context import Context
    from vismadesk.profile import Profile
    from vismadesk.ui.main_window import MainWindow

    app = _application()
    session = None
    try:
        if demo:
            from vismadesk.demo import start_demo

            # --demo never touches the user's profile, whatever --profile says.
            session = start_demo()
            ctx, notes = session.context, []
        else:
            ctx, notes = Context.open(Profile.resolve(profile_dir))
    except Exception as e:  # no window without a session: say why and stop
        log.exception("could not open the session")
        QMessageBox.critical(None, texts.STARTUP_FAILED, str(e))
        if session is not None:
            session.close()
        return 2
    try:
        window = MainWindow(ctx, demo=demo, startup_notes=notes)
        window.show()
        code = app.exec()
        window.shutdown()
        return int(code)
    finally:
        if session is not None:
            session.close()
        else:
            ctx.close()
