"""The one-shot redirect receiver of an interactive sign-in (RFC 8252, loopback).

Bound to 127.0.0.1 on a free port, it waits for the browser to come back from the
Visma Connect sign-in page with `code` + `state` (or `error`), answers the browser
with a small page, and is done. Requests that are not the redirect (a favicon, a
stray probe) are turned away without ending the wait.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

CALLBACK_PATH = "/callback"

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – vismadesk</title>
<style>body{{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}}
h1{{font-size:1.4em}}</style></head>
<body><h1>{title}</h1><p>{text}</p></body></html>
"""


@dataclass(frozen=True, slots=True)
class Redirect:
    """What came back: a code (with its state), or an error."""

    code: str | None
    state: str | None
    error: str | None
    error_description: str | None


def page(title: str, text: str) -> bytes:
    return _PAGE.format(title=html.escape(title), text=html.escape(text)).encode("utf-8")


class LoopbackReceiver:
    def __init__(self, expected_state: str) -> None:
        self._expected_state = expected_state
        self._done = threading.Event()
        # The server answers requests on threads of their own: the check that the state
        # is ours and nothing came back yet, and taking the answer, are one step.
        self._claim = threading.Lock()
        self._claimed = False
        self.result: Redirect | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                receiver._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                # The query string holds the authorization code: never print it.
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="vismadesk-signin-listener",
            daemon=True,
        )

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def start(self) -> LoopbackReceiver:
        self._thread.start()
        return self

    def wait(self, timeout_s: float) -> bool:
        return self._done.wait(timeout_s)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with self._claim:
            taken = self._claimed
            ours = query.get("state") == self._expected_state
            if parts.path == CALLBACK_PATH and ours and not taken:
                self._claimed = True
                self.result = Redirect(
                    code=query.get("code"),
                    state=query.get("state"),
                    error=query.get("error"),
                    error_description=query.get("error_description"),
                )
        if parts.path != CALLBACK_PATH or taken:
            self._answer(request, 404, page("Not found", "This address is not in use."))
            return
        error = query.get("error")
        if not ours:
            # Not the answer to our request (an old tab, a stray local request, someone
            # else's link): say so, and keep waiting for the real one. An error without
            # our state is refused too, so no other page can cancel a sign-in.
            self._answer(
                request,
                400,
                page(
                    "Sign-in not recognised",
                    "This answer does not belong to the sign-in vismadesk started. "
                    "Start again with Login in vismadesk.",
                ),
            )
            return
        try:
            if error is not None:
                self._answer(
                    request,
                    200,
                    page(
                        "Sign-in cancelled",
                        "vismadesk was not connected to VISMA.net. You can close this window.",
                    ),
                )
            else:
                self._answer(
                    request,
                    200,
                    page(
                        "Signed in",
                        "vismadesk is finishing the connection to VISMA.net. "
                        "You can close this window and return to vismadesk.",
                    ),
                )
        finally:
            # A browser that went away before its page was written ends the wait too.
            self._done.set()

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        request.send_response(status)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.send_header("Cache-Control", "no-store")
        request.end_headers()
        request.wfile.write(body)
