"""The troubleshooting page's quick checks, worked out: what each light in the log header says.

"Check these points before you go deeper: the connection is still active, the
authentication token is still valid, the correct import or export settings are
saved, the customer and material codes still match, the work order is ready for
export." Each check is a light (ok, warn, bad, off), a short text and a tooltip
that says what to do. No Qt here: the header only shows what these return.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from vismadesk.config import Settings
from vismadesk.ui import texts
from vismadesk.visma.auth import AuthState, AuthStatus

CODES_STALE_AFTER = dt.timedelta(hours=24)
_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


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
        company = state.company or texts.YOUR_COMPANY
        parts = []
        if _GUID.fullmatch(company):
            # Visma Connect names the company only by its tenant id: show the start of
            # it in the headline and the whole id below, where it can be compared.
            parts.append(texts.COMPANY_TENANT.format(tenant=company))
            company = texts.COMPANY_SHORT.format(start=company[:8])
        head = texts.CONNECTED_AS.format(user=state.user or texts.YOUR_ACCOUNT, company=company)
        if state.expires_at:
            parts.insert(0, texts.TOKEN_EXPIRES.format(time=local_time(state.expires_at)))
        return head, " · ".join(parts)
    return texts.SIGNED_OUT, state.error or ""


def connection_check(state: AuthState) -> Check:
    if state.status is AuthStatus.CONNECTED:
        return Check(Light.OK, texts.CHECK_CONNECTED, texts.CONNECTION_ACTIVE)
    if state.status is AuthStatus.SIGNING_IN:
        return Check(Light.WARN, texts.CHECK_SIGNING_IN, texts.CONNECTION_WAITING)
    return Check(Light.BAD, texts.CHECK_NOT_CONNECTED, texts.CONNECTION_INACTIVE)


def token_check(state: AuthState, now: dt.datetime | None = None) -> Check:
    now = now or dt.datetime.now(dt.UTC)
    if state.status is not AuthStatus.CONNECTED:
        return Check(Light.BAD, texts.CHECK_NO_TOKEN, texts.TOKEN_NONE)
    if state.error:
        return Check(Light.BAD, texts.CHECK_TOKEN_PROBLEM, state.error)
    if state.expires_at is None:
        return Check(Light.OK, texts.CHECK_TOKEN_SAVED, texts.TOKEN_RENEWS.format(time="-"))
    when = local_time(state.expires_at)
    if state.expires_at > now:
        tip = texts.TOKEN_VALID_UNTIL.format(time=when)
        return Check(Light.OK, texts.CHECK_TOKEN_VALID.format(time=when), tip)
    return Check(Light.WARN, texts.CHECK_TOKEN_EXPIRED, texts.TOKEN_RENEWS.format(time=when))


def settings_check(settings: Settings, *, unsaved: bool) -> Check:
    if unsaved:
        return Check(Light.WARN, texts.UNSAVED, texts.SETTINGS_UNSAVED)
    if settings.export_format is None:
        return Check(Light.BAD, texts.CHECK_NO_FORMAT, texts.SETTINGS_NO_FORMAT)
    return Check(Light.OK, texts.CHECK_SETTINGS_SAVED, texts.SETTINGS_OK)


def codes_check(
    relations_synced: dt.datetime | None,
    materials_synced: dt.datetime | None,
    now: dt.datetime | None = None,
) -> Check:
    """In step when both syncs ran within the last day (the sync cursors' times)."""

    def shown(t: dt.datetime | None) -> str:
        return t.astimezone().strftime("%d-%m %H:%M") if t else texts.CODES_NEVER

    tip = texts.CODES_SYNCED.format(
        relations=shown(relations_synced), materials=shown(materials_synced)
    )
    if relations_synced is None or materials_synced is None:
        return Check(Light.WARN, texts.CHECK_CODES_NEVER, f"{tip} {texts.CODES_RUN_SYNC}")
    oldest = min(relations_synced, materials_synced)
    if (now or dt.datetime.now(dt.UTC)) - oldest > CODES_STALE_AFTER:
        return Check(Light.WARN, texts.CHECK_CODES_OLD, f"{tip} {texts.CODES_STALE}")
    return Check(Light.OK, texts.CHECK_CODES_SYNCED.format(time=local_time(oldest)), tip)


def ready_check(counts: tuple[int, int] | None) -> Check:
    """(ready for export, in the error status) as OutSmart last listed them."""
    if counts is None:
        return Check(Light.OFF, texts.CHECK_READY_UNKNOWN, texts.READY_UNKNOWN)
    ready, failed = counts
    tip = texts.READY_COUNT.format(ready=ready, error=failed)
    shown = texts.CHECK_READY_AND_ERRORS if failed else texts.CHECK_READY
    text = shown.format(ready=ready, error=failed)
    return Check(Light.WARN if failed else Light.OK, text, tip)
