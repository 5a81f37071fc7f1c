"""How each kind of Visma.net error answer reaches the planner, and that no secret leaks."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from decimal import Decimal

import httpx
import pytest

from tests.visma.unit_support import ERP, SALESORDERS, Rig, unique, visma_rig
from vismadesk import messages
from vismadesk.domain import Customer, DocumentLine, ExportFormat, SalesDocument
from vismadesk.errors import AppError, VismaApiError
from vismadesk.keyring_store import SecretName

VISMA_ID = "0c8e5b7a-1d2f-4a3b-9c6d-7e8f9a0b1c2d"
TRACE_ID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
HTML_502 = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    "<body><h1>Bad Gateway</h1><p>The proxy received an invalid response.</p></body></html>"
)


@pytest.fixture
def rig() -> Iterator[Rig]:
    with visma_rig() as r:
        yield r


def _invoice() -> SalesDocument:
    return SalesDocument(
        format=ExportFormat.SALES_INVOICE,
        customer_number="99999",
        reference="WB00042",
        date=dt.date(2026, 11, 20),
        description="Werkbon WB00042",
        lines=[DocumentLine("SRV-001", "Arbeid", Decimal("1.5"), Decimal("95"))],
    )


def _order() -> SalesDocument:
    return SalesDocument(
        format=ExportFormat.SALES_ORDER,
        customer_number="10042",
        reference="WB00042",
        date=dt.date(2026, 11, 20),
        description="Werkbon WB00042",
        lines=[DocumentLine("NOPE", "Onbekend", Decimal("1"), Decimal("10"))],
    )


# --- the body shapes Visma.net answers errors in -------------------------------------------


def test_erp_message_body_gives_vismas_words_and_the_visma_id(rig: Rig) -> None:
    text = f"VismaId: {VISMA_ID}. Error inserting the customer. Customer ID 10042 already exists."
    rig.router.post("/v1/customer").mock(return_value=httpx.Response(400, json={"message": text}))
    with pytest.raises(VismaApiError) as info:
        rig.client.create_customer(Customer(number="10042", name="De Vries"))
    err = info.value
    assert err.code == messages.VISMA_ERROR.code
    assert str(err) == f"VISMA.net answered with an error: {text}"
    assert err.status == 400
    assert err.visma_message == text
    assert err.request_id == VISMA_ID
    assert err.details["request_id"] == VISMA_ID
    assert err.details["status"] == 400
    exchange = err.details["exchange"]
    assert f"POST {ERP}/v1/customer" in exchange
    assert "HTTP 400" in exchange
    assert "already exists" in exchange
    assert '"overrideNumberSeries"' in exchange  # what was sent, for the support desk


def test_erp_exception_body_gives_the_exception_message_and_details(rig: Rig) -> None:
    rig.router.post("/v2/customerinvoice").mock(
        return_value=httpx.Response(
            400,
            json={
                "ExceptionType": "IPPException",
                "ExceptionMessage": "Customer 99999 was not found.",
                "ExceptionFaultCode": "12022",
                "ExceptionMessageID": "12022_6e0d4b52-8a7c-4ab8-a8f1-0c2b9e3d4f11",
                "ExceptionDetails": "Field: customerNumber",
            },
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_document(_invoice())
    err = info.value
    assert err.status == 400
    assert err.visma_message == "Customer 99999 was not found. Field: customerNumber"
    assert str(err) == (
        "VISMA.net answered with an error: Customer 99999 was not found. Field: customerNumber"
    )
    assert '"ExceptionFaultCode": "12022"' in err.details["exchange"]


def test_plain_text_error_is_shown_as_visma_wrote_it(rig: Rig) -> None:
    rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(
            403,
            text=f"VismaId: {VISMA_ID}. The client has no access to company 1234567.",
            headers={"Content-Type": "text/plain"},
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_customers()
    err = info.value
    assert err.status == 403
    assert err.visma_message == (
        f"VismaId: {VISMA_ID}. The client has no access to company 1234567."
    )
    assert err.request_id == VISMA_ID


def test_json_string_error_body_is_shown_without_quotes(rig: Rig) -> None:
    rig.router.get("/v1/inventory").mock(
        return_value=httpx.Response(409, json="The item is locked by another user.")
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_inventory()
    assert info.value.visma_message == "The item is locked by another user."


def test_an_html_error_page_is_named_as_such_not_pasted_into_the_message(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(502, text=HTML_502, headers={"Content-Type": "text/html"})
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_customers()
    err = info.value
    assert err.status == 502
    assert str(err) == (
        "VISMA.net answered with an error: HTTP 502: an HTML error page (502 Bad Gateway)"
    )
    assert "<" not in str(err)
    assert "<" not in err.visma_message
    assert "<title>502 Bad Gateway</title>" in err.details["exchange"]
    assert route.call_count > 1  # a gateway error on a read is worth another try first


def test_problem_details_carry_their_codes_and_trace_id(rig: Rig) -> None:
    rig.router.post(f"{SALESORDERS}/api/v3/SalesOrders").mock(
        return_value=httpx.Response(
            400,
            headers={"Content-Type": "application/problem+json"},
            json={
                "type": "https://tools.ietf.org/html/rfc7231#section-6.5.1",
                "title": "One or more validation errors occurred.",
                "status": 400,
                "detail": "The sales order could not be created.",
                "instance": "/api/v3/SalesOrders",
                "traceId": TRACE_ID,
                "details": [
                    {
                        "code": "1804-InventoryIdNotFound",
                        "message": "Inventory item 'NOPE' was not found.",
                        "parameters": ["NOPE"],
                    },
                    {"code": "1401-MissingTermsId", "message": "Credit terms are missing."},
                ],
            },
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_document(_order())
    err = info.value
    assert err.status == 400
    assert err.problem_codes == ["1804-InventoryIdNotFound", "1401-MissingTermsId"]
    assert err.details["problem_codes"] == ["1804-InventoryIdNotFound", "1401-MissingTermsId"]
    assert err.request_id == TRACE_ID
    assert "1804-InventoryIdNotFound: Inventory item 'NOPE' was not found." in err.visma_message
    assert "The sales order could not be created." in str(err)


def test_problem_details_field_errors_are_listed(rig: Rig) -> None:
    rig.router.post(f"{SALESORDERS}/api/v3/SalesOrders").mock(
        return_value=httpx.Response(
            400,
            json={
                "title": "One or more validation errors occurred.",
                "status": 400,
                "errors": {"customer.refNo": ["The field refNo must be at most 40 characters."]},
            },
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_document(_order())
    assert "customer.refNo: The field refNo must be at most 40 characters." in str(info.value)


def test_a_request_id_header_is_kept_with_the_error(rig: Rig) -> None:
    rig.router.get("/v1/customer").mock(
        return_value=httpx.Response(
            400, json={"message": "Invalid pageSize."}, headers={"ipp-request-id": "req-77123"}
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.list_customers()
    assert info.value.request_id == "req-77123"
    assert "ipp-request-id: req-77123" in info.value.details["exchange"]


def test_an_empty_error_body_still_says_what_happened(rig: Rig) -> None:
    rig.router.get("/v1/inventory").mock(return_value=httpx.Response(403))
    with pytest.raises(VismaApiError) as info:
        rig.client.list_inventory()
    assert str(info.value) == "VISMA.net answered with an error: HTTP 403 Forbidden"


# --- absent records and unreadable success answers -----------------------------------------


def test_a_customer_visma_does_not_have_is_none_not_an_error(rig: Rig) -> None:
    rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(404, json={"message": "Customer 10042 not found"})
    )
    assert rig.client.get_customer("10042") is None


def test_an_inventory_item_visma_does_not_have_is_none_not_an_error(rig: Rig) -> None:
    route = rig.router.get("/v1/inventory/MAT%2F15").mock(
        return_value=httpx.Response(404, json={"message": "Item not found"})
    )
    assert rig.client.get_inventory("MAT/15") is None
    assert route.call_count == 1  # the number travels as one path segment


def test_a_found_customer_is_parsed(rig: Rig) -> None:
    rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(200, json={"number": "10042", "name": "De Vries"})
    )
    found = rig.client.get_customer("10042")
    assert found is not None and found.name == "De Vries"


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (
            httpx.Response(
                200, content=b'[{"number": "10042",', headers={"Content-Type": "application/json"}
            ),
            "the body is not valid JSON",
        ),
        (
            httpx.Response(
                200,
                text="<html><body>Scheduled maintenance</body></html>",
                headers={"Content-Type": "text/html"},
            ),
            "an HTML page instead of JSON",
        ),
        (httpx.Response(200, json={"unexpected": True}), "not a list"),
    ],
)
def test_a_success_answer_that_cannot_be_read_is_an_unexpected_response(
    rig: Rig, answer: httpx.Response, why: str
) -> None:
    rig.router.get("/v1/customer").mock(return_value=answer)
    with pytest.raises(AppError) as info:
        rig.client.list_customers()
    err = info.value
    assert err.code == messages.UNEXPECTED_RESPONSE.code
    assert str(err) == "Unexpected answer from VISMA.net"
    assert err.details["why"] == why
    assert err.details["status"] == 200
    assert f"GET {ERP}/v1/customer" in err.details["exchange"]


def test_a_single_record_answered_with_an_html_page_is_an_unexpected_response(rig: Rig) -> None:
    rig.router.get("/v1/customer/10042").mock(
        return_value=httpx.Response(200, text="<!doctype html><html><body>Login</body></html>")
    )
    with pytest.raises(AppError) as info:
        rig.client.get_customer("10042")
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code


def test_an_invoice_created_without_a_location_is_an_unexpected_response(rig: Rig) -> None:
    route = rig.router.post("/v2/customerinvoice").mock(return_value=httpx.Response(201))
    with pytest.raises(AppError) as info:
        rig.client.create_document(_invoice())
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert info.value.details["why"] == "no Location with the new number"
    assert route.call_count == 1


# --- no secret in any error ---------------------------------------------------------------


Respond = Callable[[httpx.Request, str], httpx.Response]


def _leaky(status: int, kind: str) -> Respond:
    """An error answer that echoes what it was given, secrets included (as bad proxies do)."""

    def respond(request: httpx.Request, leak: str) -> httpx.Response:
        if kind == "message":
            return httpx.Response(status, json={"message": f"VismaId: {VISMA_ID}. {leak}"})
        if kind == "exception":
            return httpx.Response(
                status, json={"ExceptionType": "IPPException", "ExceptionMessage": leak}
            )
        if kind == "problem":
            return httpx.Response(
                status,
                json={"title": "Bad request", "detail": leak, "details": [{"code": leak}]},
            )
        if kind == "html":
            return httpx.Response(
                status,
                text=f"<html><head><title>{leak}</title></head><body>{leak}</body></html>",
                headers={"Content-Type": "text/html"},
            )
        if kind == "broken-json":
            return httpx.Response(
                status, content=f'{{"x": "{leak}'.encode(), headers={"Content-Type": "json"}
            )
        return httpx.Response(status, text=leak, headers={"Content-Type": "text/plain"})

    return respond


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, "message"),
        (400, "exception"),
        (400, "problem"),
        (400, "plain"),
        (502, "html"),
        (200, "broken-json"),
        (200, "html"),
        (401, "plain"),
        (429, "message"),
        (0, "dropped connection"),
    ],
)
def test_no_token_or_client_secret_appears_in_any_error(rig: Rig, status: int, kind: str) -> None:
    client_secret = unique("cs")
    rig.secrets.set(SecretName.VISMA_CLIENT_SECRET, client_secret)
    seen: set[str] = set()
    respond = _leaky(status, kind)

    def answer(request: httpx.Request) -> httpx.Response:
        access = rig.bearer(request)
        refresh = rig.endpoint.refresh_tokens[-1]
        secrets_now = (access, refresh, rig.refresh_token, client_secret)
        seen.update(secrets_now)
        leak = (
            f"Token {access} refresh_token {refresh} was {rig.refresh_token} "
            f"secret {client_secret} Authorization: Bearer {access}"
        )
        if not status:
            raise httpx.ReadError(f"connection reset after {leak}", request=request)
        return respond(request, leak)

    rig.router.get("/v1/customer").mock(side_effect=answer)
    with pytest.raises(AppError) as info:
        rig.client.list_customers()
    err = info.value
    # Every secret really was in the answer (or the dropped connection's text).
    assert len(seen) >= 4
    shown = [str(err), err.message, json.dumps(err.details), str(err.details.get("exchange", ""))]
    if isinstance(err, VismaApiError):
        shown.append(err.visma_message)  # the engine logs it next to the details
    for secret in seen:
        for text in shown:
            assert secret not in text


# --- what support asks for, and which field to fix (issue #15) -----------------------------


@pytest.mark.parametrize("key", ["ExceptionFaultCode", "FaultCode"])
def test_either_fault_code_spelling_is_kept_in_the_details(rig: Rig, key: str) -> None:
    rig.router.post("/v2/customerinvoice").mock(
        return_value=httpx.Response(
            400,
            json={
                "ExceptionType": "IPPException",
                "ExceptionMessage": "Operation failed.",
                "ExceptionMessageID": "5_0f1e",
                key: "5",
            },
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_customer_invoice(_invoice())
    assert info.value.visma_message == "Operation failed."
    assert info.value.details["fault_code"] == "5"


def test_ipp_request_id_and_request_context_stay_in_the_details(rig: Rig) -> None:
    context = "appId=cid-v1:6b2c6f1e-0d6a-4d1b-9c55-0a7e3f5c2b11"
    rig.router.post("/v1/customer").mock(
        return_value=httpx.Response(
            400,
            json={"message": "Error inserting the customer. 'Customer name' cannot be empty."},
            headers={"Ipp-Request-Id": "7f3a9c20-req", "Request-Context": context},
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_customer(Customer(number="10042", name="De Vries"))
    assert info.value.details["request_id"] == "7f3a9c20-req"
    assert info.value.details["request_context"] == context


def test_a_refused_sales_order_names_the_visma_field(rig: Rig) -> None:
    rig.router.post(f"{SALESORDERS}/api/v3/SalesOrders").mock(
        return_value=httpx.Response(
            400,
            json={
                "type": "https://httpstatuses.io/400",
                "title": "One or more validation errors occurred.",
                "status": 400,
                "detail": "Invalid Unit of Measure",
                "errors": {"orderLines[0].unitOfMeasure": ["Invalid Unit of Measure"]},
                "details": [
                    {
                        "code": "1808-InvalidUnitOfMeasure",
                        "message": "Invalid Unit of Measure",
                        "parameters": {"property": "orderLines[0].unitOfMeasure", "value": "X"},
                    }
                ],
            },
        )
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_document(_order())
    assert info.value.details["visma_fields"] == ["orderLines[0].unitOfMeasure"]
    assert info.value.details["problem_codes"] == ["1808-InvalidUnitOfMeasure"]


def test_an_erp_conversion_error_names_the_field_from_its_path(rig: Rig) -> None:
    text = (
        f"VismaId: {VISMA_ID}. Error converting value 3 to type 'DtoValue`1[System.String]'. "
        "Path 'invoiceLines[0].uom'."
    )
    rig.router.post("/v2/customerinvoice").mock(
        return_value=httpx.Response(400, json={"message": text})
    )
    with pytest.raises(VismaApiError) as info:
        rig.client.create_customer_invoice(_invoice())
    assert info.value.details["visma_fields"] == ["invoiceLines[0].uom"]
