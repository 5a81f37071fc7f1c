"""`vismadesk sandbox`: run the sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import signal
import threading
from collections.abc import Callable
from typing import Any

from vismadesk.i18n import _

SERVICES = ("outsmart", "connect", "erp", "salesorders")
ORDER_TYPES = ("SO", "IN", "QT")

CONTROL_HELP = """\
faults aimed at one kind of call:
  --fault-service and --fault-match aim --latency-ms, --error-rate, --drop-rate and
  --lost-response-rate at one service and/or the calls whose path + query contain
  a text; every other call works. Failing every "mark handled" at OutSmart:
    vismadesk sandbox --error-rate 1 --fault-service outsmart \\
                      --fault-match update_status=true
  The rate limit always counts per service, for every call.

control surface (while it runs; JSON bodies):
  POST /_sandbox/faults           {"error_rate": 0.1}  changes the global faults;
                                  {"error_rate": 1.0, "service": "outsmart",
                                   "match": "update_status=true"} aims one, over the
                                  global ones (0 disarms it again)
  GET  /_sandbox/faults/aimed     the aimed faults
  POST /_sandbox/order-numbering  {"SO": "manual"}: SalesOrders v3 then takes the
                                  orderId a POST brings, and answers 409 Conflict
                                  when that order exists ("automatic" undoes it)
  GET  /_sandbox/state, /_sandbox/requests; POST /_sandbox/reset (back to how it
  started), /_sandbox/configure, /_sandbox/expire-tokens, /_sandbox/revoke-refresh-tokens
"""


def register(sub: Any, add_common: Callable[[argparse.ArgumentParser], None]) -> None:
    p: argparse.ArgumentParser = sub.add_parser(
        "sandbox",
        help=_("run a local OutSmart + Visma.net with demo data (Ctrl-C stops it)"),
        description=_(
            "Serve Visma Connect, the ERP API, SalesOrders v3 and OutSmart v8 on\n"
            "loopback with demo data, for trying vismadesk and for tests."
        ),
        epilog=CONTROL_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help=_("0 picks a free port (default 8765)"))
    p.add_argument(
        "--seed",
        type=int,
        default=1,
        help=_("random seed of the demo data, credentials and fault dice (default 1)"),
    )
    p.add_argument("--work-orders", type=int, default=300, metavar="N")
    p.add_argument("--relations", type=int, default=40, metavar="N")
    p.add_argument("--materials", type=int, default=150, metavar="N")
    p.add_argument(
        "--no-faulty-orders",
        action="store_true",
        help=_("demo data without the work orders that fail as the troubleshooting page describes"),
    )
    p.add_argument("--empty", action="store_true", help=_("start without demo data"))
    p.add_argument("--latency-ms", type=int, default=0, help=_("added to every request"))
    p.add_argument("--error-rate", type=float, default=0.0, help=_("share answered 500/503"))
    p.add_argument("--drop-rate", type=float, default=0.0, help=_("share of connections dropped"))
    p.add_argument(
        "--lost-response-rate",
        type=float,
        default=0.0,
        help=_("share of POSTs committed, then the connection dropped"),
    )
    p.add_argument(
        "--fault-service",
        choices=SERVICES,
        help=_("aim the faults above at this service only"),
    )
    p.add_argument(
        "--fault-match",
        metavar="TEXT",
        help=_(
            "aim the faults above at calls whose path + query contain TEXT "
            "(e.g. update_status=true: OutSmart's mark handled)"
        ),
    )
    p.add_argument(
        "--manual-numbering",
        action="append",
        choices=ORDER_TYPES,
        default=[],
        metavar="TYPE",
        help=_(
            "SalesOrders v3 order type that numbers manually: a POST brings its orderId, "
            "an existing one is 409 Conflict (repeatable; SO, IN, QT; default none)"
        ),
    )
    p.add_argument("--rate-limit", type=int, default=0, help=_("requests per window (0 = none)"))

    p.add_argument("--rate-window-s", type=int, default=60)
    p.add_argument("--token-lifetime-s", type=int, default=3600)
    p.add_argument(
        "--no-refresh-tokens", action="store_true", help=_("issue no refresh tokens (as Visma may)")
    )
    p.set_defaults(handler=run)


def run(
    args: argparse.Namespace, *, ready: Callable[[Any, threading.Event], None] | None = None
) -> int:
    """Serve until Ctrl-C (or SIGTERM). `ready(sandbox, stop)` is for tests: it runs once
    the banner is printed and may set `stop`."""
    from vismadesk.sandbox import Sandbox

    try:
        sandbox = Sandbox(
            host=args.host,
            port=args.port,
            seed=args.seed,
            work_orders=args.work_orders,
            relations=args.relations,
            materials=args.materials,
            demo=not args.empty,
            faulty=not args.no_faulty_orders,
            latency_ms=args.latency_ms,
            error_rate=args.error_rate,
            drop_rate=args.drop_rate,
            lost_response_rate=args.lost_response_rate,
            rate_limit=args.rate_limit,
            rate_window_s=args.rate_window_s,
            fault_service=args.fault_service,
            fault_match=args.fault_match,
            manual_order_types=args.manual_numbering,
            token_lifetime_s=args.token_lifetime_s,
            issue_refresh_tokens=not args.no_refresh_tokens,
        )
        sandbox.start()
    except (ValueError, OSError, RuntimeError) as e:
        print(_("error: the sandbox could not start: {problem}").format(problem=e))
        return 2
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, lambda *_a: stop.set())
    try:
        _print_banner(sandbox)
        if ready is not None:
            ready(sandbox, stop)
        stop.wait()
    finally:
        sandbox.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        print(_("sandbox stopped"), flush=True)
    return 0


def _print_banner(sandbox: Any) -> None:
    s, c = sandbox.services, sandbox.credentials
    authorize = f"{s['visma_connect']}/connect/authorize"
    lines = [
        f"vismadesk sandbox on {sandbox.url}",
        "",
        "services:",
        f"  OutSmart OpenAPI v8  {s['outsmart']}",
        f"  Visma Connect        {s['visma_connect']}",
        f"  ERP API              {s['erp']}",
        f"  SalesOrders v3       {s['salesorders']}",
        f"  control              {sandbox.url}/_sandbox/",
        f"  sign-in page         {authorize}?client_id={c['client_id']}"
        "&redirect_uri=http://127.0.0.1:8080/callback&response_type=code"
        "&scope=openid+offline_access+vismanet_erp_interactive_api:read"
        "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"
        "&state=demo",
        "",
        "credentials:",
        *(f"  {k:<24} {v}" for k, v in c.items()),
        "",
        "Ctrl-C stops it.",
    ]
    print("\n".join(lines), flush=True)
