"""Regenerate the Visma schema fragments in tests/contracts/ from `../shared/specs/`.

    uv run --with pyyaml python tools/extract_from_specs.py [SPECS_DIR]   # default ../shared/specs

The published specs live beside the repository, not in it; the tests read only the
fragments this writes (committed in tests/contracts/), never the specs. The sandbox
checks SalesOrders v3 commands against its own copy of the command schemas
(resources/sandbox/salesorders-v3-commands.json, written here too), so it refuses
what the published spec refuses; a contract test keeps that copy equal to the
fragment's.

Each fragment holds the DTOs the sandbox and the clients rely on, with everything
they reference, as JSON Schema (2020-12) under `$defs`. OpenAPI's `nullable` becomes
a `null` type. The ERP DTOs are tightened with `additionalProperties: false` (the
specs leave it open) so a test catches a field the published DTO does not have;
the SalesOrders v3 spec is strict already. The OutSmart and OAuth fragments are
written by hand from the blueprint and the RFCs (there is no machine-readable spec).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml  # only for this script; not a project dependency

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT.parent / "shared" / "specs"
CONTRACTS = ROOT / "tests" / "contracts"
SANDBOX_SCHEMAS = ROOT / "resources" / "sandbox"
# What the sandbox validates requests against: target -> (spec, roots) per source.
SANDBOX: dict[str, list[tuple[str, list[str]]]] = {
    "salesorders-v3-commands.json": [
        ("visma-salesorders-v3.openapi.yaml", ["NewSalesOrderCommand", "PatchSalesOrderCommand"])
    ],
    # Left open, as published: the ERP API ignores a field its DTO does not have.
    "erp-requests.json": [
        ("visma-erp-customer.openapi.yml", ["CustomerUpdateDto"]),
        ("visma-erp-inventory.openapi.yml", ["InventoryUpdateDto"]),
        ("visma-erp-customerinvoice-v2.openapi.yml", ["CustomerInvoiceUpdateDto"]),
    ],
}

FRAGMENTS = {
    "visma-erp-customer.json": (
        "visma-erp-customer.openapi.yml",
        ["CustomerDto", "CustomerUpdateDto"],
        True,
    ),
    "visma-erp-inventory.json": (
        "visma-erp-inventory.openapi.yml",
        ["InventoryDto", "InventoryUpdateDto"],
        True,
    ),
    "visma-erp-customerinvoice.json": (
        "visma-erp-customerinvoice.openapi.yml",
        ["CustomerInvoiceDto", "ReleaseInvoiceActionResultDto"],
        True,
    ),
    "visma-erp-customerinvoice-v2.json": (
        "visma-erp-customerinvoice-v2.openapi.yml",
        ["CustomerInvoiceUpdateDto"],
        True,
    ),
    "visma-salesorders-v3.json": (
        "visma-salesorders-v3.openapi.yaml",
        [
            "NewSalesOrderCommand",
            "PatchSalesOrderCommand",
            "SalesOrderDto",
            "SalesOrderListDtoPagedResult",
            "SalesOrderLineDtoPagedResult",
            "SalesOrderValidationProblemDetails",
            "ProblemDetails",
        ],
        False,
    ),
}


def _convert(node: Any, strict: bool) -> Any:
    if isinstance(node, list):
        return [_convert(n, strict) for n in node]
    if not isinstance(node, dict):
        return node
    out = {
        k: _convert(v, strict)
        for k, v in node.items()
        if k not in ("nullable", "example", "readOnly", "x-bodyName")
    }
    if "$ref" in out:
        out["$ref"] = "#/$defs/" + out["$ref"].rsplit("/", 1)[-1]
    if node.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    if node.get("format") in ("double", "int32", "int64", "byte", "uuid", "date-time", ""):
        # Formats are annotations in 2020-12 anyway; dropping them keeps validation
        # to what the wire can show.
        out.pop("format", None)
    if strict and "properties" in out and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


def _closure(schemas: dict[str, Any], roots: list[str]) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen[name] = schemas[name]
                    walk(schemas[name])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for root in roots:
        seen[root] = schemas[root]
        walk(schemas[root])
    return dict(sorted(seen.items()))


def _fragment(specs: Path, spec: str, roots: list[str], strict: bool) -> dict[str, Any]:
    doc = yaml.safe_load((specs / spec).read_text(encoding="utf-8"))
    defs = _closure(doc["components"]["schemas"], roots)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": f"From ../shared/specs/{spec} by extract_from_specs.py; roots: "
        + ", ".join(roots),
        "$defs": {name: _convert(schema, strict) for name, schema in defs.items()},
    }


def _write(path: Path, fragment: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(fragment, indent=1) + "\n", encoding="utf-8")
    print(f"{path.name}: {len(fragment['$defs'])} schemas")


def main(specs: Path = SPECS) -> None:
    for target, (spec, roots, strict) in FRAGMENTS.items():
        _write(CONTRACTS / target, _fragment(specs, spec, roots, strict))
    for target, sources in SANDBOX.items():
        merged: dict[str, Any] = {}
        for spec, roots in sources:
            part = _fragment(specs, spec, roots, False)
            for name, schema in part["$defs"].items():
                # Shared helper DTOs (DtoValueOfString...) are the same in every spec.
                merged.setdefault(name, schema)
        fragment = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": "From ../shared/specs/ by extract_from_specs.py; roots: "
            + ", ".join(r for _, roots in sources for r in roots),
            # The spec's descriptions are long and the sandbox needs none of them.
            "$defs": _without_descriptions(dict(sorted(merged.items()))),
        }
        _write(SANDBOX_SCHEMAS / target, fragment)


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, list):
        return [_without_descriptions(n) for n in node]
    if not isinstance(node, dict):
        return node
    return {
        k: _without_descriptions(v)
        for k, v in node.items()
        if not (k == "description" and isinstance(v, str))
    }


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SPECS)
