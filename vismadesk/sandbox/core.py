"""What every emulated service shares: the records, Visma Connect, the gate, the prefixes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from vismadesk.sandbox.gate import Gatekeeper
from vismadesk.sandbox.oauth import Credentials, OAuth
from vismadesk.sandbox.state import SandboxState

# Where each service lives under the sandbox root; the client's base-URL settings
# point at these.
PREFIXES = {
    "outsmart": "/outsmart/openapi/8",
    "visma_connect": "/visma-connect",
    "erp": "/erp",
    "salesorders": "/salesorders",
}


@dataclass
class Core:
    state: SandboxState
    oauth: OAuth
    creds: Credentials
    keeper: Gatekeeper


def service_base(request: Request, service: str) -> str:
    """The service's base URL as the client addressed it (host header kept)."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}{PREFIXES[service]}"


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=headers)
