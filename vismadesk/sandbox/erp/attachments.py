"""`POST /v1/customerinvoice/{invoiceNumber}/attachment`: a file on a customer invoice.

As the spec describes it: a `multipart/form-data` body with a `file` part (required)
and a `metadata` part (optional, a JSON object such as
`{"includeAttachmentInvoiceEmail": true}`); `201 Created` with an ETag. Refused as
ASP.NET refuses them: another media type (415), no file or an empty one, metadata
that is not a JSON object or has a field of the wrong type (400), an invoice that
does not exist (404). The invoice then lists the file in its `attachments`
(`AttachmentDto`: name, id, revision); a second file of the same name is a second
attachment, as in Visma.net, which has no idempotency key.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from vismadesk.sandbox.core import json_response
from vismadesk.sandbox.erp.wire import ErpError
from vismadesk.sandbox.state import SandboxState
from vismadesk.sandbox.wire import now, visma_time

WHAT = "Error creating attachment"
METADATA_FIELDS = {"includeAttachmentInvoiceEmail": bool}


def shown(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The invoice's attachments as `AttachmentDto`s."""
    return [{"name": a["name"], "id": a["id"], "revision": a["revision"]} for a in rows]


async def create(state: SandboxState, request: Request) -> Response:
    ref = request.path_params["invoiceNumber"]
    with state.lock:
        if ref not in state.customer_invoices:
            raise ErpError(404, f"Invoice with invoiceNumber '{ref}' was not found.")
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        media = ctype.split(";")[0].strip() or "(none)"
        raise ErpError(
            415, f"The request entity's media type '{media}' is not supported for this resource."
        )
    try:
        form = await request.form()
    except Exception:  # python-multipart's own errors: a body that is not multipart
        raise ErpError(400, f"{WHAT}. The multipart body could not be read.") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ErpError(400, f"{WHAT}. The request has no file part named 'file'.")
    content = await upload.read()
    if not content:
        raise ErpError(400, f"{WHAT}. The file '{upload.filename}' is empty.")
    metadata = _metadata(form.get("metadata"))
    record = {
        "name": upload.filename,
        "id": str(uuid.uuid4()),
        "revision": 1,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "contentType": upload.content_type or "",
        "includeAttachmentInvoiceEmail": bool(metadata.get("includeAttachmentInvoiceEmail")),
        "createdDateTime": visma_time(now()),
    }
    with state.lock:
        if ref not in state.customer_invoices:
            raise ErpError(404, f"Invoice with invoiceNumber '{ref}' was not found.")
        state.invoice_attachments.setdefault(ref, []).append(record)
        etag = state.bump(f"invoice:{ref}")
    return json_response({}, 201, {"ETag": etag})


def _metadata(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    text = raw if isinstance(raw, str) else ""
    try:
        data = json.loads(text)
    except ValueError:
        raise ErpError(400, f"{WHAT}. The metadata part is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ErpError(400, f"{WHAT}. The metadata part must be a JSON object.")
    for key, kind in METADATA_FIELDS.items():
        if key in data and not isinstance(data[key], kind):
            raise ErpError(
                400, f"{WHAT}. Error converting value {json.dumps(data[key])} to {kind.__name__}."
            )
    return data
