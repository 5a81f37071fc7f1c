"""The claim rules: what an export does with a work order another export claimed."""

from __future__ import annotations

import datetime as dt

import pytest

from vismadesk.config import Settings
from vismadesk.domain import JournalEntry, JournalState
from vismadesk.engine.claims import ClaimedOrder, Step, decide, plan
from vismadesk.engine.selection import claim_clash, claim_status_of, is_ready

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
LEASE = dt.timedelta(minutes=15)


def _journal(state: JournalState, minutes_ago: float = 0) -> JournalEntry:
    when = NOW - dt.timedelta(minutes=minutes_ago)
    return JournalEntry("WB1", state, created_at=when, updated_at=when)


def _decide(order: ClaimedOrder, *, shared: bool = False) -> Step:
    return decide(order, shared=shared, now=NOW, lease=LEASE)[0]


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("state", [None, JournalState.CREATING, JournalState.CLAIM_SEEN])
def test_a_claim_whose_document_is_in_visma_is_finished(
    shared: bool, state: JournalState | None
) -> None:
    journal = _journal(state) if state else None
    assert _decide(ClaimedOrder("WB1", True, journal), shared=shared) is Step.FINISH


def test_this_consoles_own_claim_is_resumed() -> None:
    for state in (JournalState.CREATING, JournalState.CREATED, JournalState.DONE):
        assert _decide(ClaimedOrder("WB1", False, _journal(state, 600))) is Step.RESUME


def test_a_foreign_claim_without_a_document_is_left_while_its_lease_runs() -> None:
    step, seen = decide(ClaimedOrder("WB1", False, None), shared=False, now=NOW, lease=LEASE)
    assert (step, seen) == (Step.LEAVE, None)  # first seen now
    # An old failure of this console does not make the claim its own.
    failed = _journal(JournalState.FAILED, 600)
    assert _decide(ClaimedOrder("WB1", False, failed)) is Step.LEAVE
    seen_recently = _journal(JournalState.CLAIM_SEEN, 14)
    assert _decide(ClaimedOrder("WB1", False, seen_recently)) is Step.LEAVE


def test_a_foreign_claim_older_than_its_lease_is_taken_over() -> None:
    seen_long_ago = _journal(JournalState.CLAIM_SEEN, 15)
    order = ClaimedOrder("WB1", False, seen_long_ago)
    step, seen = decide(order, shared=False, now=NOW, lease=LEASE)
    assert step is Step.TAKE_OVER and seen == seen_long_ago.updated_at


def test_on_a_team_store_the_stores_claim_decides() -> None:
    # Without a document: tried; Store.claim answers whether its holder still runs.
    for journal in (None, _journal(JournalState.CLAIM_SEEN, 1), _journal(JournalState.CREATING)):
        assert _decide(ClaimedOrder("WB1", False, journal), shared=True) is Step.TAKE_OVER


def test_fresh_foreign_claims_make_a_local_run_busy_but_not_a_team_run() -> None:
    orders = [
        ClaimedOrder("WB1", True, None),
        ClaimedOrder("WB2", False, None),
        ClaimedOrder("WB3", False, _journal(JournalState.CLAIM_SEEN, 30)),
        ClaimedOrder("WB4", False, _journal(JournalState.CREATING)),
    ]
    local = plan(orders, shared=False, now=NOW, lease=LEASE)
    assert local.steps == {
        "WB1": Step.FINISH,
        "WB2": Step.LEAVE,
        "WB3": Step.TAKE_OVER,
        "WB4": Step.RESUME,
    }
    assert local.busy and local.left == ["WB2"]
    assert local.newly_seen == ["WB2"]
    assert set(local.seen_since) == {"WB3"}
    team = plan(orders, shared=True, now=NOW, lease=LEASE)
    assert not team.busy and team.left == []


def test_the_claim_status_must_differ_from_the_ready_and_error_status() -> None:
    s = Settings()
    assert claim_status_of(s) == "98" and claim_clash(s) is None
    assert not is_ready("98", s) and not is_ready("99", s) and is_ready("001", s)
    s.ready_status = "98"
    assert claim_clash(s) == "ready-for-export" and claim_status_of(s) == ""
    assert is_ready("98", s)  # a clash turns claims off, never the ready set
    s.ready_status, s.error_status = "", "98"
    assert claim_clash(s) == "error"
    s.export_claim_status = ""
    assert claim_clash(s) is None and claim_status_of(s) == ""
