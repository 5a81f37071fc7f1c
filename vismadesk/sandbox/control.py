"""`/_sandbox/`: the control surface scripts and checks drive any sandbox with.

It mirrors the in-process methods of `Sandbox` and never passes the fault gate.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import json_response

if TYPE_CHECKING:
    from vismadesk.sandbox.server import Sandbox


def build(sandbox: Sandbox) -> Router:
    async def body_of(request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw.strip():
            return {}
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data

    async def info(request: Request) -> Response:
        return json_response(sandbox.info())

    async def state(request: Request) -> Response:
        return json_response(sandbox.state())

    async def reset(request: Request) -> Response:
        sandbox.reset()
        return json_response({"reset": True})

    async def faults(request: Request) -> Response:
        try:
            return json_response(sandbox.faults(**await body_of(request)))
        except (ValueError, TypeError) as e:
            return json_response({"error": str(e)}, 400)

    async def configure(request: Request) -> Response:
        try:
            return json_response(sandbox.configure(**await body_of(request)))
        except (ValueError, TypeError) as e:
            return json_response({"error": str(e)}, 400)

    async def expire(request: Request) -> Response:
        return json_response({"expired": sandbox.expire_tokens()})

    async def revoke(request: Request) -> Response:
        return json_response({"revoked": sandbox.revoke_refresh_tokens()})

    async def requests(request: Request) -> Response:
        return json_response(sandbox.request_counts())

    return Router(
        routes=[
            Route("/", info, methods=["GET"]),
            Route("/state", state, methods=["GET"]),
            Route("/requests", requests, methods=["GET"]),
            Route("/reset", reset, methods=["POST"]),
            Route("/faults", faults, methods=["POST", "GET"]),
            Route("/configure", configure, methods=["POST"]),
            Route("/expire-tokens", expire, methods=["POST"]),
            Route("/revoke-refresh-tokens", revoke, methods=["POST"]),
        ]
    )
