"""The query `GET /v1/customerinvoice` takes, parameter for parameter as the spec lists it.

Every filter the spec offers selects here what it would select in Visma.net, given the
sandbox's records (which carry no project, branch or dunning letter, so a filter on
those finds nothing). A parameter the spec does not list is ignored, as ASP.NET's model
binding ignores it, and never filters. `greaterThanValue`, whose meaning the spec says
"varies from API to API", is refused rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request

from vismadesk.sandbox.erp.wire import MAX_PAGE_SIZE, ErpError, int_param, moment_filter

Record = dict[str, Any]
Keep = Callable[[Record], bool]

# Statuses a released document can have; `released=1` selects these, `released=0` the rest.
RELEASED = ("Open", "Closed", "Voided", "Reserved")
# Parameter -> the record's value it must equal (an empty parameter filters nothing).
EXACT: dict[str, Callable[[Record], Any]] = {
    "documentType": lambda r: r.get("documentType"),
    "status": lambda r: r.get("status"),
    "customer": lambda r: r["customer"]["number"],
    "customerRefNumber": lambda r: r.get("customerRefNumber"),
    "externalReference": lambda r: r.get("externalReference"),
    "paymentReference": lambda r: r.get("paymentReference"),
    "financialPeriod": lambda r: r.get("financialPeriod"),
    "closedFinancialPeriod": lambda r: r.get("closedFinancialPeriod"),
    "project": lambda r: (r.get("project") or {}).get("id"),
    "branch": lambda r: (r.get("branchNumber") or {}).get("number"),
}
INTEGERS: dict[str, Callable[[Record], int]] = {
    "released": lambda r: int(r["status"] in RELEASED),
    "dunningLevel": lambda r: r.get("dunningLetterLevel") or 0,
}
# Parameter (with its ...Condition twin) -> the record's time stamp.
MOMENTS: dict[str, Callable[[Record], Any]] = {
    "lastModifiedDateTime": lambda r: r.get("lastModifiedDateTime"),
    "createdDateTime": lambda r: r.get("createdDateTime"),
    "documentDate": lambda r: r.get("documentDate"),
    "documentDueDate": lambda r: r.get("documentDueDate"),
    "dunningLetterDateTime": lambda r: r.get("dunningLetterDate"),
}
# Sections the sandbox's records do not have: accepted (as booleans) and ignored.
EXPANSIONS = (
    "expandApplications",
    "expandDunningInformation",
    "expandAttachments",
    "expandTaxDetails",
    "expandInvoiceAddress",
)
NOT_EMULATED = ("greaterThanValue",)


def invoice_filter(request: Request) -> Keep:
    """One predicate for every filter the request sets; raises ErpError on a bad value."""
    q = request.query_params
    for name in NOT_EMULATED:
        if q.get(name):
            raise ErpError(400, f"The sandbox does not emulate {name} on this endpoint.")
    for name in EXPANSIONS:
        _check_flag(q.get(name), name)
    keeps: list[Keep] = [moment_filter(request, name, stamp) for name, stamp in MOMENTS.items()]
    for name, value_of in EXACT.items():
        if q.get(name):
            keeps.append(_equals(value_of, q[name]))
    for name, number_of in INTEGERS.items():
        wanted = int_param(request, name)
        if wanted is not None:
            keeps.append(_equals(number_of, wanted))
    return lambda record: all(keep(record) for keep in keeps)


def legacy_window(request: Request) -> tuple[int, int] | None:
    """skipRecords / numberToRead (deprecated; when given, pageNumber and pageSize are
    not used): (start, size), or None to page as usual. The size is capped as a page is."""
    skip, read = int_param(request, "skipRecords"), int_param(request, "numberToRead")
    if skip is None and read is None:
        return None
    for name, value in (("skipRecords", skip), ("numberToRead", read)):
        if value is not None and value < 0:
            raise ErpError(400, f"{name} must be 0 or greater.")
    return (skip or 0, MAX_PAGE_SIZE if read is None else min(read, MAX_PAGE_SIZE))


def _equals(value_of: Callable[[Record], Any], wanted: Any) -> Keep:
    return lambda record: value_of(record) == wanted


def _check_flag(raw: str | None, name: str) -> None:
    if raw not in (None, "") and raw.strip().lower() not in ("true", "false"):
        raise ErpError(400, f"The value '{raw}' is not valid for {name}.")
