"""A claim and its journal step go in together, or not at all (both backends): an
export writes `creating` with its claim and `done` with the claim's release."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.helpers.store_backends import Backend
from vismadesk.domain import ExportFormat, JournalState
from vismadesk.store import JournalStep
from vismadesk.store.api import StoreAPI

CREATING = JournalStep(
    JournalState.CREATING,
    doc_format=ExportFormat.SALES_INVOICE,
    run_id="run-1",
    new_attempt=True,
    previous_status="Compleet",
)


@pytest.fixture
def store(backend: Backend) -> Iterator[StoreAPI]:
    s = backend.open()
    try:
        yield s
    finally:
        s.close()


def test_a_held_claim_has_its_step_in_the_journal(store: StoreAPI) -> None:
    assert store.claim_and_record("WO-1", "pc-a", 60, CREATING)
    j = store.journal_get("WO-1")
    assert j is not None
    assert (j.state, j.doc_format, j.attempts, j.previous_status) == (
        JournalState.CREATING,
        ExportFormat.SALES_INVOICE,
        1,
        "Compleet",
    )
    assert not store.claim("WO-1", "pc-b", 60)  # the claim is held too


def test_a_claim_another_console_holds_writes_nothing(store: StoreAPI) -> None:
    assert store.claim("WO-2", "pc-b", 60)
    assert not store.claim_and_record("WO-2", "pc-a", 60, CREATING)
    assert store.journal_get("WO-2") is None


def test_done_and_the_release_go_in_together(store: StoreAPI) -> None:
    assert store.claim_and_record("WO-3", "pc-a", 60, CREATING)
    done = JournalStep(JournalState.DONE, doc_number="000123", run_id="run-1")
    store.record_and_release("WO-3", "pc-a", done)
    j = store.journal_get("WO-3")
    assert j is not None
    assert (j.state, j.doc_number, j.doc_format, j.attempts) == (
        JournalState.DONE,
        "000123",
        ExportFormat.SALES_INVOICE,
        1,
    )
    assert store.claim("WO-3", "pc-b", 60)  # released: another console may claim it
