"""Login and Disconnect as runs: the window and the command line log them alike."""

from __future__ import annotations

from collections.abc import Callable

from vismadesk import messages
from vismadesk.domain import Action, ExitCode
from vismadesk.engine.context import Context
from vismadesk.engine.runs import RunHooks, RunLog, RunResult, new_run_id
from vismadesk.errors import AppError, AuthError
from vismadesk.visma.auth import AuthState
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
        if not service:
            _check_erp_access(ctx, state)
    except AppError as e:
        log.error(e)
        result.failed = 1
        result.exit_code = ExitCode.CONFIG
        return result
    log.emit(messages.SIGNED_IN, user=state.user or "-", company=state.company or "-")
    result.succeeded = 1
    return result


def _check_erp_access(ctx: Context, state: AuthState) -> None:
    """One small read: a token the ERP API refuses (usually a customer-portal tenant,
    chosen instead of the company of the same name) is said at sign-in, not at the
    first export. The client has signed out by then."""
    try:
        ctx.visma.company_list("item_classes")
    except AuthError as e:
        if e.code != messages.TOKEN_INVALID.code:
            raise
        chosen = state.company or state.tenant or "-"
        raise AuthError(messages.NOT_AN_ERP_COMPANY.code, e.details, chosen=chosen) from None
    except AppError:
        pass  # not reachable now: the first run says so in its own words


def disconnect(ctx: Context, hooks: RunHooks | None = None) -> RunResult:
    """Revoke when possible, forget the tokens whatever the revoke answered."""
    log = RunLog(ctx.store, Action.AUTH, new_run_id(), (hooks or RunHooks()).on_log)
    ctx.tokens.disconnect()
    log.emit(messages.DISCONNECTED)
    return RunResult(log.run_id, Action.AUTH, total=1, succeeded=1)
