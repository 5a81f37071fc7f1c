"""`Sandbox`: one uvicorn server in a background thread, four services, one control surface.

    with Sandbox(work_orders=300) as sb:
        sb.url, sb.services["erp"], sb.credentials, sb.faults(error_rate=0.1)
        sb.faults(error_rate=1.0, service="outsmart", match="update_status=true")
        sb.order_numbering(SO="manual")

The socket is bound before the thread starts, so `sb.url` is known (port 0 picks a
free port) and connections are queued even before uvicorn accepts them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.types import Scope

from vismadesk.sandbox import company, connect, control, erp, outsmart, salesorders, worksheets
from vismadesk.sandbox.core import PREFIXES, Core, json_response
from vismadesk.sandbox.faults import AimedFault, Faults, aimed_settings, split_aim
from vismadesk.sandbox.gate import Gatekeeper, ServiceGate
from vismadesk.sandbox.oauth import Credentials, OAuth
from vismadesk.sandbox.salesorders.validation import ORDER_TYPES
from vismadesk.sandbox.state import SandboxState

STARTUP_TIMEOUT_S = 15.0
# Where OutSmart's web files (the work orders' PdfUrl, SignatureUrl) are served.
FILES_PREFIX = "/outsmart-web"


class Sandbox:
    def __init__(
        self,
        *,
        work_orders: int = 300,
        relations: int = 40,
        materials: int = 150,
        seed: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        token_lifetime_s: int = 3600,
        issue_refresh_tokens: bool = True,
        latency_ms: int = 0,
        demo: bool = True,
        faulty: bool = True,
        error_rate: float = 0.0,
        drop_rate: float = 0.0,
        lost_response_rate: float = 0.0,
        rate_limit: int = 0,
        rate_window_s: int = 60,
        fault_service: str | None = None,
        fault_match: str | None = None,
        manual_order_types: Iterable[str] = (),
    ) -> None:
        """`fault_service` / `fault_match` aim the latency, error, drop and lost-response
        settings at one service / kind of call (see `faults`); the rate limit stays
        global. `manual_order_types` number manually in SalesOrders v3 (see
        `order_numbering`)."""
        self.host = host
        self.port = port
        self.seed = seed
        self._initial_faults, self._initial_aims = _starting_faults(
            {
                "latency_ms": latency_ms,
                "error_rate": error_rate,
                "drop_rate": drop_rate,
                "lost_response_rate": lost_response_rate,
            },
            {"rate_limit": rate_limit, "rate_window_s": rate_window_s},
            {"service": fault_service, "match": fault_match},
        )
        self._initial_manual = _order_types(manual_order_types)
        self._data = (
            company.generate(
                work_orders=work_orders,
                relations=relations,
                materials=materials,
                seed=seed,
                faulty=faulty,
            )
            if demo
            else company.empty()
        )
        self._creds = Credentials.for_seed(seed)
        self._state = SandboxState()
        self._state.load(self._data)
        self._state.manual_order_types = set(self._initial_manual)
        self._oauth = OAuth(
            self._creds,
            token_lifetime_s=token_lifetime_s,
            issue_refresh_tokens=issue_refresh_tokens,
        )
        self._keeper = Gatekeeper(self._initial_faults.copy(), seed=seed)
        self._keeper.aims = {a.key: a for a in self._fresh_aims()}
        self._core = Core(self._state, self._oauth, self._creds, self._keeper)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.url = ""

    # --- lifecycle -------------------------------------------------------------------

    def _build_app(self) -> Starlette:
        core, keeper = self._core, self._keeper

        def gated(router: Any, service: str, on_http_error: Any) -> ServiceGate:
            return ServiceGate(router, service, keeper, on_http_error)

        async def root(request: Request) -> Response:
            return json_response(self.info())

        outsmart_app = gated(outsmart.OutSmartApi(core).router(), "outsmart", outsmart.http_error)
        connect_app = gated(
            connect.VismaConnect(core).router(), "visma_connect", connect.http_error
        )
        erp_app = gated(erp.ErpApi(core).router(), "erp", erp.http_error)
        salesorders_app = gated(
            salesorders.SalesOrdersApi(core).router(), "salesorders", salesorders.http_error
        )
        # OutSmart's web files (work order PDFs, signatures) pass OutSmart's gate.
        files_app = gated(worksheets.WorksheetFiles(core.state).router(), "outsmart", None)
        return Starlette(
            routes=[
                Route("/", root, methods=["GET"]),
                Mount("/_sandbox", app=control.build(self)),
                Mount(PREFIXES["outsmart"], app=outsmart.TrailingSlash(outsmart_app)),
                Mount(FILES_PREFIX, app=files_app),
                Mount(PREFIXES["visma_connect"], app=connect_app),
                Mount(PREFIXES["erp"], app=erp_app),
                Mount(PREFIXES["salesorders"], app=salesorders_app),
            ]
        )

    def _find_transport(self, scope: Scope) -> Any:
        server = self._server
        if server is None:
            return None
        client = tuple(scope.get("client") or ())
        fallback = None
        for conn in list(server.server_state.connections):
            cycle = getattr(conn, "cycle", None)
            if cycle is not None and cycle.scope is scope:
                return conn.transport
            if client and tuple(getattr(conn, "client", None) or ()) == client:
                fallback = conn.transport
        return fallback

    def start(self) -> Sandbox:
        if self._thread is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose
        # proto is IPPROTO_TCP, and without it every response waits ~40 ms (Nagle).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        self._socket = sock
        port = sock.getsockname()[1]
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        if ":" in shown:
            shown = f"[{shown}]"
        self.url = f"http://{shown}:{port}"
        self._state.relink_files(self.url + FILES_PREFIX)
        self._keeper.find_transport = self._find_transport
        config = uvicorn.Config(
            self._build_app(),
            log_level="warning",
            access_log=False,
            lifespan="off",
            proxy_headers=False,
            server_header=False,
            http="h11",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"vismadesk-sandbox-{port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=10)
            if thread.is_alive() and server is not None:
                server.force_exit = True
                thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what a client is configured with --------------------------------------------

    @property
    def services(self) -> dict[str, str]:
        return {
            "outsmart": f"{self.url}{PREFIXES['outsmart']}/",
            "visma_connect": f"{self.url}{PREFIXES['visma_connect']}",
            "erp": f"{self.url}{PREFIXES['erp']}",
            "salesorders": f"{self.url}{PREFIXES['salesorders']}",
        }

    @property
    def credentials(self) -> dict[str, str]:
        return self._creds.public()

    def settings_overrides(self) -> dict[str, str]:
        """The settings a client needs for this sandbox: its addresses and credentials,
        and the demo company's own codes where VISMA.net needs one to create records
        (an item class for new items, a customer class that gives credit terms)."""
        s = self.services
        return {
            "item_class": "MAT",
            "labour_item_class": "ARBEID",
            "customer_class": "NL",
            "outsmart_url": s["outsmart"],
            "visma_connect_url": s["visma_connect"],
            "erp_url": s["erp"],
            "salesorders_url": s["salesorders"],
            "client_id": self._creds.client_id,
            "tenant_id": self._creds.tenant_id,
        }

    def info(self) -> dict[str, Any]:
        return {"services": self.services, "credentials": self.credentials}

    # --- control (mirrors /_sandbox/) --------------------------------------------------

    def faults(self, **changes: Any) -> dict[str, Any]:
        """Change the given fault settings (others unchanged); returns all of them.

        With `service` (outsmart, connect, erp, salesorders) and/or `match` (a
        substring of path + query) the settings given (latency_ms, error_rate,
        drop_rate, lost_response_rate) apply only to the requests that aim hits,
        over the global ones; the answer is then what those requests get, with the
        aim's service and match. Without either, the global settings change."""
        aim, rest = split_aim(changes)
        with self._keeper.lock:
            if aim is None:
                trial = self._keeper.faults.copy()
                trial.update(rest)
                self._keeper.faults = trial
                return trial.as_dict()
            settings = aimed_settings(rest)
            aimed = self._keeper.aims.setdefault(aim, AimedFault(*aim))
            aimed.settings.update(settings)
            return aimed.shown(self._keeper.faults)

    def aimed_faults(self) -> list[dict[str, Any]]:
        """Every aimed fault, as `faults(service=..., match=...)` answers it."""
        with self._keeper.lock:
            return [a.shown(self._keeper.faults) for a in self._keeper.aims.values()]

    def order_numbering(self, **types: str) -> dict[str, str]:
        """Set SalesOrders v3 order types to "manual" or "automatic" numbering (others
        unchanged); returns every type's numbering. A manual type takes the `orderId`
        a POST brings and answers 409 Conflict when that order exists."""
        chosen = dict(types)
        for order_type, numbering in chosen.items():
            if order_type not in ORDER_TYPES:
                raise ValueError(
                    f"unknown order type '{order_type}'; known: {', '.join(ORDER_TYPES)}"
                )
            if numbering not in ("manual", "automatic"):
                raise ValueError(f'{order_type} must be "manual" or "automatic"')
        with self._state.lock:
            manual = self._state.manual_order_types
            for order_type, numbering in chosen.items():
                if numbering == "manual":
                    manual.add(order_type)
                else:
                    manual.discard(order_type)
            return {t: "manual" if t in manual else "automatic" for t in ORDER_TYPES}

    def configure(
        self, *, token_lifetime_s: int | None = None, issue_refresh_tokens: bool | None = None
    ) -> dict[str, Any]:
        with self._oauth.lock:
            if token_lifetime_s is not None:
                if isinstance(token_lifetime_s, bool) or not isinstance(token_lifetime_s, int):
                    raise ValueError("token_lifetime_s must be a whole number of seconds")
                if token_lifetime_s < 1:
                    raise ValueError("token_lifetime_s must be at least 1")
                self._oauth.token_lifetime_s = token_lifetime_s
            if issue_refresh_tokens is not None:
                if not isinstance(issue_refresh_tokens, bool):
                    raise ValueError("issue_refresh_tokens must be true or false")
                self._oauth.issue_refresh_tokens = issue_refresh_tokens
            return {
                "token_lifetime_s": self._oauth.token_lifetime_s,
                "issue_refresh_tokens": self._oauth.issue_refresh_tokens,
            }

    def state(self) -> dict[str, Any]:
        snapshot = self._state.snapshot()
        snapshot["requests"] = self.request_counts()
        snapshot["faults"] = self.faults()
        snapshot["aimed_faults"] = self.aimed_faults()
        snapshot["order_numbering"] = self.order_numbering()
        return snapshot

    def reset(self) -> None:
        """Demo data, request counts, faults (aimed ones too) and order numbering back
        to how this sandbox started. Tokens stay valid, so a signed-in client carries on."""
        with self._state.lock:
            self._state.load(self._data)
            self._state.manual_order_types = set(self._initial_manual)
        self._keeper.reset(self._initial_faults.copy(), self._fresh_aims())

    def _fresh_aims(self) -> list[AimedFault]:
        return [AimedFault(a.service, a.match, dict(a.settings)) for a in self._initial_aims]

    def expire_tokens(self) -> int:
        return self._oauth.expire_all()

    def revoke_refresh_tokens(self) -> int:
        return self._oauth.revoke_refresh_tokens()

    def request_counts(self) -> dict[str, int]:
        with self._keeper.lock:
            return dict(self._keeper.requests)

    @property
    def faulty_orders(self) -> dict[str, list[str]]:
        """Work order numbers per fault kind planted in the demo data (for tests and benchmarks)."""
        return {k: list(v) for k, v in self._data.faulty_orders.items()}


def _order_types(types: Iterable[str]) -> set[str]:
    chosen = set(types)
    unknown = chosen - set(ORDER_TYPES)
    if unknown:
        raise ValueError(
            f"unknown order type '{sorted(unknown)[0]}'; known: {', '.join(ORDER_TYPES)}"
        )
    return chosen


def _starting_faults(
    aimable: dict[str, Any], rate: dict[str, Any], aim: dict[str, Any]
) -> tuple[Faults, list[AimedFault]]:
    """The global settings and aimed faults a sandbox starts (and resets) with."""
    faults = Faults()
    faults.update(rate)
    target, _ = split_aim(aim)
    if target is None:
        faults.update(aimable)
        return faults, []
    return faults, [AimedFault(*target, aimed_settings(aimable))]
