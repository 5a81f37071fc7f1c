"""Headless commands for cron, Task Scheduler and scripts: export, sync, reset, login.

Exit status (`ExitCode`): 0 all well, 1 some work orders failed, 2 a configuration
or sign-in problem (nothing was attempted, or the run had to stop), or another run
held the profile (export, sync and reset run one at a time per profile; `--wait`).
`export --summary-json PATH` also writes them, with the counts, to a file (`summary`).

Only argparse is imported at the top: the session, the engine and the clients are
loaded by the handler of the command that needs them.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING, Any

from vismadesk.cli.common import AddCommon
from vismadesk.i18n import _
from vismadesk.visma.timeouts import LOGIN_TIMEOUT_S

if TYPE_CHECKING:
    from vismadesk.engine.context import Context
    from vismadesk.engine.runs import RunHooks, RunResult


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("export", help=_("export the work orders ready for export"))
    add_common(p)
    _add_wait(p)
    p.add_argument("work_orders", nargs="*", metavar="WO", help=_("only these work orders"))
    p.add_argument(
        "--summary-json",
        metavar="PATH",
        help=_(
            "when the command ends, write what the run did to this file (JSON: counts, "
            "exit code, start and end, errors) for a monitoring tool"
        ),
    )
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("sync", help=_("import relations and/or materials from VISMA.net"))
    add_common(p)
    _add_wait(p)
    p.add_argument("what", choices=["relations", "materials", "all"])
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("reset", help=_("reset failed work orders to the ready-for-export status"))
    add_common(p)
    _add_wait(p)
    p.add_argument("work_orders", nargs="+", metavar="WO")
    p.set_defaults(handler=cmd_reset)

    p = sub.add_parser("login", help=_("sign in to VISMA.net"))
    add_common(p)
    p.add_argument(
        "--service",
        action="store_true",
        help=_(
            "sign in with client credentials (client ID, secret and tenant ID) for scheduled runs"
        ),
    )
    p.add_argument(
        "--timeout", type=float, default=LOGIN_TIMEOUT_S, help=_("seconds to wait for the browser")
    )
    p.set_defaults(handler=cmd_login)

    p = sub.add_parser("disconnect", help=_("sign out of VISMA.net and forget the tokens"))
    add_common(p)
    p.set_defaults(handler=cmd_disconnect)


def _add_wait(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--wait",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="when another export, sync or reset runs on this profile, wait up to this "
        "long for it to end (default 0: say which runs and exit with status 2)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 <= value <= 24 * 3600:
        raise argparse.ArgumentTypeError("expected 0 to 86400 seconds")
    return value


def cmd_export(args: argparse.Namespace) -> int:
    from vismadesk.cli.session import run_job
    from vismadesk.engine.export import run_export

    only = list(args.work_orders) or None
    wait = args.wait
    if not args.summary_json:
        return run_job(args, lambda ctx, hooks: run_export(ctx, hooks, only=only, wait_s=wait))
    from pathlib import Path

    from vismadesk.cli.summary import INTERRUPTED, RunSummary

    summary = RunSummary(Path(args.summary_json).expanduser(), "export")

    def job(ctx: Context, hooks: RunHooks) -> RunResult:
        summary.result = run_export(ctx, hooks, only=only, wait_s=wait)
        return summary.result

    code: int = INTERRUPTED
    try:
        code = run_job(args, job, observe=summary.observe)
    finally:
        _write_summary(summary, code)
    return code


def _write_summary(summary: Any, code: int) -> None:
    try:
        summary.write(code)
    except OSError as e:
        print(
            _("error: the summary file could not be written: {problem}").format(problem=e),
            file=sys.stderr,
        )


def cmd_sync(args: argparse.Namespace) -> int:
    from vismadesk.cli.session import run_job
    from vismadesk.engine import sync

    fn = {
        "relations": sync.sync_relations,
        "materials": sync.sync_materials,
        "all": sync.sync_all,
    }[args.what]
    wait = args.wait
    return run_job(args, lambda ctx, hooks: fn(ctx, hooks, wait_s=wait))


def cmd_reset(args: argparse.Namespace) -> int:
    from vismadesk.cli.session import run_job
    from vismadesk.engine.sync import reset_work_orders

    numbers = list(args.work_orders)
    wait = args.wait
    return run_job(args, lambda ctx, hooks: reset_work_orders(ctx, numbers, hooks, wait_s=wait))


def cmd_login(args: argparse.Namespace) -> int:
    from vismadesk.cli.session import run_job
    from vismadesk.engine.signin import login

    def job(ctx: Context, hooks: RunHooks) -> RunResult:
        if args.service:
            _ask_client_secret(ctx)
        return login(
            ctx, hooks, service=args.service, open_browser=_open_browser, timeout_s=args.timeout
        )

    # Login is the person signing in: no automatic service sign-in before it.
    return run_job(args, job, sign_in_first=False)


def cmd_disconnect(args: argparse.Namespace) -> int:
    from vismadesk.cli.session import run_job
    from vismadesk.engine.signin import disconnect

    return run_job(args, disconnect, sign_in_first=False)


def _open_browser(url: str) -> bool:
    import webbrowser

    print(_("Sign in to VISMA.net in your browser. If it did not open, go to:"))
    print(f"  {url}", flush=True)
    with contextlib.suppress(Exception):
        webbrowser.open(url)
    # The address is printed, so the user can always go on by hand.
    return True


def _ask_client_secret(ctx: Context) -> None:
    """Service mode needs the client secret: ask for it once, keep it in the keyring."""
    import getpass

    from vismadesk.cli.session import stored_secret
    from vismadesk.keyring_store import SecretName

    if stored_secret(ctx, SecretName.VISMA_CLIENT_SECRET) or not sys.stdin.isatty():
        return
    secret = getpass.getpass(_("VISMA.net client secret (kept in the system keyring): ")).strip()
    if secret:
        ctx.secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)
