"""Fixtures for the sandbox tests: one sandbox for the session, a loopback listener."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.sandbox_api import Loopback, loopback_listener
from vismadesk.sandbox import Sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """Shared by tests that do not depend on each other's writes."""
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    with loopback_listener() as lb:
        yield lb
