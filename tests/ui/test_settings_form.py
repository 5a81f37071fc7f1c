"""The settings form: nothing chosen until chosen, marked errors, unsaved changes, keyring."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from vismadesk.config import Settings, load_settings, save_settings
from vismadesk.domain import ExportFormat, WorkStatus
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.ui.settings_form import SettingsForm


@dataclass
class FileHost:
    """Saves like the session does: the settings file, secrets in the keyring."""

    path: Path
    settings: Settings = field(default_factory=Settings)
    secrets: Secrets = field(default_factory=lambda: Secrets(backend=MemoryKeyring(), env={}))

    def apply_settings(self, new: Settings) -> None:
        save_settings(new, self.path)
        self.settings = new


@pytest.fixture
def host(tmp_path: Path) -> FileHost:
    return FileHost(tmp_path / "settings.json")


@pytest.fixture
def form(qtbot, host: FileHost) -> SettingsForm:
    f = SettingsForm(host)
    qtbot.addWidget(f)
    f.show()
    return f


def test_send_as_is_not_chosen_until_the_planner_chooses(form: SettingsForm) -> None:
    assert not form.sales_order.isChecked()
    assert not form.sales_invoice.isChecked()
    assert "Choose Sales order or Sales invoice" in form.state_label.text()
    assert not form.save_button.isEnabled()


def test_choose_sales_invoice_and_save(qtbot, form: SettingsForm, host: FileHost) -> None:
    qtbot.mouseClick(form.sales_invoice, Qt.MouseButton.LeftButton)
    assert form.dirty
    assert form.state_label.text() == "Unsaved changes"
    with qtbot.waitSignal(form.saved):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert not form.dirty
    assert form.state_label.text() == "All changes saved"
    assert load_settings(host.path).settings.export_format is ExportFormat.SALES_INVOICE


def test_invalid_input_is_marked_next_to_its_field_and_not_saved(
    qtbot, form: SettingsForm, host: FileHost
) -> None:
    form.order_type.setText("S!")
    label = form.findChild(type(form.state_label), "error_order_type")
    assert label is not None
    assert label.isVisible()
    assert "1 to 2 letters or digits" in label.text()
    form.advanced_toggle.setChecked(True)
    url = form._line("erp_url")
    url.setText("ftp://example.com")
    url_error = form.findChild(type(form.state_label), "error_erp_url")
    assert url_error is not None and url_error.isVisible()
    assert not form.save()
    assert not host.path.exists()
    # Nothing typed is lost: the bad values are still there to correct.
    assert form.order_type.text() == "S!"
    form.order_type.setText("SO")
    url.setText("https://api.finance.visma.net")
    assert not label.isVisible()
    assert form.save()


def test_tokens_go_to_the_keyring_not_the_settings_file(
    qtbot, form: SettingsForm, host: FileHost
) -> None:
    form.token.setText("tok-123456789")
    form.software_token.setText("soft-987654321")
    assert form.token.echoMode() == form.token.EchoMode.Password
    assert form.dirty
    assert form.save()
    assert host.secrets.get(SecretName.OUTSMART_TOKEN) == "tok-123456789"
    assert host.secrets.get(SecretName.OUTSMART_SOFTWARE_TOKEN) == "soft-987654321"
    assert "tok-123456789" not in host.path.read_text()
    # The stored token is never shown back; the field says one is there.
    assert form.token.text() == ""
    assert "keyring" in form.token.placeholderText()


def test_work_statuses_fill_the_combos(form: SettingsForm) -> None:
    form.set_work_statuses([WorkStatus("10", "Gereed voor export"), WorkStatus("99", "Error")])
    items = [form.ready_status.itemText(i) for i in range(form.ready_status.count())]
    assert items == ["Any completed work order", "10 — Gereed voor export", "99 — Error"]
    assert form.error_status.code() == "99"
    assert not form.dirty
    form.ready_status.setCurrentIndex(1)
    assert form.current()[0].ready_status == "10"
    assert form.dirty


def test_a_fix_changes_one_setting_and_keeps_other_edits(
    form: SettingsForm, host: FileHost
) -> None:
    form.item_class.setText("MAT")
    form.apply_one("new_material", True)
    assert form.new_material.isChecked()
    assert host.settings.new_material is True
    assert load_settings(host.path).settings.new_material is True
    # The unsaved edit is still there and still unsaved.
    assert form.item_class.text() == "MAT"
    assert host.settings.item_class == ""
    assert form.dirty


def test_auto_sync_is_off_by_default(form: SettingsForm) -> None:
    assert form.auto_sync.value() == 0
    assert form.auto_sync.text() == "Off"


def test_a_save_the_window_must_postpone_says_why(form: SettingsForm, host: FileHost) -> None:
    form.save_blocker = lambda _s: "Save after the running action has finished."
    form.sales_order.setChecked(True)
    assert not form.save()
    assert form.state_label.text() == "Save after the running action has finished."
    assert form.dirty
    assert not host.path.exists()


def test_every_setting_has_one_label_and_the_form_shows_it(form: SettingsForm) -> None:
    from PySide6.QtWidgets import QCheckBox, QLabel

    from vismadesk.config import SETTING_KEYS
    from vismadesk.ui import texts

    assert set(texts.SETTING_LABELS) == set(SETTING_KEYS)
    form.advanced_toggle.setChecked(True)
    shown = {w.text() for w in form.findChildren(QLabel)} | {
        w.text() for w in form.findChildren(QCheckBox)
    }
    # The radio buttons' row is "Send work order as"; every other setting has its own.
    assert set(texts.SETTING_LABELS.values()) <= shown


def test_without_a_usable_keyring_the_form_says_so_and_what_to_install(
    qtbot, tmp_path: Path
) -> None:
    from keyring.backends import fail

    from vismadesk.ui import texts

    host = FileHost(tmp_path / "settings.json", secrets=Secrets(backend=fail.Keyring(), env={}))
    f = SettingsForm(host)
    qtbot.addWidget(f)
    f.show()
    shown = f.keyring_problem.text()
    assert f.keyring_problem.isVisible()
    assert shown.startswith("No usable keyring")
    assert "GNOME Keyring" in shown and "VISMADESK_" in shown
    assert f.token.placeholderText() == texts.TOKEN_NO_KEYRING
    assert "Saved in the keyring" not in f.token.placeholderText()


def test_with_a_keyring_no_keyring_problem_is_shown(form: SettingsForm) -> None:
    assert not form.keyring_problem.isVisible()
