"""The log header: who is connected, Login / Disconnect, and the seed's quick checks.

The quick checks ("Check these points before you go deeper") are five status
lights: connection active, token valid, settings saved, codes in step, work orders
ready for export. Each has a short text and a tooltip that says what to do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vismadesk.ui import texts
from vismadesk.ui.icons import icon
from vismadesk.visma.auth import AuthState, AuthStatus


class Light(StrEnum):
    OK = "ok"
    WARN = "warn"
    BAD = "bad"
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Check:
    light: Light
    text: str
    tooltip: str


LIGHT_NAMES = ("connection", "token", "settings", "codes", "ready")
LIGHT_TITLES = {
    "connection": texts.LIGHT_CONNECTION,
    "token": texts.LIGHT_TOKEN,
    "settings": texts.LIGHT_SETTINGS,
    "codes": texts.LIGHT_CODES,
    "ready": texts.LIGHT_READY,
}


def local_time(t: dt.datetime) -> str:
    local = t.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%d-%m %H:%M")


def connection_text(state: AuthState) -> tuple[str, str]:
    """(headline, detail) for the header."""
    if state.status is AuthStatus.SIGNING_IN:
        return texts.SIGNING_IN, ""
    if state.status is AuthStatus.CONNECTED:
        if state.user is None and state.company is None:
            # Signed in on an earlier day: who and where is known after the next call.
            return texts.CONNECTED, texts.CONNECTED_EARLIER
        head = texts.CONNECTED_AS.format(
            user=state.user or "your account", company=state.company or "your company"
        )
        detail = (
            texts.TOKEN_EXPIRES.format(time=local_time(state.expires_at))
            if state.expires_at
            else ""
        )
        return head, detail
    return texts.SIGNED_OUT, state.error or ""


def connection_check(state: AuthState) -> Check:
    if state.status is AuthStatus.CONNECTED:
        return Check(Light.OK, "Connection active", texts.CONNECTION_ACTIVE)
    if state.status is AuthStatus.SIGNING_IN:
        return Check(Light.WARN, "Signing in", texts.CONNECTION_WAITING)
    return Check(Light.BAD, "Not connected", texts.CONNECTION_INACTIVE)


def token_check(state: AuthState, now: dt.datetime | None = None) -> Check:
    now = now or dt.datetime.now(dt.UTC)
    if state.status is not AuthStatus.CONNECTED:
        return Check(Light.BAD, "No token", texts.TOKEN_NONE)
    if state.error:
        return Check(Light.BAD, "Token problem", state.error)
    if state.expires_at is None:
        return Check(Light.OK, "Token saved", texts.TOKEN_RENEWS.format(time="-"))
    when = local_time(state.expires_at)
    if state.expires_at > now:
        tip = texts.TOKEN_VALID_UNTIL.format(time=when)
        return Check(Light.OK, f"Token valid until {when}", tip)
    return Check(Light.WARN, "Token expired", texts.TOKEN_RENEWS.format(time=when))


class StatusLight(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"light_{name}")
        self.light = Light.OFF
        self.dot = QLabel()
        self.label = QLabel(LIGHT_TITLES[name])
        self.label.setObjectName(f"light_{name}_text")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(4)
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        self.set_check(Check(Light.OFF, LIGHT_TITLES[name], ""))

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
        self.setStyleSheet(
            "#logHeader { background: #F5F7FA; border: 1px solid #DCE2E8; border-radius: 6px; }"
        )
        self.headline = QLabel(texts.SIGNED_OUT)
        self.headline.setObjectName("connectionState")
        self.headline.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.detail = QLabel()
        self.detail.setObjectName("connectionDetail")
        self.detail.setStyleSheet("color: #5B6670;")
        self.detail.setWordWrap(True)
        self.login_button = QPushButton(icon("login"), texts.LOGIN)
        self.login_button.setObjectName("loginButton")
        self.disconnect_button = QPushButton(icon("disconnect"), texts.DISCONNECT)
        self.disconnect_button.setObjectName("disconnectButton")
        self.cancel_button = QPushButton(texts.CANCEL)
        self.cancel_button.setObjectName("cancelSignIn")
        self.copy_link = QPushButton(texts.COPY_SIGN_IN_ADDRESS)
        self.copy_link.setObjectName("copySignIn")
        self.copy_link.setFlat(True)
        self.copy_link.setStyleSheet("color: #2F5F8F; text-decoration: underline;")
        self.login_button.clicked.connect(self.login_clicked)
        self.disconnect_button.clicked.connect(self.disconnect_clicked)
        self.cancel_button.clicked.connect(self.cancel_sign_in_clicked)
        self.copy_link.clicked.connect(self.copy_sign_in_clicked)

        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.headline)
        words.addWidget(self.detail)
        top = QHBoxLayout()
        top.addLayout(words, 1)
        top.addWidget(self.copy_link)
        top.addWidget(self.cancel_button)
        top.addWidget(self.login_button)
        top.addWidget(self.disconnect_button)

        self.lights = {name: StatusLight(name) for name in LIGHT_NAMES}
        checks = QHBoxLayout()
        checks.setSpacing(6)
        for name in LIGHT_NAMES:
            checks.addWidget(self.lights[name])
        checks.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addLayout(checks)
        self.set_state(AuthState(AuthStatus.SIGNED_OUT))

    def set_state(self, state: AuthState, *, busy: bool = False) -> None:
        head, detail = connection_text(state)
        self.headline.setText(head)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        signing_in = state.status is AuthStatus.SIGNING_IN
        connected = state.status is AuthStatus.CONNECTED
        self.cancel_button.setVisible(signing_in)
        self.copy_link.setVisible(signing_in)
        self.login_button.setVisible(not signing_in)
        self.login_button.setEnabled(not busy)
        self.disconnect_button.setVisible(connected)
        self.disconnect_button.setEnabled(not busy)
        color = {"connected": "#2E7D45", "signing_in": "#B26A00"}.get(state.status.value, "#333")
        self.headline.setStyleSheet(f"font-weight: 600; font-size: 11pt; color: {color};")
        self.headline.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def set_check(self, name: str, check: Check) -> None:
        self.lights[name].set_check(check)
