"""End to end against the sandbox: each troubleshooting-page message for its cause, once."""

from __future__ import annotations

import pytest

from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import ExitCode, ExportFormat, JournalState, Level, LogEntry
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import RunHooks
from vismadesk.engine.sync import reset_work_orders
from vismadesk.store import StoreAPI

PAGE_TEXT = {
    "relation_not_in_outsmart": "Work order {wo} relation {rec} does not exist in OutSmart",
    "relation_not_in_visma": "Relation {rec} on work order {wo} not found in VISMA.net",
    "material_not_in_visma": "Material {rec} on work order {wo} not found in VISMA.net",
    "quantity_not_positive": "The quantity of material {rec} has to be greater than 0",
}


def _entries(session: DemoSession, run_id: str) -> list[LogEntry]:
    page = session.context.store.log_page(limit=100_000)
    return [e for e in page if e.run_id == run_id]


def _journal_state(store: StoreAPI, work_order: str) -> JournalState:
    entry = store.journal_get(work_order)
    assert entry is not None, work_order
    return entry.state


def test_without_export_format_nothing_is_sent(demo: DemoSession) -> None:
    demo.context.settings.export_format = None
    before = demo.sandbox.state()
    seen: list[LogEntry] = []
    result = run_export(demo.context, RunHooks(on_log=seen.append))
    assert result.exit_code == ExitCode.CONFIG
    assert [e.summary for e in seen] == [
        "Please specify whether to send the work order as a sales order or a sales invoice"
    ]
    assert seen[0].level is Level.ERROR
    assert seen[0].details["hint"] == messages.EXPORT_FORMAT_MISSING.hint
    after = demo.sandbox.state()
    assert after["invoices"] == before["invoices"]
    assert after["sales_orders"] == before["sales_orders"]


def test_an_export_after_disconnect_says_not_signed_in(demo: DemoSession) -> None:
    demo.context.tokens.disconnect()
    seen: list[LogEntry] = []
    result = run_export(demo.context, RunHooks(on_log=seen.append))
    assert result.exit_code == ExitCode.CONFIG
    # A deliberate Disconnect: not the seed's "API token invalid" (for a token that
    # stopped working), but plainly that there is no sign-in.
    assert [e.summary for e in seen] == ["Not signed in to VISMA.net"]


@pytest.mark.parametrize("fmt", [ExportFormat.SALES_INVOICE, ExportFormat.SALES_ORDER])
def test_each_troubleshooting_page_error_for_its_cause_and_the_rest_exported_once(
    demo: DemoSession, fmt: ExportFormat
) -> None:
    demo.context.settings.export_format = fmt
    state = demo.sandbox.state()
    oracle = expected_problems(state, new_material=False, new_relation=False)
    failing = {wo for wo, p in oracle.items() if p}
    causes = {code for p in oracle.values() for code, _ in p}
    # The demo data triggers every troubleshooting-page error; if not, this test would prove little.
    assert {
        "relation_not_in_outsmart",
        "relation_not_in_visma",
        "material_not_in_visma",
        "quantity_not_positive",
    } <= causes

    result = run_export(demo.context)
    assert result.exit_code == ExitCode.SOME_FAILED
    assert result.failed == len(failing)
    assert result.succeeded == len(oracle) - len(failing)

    entries = _entries(demo, result.run_id)
    errors = {(e.work_order, e.code, e.record) for e in entries if e.level is Level.ERROR}
    for wo, problems in oracle.items():
        for code, record in problems:
            assert (wo, code, record or None) in errors, (wo, code, record)
    # Word for word, with the fix in the details.
    for e in entries:
        if e.code in PAGE_TEXT:
            assert e.summary == PAGE_TEXT[e.code].format(wo=e.work_order, rec=e.record)
            assert e.details["hint"] == messages.get(e.code).hint

    after = demo.sandbox.state()
    docs = documents_by_reference(after)
    for wo in oracle:
        assert docs.get(wo, 0) == (0 if wo in failing else 1), wo
    statuses = {w["WorkorderNo"]: w for w in after["work_orders"]}
    for wo in failing:
        assert statuses[wo]["WorkStatus"] == "99"
        assert _journal_state(demo.context.store, wo) is JournalState.FAILED
    for wo in set(oracle) - failing:
        assert statuses[wo]["status"] == "Afgehandeld"
        assert _journal_state(demo.context.store, wo) is JournalState.DONE

    # Success entries name the document type and number; the summary counts them.
    success = [e for e in entries if e.code == messages.WORK_ORDER_EXPORTED.code]
    assert len(success) == len(oracle) - len(failing)
    assert all(fmt.document_name in e.summary for e in success)
    summary = entries[0]  # newest first: the summary is the run's last word
    assert summary.summary == (
        f"{len(failing)} of {len(oracle)} work orders have errors; "
        f"{len(oracle) - len(failing)} exported, 0 skipped"
    )

    # A second run sends nothing again: the failed ones wait in the error status.
    again = run_export(demo.context)
    assert again.exit_code == ExitCode.OK
    assert documents_by_reference(demo.sandbox.state()) == docs
    assert [e.summary for e in _entries(demo, again.run_id)] == ["Niks te importeren/exporteren"]


def test_new_material_and_new_relation_create_what_is_missing(demo: DemoSession) -> None:
    s = demo.context.settings
    s.new_material = True
    s.new_relation = True
    state = demo.sandbox.state()
    oracle = expected_problems(state, new_material=True, new_relation=True)
    strict = expected_problems(state, new_material=False, new_relation=False)
    rescued = {wo for wo in oracle if strict[wo] and not oracle[wo]}
    assert rescued, "the demo data should have work orders New material/relation can rescue"

    result = run_export(demo.context)
    after = demo.sandbox.state()
    docs = documents_by_reference(after)
    for wo in rescued:
        assert docs.get(wo) == 1, wo
    customers = {c["number"] for c in after["customers"]}
    inventory = {i["inventoryNumber"] for i in after["inventory"]}
    for wo in rescued:
        for code, record in strict[wo]:
            if code == "relation_not_in_visma":
                assert record in customers
            if code in ("material_not_in_visma", "hour_type_not_in_visma"):
                assert record in inventory
    created = [
        e
        for e in _entries(demo, result.run_id)
        if e.code in (messages.CUSTOMER_CREATED.code, messages.MATERIAL_CREATED.code)
    ]
    # One create per missing record, however many work orders needed it.
    assert len({e.record for e in created}) == len(created)


def test_reset_then_export_again_after_the_fix(demo: DemoSession) -> None:
    state = demo.sandbox.state()
    oracle = expected_problems(state, new_material=False, new_relation=False)
    only_material = [
        wo for wo, p in oracle.items() if p and {code for code, _ in p} == {"material_not_in_visma"}
    ]
    assert only_material
    first = run_export(demo.context)
    assert first.failed >= len(only_material)

    demo.context.settings.new_material = True
    reset = reset_work_orders(demo.context, only_material)
    assert reset.exit_code == ExitCode.OK
    second = run_export(demo.context)
    assert second.exit_code == ExitCode.OK
    assert second.succeeded == len(only_material)
    docs = documents_by_reference(demo.sandbox.state())
    assert all(docs.get(wo) == 1 for wo in only_material)


class _Crash(BaseException):
    """Stands in for the process dying: nothing after it runs."""


def test_in_flight_journal_entry_is_looked_up_not_sent_again(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after the POST reached Visma.net, before it wrote anything."""
    store = demo.context.store
    oracle = expected_problems(demo.sandbox.state(), new_material=False, new_relation=False)
    victim = next(wo for wo, p in sorted(oracle.items()) if not p)
    demo.context.settings.concurrency = 1
    real_create = demo.context.visma.create_document

    def create_then_die(doc):
        ref = real_create(doc)
        if doc.reference == victim:
            raise _Crash
        return ref

    monkeypatch.setattr(demo.context.visma, "create_document", create_then_die)
    with pytest.raises(_Crash):
        run_export(demo.context, only=[victim])
    assert _journal_state(store, victim) is JournalState.CREATING
    assert documents_by_reference(demo.sandbox.state()).get(victim) == 1

    monkeypatch.setattr(demo.context.visma, "create_document", real_create)
    second = run_export(demo.context, only=[victim])
    assert second.exit_code == ExitCode.OK
    assert documents_by_reference(demo.sandbox.state()).get(victim) == 1
    assert _journal_state(store, victim) is JournalState.DONE
    codes = [e.code for e in _entries(demo, second.run_id) if e.work_order == victim]
    assert codes == [messages.WORK_ORDER_ALREADY_EXPORTED.code]


def test_a_work_order_with_an_unreadable_value_fails_alone(demo: DemoSession) -> None:
    """OutSmart sends a quantity no one can read: that work order is explained and
    parked in the error status; every other work order is exported as usual."""
    oracle = expected_problems(demo.sandbox.state(), new_material=False, new_relation=False)
    good = sorted(wo for wo, p in oracle.items() if not p)
    victim, others = good[0], good[1:]
    state = demo.sandbox._state
    with state.lock:
        row = state.work_orders[state.work_order_rows[victim]]
        row["Materials"][0]["MaterialNr"] = "twee"

    result = run_export(demo.context)
    entries = _entries(demo, result.run_id)
    unreadable = [e for e in entries if e.code == messages.WORK_ORDER_UNREADABLE.code]
    assert [(e.work_order, e.record) for e in unreadable] == [(victim, "Materials[1].MaterialNr")]
    assert unreadable[0].summary == (
        f"Work order {victim} has a value vismadesk cannot read: Materials[1].MaterialNr"
    )
    assert "twee" in str(unreadable[0].details)
    assert result.failed == len(oracle) - len(others)
    after = demo.sandbox.state()
    docs = documents_by_reference(after)
    assert docs.get(victim, 0) == 0
    assert all(docs.get(wo) == 1 for wo in others)
    statuses = {w["WorkorderNo"]: w for w in after["work_orders"]}
    assert statuses[victim]["WorkStatus"] == "99"

    # It waits in the error status: the next run neither sends nor reports it again.
    again = run_export(demo.context)
    assert [e.summary for e in _entries(demo, again.run_id)] == ["Niks te importeren/exporteren"]
