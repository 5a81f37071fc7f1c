"""The header's words and the quick-check lights."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from vismadesk import messages
from vismadesk.ui.log_header import LogHeader
from vismadesk.ui.quick_checks import Light, codes_check, connection_text, ready_check, token_check
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
    assert connection_text(state) == (
        "Not signed in to VISMA.net",
        messages.TOKEN_REFRESH_FAILED.text,
    )
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


def test_codes_are_in_step_when_both_syncs_ran_within_a_day() -> None:
    assert codes_check(None, NOW, NOW).light is Light.WARN
    recent = codes_check(NOW - dt.timedelta(hours=2), NOW - dt.timedelta(hours=1), NOW)
    assert recent.light is Light.OK and recent.text.startswith("Codes synced")
    stale = codes_check(NOW - dt.timedelta(days=3), NOW, NOW)
    assert stale.light is Light.WARN and "Sync all" in stale.tooltip


def test_ready_counts_warn_about_work_orders_in_the_error_status() -> None:
    assert ready_check(None).light is Light.OFF
    assert ready_check((12, 0)).text == "12 ready"
    both = ready_check((12, 3))
    assert both.light is Light.WARN and both.text == "12 ready, 3 in error"


def test_a_company_known_only_by_its_tenant_id_is_shortened_in_the_headline() -> None:
    from vismadesk.ui.quick_checks import connection_text

    tenant = "d92af996-6555-587e-0d25-689781495ffe"
    head, detail = connection_text(
        AuthState(AuthStatus.CONNECTED, user="planner@example.nl", company=tenant)
    )
    assert head == "Connected as planner@example.nl to company d92af996…"
    assert tenant in detail
