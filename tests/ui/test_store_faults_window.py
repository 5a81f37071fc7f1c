"""The window and a database that cannot be used (#14): a dialog naming the file and
the fix, at start and during a run."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.full_disk import disk_full_after
from tests.helpers.window import finish
from tests.store.test_store_faults import _filled
from vismadesk.demo import DemoSession
from vismadesk.domain import ExportFormat
from vismadesk.profile import Profile
from vismadesk.ui.app import run_window
from vismadesk.ui.main_window import MainWindow


def test_a_full_disk_during_an_export_opens_a_dialog_saying_so(
    qtbot, demo: DemoSession, make_window, monkeypatch: pytest.MonkeyPatch
) -> None:
    demo.sign_in_as_service()
    demo.context.settings.export_format = ExportFormat.SALES_INVOICE
    window: MainWindow = make_window(demo)
    store = demo.context.store
    with disk_full_after(monkeypatch, [store.connection()], spare_pages=3):  # type: ignore[attr-defined]
        result = finish(qtbot, window, window.export_work_orders)
    assert result is None  # the run stopped
    box = window.store_dialog
    assert box is not None and box.isVisible()
    assert box.icon() is QMessageBox.Icon.Critical
    assert f"The disk that holds the database {store.path} is full." in box.text()  # type: ignore[attr-defined]
    assert "Free some disk space" in box.text()
    box.close()


def test_a_damaged_database_at_start_is_a_dialog_naming_the_file(qtbot, tmp_path: Path) -> None:
    profile = Profile.in_directory(tmp_path / "office").ensure()
    data = _filled(profile.db_path, entries=400, unfinished=True)
    profile.db_path.write_bytes(data[: len(data) * 2 // 3])
    seen: list[str] = []

    def read_the_dialog() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(50, read_the_dialog)
            return
        seen.append(box.text())
        box.close()

    QTimer.singleShot(0, read_the_dialog)
    assert run_window(profile_dir=str(profile.config_dir)) == 2
    assert seen and f"The database {profile.db_path} is damaged" in seen[0]
    assert ".recover" in seen[0]
