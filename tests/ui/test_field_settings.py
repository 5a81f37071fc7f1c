"""What the field expects, in the window: Attach work order PDF, Status after export
(chosen from OutSmart's work statuses), the proxy, and Help → Schedule nightly export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QGuiApplication

from tests.ui.test_settings_form import FileHost
from vismadesk.config import load_settings
from vismadesk.demo import DemoSession
from vismadesk.domain import WorkStatus
from vismadesk.profile import Profile
from vismadesk.ui.main_window import MainWindow
from vismadesk.ui.schedule_dialog import ScheduleDialog
from vismadesk.ui.settings_form import SettingsForm


def _form(qtbot, tmp_path: Path) -> tuple[SettingsForm, FileHost]:
    host = FileHost(tmp_path / "settings.json")
    form = SettingsForm(host)
    qtbot.addWidget(form)
    form.show()
    return form, host


def test_attach_work_order_pdf_and_what_goes_along(qtbot, tmp_path: Path) -> None:
    form, host = _form(qtbot, tmp_path)
    assert not form.attach_pdf.isChecked()
    # Forms and signature only mean something once the PDF is attached.
    assert not form.attach_forms.isEnabled() and not form.attach_signature.isEnabled()
    form.attach_pdf.click()
    assert form.attach_forms.isEnabled() and form.attach_signature.isEnabled()
    form.attach_signature.click()
    assert form.dirty
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    saved = load_settings(host.path).settings
    assert (saved.attach_pdf, saved.attach_forms, saved.attach_signature) == (True, False, True)
    # The settings say that sales orders cannot carry files.
    holder = form._inputs["attach_pdf"]
    words = " ".join(label.text() for label in holder.findChildren(type(form.statuses_note)))
    assert "Sales orders cannot carry files" in words


def test_status_after_export_is_chosen_from_outsmarts_statuses(qtbot, tmp_path: Path) -> None:
    form, host = _form(qtbot, tmp_path)
    form.set_work_statuses(
        [WorkStatus("001", "Gereed voor export"), WorkStatus("003", "Geëxporteerd")]
    )
    combo = form.exported_status
    items = [combo.itemText(i) for i in range(combo.count())]
    assert items == ["None (Afgehandeld only)", "001 — Gereed voor export", "003 — Geëxporteerd"]
    assert combo.code() == "" and not form.dirty
    combo.setCurrentIndex(2)
    assert form.dirty
    with qtbot.waitSignal(form.saved):
        form.save()
    assert load_settings(host.path).settings.exported_status == "003"
    assert form.exported_status.currentText() == "003 — Geëxporteerd"


def test_a_proxy_with_a_password_is_refused_where_it_is_typed(qtbot, tmp_path: Path) -> None:
    form, host = _form(qtbot, tmp_path)
    proxy = form._line("proxy")
    assert "system's proxy" in proxy.placeholderText()
    proxy.setText("http://jan:geheim@proxy.example.com:8080")
    error = form._error_labels["proxy"]
    assert not error.isHidden()
    assert "a password may not be in the address" in error.text()
    assert not form.save()
    assert not host.path.exists()
    proxy.setText("http://proxy.example.com:8080")
    assert error.isHidden()
    assert form.save()
    assert load_settings(host.path).settings.proxy == "http://proxy.example.com:8080"


def test_help_schedule_nightly_export_shows_the_line_to_copy(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    assert window.schedule_action.text() == "Schedule nightly export…"
    dialog = window.open_schedule()
    assert dialog.isVisible()
    line = dialog.line.toPlainText()
    profile = demo.context.profile
    assert line.startswith("30 2 * * * ")
    assert f"export --profile {profile.config_dir} --summary-json " in line
    assert str(profile.log_dir / "last-export.json") in dialog.notes.text()
    assert "exit code 0" in dialog.notes.text()
    assert not dialog.create_button.isVisible()  # creating is for Windows
    dialog.at.setTime(QTime(4, 45))
    assert dialog.line.toPlainText().startswith("45 4 * * * ")
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.line.toPlainText()
    assert dialog.outcome.text() == "Copied to the clipboard."
    dialog.close()


def test_on_windows_the_dialog_offers_to_create_the_task(qtbot, tmp_path: Path) -> None:
    dialog = ScheduleDialog(Profile.in_directory(tmp_path), windows=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.create_button.isVisible()
    assert dialog.line.toPlainText().startswith("schtasks /Create /SC DAILY /ST 02:30 ")
    assert "Create the task below" in dialog.intro.text()


def test_the_schedule_dialog_speaks_dutch(qtbot, tmp_path: Path, dutch: None) -> None:
    dialog = ScheduleDialog(Profile.in_directory(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Nachtelijke export plannen"
    assert "afsluitcode 0" in dialog.notes.text()
    assert dialog.copy_button.text() == "Kopiëren"
