"""Errors that carry a catalogue message, so every layer reports in the
catalogue's words (the troubleshooting page's, where it has them).

Clients raise these; the engine turns them into log entries (code, rendered text,
details) without re-spelling any text. Details are redacted before they are kept.
"""

from __future__ import annotations

from typing import Any

from vismadesk import messages
from vismadesk.redact import redact, redact_obj


class AppError(Exception):
    """An error a planner can read: a catalogue code, its rendered text, and details."""

    def __init__(self, code: str, details: dict[str, Any] | None = None, **values: object) -> None:
        self.code = code
        self.values = {k: redact(v) for k, v in values.items()}
        self.message = messages.get(code).render(**self.values)
        self.details: dict[str, Any] = redact_obj(dict(details or {}))
        super().__init__(self.message)

    @property
    def hint(self) -> str:
        return messages.get(self.code).hint


class AuthError(AppError):
    """Signing in, refreshing or using the Visma.net token failed."""


class NetworkError(AppError):
    """The service could not be reached or did not answer in time."""


class VismaApiError(AppError):
    """Visma.net answered with an error; `visma_message` is Visma's own words."""

    def __init__(
        self,
        status: int,
        visma_message: str,
        *,
        request_id: str | None = None,
        exchange: str | None = None,
        problem_codes: list[str] | None = None,
        code: str = messages.VISMA_ERROR.code,
        **values: object,
    ) -> None:
        self.status = status
        self.visma_message = redact(visma_message)
        self.request_id = request_id
        self.problem_codes = list(problem_codes or [])
        details: dict[str, Any] = {"status": status, "visma_message": self.visma_message}
        if request_id:
            details["request_id"] = request_id
        if self.problem_codes:
            details["problem_codes"] = self.problem_codes
        if exchange:
            details["exchange"] = exchange
        if code == messages.VISMA_ERROR.code:
            values.setdefault("detail", self.visma_message[:200] or f"HTTP {status}")
        super().__init__(code, details, **values)


class OutSmartError(AppError):
    """OutSmart answered with an error code in its envelope; `code` is the catalogue
    message the OutSmart client chose for it (the client knows what the codes mean)."""

    def __init__(
        self,
        outsmart_code: int,
        outsmart_messages: list[str],
        *,
        code: str,
        exchange: str | None = None,
    ) -> None:
        self.outsmart_code = outsmart_code
        self.outsmart_messages = [redact(m) for m in outsmart_messages]
        details: dict[str, Any] = {
            "outsmart_code": outsmart_code,
            "outsmart_messages": self.outsmart_messages,
        }
        if exchange:
            details["exchange"] = exchange
        values: dict[str, object] = {}
        if "detail" in messages.get(code).fields:
            text = "; ".join(self.outsmart_messages) or "no message"
            values["detail"] = f"{text} (code {outsmart_code})"
        super().__init__(code, details, **values)
