"""Headless commands for cron, Task Scheduler and scripts: export, sync, reset, login.

Exit status: 0 all well, 1 some work orders failed, 2 a configuration or sign-in
problem (nothing was attempted, or the run had to stop).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import logging
import sys
import threading
import webbrowser
from collections.abc import Callable, Iterator
from typing import TextIO

from vismadesk.domain import ExitCode, Level, LogEntry
from vismadesk.engine.runs import Progress, RunHooks, RunResult
from vismadesk.errors import AppError
from vismadesk.keyring_store import SecretName, SecretStoreError
from vismadesk.redact import redact

AddCommon = Callable[[argparse.ArgumentParser], None]


def register(sub: argparse._SubParsersAction, add_common: AddCommon) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="export the work orders ready for export")
    add_common(p)
    p.add_argument("work_orders", nargs="*", metavar="WO", help="only these work orders")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("sync", help="import relations and/or materials from VISMA.net")
    add_common(p)
    p.add_argument("what", choices=["relations", "materials", "all"])
    p.set_defaults(handler=cmd_sync)

    p = sub.add_parser("reset", help="reset failed work orders to the ready-for-export status")
    add_common(p)
    p.add_argument("work_orders", nargs="+", metavar="WO")
    p.set_defaults(handler=cmd_reset)

    p = sub.add_parser("login", help="sign in to VISMA.net")
    add_common(p)
    p.add_argument(
        "--service",
        action="store_true",
        help="sign in with client credentials (client ID, secret and tenant ID) for scheduled runs",
    )
    p.add_argument("--timeout", type=float, default=300, help="seconds to wait for the browser")
    p.set_defaults(handler=cmd_login)

    p = sub.add_parser("disconnect", help="sign out of VISMA.net and forget the tokens")
    add_common(p)
    p.set_defaults(handler=cmd_disconnect)


# --- session -----------------------------------------------------------------------


@contextlib.contextmanager
def _session(args: argparse.Namespace, out: TextIO) -> Iterator:  # type: ignore[type-arg]
    if args.demo:
        from vismadesk.demo import start_demo

        print("Running on the built-in sandbox with demo data (nothing real is touched).", file=out)
        demo = start_demo()
        demo.context.secrets.set(
            SecretName.VISMA_CLIENT_SECRET, demo.sandbox.credentials["client_secret"]
        )
        if demo.context.settings.export_format is None:
            # A throw-away profile has no settings to choose in: the demo picks one.
            from vismadesk.domain import ExportFormat

            demo.context.settings.export_format = ExportFormat.SALES_INVOICE
            print("Demo: work orders are sent as sales invoices.", file=out)
        try:
            yield demo.context
        finally:
            demo.close()
        return
    from vismadesk.diagnostics import start_file_log, stop_file_log
    from vismadesk.engine.context import Context
    from vismadesk.profile import Profile

    profile = Profile.resolve(args.profile)
    ctx, warnings = Context.open(profile)
    start_file_log(profile)
    for w in warnings:
        print(f"warning: {w}", file=out)
    try:
        yield ctx
    except Exception:
        logging.getLogger("vismadesk").exception("the command failed unexpectedly")
        raise
    finally:
        ctx.close()
        stop_file_log()


def _service_credentials(ctx) -> bool:  # type: ignore[no-untyped-def]
    s = ctx.settings
    return bool(s.client_id and s.tenant_id and ctx.secrets.get(SecretName.VISMA_CLIENT_SECRET))


def _sign_in_for_run(ctx, demo: bool) -> None:  # type: ignore[no-untyped-def]
    """Scheduled runs have no person to click Login: use service mode when it is set up."""
    from vismadesk.visma.auth import AuthStatus

    if ctx.tokens.state.status is AuthStatus.CONNECTED:
        return
    has_refresh = ctx.secrets.from_environment(SecretName.VISMA_REFRESH_TOKEN) or bool(
        _safe_get(ctx, SecretName.VISMA_REFRESH_TOKEN)
    )
    if (demo or not has_refresh) and _service_credentials(ctx):
        ctx.tokens.login_service()


def _safe_get(ctx, name: SecretName) -> str | None:  # type: ignore[no-untyped-def]
    try:
        return ctx.secrets.get(name)
    except SecretStoreError:
        return None


# --- output --------------------------------------------------------------------------


class _Console:
    """A progress bar on a terminal, plain lines otherwise."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self._lock = threading.Lock()
        self._bar = ""

    def log(self, e: LogEntry) -> None:
        local = e.time.astimezone().strftime("%H:%M:%S")
        line = f"{local}  {e.level.value:<7}  {e.summary}"
        if e.level is Level.ERROR and e.details.get("hint"):
            line += f"\n          fix: {e.details['hint']}"
        with self._lock:
            if self.tty and self._bar:
                self.out.write("\r\x1b[2K")
            self.out.write(redact(line) + "\n")
            if self.tty and self._bar:
                self.out.write(self._bar)
            self.out.flush()

    def progress(self, p: Progress) -> None:
        if not self.tty or not p.total:
            return
        width = 30
        filled = int(width * p.done / p.total)
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {p.done}/{p.total}"
        if p.failed:
            bar += f"  {p.failed} failed"
        if p.current:
            bar += f"  {p.current}"
        with self._lock:
            self._bar = bar
            self.out.write("\r\x1b[2K" + bar)
            self.out.flush()

    def close(self) -> None:
        with self._lock:
            if self.tty and self._bar:
                self.out.write("\r\x1b[2K")
                self.out.flush()
            self._bar = ""


def _run(args: argparse.Namespace, job: Callable, out: TextIO | None = None) -> int:  # type: ignore[type-arg]
    # Looked up per call, not at import: tests and wrappers replace sys.stdout.
    out = out or sys.stdout
    console = _Console(out)
    cancel = threading.Event()
    try:
        with _session(args, out) as ctx:
            try:
                _sign_in_for_run(ctx, args.demo)
            except AppError as e:
                console.log(ctx.store.add_log(_auth_entry(e)))
                return ExitCode.CONFIG
            try:
                result: RunResult = job(ctx, console, cancel)
            except KeyboardInterrupt:
                cancel.set()
                raise
            finally:
                console.close()
            return result.exit_code
    except SecretStoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return ExitCode.CONFIG


def _auth_entry(e: AppError) -> LogEntry:
    from vismadesk import messages
    from vismadesk.domain import Action

    return LogEntry(
        Action.AUTH,
        messages.get(e.code).level,
        e.message,
        {"hint": e.hint, **e.details},
        code=e.code,
    )


# --- commands ------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace) -> int:
    from vismadesk.engine.export import run_export

    only = list(args.work_orders) or None
    return _run(
        args,
        lambda ctx, c, cancel: run_export(ctx, RunHooks(c.log, c.progress, cancel), only=only),
    )


def cmd_sync(args: argparse.Namespace) -> int:
    from vismadesk.engine import sync

    fn = {
        "relations": sync.sync_relations,
        "materials": sync.sync_materials,
        "all": sync.sync_all,
    }[args.what]
    return _run(args, lambda ctx, c, cancel: fn(ctx, RunHooks(c.log, c.progress, cancel)))


def cmd_reset(args: argparse.Namespace) -> int:
    from vismadesk.engine.sync import reset_work_orders

    return _run(
        args,
        lambda ctx, c, cancel: reset_work_orders(
            ctx, list(args.work_orders), RunHooks(c.log, c.progress, cancel)
        ),
    )


def _open_browser(url: str) -> bool:
    print("Sign in to VISMA.net in your browser. If it did not open, go to:")
    print(f"  {url}", flush=True)
    with contextlib.suppress(Exception):
        webbrowser.open(url)
    # The address is printed, so the user can always go on by hand.
    return True


def _ask_client_secret(ctx) -> None:  # type: ignore[no-untyped-def]
    """Service mode needs the client secret: ask for it once, keep it in the keyring."""
    if _safe_get(ctx, SecretName.VISMA_CLIENT_SECRET) or not sys.stdin.isatty():
        return
    secret = getpass.getpass("VISMA.net client secret (kept in the system keyring): ").strip()
    if secret:
        ctx.secrets.set(SecretName.VISMA_CLIENT_SECRET, secret)


def cmd_login(args: argparse.Namespace) -> int:
    from vismadesk.engine.signin import login

    def job(ctx, c):  # type: ignore[no-untyped-def]
        if args.service:
            _ask_client_secret(ctx)
        return login(
            ctx,
            RunHooks(c.log),
            service=args.service,
            open_browser=_open_browser,
            timeout_s=args.timeout,
        )

    return _account(args, job)


def cmd_disconnect(args: argparse.Namespace) -> int:
    from vismadesk.engine.signin import disconnect

    return _account(args, lambda ctx, c: disconnect(ctx, RunHooks(c.log)))


def _account(args: argparse.Namespace, job: Callable) -> int:  # type: ignore[type-arg]
    """Login / Disconnect: no automatic service sign-in first, unlike the runs."""
    console = _Console(sys.stdout)
    try:
        with _session(args, sys.stdout) as ctx:
            return job(ctx, console).exit_code
    except SecretStoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return ExitCode.CONFIG
