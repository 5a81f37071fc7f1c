"""OutSmart's answer shape: HTTP 200 with `{code, messages, response}`, always.

Unknown endpoints and methods answer code 1001 in the envelope, not a bare 404, and
a path without its trailing slash is served as the one with it.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import json_response

UNKNOWN_ENDPOINT = "The endpoint being provided is unknown"


class Envelope(Exception):
    """An OutSmart answer other than success: a code and its messages."""

    def __init__(self, code: int, *messages: str) -> None:
        super().__init__(f"{code}: {'; '.join(messages)}")
        self.code = code
        self.messages = list(messages)


def envelope(response: Any = None, code: int = 200, messages: list[str] | None = None) -> Response:
    return json_response({"code": code, "messages": messages or [], "response": response})


def http_error(status: int, path: str) -> Response:
    """OutSmart answers everything with HTTP 200; a method an endpoint does not take
    is an endpoint it does not know."""
    return envelope(None, 1001, [UNKNOWN_ENDPOINT])


class EnvelopeRouter(Router):
    """Unknown endpoints answer code 1001 in the envelope, not a bare 404."""

    def __init__(self, routes: list[Route]) -> None:
        super().__init__(routes=routes, redirect_slashes=False, default=self._unknown)

    @staticmethod
    async def _unknown(scope: Any, receive: Any, send: Any) -> None:
        response = envelope(None, 1001, [UNKNOWN_ENDPOINT])
        await response(scope, receive, send)


class TrailingSlash:
    """OutSmart serves `GetWorkorders` and `GetWorkorders/` alike; redirecting would
    lose a POST body, so the path is completed in place instead."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and not scope["path"].endswith("/"):
            # In place: the gate finds the connection by this very scope object.
            scope["path"] += "/"
            raw = scope.get("raw_path")
            if isinstance(raw, bytes):
                scope["raw_path"] = raw + b"/"
        await self.app(scope, receive, send)
