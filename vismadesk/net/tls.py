"""TLS: the operating system's certificate store, and what a failed check means.

Certificates are checked against the OS store (`truststore`: Windows' and macOS's own,
the distribution's bundle on Linux), not a bundle shipped with the program, so a
company whose proxy inspects HTTPS traffic and whose IT installed its root
certificate on the computer just works. Where that root is not installed, the check
fails on a self-signed certificate in the chain: that failure gets a message of its
own, naming the cause and what to ask IT for, instead of "cannot connect".
"""

from __future__ import annotations

import ssl

import truststore

from vismadesk import messages
from vismadesk.errors import NetworkError
from vismadesk.redact import redact

# OpenSSL's X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT and _SELF_SIGNED_CERT_IN_CHAIN: what
# an intercepting proxy's certificate looks like to a computer without its root.
SELF_SIGNED = (18, 19)


def os_trust_context() -> ssl.SSLContext:
    ctx = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # truststore checks host names and the chain itself; these say so to readers.
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def certificate_failure(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check failure behind a connection error (httpx wraps it)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, ssl.SSLCertVerificationError):
            return current
        seen.add(id(current))
        nested = next((a for a in current.args if isinstance(a, BaseException)), None)
        current = current.__cause__ or current.__context__ or nested
    return None


def tls_error(service: str, exc: BaseException) -> NetworkError | None:
    """TLS_INTERCEPTED or TLS_UNTRUSTED for a failed certificate check; else None."""
    failure = certificate_failure(exc)
    if failure is None:
        return None
    reason = str(getattr(failure, "verify_message", "") or failure.reason or failure)
    details = {"error": f"{type(failure).__name__}: {redact(failure)}", "reason": reason}
    text = f"{reason} {failure}".lower()
    if getattr(failure, "verify_code", None) in SELF_SIGNED or "self-signed" in text:
        return NetworkError(messages.TLS_INTERCEPTED.code, details, service=service)
    return NetworkError(messages.TLS_UNTRUSTED.code, details, service=service, reason=reason)
