"""SalesOrders v3's error bodies: RFC 7807 problem details, with Visma's error codes."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

# One validation finding: (code, message, property, value), e.g.
# ("1804-InventoryIdNotFound", "InventoryId cannot be found or is invalid",
#  "orderLines[0].inventoryId", "X").
Finding = tuple[str, str, str, Any]


class Problem(Exception):
    """An RFC 7807 body; `details` carry Visma's error codes like 1804-InventoryIdNotFound."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        details: list[dict[str, Any]] | None = None,
        errors: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.details, self.errors = details, errors

    def response(self, instance: str) -> Response:
        body: dict[str, Any] = {
            "type": f"https://httpstatuses.io/{self.status}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors is not None:
            body["errors"] = self.errors
        if self.details is not None:
            body["details"] = self.details
        return Response(
            json.dumps(body, ensure_ascii=False),
            self.status,
            media_type="application/problem+json",
        )


def bad_request(detail: str) -> Problem:
    return Problem(400, "Bad Request", detail)


def validation_problem(findings: list[Finding]) -> Problem:
    """A 400 listing every finding, by property (`errors`) and with its code (`details`)."""
    errors: dict[str, list[str]] = {}
    details = []
    for code, message, prop, value in findings:
        errors.setdefault(prop, []).append(message)
        details.append(
            {"code": code, "message": message, "parameters": {"property": prop, "value": value}}
        )
    return Problem(400, "One or more validation errors occurred.", findings[0][1], details, errors)


def http_error(status: int, path: str) -> Response:
    title = "Method Not Allowed" if status == 405 else "Not Found"
    return Problem(status, title, f"{title}: {path}").response(path)
