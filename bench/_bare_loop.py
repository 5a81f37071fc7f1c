"""The yardstick for the client's own cost: the same requests, sent by a bare httpx loop.

`Recorder` notes every request the engine sends (method, URL, headers, body) at the
transport, after httpx built it: a list append per request, nothing the engine would
not do anyway. `replay` then sends the requests of the export's steady state again,
from the same number of threads over one pooled `httpx.Client` with TCP_NODELAY (as
the engine's clients), to the same sandbox, and returns the process CPU it took.
Both figures are process CPU (user + sys of every thread), so the time the sandbox
process spends, and waits for the network, count in neither.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass

import httpx


def process_cpu_s() -> float:
    """User + system CPU of this process, all threads."""
    t = os.times()
    return t.user + t.system


@dataclass(frozen=True, slots=True)
class Sent:
    at: float
    method: str
    url: str
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Recorder:
    """Notes the requests every httpx transport of this process sends, while on."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        # (sent at, URL, status) of every answer, in the order they came.
        self.answers: list[tuple[float, str, int]] = []
        self._original = httpx.HTTPTransport.handle_request

    def __enter__(self) -> Recorder:
        original = self._original
        sent = self.sent
        answers = self.answers

        def handle_request(
            transport: httpx.HTTPTransport, request: httpx.Request
        ) -> httpx.Response:
            sent.append(
                Sent(
                    time.perf_counter(),
                    request.method,
                    str(request.url),
                    list(request.headers.raw),
                    request.content,
                )
            )
            at = time.perf_counter()
            response = original(transport, request)
            answers.append((at, str(request.url), response.status_code))
            return response

        httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        httpx.HTTPTransport.handle_request = self._original  # type: ignore[method-assign]

    def since(self, when: float) -> list[Sent]:
        return [s for s in self.sent if s.at >= when]


def replay(requests: list[Sent], concurrency: int) -> tuple[float, int]:
    """Send `requests` again from `concurrency` threads; (process CPU s, answers >= 400)."""
    transport = httpx.HTTPTransport(
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
    )
    queue = deque(requests)
    refused = [0]
    lock = threading.Lock()
    with httpx.Client(transport=transport, timeout=60) as client:

        def worker() -> None:
            while True:
                with lock:
                    if not queue:
                        return
                    s = queue.popleft()
                headers = [(k, v) for k, v in s.headers if k.lower() != b"content-length"]
                r = client.request(s.method, s.url, headers=headers, content=s.body or None)
                if r.status_code >= 400:
                    with lock:
                        refused[0] += 1

        # Warm up the pool (connections opened) outside the measured part.
        client.get(requests[0].url.split("?")[0].rsplit("/", 1)[0] + "/")
        threads = [threading.Thread(target=worker) for _ in range(concurrency)]
        started = process_cpu_s()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        used = process_cpu_s() - started
    return used, refused[0]
