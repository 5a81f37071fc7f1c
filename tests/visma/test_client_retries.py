"""What the Visma client repeats, what it never repeats blindly, and when it gives up."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from tests.visma.unit_support import SALESORDERS, Rig, visma_rig
from vismadesk import messages
from vismadesk.domain import (
    Customer,
    DocumentLine,
    DocumentRef,
    ExportFormat,
    InventoryItem,
    SalesDocument,
)
from vismadesk.errors import AppError, AuthError, NetworkError, VismaApiError
from vismadesk.keyring_store import SecretName
from vismadesk.net.transport import Backoff
from vismadesk.visma.auth import AuthStatus
from vismadesk.visma.client import ATTEMPTS, CREATE_ATTEMPTS

ORDERS = f"{SALESORDERS}/api/v3/SalesOrders"
CUSTOMERS = [{"number": "10042", "name": "Installatiebedrijf De Vries"}]


@pytest.fixture
def rig() -> Iterator[Rig]:
    with visma_rig() as r:
        yield r


def _document(fmt: ExportFormat, reference: str = "WB00042") -> SalesDocument:
    return SalesDocument(
        format=fmt,
        customer_number="10042",
        reference=reference,
        date=dt.date(2026, 11, 20),
        description=f"Werkbon {reference}",
        lines=[DocumentLine("SRV-001", "Arbeid", Decimal("1.5"), Decimal("95"))],
    )


def _created(location: str) -> httpx.Response:
    return httpx.Response(201, headers={"Location": location})


def _orders(*orders: dict[str, str], next_page: str | None = None) -> httpx.Response:
    return httpx.Response(
        200, json={"value": list(orders), "totalCount": len(orders), "nextPage": next_page}
    )


def _within_backoff(waits: list[float]) -> bool:
    """Each wait is the default backoff's jittered, capped delay for its attempt."""
    b = Backoff()
    return all(
        min(b.cap_s, b.base_s * 2**i) / 2 <= w <= min(b.cap_s, b.base_s * 2**i)
        for i, w in enumerate(waits)
    )


# --- 401: one refresh, one retry --------------------------------------------------------------


def test_a_refused_token_is_refreshed_once_and_the_request_retried(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        side_effect=[
            httpx.Response(401, json={"message": "Authorization has been denied"}),
            httpx.Response(200, json=CUSTOMERS),
        ]
    )
    customers = rig.client.list_customers()
    assert [c.number for c in customers] == ["10042"]
    assert route.call_count == 2
    assert rig.endpoint.calls == 2  # the first token, then exactly one refresh
    first, second = (rig.bearer(call.request) for call in route.calls)
    assert first == rig.endpoint.access_tokens[0]
    assert second == rig.endpoint.access_tokens[1] != first
    # The refresh used the rotated refresh token, and the newest one is kept.
    assert rig.endpoint.forms[1]["refresh_token"] == rig.endpoint.refresh_tokens[0]
    assert rig.secrets.get(SecretName.VISMA_REFRESH_TOKEN) == rig.endpoint.refresh_tokens[1]
    assert rig.tokens.state.status is AuthStatus.CONNECTED


def test_a_token_refused_again_after_the_refresh_signs_the_planner_out(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(401, json={"message": "Authorization has been denied"})
    )
    with pytest.raises(AuthError) as info:
        rig.client.list_customers()
    err = info.value
    assert err.code == messages.TOKEN_INVALID.code
    assert str(err) == "API token invalid. Please reauthenticate"
    assert route.call_count == 2
    assert rig.endpoint.calls == 2
    assert rig.tokens.state.status is AuthStatus.SIGNED_OUT
    assert rig.secrets.get(SecretName.VISMA_REFRESH_TOKEN) is None
    assert not rig.tokens.is_signed_in()
    assert "HTTP 401" in err.details["exchange"]


def test_a_create_refused_with_401_is_sent_again_with_the_new_token(rig: Rig) -> None:
    post = rig.router.post("/v1/customer").mock(
        side_effect=[httpx.Response(401), _created("/v1/customer/10042")]
    )
    lookup = rig.router.get("/v1/customer/10042")
    assert rig.client.create_customer(Customer(number="10042", name="De Vries")) == "10042"
    assert post.call_count == 2
    assert lookup.call_count == 0  # a 401 means Visma did nothing: no need to look first


# --- 429: wait as told ---------------------------------------------------------------------


def test_too_many_requests_waits_the_retry_after_and_tries_again(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json=CUSTOMERS),
        ]
    )
    assert len(rig.client.list_customers()) == 1
    assert route.call_count == 2
    assert rig.waits[0] == 7.0


def test_too_many_requests_without_retry_after_waits_for_the_window_reset(rig: Rig) -> None:
    rig.router.get("/v1/customer").mock(
        side_effect=[
            httpx.Response(429, headers={"X-RateLimit-Reset": "3"}),
            httpx.Response(200, json=CUSTOMERS),
        ]
    )
    rig.client.list_customers()
    assert rig.waits[0] == 3.0


def test_persistent_rate_limiting_gives_up_with_a_clear_message(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(
            429, headers={"Retry-After": "1"}, json={"message": "API calls quota exceeded"}
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_customers()
    err = info.value
    assert err.code == messages.RATE_LIMITED.code
    assert str(err) == "VISMA.net is limiting requests. Try again later"
    assert err.status == 429
    assert err.visma_message == "API calls quota exceeded"
    assert route.call_count == ATTEMPTS
    assert len(rig.waits) == ATTEMPTS - 1
    assert all(w >= 1.0 for w in rig.waits)  # never sooner than Visma asked


def test_a_create_answered_429_is_sent_again_without_a_lookup(rig: Rig) -> None:
    post = rig.router.post(ORDERS).mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "2"}),
            _created(f"{ORDERS}/SO/000223"),
        ]
    )
    lookup = rig.router.get(f"{ORDERS}/SO")
    ref = rig.client.create_document(_document(ExportFormat.SALES_ORDER))
    assert ref == DocumentRef(ExportFormat.SALES_ORDER, "000223", "SO")
    assert post.call_count == 2
    assert lookup.call_count == 0


# --- reads: retried on transient faults, capped ------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        httpx.Response(500, json={"message": "An error has occurred."}),
        httpx.Response(503, text="Service Unavailable"),
        httpx.ReadTimeout,
        httpx.ReadError,
        httpx.RemoteProtocolError,
        httpx.ConnectError,
    ],
    ids=["500", "503", "timeout", "dropped", "protocol", "refused"],
)
def test_a_read_survives_transient_faults(
    rig: Rig, fault: httpx.Response | type[Exception]
) -> None:
    route = rig.router.get("/v1/customer").mock(
        side_effect=[fault, fault, httpx.Response(200, json=CUSTOMERS)]
    )
    assert [c.number for c in rig.client.list_customers()] == ["10042"]
    assert route.call_count == 3
    assert len(rig.waits) == 2
    assert _within_backoff(rig.waits)


@pytest.mark.parametrize(
    ("fault", "code", "text"),
    [
        (httpx.ReadTimeout, messages.TIMEOUT.code, "VISMA.net did not answer in time"),
        (
            httpx.ReadError,
            messages.NETWORK_UNREACHABLE.code,
            "Cannot reach VISMA.net. Check the internet connection",
        ),
        (
            httpx.ConnectError,
            messages.NETWORK_UNREACHABLE.code,
            "Cannot reach VISMA.net. Check the internet connection",
        ),
    ],
)
def test_a_read_that_keeps_failing_gives_up_after_the_capped_attempts(
    rig: Rig, fault: type[Exception], code: str, text: str
) -> None:
    route = rig.router.get("/v1/inventory").mock(side_effect=fault)
    with pytest.raises(NetworkError) as info:
        rig.client.list_inventory()
    assert info.value.code == code
    assert str(info.value) == text
    assert route.call_count == ATTEMPTS
    assert len(rig.waits) == ATTEMPTS - 1
    assert _within_backoff(rig.waits)
    assert "GET https://erp.visma.test/v1/inventory" in info.value.details["exchange"]


def test_a_read_answered_503_every_time_reports_the_last_answer(rig: Rig) -> None:
    route = rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(503, json={"message": "Service is being updated"})
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.get_customer("10042")
    assert info.value.status == 503
    assert info.value.visma_message == "Service is being updated"
    assert route.call_count == ATTEMPTS


def test_a_client_error_on_a_read_is_not_retried(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(400, json={"message": "Invalid filter"})
    )
    with pytest.raises(VismaApiError):
        rig.client.list_customers()
    assert route.call_count == 1
    assert rig.waits == []


# --- creates: never sent again blindly ------------------------------------------------------------


@pytest.mark.parametrize(
    "lost",
    [httpx.ReadError, httpx.ReadTimeout, httpx.Response(503), httpx.Response(500)],
    ids=["dropped", "timeout", "503", "500"],
)
def test_a_lost_sales_order_answer_is_looked_up_and_not_created_twice(
    rig: Rig, lost: httpx.Response | type[Exception]
) -> None:
    post = rig.router.post(ORDERS).mock(side_effect=[lost, _created(f"{ORDERS}/SO/000999")])
    lookup = rig.router.get(f"{ORDERS}/SO").mock(
        return_value=_orders(
            {"orderId": "000222", "type": "SO", "customerRefNo": "WB00041"},
            {"orderId": "000223", "type": "SO", "customerRefNo": "WB00042"},
        )
    )
    ref = rig.client.create_document(_document(ExportFormat.SALES_ORDER))
    assert ref == DocumentRef(ExportFormat.SALES_ORDER, "000223", "SO")
    assert post.call_count == 1
    assert lookup.call_count == 1
    assert rig.waits == []  # found at once: nothing to back off from
    params = lookup.calls.last.request.url.params
    assert params["customerId"] == "10042"
    assert params["pageIndex"] == "0"


def test_a_lost_sales_order_that_did_not_land_is_created_after_the_lookup(rig: Rig) -> None:
    post = rig.router.post(ORDERS).mock(
        side_effect=[httpx.Response(503), _created(f"{ORDERS}/SO/000224")]
    )
    lookup = rig.router.get(f"{ORDERS}/SO").mock(
        return_value=_orders({"orderId": "000222", "type": "SO", "customerRefNo": "WB00041"})
    )
    ref = rig.client.create_document(_document(ExportFormat.SALES_ORDER))
    assert ref == DocumentRef(ExportFormat.SALES_ORDER, "000224", "SO")
    assert post.call_count == 2
    assert lookup.call_count == 1
    assert lookup.calls.last.response is not None
    # The lookup happened between the two POSTs.
    order = [c.request.method for c in rig.router.calls if "SalesOrders" in str(c.request.url)]
    assert order == ["POST", "GET", "POST"]


def test_a_long_reference_is_found_by_the_40_characters_that_were_sent(rig: Rig) -> None:
    reference = "WB-" + "9876543210" * 5
    post = rig.router.post(ORDERS).mock(side_effect=httpx.ReadError)
    rig.router.get(f"{ORDERS}/SO").mock(
        return_value=_orders({"orderId": "000301", "type": "SO", "customerRefNo": reference[:40]})
    )
    ref = rig.client.create_document(_document(ExportFormat.SALES_ORDER, reference))
    assert ref.number == "000301"
    assert post.call_count == 1


def test_a_lost_invoice_answer_is_looked_up_by_its_reference(rig: Rig) -> None:
    post = rig.router.post("/v2/customerinvoice").mock(side_effect=httpx.ReadTimeout)
    lookup = rig.router.get("/v1/customerinvoice").mock(
        return_value=httpx.Response(
            200,
            json=[
                {
                    "referenceNumber": "100734",
                    "customerRefNumber": "WB00042",
                    "metadata": {"totalCount": 1, "maxPageSize": 1000},
                }
            ],
        )
    )
    ref = rig.client.create_document(_document(ExportFormat.SALES_INVOICE))
    assert ref == DocumentRef(ExportFormat.SALES_INVOICE, "100734")
    assert post.call_count == 1
    params = lookup.calls.last.request.url.params
    assert params["customerRefNumber"] == "WB00042"
    assert params["customer"] == "10042"


def test_a_lost_invoice_that_did_not_land_is_created_once_more(rig: Rig) -> None:
    post = rig.router.post("/v2/customerinvoice").mock(
        side_effect=[httpx.RemoteProtocolError, _created("/v1/customerinvoice/100735")]
    )
    lookup = rig.router.get("/v1/customerinvoice").mock(return_value=httpx.Response(200, json=[]))
    ref = rig.client.create_document(_document(ExportFormat.SALES_INVOICE))
    assert ref == DocumentRef(ExportFormat.SALES_INVOICE, "100735")
    assert post.call_count == 2
    assert lookup.call_count == 1


def test_a_lost_customer_answer_is_checked_by_number(rig: Rig) -> None:
    post = rig.router.post("/v1/customer").mock(side_effect=httpx.ReadError)
    lookup = rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(200, json={"number": "10042", "name": "De Vries"})
    )
    assert rig.client.create_customer(Customer(number="10042", name="De Vries")) == "10042"
    assert post.call_count == 1
    assert lookup.call_count == 1


def test_a_lost_customer_that_is_not_there_is_created_again(rig: Rig) -> None:
    post = rig.router.post("/v1/customer").mock(
        side_effect=[httpx.Response(503), _created("/v1/customer/10042")]
    )
    lookup = rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(404, json={"message": "Customer not found"})
    )
    assert rig.client.create_customer(Customer(number="10042", name="De Vries")) == "10042"
    assert post.call_count == 2
    assert lookup.call_count == 1


def test_a_lost_inventory_answer_is_checked_by_number(rig: Rig) -> None:
    post = rig.router.post("/v1/inventory").mock(side_effect=httpx.RemoteProtocolError)
    lookup = rig.router.get("/v1/inventory/MAT-KOP15").mock(
        return_value=httpx.Response(
            200, json={"inventoryNumber": "MAT-KOP15", "description": "Koppeling"}
        )
    )
    item = InventoryItem(number="MAT-KOP15", description="Koppeling", price=Decimal("1.2"))
    assert rig.client.create_inventory(item) == "MAT-KOP15"
    assert post.call_count == 1
    assert lookup.call_count == 1


def test_a_customer_numbered_by_visma_is_not_resent_when_its_answer_is_lost(rig: Rig) -> None:
    # Without our own number there is nothing to look it up by: sending it again could
    # create the customer twice, so the planner is told instead.
    post = rig.router.post("/v1/customer").mock(side_effect=httpx.ReadError)
    with pytest.raises(NetworkError):
        rig.client.create_customer(Customer(number="", name="Nieuwe klant"))
    assert post.call_count == 1


def test_a_create_that_never_reached_visma_is_simply_sent_again(rig: Rig) -> None:
    post = rig.router.post("/v1/customer").mock(
        side_effect=[httpx.ConnectError, _created("/v1/customer/C000123")]
    )
    lookup = rig.router.get("/v1/customer/10042")
    assert rig.client.create_customer(Customer(number="", name="Nieuwe klant")) == "C000123"
    assert post.call_count == 2
    assert lookup.call_count == 0


@pytest.mark.parametrize("status", [400, 409, 422])
def test_a_create_visma_refused_is_not_sent_again(rig: Rig, status: int) -> None:
    post = rig.router.post(ORDERS).mock(
        return_value=httpx.Response(status, json={"title": "Invalid", "detail": "No."})
    )
    lookup = rig.router.get(f"{ORDERS}/SO")
    with pytest.raises(VismaApiError) as info:
        rig.client.create_document(_document(ExportFormat.SALES_ORDER))
    assert info.value.status == status
    assert post.call_count == 1
    assert lookup.call_count == 0
    assert rig.waits == []


def test_a_create_lost_every_time_gives_up_after_the_capped_attempts(rig: Rig) -> None:
    post = rig.router.post("/v2/customerinvoice").mock(return_value=httpx.Response(503))
    lookup = rig.router.get("/v1/customerinvoice").mock(return_value=httpx.Response(200, json=[]))
    with pytest.raises(AppError) as info:
        rig.client.create_document(_document(ExportFormat.SALES_INVOICE))
    assert isinstance(info.value, VismaApiError) and info.value.status == 503
    assert post.call_count == CREATE_ATTEMPTS
    # A lookup after every lost answer: never two POSTs in a row, and the last one too
    # is checked before the planner is told it failed.
    assert lookup.call_count == CREATE_ATTEMPTS
    methods = [
        c.request.method for c in rig.router.calls if "customerinvoice" in str(c.request.url)
    ]
    assert methods == ["POST", "GET"] * CREATE_ATTEMPTS


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "999999999"},
        {"Retry-After": "inf"},
        {"Retry-After": "nan"},
        {"X-RateLimit-Reset": "999999999"},
        {"X-RateLimit-Reset": "inf"},
    ],
    ids=["retry-after-huge", "retry-after-inf", "retry-after-nan", "reset-huge", "reset-inf"],
)
def test_an_absurd_wait_asked_by_a_429_is_capped(rig: Rig, headers: dict[str, str]) -> None:
    from vismadesk.net.transport import MAX_RETRY_AFTER_S

    rig.router.get("/v1/customer").mock(
        side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, json=CUSTOMERS)]
    )
    assert len(rig.client.list_customers()) == 1
    assert rig.waits and all(0 <= w <= MAX_RETRY_AFTER_S for w in rig.waits)


def test_a_429_with_an_error_page_that_outlasts_the_retries_is_the_rate_limit(rig: Rig) -> None:
    rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(
            429, headers={"Content-Type": "text/html"}, text="<html><title>Slow down</title></html>"
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_customers()
    assert info.value.code == messages.RATE_LIMITED.code
    assert str(info.value) == "VISMA.net is limiting requests. Try again later"
