"""The log header: who is connected, Login / Disconnect, and the quick-check lights.

What each light says is worked out in `quick_checks`; this module only shows it. The
headline wraps and the lights flow onto a second row, so the header fits a 1024-pixel
screen (and 1280 pixels at 150 %) with Login and Disconnect always in view.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vismadesk.i18n import _
from vismadesk.ui import style, texts
from vismadesk.ui.actions import RunKind, label, run_icon
from vismadesk.ui.flow_layout import FlowLayout
from vismadesk.ui.icons import icon
from vismadesk.ui.plain import plain_label
from vismadesk.ui.quick_checks import (
    LIGHT_NAMES,
    LIGHT_TITLES,
    Check,
    Headline,
    Light,
    connection_headline,
)
from vismadesk.visma.auth import AuthState, AuthStatus

_HEADLINE_COLOURS = {
    Headline.PLAIN: style.TEXT,
    Headline.GOOD: style.GOOD,
    Headline.PENDING: style.PENDING,
    Headline.BAD: style.BAD,
}


# A word this long (an e-mail address, a tenant ID) may break after its punctuation.
_LONG_WORD = re.compile(r"\S{20,}")
_BREAK_AFTER = re.compile(r"([@.\-_/])(?=\S)")


def breakable(text: str) -> str:
    """`text` with a zero-width space after the punctuation of its long words: a wrapping
    QLabel breaks only between words, so "planner@installatiebedrijf-de-vries.nl" at
    150 % was cut off at the edge instead of going on the next line."""
    return _LONG_WORD.sub(lambda m: _BREAK_AFTER.sub("\\1\u200b", m.group()), text)


def _wrapping() -> QSizePolicy:
    """A label that takes the width it is given and grows in height to wrap in it."""
    policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    policy.setHeightForWidth(True)
    return policy


class StatusLight(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName(f"light_{name}")
        self.light = Light.OFF
        self.dot = QLabel()
        self.label = QLabel()
        self.label.setObjectName(f"light_{name}_text")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        self.set_check(Check(Light.OFF, _(LIGHT_TITLES[name]), ""))

    def set_check(self, check: Check) -> None:
        self.light = check.light
        self.dot.setPixmap(icon(f"light-{check.light.value}").pixmap(12, 12))
        self.label.setText(check.text)
        self.setToolTip(check.tooltip)
        self.setAccessibleName(f"{check.text}: {check.tooltip}")


class LogHeader(QFrame):
    login_clicked = Signal()
    disconnect_clicked = Signal()
    cancel_sign_in_clicked = Signal()
    copy_sign_in_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("logHeader")
        self.setStyleSheet(style.LOG_HEADER)
        # The user's and the company's names come from VISMA.net: text, not markup.
        self.headline = plain_label()
        self.headline.setObjectName("connectionState")
        self.headline.setStyleSheet(style.HEADLINE)
        # A long "Connected as ... to ..." wraps instead of widening the window.
        self.headline.setWordWrap(True)
        self.headline.setSizePolicy(_wrapping())
        self.detail = plain_label()
        self.detail.setObjectName("connectionDetail")
        self.detail.setStyleSheet(style.color(style.TEXT_MUTED))
        self.detail.setWordWrap(True)
        self.detail.setSizePolicy(_wrapping())
        self.login_button = QPushButton(run_icon(RunKind.LOGIN), "")
        self.login_button.setObjectName("loginButton")
        self.disconnect_button = QPushButton(run_icon(RunKind.DISCONNECT), "")
        self.disconnect_button.setObjectName("disconnectButton")
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("cancelSignIn")
        self.copy_link = QPushButton()
        self.copy_link.setObjectName("copySignIn")
        self.copy_link.setFlat(True)
        self.copy_link.setStyleSheet(style.LINK_BUTTON)
        self.login_button.clicked.connect(self.login_clicked)
        self.disconnect_button.clicked.connect(self.disconnect_clicked)
        self.cancel_button.clicked.connect(self.cancel_sign_in_clicked)
        self.copy_link.clicked.connect(self.copy_sign_in_clicked)

        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        for b in (self.copy_link, self.cancel_button, self.login_button, self.disconnect_button):
            buttons.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        top = QHBoxLayout()
        top.addLayout(words, 1)
        top.addLayout(buttons)

        # Another process (a scheduled export, a second window) holds the profile.
        self.held_note = QLabel()
        self.held_note.setObjectName("profileHeld")
        self.held_note.setWordWrap(True)
        self.held_note.setStyleSheet(style.color(style.PENDING))
        self.held_note.hide()

        self.lights = {name: StatusLight(name) for name in LIGHT_NAMES}
        checks = FlowLayout(spacing=6)
        for name in LIGHT_NAMES:
            checks.addWidget(self.lights[name])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.held_note)
        layout.addLayout(checks)
        self._state = AuthState(AuthStatus.SIGNED_OUT)
        self._busy = False
        self._trouble: str | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.login_button.setText(label(RunKind.LOGIN))
        self.disconnect_button.setText(label(RunKind.DISCONNECT))
        self.cancel_button.setText(_(texts.CANCEL))
        self.copy_link.setText(_(texts.COPY_SIGN_IN_ADDRESS))
        self.set_state(self._state, busy=self._busy, trouble=self._trouble)

    def set_state(
        self, state: AuthState, *, busy: bool = False, trouble: str | None = None
    ) -> None:
        """`trouble`: what VISMA.net last answered, while its answers are errors."""
        self._state, self._busy, self._trouble = state, busy, trouble
        head, detail, tone = connection_headline(state, trouble)
        self.headline.setText(breakable(head))
        self.detail.setText(breakable(detail))
        self.detail.setVisible(bool(detail))
        signing_in = state.status is AuthStatus.SIGNING_IN
        connected = state.status is AuthStatus.CONNECTED
        self.cancel_button.setVisible(signing_in)
        self.copy_link.setVisible(signing_in)
        self.login_button.setVisible(not signing_in)
        self.login_button.setEnabled(not busy)
        self.disconnect_button.setVisible(connected)
        self.disconnect_button.setEnabled(not busy)
        self.headline.setStyleSheet(style.headline(_HEADLINE_COLOURS[tone]))
        self.headline.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def set_held(self, text: str | None) -> None:
        """Say that another run holds the profile (`text`), or that none does (None)."""
        self.held_note.setText(text or "")
        self.held_note.setVisible(bool(text))

    def set_check(self, name: str, check: Check) -> None:
        self.lights[name].set_check(check)
