"""A demo session per test: sandbox + throw-away profile + shared clients."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from vismadesk.demo import DemoSession, start_demo
from vismadesk.domain import ExportFormat


@pytest.fixture
def demo() -> Iterator[DemoSession]:
    session = start_demo(work_orders=60, seed=7)
    session.sign_in_as_service()
    session.context.settings.export_format = ExportFormat.SALES_INVOICE
    try:
        yield session
    finally:
        session.close()
