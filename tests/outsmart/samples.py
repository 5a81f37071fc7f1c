"""Work orders and master data as OutSmart's v8 documentation shows them."""

from __future__ import annotations

import copy
from typing import Any

_WORK_ORDER: dict[str, Any] = {
    "id": "1919",
    "WorkorderNo": "AB756X",
    "OrderNr": "3BCE7228843",
    "WorkDate": "11-06-2013",
    "WorkTime": "10:30",
    "WorkEndDate": "12-06-2013",
    "WorkEndTime": "12:30",
    "CustomerName": "Yoran van Arragon",
    "CustomerDebtorNr": "A985785",
    "CustomerNameInvoice": "John Doe",
    "CustomerDebtorNrInvoice": "B985785",
    "TypeOfWork": "Installatie",
    "WorkDescription": "Verschillende werkzaamheden",
    "status": "Compleet",
    "WorkStatus": "001",
    "Workperiods": [
        {
            "BeginTime": "08:30",
            "TotalTime": "03:45",
            "WorkRemark": "Ketel ontlucht",
            "WorkDate": "26-09-2013",
            "EndTime": "12:15",
            "Travel": "1",
            "EmployeeNr": "11",
            "HourType": "001",
        }
    ],
    "Materials": [
        {
            "MaterialCode": "A786878",
            "MaterialTotalPrice": "11,38",
            "MaterialNr": "2,5",
            "MaterialPrice": "4,55",
            "MaterialName": "Kleinmateriaal",
            "MaterialUnit": "M2",
            "MaterialType": None,
        }
    ],
    "Documents": [],
    "Forms": [],
    "WorkObjects": [],
}


def work_order(**fields: Any) -> dict[str, Any]:
    raw = copy.deepcopy(_WORK_ORDER)
    raw.update(fields)
    return raw


def material_line(**fields: Any) -> dict[str, Any]:
    line = copy.deepcopy(_WORK_ORDER["Materials"][0])
    line.update(fields)
    return line


def work_period(**fields: Any) -> dict[str, Any]:
    period = copy.deepcopy(_WORK_ORDER["Workperiods"][0])
    period.update(fields)
    return period
