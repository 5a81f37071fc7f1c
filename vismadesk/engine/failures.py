"""Which failures belong to a work order, and which belong to the connection.

A work order with a bad material gets the error work status; a work order that
met a dropped connection does not: it is tried again, because nothing is wrong
with it. Sign-in failures stop the whole run, since every next call would fail
the same way.
"""

from __future__ import annotations

from vismadesk import messages
from vismadesk.domain import ExitCode
from vismadesk.errors import AppError, AuthError, NetworkError, VismaApiError

_TRANSIENT_CODES = {
    messages.NETWORK_UNREACHABLE.code,
    messages.TIMEOUT.code,
    messages.RATE_LIMITED.code,
    messages.OUTSMART_RATE_LIMITED.code,
    messages.UNEXPECTED_RESPONSE.code,
}
_STOP_CODES = {
    messages.OUTSMART_TOKEN_REJECTED.code,
    messages.OUTSMART_TOKENS_MISSING.code,
    messages.KEYRING_UNAVAILABLE.code,
    # Without readable master data every work order would fail for nothing.
    messages.MASTER_DATA_UNREADABLE.code,
    # Every next call meets the same certificate: one clear message, not a retry each.
    messages.TLS_INTERCEPTED.code,
    messages.TLS_UNTRUSTED.code,
}


def is_transient(err: AppError) -> bool:
    if isinstance(err, NetworkError) or err.code in _TRANSIENT_CODES:
        return True
    return isinstance(err, VismaApiError) and (err.status >= 500 or err.status in (408, 429))


def stops_run(err: AppError) -> bool:
    return isinstance(err, AuthError) or err.code in _STOP_CODES


def exit_code(err: AppError) -> ExitCode:
    """How a run that met `err` ends: a stopping error is a configuration or sign-in
    problem; any other leaves some of the work failed."""
    return ExitCode.CONFIG if stops_run(err) else ExitCode.SOME_FAILED
