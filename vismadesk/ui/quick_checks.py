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
from vismadesk.i18n import _, format_datetime, format_number, format_time
from vismadesk.messages import translated
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
    """The time on the local clock, with the date (as the language writes it) when it is
    not today."""
    local = t.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return format_time(local)
    return format_datetime(local)


class Headline(StrEnum):
    """How the header's headline reads: the colour it gets."""

    PLAIN = "plain"
    GOOD = "good"
    PENDING = "pending"
    BAD = "bad"


def connection_text(state: AuthState, trouble: str | None = None) -> tuple[str, str]:
    """(headline, detail) for the header. `trouble`: what VISMA.net last answered when
    its answers were errors (the session is fine, the service is not)."""
    return connection_headline(state, trouble)[:2]


def connection_headline(state: AuthState, trouble: str | None = None) -> tuple[str, str, Headline]:
    """(headline, detail, its colour) for the header."""
    if state.status is AuthStatus.SIGNING_IN:
        return _(texts.SIGNING_IN), "", Headline.PENDING
    if state.status is AuthStatus.CONNECTED:
        if state.error:
            # Signed in, but the token cannot be renewed: not "Connected" in green.
            return _(texts.CONNECTION_PROBLEM), translated(state.error), Headline.BAD
        if trouble:
            what = texts.SERVICE_TROUBLE_DETAIL
            return _(texts.SERVICE_TROUBLE), _(what).format(what=trouble), Headline.PENDING
        if state.user is None and state.company is None:
            # Signed in on an earlier day: who and where is known after the next call.
            return _(texts.CONNECTED), _(texts.CONNECTED_EARLIER), Headline.GOOD
        company = state.company or _(texts.YOUR_COMPANY)
        parts = []
        if _GUID.fullmatch(company):
            # Visma Connect names the company only by its tenant id: show the start of
            # it in the headline and the whole id below, where it can be compared.
            parts.append(_(texts.COMPANY_TENANT).format(tenant=company))
            company = _(texts.COMPANY_SHORT).format(start=company[:8])
        user = state.user or _(texts.YOUR_ACCOUNT)
        head = _(texts.CONNECTED_AS).format(user=user, company=company)
        if state.expires_at:
            parts.insert(0, _(texts.TOKEN_EXPIRES).format(time=local_time(state.expires_at)))
        return head, " · ".join(parts), Headline.GOOD
    return _(texts.NOT_SIGNED_IN), translated(state.error or ""), Headline.PLAIN


def connection_check(state: AuthState, trouble: str | None = None) -> Check:
    if state.status is AuthStatus.CONNECTED:
        if trouble:
            tip = _(texts.CONNECTION_TROUBLE).format(what=trouble)
            return Check(Light.WARN, _(texts.CHECK_SERVICE_TROUBLE), tip)
        return Check(Light.OK, _(texts.CHECK_CONNECTED), _(texts.CONNECTION_ACTIVE))
    if state.status is AuthStatus.SIGNING_IN:
        return Check(Light.WARN, _(texts.CHECK_SIGNING_IN), _(texts.CONNECTION_WAITING))
    return Check(Light.BAD, _(texts.CHECK_NOT_CONNECTED), _(texts.CONNECTION_INACTIVE))


def token_check(state: AuthState, now: dt.datetime | None = None) -> Check:
    now = now or dt.datetime.now(dt.UTC)
    if state.status is not AuthStatus.CONNECTED:
        return Check(Light.BAD, _(texts.CHECK_NO_TOKEN), _(texts.TOKEN_NONE))
    if state.error:
        return Check(Light.BAD, _(texts.CHECK_TOKEN_PROBLEM), translated(state.error))
    if state.expires_at is None:
        return Check(Light.OK, _(texts.CHECK_TOKEN_SAVED), _(texts.TOKEN_RENEWS).format(time="-"))
    when = local_time(state.expires_at)
    if state.expires_at > now:
        tip = _(texts.TOKEN_VALID_UNTIL).format(time=when)
        return Check(Light.OK, _(texts.CHECK_TOKEN_VALID).format(time=when), tip)
    return Check(Light.WARN, _(texts.CHECK_TOKEN_EXPIRED), _(texts.TOKEN_RENEWS).format(time=when))


def settings_check(settings: Settings, *, unsaved: bool) -> Check:
    if unsaved:
        return Check(Light.WARN, _(texts.UNSAVED), _(texts.SETTINGS_UNSAVED))
    if settings.export_format is None:
        return Check(Light.BAD, _(texts.CHECK_NO_FORMAT), _(texts.SETTINGS_NO_FORMAT))
    return Check(Light.OK, _(texts.CHECK_SETTINGS_SAVED), _(texts.SETTINGS_OK))


def codes_check(
    relations_synced: dt.datetime | None,
    materials_synced: dt.datetime | None,
    now: dt.datetime | None = None,
) -> Check:
    """In step when both syncs ran within the last day (the sync cursors' times)."""

    def shown(t: dt.datetime | None) -> str:
        return format_datetime(t) if t else _(texts.CODES_NEVER)

    tip = _(texts.CODES_SYNCED).format(
        relations=shown(relations_synced), materials=shown(materials_synced)
    )
    if relations_synced is None or materials_synced is None:
        return Check(Light.WARN, _(texts.CHECK_CODES_NEVER), f"{tip} {_(texts.CODES_RUN_SYNC)}")
    oldest = min(relations_synced, materials_synced)
    if (now or dt.datetime.now(dt.UTC)) - oldest > CODES_STALE_AFTER:
        return Check(Light.WARN, _(texts.CHECK_CODES_OLD), f"{tip} {_(texts.CODES_STALE)}")
    return Check(Light.OK, _(texts.CHECK_CODES_SYNCED).format(time=local_time(oldest)), tip)


def ready_check(counts: tuple[int, int] | None) -> Check:
    """(ready for export, in the error status) as OutSmart last listed them."""
    if counts is None:
        return Check(Light.OFF, _(texts.CHECK_READY_UNKNOWN), _(texts.READY_UNKNOWN))
    ready, failed = (format_number(n) for n in counts)
    tip = _(texts.READY_COUNT).format(ready=ready, error=failed)
    shown = texts.CHECK_READY_AND_ERRORS if counts[1] else texts.CHECK_READY
    text = _(shown).format(ready=ready, error=failed)
    return Check(Light.WARN if counts[1] else Light.OK, text, tip)
