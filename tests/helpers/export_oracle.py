"""What an export must have done, worked out from the sandbox's own data."""

from __future__ import annotations

from decimal import Decimal


def _dec(text: object) -> Decimal:
    return Decimal(str(text).replace(",", "."))


def relation_of(wo: dict) -> str:
    return (wo.get("CustomerDebtorNrInvoice") or wo.get("CustomerDebtorNr") or "").strip()


def expected_problems(state: dict, *, new_material: bool, new_relation: bool) -> dict[str, set]:
    """The oracle: which work orders must fail, and why, computed from the sandbox data."""
    relations = {r["debtor_number"] for r in state["relations"]}
    # VISMA.net refuses a customer without a name (the demo has one such relation).
    nameless = {r["debtor_number"] for r in state["relations"] if not r.get("name", "").strip()}
    customers = {c["number"] for c in state["customers"]}
    inventory = {i["inventoryNumber"] for i in state["inventory"]}
    out: dict[str, set] = {}
    for wo in state["work_orders"]:
        if wo["status"] != "Compleet":
            continue
        number = wo["WorkorderNo"]
        problems: set = set()
        rel = relation_of(wo)
        if not rel or rel not in relations:
            problems.add(("relation_not_in_outsmart", rel))
        elif rel not in customers and not new_relation:
            problems.add(("relation_not_in_visma", rel))
        elif rel not in customers and rel in nameless:
            problems.add(("customer_create_failed", rel))
        for m in wo.get("Materials") or []:
            if _dec(m["MaterialNr"]) <= 0:
                problems.add(("quantity_not_positive", m["MaterialCode"]))
            if m["MaterialCode"] not in inventory and not new_material:
                problems.add(("material_not_in_visma", m["MaterialCode"]))
        for p in wo.get("Workperiods") or []:
            if p["HourType"] not in inventory and not new_material:
                problems.add(("hour_type_not_in_visma", p["HourType"]))
        out[number] = problems
    return out


def documents_by_reference(state: dict) -> dict[str, int]:
    """How many Visma.net documents carry each work order reference."""
    counts: dict[str, int] = {}
    for inv in state["invoices"]:
        ref = inv.get("customerRefNumber") or inv.get("externalReference")
        counts[ref] = counts.get(ref, 0) + 1
    for so in state["sales_orders"]:
        ref = (so.get("customer") or {}).get("refNo") or so.get("customerRefNo")
        counts[ref] = counts.get(ref, 0) + 1
    return counts
