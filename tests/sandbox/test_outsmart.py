"""OutSmart OpenAPI v8 over real HTTP: the envelope, tokens, work orders, master data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.helpers.sandbox_api import outsmart_params, validate
from vismadesk.sandbox import Sandbox

OS = "outsmart-v8.json"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=40) as sandbox:
        yield sandbox


def call(
    sb: Sandbox, endpoint: str, method: str = "GET", body: Any = None, **params: str
) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"params": outsmart_params(sb, **params)}
    if body is not None:
        kwargs["content"] = body if isinstance(body, bytes) else json.dumps(body).encode()
    r = httpx.request(method, sb.services["outsmart"] + endpoint, **kwargs)
    assert r.status_code == 200  # OutSmart answers everything with 200
    validate(r.json(), OS, "Envelope")
    return r.json()


def error(body: dict[str, Any], code: int, message: str | None = None) -> None:
    validate(body, OS, "ErrorEnvelope")
    assert body["code"] == code, body
    if message is not None:
        assert message in body["messages"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, 1002),
        ({"token": "x"}, 1003),
        ({"token": "wrong", "software_token": "s"}, 1004),
        ({"token": None, "software_token": "wrong"}, 1005),
    ],
)
def test_tokens_are_checked_on_every_call(sb: Sandbox, params: dict[str, Any], code: int) -> None:
    if params.get("token", 1) is None:
        params["token"] = sb.credentials["outsmart_token"]
    for endpoint in ("GetWorkorders/", "relations/", "workstatusses/"):
        r = httpx.get(sb.services["outsmart"] + endpoint, params=params)
        assert r.status_code == 200
        error(r.json(), code)


def test_list_without_update_leaves_status_alone(sb: Sandbox) -> None:
    body = call(sb, "GetWorkorders/", status="Compleet", update_status="false")
    validate(body, OS, "WorkordersEnvelope")
    assert len(body["response"]) == 40
    order = body["response"][0]
    assert order["status"] == "Compleet" and order["WorkStatus"] == "001"
    assert "," in "".join(m["MaterialPrice"] for o in body["response"] for m in o["Materials"])
    again = call(sb, "GetWorkorders", status="Compleet", update_status="false")  # no slash
    assert len(again["response"]) == 40
    assert (
        call(sb, "GetWorkorders/", status="Compleet", workstatus="99", update_status="false")[
            "response"
        ]
        == []
    )
    error(call(sb, "GetWorkorders/", status="Klaar"), 1504)


def test_listing_with_the_default_marks_handled() -> None:
    with Sandbox(work_orders=12) as sb:
        listed = call(sb, "GetWorkorders/", status="Compleet")["response"]
        assert len(listed) == 12 and {o["status"] for o in listed} == {"Compleet"}
        assert (
            call(sb, "GetWorkorders/", status="Compleet", update_status="false")["response"] == []
        )
        handled = call(sb, "GetWorkorders/", status="Afgehandeld", update_status="false")[
            "response"
        ]
        assert len(handled) == 12


def test_get_one_work_order_and_mark_it_handled(sb: Sandbox) -> None:
    orders = sb.state()["work_orders"]
    one, two = orders[0], orders[1]
    got = call(sb, "GetWorkorder/", workorder_no=one["WorkorderNo"], update_status="false")
    validate(got, OS, "WorkorderEnvelope")
    assert got["response"]["id"] == one["id"]
    by_row = call(sb, "GetWorkorder/", row_id=two["id"], update_status="true")
    assert by_row["response"]["status"] == "Compleet"  # answered as it was, then handled
    assert (
        call(sb, "GetWorkorder/", row_id=two["id"], update_status="false")["response"]["status"]
        == "Afgehandeld"
    )
    error(call(sb, "GetWorkorder/", workorder_no="NOPE"), 1500)
    error(call(sb, "GetWorkorder/"), 1500)


def test_update_work_status(sb: Sandbox) -> None:
    number = sb.state()["work_orders"][5]["WorkorderNo"]
    ok = call(sb, "UpdateWorkorder/", workorder_no=number, workstatus="99")
    assert ok == {"code": 200, "messages": [], "response": None}
    assert (
        call(sb, "GetWorkorder/", workorder_no=number, update_status="false")["response"][
            "WorkStatus"
        ]
        == "99"
    )
    error(
        call(sb, "UpdateWorkorder/", workorder_no=number, workstatus="99"), 1503, "No data changed"
    )
    error(call(sb, "UpdateWorkorder/", workorder_no=number, workstatus="ZZZ"), 1504)
    error(call(sb, "UpdateWorkorder/", workorder_no="NOPE", workstatus="001"), 1500)
    error(call(sb, "UpdateWorkorder/", workorder_no=number), 1502)
    bad = call(sb, "UpdateWorkorder/", workorder_no=number, workdate="2026-03-01", worktime="25:00")
    error(bad, 1504, "Date invalid. Format: 20-02-2016")
    assert "Time invalid. Format: 07:08" in bad["messages"]


def test_master_data_reads(sb: Sandbox) -> None:
    validate(call(sb, "relations/"), OS, "RelationsEnvelope")
    validate(call(sb, "materials/"), OS, "MaterialsEnvelope")
    hours = call(sb, "hourtypes/")
    validate(hours, OS, "HourtypesEnvelope")
    assert {"ARBEID", "REISTIJD"} <= {h["code"] for h in hours["response"]}
    statuses = call(sb, "workstatusses/")
    validate(statuses, OS, "WorkstatussesEnvelope")
    for status in statuses["response"]:
        validate(status, OS, "Workstatus")
    codes = {s["sta_code"]: s["sta_name"] for s in statuses["response"]}
    assert codes["99"] == "Error" and "001" in codes
    validate(call(sb, "employees/"), OS, "EmployeesEnvelope")


def test_relations_post_upserts_and_counts(sb: Sandbox) -> None:
    new: list[dict[str, Any]] = [
        {
            "name": "Naam B.V.",
            "debtor_number": "55501",
            "street": "Beatrixlaan",
            "house_number": "132",
            "postal_code": "1234AB",
            "city": "Utrecht",
        },
        {
            "name": "Naam2 BV",
            "debtor_number": "55502",
            "street": "Clauslaan",
            "postal_code": "1234AX",
            "city": "Amsterdam",
            "latitude": 52.1,
        },
    ]
    validate(new, OS, "RelationsPost")
    assert call(sb, "relations/", "POST", new) == {"code": 200, "messages": [], "response": 2}
    new[0]["name"] = "Naam B.V. (nieuw)"
    assert call(sb, "relations/", "POST", new[:1])["response"] == 1
    relations = {r["debtor_number"]: r for r in call(sb, "relations/")["response"]}
    assert relations["55501"]["name"] == "Naam B.V. (nieuw)"
    assert relations["55502"]["latitude"] == 52.1
    missing = [{k: v for k, v in new[0].items() if k != "city"}]
    error(call(sb, "relations/", "POST", missing), 1301, "Required field missing: city")


def test_materials_post_and_body_errors(sb: Sandbox) -> None:
    body = [
        {"code": "00001", "description": "Omschrijving 1", "price": "4,55", "unit": "M2"},
        {"code": "00012", "description": "Omschrijving 2", "price": "2,50", "unit": "M2"},
    ]
    validate(body, OS, "MaterialsPost")
    synced = call(sb, "materials/", "POST", body)
    validate(synced, OS, "CountEnvelope")
    assert synced["response"] == 2
    # A dot is read too, and shown back with the comma.
    dotted = [{"code": "00012", "description": "Omschrijving 2", "price": "2.50", "unit": "M2"}]
    assert call(sb, "materials/", "POST", dotted)["response"] == 1
    got = {m["code"]: m for m in call(sb, "materials/")["response"]}
    assert got["00001"]["price"] == "4,55" and got["00012"]["price"] == "2,50"
    error(
        call(sb, "materials/", "POST", [{"description": "x", "price": "1", "unit": "M"}]),
        1201,
        "Required field missing: code",
    )
    error(call(sb, "materials/", "POST", b'[{"code"":"1"}]'), 1009, "Unable to parse body")
    error(call(sb, "materials/", "POST", b""), 1008, "Unable to fetch body")
    error(
        call(
            sb,
            "hourtypes/",
            "POST",
            [
                {
                    "name": "Normale uren",
                    "cost_booking": "0",
                    "sale_booking": "0",
                    "sale_price": "50.00",
                }
            ],
        ),
        1801,
        "Required field missing: code",
    )
    hour = [
        {
            "code": "ZK",
            "name": "Ziekte",
            "cost_booking": "1",
            "sale_booking": "1",
            "sale_price": "0.00",
            "active": "1",
        }
    ]
    assert call(sb, "hourtypes/", "POST", hour)["response"] == 1


def test_unknown_endpoint_and_no_endpoint(sb: Sandbox) -> None:
    error(call(sb, "GetSomething/"), 1001)
    r = httpx.get(sb.services["outsmart"], params=outsmart_params(sb))
    error(r.json(), 1000)


def test_get_workorder_marks_handled_by_default_and_workstatus_filters() -> None:
    with Sandbox(work_orders=6) as sb:
        orders = sb.state()["work_orders"]
        # update_status defaults to true on GetWorkorder too: a plain read hands it off.
        call(sb, "GetWorkorder/", workorder_no=orders[0]["WorkorderNo"])
        after = call(sb, "GetWorkorder/", row_id=orders[0]["id"], update_status="false")
        assert after["response"]["status"] == "Afgehandeld"
        ready = call(sb, "GetWorkorders/", status="Compleet", update_status="false")["response"]
        assert orders[0]["WorkorderNo"] not in {o["WorkorderNo"] for o in ready}
        # A failed order goes to 99 Error and is found by that work status alone.
        number = orders[1]["WorkorderNo"]
        assert call(sb, "UpdateWorkorder/", workorder_no=number, workstatus="99")["code"] == 200
        failed = call(
            sb, "GetWorkorders/", status="Compleet", workstatus="99", update_status="false"
        )["response"]
        assert [o["WorkorderNo"] for o in failed] == [number]
        rest = call(
            sb, "GetWorkorders/", status="Compleet", workstatus="001", update_status="false"
        )["response"]
        assert len(rest) == 4 and number not in {o["WorkorderNo"] for o in rest}
        # An unknown employee is a parse problem, an empty update none at all.
        error(
            call(sb, "UpdateWorkorder/", workorder_no=number, employee_nr="999"),
            1504,
            "Employee not updated",
        )
