"""OutSmart's JSON records to domain types and back.

Field names are OutSmart's documented ones (OpenAPI v8). A value that cannot be
read becomes UNEXPECTED_RESPONSE naming the work order (or record) and the field,
so a planner can find the culprit in OutSmart instead of exporting a wrong amount.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from vismadesk import messages
from vismadesk.domain import (
    HourLine,
    HourType,
    Material,
    MaterialLine,
    Relation,
    WorkOrder,
    WorkStatus,
)
from vismadesk.errors import AppError
from vismadesk.outsmart import values
from vismadesk.outsmart.values import BadValue
from vismadesk.redact import redact

SERVICE = "OutSmart"
T = TypeVar("T")


def bad_record(record: str, why: str, **details: Any) -> AppError:
    return AppError(
        messages.UNEXPECTED_RESPONSE.code,
        {"why": f"{record}: {why}", **details},
        service=SERVICE,
    )


class _Reader:
    """Reads fields of one record; every failure names the record and the field."""

    def __init__(self, raw: Any, record: str, **ids: str) -> None:
        if not isinstance(raw, dict):
            raise bad_record(record, f"expected an object, got {type(raw).__name__}", **ids)
        self.raw = raw
        self.record = record
        self.ids = ids

    def get(self, name: str, parse: Callable[[object], T], where: str = "") -> T:
        value = self.raw.get(name)
        try:
            return parse(value)
        except BadValue as e:
            field = f"{where}{name}"
            raise bad_record(
                self.record,
                f"{field} {e.value!r} cannot be read ({e.why})",
                field=field,
                value=redact(values.cleaned(values.text(e.value)))[:100],
                **self.ids,
            ) from None

    def text(self, name: str, where: str = "") -> str:
        return self.get(name, values.sendable_text, where)

    def prose(self, name: str) -> str:
        return self.get(name, values.prose)

    def rows(self, name: str) -> list[Any]:
        value = self.raw.get(name)
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            raise bad_record(self.record, f"{name} is not a list", field=name, **self.ids)
        return value


# --- work orders -----------------------------------------------------------------------


def work_order(raw: Any) -> WorkOrder:
    row_id = values.prose(raw.get("id")) if isinstance(raw, dict) else ""
    number = values.prose(raw.get("WorkorderNo")) if isinstance(raw, dict) else ""
    record = f"work order {number}" if number else f"work order with row id {row_id or '?'}"
    status = values.prose(raw.get("WorkStatus")) if isinstance(raw, dict) else ""
    # The number and work status travel with any error, so the engine can set the
    # error status on just this work order, and leave it be while it waits there.
    r = _Reader(raw, record, work_order=number or row_id, work_status=status)
    if not number:
        # Every later call (mark handled, set the work status) names the work order
        # by this number, and the Visma.net document carries it as its reference.
        raise bad_record(record, "WorkorderNo is empty", field="WorkorderNo", row_id=row_id)
    r.text("WorkorderNo")  # a number with a broken character: refused, naming the field
    invoice_debtor = r.text("CustomerDebtorNrInvoice")
    debtor = invoice_debtor or r.text("CustomerDebtorNr")
    name = r.text("CustomerNameInvoice") if invoice_debtor else r.text("CustomerName")
    return WorkOrder(
        number=number,
        row_id=row_id,
        relation=debtor or None,
        customer_name=name or r.text("CustomerName"),
        description=r.prose("WorkDescription"),
        work_date=r.get("WorkDate", values.date),
        end_date=r.get("WorkEndDate", values.date),
        status=r.text("status"),
        work_status=r.text("WorkStatus"),
        order_number=r.text("OrderNr"),
        project=r.text("ProjectNr"),
        materials=[
            _material_line(line, r, i) for i, line in enumerate(r.rows("Materials"), start=1)
        ],
        hours=[_hour_line(period, r, i) for i, period in enumerate(r.rows("Workperiods"), start=1)],
        pdf_url=r.text("PdfUrl"),
        signature_url=r.text("SignatureUrl"),
        form_pdfs=_form_pdfs(r),
    )


def _form_pdfs(order: _Reader) -> tuple[tuple[str, str], ...]:
    """(name, PDF address) of each form that has a PDF; a form without one is left out,
    never a reason the work order cannot be read (it is only ever an attachment)."""
    forms = order.raw.get("Forms")
    found = []
    for n, form in enumerate(forms if isinstance(forms, list) else [], start=1):
        if not isinstance(form, dict):
            continue
        url = values.text(form.get("PdfUrl"))
        if url:
            found.append((values.text(form.get("Name")) or f"form {n}", url))
    return tuple(found)


def _material_line(raw: Any, order: _Reader, n: int) -> MaterialLine:
    r = _Reader(raw, f"{order.record}, material line {n}", **order.ids)
    where = f"Materials[{n}]."
    return MaterialLine(
        code=r.text("MaterialCode", where),
        name=r.text("MaterialName", where),
        # MaterialNr is the quantity, not a line number (OutSmart's naming).
        quantity=r.get("MaterialNr", values.decimal, where),
        unit_price=r.get("MaterialPrice", values.decimal, where),
        unit=r.text("MaterialUnit", where),
    )


def _hour_line(raw: Any, order: _Reader, n: int) -> HourLine:
    r = _Reader(raw, f"{order.record}, work period {n}", **order.ids)
    where = f"Workperiods[{n}]."
    begin = r.get("BeginTime", values.clock, where)
    end = r.get("EndTime", values.clock, where)
    minutes = r.get("TotalTime", values.duration_minutes, where)
    if minutes is None:
        minutes = values.minutes_between(begin, end) if begin and end else 0
    return HourLine(
        hour_type=r.text("HourType", where),
        minutes=minutes,
        date=r.get("WorkDate", values.date, where),
        employee=r.text("EmployeeNr", where),
        begin=begin,
        end=end,
        remark=r.prose("WorkRemark"),
    )


# --- master data -----------------------------------------------------------------------


def relation(raw: Any) -> Relation:
    key = values.prose(raw.get("debtor_number")) if isinstance(raw, dict) else ""
    r = _Reader(raw, f"relation {key}", relation=key)
    return Relation(
        debtor_number=r.text("debtor_number"),
        name=r.text("name"),
        street=r.text("street"),
        house_number=r.text("house_number"),
        postal_code=r.text("postal_code"),
        city=r.text("city"),
        contact=r.text("contact"),
        phone=r.text("phone_number"),
        email=r.text("email"),
        remark=r.prose("remark"),
    )


def material(raw: Any) -> Material:
    key = values.prose(raw.get("code")) if isinstance(raw, dict) else ""
    r = _Reader(raw, f"material {key}", material=key)
    return Material(
        code=r.text("code"),
        description=r.text("description"),
        price=r.get("price", values.decimal),
        unit=r.text("unit"),
        ean=r.text("eancode"),
    )


def hour_type(raw: Any) -> HourType:
    key = values.prose(raw.get("code")) if isinstance(raw, dict) else ""
    r = _Reader(raw, f"hour type {key}", hour_type=key)
    return HourType(
        code=r.text("code"),
        name=r.text("name"),
        sale_price=r.get("sale_price", values.decimal),
        cost_price=r.get("cost_price", values.decimal),
        active=r.get("active", values.flag),
    )


def work_status(raw: Any) -> WorkStatus:
    key = values.prose(raw.get("sta_code")) if isinstance(raw, dict) else ""
    r = _Reader(raw, f"work status {key}", work_status=key)
    return WorkStatus(code=r.text("sta_code"), name=r.text("sta_name"))


# --- what vismadesk writes -------------------------------------------------------------


def _with_optional(required: dict[str, str], optional: dict[str, str]) -> dict[str, str]:
    # An empty optional field is left out rather than sent as "": OutSmart upserts,
    # and "" would wipe what a planner typed there (a remark, a second phone number).
    return {**required, **{k: v for k, v in optional.items() if v}}


def relation_body(rel: Relation) -> dict[str, str]:
    return _with_optional(
        {
            "name": rel.name,
            "debtor_number": rel.debtor_number,
            "street": rel.street,
            "postal_code": rel.postal_code,
            "city": rel.city,
        },
        {
            "house_number": rel.house_number,
            "contact": rel.contact,
            "phone_number": rel.phone,
            "email": rel.email,
            "remark": rel.remark,
        },
    )


def material_body(mat: Material) -> dict[str, str]:
    return _with_optional(
        {
            "code": mat.code,
            "description": mat.description,
            "price": values.dutch_money(mat.price),
            "unit": mat.unit,
        },
        {"eancode": mat.ean},
    )


def hour_type_body(ht: HourType) -> dict[str, str]:
    # Booked as both cost and sale: vismadesk's hour types are Visma.net labour items,
    # which are sold and carry a cost.
    return {
        "code": ht.code,
        "name": ht.name,
        "cost_booking": "1",
        "sale_booking": "1",
        "sale_price": values.dot_money(ht.sale_price),
        "cost_price": values.dot_money(ht.cost_price),
        "active": "1" if ht.active else "0",
    }
