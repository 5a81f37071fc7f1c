"""One sandbox for many tests, put back as it started before each of them.

Starting and stopping a sandbox per test costs more than most of those tests; one per
session (or module), reset before each test, gives every test the same start.
"""

from __future__ import annotations

from typing import Any

from vismadesk.sandbox import Sandbox


class SharedSandbox:
    def __init__(self, **options: Any) -> None:
        self.sandbox = Sandbox(**options)
        self._sign_in: dict[str, Any] = {}

    def __enter__(self) -> SharedSandbox:
        self.sandbox.start()
        self._sign_in = self.sandbox.configure()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sandbox.stop()

    def fresh(self) -> Sandbox:
        """The sandbox as it started: its data, faults (reseeded), request counts and
        sign-in settings. Tokens issued to earlier tests stay valid; no test holds them."""
        self.sandbox.reset()
        self.sandbox.configure(**self._sign_in)
        return self.sandbox
