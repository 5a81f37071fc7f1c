"""Take the README's screenshots of the window on the demo sandbox, offscreen.

    uv run python tools/take_screenshots.py [OUTPUT_DIR]   # default docs/screenshots

It plays the demo the way a planner would: sign in on the sandbox page, choose
Sales invoice, Sync all, Export work orders; then grabs the main window, the
details of a missing-material error, and the Work orders tab.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from vismadesk import messages
from vismadesk.demo import start_demo
from vismadesk.domain import Level
from vismadesk.sandbox.browser import play_browser
from vismadesk.ui.app import _application
from vismadesk.ui.log_rows import Roles
from vismadesk.ui.main_window import MainWindow

SIZE = (1400, 860)


def _wait(app: QApplication, done, timeout_ms: int = 60_000) -> None:  # type: ignore[no-untyped-def]
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


def _run(app: QApplication, window: MainWindow, start) -> None:  # type: ignore[no-untyped-def]
    finished: list[object] = []
    window.run_finished.connect(finished.append)
    start()
    _wait(app, lambda: bool(finished))
    window.run_finished.disconnect(finished.append)
    _settle(app)


def _settle(app: QApplication, ms: int = 400) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = _application()
    session = start_demo(work_orders=120, seed=7)
    browsers: list[threading.Thread] = []

    def browser(url: str) -> bool:
        t = threading.Thread(target=play_browser, args=(url,), daemon=True)
        t.start()
        browsers.append(t)
        return True

    window = MainWindow(session.context, open_url=browser, demo=True, ask=lambda *a: None)
    try:
        window.resize(*SIZE)
        window.show()
        _wait(app, lambda: window.work_orders.loaded)
        _run(app, window, window.login)
        window.form.sales_invoice.setChecked(True)
        window.form.save()
        _run(app, window, window.sync_all)
        _run(app, window, window.export_work_orders)
        window.log_panel.view.scrollToTop()
        _settle(app)
        window.grab().save(str(out / "main-window.png"))

        store = session.context.store
        error = next(
            e
            for e in store.log_page(limit=1000, levels=[Level.ERROR])
            if e.code == messages.MATERIAL_NOT_IN_VISMA.code
        )
        proxy = window.log_panel.proxy
        for r in range(proxy.rowCount()):
            if proxy.index(r, 0).data(Roles.ID) == error.id:
                window.log_panel.view.setCurrentIndex(proxy.index(r, 0))
        assert error.id is not None
        dialog = window.open_entry(error.id)
        assert dialog is not None
        dialog.resize(640, dialog.sizeHint().height())
        _settle(app)
        dialog.grab().save(str(out / "details-dialog.png"))
        dialog.close()

        window.tabs.setCurrentWidget(window.work_orders)
        window.load_work_orders()
        _wait(app, lambda: not window._lists_loading)
        tab = window.work_orders
        first = tab.error_list.topLevelItem(0)  # None while the list is empty
        if first is not None:
            first.setSelected(True)
        _settle(app)
        window.grab().save(str(out / "work-orders.png"))
    finally:
        window.shutdown()
        window.close()
        for t in browsers:
            t.join(10)
        session.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
