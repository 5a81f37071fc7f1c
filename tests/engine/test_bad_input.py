"""Bad input, round two (#14): one bad record never stops the rest, nothing is lost.

Against the sandbox: the values are put into its OutSmart work orders as OutSmart would
send them (a lone UTF-16 surrogate is a valid JSON escape), and the real clients read
them over loopback.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import ExitCode, Level, LogEntry
from vismadesk.engine.export import run_export

HALF_EMOJI = "\ud83d"  # the first half of 😀, alone


def _entries(session: DemoSession, run_id: str) -> list[LogEntry]:
    return [e for e in session.context.store.log_page(limit=100_000) if e.run_id == run_id]


def _good(session: DemoSession) -> list[str]:
    oracle = expected_problems(session.sandbox.state(), new_material=False, new_relation=False)
    return sorted(wo for wo, p in oracle.items() if not p)


def _edit(session: DemoSession, number: str, change: Any) -> None:
    state = session.sandbox._state
    with state.lock:
        change(state.work_orders[state.work_order_rows[number]])


def test_half_an_emoji_is_cleaned_in_a_description_and_fails_only_its_work_order_in_a_code(
    demo: DemoSession,
) -> None:
    good = _good(demo)
    prose, in_code, in_name = good[:3]
    others = good[3:]
    _edit(demo, prose, lambda row: row.update(WorkDescription=f"Boiler {HALF_EMOJI} vervangen"))
    _edit(demo, in_code, lambda row: row["Materials"][0].update(MaterialCode=f"C1{HALF_EMOJI}"))
    _edit(demo, in_name, lambda row: row["Materials"][0].update(MaterialName=f"Kraan{HALF_EMOJI}"))

    result = run_export(demo.context)

    unreadable = {
        e.work_order: e for e in _entries(demo, result.run_id) if e.code == "work_order_unreadable"
    }
    assert set(unreadable) == {in_code, in_name}
    assert unreadable[in_code].summary == (
        f"Work order {in_code} has a value vismadesk cannot read: Materials[1].MaterialCode"
    )
    assert unreadable[in_name].record == "Materials[1].MaterialName"
    assert "half an emoji" in str(unreadable[in_code].details)
    docs = documents_by_reference(demo.sandbox.state())
    # The description's work order went, with the broken character replaced.
    assert docs.get(prose) == 1
    assert all(docs.get(wo) == 1 for wo in others)
    assert docs.get(in_code, 0) == 0 and docs.get(in_name, 0) == 0
    statuses = {w["WorkorderNo"]: w["WorkStatus"] for w in demo.sandbox.state()["work_orders"]}
    assert statuses[in_code] == statuses[in_name] == "99"
    # The next run is not stopped by them either: they wait in the error status.
    again = run_export(demo.context)
    assert [e.code for e in _entries(demo, again.run_id)] == [messages.NOTHING_TO_DO.code]


def _wrap_customer_numbers(session: DemoSession) -> None:
    state = session.sandbox._state
    with state.lock:
        for c in state.customers.values():
            c["number"] = {"value": c["number"]}  # wrapped, as in a request body


def _list_inventory_numbers(session: DemoSession) -> None:
    state = session.sandbox._state
    with state.lock:
        for i in list(state.inventory.values())[:1]:
            i["inventoryNumber"] = [i["inventoryNumber"]]


@pytest.mark.parametrize(
    ("spoil", "which"),
    [(_wrap_customer_numbers, "customer list"), (_list_inventory_numbers, "inventory list")],
    ids=["customers", "inventory"],
)
def test_a_master_data_list_with_wrong_types_stops_the_run_before_any_work_order(
    demo: DemoSession, spoil: Any, which: str
) -> None:
    before = demo.sandbox.state()
    spoil(demo)
    demo.context.settings.new_relation = True
    demo.context.settings.new_material = True

    result = run_export(demo.context)

    assert result.exit_code == ExitCode.CONFIG
    entries = _entries(demo, result.run_id)
    assert [e.code for e in entries if e.level is Level.ERROR] == ["master_data_unreadable"]
    error = next(e for e in entries if e.code == "master_data_unreadable")
    assert error.summary == f"The {which} VISMA.net sent cannot be read"
    assert "expected" in str(error.details) and "No work order was touched" in error.details["hint"]
    after = demo.sandbox.state()
    # Nothing created in VISMA.net, no work status changed, nothing journalled.
    assert documents_by_reference(after) == documents_by_reference(before)
    assert len(after["customers"]) == len(before["customers"])
    assert [w["WorkStatus"] for w in after["work_orders"]] == [
        w["WorkStatus"] for w in before["work_orders"]
    ]
    assert demo.context.store.journal_entries() == []


def test_a_30_digit_price_fails_its_work_order_once_with_a_message(demo: DemoSession) -> None:
    good = _good(demo)
    victim, others = good[0], good[1:]
    huge = "123456789012345678901234567890"
    _edit(demo, victim, lambda row: row["Materials"][0].update(MaterialPrice=huge))

    result = run_export(demo.context)

    assert result.exit_code == ExitCode.SOME_FAILED
    errors = [e for e in _entries(demo, result.run_id) if e.code == "number_too_large"]
    assert [e.summary for e in errors] == [
        f"Work order {victim}: Materials[1].MaterialPrice {huge} is a number VISMA.net cannot hold"
    ]
    docs = documents_by_reference(demo.sandbox.state())
    assert docs.get(victim, 0) == 0
    assert all(docs.get(wo) == 1 for wo in others)
    statuses = {w["WorkorderNo"]: w["WorkStatus"] for w in demo.sandbox.state()["work_orders"]}
    assert statuses[victim] == "99"
    # Not retried every run: it waits in the error status until reset.
    again = run_export(demo.context)
    assert [e.code for e in _entries(demo, again.run_id)] == [messages.NOTHING_TO_DO.code]


@pytest.mark.parametrize(
    ("value", "fits"),
    [
        ("4.55", True),
        ("-2", True),
        ("999999999999.99", True),
        ("1000000000000000", False),
        ("12345678901234.567", False),  # 17 digits: a double would change it
        ("123456789012345678901234567890", False),
    ],
)
def test_which_numbers_visma_can_hold(value: str, fits: bool) -> None:
    from decimal import Decimal

    from vismadesk.engine.validate import fits_visma

    assert fits_visma(Decimal(value)) is fits


def test_a_full_disk_stops_the_export_and_nothing_is_sent_unjournalled(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.full_disk import disk_full_after
    from vismadesk.store.faults import FaultKind, StoreFault

    store = demo.context.store
    good = set(_good(demo))
    with (
        disk_full_after(monkeypatch, [store.connection()], spare_pages=3),  # type: ignore[attr-defined]
        pytest.raises(StoreFault) as info,
    ):
        run_export(demo.context)
    assert info.value.kind is FaultKind.FULL
    assert "disk that holds the database" in str(info.value)
    assert "Free some disk space" in str(info.value)
    # Every document VISMA.net got was written in the journal before it was sent.
    sent = {wo for wo, n in documents_by_reference(demo.sandbox.state()).items() if n}
    journalled = {e.work_order for e in store.journal_entries()}
    assert sent <= journalled
    assert sent != good, "the disk filled before the end of the run"

    # Space again: the next run finishes every work order, each exactly once.
    again = run_export(demo.context)
    assert again.exit_code in (ExitCode.OK, ExitCode.SOME_FAILED)
    docs = documents_by_reference(demo.sandbox.state())
    assert {wo for wo, n in docs.items() if n} == good
    assert all(n == 1 for n in docs.values())
