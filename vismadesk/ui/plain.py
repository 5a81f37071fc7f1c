"""Data shown as text, never as markup.

Codes, names and answers come from OutSmart and VISMA.net. A QLabel (or a tooltip)
guesses rich text from the first tag it sees, so a material code "<h1>PAID</h1>"
showed a big PAID, and links and images worked. Everything that shows data goes
through here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt  # the QtGui half of the namespace
from PySide6.QtWidgets import QLabel


def plain_label(text: str = "") -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def plain(label: QLabel) -> QLabel:
    """`label`, set to show whatever text it gets as plain text."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_tip(text: str) -> str:
    """A tooltip for `text` as it is. Tooltips have no text format of their own: Qt
    renders one as rich text when `mightBeRichText` says so, and then it goes in
    escaped (its line breaks kept); any other text is shown as it is anyway."""
    if not GuiQt.mightBeRichText(text):
        return text
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)
