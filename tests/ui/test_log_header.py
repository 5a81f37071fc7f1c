"""The header's words and lights for each sign-in state."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vismadesk import messages
from vismadesk.ui.log_header import Light, LogHeader, connection_text, token_check
from vismadesk.visma.auth import AuthMode, AuthState, AuthStatus

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_connected_names_the_user_the_company_and_the_expiry(qtbot) -> None:
    state = AuthState(
        AuthStatus.CONNECTED,
        user="planner@example.nl",
        company="Installatiebedrijf Jansen",
        expires_at=NOW + dt.timedelta(hours=1),
        mode=AuthMode.INTERACTIVE,
    )
    head, detail = connection_text(state)
    assert head == "Connected as planner@example.nl to Installatiebedrijf Jansen"
    local = (NOW + dt.timedelta(hours=1)).astimezone()
    assert detail.startswith("token expires at ") and local.strftime("%H:%M") in detail
    header = LogHeader()
    qtbot.addWidget(header)
    header.show()
    header.set_state(state)
    assert header.disconnect_button.isVisible()
    assert not header.cancel_button.isVisible()


def test_a_sign_in_from_an_earlier_day_reads_naturally() -> None:
    head, detail = connection_text(AuthState(AuthStatus.CONNECTED, mode=AuthMode.INTERACTIVE))
    assert head == "Connected to VISMA.net"
    assert detail == "Signed in earlier; the token is renewed at the next action."


def test_signed_out_shows_the_last_failure(qtbot) -> None:
    state = AuthState(AuthStatus.SIGNED_OUT, error=messages.TOKEN_REFRESH_FAILED.text)
    assert connection_text(state) == ("Signed out of VISMA.net", messages.TOKEN_REFRESH_FAILED.text)
    header = LogHeader()
    qtbot.addWidget(header)
    header.show()
    header.set_state(state)
    assert header.login_button.isVisible()
    assert not header.disconnect_button.isVisible()


def test_the_token_light() -> None:
    connected = AuthState(AuthStatus.CONNECTED, user="u", company="c")
    valid = token_check(replace(connected, expires_at=NOW + dt.timedelta(minutes=30)), NOW)
    assert valid.light is Light.OK and valid.text.startswith("Token valid until")
    expired = token_check(replace(connected, expires_at=NOW - dt.timedelta(minutes=1)), NOW)
    assert expired.light is Light.WARN
    failing = token_check(replace(connected, error=messages.TOKEN_REFRESH_FAILED.text), NOW)
    assert failing.light is Light.BAD and failing.tooltip == messages.TOKEN_REFRESH_FAILED.text
    assert token_check(AuthState(AuthStatus.SIGNED_OUT), NOW).light is Light.BAD
