"""OutSmart's answers as the unit tests' respx routes give them: the envelope, ok, fail."""

from __future__ import annotations

from typing import Any

import httpx

BASE = "https://outsmart.test/openapi/8/"
TOKEN = "tok-7f3a9c2e41d8b6"
SOFTWARE_TOKEN = "sw-c316c4532fa7cc"


def envelope(response: Any = None, code: int = 200, messages: list[str] | None = None) -> dict:
    return {"code": code, "messages": messages or [], "response": response}


def ok(response: Any = None) -> httpx.Response:
    return httpx.Response(200, json=envelope(response))


def fail(code: int, *messages: str) -> httpx.Response:
    return httpx.Response(200, json=envelope(None, code, list(messages)))


class Waits(list[float]):
    """The backoff's sleeps, recorded instead of slept."""
