"""An overall deadline per request, on top of httpx's per-operation timeouts.

httpx's read timeout counts from the last byte received, so a server that sends one
byte every five seconds never trips it and holds a run for as long as it likes. Here
every connect, read and write of a request gets at most what is left of the request's
deadline; when none is left, the request ends with a timeout like any other.

The deadline is the calling thread's: httpx sends a request (and, unless streamed,
reads its body) on the thread that called it, and a pooled connection serves one
request at a time.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx
from httpcore import NetworkBackend, NetworkStream

_local = threading.local()


def _bounded(timeout: float | None, expired: type[Exception]) -> float | None:
    deadline: float | None = getattr(_local, "deadline", None)
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the request took longer than its overall deadline")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(NetworkStream):
    def __init__(self, inner: NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(NetworkBackend):
    def __init__(self, inner: NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        )

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def bound_transport(transport: httpx.HTTPTransport) -> httpx.HTTPTransport:
    """`transport` with every socket operation held to the calling request's deadline.

    httpx takes no network backend of its own; its connection pool does, and holds
    it as `_network_backend` (the test against a trickling server notices if that
    ever changes)."""
    pool: Any = transport._pool
    pool._network_backend = _DeadlineBackend(pool._network_backend)
    return transport


class DeadlineClient(httpx.Client):
    """An httpx client whose every request, body included, ends by `deadline_s`."""

    def __init__(self, *args: Any, deadline_s: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline_s = deadline_s

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        previous = getattr(_local, "deadline", None)
        _local.deadline = time.monotonic() + self.deadline_s
        try:
            return super().send(request, **kwargs)
        finally:
            _local.deadline = previous
