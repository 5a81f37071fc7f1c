"""A deterministic demo company (one random seed, one company): a Dutch installation firm
on OutSmart + Visma.net.

Everything is built in the shape its own API returns it, so the sandbox can serve the
records as they are. Word lists live in `resources/demo/*.json`.

A few work orders are made to fail in each way the troubleshooting page describes, so a
planner trying the demo sees every error once: a material missing in Visma.net, a
relation missing in Visma.net, a relation unknown in OutSmart, and a zero quantity; and
one relation missing in Visma.net has no name, so creating it fails (New relation on).
Each faulty work order has exactly one fault; every other work order exports cleanly.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from vismadesk.assets import read_text
from vismadesk.sandbox.wire import dot_money, nl_money, nl_quantity, visma_time

# Demo data is anchored on a fixed day so the same seed always gives the same records.
ANCHOR = dt.datetime(2026, 3, 2, 17, 0, 0)

MATERIAL_MISSING_IN_VISMA = "material_missing_in_visma"
RELATION_MISSING_IN_VISMA = "relation_missing_in_visma"
RELATION_UNKNOWN_IN_OUTSMART = "relation_unknown_in_outsmart"
ZERO_QUANTITY = "zero_quantity"
# The faults planted in the demo data, each a case from the troubleshooting page.
FAULT_KINDS = (
    MATERIAL_MISSING_IN_VISMA,
    RELATION_MISSING_IN_VISMA,
    RELATION_UNKNOWN_IN_OUTSMART,
    ZERO_QUANTITY,
)

FIRST_DEBTOR = 10001
FIRST_ROW_ID = 18001
HOUR_UNIT = "UUR"
VAT_HIGH = {"id": "1", "description": "Hoog tarief 21%"}


@cache
def _words(name: str) -> dict[str, Any]:
    return json.loads(read_text("demo", f"{name}.json"))


@dataclass(slots=True)
class DemoData:
    """What the sandbox starts with: OutSmart's side and Visma.net's side."""

    relations: list[dict[str, Any]] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    hourtypes: list[dict[str, Any]] = field(default_factory=list)
    workstatusses: list[dict[str, Any]] = field(default_factory=list)
    employees: list[dict[str, Any]] = field(default_factory=list)
    work_orders: list[dict[str, Any]] = field(default_factory=list)
    customers: list[dict[str, Any]] = field(default_factory=list)
    inventory: list[dict[str, Any]] = field(default_factory=list)
    # Work order numbers per fault kind, so tests and benchmarks know what to expect.
    faulty_orders: dict[str, list[str]] = field(default_factory=dict)


def empty() -> DemoData:
    """A sandbox without demo data still knows the basic work statuses."""
    return DemoData(
        workstatusses=[dict(s) for s in _words("work")["work_statuses"]],
        faulty_orders={kind: [] for kind in FAULT_KINDS},
    )


def generate(
    *,
    work_orders: int = 300,
    relations: int = 40,
    materials: int = 150,
    seed: int = 1,
    faulty: bool = True,
    error_share: float = 0.02,
) -> DemoData:
    """Build the demo company. `faulty=False` (or `error_share=0`) makes every order clean."""
    return _Generator(seed).build(
        work_orders=max(0, work_orders),
        relations=max(1, relations),
        materials=max(1, materials),
        faulty=faulty and error_share > 0,
        error_share=error_share,
    )


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.people = _words("people")
        self.places = _words("places")
        self.work = _words("work")
        self.catalogue = _words("materials")["materials"]
        self.internal_id = 100

    # --- helpers -------------------------------------------------------------------

    def _stamp(self, max_days: int) -> str:
        back = dt.timedelta(minutes=self.rnd.randint(60, max_days * 24 * 60))
        return visma_time(ANCHOR - back)

    def _person(self) -> str:
        first = self.rnd.choice(self.people["first_names"])
        return f"{first} {self.rnd.choice(self.people['last_names'])}"

    def _address(self) -> dict[str, Any]:
        place = self.rnd.choice(self.places["cities"])
        digits = place["zip"] + self.rnd.randint(0, 8)
        return {
            "street": self.rnd.choice(self.places["streets"]),
            "house_number": str(self.rnd.randint(1, 180))
            + self.rnd.choice(["", "", "", "", "A", "B", "-2"]),
            "postal_code": f"{digits}{self.rnd.choice(self.places['zip_letters'])}",
            "city": place["city"],
            "latitude": round(place["lat"] + self.rnd.uniform(-0.02, 0.02), 6),
            "longitude": round(place["lon"] + self.rnd.uniform(-0.02, 0.02), 6),
        }

    def _relation(self, debtor: str) -> dict[str, Any]:
        contact = self._person()
        if self.rnd.random() < 0.55:
            form = self.rnd.choice(self.people["legal_forms"])
            name = (
                f"{self.rnd.choice(self.people['company_kinds'])} "
                f"{self.rnd.choice(self.people['company_words'])} {form}"
            ).strip()
        else:
            name = contact
        local = contact.lower().replace(" ", ".").replace("..", ".")
        email = f"{local}@{self.rnd.choice(self.people['email_domains'])}"
        addr = self._address()
        return {
            "name": name,
            "debtor_number": debtor,
            "contact": contact,
            "phone_number": f"06{self.rnd.randint(10000000, 99999999)}",
            "email": email,
            "email_workorder": email,
            "street": addr["street"],
            "house_number": addr["house_number"],
            "postal_code": addr["postal_code"],
            "city": addr["city"],
            "remark": self.rnd.choice(self.work["remarks"]),
            "latitude": addr["latitude"],
            "longitude": addr["longitude"],
        }

    def _customer(self, rel: dict[str, Any]) -> dict[str, Any]:
        self.internal_id += 1
        created = self._stamp(720)
        zip_code = rel["postal_code"]
        return {
            "internalId": self.internal_id,
            "number": rel["debtor_number"],
            "name": rel["name"],
            "status": "Active",
            "mainAddress": {
                "addressLine1": f"{rel['street']} {rel['house_number']}".strip(),
                "addressLine2": "",
                "postalCode": f"{zip_code[:4]} {zip_code[4:]}".strip(),
                "city": rel["city"],
                "country": {"id": "NL", "name": "Nederland"},
            },
            "mainContact": {
                "name": rel["contact"],
                "email": rel["email"],
                "phone1": rel["phone_number"],
            },
            "accountReference": "",
            "customerClass": {"id": "NL", "description": "Klanten Nederland"},
            "creditTerms": {"id": "30D", "description": "30 dagen netto"},
            "currencyId": "EUR",
            "vatRegistrationId": "",
            "corporateId": "",
            "lastModifiedDateTime": max(created, self._stamp(200)),
            "createdDateTime": created,
        }

    def _materials(self, count: int) -> list[dict[str, Any]]:
        grades = ["", " - A-merk", " - huismerk", " - voordeelverpakking", " - RVS", " - zwaar"]
        combos: list[tuple[dict[str, Any], str, str]] = []
        for grade in grades:
            for item in self.catalogue:
                for variant in item["variants"]:
                    combos.append((item, variant, grade))
        out = []
        for i in range(count):
            item, variant, grade = combos[i % len(combos)]
            lap = i // len(combos)
            lo, hi = item["price"]
            price = Decimal(str(round(self.rnd.uniform(lo, hi), 2)))
            suffix = f" ({lap + 1})" if lap else ""
            out.append(
                {
                    "code": f"{self.rnd.choice('ABCKMR')}{100000 + i * 7 + self.rnd.randint(0, 6)}",
                    "description": f"{item['name']} {variant}{grade}{suffix}",
                    "price": nl_money(price),
                    "unit": item["unit"],
                    "eancode": f"87{self.rnd.randint(10**10, 10**11 - 1)}",
                    "barcode": "",
                    "freefield1": "",
                    "freefield2": "",
                    "freefield3": "",
                    "freefield4": "",
                    "freefield5": "",
                }
            )
        return out

    def _inventory_item(
        self, code: str, description: str, price: Decimal, unit: str, kind: str
    ) -> dict[str, Any]:
        self.internal_id += 1
        labor = kind == "LaborItem"
        return {
            "inventoryId": self.internal_id,
            "inventoryNumber": code,
            "status": "Active",
            "type": kind,
            "description": description,
            "itemClass": {
                "id": "ARBEID" if labor else "MAT",
                "description": "Arbeid" if labor else "Materialen",
                "type": kind,
            },
            "postingClass": {"id": "ARB" if labor else "MAT", "description": "Omzet"},
            "vatCode": dict(VAT_HIGH),
            "defaultPrice": float(price),
            "baseUnit": unit,
            "salesUnit": unit,
            "purchaseUnit": unit,
            "stockItem": False,
            "kitItem": False,
            "lastModifiedDateTime": self._stamp(400),
        }

    @staticmethod
    def _error_count(work_orders: int, share: float) -> int:
        # At least 3 of each kind in a set large enough to hold them; never more than
        # an eighth of the orders per kind, so most orders stay clean.
        return min(max(3, round(work_orders * share)), work_orders // 8)

    # --- the company -----------------------------------------------------------------

    def build(
        self, *, work_orders: int, relations: int, materials: int, faulty: bool, error_share: float
    ) -> DemoData:
        data = DemoData(faulty_orders={kind: [] for kind in FAULT_KINDS})
        data.workstatusses = [dict(s) for s in self.work["work_statuses"]]
        data.employees = self._employees()
        data.hourtypes = self._hourtypes()
        data.relations = [self._relation(str(FIRST_DEBTOR + i)) for i in range(relations)]
        data.materials = self._materials(materials)
        cast = self._cast(data, faulty)
        data.customers = [self._customer(r) for r in cast.present_rel + cast.strangers]
        data.inventory = self._inventory(cast.present_mat, data.hourtypes)
        plan = self._fault_plan(work_orders, error_share) if faulty and work_orders else {}
        for i in range(work_orders):
            fault = plan.get(i)
            order = self._faulty_work_order(i, fault, cast, data.employees)
            if fault:
                data.faulty_orders[fault].append(order["WorkorderNo"])
            data.work_orders.append(order)
        _without_name(data)
        return data

    def _employees(self) -> list[dict[str, Any]]:
        return [
            {
                "firstname": self.rnd.choice(self.people["first_names"]),
                "lastname": self.rnd.choice(self.people["last_names"]),
                "number": str(11 + i),
                "active": "1",
            }
            for i in range(6)
        ]

    def _hourtypes(self) -> list[dict[str, Any]]:
        return [
            {
                "code": h["code"],
                "name": h["name"],
                "cost_booking": "1",
                "sale_booking": "1",
                "sale_price": dot_money(Decimal(h["sale_price"])),
                "cost_price": dot_money(Decimal(h["cost_price"])),
                "active": "1",
            }
            for h in self.work["hour_types"]
        ]

    def _cast(self, data: DemoData, faulty: bool) -> _Cast:
        """Which relations and materials Visma.net knows, and who OutSmart does not."""
        relations, materials = len(data.relations), len(data.materials)
        n_missing_rel = max(2, round(relations * 0.05)) if faulty and relations > 4 else 0
        n_missing_mat = max(2, round(materials * 0.04)) if faulty and materials > 4 else 0
        return _Cast(
            present_rel=data.relations[: relations - n_missing_rel],
            missing_rel=data.relations[-n_missing_rel:] if n_missing_rel else [],
            present_mat=data.materials[: materials - n_missing_mat],
            missing_mat=data.materials[-n_missing_mat:] if n_missing_mat else [],
            # Relations a technician typed on site: known to Visma.net, unknown to OutSmart.
            strangers=[
                self._relation(str(FIRST_DEBTOR + 9000 + i)) for i in range(3 if faulty else 0)
            ],
        )

    def _inventory(
        self, materials: list[dict[str, Any]], hourtypes: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        items = [
            self._inventory_item(
                m["code"],
                m["description"],
                Decimal(m["price"].replace(",", ".")),
                m["unit"],
                "NonStockItem",
            )
            for m in materials
        ]
        return items + [
            self._inventory_item(
                h["code"], h["name"], Decimal(h["sale_price"]), HOUR_UNIT, "LaborItem"
            )
            for h in hourtypes
        ]

    def _fault_plan(self, work_orders: int, error_share: float) -> dict[int, str]:
        """Which orders carry which fault: spread through the list, one fault each."""
        per_kind = self._error_count(work_orders, error_share)
        slots = self.rnd.sample(range(work_orders), per_kind * len(FAULT_KINDS))
        return {slot: FAULT_KINDS[n % len(FAULT_KINDS)] for n, slot in enumerate(slots)}

    def _faulty_work_order(
        self, i: int, fault: str | None, cast: _Cast, employees: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """Work order `i`, carrying `fault` (one of FAULT_KINDS) or none."""
        invoice_rel: dict[str, Any] | None = None
        if fault == RELATION_MISSING_IN_VISMA:
            rel = self.rnd.choice(cast.missing_rel)
        elif fault == RELATION_UNKNOWN_IN_OUTSMART:
            rel = self.rnd.choice(cast.strangers)
        else:
            rel = self.rnd.choice(cast.present_rel)
            if fault is None and len(cast.present_rel) > 1 and self.rnd.random() < 0.2:
                # A landlord or housing corporation pays for work at a tenant's.
                invoice_rel = self.rnd.choice([r for r in cast.present_rel if r is not rel])
        order = self._work_order(i, rel, invoice_rel, cast.present_mat, employees)
        if fault == MATERIAL_MISSING_IN_VISMA:
            order["Materials"].append(self._material_line(self.rnd.choice(cast.missing_mat)))
        elif fault == ZERO_QUANTITY:
            line = order["Materials"][0]
            line["MaterialNr"] = "0"
            line["MaterialTotalPrice"] = "0,00"
        return order

    def _material_line(self, mat: dict[str, Any]) -> dict[str, Any]:
        unit = mat["unit"]
        if unit == "M":
            qty = Decimal(self.rnd.randint(5, 250)) / 10
        elif unit == "L":
            qty = Decimal(self.rnd.randint(1, 10)) / 2
        else:
            qty = Decimal(self.rnd.choice([1, 1, 1, 2, 2, 3, 4, 6]))
        price = Decimal(mat["price"].replace(",", "."))
        return {
            "MaterialCode": mat["code"],
            "MaterialTotalPrice": nl_money(price * qty),
            "MaterialNr": nl_quantity(qty),
            "MaterialPrice": mat["price"],
            "MaterialName": mat["description"],
            "MaterialUnit": unit,
            "MaterialType": None,
            "MaterialFreeField1": None,
            "MaterialFreeField2": None,
            "MaterialFreeField3": None,
            "MaterialFreeField4": None,
            "MaterialFreeField5": None,
        }

    def _work_order(
        self,
        i: int,
        rel: dict[str, Any],
        invoice_rel: dict[str, Any] | None,
        mats: list[dict[str, Any]],
        employees: list[dict[str, Any]],
    ) -> dict[str, Any]:
        rnd = self.rnd
        day = (ANCHOR - dt.timedelta(days=rnd.randint(0, 60))).date()
        if day.weekday() >= 5:
            day -= dt.timedelta(days=day.weekday() - 4)
        start = dt.datetime.combine(day, dt.time(7, 30)) + dt.timedelta(
            minutes=15 * rnd.randint(0, 30)
        )
        employee = rnd.choice(employees)["number"]
        periods, end = self._work_periods(day, start, employee)
        type_of_work = rnd.choice(self.work["types_of_work"])
        lines = [
            self._material_line(m) for m in rnd.sample(mats, min(len(mats), rnd.randint(1, 4)))
        ]
        code = f"{rnd.getrandbits(128):032x}"
        return {
            "id": str(FIRST_ROW_ID + i),
            "WorkorderNo": f"WB{i + 1:05d}",
            "OrderNr": f"{rnd.getrandbits(44):011X}",
            "WorkDate": day.strftime("%d-%m-%Y"),
            "WorkTime": start.strftime("%H:%M"),
            "WorkEndDate": day.strftime("%d-%m-%Y"),
            "WorkEndTime": end.strftime("%H:%M"),
            "ProjectNr": "",
            "ExternProjectNr": "",
            **_customer_fields(rel, invoice_rel or {}),
            "TypeOfWork": type_of_work,
            "WorkDescription": rnd.choice(self.work["descriptions"][type_of_work]),
            "PaymentMethod": rnd.choice(self.work["payment_methods"]),
            "CreationDate": (start - dt.timedelta(days=rnd.randint(1, 14))).strftime(
                "%Y-%m-%d %H:%M"
            ),
            "Archived": "0",
            "EmployeeNr": employee,
            **_worksheet_fields(code),
            "status": "Compleet",
            "WorkFinished": "1",
            "InternalWorkDescription": "",
            "WorkDuration": "0",
            "WorkStatus": "001",
            "WorkDeadline": "",
            "PickupPlanning": "0",
            "WebPlanning": "0",
            "CpnCode": "",
            "AdrCode": "",
            "Photos": [],
            "Workperiods": periods,
            "Materials": lines,
            "Documents": [],
            "Forms": _forms(i, code),
            "Employees": [employee],
            "WorkObjects": [],
        }

    def _work_periods(
        self, day: dt.date, start: dt.datetime, employee: str
    ) -> tuple[list[dict[str, Any]], dt.datetime]:
        """One or two periods from `start`, half an hour apart; and when the last ends."""
        rnd = self.rnd
        periods = []
        moment = start
        for n in range(rnd.choice([1, 1, 2])):
            minutes = 15 * rnd.randint(2, 16)
            end = moment + dt.timedelta(minutes=minutes)
            periods.append(
                {
                    "BeginTime": moment.strftime("%H:%M"),
                    "TotalTime": f"{minutes // 60:02d}:{minutes % 60:02d}",
                    "WorkRemark": "",
                    "WorkDate": day.strftime("%d-%m-%Y"),
                    "EndTime": end.strftime("%H:%M"),
                    "Travel": str(rnd.randint(2, 40)),
                    "EmployeeNr": employee,
                    "HourType": "ARBEID"
                    if n == 0
                    else rnd.choice(["REISTIJD", "ARBEID", "OVERWERK"]),
                }
            )
            moment = end + dt.timedelta(minutes=30)
        return periods, moment - dt.timedelta(minutes=30)


@dataclass(slots=True)
class _Cast:
    """The relations and materials work orders are drawn from."""

    present_rel: list[dict[str, Any]]
    missing_rel: list[dict[str, Any]]
    present_mat: list[dict[str, Any]]
    missing_mat: list[dict[str, Any]]
    strangers: list[dict[str, Any]]


def _without_name(data: DemoData) -> None:
    """The troubleshooting page's "Error creating customer in VISMA.net": the relation of
    the first work order whose relation VISMA.net lacks was entered in OutSmart without
    a name. With New relation on, VISMA.net refuses to create that customer (a customer
    needs a name); the other missing relations are created as usual. Done after the
    random draws, so every other record stays as the seed makes it."""
    missing = data.faulty_orders.get(RELATION_MISSING_IN_VISMA) or []
    order = next((o for o in data.work_orders if missing and o["WorkorderNo"] == missing[0]), None)
    if order is None:
        return
    debtor = order["CustomerDebtorNr"]
    for rel in data.relations:
        if rel["debtor_number"] == debtor:
            rel["name"] = ""
    for o in data.work_orders:
        if o["CustomerDebtorNr"] == debtor:
            o["CustomerName"] = ""


def _customer_fields(rel: dict[str, Any], inv: dict[str, Any]) -> dict[str, Any]:
    """Who the work was for, and (when someone else pays) who gets the invoice."""
    return {
        "CustomerName": rel["name"],
        "CustomerDebtorNr": rel["debtor_number"],
        "CustomerStreet": rel["street"],
        "CustomerStreetNo": rel["house_number"],
        "CustomerEmail": rel["email"],
        "CustomerZIP": rel["postal_code"],
        "CustomerCity": rel["city"],
        "CustomerContactPerson": rel["contact"],
        "CustomerPhone": rel["phone_number"],
        "CustomerRemark": rel["remark"],
        "CustomerNameInvoice": inv.get("name", ""),
        "CustomerDebtorNrInvoice": inv.get("debtor_number", ""),
        "CustomerStreetInvoice": inv.get("street", ""),
        "CustomerStreetNoInvoice": inv.get("house_number", ""),
        "CustomerEmailInvoice": inv.get("email", ""),
        "CustomerZIPInvoice": inv.get("postal_code", ""),
        "CustomerCityInvoice": inv.get("city", ""),
        "CustomerContactPersonInvoice": inv.get("contact", ""),
        "CustomerPhoneInvoice": inv.get("phone_number", ""),
        "CustomerRemarkInvoice": "",
    }


# Every third work order carries a filled-in form with its own PDF (no random draw:
# the rest of the demo data stays as the seed makes it).
FORM_EVERY = 3


def _forms(i: int, code: str) -> list[dict[str, Any]]:
    if i % FORM_EVERY:
        return []
    return [
        {
            "Name": "Opleverformulier",
            "ObjectCode": "",
            "Data": [{"field_type": "text", "label": "Opmerking", "value": "Netjes opgeleverd"}],
            "PdfUrl": f"https://www.out-smart.com/mailpdf.php?action=form&sheet_id={code}&form=1",
        }
    ]


def _worksheet_fields(code: str) -> dict[str, Any]:
    """The signature and the worksheet documents OutSmart links to."""
    return {
        "Signature": f"{code[:14]}.png",
        "SignatureUrl": f"https://www.out-smart.com/uploads/handtekeningen/{code[:14]}.png",
        "PdfUrl": f"https://www.out-smart.com/mailpdf.php?action=display&sheet_id={code}",
        "WordUrl": f"https://www.out-smart.com/mailpdf.php?action=word&sheet_id={code}",
        "WorksheetCode": code,
    }
