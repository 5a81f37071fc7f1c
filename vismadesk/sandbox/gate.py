"""The gate every request to an emulated service passes, and the faults it applies.

The gate (an ASGI middleware around each service) counts the request under its path
template, works out the faults for it (the global settings, overridden by any aimed
fault that hits it; see `faults.py`), then applies them in the order a real network
would show them:
latency, rate limit, a 500/503, a dropped connection, and for POSTs a lost response
(the handler runs and commits, then the connection is cut). It also puts the
`X-RateLimit-*` headers on every response. `/_sandbox/` never passes the gate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match, Router
from starlette.types import Message, Receive, Scope, Send

from vismadesk.sandbox.faults import AimedFault, Faults
from vismadesk.sandbox.wire import visma_id

# Reported as the limit when no rate limit is set: nothing is enforced, but a client
# still sees the headers it would see from Visma.net.
UNLIMITED = 1_000_000


@dataclass
class Window:
    """A fixed rate-limit window for one service, as Visma.net counts them."""

    started: float = 0.0
    count: int = 0


@dataclass
class Gatekeeper:
    """Shared by the service gates: the fault settings, counters and the dice."""

    faults: Faults
    seed: int = 1
    aims: dict[tuple[str | None, str | None], AimedFault] = field(default_factory=dict)
    # Finds the connection of a request so it can be cut (set by the server).
    find_transport: Callable[[Scope], Any] = lambda _scope: None
    clock: Callable[[], float] = time.monotonic
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: Counter[str] = field(default_factory=Counter)
    windows: dict[str, Window] = field(default_factory=dict)
    rnd: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)

    def reset(self, faults: Faults, aims: list[AimedFault] | None = None) -> None:
        with self.lock:
            self.faults = faults
            self.aims = {a.key: a for a in aims or []}
            self.requests.clear()
            self.windows.clear()
            self.rnd = random.Random(self.seed)

    def faults_for(self, service: str, target: str) -> Faults:
        """The settings for one request (call with the lock held): the global ones,
        then every aim that hits it, in the order they were first aimed."""
        faults = self.faults.copy()
        for aim in self.aims.values():
            if aim.hits(service, target):
                faults = aim.over(faults)
        return faults

    def roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self.lock:
            return self.rnd.random() < rate

    def admit(self, service: str) -> tuple[bool, list[tuple[bytes, bytes]]]:
        """Count one request in its service's window; (allowed, X-RateLimit-* headers)."""
        with self.lock:
            limit, window_s = self.faults.rate_limit, self.faults.rate_window_s
            now = self.clock()
            win = self.windows.setdefault(service, Window(now, 0))
            if now - win.started >= window_s:
                win.started, win.count = now, 0
            win.count += 1
            shown = limit or UNLIMITED
            allowed = not limit or win.count <= limit
            reset = max(1, math.ceil(win.started + window_s - now))
        headers = [
            (b"x-ratelimit-limit", str(shown).encode()),
            (b"x-ratelimit-remaining", str(max(0, shown - win.count)).encode()),
            (b"x-ratelimit-reset", str(reset).encode()),
            (b"x-ratelimit-policy", f"{shown};w={window_s}".encode()),
        ]
        return allowed, headers


# How a service answers a path it does not have or a method a path does not take,
# in its own error shape: (status, path) -> ASGI app that sends the response.
HttpErrorRenderer = Callable[[int, str], Any]


class ServiceGate:
    """ASGI middleware around one service's router."""

    def __init__(
        self,
        app: Router,
        service: str,
        keeper: Gatekeeper,
        on_http_error: HttpErrorRenderer | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.keeper = keeper
        self.on_http_error = on_http_error

    def template(self, scope: Scope) -> str:
        for route in self.app.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return getattr(route, "path", "?")
        return scope.get("path", "?")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        keeper = self.keeper
        method = scope["method"]
        key = f"{self.service} {method} {self.template(scope)}"
        with keeper.lock:
            keeper.requests[key] += 1
            faults = keeper.faults_for(self.service, _target(scope))

        if faults.latency_ms:
            # Awaited, not slept: concurrent requests overlap as they would on a network.
            await asyncio.sleep(faults.latency_ms / 1000)

        allowed, rl_headers = keeper.admit(self.service)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = dict(message)
                message["headers"] = list(message.get("headers", [])) + rl_headers
            await send(message)

        if not allowed:
            await self._too_many(send_with_headers, rl_headers)
            return
        if keeper.roll(faults.error_rate):
            await self._server_error(send_with_headers)
            return
        if keeper.roll(faults.drop_rate):
            await self._drop(scope)
            return
        if method == "POST" and keeper.roll(faults.lost_response_rate):

            async def swallow(message: Message) -> None:
                return None

            with contextlib.suppress(ClientDisconnect):
                await self.app(scope, receive, swallow)
            await self._drop(scope)
            return
        try:
            await self.app(scope, receive, send_with_headers)
        except ClientDisconnect:
            # The client went away mid-request (a killed process): nothing to answer.
            return
        except HTTPException as e:
            # Starlette's own 404/405 would bypass this gate's headers and speak plain
            # text; the real services answer in their own error shape, headers included.
            if self.on_http_error is None:
                raise
            await self.on_http_error(e.status_code, scope.get("path", ""))(
                scope, receive, send_with_headers
            )

    async def _drop(self, scope: Scope) -> None:
        transport = self.keeper.find_transport(scope)
        if transport is not None:
            transport.abort()
        # Let the server notice the lost connection before this request ends, so it
        # does not try to answer with a 500 of its own.
        for _ in range(3):
            await asyncio.sleep(0)

    async def _too_many(self, send: Send, rl_headers: list[tuple[bytes, bytes]]) -> None:
        reset = dict(rl_headers)[b"x-ratelimit-reset"]
        body = json.dumps(
            {
                "statusCode": 429,
                "message": f"Rate limit is exceeded. Try again in {reset.decode()} seconds.",
            }
        ).encode()
        await _respond(send, 429, body, b"application/json", [(b"retry-after", reset)])

    async def _server_error(self, send: Send) -> None:
        with self.keeper.lock:
            status = self.keeper.rnd.choice([500, 503])
            as_html = self.keeper.rnd.random() < 0.5
        if as_html:
            title = "500 Internal Server Error" if status == 500 else "503 Service Unavailable"
            body = (
                f"<html><head><title>{title}</title></head><body><h1>{title}</h1>"
                "<p>The server encountered a temporary error.</p></body></html>"
            ).encode()
            await _respond(send, status, body, b"text/html; charset=utf-8")
            return
        if status == 500:
            payload: dict[str, Any] = {
                "ExceptionType": "System.Exception",
                "ExceptionMessage": f"VismaId: {visma_id()}. An unexpected error occurred.",
                "ExceptionFaultCode": "12008",
                "ExceptionMessageID": "12008_" + visma_id(),
                "ExceptionDetails": "",
            }
        else:
            payload = {"message": f"VismaId: {visma_id()}. The service is temporarily unavailable."}
        await _respond(send, status, json.dumps(payload).encode(), b"application/json")


def _target(scope: Scope) -> str:
    """Path and query as the client sent them, for an aimed fault's `match`."""
    raw = scope.get("raw_path") or scope.get("path", "").encode()
    path = raw.decode("latin-1") if isinstance(raw, bytes) else str(raw)
    query = scope.get("query_string", b"").decode("latin-1")
    return f"{path}?{query}" if query else path


async def _respond(
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
    await send(
        {"type": "http.response.start", "status": status, "headers": headers + (extra or [])}
    )
    await send({"type": "http.response.body", "body": body})
