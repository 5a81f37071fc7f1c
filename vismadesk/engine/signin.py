"""Login and Disconnect as runs: the window and the command line log them alike."""

from __future__ import annotations

from collections.abc import Callable

from vismadesk import messages
from vismadesk.domain import Action, ExitCode
from vismadesk.engine.context import Context
from vismadesk.engine.runs import RunHooks, RunLog, RunResult, new_run_id
from vismadesk.errors import AppError
from vismadesk.visma.timeouts import LOGIN_TIMEOUT_S


def login(
    ctx: Context,
    hooks: RunHooks | None = None,
    *,
    service: bool = False,
    open_browser: Callable[[str], bool] | None = None,
    timeout_s: float = LOGIN_TIMEOUT_S,
) -> RunResult:
    """Sign in (in the browser, or with client credentials); blocking. A cancel ends
    the wait for the browser."""
    hooks = hooks or RunHooks()
    log = RunLog(ctx.store, Action.AUTH, new_run_id(), hooks.on_log)
    result = RunResult(log.run_id, Action.AUTH, total=1)
    try:
        if service:
            state = ctx.tokens.login_service()
        else:
            state = ctx.tokens.login_interactive(
                open_browser, timeout_s=timeout_s, cancel=hooks.cancel
            )
    except AppError as e:
        log.error(e)
        result.failed = 1
        result.exit_code = ExitCode.CONFIG
        return result
    log.emit(messages.SIGNED_IN, user=state.user or "-", company=state.company or "-")
    result.succeeded = 1
    return result


def disconnect(ctx: Context, hooks: RunHooks | None = None) -> RunResult:
    """Revoke when possible, forget the tokens whatever the revoke answered."""
    log = RunLog(ctx.store, Action.AUTH, new_run_id(), (hooks or RunHooks()).on_log)
    ctx.tokens.disconnect()
    log.emit(messages.DISCONNECTED)
    return RunResult(log.run_id, Action.AUTH, total=1, succeeded=1)
