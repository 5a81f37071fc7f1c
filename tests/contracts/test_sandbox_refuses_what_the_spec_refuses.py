"""The sandbox's checks against the published specs, generated from the contract
fragments: for every field of the commands and DTOs vismadesk sends, what the spec
forbids (a length over maxLength, a wrong type, a property the command lacks, a
missing required field, a value outside an enum or a range) the sandbox refuses, and
names the field. A field added to the spec gets its test without anyone typing it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.contracts import spec_walk
from tests.contracts.spec_walk import Field, fields, objects, put, wrong_type
from tests.helpers.sandbox_api import erp, salesorders
from vismadesk.assets import read_text
from vismadesk.sandbox import Sandbox

SO = "visma-salesorders-v3.json"
NEW, PATCH = "NewSalesOrderCommand", "PatchSalesOrderCommand"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    with Sandbox(work_orders=5) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def so(sb: Sandbox) -> Iterator[httpx.Client]:
    with salesorders(sb) as c:
        yield c


@pytest.fixture(scope="module")
def base(sb: Sandbox) -> dict[str, Any]:
    customer = sb.state()["customers"][0]["number"]
    return {
        "type": "SO",
        "customer": {"id": customer, "refNo": "WB00001"},
        "orderLines": [{"inventoryId": "ARBEID", "quantity": 1, "unitPrice": 62.5}],
    }


@pytest.fixture(scope="module")
def order_path(so: httpx.Client, base: dict[str, Any]) -> str:
    made = so.post("/api/v3/SalesOrders", json=base)
    assert made.status_code == 201, made.text
    return made.headers["location"]


def _details(r: httpx.Response) -> dict[str, str]:
    """Property -> code of a refusal (and that it is one)."""
    assert r.status_code == 400, r.text
    return {d["parameters"]["property"]: d["code"] for d in r.json()["details"]}


def _ids(f: Field) -> str:
    return f.prop


NEW_FIELDS = list(fields(SO, NEW))
PATCH_FIELDS = list(fields(SO, PATCH))


def test_the_generated_cases_cover_what_issue_15_found() -> None:
    props = {f.prop: f.schema for f in NEW_FIELDS}
    assert props["orderLines[0].unitOfMeasure"]["maxLength"] == 6
    assert props["customer.refNo"]["maxLength"] == 40
    assert len([f for f in NEW_FIELDS if "maxLength" in f.schema]) > 40


def test_the_sandbox_checks_against_the_same_schemas_the_tests_use() -> None:
    """Its own copy (resources/sandbox/) is the fragment's, descriptions aside."""
    own = json.loads(read_text("sandbox", "salesorders-v3-commands.json"))["$defs"]

    def plain(node: Any) -> Any:
        if isinstance(node, dict):
            return {
                k: plain(v)
                for k, v in node.items()
                if not (k == "description" and isinstance(v, str))
            }
        return [plain(n) for n in node] if isinstance(node, list) else node

    published = spec_walk.defs(SO)
    assert {name: plain(published[name]) for name in own} == own


# --- SalesOrders v3: NewSalesOrderCommand ---------------------------------------------------


@pytest.mark.parametrize("f", [f for f in NEW_FIELDS if "maxLength" in f.schema], ids=_ids)
def test_a_new_order_longer_than_max_length_is_refused(
    so: httpx.Client, base: dict[str, Any], f: Field
) -> None:
    body = put(base, f.path, "X" * (f.schema["maxLength"] + 1))
    assert _details(so.post("/api/v3/SalesOrders", json=body))[f.prop] == "0002-InvalidLength"


@pytest.mark.parametrize("f", [f for f in NEW_FIELDS if spec_walk.types(f.schema)], ids=_ids)
def test_a_new_order_field_of_the_wrong_type_is_refused(
    so: httpx.Client, base: dict[str, Any], f: Field
) -> None:
    body = put(base, f.path, wrong_type(f.schema))
    assert _details(so.post("/api/v3/SalesOrders", json=body))[f.prop] == "0003-InvalidValue"


@pytest.mark.parametrize(("path", "name"), list(objects(SO, NEW)), ids=lambda p: str(p))
def test_a_property_the_command_does_not_have_is_refused(
    so: httpx.Client, base: dict[str, Any], path: tuple[str | int, ...], name: str
) -> None:
    body = put(base, (*path, "notInTheSpec"), "x")
    where = Field((*path, "notInTheSpec"), {}, name).prop
    assert _details(so.post("/api/v3/SalesOrders", json=body))[where] == "0004-ValueNotAllowed"


@pytest.mark.parametrize(
    "f",
    [f for f in NEW_FIELDS if "minimum" in f.schema or "maximum" in f.schema],
    ids=_ids,
)
def test_a_number_outside_the_published_range_is_refused(
    so: httpx.Client, base: dict[str, Any], f: Field
) -> None:
    value = f.schema["maximum"] + 1 if "maximum" in f.schema else f.schema["minimum"] - 1
    body = put(base, f.path, value)
    assert _details(so.post("/api/v3/SalesOrders", json=body))[f.prop] == "0100-OutsideValidRange"


@pytest.mark.parametrize(
    "path",
    [("type",), ("customer",), ("orderLines", 0, "inventoryId")],
    ids=str,
)
def test_a_required_field_left_out_is_refused(
    so: httpx.Client, base: dict[str, Any], path: tuple[str | int, ...]
) -> None:
    # The spec's required lists, so a new required field shows here as missing.
    d = spec_walk.defs(SO)
    assert set(d[NEW]["required"]) == {"type", "customer"}
    assert d["NewSalesOrderLineDto"]["required"] == ["inventoryId"]
    body = json.loads(json.dumps(base))
    node: Any = body
    for part in path[:-1]:
        node = node[part]
    del node[path[-1]]
    where = Field(path, {}, NEW).prop
    assert _details(so.post("/api/v3/SalesOrders", json=body))[where] == "0001-NullNotAllowed"


def test_the_base_order_itself_is_accepted(so: httpx.Client, base: dict[str, Any]) -> None:
    assert so.post("/api/v3/SalesOrders", json=base).status_code == 201


# --- SalesOrders v3: PatchSalesOrderCommand -----------------------------------------------


def _patch(so: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    etag = so.get(path).headers["etag"]
    return so.patch(path, json=body, headers={"If-Match": etag})


@pytest.mark.parametrize("f", [f for f in PATCH_FIELDS if "maxLength" in f.schema], ids=_ids)
def test_a_patch_longer_than_max_length_is_refused(
    so: httpx.Client, order_path: str, f: Field
) -> None:
    body = put({}, f.path, "X" * (f.schema["maxLength"] + 1))
    assert _details(_patch(so, order_path, body))[f.prop] == "0002-InvalidLength"


@pytest.mark.parametrize(("path", "name"), list(objects(SO, PATCH)), ids=lambda p: str(p))
def test_a_patch_with_a_property_the_command_lacks_is_refused(
    so: httpx.Client, order_path: str, path: tuple[str | int, ...], name: str
) -> None:
    where = Field((*path, "notInTheSpec"), {}, name).prop
    body = put({}, (*path, "notInTheSpec"), "x")
    assert _details(_patch(so, order_path, body))[where] == "0004-ValueNotAllowed"


def test_a_good_patch_answers_202(so: httpx.Client, order_path: str) -> None:
    assert _patch(so, order_path, {"description": "Nieuw"}).status_code == 202


# --- ERP API: the enums of the DTOs vismadesk sends ----------------------------------------

ERP_DTOS = [
    ("visma-erp-customer.json", "CustomerUpdateDto", "/v1/customer"),
    ("visma-erp-inventory.json", "InventoryUpdateDto", "/v1/inventory"),
    ("visma-erp-customerinvoice-v2.json", "CustomerInvoiceUpdateDto", "/v2/customerinvoice"),
]
ERP_ENUMS = [
    (fragment, path, f)
    for fragment, root, path in ERP_DTOS
    for f in fields(fragment, root, depth=6)
    if "enum" in f.schema
]


def _erp_base(sb: Sandbox, path: str) -> dict[str, Any]:
    state = sb.state()
    if path == "/v1/customer":
        return {"name": {"value": "Enum B.V."}}
    if path == "/v1/inventory":
        return {
            "inventoryNumber": {"value": "ENUM-1"},
            "description": {"value": "Enum"},
            "itemClass": {"value": "MAT"},
        }
    return {
        "customerNumber": {"value": state["customers"][0]["number"]},
        "invoiceLines": [
            {
                "operation": "Insert",
                "inventoryNumber": {"value": "ARBEID"},
                "quantity": {"value": 1},
            }
        ],
    }


def test_every_enum_of_the_erp_dtos_is_covered() -> None:
    found = {(root, f.prop) for _, root, _ in ERP_DTOS for f in fields(_frag(root), root, 6)}
    assert ("InventoryUpdateDto", "type.value") in found
    assert len(ERP_ENUMS) >= 12


def _frag(root: str) -> str:
    return next(fragment for fragment, r, _ in ERP_DTOS if r == root)


@pytest.mark.parametrize(
    ("fragment", "path", "f"), ERP_ENUMS, ids=[f"{p}:{f.prop}" for _, p, f in ERP_ENUMS]
)
def test_an_erp_value_outside_its_enum_is_refused_naming_the_field(
    sb: Sandbox, fragment: str, path: str, f: Field
) -> None:
    body = put(_erp_base(sb, path), f.path, "NotInTheEnum")
    with erp(sb) as client:
        r = client.post(path, json=body)
    assert r.status_code == 400, r.text
    assert "Path '" in r.json()["message"] and "NotInTheEnum" in r.json()["message"]


@pytest.mark.parametrize("dto", ["InventoryUpdateDto"])
def test_the_erp_fields_the_spec_calls_mandatory_are_refused_when_missing(
    sb: Sandbox, dto: str
) -> None:
    d = spec_walk.defs("visma-erp-inventory.json")
    mandatory = [
        key
        for key, node in d[dto]["properties"].items()
        if spec_walk.resolve(node, d)[1].get("description", "").startswith("Mandatory")
    ]
    assert sorted(mandatory) == ["inventoryNumber", "itemClass"]
    with erp(sb) as client:
        for key in mandatory:
            body = {k: v for k, v in _erp_base(sb, "/v1/inventory").items() if k != key}
            r = client.post("/v1/inventory", json=body)
            assert r.status_code == 400, key
            assert "cannot be empty" in r.json()["message"], key
