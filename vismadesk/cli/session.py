"""A headless command's session: the Context it runs on, the sign-in a scheduled run
needs, and the console that shows the run."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from vismadesk import messages
from vismadesk.cli.console import Console
from vismadesk.domain import Action, ExitCode, LogEntry
from vismadesk.engine.context import Context
from vismadesk.engine.runs import RunHooks, RunResult
from vismadesk.errors import AppError
from vismadesk.i18n import _
from vismadesk.keyring_store import SecretName, SecretStoreError
from vismadesk.store import StoreError

Job = Callable[[Context, RunHooks], RunResult]


def run_job(
    args: argparse.Namespace,
    job: Job,
    *,
    sign_in_first: bool = True,
    observe: Callable[[LogEntry], None] | None = None,
) -> int:
    """Open the session, run `job` on it with the console as its hooks; the exit status.

    `sign_in_first`: a scheduled run has no person to click Login, so it signs in with
    client credentials first where that is set up; Login and Disconnect do not.
    `observe` hears every entry the console shows (a summary file collects them).
    """
    # Looked up per call, not at import: tests and wrappers replace sys.stdout.
    out = sys.stdout
    console = Console(out)

    def show(entry: LogEntry) -> None:
        console.log(entry)
        if observe is not None:
            observe(entry)

    hooks = RunHooks(show, console.progress)
    try:
        with _session(args, out) as ctx:
            if sign_in_first:
                try:
                    _sign_in_for_run(ctx, args.demo)
                except AppError as e:
                    show(ctx.store.add_log(_auth_entry(e)))
                    return ExitCode.CONFIG
            try:
                return job(ctx, hooks).exit_code
            except KeyboardInterrupt:
                hooks.cancel.set()
                raise
            finally:
                console.close()
    except (SecretStoreError, StoreError) as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return ExitCode.CONFIG


def stored_secret(ctx: Context, name: SecretName) -> str | None:
    """The secret, or None when the keyring cannot be read either."""
    try:
        return ctx.secrets.get(name)
    except SecretStoreError:
        return None


@contextlib.contextmanager
def _session(args: argparse.Namespace, out: TextIO) -> Iterator[Context]:
    if args.demo:
        with _demo_session(out) as ctx:
            yield ctx
        return
    from vismadesk.diagnostics import start_file_log, stop_file_log
    from vismadesk.profile import Profile

    profile = Profile.resolve(args.profile)
    ctx, warnings = Context.open(profile)
    start_file_log(profile)
    for w in warnings:
        print(_("warning: {problem}").format(problem=w), file=out)
    try:
        yield ctx
    except Exception:
        logging.getLogger("vismadesk").exception("the command failed unexpectedly")
        raise
    finally:
        ctx.close()
        stop_file_log()


@contextlib.contextmanager
def _demo_session(out: TextIO) -> Iterator[Context]:
    from vismadesk.demo import start_demo

    print(_("Running on the built-in sandbox with demo data (nothing real is touched)."), file=out)
    demo = start_demo()
    demo.context.secrets.set(
        SecretName.VISMA_CLIENT_SECRET, demo.sandbox.credentials["client_secret"]
    )
    if demo.context.settings.export_format is None:
        # A throw-away profile has no settings to choose in: the demo picks one.
        from vismadesk.domain import ExportFormat

        demo.context.settings.export_format = ExportFormat.SALES_INVOICE
        print(_("Demo: work orders are sent as sales invoices."), file=out)
    try:
        yield demo.context
    finally:
        demo.close()


def _service_credentials(ctx: Context) -> bool:
    s = ctx.settings
    return bool(s.client_id and s.tenant_id and ctx.secrets.get(SecretName.VISMA_CLIENT_SECRET))


def _sign_in_for_run(ctx: Context, demo: bool) -> None:
    """Scheduled runs have no person to click Login: use service mode when it is set up."""
    from vismadesk.visma.auth import AuthStatus

    if ctx.tokens.state.status is AuthStatus.CONNECTED:
        return
    has_refresh = ctx.secrets.from_environment(SecretName.VISMA_REFRESH_TOKEN) or bool(
        stored_secret(ctx, SecretName.VISMA_REFRESH_TOKEN)
    )
    if (demo or not has_refresh) and _service_credentials(ctx):
        ctx.tokens.login_service()


def _auth_entry(e: AppError) -> LogEntry:
    return LogEntry(
        Action.AUTH,
        messages.get(e.code).level,
        e.message,
        {"hint": e.hint, **e.details},
        code=e.code,
        params=dict(e.values),
    )
