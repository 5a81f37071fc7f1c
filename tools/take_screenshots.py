"""Take the window's screenshots on the demo sandbox, offscreen, in English and Dutch, on a
1024 × 700 screen at 100 % and on a 1280 × 800 screen at 150 %.

    uv run python tools/take_screenshots.py [OUTPUT_DIR]   # default docs/screenshots

Each language and screen gets its own process (Qt's scale factor and screen size are
fixed once Qt starts), which plays the demo the way a planner would: sign in on the
sandbox page, choose Sales invoice, Sync all, Export work orders; then grabs the main
window, the details of a missing-material error, the Work orders tab and the Help page
(at its top and at its frequently asked questions).
Files are named SHOT-LANG-SCREEN.png, for example main-window-nl-1024x700.png. The
window fills the screen less a window manager's frame (what a maximised window gets),
and the pictures are in the screen's own pixels (1280 × 800 at 150 %).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

# The screens: name -> (width, height in the screen's pixels, Qt's scale factor).
SCREENS = {"1024x700": (1024, 700, "1"), "1280x800-150": (1280, 800, "1.5")}
LANGUAGES = ("en", "nl")
SHOTS = ("main-window", "details-dialog", "work-orders", "help", "help-faq")
# What the offscreen platform says at every window it shows (an uncategorised warning).
NOISE = "This plugin does not support propagateSizeHints()"


def main(out: Path) -> None:
    """One child process per language and screen; stops at the first that fails."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for screen, (width, height, scale) in SCREENS.items():
            config = Path(tmp) / f"{screen}.json"
            config.write_text(
                json.dumps(
                    {"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height}]}
                )
            )
            for lang in LANGUAGES:
                env = {
                    **os.environ,
                    "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
                    "QT_SCALE_FACTOR": scale,
                }
                args = [sys.executable, __file__, "--one", lang, screen, str(out)]
                done = subprocess.run(
                    args, env=env, stderr=subprocess.PIPE, text=True, timeout=600, check=False
                )
                for line in done.stderr.splitlines():
                    if NOISE not in line:
                        print(line, file=sys.stderr)
                done.check_returncode()
                print(f"{lang} {screen}: {', '.join(SHOTS)}")


def take(lang: str, screen: str, out: Path) -> None:
    """In this process, on the screen Qt was given: the shots in `lang`."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from vismadesk import i18n, messages
    from vismadesk.demo import start_demo
    from vismadesk.domain import Level
    from vismadesk.i18n import _
    from vismadesk.sandbox.browser import play_browser
    from vismadesk.ui import qt_language, screen_fit, texts
    from vismadesk.ui.app import _application
    from vismadesk.ui.log_rows import Roles
    from vismadesk.ui.main_window import MainWindow

    def wait(done: Callable[[], bool], timeout_ms: int = 60_000) -> None:
        loop = QEventLoop()
        timer = QTimer()
        timer.setInterval(20)
        timer.timeout.connect(lambda: loop.quit() if done() else None)
        timer.start()
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        timer.stop()
        if not done():
            raise TimeoutError("the demo did not get there in time")

    def settle(ms: int = 400) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def run(start: Callable[[], object]) -> None:
        finished: list[object] = []
        window.run_finished.connect(finished.append)
        start()
        wait(lambda: bool(finished))
        window.run_finished.disconnect(finished.append)
        settle()

    def save(widget: QWidget, shot: str) -> None:
        settle()
        widget.grab().save(str(out / f"{shot}-{lang}-{screen}.png"))

    app: QApplication = _application()
    session = start_demo(work_orders=120, seed=7)
    session.context.settings.language = lang
    i18n.set_language(lang)
    qt_language.install(i18n.current_language())
    browsers: list[threading.Thread] = []

    def browser(url: str) -> bool:
        t = threading.Thread(target=play_browser, args=(url,), daemon=True)
        t.start()
        browsers.append(t)
        return True

    window = MainWindow(session.context, open_url=browser, demo=True, ask=lambda *a: None)
    try:
        room = screen_fit.room(window)
        window.resize(room)
        window.show()
        wait(lambda: window.work_orders.loaded)
        run(window.login)
        window.form.sales_invoice.setChecked(True)
        window.form.save()
        run(window.sync_all)
        run(window.export_work_orders)
        window.log_panel.view.scrollToTop()
        save(window, "main-window")

        error = next(
            e
            for e in session.context.store.log_page(limit=1000, levels=[Level.ERROR])
            if e.code == messages.MATERIAL_NOT_IN_VISMA.code
        )
        proxy = window.log_panel.proxy
        for r in range(proxy.rowCount()):
            if proxy.index(r, 0).data(Roles.ID) == error.id:
                window.log_panel.view.setCurrentIndex(proxy.index(r, 0))
        assert error.id is not None
        dialog = window.open_entry(error.id)
        assert dialog is not None
        save(dialog, "details-dialog")
        dialog.close()

        window.tabs.setCurrentWidget(window.work_orders)
        window.load_work_orders()
        wait(lambda: not window._lists_loading)
        first = window.work_orders.error_list.topLevelItem(0)  # None while the list is empty
        if first is not None:
            first.setSelected(True)
        save(window, "work-orders")

        help_dialog = window.open_help()
        save(help_dialog, "help")
        # The same page at its frequently asked questions.
        page = help_dialog.browser
        page.find(_(texts.HELP_FAQ_TITLE))
        bar = page.verticalScrollBar()
        bar.setValue(bar.value() + page.cursorRect().top() - 8)
        cursor = page.textCursor()
        cursor.clearSelection()  # find() selected the title
        page.setTextCursor(cursor)
        save(help_dialog, "help-faq")
        help_dialog.close()
    finally:
        window.shutdown()
        window.close()
        for t in browsers:
            t.join(10)
        session.close()
        app.processEvents()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        take(sys.argv[2], sys.argv[3], Path(sys.argv[4]))
    else:
        main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
