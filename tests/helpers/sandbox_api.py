"""The sandbox's integration tests' side of the wire: a loopback listener that plays the
program's redirect receiver, PKCE, token requests, clients per service, and the
contract schemas."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jsonschema

from vismadesk.sandbox import Sandbox
from vismadesk.sandbox.browser import play_browser

CONTRACTS = Path(__file__).resolve().parents[1] / "contracts"
INTERACTIVE = (
    "openid offline_access vismanet_erp_interactive_api:read "
    "vismanet_erp_interactive_api:create visma.net.erp.salesorder:read "
    "visma.net.erp.salesorder:write"
)


@cache
def _fragment(name: str) -> dict[str, Any]:
    return json.loads((CONTRACTS / name).read_text(encoding="utf-8"))


def validate(body: Any, fragment: str, definition: str) -> None:
    """Validate against `#/$defs/<definition>` of a contract fragment."""
    schema = {"$ref": f"#/$defs/{definition}", "$defs": _fragment(fragment)["$defs"]}
    jsonschema.Draft202012Validator(schema).validate(body)


# --- the program's side of a sign-in ---------------------------------------------------


@dataclass
class Loopback:
    """A one-shot redirect receiver on 127.0.0.1, like a token manager's listener."""

    server: HTTPServer
    thread: threading.Thread
    received: dict[str, str] = field(default_factory=dict)

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/callback"


@contextlib.contextmanager
def loopback_listener() -> Iterator[Loopback]:
    box: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            box.update({k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()})
            body = b"Signed in. You can close this window."
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    lb = Loopback(server, thread, box)
    yield lb
    if thread.is_alive():
        # Nobody came: wake the listener so the thread ends.
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(lb.redirect_uri, timeout=2, verify=_tls())
    thread.join(5)
    server.server_close()


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorize_url(
    sb: Sandbox,
    redirect_uri: str,
    challenge: str,
    state: str,
    scope: str = INTERACTIVE,
    **extra: str,
) -> str:
    params = {
        "client_id": sb.credentials["client_id"],
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": scope,
        "state": state,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }
    return f"{sb.services['visma_connect']}/connect/authorize?{urlencode(params)}"


@cache
def _tls() -> ssl.SSLContext:
    # The sandbox speaks plain HTTP, but every httpx client loads the CA bundle for its
    # default TLS context (50-100 ms); these helpers open hundreds of clients.
    return httpx.create_ssl_context()


def token_request(sb: Sandbox, **form: str) -> httpx.Response:
    return httpx.post(f"{sb.services['visma_connect']}/connect/token", data=form, verify=_tls())


def login(sb: Sandbox, lb: Loopback, scope: str = INTERACTIVE, **browser: Any) -> dict[str, Any]:
    """The full PKCE sign-in; returns the token response body."""
    verifier, challenge = pkce()
    state = secrets.token_urlsafe(8)
    last = play_browser(authorize_url(sb, lb.redirect_uri, challenge, state, scope), **browser)
    assert last.status_code == 200, last.text
    lb.thread.join(5)
    assert lb.received.get("state") == state
    response = token_request(
        sb,
        grant_type="authorization_code",
        code=lb.received["code"],
        redirect_uri=lb.redirect_uri,
        client_id=sb.credentials["client_id"],
        code_verifier=verifier,
    )
    assert response.status_code == 200, response.text
    return response.json()


def service_token(sb: Sandbox, **extra: str) -> str:
    c = sb.credentials
    response = token_request(
        sb,
        grant_type="client_credentials",
        client_id=c["client_id"],
        client_secret=c["client_secret"],
        tenant_id=c["tenant_id"],
        **extra,
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def erp(sb: Sandbox, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or service_token(sb)}"}
    return httpx.Client(base_url=sb.services["erp"], headers=headers, timeout=10, verify=_tls())


def salesorders(sb: Sandbox, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token or service_token(sb)}"}
    return httpx.Client(
        base_url=sb.services["salesorders"], headers=headers, timeout=10, verify=_tls()
    )


def outsmart_params(sb: Sandbox, **extra: str) -> dict[str, str]:
    c = sb.credentials
    return {"token": c["outsmart_token"], "software_token": c["outsmart_software_token"], **extra}


def wrap(value: Any) -> Any:
    """The ERP request wrapping, for test bodies."""
    if isinstance(value, dict):
        return {"value": {k: wrap(v) for k, v in value.items()}}
    return {"value": value}
