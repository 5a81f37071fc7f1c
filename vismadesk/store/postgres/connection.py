"""Reaching the team store: the connection string, the password, keepalives, and
what a connection problem is called.

The address comes from the `store_url` setting (no password in it); the password
from VISMADESK_STORE_PASSWORD, PGPASSWORD or the keyring, in that order. TLS options
(`sslmode`, `sslrootcert`, ...) in the address pass through to libpq unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from vismadesk.i18n import _
from vismadesk.keyring_store import SecretName, Secrets, SecretStoreError
from vismadesk.redact import register_secret
from vismadesk.store.errors import StoreUnavailable
from vismadesk.store.postgres.url import describe, url_problem

PASSWORD_ENV = "VISMADESK_STORE_PASSWORD"
URL_ENV = "VISMADESK_STORE_URL"
CONNECT_TIMEOUT_S = 10
# A console that loses power holds its run lock until the server notices the dead
# connection: probe an idle connection after 15 s, every 5 s, give up after 4 misses
# (about 35 s), on both ends; tcp_user_timeout bounds unacknowledged writes the same way.
KEEPALIVE = {
    "keepalives": 1,
    "keepalives_idle": 15,
    "keepalives_interval": 5,
    "keepalives_count": 4,
    "tcp_user_timeout": 35_000,
}
_SERVER_SETTINGS = (
    "-c TimeZone=UTC -c tcp_keepalives_idle=15 -c tcp_keepalives_interval=5 "
    "-c tcp_keepalives_count=4 -c tcp_user_timeout=35000"
)


def store_password(secrets: Secrets | None, env: Mapping[str, str]) -> str | None:
    """The team store's password, or None (libpq may still use ~/.pgpass or no password)."""
    for var in (PASSWORD_ENV, "PGPASSWORD"):
        if env.get(var):
            register_secret(env[var])
            return env[var]
    if secrets is None:
        return None
    try:
        return secrets.get(SecretName.STORE_PASSWORD)
    except SecretStoreError:
        # No keyring on this machine: a server authenticating by certificate or
        # ~/.pgpass needs none; one that wants a password says so when we connect.
        return None


def conninfo(url: str, password: str | None) -> str:
    """libpq's connection string for `url`, with our keepalives and session settings."""
    problem = url_problem(url)
    if problem:
        raise StoreUnavailable(_("The store_url setting {problem}.").format(problem=problem))
    params = conninfo_to_dict(url)
    extra: dict[str, object] = {k: v for k, v in KEEPALIVE.items() if k not in params}
    extra.setdefault("application_name", params.get("application_name") or "vismadesk")
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    # Times are read back in UTC whatever the server's own time zone is.
    extra["options"] = f"{params.get('options', '')} {_SERVER_SETTINGS}".strip()
    if password:
        extra["password"] = password
    return make_conninfo(url, **extra)  # type: ignore[arg-type]


def is_connection_error(e: BaseException, conn: psycopg.Connection | None = None) -> bool:
    """A lost or refused connection (not a query the server rejected)."""
    if not isinstance(e, psycopg.OperationalError):
        return False
    if conn is not None and (conn.broken or conn.closed):
        return True
    state = getattr(e, "sqlstate", None)
    # 08: connection exception, 57P: the server shutting down, 28: authentication,
    # 3D000: no such database. Without a connection: libpq's own failure to connect.
    return (state is None and conn is None) or bool(
        state and state.startswith(("08", "57P", "28", "3D000"))
    )


def unavailable(url: str, e: BaseException) -> StoreUnavailable:
    """The clear message for a team store that cannot be used just now."""
    reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    hint = (
        _("Store its password with `vismadesk store password` or set VISMADESK_STORE_PASSWORD.")
        if "password" in reason.lower()
        else _(
            "Check that the server runs and this computer can reach it (`vismadesk store check`)."
        )
    )
    return StoreUnavailable(
        _(
            "The team store {store} cannot be used: {reason}. No export starts without it. {hint}"
        ).format(store=describe(url), reason=reason, hint=hint)
    )
