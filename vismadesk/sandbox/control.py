"""`/_sandbox/`: the control surface scripts and checks drive any sandbox with.

It mirrors the in-process methods of `Sandbox` (the `Controls` below) and never
passes the fault gate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import json_response


class Controls(Protocol):
    """What the control surface calls; `server.Sandbox` provides it."""

    def info(self) -> dict[str, Any]: ...
    def state(self) -> dict[str, Any]: ...
    def reset(self) -> None: ...
    # Keyword settings in, all settings out; `*args, **kwargs` lets each take its own.
    def faults(self, *args: Any, **kwargs: Any) -> dict[str, Any]: ...
    def aimed_faults(self) -> list[dict[str, Any]]: ...
    def configure(self, *args: Any, **kwargs: Any) -> dict[str, Any]: ...
    def order_numbering(self, *args: Any, **kwargs: Any) -> dict[str, str]: ...
    def expire_tokens(self) -> int: ...
    def revoke_refresh_tokens(self) -> int: ...
    def request_counts(self) -> dict[str, int]: ...


async def _body_of(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _changing(apply: Callable[..., dict[str, Any]]) -> Callable[[Request], Any]:
    """A POST whose JSON object names the settings to change; a bad one is a 400."""

    async def run(request: Request) -> Response:
        try:
            return json_response(apply(**await _body_of(request)))
        except (ValueError, TypeError) as e:
            return json_response({"error": str(e)}, 400)

    return run


def build(controls: Controls) -> Router:
    async def info(request: Request) -> Response:
        return json_response(controls.info())

    async def state(request: Request) -> Response:
        return json_response(controls.state())

    async def reset(request: Request) -> Response:
        controls.reset()
        return json_response({"reset": True})

    async def expire(request: Request) -> Response:
        return json_response({"expired": controls.expire_tokens()})

    async def revoke(request: Request) -> Response:
        return json_response({"revoked": controls.revoke_refresh_tokens()})

    async def requests(request: Request) -> Response:
        return json_response(controls.request_counts())

    async def aimed(request: Request) -> Response:
        return json_response(controls.aimed_faults())

    return Router(
        routes=[
            Route("/", info, methods=["GET"]),
            Route("/state", state, methods=["GET"]),
            Route("/requests", requests, methods=["GET"]),
            Route("/reset", reset, methods=["POST"]),
            Route("/faults", _changing(controls.faults), methods=["POST", "GET"]),
            Route("/faults/aimed", aimed, methods=["GET"]),
            Route("/configure", _changing(controls.configure), methods=["POST"]),
            Route("/order-numbering", _changing(controls.order_numbering), methods=["POST", "GET"]),
            Route("/expire-tokens", expire, methods=["POST"]),
            Route("/revoke-refresh-tokens", revoke, methods=["POST"]),
        ]
    )
