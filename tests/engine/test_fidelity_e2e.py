"""Against the sandbox, which refuses what VISMA.net and OutSmart refuse (issue #15):
each case the recorded traffic showed, and what the settings make of it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from vismadesk import messages
from vismadesk.config import CodeMap
from vismadesk.demo import DemoSession
from vismadesk.domain import ExitCode, ExportFormat, Level, LogEntry
from vismadesk.engine.export import run_export
from vismadesk.engine.runs import RunHooks
from vismadesk.engine.sync import sync_relations
from vismadesk.errors import OutSmartError


def _entries(session: DemoSession, run_id: str) -> list[LogEntry]:
    return [e for e in session.context.store.log_page(limit=100_000) if e.run_id == run_id]


def _clean_order(demo: DemoSession) -> dict[str, Any]:
    """A work order of the demo data that exports without any problem, as stored."""
    state = demo.sandbox._state
    failing = {wo for kind in demo.sandbox.faulty_orders.values() for wo in kind}
    with state.lock:
        return next(
            w
            for w in state.work_orders.values()
            if w["WorkorderNo"] not in failing and not w["CustomerDebtorNrInvoice"]
        )


def _edit(demo: DemoSession, number: str, change: Any) -> None:
    state = demo.sandbox._state
    with state.lock:
        change(state.work_orders[state.work_order_rows[number]])


def _erp(demo: DemoSession) -> httpx.Client:
    token = demo.context.tokens.access_token()
    return httpx.Client(
        base_url=demo.sandbox.services["erp"], headers={"Authorization": f"Bearer {token}"}
    )


def _inventory_creates(demo: DemoSession) -> int:
    return demo.sandbox.request_counts().get("erp POST /v1/inventory", 0)


def _documents_for(demo: DemoSession, number: str) -> list[dict[str, Any]]:
    state = demo.sandbox.state()
    return [i for i in state["invoices"] if i["customerRefNumber"] == number] + [
        o for o in state["sales_orders"] if o["customer"]["refNo"] == number
    ]


# --- a work period without an hour type --------------------------------------------------


def test_hours_without_an_hour_type_fail_alone_and_create_nothing(demo: DemoSession) -> None:
    wo = _clean_order(demo)["WorkorderNo"]
    _edit(demo, wo, lambda w: w["Workperiods"][0].update(HourType=""))
    demo.context.settings.new_material = True
    creates = _inventory_creates(demo)
    result = run_export(demo.context, only=[wo])
    assert result.exit_code == ExitCode.SOME_FAILED
    errors = [e for e in _entries(demo, result.run_id) if e.level is Level.ERROR]
    assert [e.summary for e in errors][-1] == f"Work order {wo} has hours without an hour type"
    assert _inventory_creates(demo) == creates
    assert _documents_for(demo, wo) == []


def test_the_default_labour_item_bills_them_instead(demo: DemoSession) -> None:
    wo = _clean_order(demo)["WorkorderNo"]
    _edit(demo, wo, lambda w: w["Workperiods"][0].update(HourType=""))
    demo.context.settings.default_labour_item = "ARBEID"
    result = run_export(demo.context, only=[wo])
    assert result.exit_code == ExitCode.OK
    (invoice,) = _documents_for(demo, wo)
    assert "ARBEID" in [line["inventoryNumber"] for line in invoice["invoiceLines"]]
    assert "" not in [line["inventoryNumber"] for line in invoice["invoiceLines"]]


# --- new items and the item class ---------------------------------------------------------


def test_new_material_without_an_item_class_sends_no_create(demo: DemoSession) -> None:
    missing = demo.sandbox.faulty_orders["material_missing_in_visma"]
    s = demo.context.settings
    s.new_material, s.item_class = True, ""
    creates = _inventory_creates(demo)
    result = run_export(demo.context, only=missing)
    assert result.failed == len(missing)
    entries = _entries(demo, result.run_id)
    assert {e.code for e in entries if e.work_order in missing} >= {"new_item_needs_class"}
    assert _inventory_creates(demo) == creates


def test_new_material_with_the_item_class_creates_what_the_class_gives(
    demo: DemoSession,
) -> None:
    missing = demo.sandbox.faulty_orders["material_missing_in_visma"]
    demo.context.settings.new_material = True  # the demo's item class is MAT
    result = run_export(demo.context, only=missing)
    assert result.exit_code == ExitCode.OK
    created = [e.record for e in _entries(demo, result.run_id) if e.code == "material_created"]
    assert created
    with _erp(demo) as erp:
        for code in created:
            item = erp.get(f"/v1/inventory/{code}").json()
            assert item["itemClass"]["id"] == "MAT"
            # Posting class and VAT category come from the class, as VISMA.net gives them.
            assert (item["postingClass"]["id"], item["vatCode"]["id"]) == ("MAT", "1")


# --- units ----------------------------------------------------------------------------------


def test_a_free_text_unit_fails_naming_it_until_the_table_maps_it(demo: DemoSession) -> None:
    demo.context.settings.export_format = ExportFormat.SALES_ORDER
    order = _clean_order(demo)
    wo, code = order["WorkorderNo"], order["Materials"][0]["MaterialCode"]
    with _erp(demo) as erp:
        unit = erp.get(f"/v1/inventory/{code}").json()["salesUnit"]
    _edit(demo, wo, lambda w: w["Materials"][0].update(MaterialUnit="STUKKEN"))
    first = run_export(demo.context, only=[wo])
    summaries = [e.summary for e in _entries(demo, first.run_id)]
    assert f"Unit STUKKEN of material {code} on work order {wo} is not a VISMA.net unit" in (
        summaries
    )
    assert _documents_for(demo, wo) == []

    demo.context.settings.unit_map = CodeMap([("stukken", unit)])
    demo.context.outsmart.set_work_status(wo, "001")
    demo.context.store.journal_forget(wo)
    second = run_export(demo.context, only=[wo])
    assert second.exit_code == ExitCode.OK, [e.summary for e in _entries(demo, second.run_id)]
    (so,) = _documents_for(demo, wo)
    lines = demo.sandbox.state()["sales_order_lines"][f"SO/{so['orderId']}"]
    assert lines[0]["unitOfMeasure"] == unit


# --- new customers, classes and terms ------------------------------------------------------


def test_a_new_customer_without_class_or_terms_gets_no_sales_order(demo: DemoSession) -> None:
    """The real SalesOrders v3 refuses it (1401-MissingTermsId); so does the sandbox."""
    missing = demo.sandbox.faulty_orders["relation_missing_in_visma"][1:2]  # the first has no name
    s = demo.context.settings
    s.export_format = ExportFormat.SALES_ORDER
    s.new_relation, s.customer_class, s.customer_terms = True, "", ""
    result = run_export(demo.context, only=missing)
    assert result.failed == 1
    failed = [e for e in _entries(demo, result.run_id) if e.code == "document_create_failed"]
    assert failed[0].details["problem_codes"] == ["1401-MissingTermsId"]
    assert failed[0].details["visma_fields"] == ["customer.termsId"]


@pytest.mark.parametrize(("klass", "terms"), [("NL", ""), ("", "14D")])
def test_a_class_or_terms_for_new_customers_lets_the_order_through(
    demo: DemoSession, klass: str, terms: str
) -> None:
    missing = demo.sandbox.faulty_orders["relation_missing_in_visma"][1:2]  # the first has no name
    s = demo.context.settings
    s.export_format = ExportFormat.SALES_ORDER
    s.new_relation, s.customer_class, s.customer_terms = True, klass, terms
    result = run_export(demo.context, only=missing)
    assert result.exit_code == ExitCode.OK
    relation = next(e.record for e in _entries(demo, result.run_id) if e.code == "customer_created")
    with _erp(demo) as erp:
        customer = erp.get(f"/v1/customer/{relation}").json()
    assert customer["creditTerms"]["id"] == (terms or "30D")
    assert customer.get("customerClass", {}).get("id", "") == klass


# --- the export defaults, and a refused document names the field ---------------------------


@pytest.mark.parametrize("fmt", [ExportFormat.SALES_ORDER, ExportFormat.SALES_INVOICE])
def test_the_export_defaults_arrive_in_visma(demo: DemoSession, fmt: ExportFormat) -> None:
    order = _clean_order(demo)
    wo = order["WorkorderNo"]
    _edit(demo, wo, lambda w: w.update(ProjectNr="P-100"))
    with _erp(demo) as erp:
        text_item = {
            "inventoryNumber": {"value": "TEKST"},
            "description": {"value": "Tekstregel"},
            "itemClass": {"value": "DIENST"},
        }
        assert erp.post("/v1/inventory", json=text_item).status_code == 201
    s = demo.context.settings
    s.export_format = fmt
    s.branch, s.warehouse, s.vat_category, s.credit_terms = "2", "BUS", "2", "14D"
    s.project_map = CodeMap([("P-100", "ONDERHOUD/02")])
    s.description_item = "TEKST"
    result = run_export(demo.context, only=[wo])
    assert result.exit_code == ExitCode.OK, [e.summary for e in _entries(demo, result.run_id)]
    (doc,) = _documents_for(demo, wo)
    if fmt is ExportFormat.SALES_ORDER:
        lines = demo.sandbox.state()["sales_order_lines"][f"SO/{doc['orderId']}"]
        assert doc["branch"]["id"] == "2" and doc["project"]["id"] == "ONDERHOUD"
        assert doc["financialInformation"]["terms"]["id"] == "14D"
        assert {(x["warehouseId"], x["taxCategoryId"], x["projectTaskId"]) for x in lines} == {
            ("BUS", "2", "02")
        }
        texts = [x for x in lines if x["inventory"]["id"] == "TEKST"]
    else:
        lines = doc["invoiceLines"]
        assert doc["branchNumber"]["number"] == "2" and doc["project"]["id"] == "ONDERHOUD"
        assert doc["creditTerms"]["id"] == "14D"
        assert {(x["vatCode"]["id"], x["projectTask"]["id"]) for x in lines} == {("2", "02")}
        texts = [x for x in lines if x["inventoryNumber"] == "TEKST"]
    assert " ".join(x["description"] for x in texts) == " ".join(order["WorkDescription"].split())
    assert {x["quantity"] for x in texts} == {0.0}


def test_a_refused_document_names_the_visma_field(demo: DemoSession) -> None:
    wo = _clean_order(demo)["WorkorderNo"]
    s = demo.context.settings
    s.export_format = ExportFormat.SALES_ORDER
    s.warehouse = "ZOLDER"
    result = run_export(demo.context, only=[wo])
    assert result.failed == 1
    (failed,) = [e for e in _entries(demo, result.run_id) if e.code == "document_create_failed"]
    assert failed.details["problem_codes"][0] == "1802-InvalidWarehouseId"
    assert failed.details["visma_fields"][0] == "orderLines[0].warehouseId"


# --- relation sync ----------------------------------------------------------------------------


def test_a_customer_without_an_address_is_skipped_with_a_warning(demo: DemoSession) -> None:
    with _erp(demo) as erp:
        made = erp.post("/v1/customer", json={"name": {"value": "Zonder Adres B.V."}})
        assert made.status_code == 201
    number = made.headers["location"].rsplit("/", 1)[1]
    seen: list[LogEntry] = []
    result = sync_relations(demo.context, RunHooks(on_log=seen.append))
    warning = [e for e in seen if e.code == messages.RELATION_SKIPPED_INCOMPLETE.code]
    assert [(w.record, w.level) for w in warning] == [(number, Level.WARNING)]
    assert warning[0].summary == (
        f"Customer {number} not synced to OutSmart: no street, postal code, city in VISMA.net"
    )
    relations = {r["debtor_number"] for r in demo.sandbox.state()["relations"]}
    assert number not in relations
    customers = {c["number"] for c in demo.sandbox.state()["customers"]}
    # Every other customer of the batch reached OutSmart.
    assert customers - {number} <= relations
    assert result.succeeded == len(customers) - 1 and result.failed == 1


def test_one_record_outsmart_refuses_never_loses_its_batch(
    demo: DemoSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = demo.context.outsmart.save_relations
    bad = demo.sandbox.state()["customers"][3]["number"]

    def refuse_one(items: list[Any]) -> int:
        if any(r.debtor_number == bad for r in items):
            raise OutSmartError(1300, [f"Relation {bad} could not be saved"], code="outsmart_error")
        return real(items)

    monkeypatch.setattr(demo.context.outsmart, "save_relations", refuse_one)
    seen: list[LogEntry] = []
    result = sync_relations(demo.context, RunHooks(on_log=seen.append))
    (entry,) = [e for e in seen if e.code == messages.RECORD_NOT_SYNCED.code]
    assert entry.record == bad
    assert entry.summary == (
        f"Relation {bad} not synced to OutSmart: Relation {bad} could not be saved"
    )
    assert result.failed == 1 and result.exit_code == ExitCode.SOME_FAILED
    relations = {r["debtor_number"] for r in demo.sandbox.state()["relations"]}
    customers = {c["number"] for c in demo.sandbox.state()["customers"]}
    assert customers - {bad} <= relations


# --- signing in to the wrong company ------------------------------------------------------


def _choosing(tenant: str) -> Any:
    import threading

    from vismadesk.sandbox.browser import play_browser

    def open_browser(url: str) -> bool:
        threading.Thread(
            target=play_browser, args=(url,), kwargs={"tenant": tenant}, daemon=True
        ).start()
        return True

    return open_browser


def test_a_customer_portal_tenant_is_named_at_sign_in_not_at_the_first_export(
    demo: DemoSession,
) -> None:
    from vismadesk.engine.signin import login
    from vismadesk.visma.auth import AuthStatus

    demo.context.tokens.disconnect()
    demo.context.settings.tenant_id = ""  # nothing to compare with: ask the ERP API
    portal = demo.sandbox._creds.customer_tenant_id
    seen: list[LogEntry] = []
    result = login(demo.context, RunHooks(on_log=seen.append), open_browser=_choosing(portal))
    assert result.exit_code == ExitCode.CONFIG
    assert seen[-1].summary == f"Company {portal} has no access to the VISMA.net ERP API"
    assert seen[-1].code == messages.NOT_AN_ERP_COMPANY.code
    assert demo.context.tokens.state.status is AuthStatus.SIGNED_OUT

    company = demo.sandbox.credentials["tenant_id"]
    again = login(demo.context, RunHooks(on_log=seen.append), open_browser=_choosing(company))
    assert again.exit_code == ExitCode.OK
    assert seen[-1].code == messages.SIGNED_IN.code and company in seen[-1].summary
