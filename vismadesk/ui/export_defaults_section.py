"""The settings form's VISMA.net defaults: what new records and every document carry.

Each field is optional (empty leaves it to VISMA.net) and, where VISMA.net has a list
of its own, offers the company's entries once "Read from VISMA.net" has read them;
a code can always be typed. The form mounts this section: it builds the rows with
the form's own row helper (so errors show under each field as everywhere), and the
form reads and loads the values through `values()` and `load()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from vismadesk.config import Settings
from vismadesk.domain import CompanyCode
from vismadesk.engine.company_lists import LABOUR_ITEMS, CompanyLists, read_company_lists
from vismadesk.i18n import _
from vismadesk.ui import style, texts
from vismadesk.ui.wrapping import WrappingCheckBox

# Setting key -> the company list its field offers.
COMBOS: dict[str, str] = {
    "labour_item_class": "item_classes",
    "default_labour_item": LABOUR_ITEMS,
    "customer_class": "customer_classes",
    "customer_terms": "credit_terms",
    "branch": "branches",
    "warehouse": "warehouses",
    "vat_category": "vat_categories",
    "credit_terms": "credit_terms",
}
TABLES = ("unit_map", "project_map")
TEXTS = ("description_item",)
KEYS = (*COMBOS, "override_class_values", *TABLES, *TEXTS)

Row = Callable[..., None]
Done = Callable[[Any, BaseException | None], None]


class Tasks(Protocol):
    """The window's background reads (`ui.workers.TaskRunner`)."""

    def submit(self, name: str, fn: Callable[[], Any], on_done: Done) -> None: ...


class Host(Protocol):
    visma: Any


class CodeCombo(QComboBox):
    """A code from one of the company's lists, or typed; empty means none."""

    def __init__(self) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._codes: list[CompanyCode] = []
        self._fill("")

    def _fill(self, keep: str) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItem(_(texts.LEFT_TO_VISMA), "")
        for c in self._codes:
            self.addItem(f"{c.code} — {c.description}" if c.description else c.code, c.code)
        self.blockSignals(False)
        self.set_code(keep)

    def retranslate(self) -> None:
        self.setItemText(0, _(texts.LEFT_TO_VISMA))
        if self.currentIndex() == 0:
            self.setEditText(self.itemText(0))

    def set_codes(self, codes: list[CompanyCode]) -> None:
        keep = self.code()
        self._codes = list(codes)
        self._fill(keep)

    def set_code(self, code: str) -> None:
        i = self.findData(code)
        if i < 0 and code:
            self.addItem(code, code)
            i = self.count() - 1
        self.setCurrentIndex(max(i, 0))
        self.setEditText(self.itemText(max(i, 0)))

    def code(self) -> str:
        text = self.currentText().strip()
        i = self.findText(text)
        if i >= 0:
            return str(self.itemData(i) or "")
        return text.split(" — ")[0].strip()


class ExportDefaultsSection(QObject):
    def __init__(self, row: Row, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._row = row
        self.combos: dict[str, CodeCombo] = {}
        self.lines: dict[str, QLineEdit] = {}
        self._completers: dict[str, list[QLineEdit]] = {}
        self._tasks: Tasks | None = None
        self._host: Host | None = None
        self._reading = False
        # What `retranslate` sets again: (widget, its text's msgid); the last result line.
        self._labels: list[tuple[QWidget, str]] = []
        self._shown: tuple[Callable[[], str], str] | None = None

    # --- building -----------------------------------------------------------------

    def build(self) -> QGroupBox:
        group = QGroupBox()
        group.setObjectName("exportDefaults")
        self._labels.append((group, texts.SECTION_VISMA_DEFAULTS))
        f = QFormLayout(group)
        f.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        f.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        help_label = _help("")
        self._labels.append((help_label, texts.VISMA_DEFAULTS_HELP))
        f.addRow(help_label)
        for key in ("labour_item_class", "default_labour_item"):
            self._combo(f, key)
        self._table(f, "unit_map", texts.UNIT_MAP_PLACEHOLDER)
        self._combo(f, "customer_class")
        self.override = WrappingCheckBox()
        self._labels.append((self.override, texts.SETTING_LABELS["override_class_values"]))
        self._row(f, "override_class_values", self.override, "")
        self.override.setObjectName("override_class_valuesBox")
        self._combo(f, "customer_terms")
        for key in ("branch", "warehouse", "vat_category", "credit_terms"):
            self._combo(f, key)
        self._table(f, "project_map", texts.PROJECT_MAP_PLACEHOLDER)
        self.lines["description_item"] = QLineEdit()
        self._row(f, "description_item", self.lines["description_item"])
        self.read_button = QPushButton()
        self._labels.append((self.read_button, texts.READ_LISTS))
        self.read_button.setObjectName("readCompanyLists")
        self.read_button.setEnabled(False)
        self.read_button.clicked.connect(self.read_lists)
        self.read_result = QLabel()
        self.read_result.setObjectName("companyListsResult")
        self.read_result.setWordWrap(True)
        line = QHBoxLayout()
        line.addWidget(self.read_button)
        line.addWidget(self.read_result, 1)
        f.addRow(line)
        self.retranslate()
        return group

    def retranslate(self) -> None:
        """Set every word in the language chosen now."""
        for widget, text in self._labels:
            if isinstance(widget, QGroupBox):
                widget.setTitle(_(text))
            elif isinstance(widget, QLabel | QAbstractButton):
                widget.setText(_(text))
        for combo in self.combos.values():
            combo.retranslate()
        if self._shown is not None:
            self._show(*self._shown)

    def _combo(self, f: QFormLayout, key: str) -> None:
        combo = CodeCombo()
        self._row(f, key, combo)
        self.combos[key] = combo

    def _table(self, f: QFormLayout, key: str, placeholder: str) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self._row(f, key, edit)
        self.lines[key] = edit

    def offer(self, edit: QLineEdit, list_name: str) -> None:
        """Let a field of the form (the item class, the posting class) offer a list too."""
        self._completers.setdefault(list_name, []).append(edit)

    def watch(self, changed: Callable[..., None]) -> None:
        for combo in self.combos.values():
            combo.editTextChanged.connect(changed)
            combo.currentIndexChanged.connect(changed)
        self.override.toggled.connect(changed)
        # The line edits are the form's own: it watches them with its other fields.

    # --- values -------------------------------------------------------------------

    def load(self, s: Settings) -> None:
        for key, combo in self.combos.items():
            combo.set_code(str(s.get(key)))
        self.override.setChecked(s.override_class_values)
        for key, edit in self.lines.items():
            edit.setText(str(s.get(key)))

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {key: combo.code() for key, combo in self.combos.items()}
        out["override_class_values"] = self.override.isChecked()
        out.update({key: edit.text() for key, edit in self.lines.items()})
        return out

    # --- the company's lists --------------------------------------------------------

    def use(self, tasks: Tasks, host: Host) -> None:
        """Reading the lists runs on the window's background reads, with its client."""
        self._tasks, self._host = tasks, host
        self.read_button.setEnabled(True)

    def read_lists(self) -> None:
        if self._tasks is None or self._host is None or self._reading:
            return
        self._reading = True
        self.read_button.setEnabled(False)
        self._show(lambda: _(texts.LISTS_READING), style.TEXT_MUTED)
        visma = self._host.visma
        self._tasks.submit("company-lists", lambda: read_company_lists(visma), self._read)

    def _read(self, result: Any, error: BaseException | None) -> None:
        self._reading = False
        self.read_button.setEnabled(True)
        if error is not None or not isinstance(result, CompanyLists):
            why = str(error) if error else ""  # an error's text is in the language already
            self._show(lambda: why or _(texts.LISTS_FAILED), style.BAD)
            return
        self.set_lists(result)

    def set_lists(self, found: CompanyLists) -> None:
        for key, name in COMBOS.items():
            self.combos[key].set_codes(found.lists.get(name, []))
        for name, edits in self._completers.items():
            codes = [c.code for c in found.lists.get(name, [])]
            for edit in edits:
                completer = QCompleter(codes, edit)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                edit.setCompleter(completer)
        if found.problems:
            first = next(iter(found.problems.values()))
            self._show(lambda: _(texts.LISTS_PARTLY).format(problem=first), style.PENDING)
        else:
            self._show(lambda: _(texts.LISTS_READ), style.GOOD)

    def _show(self, text: Callable[[], str], color: str) -> None:
        """The result line; `text` words it in the language chosen at the time."""
        self._shown = (text, color)
        self.read_result.setStyleSheet(style.color(color))
        self.read_result.setText(text())


def _help(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(style.HELP)
    return label


__all__ = ["KEYS", "CodeCombo", "ExportDefaultsSection"]
