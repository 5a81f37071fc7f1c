"""Invoice attachments and OutSmart's worksheet files over real HTTP: the sandbox takes
what `POST /v1/customerinvoice/{number}/attachment` takes (multipart, a `file` part, an
optional JSON `metadata` part) and refuses what the real endpoint refuses; OutSmart's
work orders link to PDFs and signatures the sandbox serves."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.sandbox_api import erp, outsmart_params, validate
from tests.sandbox.test_erp import INVOICE, assert_visma_error, invoice_body
from vismadesk.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=6, relations=4, materials=8) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Iterator[httpx.Client]:
    with erp(sb) as c:
        yield c


@pytest.fixture(scope="module")
def invoice(client: httpx.Client, sb: Sandbox) -> str:
    state = sb.state()
    body = invoice_body(
        state["customers"][0]["number"],
        "WB-ATT-1",
        (state["inventory"][0]["inventoryNumber"], 1, 5),
    )
    r = client.post("/v2/customerinvoice", json=body)
    assert r.status_code == 201, r.text
    return r.headers["location"].rsplit("/", 1)[1]


def attach(client: httpx.Client, number: str, **kwargs: object) -> httpx.Response:
    return client.post(f"/v1/customerinvoice/{number}/attachment", **kwargs)  # type: ignore[arg-type]


def test_a_file_is_attached_and_listed_on_the_invoice(
    client: httpx.Client, sb: Sandbox, invoice: str
) -> None:
    r = attach(
        client,
        invoice,
        files={"file": ("WB00001.pdf", b"%PDF-1.4 test", "application/pdf")},
        data={"metadata": json.dumps({"includeAttachmentInvoiceEmail": True})},
    )
    assert r.status_code == 201, r.text
    assert r.headers["etag"]
    got = client.get(f"/v1/customerinvoice/{invoice}").json()
    validate(got, INVOICE, "CustomerInvoiceDto")
    assert [a["name"] for a in got["attachments"]] == ["WB00001.pdf"]
    assert set(got["attachments"][0]) == {"name", "id", "revision"}
    kept = sb.state()["invoice_attachments"][invoice][0]
    assert kept["size"] == len(b"%PDF-1.4 test") and kept["includeAttachmentInvoiceEmail"]
    # The list shows attachments only when asked to (expandAttachments).
    listed = client.get("/v1/customerinvoice", params={"customerRefNumber": "WB-ATT-1"}).json()
    assert "attachments" not in listed[0]
    expanded = client.get(
        "/v1/customerinvoice",
        params={"customerRefNumber": "WB-ATT-1", "expandAttachments": "true"},
    ).json()
    assert [a["name"] for a in expanded[0]["attachments"]] == ["WB00001.pdf"]


def test_what_the_real_endpoint_refuses(client: httpx.Client, invoice: str) -> None:
    pdf = {"file": ("x.pdf", b"%PDF", "application/pdf")}
    # Not multipart: ASP.NET's words for an unsupported media type.
    r = attach(client, invoice, json={"file": "x"})
    assert_visma_error(r, 415, "media type 'application/json' is not supported")
    # Multipart, but no part named file.
    r = attach(client, invoice, files={"document": ("x.pdf", b"%PDF", "application/pdf")})
    assert_visma_error(r, 400, "no file part named 'file'")
    r = attach(client, invoice, files={"file": ("x.pdf", b"", "application/pdf")})
    assert_visma_error(r, 400, "is empty")
    r = attach(client, invoice, files=pdf, data={"metadata": "{not json"})
    assert_visma_error(r, 400, "not valid JSON")
    r = attach(client, invoice, files=pdf, data={"metadata": "[1]"})
    assert_visma_error(r, 400, "must be a JSON object")
    r = attach(
        client,
        invoice,
        files=pdf,
        data={"metadata": json.dumps({"includeAttachmentInvoiceEmail": "yes"})},
    )
    assert_visma_error(r, 400, "Error converting value")
    assert_visma_error(attach(client, "999999999", files=pdf), 404, "was not found")
    # Nothing refused was kept.
    names = [a["name"] for a in client.get(f"/v1/customerinvoice/{invoice}").json()["attachments"]]
    assert "x.pdf" not in names


def test_work_orders_link_to_files_the_sandbox_serves(sb: Sandbox) -> None:
    params = outsmart_params(sb, status="Compleet", update_status="false")
    orders = httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=params).json()["response"]
    with_form = next(o for o in orders if o["Forms"])
    for order in (orders[1], with_form):
        assert order["PdfUrl"].startswith(f"{sb.url}/outsmart-web/mailpdf.php?")
        pdf = httpx.get(order["PdfUrl"])
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and pdf.content.rstrip().endswith(b"%%EOF")
        assert order["WorkorderNo"].encode() in pdf.content
        png = httpx.get(order["SignatureUrl"])
        assert png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    form = httpx.get(with_form["Forms"][0]["PdfUrl"])
    assert form.content.startswith(b"%PDF-") and b"Opleverformulier" in form.content
    # An address OutSmart does not know answers a web page, as OutSmart's site does.
    unknown = httpx.get(orders[0]["PdfUrl"].replace("sheet_id=", "sheet_id=0"))
    assert unknown.status_code == 200 and "text/html" in unknown.headers["content-type"]
    # After a reset the addresses still point at this sandbox.
    sb.reset()
    again = httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=params).json()["response"]
    assert again[0]["PdfUrl"] == orders[0]["PdfUrl"]
