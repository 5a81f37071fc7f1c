"""The demo company's code tables in Visma.net ERP: statuses, classes, terms, VAT
categories, branches, warehouses and projects.

A request naming a code outside these tables is refused, as the real company refuses
a class or VAT category it has not set up. What Visma.net derives from a class (an
item's posting class and VAT category, a customer's credit terms) comes from the
class's row here, never from a default the real company does not have.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from vismadesk.sandbox.wire import CENT

CUSTOMER_STATUSES = ("Active", "OnHold", "CreditHold", "Inactive", "OneTime")
INVENTORY_STATUSES = (
    "Active",
    "NoSales",
    "NoPurchases",
    "NoRequest",
    "Inactive",
    "MarkedForDeletion",
)
# An item in one of these statuses cannot be sold: documents naming it are refused.
UNSELLABLE = ("Inactive", "NoSales", "MarkedForDeletion")
INVENTORY_TYPES = (
    "NonStockItem",
    "LaborItem",
    "ServiceItem",
    "ChargeItem",
    "ExpenseItem",
    "FinishedGoodItem",
    "ComponentPartItem",
    "SubassemblyItem",
)
ITEM_CLASSES = {"MAT": "Materialen", "ARBEID": "Arbeid", "DIENST": "Diensten"}
# An item class's item type (ItemClassDto.type).
ITEM_CLASS_TYPES = {"MAT": "NonStockItem", "ARBEID": "LaborItem", "DIENST": "ServiceItem"}
POSTING_CLASSES = {"MAT": "Omzet materialen", "ARB": "Omzet arbeid", "DIE": "Omzet diensten"}
# What an item takes from its class when the create does not say: posting class, VAT.
DEFAULT_POSTING = {"MAT": "MAT", "ARBEID": "ARB", "DIENST": "DIE"}
CLASS_VAT = {"MAT": "1", "ARBEID": "1", "DIENST": "1"}
CLASS_UNIT = {"MAT": "ST", "ARBEID": "UUR", "DIENST": "UUR"}
CUSTOMER_CLASSES = {"NL": "Klanten Nederland", "EU": "Klanten EU", "PART": "Particulieren"}
# The credit terms a customer class gives (with overrideWithClassValues).
CLASS_TERMS = {"NL": "30D", "EU": "30D", "PART": "14D"}
CREDIT_TERMS = {"30D": "30 dagen netto", "14D": "14 dagen netto", "DIRECT": "Direct"}
CREDIT_TERM_DAYS = {"30D": 30, "14D": 14, "DIRECT": 0}
# VAT categories: an item's vatCode, an invoice line's vatCodeId and a sales order
# line's taxCategoryId all name one of these.
VAT_CODES = {
    "1": ("Hoog tarief 21%", Decimal("0.21")),
    "2": ("Laag tarief 9%", Decimal("0.09")),
    "0": ("Vrijgesteld", Decimal(0)),
}
BRANCHES = {"1": "Van Dam Installatietechniek B.V.", "2": "Van Dam Service Noord"}
WAREHOUSES = {"MAIN": "Hoofdmagazijn", "BUS": "Servicebussen"}
# Project id -> (description, {task id: description}).
PROJECTS: dict[str, tuple[str, dict[str, str]]] = {
    "ONDERHOUD": ("Onderhoudscontracten", {"01": "Periodiek onderhoud", "02": "Storingen"}),
    "NIEUWBOUW": ("Nieuwbouw Parkzicht", {"01": "Installatie", "02": "Oplevering"}),
}


def money(value: Decimal) -> float:
    """An amount as the ERP API answers it: a JSON number rounded to cents."""
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))
