"""The ERP API's request DTOs, as published: the values an enum field may take.

The bodies are checked as they arrive, `{value}`-wrapped, against the DTOs in
`resources/sandbox/erp-requests.json` (extracted by `tools/extract_from_specs.py`).
The DTOs are left open, as the ERP API ignores a field its DTO lacks; an enum value
outside the published list is refused the way the ERP API's JSON reader refuses it.
The other checks (wrapping, numbers, codes the company has) are `wire.unwrap`'s and
`validation`'s.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from vismadesk.assets import read_text
from vismadesk.sandbox.erp.wire import ErpError

SCHEMA_FILE = ("sandbox", "erp-requests.json")
CUSTOMER = "CustomerUpdateDto"
INVENTORY = "InventoryUpdateDto"
CUSTOMER_INVOICE = "CustomerInvoiceUpdateDto"


@cache
def _validator(root: str) -> Draft202012Validator:
    defs = json.loads(read_text(*SCHEMA_FILE))["$defs"]
    return Draft202012Validator({"$ref": f"#/$defs/{root}", "$defs": defs})


def check_enums(body: Any, root: str, what: str) -> None:
    """Raise Visma's 400 for the first enum value the DTO does not list."""
    for e in _validator(root).iter_errors(body):
        if e.validator != "enum":
            continue
        path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in e.absolute_path)
        path = path.replace(".[", "[")
        allowed = ", ".join(str(v) for v in e.validator_value)
        raise ErpError(
            400,
            f"Error {what}. Error converting value {json.dumps(e.instance)}: it is not one of "
            f"{allowed}. Path '{path}'.",
        )
