"""`vismadesk --demo` opens the window on the sandbox and cleans up after itself."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from vismadesk.profile import Profile
from vismadesk.ui.app import run_window
from vismadesk.ui.main_window import MainWindow


def test_the_demo_window_opens_on_the_sandbox_and_closes(qtbot, platform_dirs: Path) -> None:
    seen: dict[str, object] = {}

    def look_then_close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if not windows or not windows[0].work_orders.loaded:
            QTimer.singleShot(50, look_then_close)
            return
        w = windows[0]
        seen["banner"] = w.banner.text()
        seen["title"] = w.windowTitle()
        seen["erp_url"] = w.ctx.settings.erp_url
        seen["profile"] = w.ctx.profile.config_dir
        seen["ready"] = w.work_orders.ready_list.topLevelItemCount()
        w.close()

    QTimer.singleShot(0, look_then_close)
    assert run_window(demo=True, profile_dir=None) == 0

    assert "built-in sandbox" in str(seen["banner"])
    assert "Demo (sandbox)" in str(seen["title"])
    assert str(seen["erp_url"]).startswith("http://127.0.0.1:")
    assert int(seen["ready"]) > 0  # type: ignore[call-overload]
    # A throw-away profile, gone afterwards; the user's own was never written.
    assert not Path(str(seen["profile"])).exists()
    assert not Profile.platform_default().settings_path.exists()


def test_the_window_writes_its_diagnostics_to_the_profiles_log_file(qtbot, tmp_path: Path) -> None:
    import logging

    def note_then_close() -> None:
        windows = [
            w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()
        ]
        if not windows:
            QTimer.singleShot(50, note_then_close)
            return
        logging.getLogger("vismadesk.ui").warning("something a support desk should see")
        windows[0].close()

    QTimer.singleShot(0, note_then_close)
    assert run_window(demo=False, profile_dir=str(tmp_path)) == 0
    text = (tmp_path / "logs" / "vismadesk.log").read_text(encoding="utf-8")
    assert "something a support desk should see" in text
