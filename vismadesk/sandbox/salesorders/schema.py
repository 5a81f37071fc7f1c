"""SalesOrders v3's command schemas, as published: what a request may hold at all.

The service reads a command in two steps, as an ASP.NET service does. First the JSON
is bound to the command type: a property the type does not have (the commands are
`additionalProperties: false`: 0004-ValueNotAllowed) or a value of the wrong type
(0003-InvalidValue) fails there, and nothing else is checked. Then the bound command
is validated (required fields, lengths, ranges), each finding with one of Visma's
error codes.
Both steps follow `resources/sandbox/salesorders-v3-commands.json`, extracted from
the published spec by `tools/extract_from_specs.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from vismadesk.assets import read_text
from vismadesk.sandbox.salesorders.problems import Finding

SCHEMA_FILE = ("sandbox", "salesorders-v3-commands.json")
NEW_ORDER = "NewSalesOrderCommand"
PATCH_ORDER = "PatchSalesOrderCommand"
# Validation keyword -> Visma's error code (the spec's x-visma-erp-error-codes).
CODES = {
    "required": "0001-NullNotAllowed",
    "minLength": "0001-EmptyNotAllowed",
    "maxLength": "0002-InvalidLength",
    "enum": "0004-ValueNotAllowed",
    "minimum": "0100-OutsideValidRange",
    "maximum": "0100-OutsideValidRange",
}


@cache
def definitions() -> dict[str, Any]:
    return dict(json.loads(read_text(*SCHEMA_FILE))["$defs"])


@cache
def _validator(root: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"#/$defs/{root}", "$defs": definitions()})


def _names() -> dict[int, str]:
    """The definition each schema object is, by identity (for the binding messages)."""
    return {id(schema): name for name, schema in definitions().items()}


def prop(path: Iterable[str | int]) -> str:
    """['orderLines', 0, 'unitOfMeasure'] -> 'orderLines[0].unitOfMeasure'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _label(path: Iterable[str | int]) -> str:
    named = [p for p in path if isinstance(p, str)]
    last = named[-1] if named else "Value"
    return last[0].upper() + last[1:]


class Check:
    """One command body against its schema: binding findings, then validation findings."""

    def __init__(self, body: Any, root: str) -> None:
        self._errors = list(_validator(root).iter_errors(body))

    def binding(self) -> list[Finding]:
        """What keeps the body from binding to the command; empty when it binds."""
        return list(self._binding())

    def _binding(self) -> Iterator[Finding]:
        names = _names()
        for e in self._errors:
            where = list(e.absolute_path)
            if e.validator == "additionalProperties" and isinstance(e.instance, dict):
                known = (
                    set(e.schema.get("properties") or {}) if isinstance(e.schema, dict) else set()
                )
                owner = names.get(id(e.schema), "the command")
                for key in sorted(set(e.instance) - known):
                    text = (
                        f"The JSON property '{key}' could not be mapped to any member of {owner}."
                    )
                    yield ("0004-ValueNotAllowed", text, prop([*where, key]), e.instance[key])
            elif e.validator == "type" and e.instance is not None:
                wanted = e.validator_value
                kinds = [wanted] if isinstance(wanted, str) else [k for k in wanted if k != "null"]
                text = f"The JSON value could not be converted to {' or '.join(kinds)}."
                yield ("0003-InvalidValue", text, prop(where), e.instance)

    def findings(self) -> list[Finding]:
        """What the bound command breaks, each with Visma's code, in the body's order."""
        out: list[Finding] = []
        for e in self._errors:
            finding = _finding(e)
            if finding is not None:
                out.append(finding)
        return out


def _finding(e: ValidationError) -> Finding | None:
    where = list(e.absolute_path)
    label = _label(where)
    if e.validator == "type" and e.instance is None:
        return ("0001-NullNotAllowed", f"{label} cannot be null.", prop(where), None)
    if e.validator == "required":
        missing = [
            k for k in e.validator_value if isinstance(e.instance, dict) and k not in e.instance
        ]
        key = missing[0] if missing else ""
        path = [*where, key] if key else where
        return (CODES["required"], f"{_label(path)} cannot be null.", prop(path), None)
    code = CODES.get(str(e.validator))
    if code is None:
        return None
    limit = e.validator_value
    text = {
        "minLength": f"{label} cannot be empty.",
        "maxLength": f"{label} must be at most {limit} characters.",
        "enum": f"{label} is not one of the allowed values.",
        "minimum": f"{label} must be at least {limit}.",
        "maximum": f"{label} must be at most {limit}.",
    }[str(e.validator)]
    return (code, text, prop(where), e.instance)
