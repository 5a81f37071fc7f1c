"""Exactly once in one process, against the sandbox: the run lock, the claim, what
Visma.net already holds, "already exists", manual order numbers, and duplicates named.
(The same with real processes and two profiles: test_two_consoles.py.)"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading

import pytest

from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk import messages
from vismadesk.demo import DemoSession
from vismadesk.domain import (
    Action,
    DocumentLine,
    ExitCode,
    ExportFormat,
    JournalState,
    LogEntry,
    SalesDocument,
)
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import RunHooks
from vismadesk.engine.sync import reset_work_orders, sync_all
from vismadesk.errors import AppError
from vismadesk.net.transport import Backoff
from vismadesk.store import Store


def _entries(demo: DemoSession, run_id: str) -> list[LogEntry]:
    return [e for e in demo.context.store.log_page(limit=100_000) if e.run_id == run_id]


def _good(demo: DemoSession) -> list[str]:
    oracle = expected_problems(demo.sandbox.state(), new_material=False, new_relation=False)
    return sorted(wo for wo, p in oracle.items() if not p)


def _rows(demo: DemoSession) -> dict[str, dict]:
    return {w["WorkorderNo"]: w for w in demo.sandbox.state()["work_orders"]}


# --- one run at a time per profile -------------------------------------------------------


def test_while_another_run_holds_the_profile_export_sync_and_reset_say_so(
    demo: DemoSession,
) -> None:
    store = demo.context.store
    before = demo.sandbox.request_counts()
    with store.hold_run(Action.EXPORT):
        seen: list[LogEntry] = []
        hooks = RunHooks(on_log=seen.append)
        results = [
            run_export(demo.context, hooks),
            sync_all(demo.context, hooks),
            reset_work_orders(demo.context, ["WB00001"], hooks),
        ]
    assert [r.exit_code for r in results] == [ExitCode.CONFIG] * 3
    assert [e.code for e in seen] == [messages.RUN_BUSY.code] * 3
    assert seen[0].summary.startswith("Export is already running on this profile since ")
    assert seen[0].summary.endswith(f"(process {os.getpid()} on {socket.gethostname()})")
    assert seen[0].details["hint"] == messages.RUN_BUSY.hint
    assert demo.sandbox.request_counts() == before, "a refused run sent something"
    # Free again: the next run goes.
    assert run_export(demo.context).exit_code == ExitCode.SOME_FAILED


def test_a_run_waits_for_the_other_when_asked(demo: DemoSession) -> None:
    store = demo.context.store
    good = _good(demo)
    held, release = threading.Event(), threading.Event()

    def other() -> None:
        with store.hold_run(Action.IMPORT):
            held.set()
            release.wait()

    t = threading.Thread(target=other)
    t.start()
    held.wait()
    results = []
    runner = threading.Thread(
        target=lambda: results.append(run_export(demo.context, wait_s=60)), daemon=True
    )
    runner.start()
    holder = store.run_holder()
    assert holder is not None and holder.action is Action.IMPORT
    release.set()
    t.join()
    runner.join(timeout=60)
    assert results and results[0].exit_code == ExitCode.SOME_FAILED
    assert results[0].succeeded == len(good)


# --- the claim ----------------------------------------------------------------------------


def test_each_work_order_is_in_export_in_outsmart_before_its_document_is_made(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _good(demo)
    status_at_create: dict[str, str] = {}
    real = demo.context.visma.create_or_find_document

    def spy(doc, **kw):
        status_at_create[doc.reference] = _rows(demo)[doc.reference]["WorkStatus"]
        return real(doc, **kw)

    monkeypatch.setattr(demo.context.visma, "create_or_find_document", spy)
    result = run_export(demo.context)
    assert set(status_at_create) == set(good)
    assert set(status_at_create.values()) == {"98"}
    rows = _rows(demo)
    assert all(rows[wo]["status"] == "Afgehandeld" for wo in good)
    assert not demo.context.store.claims_expired_before(dt.datetime.now(dt.UTC) + dt.timedelta(1))
    assert result.exit_code == ExitCode.SOME_FAILED


def test_another_consoles_fresh_claim_stops_this_export_until_its_lease_ends(
    demo: DemoSession,
) -> None:
    ctx = demo.context
    good = _good(demo)
    theirs = good[:2]
    for wo in theirs:
        assert ctx.outsmart.claim_work_order(wo, "98")  # another console claimed these

    first = run_export(ctx)
    assert first.exit_code == ExitCode.CONFIG
    (warning,) = [
        e for e in _entries(demo, first.run_id) if e.code == messages.OTHER_CONSOLE_EXPORTING.code
    ]
    assert warning.details["work_orders"] == theirs
    assert f"2 work orders are in export there ({', '.join(theirs)})" in warning.summary
    assert documents_by_reference(demo.sandbox.state()) == {}, "it created something"
    seen = ctx.store.journal_get(theirs[0])
    assert seen is not None and seen.state is JournalState.CLAIM_SEEN

    # Still fresh on the next run; then the lease passes (first seen 20 minutes ago).
    assert run_export(ctx).exit_code == ExitCode.CONFIG
    ago = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)).isoformat()
    assert isinstance(ctx.store, Store)
    ctx.store.write(lambda c: c.execute("UPDATE journal SET updated_at = ?", (ago,)))
    third = run_export(ctx)
    assert third.exit_code == ExitCode.SOME_FAILED
    taken = [e for e in _entries(demo, third.run_id) if e.code == messages.CLAIM_TAKEN_OVER.code]
    assert sorted(e.work_order or "" for e in taken) == theirs
    docs = documents_by_reference(demo.sandbox.state())
    assert {wo: docs.get(wo) for wo in good} == dict.fromkeys(good, 1)


def test_a_claim_status_outsmart_does_not_know_is_said_once_and_the_export_goes_on(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # OutSmart's list of work statuses cannot be read: the first claim finds out (1504).
    def unreadable() -> list:
        raise AppError(messages.TIMEOUT.code, service="OutSmart")

    good = _good(demo)
    monkeypatch.setattr(demo.context.outsmart, "work_statuses", unreadable)
    demo.context.settings.export_claim_status = "97"
    result = run_export(demo.context)
    warnings = [
        e for e in _entries(demo, result.run_id) if e.code == messages.CLAIM_STATUS_UNKNOWN.code
    ]
    assert len(warnings) == 1
    assert warnings[0].summary.startswith("OutSmart does not know the in-export work status 97")
    assert result.succeeded == len(good)
    docs = documents_by_reference(demo.sandbox.state())
    assert all(docs.get(wo) == 1 for wo in good)


# --- what Visma.net already holds -----------------------------------------------------------


def test_a_work_order_already_in_visma_is_finished_before_anything_is_checked(
    demo: DemoSession,
) -> None:
    """A document made elsewhere (another console, a lost database): even a work order
    that would now fail validation is finished, never failed and never sent again."""
    ctx = demo.context
    state = demo.sandbox.state()
    oracle = expected_problems(state, new_material=False, new_relation=False)
    victim = next(
        wo for wo, p in sorted(oracle.items()) if {c for c, _ in p} == {"material_not_in_visma"}
    )
    row = _rows(demo)[victim]
    customer = next(c["number"] for c in state["customers"])
    item = next(i["inventoryNumber"] for i in state["inventory"])
    doc = SalesDocument(
        ExportFormat.SALES_INVOICE,
        customer,
        victim,
        dt.date.today(),
        f"Werkbon {victim}",
        [DocumentLine(item, "elsewhere", 1, 10)],  # type: ignore[arg-type]
    )
    made = ctx.visma.create_document(doc)
    posts = demo.sandbox.request_counts().get("erp POST /v2/customerinvoice", 0)

    result = run_export(ctx, only=[victim])
    assert result.exit_code == ExitCode.OK
    codes = [e.code for e in _entries(demo, result.run_id) if e.work_order == victim]
    assert codes == [messages.WORK_ORDER_ALREADY_EXPORTED.code]
    assert demo.sandbox.request_counts().get("erp POST /v2/customerinvoice", 0) == posts
    assert _rows(demo)[victim]["status"] == "Afgehandeld"
    assert _rows(demo)[victim]["WorkStatus"] == row["WorkStatus"]  # no error status
    kept = ctx.store.journal_get(victim)
    assert kept is not None and kept.doc_number == made.number


def test_already_exists_means_it_exists_the_export_goes_on(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another planner created the customer and the item just after this run read the
    lists: VISMA.net refuses the create; the record is read back and used."""
    ctx = demo.context
    ctx.settings.new_relation = True
    ctx.settings.new_material = True
    state = demo.sandbox.state()
    good = _good(demo)
    victim = next(w for w in state["work_orders"] if w["WorkorderNo"] == good[0])
    relation = victim.get("CustomerDebtorNrInvoice") or victim["CustomerDebtorNr"]
    code = victim["Materials"][0]["MaterialCode"]
    real_customers, real_inventory = ctx.visma.list_customers, ctx.visma.list_inventory
    monkeypatch.setattr(
        ctx.visma,
        "list_customers",
        lambda since=None: [c for c in real_customers(since) if c.number != relation],
    )
    monkeypatch.setattr(
        ctx.visma,
        "list_inventory",
        lambda since=None: [i for i in real_inventory(since) if i.number != code],
    )
    result = run_export(ctx, only=[good[0]])
    assert result.exit_code == ExitCode.OK
    codes = {e.code for e in _entries(demo, result.run_id)}
    assert messages.CUSTOMER_ALREADY_IN_VISMA.code in codes
    assert messages.MATERIAL_ALREADY_IN_VISMA.code in codes
    assert messages.CUSTOMER_CREATE_FAILED.code not in codes
    assert messages.MATERIAL_CREATE_FAILED.code not in codes
    assert documents_by_reference(demo.sandbox.state()) == {good[0]: 1}
    assert _rows(demo)[good[0]]["WorkStatus"] != "99"
    after = demo.sandbox.state()
    assert len(after["customers"]) == len(state["customers"])
    assert len(after["inventory"]) == len(state["inventory"])


# --- manual order numbers ------------------------------------------------------------------


@pytest.fixture
def manual(demo: DemoSession) -> DemoSession:
    s = demo.context.settings
    s.export_format = ExportFormat.SALES_ORDER
    s.manual_order_numbers = True
    demo.sandbox.order_numbering(SO="manual")
    return demo


def test_manual_numbering_gives_the_order_the_work_order_number(manual: DemoSession) -> None:
    good = _good(manual)
    result = run_export(manual.context)
    orders = {o["customer"]["refNo"]: o["orderId"] for o in manual.sandbox.state()["sales_orders"]}
    assert orders == {wo: wo for wo in good}
    assert result.succeeded == len(good)


def test_a_409_for_our_own_order_number_is_already_exported(
    manual: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order was made long ago (beyond the days read back) and the journal is gone:
    VISMA.net itself refuses the second copy, and the order is finished."""
    ctx = manual.context
    good = _good(manual)
    ctx.settings.export_claim_status = ""  # the work orders stay ready for export
    # Every "mark handled" fails after its retries: retried in milliseconds, not seconds.
    monkeypatch.setattr(ctx.outsmart, "_backoff", Backoff(base_s=0.001, cap_s=0.004))
    manual.sandbox.faults(error_rate=1.0, service="outsmart", match="update_status=true")
    first = run_export(ctx)
    assert len(manual.sandbox.state()["sales_orders"]) == len(good)
    assert first.succeeded == 0  # none marked handled
    manual.sandbox.faults(error_rate=0.0, service="outsmart", match="update_status=true")
    assert isinstance(ctx.store, Store)
    ctx.store.write(lambda c: c.execute("DELETE FROM journal"))
    monkeypatch.setattr(ctx.visma, "documents_since", lambda *a, **k: [])

    second = run_export(ctx)
    assert second.succeeded == len(good)
    finished = [
        e
        for e in _entries(manual, second.run_id)
        if e.code == messages.WORK_ORDER_ALREADY_EXPORTED.code
    ]
    assert {e.work_order for e in finished} == set(good)
    assert len(manual.sandbox.state()["sales_orders"]) == len(good)
    conflicts = manual.sandbox.request_counts().get("salesorders POST /api/v3/SalesOrders", 0)
    assert conflicts == 2 * len(good)  # each refused once with 409


def test_a_work_order_number_too_long_for_an_order_number_fails_alone(
    manual: DemoSession,
) -> None:
    good = _good(manual)
    victim, others = good[0], good[1:]
    long_number = f"{victim}-{'X' * 20}"
    state = manual.sandbox._state
    with state.lock:
        row = state.work_order_rows.pop(victim)
        state.work_orders[row]["WorkorderNo"] = long_number
        state.work_order_rows[long_number] = row

    result = run_export(manual.context)
    said = [
        e for e in _entries(manual, result.run_id) if e.code == messages.ORDER_NUMBER_TOO_LONG.code
    ]
    assert [e.summary for e in said] == [
        f"Work order {long_number} does not fit in a sales order number (at most 15 characters)"
    ]
    orders = [o["customer"]["refNo"] for o in manual.sandbox.state()["sales_orders"]]
    assert sorted(orders) == others  # nothing sent for it, every other one once
    assert _rows(manual)[long_number]["WorkStatus"] == "99"


def test_an_order_number_taken_by_another_order_is_explained(manual: DemoSession) -> None:
    ctx = manual.context
    victim = _good(manual)[0]
    state = manual.sandbox.state()
    wo = next(w for w in state["work_orders"] if w["WorkorderNo"] == victim)
    relation = wo.get("CustomerDebtorNrInvoice") or wo["CustomerDebtorNr"]
    item = wo["Materials"][0]["MaterialCode"]
    other = SalesDocument(
        ExportFormat.SALES_ORDER,
        relation,
        "SOMEONE-ELSE",
        dt.date.today(),
        "Not ours",
        [DocumentLine(item, "x", 1, 1)],  # type: ignore[arg-type]
    )
    ctx.visma.create_or_find_document(other, order_id=victim)

    result = run_export(ctx, only=[victim])
    assert result.exit_code == ExitCode.SOME_FAILED
    (entry,) = [
        e
        for e in _entries(manual, result.run_id)
        if e.work_order == victim and e.level.value == "error"
    ]
    assert entry.code == messages.ORDER_NUMBER_TAKEN.code
    assert entry.summary == (
        f"Sales order SO {victim} in VISMA.net belongs to another order, not to work order {victim}"
    )
    assert _rows(manual)[victim]["WorkStatus"] == "99"


# --- duplicates named ------------------------------------------------------------------------


def test_a_work_order_found_twice_in_visma_is_named_with_what_to_delete(
    demo: DemoSession,
) -> None:
    ctx = demo.context
    victim = _good(demo)[0]
    demo.sandbox.faults(error_rate=1.0, service="outsmart", match=f"{victim}&update_status=true")
    run_export(ctx)
    (first,) = [i for i in demo.sandbox.state()["invoices"] if i["customerRefNumber"] == victim]
    # Another console (not seeing the claim) made a second one.
    inv = first
    doc = SalesDocument(
        ExportFormat.SALES_INVOICE,
        inv["customer"]["number"],
        victim,
        dt.date.today(),
        "again",
        [DocumentLine(inv["invoiceLines"][0]["inventoryNumber"], "x", 1, 1)],  # type: ignore[arg-type]
    )
    second_doc = ctx.visma.create_document(doc)
    demo.sandbox.faults(error_rate=0.0, service="outsmart", match=f"{victim}&update_status=true")

    result = run_export(ctx)
    (entry,) = [
        e for e in _entries(demo, result.run_id) if e.code == messages.DUPLICATE_DOCUMENTS.code
    ]
    numbers = [first["referenceNumber"], second_doc.number]
    assert entry.work_order == victim
    assert entry.summary == (
        f"Work order {victim} is in VISMA.net 2 times: sales invoices "
        f"{numbers[0]} and {numbers[1]}. Delete {numbers[1]}"
    )
    assert entry.details["keep"] == numbers[0] and entry.details["delete"] == [numbers[1]]
    journal = ctx.store.journal_get(victim)
    assert journal is not None
    assert journal.state is JournalState.DONE and journal.last_error == entry.summary
    assert result.exit_code == ExitCode.SOME_FAILED
