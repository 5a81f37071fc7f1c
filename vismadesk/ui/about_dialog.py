"""Help → About vismadesk: name, version, icon, what it does, the licence."""

from __future__ import annotations

import platform

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vismadesk import __version__
from vismadesk.i18n import _
from vismadesk.ui import texts
from vismadesk.ui.icons import icon

ICON_PX = 64


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_(texts.ABOUT_TITLE))
        self.setWindowIcon(icon("app"))

        picture = QLabel()
        picture.setObjectName("aboutIcon")
        picture.setPixmap(icon("app").pixmap(ICON_PX, ICON_PX))
        picture.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.name_label = QLabel(f"<b style='font-size:16pt'>{texts.APP_TITLE}</b>")
        self.name_label.setObjectName("aboutName")
        self.version_label = QLabel(_(texts.ABOUT_VERSION).format(version=__version__))
        self.version_label.setObjectName("aboutVersion")
        self.version_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        description = QLabel(_(texts.ABOUT_DESCRIPTION))
        description.setWordWrap(True)
        self.licence_label = QLabel(_(texts.ABOUT_LICENCE))
        self.licence_label.setObjectName("aboutLicence")
        built = QLabel(
            _(texts.ABOUT_BUILT_WITH).format(
                qt=qVersion(), pyside=PySide6.__version__, python=platform.python_version()
            )
        )
        built.setObjectName("aboutBuiltWith")
        built.setEnabled(False)  # the quiet grey of a footnote

        words = QVBoxLayout()
        for label in (self.name_label, self.version_label, description, self.licence_label, built):
            words.addWidget(label)
        words.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(picture)
        top.addSpacing(12)
        top.addLayout(words, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_(texts.CLOSE))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
