"""The `store_url` setting: what a team store address may hold, and how it is shown.

No driver here (the settings check uses it without loading psycopg).
A password never goes in the address (the settings file is not a secret store); it
comes from the keyring or the environment (`credentials.py`).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from vismadesk.i18n import _

SCHEMES = ("postgresql", "postgres")
DEFAULT_PORT = 5432
# libpq parameters that carry a secret or point at one, refused in the address.
_SECRET_PARAMS = {"password", "passfile"}


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a team store address, or None (empty means: this PC only)."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as e:
        return _("not a valid address ({problem})").format(problem=e)
    if parts.scheme not in SCHEMES:
        return _("expected postgresql://user@server:5432/database, or empty for this PC only")
    if parts.password is not None:
        return _(
            "must not hold a password: store it with `vismadesk store password` (the keyring) "
            "or set VISMADESK_STORE_PASSWORD"
        )
    query = {k.lower() for k, _v in parse_qsl(parts.query, keep_blank_values=True)}
    if query & _SECRET_PARAMS:
        return _("must not hold a password: store it with `vismadesk store password` instead")
    if not parts.hostname and "host" not in query:
        return _("names no server: postgresql://user@server:5432/database")
    if not parts.path.strip("/") and "dbname" not in query:
        return _("names no database: postgresql://user@server:5432/database")
    return None


def describe(url: str) -> str:
    """`user@server:port/database` for messages and the window (nothing secret in it)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    user = unquote(parts.username) if parts.username else query.get("user", "")
    host = parts.hostname or query.get("host", "")
    port = parts.port or int(query.get("port", DEFAULT_PORT))
    db = unquote(parts.path.strip("/")) or query.get("dbname", "")
    who = f"{user}@" if user else ""
    return f"{who}{host}:{port}/{db}"
