"""The Visma client against the sandbox's ERP API and SalesOrders v3, over real HTTP."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

import pytest

from tests.helpers.visma_session import Session, use_service_credentials
from vismadesk.config import Settings
from vismadesk.domain import (
    Customer,
    DocumentLine,
    ExportFormat,
    InventoryItem,
    SalesDocument,
)
from vismadesk.errors import VismaApiError
from vismadesk.keyring_store import MemoryKeyring, SecretName, Secrets
from vismadesk.sandbox import Sandbox
from vismadesk.visma.auth import TokenManager
from vismadesk.visma.client import VismaClient


@pytest.fixture
def signed_in(session: Session) -> Session:
    use_service_credentials(session)
    session.tokens.login_service()
    return session


def _document(s: Session, fmt: ExportFormat, reference: str) -> SalesDocument:
    state = s.sandbox.state()
    customer = state["customers"][0]["number"]
    item = next(i for i in state["inventory"] if i["status"] == "Active")
    return SalesDocument(
        format=fmt,
        customer_number=customer,
        reference=reference,
        date=dt.date(2026, 11, 20),
        description=f"Werkbon {reference}",
        lines=[
            DocumentLine(
                item["inventoryNumber"],
                "Koppeling",
                Decimal("2.5"),
                Decimal("12.35"),
                item["salesUnit"],
            ),
        ],
    )


def _references(state: dict) -> Counter[str]:
    refs: Counter[str] = Counter()
    for inv in state["invoices"]:
        refs[inv["customerRefNumber"]] += 1
    for so in state["sales_orders"]:
        refs[so["customer"]["refNo"]] += 1
    return refs


def test_lists_match_what_visma_holds(signed_in: Session) -> None:
    state = signed_in.sandbox.state()
    customers = signed_in.visma.list_customers()
    inventory = signed_in.visma.list_inventory()
    assert sorted(c.number for c in customers) == sorted(c["number"] for c in state["customers"])
    assert sorted(i.number for i in inventory) == sorted(
        i["inventoryNumber"] for i in state["inventory"]
    )
    assert all(isinstance(i.price, Decimal) for i in inventory)


def test_incremental_read_only_returns_what_changed_since(signed_in: Session) -> None:
    everything = signed_in.visma.list_customers()
    newest = max(c.last_modified for c in everything if c.last_modified)
    assert signed_in.visma.list_customers(since=newest + dt.timedelta(seconds=1)) == []
    recent = signed_in.visma.list_customers(since=newest)
    assert recent and all(c.last_modified and c.last_modified >= newest for c in recent)


@pytest.mark.parametrize("fmt", [ExportFormat.SALES_INVOICE, ExportFormat.SALES_ORDER])
def test_a_document_is_created_and_found_again_by_its_reference(
    signed_in: Session, fmt: ExportFormat
) -> None:
    doc = _document(signed_in, fmt, "WB77001")
    ref = signed_in.visma.create_document(doc)
    assert ref.format is fmt and ref.number
    if fmt is ExportFormat.SALES_ORDER:
        assert ref.order_type == "SO"
    found = signed_in.visma.find_document("WB77001", fmt, "SO", doc.customer_number)
    assert found == ref
    # Without the customer (a journal from an older version), still found.
    assert signed_in.visma.find_document("WB77001", fmt, "SO") == ref
    assert signed_in.visma.find_document("WB-NOPE", fmt, "SO") is None


def test_lost_response_on_every_post_still_creates_each_document_once(signed_in: Session) -> None:
    signed_in.sandbox.faults(lost_response_rate=1.0)
    refs = []
    for n in range(50):
        fmt = ExportFormat.SALES_ORDER if n % 2 else ExportFormat.SALES_INVOICE
        refs.append(signed_in.visma.create_document(_document(signed_in, fmt, f"WB8{n:04d}")))
    signed_in.sandbox.faults(lost_response_rate=0.0)

    counts = _references(signed_in.sandbox.state())
    assert sum(counts.values()) == 50
    assert all(counts[f"WB8{n:04d}"] == 1 for n in range(50))
    assert len({(r.format, r.number) for r in refs}) == 50


def test_a_customer_and_an_item_are_created_with_our_codes(signed_in: Session) -> None:
    signed_in.sandbox.faults(lost_response_rate=1.0)
    number = signed_in.visma.create_customer(
        Customer("D90001", "Bakkerij Van Dam", street="Kerkstraat 4", city="Gouda")
    )
    item = signed_in.visma.create_inventory(
        # The spec calls itemClass mandatory: the sandbox refuses an item without one.
        InventoryItem(
            "MAT-90001", "Knelkoppeling 15 mm", unit="st", price=Decimal("3.10"), item_class="MAT"
        )
    )
    signed_in.sandbox.faults(lost_response_rate=0.0)
    assert (number, item) == ("D90001", "MAT-90001")
    state = signed_in.sandbox.state()
    assert [c["name"] for c in state["customers"] if c["number"] == "D90001"] == [
        "Bakkerij Van Dam"
    ]
    items = [i for i in state["inventory"] if i["inventoryNumber"] == "MAT-90001"]
    assert len(items) == 1 and items[0]["defaultPrice"] == 3.1


def test_a_customer_without_a_name_is_refused_in_vismas_own_words(signed_in: Session) -> None:
    with pytest.raises(VismaApiError) as err:
        signed_in.visma.create_customer(Customer("D90002", ""))
    e = err.value
    assert e.status == 400
    assert "CustomerName" in e.visma_message
    assert e.request_id  # from "VismaId: <guid>."
    assert "POST" in e.details["exchange"] and "HTTP 400" in e.details["exchange"]


def test_an_unknown_item_on_a_sales_order_names_the_problem_code(signed_in: Session) -> None:
    doc = _document(signed_in, ExportFormat.SALES_ORDER, "WB77002")
    doc.lines[0].inventory_number = "DOES-NOT-EXIST"
    with pytest.raises(VismaApiError) as err:
        signed_in.visma.create_document(doc)
    assert err.value.status == 400
    assert "1804-InventoryIdNotFound" in err.value.problem_codes
    assert signed_in.visma.find_document("WB77002", ExportFormat.SALES_ORDER, "SO") is None


def test_reads_get_through_a_faulty_network(signed_in: Session) -> None:
    expected = len(signed_in.sandbox.state()["customers"])
    signed_in.sandbox.faults(error_rate=0.2, drop_rate=0.1)
    for _ in range(10):
        assert len(signed_in.visma.list_customers()) == expected


def test_many_threads_stay_within_the_rate_limit(signed_in: Session) -> None:
    signed_in.sandbox.faults(rate_limit=15, rate_window_s=1)
    expected = len(signed_in.sandbox.state()["customers"])
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                results.append(len(signed_in.visma.list_customers()))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [expected] * 40


@pytest.fixture
def big_catalogue() -> Iterator[tuple[Sandbox, VismaClient]]:
    with Sandbox(work_orders=5, relations=10, materials=2300, seed=4) as sb:
        settings = Settings()
        for key, value in sb.settings_overrides().items():
            settings.set(key, value)
        secrets = Secrets(backend=MemoryKeyring(), env={})
        secrets.set(SecretName.VISMA_CLIENT_SECRET, sb.credentials["client_secret"])
        tokens = TokenManager(settings, secrets)
        tokens.login_service()
        client = VismaClient(settings, tokens)
        try:
            yield sb, client
        finally:
            client.close()


def test_every_page_is_read_once(big_catalogue: tuple[Sandbox, VismaClient]) -> None:
    sb, client = big_catalogue
    numbers = [i.number for i in client.list_inventory()]
    assert len(numbers) == len(set(numbers)) == len(sb.state()["inventory"]) > 2000
    pages = sb.request_counts()["erp GET /v1/inventory"]
    assert pages == 3  # 1,000 per page


def test_parallel_requests_are_paced_to_the_rate_limit_and_never_refused(
    signed_in: Session,
) -> None:
    """Four threads that could go far faster than 10 requests per 2 s window: the
    pacer keeps them to it, so the sandbox never answers 429 (each one would be a retry)."""
    signed_in.sandbox.faults(rate_limit=10, rate_window_s=2)
    retries: list[object] = []
    signed_in.visma.on_retry = retries.append
    expected = len(signed_in.sandbox.state()["customers"])
    results: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(6):
                results.append(len(signed_in.visma.list_customers()))
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [expected] * 24
    assert retries == []
