"""The settings on the left: what the export sends, how, and where to.

The form edits a copy; nothing changes until Save. Every field is checked as it is
typed (with the same rules `vismadesk config set` uses) and a problem is shown under
its field. Unsaved changes are visible at the Save button and in the window title.
The OutSmart tokens go to the keyring only, never to the settings file; the form
never shows a stored token back, it only says one is there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from vismadesk.config import HOUR_ROUNDING_CHOICES, MAX_CONCURRENCY, Settings, SettingsError
from vismadesk.domain import ExportFormat, WorkStatus
from vismadesk.i18n import LANGUAGE_LABELS, LANGUAGE_SETTINGS, _
from vismadesk.keyring_store import KeyringUnavailable, SecretName, Secrets
from vismadesk.ui import style, texts
from vismadesk.ui.export_defaults_section import ExportDefaultsSection
from vismadesk.ui.wrapping import RowLabel, WrappingCheckBox

TOKEN_KEYS = {
    "outsmart_token": SecretName.OUTSMART_TOKEN,
    "outsmart_software_token": SecretName.OUTSMART_SOFTWARE_TOKEN,
}
URL_KEYS = ("outsmart_url", "visma_connect_url", "erp_url", "salesorders_url")


class SettingsHost(Protocol):
    """What the form saves through: the session's Context has exactly this."""

    settings: Settings
    secrets: Secrets

    def apply_settings(self, new: Settings) -> None: ...


class WheelGuard(QObject):
    """Scrolling the settings with the mouse wheel scrolls them: a spin box or a combo box
    under the pointer takes the wheel only once it has the focus (clicked or tabbed to);
    until then the wheel goes to `scroller` (the settings' scroll area)."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.scroller: QWidget | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Wheel
            and isinstance(watched, QWidget)
            and not watched.hasFocus()
        ):
            if self.scroller is not None:
                QCoreApplication.sendEvent(self.scroller, event)
            return True
        return False


class StatusCombo(QComboBox):
    """An OutSmart work status: pick one OutSmart lists, or type its code."""

    def __init__(self, empty_label: str | None = None) -> None:
        super().__init__()
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._empty_label = empty_label
        self._statuses: list[WorkStatus] = []
        self._fill("")

    def _fill(self, keep: str) -> None:
        self.blockSignals(True)
        self.clear()
        if self._empty_label is not None:
            self.addItem(_(self._empty_label), "")
        for s in self._statuses:
            self.addItem(f"{s.code} — {s.name}", s.code)
        self.blockSignals(False)
        self.set_code(keep)

    def set_statuses(self, statuses: list[WorkStatus]) -> None:
        keep = self.code()
        self._statuses = list(statuses)
        self._fill(keep)

    def retranslate(self) -> None:
        if self._empty_label is not None:
            self.setItemText(0, _(self._empty_label))

    def set_code(self, code: str) -> None:
        i = self.findData(code)
        if i < 0 and code:
            self.addItem(code, code)
            i = self.count() - 1
        if i < 0:
            self.setEditText("")
        else:
            self.setCurrentIndex(i)
            self.setEditText(self.itemText(i))

    def code(self) -> str:
        text = self.currentText().strip()
        i = self.findText(text)
        if i >= 0:
            return str(self.itemData(i) or "")
        return text.split(" — ")[0].strip()


class SettingsForm(QWidget):
    dirty_changed = Signal(bool)
    # After a successful save: the settings now in force.
    saved = Signal(object)
    # (token, software token) as typed, empty for "the stored ones".
    test_connection_requested = Signal(str, str)
    # Text for the status bar (a refused save, a problem); the form shows it too.
    notice = Signal(str)

    def __init__(self, host: SettingsHost, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.host = host
        self._baseline = host.settings.copy()
        # Until `load` shows the settings, nothing typed is a change.
        self._loading = True
        self._dirty = False
        self._errors: dict[str, str] = {}
        self._error_labels: dict[str, QLabel] = {}
        self._inputs: dict[str, QWidget] = {}
        # What `retranslate` sets again: (widget, its text's msgid) by kind.
        self._labels: list[tuple[QLabel | QGroupBox | QCheckBox | QRadioButton, str]] = []
        self._wheel_guard = WheelGuard(self)
        # Set by the window: returns why saving these settings must wait, or None.
        self.save_blocker: Callable[[Settings], str | None] = lambda _s: None
        self._build()
        self.load(host.settings)

    # --- building -------------------------------------------------------------------

    def _row(self, form: QFormLayout, key: str, widget: QWidget, label: str | None = None) -> None:
        """A field with its problem line under it; `label=""` spans the whole row."""
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(style.color(style.BAD))
        error.setWordWrap(True)
        error.hide()
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(widget)
        box.addWidget(error)
        holder = QWidget()
        holder.setLayout(box)
        if label == "":
            form.addRow(holder)
        else:
            row_label = RowLabel()
            row_label.setObjectName(f"label_{key}")
            row_label.setBuddy(widget)
            self._labels.append(
                (row_label, label if label is not None else texts.SETTING_LABELS[key])
            )
            form.addRow(row_label, holder)
        self._error_labels[key] = error
        self._inputs[key] = widget
        widget.setObjectName(key)
        if isinstance(widget, QAbstractSpinBox | QComboBox):
            self._guard_wheel(widget)

    def _guard_wheel(self, widget: QWidget) -> None:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(self._wheel_guard)

    def _section(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox()
        if title:
            self._labels.append((group, title))
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        return group, form

    def _help(self, text: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setStyleSheet(style.HELP)
        if text:
            self._labels.append((label, text))
        return label

    def _text(self, widget: QCheckBox | QRadioButton, text: str) -> None:
        self._labels.append((widget, text))

    def _build(self) -> None:
        # The fields scroll; the Save bar under them stays in view.
        fields = QWidget()
        fields.setObjectName("settingsFields")
        outer = QVBoxLayout(fields)
        outer.setContentsMargins(0, 0, 6, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setObjectName("settingsScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop of its own (it showed no focus): its fields are, and a field
        # that gets the focus is scrolled into view.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._wheel_guard.scroller = self.scroll_area.viewport()
        outer.addWidget(self._export_section())
        outer.addWidget(self._statuses_section())
        outer.addWidget(self._new_items_section())
        self.export_defaults = ExportDefaultsSection(self._row, self)
        outer.addWidget(self.export_defaults.build())
        self.export_defaults.offer(self.item_class, "item_classes")
        self.export_defaults.offer(self.posting_class, "posting_classes")
        outer.addWidget(self._runs_section())
        outer.addWidget(self._outsmart_section())
        self._add_advanced(outer)
        outer.addStretch(1)

        bar = self._save_bar()
        self.scroll_area.setWidget(fields)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(bar)
        self._watch_changes()
        self.retranslate()

    def retranslate(self) -> None:
        """Set every word in the language chosen now (the values stay as they are)."""
        for widget, text in self._labels:
            if isinstance(widget, QGroupBox):
                widget.setTitle(_(text))
            else:
                widget.setText(_(text))
        self.export_defaults.retranslate()
        self.duplicate_days.setSuffix(_(texts.DAYS_SUFFIX))
        self.claim_lease.setSuffix(_(texts.MINUTES_SUFFIX))
        self.store_label.setText(self._store_text())
        self.store_label.setToolTip(_(texts.STORE_HOW_TO_CHANGE))
        for i, minutes in enumerate(HOUR_ROUNDING_CHOICES):
            shown = (
                _(texts.HOUR_ROUNDING_NONE)
                if minutes == 0
                else _(texts.HOUR_ROUNDING_MINUTES).format(minutes=minutes)
            )
            self.hour_rounding.setItemText(i, shown)
        for i, choice in enumerate(LANGUAGE_SETTINGS):
            self.language.setItemText(i, _(LANGUAGE_LABELS[choice]))
        self.ready_status.retranslate()
        self.claim_status.retranslate()
        self.exported_status.retranslate()
        self._line("proxy").setPlaceholderText(_(texts.PROXY_PLACEHOLDER))
        self.auto_sync.setSpecialValueText(_(texts.AUTO_SYNC_OFF))
        self.auto_sync.setSuffix(_(texts.AUTO_SYNC_SUFFIX))
        self.test_button.setText(_(texts.TEST_CONNECTION))
        self.advanced_toggle.setText(_(texts.SECTION_ADVANCED))
        self.save_button.setText(_(texts.SAVE))
        self.revert_button.setText(_(texts.UNDO_CHANGES))
        self._show_token_placeholders()
        if not self._loading:
            self._changed()

    def _export_section(self) -> QGroupBox:
        """What a work order becomes in VISMA.net."""
        export, f = self._section(texts.SECTION_EXPORT)
        self.sales_order = QRadioButton()
        self.sales_order.setObjectName("salesOrder")
        self._text(self.sales_order, texts.SALES_ORDER)
        self.sales_invoice = QRadioButton()
        self.sales_invoice.setObjectName("salesInvoice")
        self._text(self.sales_invoice, texts.SALES_INVOICE)
        self.format_group = QButtonGroup(self)
        self.format_group.addButton(self.sales_order)
        self.format_group.addButton(self.sales_invoice)
        radios = QWidget()
        rl = QHBoxLayout(radios)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.sales_order)
        rl.addWidget(self.sales_invoice)
        rl.addStretch(1)
        self._row(f, "export_format", radios)
        self.format_box = radios

        self.new_material = WrappingCheckBox()
        self._text(self.new_material, texts.SETTING_LABELS["new_material"])
        self.new_relation = WrappingCheckBox()
        self._text(self.new_relation, texts.SETTING_LABELS["new_relation"])
        for key, box, help_text in (
            ("new_material", self.new_material, texts.NEW_MATERIAL_HELP),
            ("new_relation", self.new_relation, texts.NEW_RELATION_HELP),
        ):
            holder = QWidget()
            hl = QVBoxLayout(holder)
            hl.setContentsMargins(0, 0, 0, 0)
            hl.setSpacing(0)
            hl.addWidget(box)
            hl.addWidget(self._help(help_text))
            self._row(f, key, holder, "")
            box.setObjectName(key + "Box")
        self.order_type = QLineEdit()
        self.order_type.setMaxLength(2)
        self.order_type.setMaximumWidth(80)
        self._row(f, "order_type", self.order_type)
        self.manual_order_numbers = WrappingCheckBox()
        self._text(self.manual_order_numbers, texts.SETTING_LABELS["manual_order_numbers"])
        holder = QWidget()
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(0)
        hl.addWidget(self.manual_order_numbers)
        hl.addWidget(self._help(texts.MANUAL_ORDER_NUMBERS_HELP))
        self._row(f, "manual_order_numbers", holder, "")
        self.manual_order_numbers.setObjectName("manual_order_numbersBox")
        self._attach_rows(f)
        self.hour_rounding = QComboBox()
        for minutes in HOUR_ROUNDING_CHOICES:
            self.hour_rounding.addItem("", minutes)
        self._row(f, "hour_rounding", self.hour_rounding)
        return export

    def _attach_rows(self, f: QFormLayout) -> None:
        """Attach work order PDF, and under it what else goes along (issue #17)."""
        self.attach_pdf = WrappingCheckBox()
        self._text(self.attach_pdf, texts.SETTING_LABELS["attach_pdf"])
        self.attach_forms = WrappingCheckBox()
        self._text(self.attach_forms, texts.SETTING_LABELS["attach_forms"])
        self.attach_signature = WrappingCheckBox()
        self._text(self.attach_signature, texts.SETTING_LABELS["attach_signature"])
        holder = QWidget()
        hl = QVBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        hl.setSpacing(0)
        hl.addWidget(self.attach_pdf)
        hl.addWidget(self._help(texts.ATTACH_PDF_HELP))
        # One under the other: side by side they made the settings too wide in Dutch.
        also = QVBoxLayout()
        also.setContentsMargins(20, 2, 0, 0)
        also.setSpacing(0)
        also.addWidget(self.attach_forms)
        also.addWidget(self.attach_signature)
        hl.addLayout(also)
        self._row(f, "attach_pdf", holder, "")
        self.attach_pdf.setObjectName("attach_pdfBox")
        self.attach_forms.setObjectName("attach_formsBox")
        self.attach_signature.setObjectName("attach_signatureBox")
        self.attach_pdf.toggled.connect(self._attach_extras)
        self._attach_extras(False)

    def _attach_extras(self, on: bool) -> None:
        self.attach_forms.setEnabled(on)
        self.attach_signature.setEnabled(on)

    def _statuses_section(self) -> QGroupBox:
        statuses, f = self._section(texts.SECTION_STATUSES)
        self.ready_status = StatusCombo(texts.READY_ANY)
        self._row(f, "ready_status", self.ready_status)
        self.error_status = StatusCombo()
        self._row(f, "error_status", self.error_status)
        self.claim_status = StatusCombo(texts.CLAIM_NONE)
        self._row(f, "export_claim_status", self.claim_status)
        self.exported_status = StatusCombo(texts.EXPORTED_STATUS_KEEP)
        self._row(f, "exported_status", self.exported_status)
        self.statuses_note = self._help("")
        self.statuses_note.hide()
        f.addRow(self.statuses_note)
        return statuses

    def _new_items_section(self) -> QGroupBox:
        items, f = self._section(texts.SECTION_NEW_ITEMS)
        self.item_class = QLineEdit()
        self._row(f, "item_class", self.item_class)
        self.posting_class = QLineEdit()
        self._row(f, "posting_class", self.posting_class)
        return items

    def _runs_section(self) -> QGroupBox:
        runs, f = self._section(texts.SECTION_RUNS)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, MAX_CONCURRENCY)
        self._row(f, "concurrency", self.concurrency)
        self.auto_sync = QSpinBox()
        self.auto_sync.setRange(0, 24 * 60)
        self.auto_sync.setSingleStep(15)
        self._row(f, "auto_sync_minutes", self.auto_sync)
        self.keep_in_tray = WrappingCheckBox()
        self.keep_in_tray.setObjectName("keepInTray")
        self._text(self.keep_in_tray, texts.SETTING_LABELS["keep_in_tray"])
        self._row(f, "keep_in_tray", self.keep_in_tray, "")
        self.duplicate_days = QSpinBox()
        self.duplicate_days.setRange(1, 3660)
        self._row(f, "duplicate_check_days", self.duplicate_days)
        self.claim_lease = QSpinBox()
        self.claim_lease.setRange(1, 24 * 60)
        self._row(f, "claim_lease_minutes", self.claim_lease)
        self.language = QComboBox()
        for choice in LANGUAGE_SETTINGS:
            self.language.addItem("", choice)
        self._row(f, "language", self.language)
        return runs

    def _outsmart_section(self) -> QGroupBox:
        outsmart, f = self._section(texts.SECTION_OUTSMART)
        self.token = QLineEdit()
        self.software_token = QLineEdit()
        for key, edit, label in (
            ("outsmart_token", self.token, texts.OUTSMART_TOKEN),
            ("outsmart_software_token", self.software_token, texts.OUTSMART_SOFTWARE_TOKEN),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            self._row(f, key, edit, label)
        self.keyring_problem = QLabel()
        self.keyring_problem.setObjectName("keyringProblem")
        self.keyring_problem.setWordWrap(True)
        self.keyring_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.keyring_problem.setStyleSheet(style.color(style.BAD))
        self.keyring_problem.hide()
        f.addRow(self.keyring_problem)
        self.test_button = QPushButton()
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self._test_connection)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)
        f.addRow(test_row)
        return outsmart

    def _add_advanced(self, outer: QVBoxLayout) -> None:
        """The addresses and the sign-in details, folded away behind a toggle."""
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setObjectName("advancedToggle")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self._show_advanced)
        outer.addWidget(self.advanced_toggle)
        self.advanced, f = self._section("")
        for key in URL_KEYS:
            self._row(f, key, QLineEdit())
        self._row(f, "client_id", QLineEdit())
        self._row(f, "tenant_id", QLineEdit())
        self.offline_access = WrappingCheckBox()
        self._text(self.offline_access, texts.SETTING_LABELS["offline_access"])
        self._row(f, "offline_access", self.offline_access, "")
        proxy = QLineEdit()
        self._row(f, "proxy", proxy)
        f.addRow(self._help(texts.PROXY_HELP))
        self.store_label = QLabel(self._store_text())
        self.store_label.setWordWrap(True)
        self.store_label.setToolTip(texts.STORE_HOW_TO_CHANGE)
        self.store_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._row(f, "store_url", self.store_label)
        self.advanced.hide()
        outer.addWidget(self.advanced)

    def _store_text(self) -> str:
        """Which store this session uses: shown, not edited (it is chosen at start)."""
        store = getattr(self.host, "store", None)
        shared = (
            bool(getattr(store, "shared", False))
            if store is not None
            else bool(self.host.settings.store_url)
        )
        kind = _(texts.STORE_TEAM if shared else texts.STORE_LOCAL)
        where = getattr(store, "location", "") or self.host.settings.store_url
        return _(texts.STORE_WHERE).format(kind=kind, where=where) if where else kind

    def _save_bar(self) -> QFrame:
        self.save_button = QPushButton()
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton()
        self.revert_button.setObjectName("revertButton")
        self.revert_button.clicked.connect(lambda: self.load(self.host.settings))
        self.state_label = QLabel()
        self.state_label.setObjectName("saveState")
        self.state_label.setWordWrap(True)
        # The state on its own line above the buttons: beside them, a long state in
        # Dutch made the settings (and so the window) too wide for a small screen.
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        bottom = QVBoxLayout()
        bottom.setSpacing(4)
        bottom.addWidget(self.state_label)
        bottom.addLayout(buttons)
        bar = QFrame()
        bar.setObjectName("saveBar")
        bar.setStyleSheet(style.SAVE_BAR)
        bar.setLayout(bottom)
        return bar

    def _watch_changes(self) -> None:
        buttons: tuple[QAbstractButton, ...] = (
            self.sales_order,
            self.sales_invoice,
            self.new_material,
            self.new_relation,
            self.manual_order_numbers,
            self.attach_pdf,
            self.attach_forms,
            self.attach_signature,
        )
        for button in buttons:
            button.toggled.connect(self._changed)
        self.offline_access.toggled.connect(self._changed)
        self.keep_in_tray.toggled.connect(self._changed)
        for combo in (
            self.ready_status,
            self.error_status,
            self.claim_status,
            self.exported_status,
        ):
            combo.editTextChanged.connect(self._changed)
            combo.currentIndexChanged.connect(self._changed)
        self.hour_rounding.currentIndexChanged.connect(self._changed)
        self.language.currentIndexChanged.connect(self._changed)
        self.export_defaults.watch(self._changed)
        for spin in (self.concurrency, self.auto_sync, self.duplicate_days, self.claim_lease):
            spin.valueChanged.connect(self._changed)
        for key, field in self._inputs.items():
            if isinstance(field, QLineEdit):
                field.textChanged.connect(self._changed)
                if key in TOKEN_KEYS:
                    field.textChanged.connect(self._token_typed)

    def _show_advanced(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)

    # --- values -----------------------------------------------------------------------

    def _line(self, key: str) -> QLineEdit:
        w = self._inputs[key]
        assert isinstance(w, QLineEdit)
        return w

    def load(self, settings: Settings) -> None:
        """Show these settings as the saved state (unsaved edits are dropped)."""
        self._loading = True
        try:
            self._baseline = settings.copy()
            s = settings
            self.format_group.setExclusive(False)
            self.sales_order.setChecked(s.export_format is ExportFormat.SALES_ORDER)
            self.sales_invoice.setChecked(s.export_format is ExportFormat.SALES_INVOICE)
            self.format_group.setExclusive(True)
            self.new_material.setChecked(s.new_material)
            self.new_relation.setChecked(s.new_relation)
            self.ready_status.set_code(s.ready_status)
            self.error_status.set_code(s.error_status)
            self.claim_status.set_code(s.export_claim_status)
            self.exported_status.set_code(s.exported_status)
            self.attach_pdf.setChecked(s.attach_pdf)
            self.attach_forms.setChecked(s.attach_forms)
            self.attach_signature.setChecked(s.attach_signature)
            self.order_type.setText(s.order_type)
            self.manual_order_numbers.setChecked(s.manual_order_numbers)
            self.item_class.setText(s.item_class)
            self.posting_class.setText(s.posting_class)
            i = self.hour_rounding.findData(s.hour_rounding)
            self.hour_rounding.setCurrentIndex(max(0, i))
            self.language.setCurrentIndex(max(0, self.language.findData(s.language)))
            self.concurrency.setValue(s.concurrency)
            self.auto_sync.setValue(s.auto_sync_minutes)
            self.keep_in_tray.setChecked(s.keep_in_tray)
            self.duplicate_days.setValue(s.duplicate_check_days)
            self.claim_lease.setValue(s.claim_lease_minutes)
            for key in (*URL_KEYS, "client_id", "tenant_id", "proxy"):
                self._line(key).setText(str(getattr(s, key)))
            self.offline_access.setChecked(s.offline_access)
            self.export_defaults.load(s)
            self.token.clear()
            self.software_token.clear()
            self._show_token_placeholders()
        finally:
            self._loading = False
        self._changed()

    def _show_token_placeholders(self) -> None:
        problem = ""
        for key, name in TOKEN_KEYS.items():
            try:
                stored = bool(self.host.secrets.get(name))
            except KeyringUnavailable as e:
                # Never "Saved in the keyring" when there is none: say what to install.
                stored, problem = False, str(e)
            except Exception:  # a keyring that failed otherwise is reported when saving
                stored = False
            placeholder = texts.TOKEN_STORED if stored else texts.TOKEN_EMPTY
            if problem:
                placeholder = texts.TOKEN_NO_KEYRING
            self._line(key).setPlaceholderText(_(placeholder))
        self.keyring_problem.setText(problem)
        self.keyring_problem.setVisible(bool(problem))

    def _raw_values(self) -> dict[str, Any]:
        fmt: ExportFormat | None = None
        if self.sales_order.isChecked():
            fmt = ExportFormat.SALES_ORDER
        elif self.sales_invoice.isChecked():
            fmt = ExportFormat.SALES_INVOICE
        values: dict[str, Any] = {
            "export_format": fmt,
            "new_material": self.new_material.isChecked(),
            "new_relation": self.new_relation.isChecked(),
            "ready_status": self.ready_status.code(),
            "error_status": self.error_status.code(),
            "export_claim_status": self.claim_status.code(),
            "exported_status": self.exported_status.code(),
            "attach_pdf": self.attach_pdf.isChecked(),
            "attach_forms": self.attach_forms.isChecked(),
            "attach_signature": self.attach_signature.isChecked(),
            "order_type": self.order_type.text(),
            "manual_order_numbers": self.manual_order_numbers.isChecked(),
            "item_class": self.item_class.text(),
            "posting_class": self.posting_class.text(),
            "hour_rounding": self.hour_rounding.currentData(),
            "language": self.language.currentData(),
            "concurrency": self.concurrency.value(),
            "auto_sync_minutes": self.auto_sync.value(),
            "keep_in_tray": self.keep_in_tray.isChecked(),
            "duplicate_check_days": self.duplicate_days.value(),
            "claim_lease_minutes": self.claim_lease.value(),
            "offline_access": self.offline_access.isChecked(),
        }
        for key in (*URL_KEYS, "client_id", "tenant_id", "proxy"):
            values[key] = self._line(key).text()
        values.update(self.export_defaults.values())
        return values

    def current(self) -> tuple[Settings, dict[str, str]]:
        """The settings as the form shows them, and the problem per field."""
        new = self._baseline.copy()
        errors: dict[str, str] = {}
        for key, value in self._raw_values().items():
            try:
                new.set(key, value)
            except SettingsError as e:
                errors[key] = e.problem
        return new, errors

    def typed_tokens(self) -> dict[SecretName, str]:
        return {
            name: self._line(key).text().strip()
            for key, name in TOKEN_KEYS.items()
            if self._line(key).text().strip()
        }

    @property
    def dirty(self) -> bool:
        return self._dirty

    @property
    def errors(self) -> dict[str, str]:
        return dict(self._errors)

    def _changed(self, *_args: object) -> None:
        if self._loading:
            return
        new, errors = self.current()
        self._errors = errors
        for key, label in self._error_labels.items():
            problem = errors.get(key)
            label.setText(_(problem) if problem else "")
            label.setVisible(bool(problem))
            w = self._inputs[key]
            w.setStyleSheet(style.INVALID_FIELD if problem else "")
        dirty = (
            bool(errors) or new.to_json() != self._baseline.to_json() or bool(self.typed_tokens())
        )
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if errors:
            self._state(_(texts.SETTINGS_HAVE_ERRORS), style.BAD)
        elif dirty:
            self._state(_(texts.UNSAVED), style.PENDING)
        elif self._baseline.export_format is None:
            self._state(_(texts.CHOOSE_SEND_AS), style.PENDING)
        else:
            self._state(_(texts.SAVED), style.GOOD)

    def _state(self, text: str, color: str) -> None:
        self.state_label.setText(text)
        self.state_label.setStyleSheet(style.color(color))

    def _token_typed(self, _text: str) -> None:
        self.test_result.clear()

    # --- saving -----------------------------------------------------------------------

    def save(self) -> bool:
        """Check, then write the settings file and the typed tokens. True when saved."""
        self._changed()
        new, errors = self.current()
        if errors:
            self.notice.emit(_(texts.SETTINGS_HAVE_ERRORS))
            first = next(iter(errors))
            self._inputs[first].setFocus()
            return False
        reason = self.save_blocker(new)
        if reason:
            self._state(reason, style.PENDING)
            self.notice.emit(reason)
            return False
        try:
            for name, value in self.typed_tokens().items():
                self.host.secrets.set(name, value)
            self.host.apply_settings(new)
        except Exception as e:  # keyring or disk: say so, keep every typed value
            self._state(str(e), style.BAD)
            self.notice.emit(str(e))
            return False
        self.load(self.host.settings)
        self.saved.emit(self.host.settings)
        return True

    def apply_one(self, key: str, value: Any) -> None:
        """Change one saved setting at once (a fix button), leaving other edits alone."""
        new = self.host.settings.copy()
        new.set(key, value)
        reason = self.save_blocker(new)
        if reason:
            raise SettingsError(key, reason)
        self.host.apply_settings(new)
        self._baseline.set(key, value)
        self._loading = True
        try:
            if key == "new_material":
                self.new_material.setChecked(bool(value))
            elif key == "new_relation":
                self.new_relation.setChecked(bool(value))
            else:
                self.load(self.host.settings)
        finally:
            self._loading = False
        self._changed()
        self.saved.emit(self.host.settings)

    # --- OutSmart -------------------------------------------------------------------

    def set_work_statuses(self, statuses: list[WorkStatus]) -> None:
        was_loading = self._loading
        self._loading = True
        try:
            self.ready_status.set_statuses(statuses)
            self.error_status.set_statuses(statuses)
            self.claim_status.set_statuses(statuses)
            self.exported_status.set_statuses(statuses)
        finally:
            self._loading = was_loading
        self.statuses_note.hide()
        self._changed()

    def show_statuses_note(self, text: str) -> None:
        self.statuses_note.setText(text)
        self.statuses_note.setVisible(bool(text))

    def _test_connection(self) -> None:
        self.test_result.setStyleSheet(style.color(style.TEXT_MUTED))
        self.test_result.setText(_(texts.TESTING_CONNECTION))
        self.test_button.setEnabled(False)
        self.test_connection_requested.emit(self.token.text().strip(), self.software_token.text())

    def show_connection_result(self, ok: bool, text: str) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setStyleSheet(style.color(style.GOOD if ok else style.BAD))
        self.test_result.setText(text)

    def focus_field(self, key: str) -> None:
        """Bring a field into view and mark it, for a fix that needs the planner's choice."""
        w = self.format_box if key == "export_format" else self._inputs[key]
        if key in URL_KEYS or key in ("client_id", "tenant_id", "proxy"):
            self.advanced_toggle.setChecked(True)
        target = self.sales_order if key == "export_format" else w
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(w)
        w.setStyleSheet(style.POINTED_FIELD)
