"""Attach work order PDF, end to end against the sandbox: the files OutSmart keeps with
a work order land on its customer invoice exactly once, through lost answers, dropped
connections and a second run; a file that cannot be fetched is a warning, and the
document still counts as exported. And the status after export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from tests.helpers.export_oracle import expected_problems
from vismadesk import messages
from vismadesk.demo import DemoSession, start_demo
from vismadesk.domain import ExitCode, ExportFormat, JournalState, LogEntry
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import RunHooks

ATTACH_POSTS = "erp POST /v1/customerinvoice/{invoiceNumber}/attachment"
PDF_GETS = "outsmart GET /mailpdf.php"
INVOICE_GETS = "erp GET /v1/customerinvoice/{invoiceNumber}"


@pytest.fixture
def demo() -> Iterator[DemoSession]:
    # Fewer work orders than the engine tests' usual 60: enough for every case here.
    session = start_demo(work_orders=15, seed=7)
    session.sign_in_as_service()
    session.context.settings.export_format = ExportFormat.SALES_INVOICE
    try:
        yield session
    finally:
        session.close()


def _attach_all(demo: DemoSession, *, forms: bool = True, signature: bool = True) -> None:
    s = demo.context.settings
    s.attach_pdf = True
    s.attach_forms = forms
    s.attach_signature = signature


def _good(demo: DemoSession) -> set[str]:
    oracle = expected_problems(demo.sandbox.state(), new_material=False, new_relation=False)
    return {wo for wo, p in oracle.items() if not p}


def _work_orders(demo: DemoSession) -> dict[str, dict[str, Any]]:
    return {w["WorkorderNo"]: w for w in demo.sandbox.state()["work_orders"]}


def _files_by_work_order(demo: DemoSession) -> dict[str, list[dict[str, Any]]]:
    """Each invoice's attachments, keyed by the work order the invoice is for."""
    state = demo.sandbox.state()
    held = state["invoice_attachments"]
    return {
        inv["customerRefNumber"]: held.get(inv["referenceNumber"], []) for inv in state["invoices"]
    }


def _expected_names(order: dict[str, Any], *, forms: bool, signature: bool) -> list[str]:
    number = order["WorkorderNo"]
    names = [f"{number}.pdf"]
    if forms:
        names += [f"{number}-{n}-{f['Name']}.pdf" for n, f in enumerate(order["Forms"], 1)]
    if signature:
        names.append(f"{number}-handtekening.png")
    return names


def _run(demo: DemoSession, **kwargs: Any) -> tuple[Any, list[LogEntry]]:
    seen: list[LogEntry] = []
    result = run_export(demo.context, RunHooks(on_log=seen.append), **kwargs)
    return result, seen


def test_every_invoice_carries_its_work_orders_files_once(demo: DemoSession) -> None:
    _attach_all(demo)
    good = _good(demo)
    result, seen = _run(demo)
    assert result.succeeded == len(good)
    orders = _work_orders(demo)
    files = _files_by_work_order(demo)
    assert set(files) == good
    with_forms = 0
    for number, rows in files.items():
        order = orders[number]
        with_forms += bool(order["Forms"])
        assert [r["name"] for r in rows] == _expected_names(order, forms=True, signature=True)
        kinds = {r["name"].rsplit(".", 1)[1]: r["contentType"] for r in rows}
        assert kinds == {"pdf": "application/pdf", "png": "image/png"}
        # The work order PDF goes with the invoice e-mail; forms and signature stay in VISMA.net.
        assert rows[0]["includeAttachmentInvoiceEmail"] is True
        assert not any(r["includeAttachmentInvoiceEmail"] for r in rows[1:])
        assert order["status"] == "Afgehandeld"
    assert with_forms > 0, "some demo work orders have a form with a PDF"
    attached = [e for e in seen if e.code == messages.FILES_ATTACHED.code]
    assert {e.work_order for e in attached} == good
    some = attached[0]
    assert some.summary.startswith(f"Work order {some.work_order}: ")
    assert "files attached to sales invoice" in some.summary
    # The invoice as VISMA.net shows it lists them too.
    number = demo.sandbox.state()["invoices"][0]["referenceNumber"]
    shown = demo.context.visma.invoice_attachments(number)
    assert shown and all(name.startswith("WB") for name in shown)


def test_off_by_default_and_only_the_pdf_when_forms_and_signature_are_not_chosen(
    demo: DemoSession,
) -> None:
    assert demo.context.settings.attach_pdf is False
    first = sorted(_good(demo))[:3]
    result, _ = _run(demo, only=first)
    assert result.succeeded == 3
    assert demo.sandbox.request_counts().get(ATTACH_POSTS, 0) == 0
    assert all(rows == [] for rows in _files_by_work_order(demo).values())

    _attach_all(demo, forms=False, signature=False)
    rest = sorted(_good(demo))[3:9]
    _run(demo, only=rest)
    files = _files_by_work_order(demo)
    assert {n: [r["name"] for r in files[n]] for n in rest} == {n: [f"{n}.pdf"] for n in rest}


def test_lost_answers_are_looked_up_not_sent_again(demo: DemoSession) -> None:
    _attach_all(demo)
    sb = demo.sandbox
    # Every attachment POST is carried out, and its answer never arrives.
    sb.faults(lost_response_rate=1.0, service="erp", match="/attachment")
    good = _good(demo)
    result, _ = _run(demo)
    assert result.succeeded == len(good) and result.exit_code == ExitCode.SOME_FAILED
    orders = _work_orders(demo)
    files = _files_by_work_order(demo)
    expected = {n: _expected_names(orders[n], forms=True, signature=True) for n in good}
    assert {n: [r["name"] for r in rows] for n, rows in files.items()} == expected
    # One POST per file: after each lost answer the invoice was read, and it had it.
    counts = sb.request_counts()
    assert counts[ATTACH_POSTS] == sum(len(v) for v in expected.values())
    assert counts[INVOICE_GETS] >= counts[ATTACH_POSTS]


def test_connection_trouble_leaves_the_work_order_for_the_next_export(
    demo: DemoSession,
) -> None:
    _attach_all(demo, forms=False, signature=False)
    sb = demo.sandbox
    target = sorted(_good(demo))[0]
    # The attachment never reaches VISMA.net: every connection is dropped.
    sb.faults(drop_rate=1.0, service="erp", match="/attachment")
    result, seen = _run(demo, only=[target])
    assert result.succeeded == 0
    assert _work_orders(demo)[target]["status"] == "Compleet"  # OutSmart not told
    journal = demo.context.store.journal_get(target)
    assert journal is not None and journal.state is JournalState.CREATED
    assert _files_by_work_order(demo)[target] == []
    assert any(e.code == messages.NETWORK_UNREACHABLE.code for e in seen)

    sb.faults(drop_rate=0.0, service="erp", match="/attachment")
    result, seen = _run(demo, only=[target])
    assert result.succeeded == 1
    assert [r["name"] for r in _files_by_work_order(demo)[target]] == [f"{target}.pdf"]
    assert [e.code for e in seen if e.work_order == target][-2:] == [
        messages.FILES_ATTACHED.code,
        messages.WORK_ORDER_ALREADY_EXPORTED.code,
    ]
    # One invoice, not two.
    refs = Counter(inv["customerRefNumber"] for inv in demo.sandbox.state()["invoices"])
    assert refs[target] == 1


def test_a_second_run_finds_the_files_on_the_invoice(demo: DemoSession) -> None:
    """Attached, then OutSmart could not be told: the next run reads the invoice's
    attachments and sends none of them again."""
    _attach_all(demo)
    sb = demo.sandbox
    target = sorted(_good(demo))[0]
    sb.faults(error_rate=1.0, service="outsmart", match="update_status=true")
    result, seen = _run(demo, only=[target])
    assert any(e.code == messages.WORK_ORDER_NOT_MARKED.code for e in seen)
    first = [r["id"] for r in _files_by_work_order(demo)[target]]
    assert first
    posts = sb.request_counts()[ATTACH_POSTS]

    sb.faults(error_rate=0.0, service="outsmart", match="update_status=true")
    result, seen = _run(demo, only=[target])
    assert result.succeeded == 1
    assert [r["id"] for r in _files_by_work_order(demo)[target]] == first
    assert sb.request_counts()[ATTACH_POSTS] == posts
    assert not any(e.code == messages.FILES_ATTACHED.code for e in seen)
    assert _work_orders(demo)[target]["status"] == "Afgehandeld"


def test_a_pdf_that_cannot_be_fetched_is_a_warning_and_the_work_order_is_exported(
    demo: DemoSession,
) -> None:
    _attach_all(demo, forms=False, signature=True)
    sb = demo.sandbox
    sb.faults(error_rate=1.0, service="outsmart", match="mailpdf.php")
    targets = sorted(_good(demo))[:2]
    result, seen = _run(demo, only=targets)
    assert result.succeeded == 2 and result.exit_code == ExitCode.OK
    warnings = [e for e in seen if e.code == messages.ATTACHMENT_NOT_FETCHED.code]
    assert sorted(e.work_order or "" for e in warnings) == targets
    w = warnings[0]
    assert w.level.value == "warning"
    assert f"{w.work_order}.pdf could not be fetched from OutSmart" in w.summary
    for number in targets:
        # The signature still came; the work order is exported and handled.
        names = [r["name"] for r in _files_by_work_order(demo)[number]]
        assert names == [f"{number}-handtekening.png"]
        assert _work_orders(demo)[number]["status"] == "Afgehandeld"
    assert sb.request_counts()[PDF_GETS] >= 2 * 4  # each tried as a read is: 4 times


def test_an_address_that_answers_a_web_page_is_a_warning(demo: DemoSession) -> None:
    _attach_all(demo, forms=False, signature=False)
    target = sorted(_good(demo))[0]
    sb = demo.sandbox
    with sb._state.lock:  # OutSmart no longer knows the worksheet: it answers a page
        row = sb._state.work_order_rows[target]
        code = sb._state.work_orders[row]["WorksheetCode"]
        sb._state.worksheets.pop(code)
    result, seen = _run(demo, only=[target])
    assert result.succeeded == 1
    warning = next(e for e in seen if e.code == messages.ATTACHMENT_NOT_FETCHED.code)
    assert "HTML page" in str(warning.details)
    assert _files_by_work_order(demo)[target] == []


def test_sales_orders_carry_no_files_and_the_run_says_so_once(demo: DemoSession) -> None:
    _attach_all(demo)
    demo.context.settings.export_format = ExportFormat.SALES_ORDER
    result, seen = _run(demo)
    assert result.succeeded > 0
    said = [e for e in seen if e.code == messages.ATTACH_NOT_FOR_SALES_ORDERS.code]
    assert len(said) == 1
    counts = demo.sandbox.request_counts()
    assert counts.get(ATTACH_POSTS, 0) == 0 and counts.get(PDF_GETS, 0) == 0


# --- status after export -------------------------------------------------------------


def test_exported_work_orders_get_the_status_after_export(demo: DemoSession) -> None:
    demo.context.settings.exported_status = "003"
    good = _good(demo)
    result, _ = _run(demo)
    orders = _work_orders(demo)
    assert result.succeeded == len(good)
    assert {n for n, o in orders.items() if o["WorkStatus"] == "003"} == good
    assert all(orders[n]["status"] == "Afgehandeld" for n in good)
    # Failed ones are in the error status, as before.
    assert {o["WorkStatus"] for n, o in orders.items() if n not in good} == {"99"}


def test_a_status_outsmart_does_not_know_is_said_once_and_the_exports_count(
    demo: DemoSession,
) -> None:
    demo.context.settings.exported_status = "777"
    good = _good(demo)
    result, seen = _run(demo)
    assert result.succeeded == len(good)
    said = [e for e in seen if e.code == messages.EXPORTED_STATUS_NOT_SET.code]
    assert len(said) == 1 and "777" in said[0].summary
    assert all(_work_orders(demo)[n]["status"] == "Afgehandeld" for n in good)


def test_a_status_after_export_equal_to_the_error_status_is_not_used(demo: DemoSession) -> None:
    demo.context.settings.exported_status = "99"
    targets = sorted(_good(demo))[:2]
    result, seen = _run(demo, only=targets)
    assert result.succeeded == 2
    assert [e.code for e in seen].count(messages.EXPORTED_STATUS_CLASH.code) == 1
    assert all(_work_orders(demo)[n]["WorkStatus"] != "99" for n in targets)
