"""The settings form's VISMA.net defaults: each optional, typed or chosen from the
company's own lists, saved like every other setting (issue #15)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtWidgets import QGroupBox

from vismadesk.config import CodeMap, Settings, load_settings, save_settings
from vismadesk.domain import CompanyCode, InventoryItem
from vismadesk.keyring_store import MemoryKeyring, Secrets
from vismadesk.ui.settings_form import SettingsForm
from vismadesk.ui.workers import TaskRunner


class FakeVisma:
    """Answers the list reads as VISMA.net would, one of them refused."""

    def company_list(self, name: str) -> list[CompanyCode]:
        lists = {
            "item_classes": [CompanyCode("MAT", "Materialen"), CompanyCode("ARBEID", "Arbeid")],
            "posting_classes": [CompanyCode("MAT", "Omzet materialen")],
            "customer_classes": [CompanyCode("NL", "Klanten Nederland")],
            "credit_terms": [CompanyCode("30D", "30 dagen netto")],
            "branches": [CompanyCode("1", "Hoofdkantoor")],
            "vat_categories": [CompanyCode("2", "Laag tarief 9%")],
        }
        if name == "warehouses":
            from vismadesk.errors import VismaApiError

            raise VismaApiError(403, "No access to warehouses.")
        return lists[name]

    def list_inventory(self) -> list[InventoryItem]:
        return [
            InventoryItem("ARBEID", "Arbeid", "LaborItem", unit="UUR"),
            InventoryItem("MAT-1", "Knelkoppeling", unit="ST"),
        ]


@dataclass
class FileHost:
    path: Path
    settings: Settings = field(default_factory=Settings)
    secrets: Secrets = field(default_factory=lambda: Secrets(backend=MemoryKeyring(), env={}))
    visma: FakeVisma = field(default_factory=FakeVisma)

    def apply_settings(self, new: Settings) -> None:
        save_settings(new, self.path)
        self.settings = new


@pytest.fixture
def host(tmp_path: Path) -> FileHost:
    return FileHost(tmp_path / "settings.json")


@pytest.fixture
def form(qtbot, host: FileHost) -> Iterator[SettingsForm]:
    f = SettingsForm(host)
    qtbot.addWidget(f)
    f.show()
    yield f


def test_the_defaults_are_empty_and_left_to_visma(form: SettingsForm) -> None:
    section = form.export_defaults
    assert all(c.code() == "" for c in section.combos.values())
    assert section.override.isChecked()  # the class's values, when a class is chosen
    assert not section.read_button.isEnabled()  # nothing to read with until mounted


def test_typed_codes_and_tables_are_saved(qtbot, form: SettingsForm, host: FileHost) -> None:
    section = form.export_defaults
    section.combos["branch"].setEditText("2")
    section.combos["customer_class"].setEditText("NL")
    section.lines["unit_map"].setText("stukken=ST; meter=M")
    section.lines["project_map"].setText("P-100=ONDERHOUD/02")
    section.override.setChecked(False)
    assert form.dirty
    with qtbot.waitSignal(form.saved):
        assert form.save()
    saved = load_settings(host.path).settings
    assert (saved.branch, saved.customer_class, saved.override_class_values) == ("2", "NL", False)
    assert saved.unit_map == CodeMap([("meter", "M"), ("stukken", "ST")])
    assert saved.project_map.lookup("p-100") == "ONDERHOUD/02"


def test_a_unit_longer_than_visma_allows_is_marked_under_its_field(form: SettingsForm) -> None:
    form.export_defaults.lines["unit_map"].setText("STUKKEN=STUKKEN")
    assert "at most 6 characters" in form.errors["unit_map"]
    label = form.findChild(type(form.state_label), "error_unit_map")
    assert label is not None and "at most 6" in label.text()
    assert not form.save()


def test_the_company_lists_are_offered_once_read(qtbot, form: SettingsForm, host: FileHost) -> None:
    runner = TaskRunner(form)
    section = form.export_defaults
    section.use(runner, host)
    assert section.read_button.isEnabled()
    try:
        section.read_button.click()
        qtbot.waitUntil(lambda: section.read_button.isEnabled(), timeout=5000)
    finally:
        runner.shutdown()
    assert "No access to warehouses" in section.read_result.text()
    branch = section.combos["branch"]
    assert [branch.itemText(i) for i in range(branch.count())] == [
        "(VISMA.net decides)",
        "1 — Hoofdkantoor",
    ]
    labour = section.combos["default_labour_item"]
    assert labour.findData("ARBEID") > 0 and labour.findData("MAT-1") < 0
    completer = form.item_class.completer()
    assert completer is not None
    assert completer.model().data(completer.model().index(0, 0)) == "MAT"
    branch.setCurrentIndex(1)
    assert form.current()[0].branch == "1"


def test_the_section_speaks_the_windows_language(form: SettingsForm) -> None:
    from vismadesk import i18n

    section = form.export_defaults
    group = form.findChild(QGroupBox, "exportDefaults")
    assert group is not None and group.title() == "VISMA.net defaults"
    i18n.set_language("nl")
    try:
        form.retranslate()
        assert group.title() == "Standaardwaarden VISMA.net"
        assert section.override.text() == (
            "Waarden van de klasse (betalingstermijn) overnemen voor nieuwe relaties"
        )
        assert section.read_button.text() == "Ophalen uit VISMA.net"
        branch = section.combos["branch"]
        assert branch.itemText(0) == i18n.gettext("(VISMA.net decides)", lang="nl")
        assert branch.itemText(0) != "(VISMA.net decides)" and branch.code() == ""
        assert branch.currentText() == branch.itemText(0)
    finally:
        i18n.set_language("en")
        form.retranslate()
    assert group.title() == "VISMA.net defaults"
    assert section.combos["branch"].currentText() == "(VISMA.net decides)"
