"""Help → Troubleshooting: OutSmart's "Troubleshoot VISMA.net" page, in the window's language.

The steps, the quick checks, the common error messages with their fixes (from the
message catalogue, so they read exactly as the log shows them) and the frequently
asked questions. Built when opened, so it is in the language chosen now.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from vismadesk import messages
from vismadesk.i18n import _
from vismadesk.ui import texts

# The troubleshooting page writes its messages with X and Y.
_PLACEHOLDERS = {"material": "X", "relation": "X", "work_order": "Y"}


def help_html() -> str:
    """The page as HTML, in the language chosen now."""
    parts = [f"<h2>{escape(_(texts.HELP_TITLE))}</h2>", f"<p>{escape(_(texts.HELP_INTRO))}</p>"]
    parts.append(f"<h3>{escape(_(texts.HELP_STEPS_TITLE))}</h3><ol>")
    parts += [f"<li>{escape(_(step))}</li>" for step in texts.HELP_STEPS]
    parts.append("</ol>")
    parts.append(f"<h3>{escape(_(texts.HELP_QUICK_CHECKS_TITLE))}</h3>")
    parts.append(f"<p>{escape(_(texts.HELP_QUICK_CHECKS_INTRO))}</p><ul>")
    parts += [f"<li>{escape(_(check))}</li>" for check in texts.HELP_QUICK_CHECKS]
    parts.append("</ul>")
    parts.append(f"<h3>{escape(_(texts.HELP_MESSAGES_TITLE))}</h3>")
    parts.append(f"<p>{escape(_(texts.HELP_MESSAGES_INTRO))}</p><dl>")
    for msg in messages.seed_messages():
        values = {f: _PLACEHOLDERS.get(f, "X") for f in msg.fields}
        parts.append(f"<dt><b>{escape(msg.shown(values))}</b></dt>")
        parts.append(f"<dd>{escape(msg.hint_shown(values))}</dd>")
    parts.append("</dl>")
    parts.append(f"<h3>{escape(_(texts.HELP_FAQ_TITLE))}</h3>")
    for question, answer in texts.HELP_FAQ:
        asked = _(question).format(message=messages.NOTHING_TO_DO.text)
        parts.append(f"<p><b>{escape(asked)}</b><br>{escape(_(answer))}</p>")
    return "\n".join(parts)


class HelpDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle(_(texts.HELP_TITLE))
        self.setModal(False)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(help_html())
        buttons = QDialogButtonBox()
        close = buttons.addButton(_(texts.CLOSE), QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)
