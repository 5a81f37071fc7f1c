"""How every kind of OutSmart failure reaches the planner, and which ones are retried."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx

from tests.helpers.outsmart_wire import Waits, fail, ok
from vismadesk import messages
from vismadesk.domain import Material, Relation
from vismadesk.errors import AppError, NetworkError, OutSmartError
from vismadesk.outsmart.client import MAX_ATTEMPTS, OutSmartClient

HTML_500 = (
    "<html><head><title>500 Internal Server Error</title></head>"
    "<body><h1>Internal Server Error</h1></body></html>"
)
HTML_502 = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


# --- envelope codes --------------------------------------------------------------------


@pytest.mark.parametrize("code", [1002, 1003, 1004, 1005])
def test_token_codes_say_the_token_was_rejected(
    client: OutSmartClient, api: respx.MockRouter, code: int
) -> None:
    route = api.get("GetWorkorders/").mock(return_value=fail(code, "unauthorized"))
    with pytest.raises(OutSmartError) as info:
        client.work_orders("Compleet")
    err = info.value
    assert err.code == messages.OUTSMART_TOKEN_REJECTED.code
    assert str(err) == messages.OUTSMART_TOKEN_REJECTED.text
    assert err.outsmart_code == code
    assert route.call_count == 1  # an answer, not a hiccup: never retried


def test_work_order_not_found_carries_outsmarts_messages(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("GetWorkorder/").mock(return_value=fail(1500, "Workorder XYZ does not exist"))
    with pytest.raises(OutSmartError) as info:
        client.work_order("XYZ")
    err = info.value
    assert err.code == messages.OUTSMART_ERROR.code
    assert err.outsmart_code == 1500
    assert str(err) == "OutSmart answered with an error: Workorder XYZ does not exist (code 1500)"
    assert err.details["outsmart_messages"] == ["Workorder XYZ does not exist"]
    assert "GetWorkorder/" in err.details["exchange"]
    assert '"code": 1500' in err.details["exchange"]


def test_code_without_messages_uses_the_documented_meaning(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("GetWorkorder/").mock(return_value=fail(1500))
    with pytest.raises(OutSmartError) as info:
        client.mark_handled("WB00001")
    assert str(info.value) == (
        "OutSmart answered with an error: Workorder not found by given criteria (code 1500)"
    )


def test_every_message_of_a_failed_update_is_kept(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("UpdateWorkorder/").mock(
        return_value=fail(1504, "Date invalid. Format: 20-02-2016", "Employee not updated")
    )
    with pytest.raises(OutSmartError) as info:
        client.set_work_status("WB00001", "ZZZ")
    assert info.value.outsmart_code == 1504
    assert "Date invalid. Format: 20-02-2016; Employee not updated" in str(info.value)


def test_a_status_the_work_order_already_has_is_no_error(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    # OutSmart answers 1503 "No data changed": the work order has the status asked for.
    route = api.get("UpdateWorkorder/").mock(return_value=fail(1503))
    assert client.set_work_status("WB00001", "99") is False
    assert route.call_count == 1
    api.get("UpdateWorkorder/").mock(return_value=ok())
    assert client.set_work_status("WB00001", "99") is True


def test_no_data_changed_is_an_error_where_something_had_to_change(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    # Only setting a work status reads 1503 as "already so"; elsewhere it stays OutSmart's answer.
    api.post("relations/").mock(return_value=fail(1503))
    with pytest.raises(OutSmartError) as info:
        client.save_relations([Relation("10042", "Bakkerij De Vries")])
    assert info.value.outsmart_code == 1503


def test_a_general_outsmart_error_is_an_answer_and_not_retried(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    route = api.post("materials/").mock(return_value=fail(1007))
    with pytest.raises(OutSmartError) as info:
        client.save_materials([Material("M1", "Buis", Decimal("1.50"), "M")])
    assert info.value.outsmart_code == 1007
    assert route.call_count == 1 and waits == []


def test_code_as_text_is_read_like_a_number(client: OutSmartClient, api: respx.MockRouter) -> None:
    api.get("workstatusses/").mock(
        return_value=httpx.Response(
            200,
            json={
                "code": "200",
                "messages": [],
                "response": [{"sta_code": "99", "sta_name": "Error"}],
            },
        )
    )
    assert [s.code for s in client.work_statuses()] == ["99"]


# --- answers that are not OutSmart's envelope ---------------------------------------------


@pytest.mark.parametrize(("status", "page"), [(500, HTML_500), (502, HTML_502)])
def test_html_error_page_is_retried_then_reported_as_unexpected(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits, status: int, page: str
) -> None:
    route = api.get("GetWorkorders/").mock(
        return_value=httpx.Response(status, text=page, headers={"content-type": "text/html"})
    )
    with pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    err = info.value
    assert err.code == messages.UNEXPECTED_RESPONSE.code
    assert str(err) == "Unexpected answer from OutSmart"
    assert err.details["status"] == status
    assert "HTML" in err.details["why"]
    assert f"HTTP {status}" in err.details["exchange"]
    assert "<h1>" in err.details["exchange"]  # the page itself, for the support desk
    assert route.call_count == MAX_ATTEMPTS
    assert len(waits) == MAX_ATTEMPTS - 1


def test_html_page_with_status_200_is_unexpected_at_once(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    route = api.get("relations/").mock(
        return_value=httpx.Response(200, text="<!doctype html><html>Login</html>")
    )
    with pytest.raises(AppError) as info:
        client.relations()
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert "HTML" in info.value.details["why"]
    assert route.call_count == 1


def test_invalid_json_is_unexpected(client: OutSmartClient, api: respx.MockRouter) -> None:
    api.get("materials/").mock(
        return_value=httpx.Response(
            200,
            content=b'{"code": 200, "response": [',
            headers={"content-type": "application/json"},
        )
    )
    with pytest.raises(AppError) as info:
        client.materials()
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert info.value.details["why"] == "the body is not valid JSON"


@pytest.mark.parametrize(
    "body",
    [
        [{"sta_code": "99", "sta_name": "Error"}],
        {"messages": [], "response": []},
        {"code": "ok", "messages": [], "response": []},
        {"code": True, "response": []},
    ],
    ids=["bare-list", "no-code", "code-not-a-number", "code-boolean"],
)
def test_json_without_the_envelope_is_unexpected(
    client: OutSmartClient, api: respx.MockRouter, body: object
) -> None:
    api.get("workstatusses/").mock(return_value=httpx.Response(200, json=body))
    with pytest.raises(AppError) as info:
        client.work_statuses()
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert "envelope" in info.value.details["why"]


def test_response_of_the_wrong_shape_is_unexpected(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("GetWorkorders/").mock(return_value=ok({"WorkorderNo": "WB1"}))
    with pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert "expected a list" in info.value.details["why"]


def test_save_answer_that_is_not_a_count_is_unexpected(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.post("relations/").mock(return_value=ok("done"))
    with pytest.raises(AppError) as info:
        client.save_relations([Relation("1", "A", "Straat", "", "1234AB", "Utrecht")])
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code


def test_not_found_page_is_unexpected_and_not_retried(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    route = api.get("GetWorkorders/").mock(return_value=httpx.Response(404, text="Not Found"))
    with pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert info.value.details["status"] == 404
    assert route.call_count == 1


def test_empty_listing_as_null_is_no_work_orders(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("GetWorkorders/").mock(return_value=ok(None))
    assert client.work_orders("Compleet") == []


# --- the network -----------------------------------------------------------------------


def test_timeout_is_retried_then_reported(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    route = api.get("GetWorkorders/").mock(side_effect=httpx.ReadTimeout("timed out"))
    with pytest.raises(NetworkError) as info:
        client.work_orders("Compleet")
    assert info.value.code == messages.TIMEOUT.code
    assert str(info.value) == "OutSmart did not answer in time"
    assert route.call_count == MAX_ATTEMPTS and len(waits) == MAX_ATTEMPTS - 1


def test_connect_error_is_retried_then_reported(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    route = api.get("workstatusses/").mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(NetworkError) as info:
        client.check()
    assert info.value.code == messages.NETWORK_UNREACHABLE.code
    assert str(info.value) == "Cannot reach OutSmart. Check the internet connection"
    assert "ConnectError" in info.value.details["error"]
    assert route.call_count == MAX_ATTEMPTS


# --- retries ---------------------------------------------------------------------------


def test_get_retried_on_503_then_succeeds(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    route = api.get("workstatusses/").mock(
        side_effect=[
            httpx.Response(503, text="busy"),
            httpx.Response(503, text="busy"),
            ok([{"sta_code": "99", "sta_name": "Error"}]),
        ]
    )
    assert [s.name for s in client.work_statuses()] == ["Error"]
    assert route.call_count == 3
    assert len(waits) == 2
    # Capped exponential backoff with jitter: each wait within its doubling ceiling.
    assert 0.125 <= waits[0] <= 0.25 and 0.25 <= waits[1] <= 0.5


@pytest.mark.parametrize(
    "hiccup",
    [
        httpx.ReadTimeout("timed out"),
        httpx.ConnectTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("connection reset by peer"),
    ],
    ids=["read-timeout", "connect-timeout", "dropped", "reset"],
)
def test_timeouts_and_dropped_connections_are_retried(
    client: OutSmartClient, api: respx.MockRouter, hiccup: Exception
) -> None:
    route = api.get("GetWorkorders/").mock(side_effect=[hiccup, ok([])])
    assert client.work_orders("Compleet") == []
    assert route.call_count == 2


def test_upsert_post_is_retried_after_a_dropped_connection(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    route = api.post("materials/").mock(
        side_effect=[httpx.RemoteProtocolError("Server disconnected"), ok(1)]
    )
    assert client.save_materials([Material("M1", "Buis", Decimal("1.5"), "M")]) == 1
    assert route.call_count == 2
    # The same body both times: a retry re-sends exactly what was meant.
    assert route.calls[0].request.content == route.calls[1].request.content


def test_attempts_are_capped(client: OutSmartClient, api: respx.MockRouter, waits: Waits) -> None:
    route = api.get("hourtypes/").mock(return_value=httpx.Response(503, text="busy"))
    with pytest.raises(AppError):
        client.hour_types()
    assert route.call_count == MAX_ATTEMPTS == 4
    assert len(waits) == 3


def test_retry_after_is_honoured(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    api.get("relations/").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), ok([])]
    )
    assert client.relations() == []
    assert waits == [7.0]


def test_a_429_that_outlasts_the_retries_is_reported_as_the_rate_limit(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits
) -> None:
    route = api.get("relations/").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "2"}, text="Too Many Requests")
    )
    with pytest.raises(AppError) as info:
        client.relations()
    assert info.value.code == messages.OUTSMART_RATE_LIMITED.code
    assert str(info.value) == "OutSmart is limiting requests. Try again later"
    assert route.call_count == MAX_ATTEMPTS


@pytest.mark.parametrize("asked", ["999999999", "inf", "nan"])
def test_an_absurd_retry_after_is_capped(
    client: OutSmartClient, api: respx.MockRouter, waits: Waits, asked: str
) -> None:
    from vismadesk.net.transport import MAX_RETRY_AFTER_S

    api.get("relations/").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": asked}), ok([])]
    )
    assert client.relations() == []
    assert waits and all(0 <= w <= MAX_RETRY_AFTER_S * 4 for w in waits)
