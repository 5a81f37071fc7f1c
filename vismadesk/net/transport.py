"""What the Visma and OutSmart clients share on the wire.

One `httpx.Client` per service with explicit timeouts and TLS verified; transport
failures turned into catalogue errors; a redacted excerpt of an exchange for the log
details; backoff with jitter for the retries that are safe to make.
"""

from __future__ import annotations

import contextlib
import email.utils
import functools
import json
import logging
import math
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx

from vismadesk import __version__, messages
from vismadesk.errors import AppError, NetworkError
from vismadesk.net import piecewise_json
from vismadesk.net.deadline import DeadlineClient, bound_transport
from vismadesk.net.proxy import proxy_mounts
from vismadesk.net.tls import os_trust_context, tls_error
from vismadesk.redact import RedactingFilter, redact

# Connect fast or say so; a slow ERP answer (big pages) gets longer.
TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=30.0, pool=30.0)
# However the bytes trickle in, one request (its body included) ends by then: the
# longest a big ERP page has been seen to take is well under a minute.
REQUEST_DEADLINE_S = 180.0
USER_AGENT = f"vismadesk/{__version__}"
# How much of a body goes into the log details: enough to read Visma's own words.
EXCERPT_CHARS = 2000
# Request headers worth showing in the details (never Authorization: it is masked anyway).
_SHOWN_RESPONSE_HEADERS = (
    "content-type",
    "location",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "ipp-request-id",
    "request-context",
    "x-request-id",
)

Sleep = Callable[[float], None]
# Bodies this big are decoded record by record, so other threads (the window) keep
# running meanwhile; smaller ones take less than a frame either way.
PIECEWISE_FROM_BYTES = 256 * 1024
MAX_RETRY_AFTER_S = 60.0
_mask_lock = threading.Lock()


# httpcore writes a request's headers and its body in separate sends. With Nagle's
# algorithm on, the body then waits for the peer to acknowledge the headers (a delayed
# ACK: up to 40 ms, or a whole round trip), so every POST and every request with a
# long bearer token took about twice as long as the network needs.
_SOCKET_OPTIONS = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # The OS certificate store (see `tls`), built once: loading a store takes 50-100 ms,
    # and a session (a test run even more) opens many clients.
    return os_trust_context()


def new_http_client(
    max_connections: int = 32, proxy: str = "", *, deadline_s: float = REQUEST_DEADLINE_S
) -> httpx.Client:
    """A pooled client for one service; shared by every thread of the session. `proxy`
    (the setting) overrides the system's proxy; see `proxy.proxy_mounts`."""
    mask_request_logs()
    limits = httpx.Limits(
        max_connections=max_connections, max_keepalive_connections=max_connections
    )
    tls = _tls_context()

    def transport(via: str | None = None) -> httpx.HTTPTransport:
        return bound_transport(
            httpx.HTTPTransport(
                verify=tls, limits=limits, socket_options=_SOCKET_OPTIONS, proxy=via
            )
        )

    mounts: dict[str, httpx.BaseTransport | None] = {
        pattern: None if via is None else transport(via)
        for pattern, via in proxy_mounts(proxy).items()
    }
    return DeadlineClient(
        deadline_s=deadline_s,
        timeout=TIMEOUT,
        verify=tls,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        limits=limits,
        transport=transport(),
        mounts=mounts,
    )


def _body_text(content: bytes, content_type: str) -> str:
    if not content:
        return ""
    text = content.decode("utf-8", errors="replace")
    if "json" in content_type:
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    # Masked before it is cut: cut first, a token across the cut keeps its head, and
    # neither the exact-secret match nor the patterns recognise the rest.
    text = redact(text)
    if len(text) > EXCERPT_CHARS:
        text = text[:EXCERPT_CHARS] + f"… ({len(content)} bytes)"
    return text


def exchange_excerpt(request: httpx.Request, response: httpx.Response | None = None) -> str:
    """The request and its answer as a planner's support desk would want them, redacted."""
    lines = [f"{request.method} {request.url}"]
    try:
        sent = request.content
    except httpx.RequestNotRead:
        sent = b""
    body = _body_text(sent, request.headers.get("content-type", ""))
    if body:
        lines.append(body)
    if response is not None:
        lines.append("")
        lines.append(f"HTTP {response.status_code} {response.reason_phrase}".rstrip())
        for name in _SHOWN_RESPONSE_HEADERS:
            if name in response.headers:
                lines.append(f"{name}: {response.headers[name]}")
        try:
            received = response.content
        except httpx.ResponseNotRead:
            received = b""
        text = _body_text(received, response.headers.get("content-type", ""))
        if text:
            lines.append(text)
    return redact("\n".join(lines))


def transport_error(service: str, exc: httpx.HTTPError) -> NetworkError:
    """A connection that failed or timed out, in the catalogue's words."""
    untrusted = tls_error(service, exc)
    if untrusted is not None:
        return untrusted
    request = getattr(exc, "_request", None)
    details: dict[str, Any] = {"error": f"{type(exc).__name__}: {redact(exc)}"}
    if request is not None:
        details["exchange"] = exchange_excerpt(request)
    code = (
        messages.TIMEOUT.code
        if isinstance(exc, httpx.TimeoutException)
        else messages.NETWORK_UNREACHABLE.code
    )
    return NetworkError(code, details, service=service)


def unexpected_response(service: str, response: httpx.Response, why: str) -> AppError:
    """An answer the client cannot read: an HTML error page, broken JSON, a wrong shape."""
    return AppError(
        messages.UNEXPECTED_RESPONSE.code,
        {
            "why": why,
            "status": response.status_code,
            "exchange": exchange_excerpt(response.request, response),
        },
        service=service,
    )


def looks_like_html(response: httpx.Response) -> bool:
    ctype = response.headers.get("content-type", "").lower()
    if "html" in ctype:
        return True
    head = response.content[:200].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))


def read_json(service: str, response: httpx.Response) -> Any:
    """The JSON body, or UNEXPECTED_RESPONSE saying what was there instead."""
    if looks_like_html(response):
        raise unexpected_response(service, response, "an HTML page instead of JSON")
    try:
        content = response.content
        if len(content) >= PIECEWISE_FROM_BYTES:
            return piecewise_json.loads(content)
        return response.json()
    except ValueError:
        raise unexpected_response(service, response, "the body is not valid JSON") from None


def retry_after_seconds(response: httpx.Response, default: float = 0.0) -> float:
    """How long a 429 or 503 asks to wait: Retry-After (seconds or an HTTP date), else
    the rate window's reset; capped, so a strange header (999999999, "inf", "nan")
    cannot park a run for hours."""
    raw = response.headers.get("retry-after", "").strip()
    if raw:
        try:
            return _capped_wait(float(raw))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, OverflowError):
            when = None
        if when is not None:
            return _capped_wait(when.timestamp() - time.time())
    try:
        return _capped_wait(float(response.headers["x-ratelimit-reset"]))
    except (KeyError, ValueError):
        return default


def _capped_wait(seconds: float) -> float:
    if math.isnan(seconds):
        return MAX_RETRY_AFTER_S
    return max(0.0, min(MAX_RETRY_AFTER_S, seconds))


def mask_request_logs() -> None:
    """httpx logs every request line at INFO, query string included (OutSmart's tokens
    travel there): mask them at the source, whatever handlers the application installs."""
    httpx_log = logging.getLogger("httpx")
    with _mask_lock:
        if not any(isinstance(f, RedactingFilter) for f in httpx_log.filters):
            httpx_log.addFilter(RedactingFilter())


class Backoff:
    """Capped exponential backoff with full jitter, so parallel retries spread out."""

    def __init__(
        self,
        base_s: float = 0.25,
        cap_s: float = 8.0,
        sleep: Sleep | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_s = base_s
        self.cap_s = cap_s
        self._sleep = sleep or _interruptible_sleep
        self._rng = rng or random.Random()
        self._lock = threading.Lock()

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap_s, self.base_s * (2**attempt))
        with self._lock:
            return self._rng.uniform(ceiling / 2, ceiling)

    def wait(self, attempt: int, at_least: float = 0.0) -> float:
        seconds = min(self.cap_s * 4, max(at_least, self.delay(attempt)))
        self._sleep(seconds)
        return seconds

    def sleep(self, seconds: float) -> None:
        self._sleep(seconds)


def _interruptible_sleep(seconds: float) -> None:
    # Event.wait instead of time.sleep: the same wait, but a KeyboardInterrupt in the
    # main thread is not held back for the whole period.
    threading.Event().wait(seconds)
