"""Login and Disconnect as runs: the window and the command line log them alike."""

from __future__ import annotations

import threading
from collections.abc import Callable

from vismadesk import messages
from vismadesk.domain import Action
from vismadesk.engine.context import Context
from vismadesk.engine.runs import EXIT_CONFIG, LogCallback, RunLog, RunResult, new_run_id
from vismadesk.errors import AppError


def login(
    ctx: Context,
    *,
    service: bool = False,
    open_browser: Callable[[str], bool] | None = None,
    timeout_s: float = 300,
    cancel: threading.Event | None = None,
    on_log: LogCallback | None = None,
) -> RunResult:
    """Sign in (in the browser, or with client credentials); blocking."""
    log = RunLog(ctx.store, Action.AUTH, new_run_id(), on_log)
    result = RunResult(log.run_id, Action.AUTH, total=1)
    try:
        if service:
            state = ctx.tokens.login_service()
        else:
            state = ctx.tokens.login_interactive(open_browser, timeout_s=timeout_s, cancel=cancel)
    except AppError as e:
        log.error(e)
        result.failed = 1
        result.exit_code = EXIT_CONFIG
        return result
    log.emit(messages.SIGNED_IN, user=state.user or "-", company=state.company or "-")
    result.succeeded = 1
    return result


def disconnect(ctx: Context, *, on_log: LogCallback | None = None) -> RunResult:
    """Revoke when possible, forget the tokens whatever the revoke answered."""
    log = RunLog(ctx.store, Action.AUTH, new_run_id(), on_log)
    ctx.tokens.disconnect()
    log.emit(messages.DISCONNECTED)
    return RunResult(log.run_id, Action.AUTH, total=1, succeeded=1)
