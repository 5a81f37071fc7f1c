"""The worksheet files OutSmart links to from a work order: its PDF (`PdfUrl`), its
forms' PDFs and the signature image (`SignatureUrl`).

OutSmart serves them outside the API, at `www.out-smart.com/mailpdf.php?...` and
`/uploads/handtekeningen/...`, with no tokens: the worksheet code in the address is the
key. The sandbox serves them under `/outsmart-web/` (through the OutSmart gate, so a
fault aimed at `mailpdf.php` makes them fail) and points the work orders' addresses
there once it knows its own address. An unknown code gets a web page, as a browser
would get from OutSmart, not a PDF.
"""

from __future__ import annotations

import struct
import zlib
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route, Router

if TYPE_CHECKING:
    from vismadesk.sandbox.state import SandboxState

REAL_WEB = "https://www.out-smart.com"
NOT_FOUND_PAGE = (
    "<!DOCTYPE html><html><head><title>OutSmart</title></head>"
    "<body><p>Werkbon niet gevonden.</p></body></html>"
)


def relink(order: dict[str, Any], base: str) -> None:
    """Point a work order's file addresses at `base` (the sandbox's /outsmart-web)."""
    for key in ("PdfUrl", "WordUrl", "SignatureUrl"):
        url = order.get(key)
        if isinstance(url, str) and url.startswith(REAL_WEB):
            order[key] = base + url[len(REAL_WEB) :]
    for form in order.get("Forms") or []:
        url = form.get("PdfUrl") if isinstance(form, dict) else None
        if isinstance(url, str) and url.startswith(REAL_WEB):
            form["PdfUrl"] = base + url[len(REAL_WEB) :]


class WorksheetFiles:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    def router(self) -> Router:
        return Router(
            routes=[
                Route("/mailpdf.php", self.mailpdf, methods=["GET"]),
                Route("/uploads/handtekeningen/{name}", self.signature, methods=["GET"]),
            ]
        )

    def _order(self, code: str) -> dict[str, Any] | None:
        with self.state.lock:
            row = self.state.worksheets.get(code)
            return self.state.work_orders.get(row) if row else None

    async def mailpdf(self, request: Request) -> Response:
        q = request.query_params
        order = self._order(q.get("sheet_id", ""))
        action = q.get("action", "")
        if order is None or action not in ("display", "form"):
            return HTMLResponse(NOT_FOUND_PAGE, status_code=200)
        number = order["WorkorderNo"]
        if action == "form":
            forms = order.get("Forms") or []
            try:
                form = forms[int(q.get("form", "")) - 1]
            except (ValueError, IndexError):
                return HTMLResponse(NOT_FOUND_PAGE, status_code=200)
            title = f"{form.get('Name', 'Formulier')} - werkbon {number}"
        else:
            title = f"Werkbon {number}"
        lines = [
            f"{order.get('CustomerName', '')}",
            f"{order.get('WorkDate', '')}  {order.get('TypeOfWork', '')}",
            f"{order.get('WorkDescription', '')}",
        ]
        return Response(
            pdf_document(title, lines),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{number}.pdf"'},
        )

    async def signature(self, request: Request) -> Response:
        name = request.path_params["name"]
        with self.state.lock:
            known = any(
                str(o.get("SignatureUrl", "")).endswith("/" + name)
                for o in self.state.work_orders.values()
            )
        if not known:
            return HTMLResponse(NOT_FOUND_PAGE, status_code=404)
        return Response(signature_png(), media_type="image/png")


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A one-page PDF a viewer opens: the title and a few lines of text."""
    text = [f"BT /F1 18 Tf 56 780 Td ({_pdf_text(title)}) Tj ET"]
    for n, line in enumerate(lines):
        text.append(f"BT /F1 11 Tf 56 {740 - 18 * n} Td ({_pdf_text(line)}) Tj ET")
    stream = "\n".join(text).encode("latin-1", errors="replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def signature_png(width: int = 120, height: int = 40) -> bytes:
    """A small grey-scale PNG with a stroke across it: a signature, near enough."""
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(width):
            on = abs((y - height // 2) - int(8 * ((x % 30) / 15 - 1))) < 2
            row.append(0 if on else 255)
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")
