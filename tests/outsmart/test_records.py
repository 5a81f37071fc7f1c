"""Work orders and master data as the engine sees them, and what vismadesk sends back."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import httpx
import pytest
import respx

from tests.helpers.outsmart_wire import ok
from tests.outsmart import samples
from vismadesk import messages
from vismadesk.domain import HourLine, HourType, Material, MaterialLine, Relation, WorkOrder
from vismadesk.errors import AppError
from vismadesk.outsmart.client import OutSmartClient


def one(api: respx.MockRouter, client: OutSmartClient, raw: dict) -> WorkOrder:
    api.get("GetWorkorders/").mock(return_value=ok([raw]))
    (wo,) = client.work_orders("Compleet")
    return wo


def test_work_order_as_documented(client: OutSmartClient, api: respx.MockRouter) -> None:
    wo = one(api, client, samples.work_order())
    assert wo.number == "AB756X"
    assert wo.row_id == "1919"
    assert wo.order_number == "3BCE7228843"
    assert wo.status == "Compleet" and wo.work_status == "001"
    assert wo.work_date == dt.date(2013, 6, 11) and wo.end_date == dt.date(2013, 6, 12)
    assert wo.description == "Verschillende werkzaamheden"
    assert wo.materials == [
        MaterialLine(
            code="A786878",
            name="Kleinmateriaal",
            quantity=Decimal("2.5"),
            unit_price=Decimal("4.55"),
            unit="M2",
        )
    ]
    assert wo.hours == [
        HourLine(
            hour_type="001",
            minutes=225,
            date=dt.date(2013, 9, 26),
            employee="11",
            begin="08:30",
            end="12:15",
            remark="Ketel ontlucht",
        )
    ]


def test_the_invoice_debtor_is_the_relation(client: OutSmartClient, api: respx.MockRouter) -> None:
    wo = one(api, client, samples.work_order())
    assert wo.relation == "B985785"
    assert wo.customer_name == "John Doe"


@pytest.mark.parametrize(
    ("invoice", "debtor", "expected"),
    [
        ("", "A985785", "A985785"),
        (None, " A985785 ", "A985785"),
        ("", "", None),
        (None, None, None),
    ],
)
def test_without_an_invoice_debtor_the_customer_is_the_relation(
    client: OutSmartClient,
    api: respx.MockRouter,
    invoice: str | None,
    debtor: str | None,
    expected: str | None,
) -> None:
    raw = samples.work_order(CustomerDebtorNrInvoice=invoice, CustomerDebtorNr=debtor)
    wo = one(api, client, raw)
    assert wo.relation == expected
    assert wo.customer_name == "Yoran van Arragon"


def test_debtor_numbers_sent_as_numbers_are_text(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    wo = one(api, client, samples.work_order(CustomerDebtorNrInvoice="", CustomerDebtorNr=10001))
    assert wo.relation == "10001"


@pytest.mark.parametrize(
    ("nr", "price", "quantity", "unit_price"),
    [
        ("1.234,5", "1.234,56", "1234.5", "1234.56"),
        ("2.5", "4.55", "2.5", "4.55"),
        ("-2", "4,55", "-2", "4.55"),
        ("", "", "0", "0"),
        (3, 12.5, "3", "12.5"),
    ],
)
def test_material_quantities_and_prices_are_exact(
    client: OutSmartClient,
    api: respx.MockRouter,
    nr: object,
    price: object,
    quantity: str,
    unit_price: str,
) -> None:
    raw = samples.work_order(Materials=[samples.material_line(MaterialNr=nr, MaterialPrice=price)])
    (line,) = one(api, client, raw).materials
    assert line.quantity == Decimal(quantity) and str(line.quantity) == quantity
    assert line.unit_price == Decimal(unit_price)


def test_an_unreadable_quantity_names_the_work_order_and_field(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    raw = samples.work_order(
        Materials=[samples.material_line(), samples.material_line(MaterialNr="twee")]
    )
    api.get("GetWorkorders/").mock(return_value=ok([samples.work_order(WorkorderNo="OK1"), raw]))
    with pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    err = info.value
    assert err.code == messages.UNEXPECTED_RESPONSE.code
    assert err.details["work_order"] == "AB756X"
    assert err.details["field"] == "Materials[2].MaterialNr"
    assert err.details["value"] == "twee"
    assert "work order AB756X" in err.details["why"] and "MaterialNr" in err.details["why"]


@pytest.mark.parametrize(
    ("period", "minutes"),
    [
        ({"TotalTime": "03:45"}, 225),
        ({"TotalTime": "", "BeginTime": "08:30", "EndTime": "12:15"}, 225),
        ({"TotalTime": None, "BeginTime": "23:00", "EndTime": "01:30"}, 150),
        ({"TotalTime": "", "BeginTime": "", "EndTime": ""}, 0),
        ({"TotalTime": "00:30", "BeginTime": "08:00", "EndTime": "12:00"}, 30),
    ],
)
def test_hours_from_total_time_or_begin_and_end(
    client: OutSmartClient, api: respx.MockRouter, period: dict, minutes: int
) -> None:
    raw = samples.work_order(Workperiods=[samples.work_period(**period)])
    (hours,) = one(api, client, raw).hours
    assert hours.minutes == minutes


def test_work_period_dates_in_either_form(client: OutSmartClient, api: respx.MockRouter) -> None:
    raw = samples.work_order(
        WorkDate="2013-06-11",
        WorkEndDate="00-00-0000",
        Workperiods=[samples.work_period(WorkDate="2013-09-26")],
    )
    wo = one(api, client, raw)
    assert wo.work_date == dt.date(2013, 6, 11)
    assert wo.end_date is None
    assert wo.hours[0].date == dt.date(2013, 9, 26)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"WorkDate": "31-02-2013"}, "WorkDate"),
        ({"Workperiods": [samples.work_period(TotalTime="3,75")]}, "Workperiods[1].TotalTime"),
        ({"Workperiods": [samples.work_period(WorkDate="morgen")]}, "Workperiods[1].WorkDate"),
        (
            {"Materials": [samples.material_line(MaterialPrice="gratis")]},
            "Materials[1].MaterialPrice",
        ),
        ({"Materials": {"MaterialCode": "A1"}}, "Materials"),
        ({"WorkorderNo": ""}, "WorkorderNo"),
    ],
)
def test_unreadable_values_are_named(
    client: OutSmartClient, api: respx.MockRouter, change: dict, field: str
) -> None:
    api.get("GetWorkorders/").mock(return_value=ok([samples.work_order(**change)]))
    with pytest.raises(AppError) as info:
        client.work_orders("Compleet")
    assert info.value.code == messages.UNEXPECTED_RESPONSE.code
    assert info.value.details["field"] == field


def test_one_work_order(client: OutSmartClient, api: respx.MockRouter) -> None:
    api.get("GetWorkorder/").mock(return_value=ok(samples.work_order()))
    wo = client.work_order("AB756X")
    assert wo.number == "AB756X" and wo.relation == "B985785"


# --- master data -----------------------------------------------------------------------


def test_master_data_reads(client: OutSmartClient, api: respx.MockRouter) -> None:
    api.get("relations/").mock(
        return_value=ok(
            [
                {
                    "name": "Naam B.V.",
                    "debtor_number": "14233Aaa",
                    "contact": "Dhr. Piet Klaassen",
                    "phone_number": "0761625345",
                    "email": "vb@example.nl",
                    "email_workorder": "vb@example.nl",
                    "street": "Beatrixlaan",
                    "house_number": "132",
                    "postal_code": "1234AB",
                    "city": "Utrecht",
                    "remark": "Let op met parkeren hier.",
                    "latitude": 52.1,
                    "longitude": None,
                }
            ]
        )
    )
    api.get("materials/").mock(
        return_value=ok(
            [{"code": "00001", "description": "Omschrijving 1", "price": "1.204,55", "unit": "M2"}]
        )
    )
    api.get("hourtypes/").mock(
        return_value=ok(
            [
                {
                    "code": "001",
                    "name": "Normale uren",
                    "cost_booking": "0",
                    "sale_booking": "0",
                    "sale_price": "50.00",
                    "cost_price": "25.00",
                    "active": "0",
                }
            ]
        )
    )
    api.get("workstatusses/").mock(return_value=ok([{"sta_code": "99", "sta_name": "Error"}]))
    (rel,) = client.relations()
    assert rel == Relation(
        debtor_number="14233Aaa",
        name="Naam B.V.",
        street="Beatrixlaan",
        house_number="132",
        postal_code="1234AB",
        city="Utrecht",
        contact="Dhr. Piet Klaassen",
        phone="0761625345",
        email="vb@example.nl",
        remark="Let op met parkeren hier.",
    )
    assert client.materials() == [Material("00001", "Omschrijving 1", Decimal("1204.55"), "M2")]
    (ht,) = client.hour_types()
    assert ht == HourType("001", "Normale uren", Decimal("50.00"), Decimal("25.00"), active=False)
    assert [(s.code, s.name) for s in client.work_statuses()] == [("99", "Error")]


def test_an_unreadable_material_price_names_the_material(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    api.get("materials/").mock(
        return_value=ok([{"code": "K1", "description": "Kraan", "price": "op aanvraag"}])
    )
    with pytest.raises(AppError) as info:
        client.materials()
    assert info.value.details["material"] == "K1"
    assert info.value.details["field"] == "price"


# --- what vismadesk sends -------------------------------------------------------------


def test_relations_are_sent_with_outsmarts_field_names(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    route = api.post("relations/").mock(return_value=ok(2))
    full = Relation(
        debtor_number="10001",
        name="Bakkerij Jansen",
        street="Dorpsstraat",
        house_number="12A",
        postal_code="3401AB",
        city="IJsselstein",
        contact="Els Jansen",
        phone="0612345678",
        email="els@jansen.nl",
        vat_number="NL001234567B01",
    )
    sparse = Relation("10002", "Piet de Vries", "Kerkweg", "", "1234AB", "Utrecht")
    assert client.save_relations([full, sparse]) == 2
    body = json.loads(route.calls.last.request.content)
    assert route.calls.last.request.headers["content-type"] == "application/json"
    assert body[0] == {
        "name": "Bakkerij Jansen",
        "debtor_number": "10001",
        "street": "Dorpsstraat",
        "house_number": "12A",
        "postal_code": "3401AB",
        "city": "IJsselstein",
        "contact": "Els Jansen",
        "phone_number": "0612345678",
        "email": "els@jansen.nl",
    }
    # Empty optional fields are left out so OutSmart keeps what a planner typed there.
    assert body[1] == {
        "name": "Piet de Vries",
        "debtor_number": "10002",
        "street": "Kerkweg",
        "postal_code": "1234AB",
        "city": "Utrecht",
    }


def test_material_prices_are_sent_as_dutch_decimals(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    route = api.post("materials/").mock(return_value=ok(2))
    items = [
        Material("00001", "Omschrijving 1", Decimal("4.55"), "M2", ean="8712345678901"),
        Material("00012", "Omschrijving 2", Decimal("1234.5"), "ST"),
    ]
    assert client.save_materials(items) == 2
    assert json.loads(route.calls.last.request.content) == [
        {
            "code": "00001",
            "description": "Omschrijving 1",
            "price": "4,55",
            "unit": "M2",
            "eancode": "8712345678901",
        },
        {"code": "00012", "description": "Omschrijving 2", "price": "1234,50", "unit": "ST"},
    ]


def test_hour_types_are_sent_as_documented(client: OutSmartClient, api: respx.MockRouter) -> None:
    route = api.post("hourtypes/").mock(return_value=ok(1))
    ht = HourType("ARBEID", "Arbeid", sale_price=Decimal("62.5"), cost_price=Decimal("38"))
    assert client.save_hour_types([ht]) == 1
    assert json.loads(route.calls.last.request.content) == [
        {
            "code": "ARBEID",
            "name": "Arbeid",
            "cost_booking": "1",
            "sale_booking": "1",
            "sale_price": "62.50",
            "cost_price": "38.00",
            "active": "1",
        }
    ]


def test_saving_nothing_sends_nothing(client: OutSmartClient, api: respx.MockRouter) -> None:
    route = api.route().mock(return_value=ok(0))
    assert client.save_relations([]) == 0
    assert client.save_materials([]) == 0
    assert client.save_hour_types([]) == 0
    assert route.call_count == 0


def test_the_worksheet_files_a_work_order_links_to(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    raw = {
        **samples.work_order(),
        "PdfUrl": "https://www.out-smart.com/mailpdf.php?action=display&sheet_id=62",
        "SignatureUrl": "https://www.out-smart.com/uploads/handtekeningen/553b.png",
        "Forms": [
            {"Name": "Keuring", "PdfUrl": "https://www.out-smart.com/f/1.pdf"},
            {"Name": "Zonder PDF"},
            "not a form",
            {"PdfUrl": "https://www.out-smart.com/f/3.pdf"},
        ],
    }
    wo = one(api, client, raw)
    assert wo.pdf_url.endswith("sheet_id=62")
    assert wo.signature_url.endswith("/553b.png")
    assert wo.form_pdfs == (
        ("Keuring", "https://www.out-smart.com/f/1.pdf"),
        ("form 4", "https://www.out-smart.com/f/3.pdf"),
    )


def test_odd_forms_never_make_a_work_order_unreadable(
    client: OutSmartClient, api: respx.MockRouter
) -> None:
    wo = one(api, client, {**samples.work_order(), "Forms": "none", "PdfUrl": None})
    assert wo.form_pdfs == () and wo.pdf_url == ""


def test_download_a_worksheet_file(client: OutSmartClient) -> None:
    url = "https://www.out-smart.com/mailpdf.php?action=display&sheet_id=62"
    with respx.mock() as web:
        route = web.get(url).mock(
            side_effect=[
                httpx.Response(503),
                httpx.Response(
                    200, content=b"%PDF-1.4", headers={"content-type": "application/pdf"}
                ),
            ]
        )
        got = client.download(url)
    assert got.content == b"%PDF-1.4" and got.content_type == "application/pdf"
    assert route.call_count == 2
    assert "token" not in str(route.calls[-1].request.url)  # the address is the key


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (httpx.Response(200, html="<html><body>Werkbon niet gevonden</body></html>"), "HTML page"),
        (httpx.Response(200, content=b""), "an empty file"),
        (httpx.Response(404), "HTTP 404"),
    ],
)
def test_a_file_that_is_not_there_says_why(
    client: OutSmartClient, answer: httpx.Response, why: str
) -> None:
    url = "https://www.out-smart.com/mailpdf.php?action=display&sheet_id=0"
    with respx.mock() as web, pytest.raises(AppError) as e:
        web.get(url).mock(return_value=answer)
        client.download(url)
    assert why in e.value.details["why"]


def test_only_web_addresses_are_fetched(client: OutSmartClient) -> None:
    with pytest.raises(AppError) as e:
        client.download("file:///etc/passwd")
    assert "not a web address" in e.value.details["why"]
