"""The demo company: deterministic, believable, and faulty exactly where it should be."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.helpers.sandbox_api import validate
from vismadesk.sandbox import company as demo


def test_same_seed_same_company() -> None:
    assert demo.generate(seed=7) == demo.generate(seed=7)
    assert demo.generate(seed=7).work_orders != demo.generate(seed=8).work_orders


def test_default_sizes_and_api_shapes() -> None:
    d = demo.generate()
    assert (len(d.relations), len(d.materials), len(d.work_orders)) == (40, 150, 300)
    for order in d.work_orders[:50]:
        validate(order, "outsmart-v8.json", "Workorder")
        assert order["status"] == "Compleet"
        assert 1 <= len(order["Workperiods"]) <= 2
    for rel in d.relations:
        validate(rel, "outsmart-v8.json", "Relation")
    for mat in d.materials:
        validate(mat, "outsmart-v8.json", "Material")
    for customer in d.customers:
        validate(customer, "visma-erp-customer.json", "CustomerDto")
    for item in d.inventory:
        validate(item, "visma-erp-inventory.json", "InventoryDto")
    labour = {i["inventoryNumber"]: i for i in d.inventory if i["type"] == "LaborItem"}
    assert {"ARBEID", "REISTIJD"} <= set(labour)
    assert {i["baseUnit"] for i in labour.values()} == {"UUR"}
    assert {s["sta_code"] for s in d.workstatusses} >= {"001", "99"}


def test_each_planted_fault_is_present_and_real() -> None:
    d = demo.generate()
    customers = {c["number"] for c in d.customers}
    inventory = {i["inventoryNumber"] for i in d.inventory}
    relations = {r["debtor_number"] for r in d.relations}
    by_no = {w["WorkorderNo"]: w for w in d.work_orders}

    def payer(w: dict) -> str:
        return w["CustomerDebtorNrInvoice"] or w["CustomerDebtorNr"]

    def problems(w: dict) -> set[str]:
        found = set()
        if any(m["MaterialCode"] not in inventory for m in w["Materials"]):
            found.add(demo.MATERIAL_MISSING_IN_VISMA)
        if payer(w) not in relations:
            found.add(demo.RELATION_UNKNOWN_IN_OUTSMART)
        elif payer(w) not in customers:
            found.add(demo.RELATION_MISSING_IN_VISMA)
        if any(Decimal(m["MaterialNr"].replace(",", ".")) <= 0 for m in w["Materials"]):
            found.add(demo.ZERO_QUANTITY)
        return found

    flagged = set()
    for kind in demo.FAULT_KINDS:
        numbers = d.faulty_orders[kind]
        # "A few percent" of the 300 orders for each kind.
        assert 0.01 * len(d.work_orders) <= len(numbers) <= 0.05 * len(d.work_orders), kind
        for number in numbers:
            assert problems(by_no[number]) == {kind}
            flagged.add(number)
    clean = [w for w in d.work_orders if w["WorkorderNo"] not in flagged]
    assert len(clean) >= 0.85 * len(d.work_orders)
    assert all(problems(w) == set() for w in clean)
    # Most, not all, relations and materials are already in Visma.net.
    assert 0.8 * len(relations) <= len(relations & customers) < len(relations)
    outsmart_codes = {m["code"] for m in d.materials}
    assert 0.8 * len(outsmart_codes) <= len(outsmart_codes & inventory) < len(outsmart_codes)


@pytest.mark.slow
def test_a_benchmark_sized_clean_company() -> None:
    d = demo.generate(work_orders=10_000, relations=200, materials=1_000, faulty=False)
    assert len(d.work_orders) == 10_000 and len(d.materials) == 1_000
    assert all(not v for v in d.faulty_orders.values())
    customers = {c["number"] for c in d.customers}
    inventory = {i["inventoryNumber"] for i in d.inventory}
    assert {r["debtor_number"] for r in d.relations} <= customers
    assert {m["code"] for m in d.materials} <= inventory
    assert len({w["WorkorderNo"] for w in d.work_orders}) == 10_000
    zero_share = demo.generate(work_orders=50, error_share=0)
    assert all(not v for v in zero_share.faulty_orders.values())
