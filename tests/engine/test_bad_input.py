"""Bad input, round two (#14): one bad record never stops the rest, nothing is lost.

Against the sandbox: the values are put into its OutSmart work orders as OutSmart would
send them (a lone UTF-16 surrogate is a valid JSON escape), and the real clients read
them over loopback.
"""

from __future__ import annotations

from typing import Any

from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import LogEntry
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
