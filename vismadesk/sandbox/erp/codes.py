"""The demo company's code tables in Visma.net ERP: statuses, classes, terms, VAT codes.

A request naming a code outside these tables is refused, as the real company refuses
a class or VAT code it has not set up.
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
POSTING_CLASSES = {"MAT": "Omzet materialen", "ARB": "Omzet arbeid", "DIE": "Omzet diensten"}
DEFAULT_POSTING = {"MAT": "MAT", "ARBEID": "ARB", "DIENST": "DIE"}
CUSTOMER_CLASSES = {"NL": "Klanten Nederland", "EU": "Klanten EU", "PART": "Particulieren"}
CREDIT_TERMS = {"30D": "30 dagen netto", "14D": "14 dagen netto", "DIRECT": "Direct"}
CREDIT_TERM_DAYS = {"30D": 30, "14D": 14, "DIRECT": 0}
VAT_CODES = {
    "1": ("Hoog tarief 21%", Decimal("0.21")),
    "2": ("Laag tarief 9%", Decimal("0.09")),
    "0": ("Vrijgesteld", Decimal(0)),
}


def money(value: Decimal) -> float:
    """An amount as the ERP API answers it: a JSON number rounded to cents."""
    return float(value.quantize(CENT, rounding=ROUND_HALF_UP))
