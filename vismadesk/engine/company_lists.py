"""The company's own lists the settings offer, read from VISMA.net in one go.

Item, posting and customer classes, credit terms, branches, warehouses and VAT
categories come from VISMA.net's list endpoints; the labour items from its inventory
(labour items in an hour unit, as the sync sees them). A list VISMA.net will not give
(a missing right, say) leaves that list empty with the reason, and the rest filled:
every setting can still be typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from vismadesk.domain import CompanyCode
from vismadesk.engine import mapping
from vismadesk.engine.failures import stops_run
from vismadesk.errors import AppError
from vismadesk.visma import wire
from vismadesk.visma.client import VismaClient

LABOUR_ITEMS = "labour_items"


@dataclass
class CompanyLists:
    lists: dict[str, list[CompanyCode]] = field(default_factory=dict)
    # List name -> why it could not be read.
    problems: dict[str, str] = field(default_factory=dict)


def read_company_lists(visma: VismaClient) -> CompanyLists:
    """Every list; a sign-in problem stops the reading (it is the same for each)."""
    out = CompanyLists()
    for name in wire.COMPANY_LISTS:
        try:
            out.lists[name] = visma.company_list(name)
        except AppError as e:
            if stops_run(e):
                raise
            out.lists[name] = []
            out.problems[name] = e.message
    try:
        items = visma.list_inventory()
    except AppError as e:
        if stops_run(e):
            raise
        out.lists[LABOUR_ITEMS] = []
        out.problems[LABOUR_ITEMS] = e.message
    else:
        out.lists[LABOUR_ITEMS] = [
            CompanyCode(i.number, i.description) for i in items if mapping.is_labour(i)
        ]
    return out
