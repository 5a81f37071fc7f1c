"""The OutSmart client against the sandbox's OutSmart over loopback: the real wire."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.helpers.shared_sandbox import SharedSandbox
from vismadesk import messages
from vismadesk.config import Settings
from vismadesk.domain import HourType, Material, Relation, WorkOrder
from vismadesk.errors import AppError, OutSmartError
from vismadesk.keyring_store import SecretName, Secrets
from vismadesk.net.transport import Backoff
from vismadesk.outsmart.client import OutSmartClient
from vismadesk.sandbox import Sandbox


def _dec(text: Any) -> Decimal:
    return Decimal(str(text).replace(",", "."))


def _hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


@pytest.fixture(scope="module")
def shared_sandbox() -> Iterator[SharedSandbox]:
    with SharedSandbox(work_orders=60, seed=7) as shared:
        yield shared


@pytest.fixture
def sb(shared_sandbox: SharedSandbox) -> Sandbox:
    return shared_sandbox.fresh()


def _client(sb: Sandbox, waits: list[float] | None = None, **tokens: str) -> OutSmartClient:
    settings = Settings()
    settings.set("outsmart_url", sb.settings_overrides()["outsmart_url"])
    secrets = Secrets(env={})
    creds = sb.credentials
    secrets.set(SecretName.OUTSMART_TOKEN, tokens.get("token", creds["outsmart_token"]))
    secrets.set(
        SecretName.OUTSMART_SOFTWARE_TOKEN,
        tokens.get("software_token", creds["outsmart_software_token"]),
    )
    sleep = (waits if waits is not None else []).append
    return OutSmartClient(settings, secrets, backoff=Backoff(sleep=sleep))


@pytest.fixture
def client(sb: Sandbox) -> Iterator[OutSmartClient]:
    c = _client(sb)
    yield c
    c.close()


def _expected(raw: dict[str, Any]) -> dict[str, Any]:
    """What the work order must look like, computed from the sandbox's own record."""
    return {
        "relation": (raw["CustomerDebtorNrInvoice"] or raw["CustomerDebtorNr"]) or None,
        "work_status": raw["WorkStatus"],
        "materials": [
            (m["MaterialCode"], _dec(m["MaterialNr"]), _dec(m["MaterialPrice"]), m["MaterialUnit"])
            for m in raw["Materials"]
        ],
        "hours": [
            (p["HourType"], _hm(p["TotalTime"]), p["EmployeeNr"]) for p in raw["Workperiods"]
        ],
    }


def _seen(wo: WorkOrder) -> dict[str, Any]:
    return {
        "relation": wo.relation,
        "work_status": wo.work_status,
        "materials": [(m.code, m.quantity, m.unit_price, m.unit) for m in wo.materials],
        "hours": [(h.hour_type, h.minutes, h.employee) for h in wo.hours],
    }


def test_listing_compleet_matches_the_sandbox(sb: Sandbox, client: OutSmartClient) -> None:
    state = sb.state()["work_orders"]
    listed = client.work_orders("Compleet")
    raw = {w["WorkorderNo"]: w for w in state if w["status"] == "Compleet"}
    assert sorted(wo.number for wo in listed) == sorted(raw)
    for wo in listed:
        assert _seen(wo) == _expected(raw[wo.number]), wo.number
    # Some of the demo's work orders are paid by another party than the customer.
    assert any(w["CustomerDebtorNrInvoice"] for w in raw.values())
    # Listing did not mark anything handled (update_status=false on the wire).
    assert {w["status"] for w in sb.state()["work_orders"]} == {"Compleet"}


def test_listing_by_work_status(sb: Sandbox, client: OutSmartClient) -> None:
    assert len(client.work_orders("Compleet", "001")) == 60
    assert client.work_orders("Compleet", "99") == []


def test_mark_handled(sb: Sandbox, client: OutSmartClient) -> None:
    number = client.work_orders("Compleet")[0].number
    client.mark_handled(number)
    assert client.work_order(number).status == "Afgehandeld"
    state = {w["WorkorderNo"]: w for w in sb.state()["work_orders"]}
    assert state[number]["status"] == "Afgehandeld"
    remaining = [wo.number for wo in client.work_orders("Compleet")]
    assert number not in remaining and len(remaining) == 59


def test_set_work_status_to_error(sb: Sandbox, client: OutSmartClient) -> None:
    number = client.work_orders("Compleet")[3].number
    assert client.set_work_status(number, "99") is True
    state = {w["WorkorderNo"]: w for w in sb.state()["work_orders"]}
    assert state[number]["WorkStatus"] == "99"
    assert [wo.number for wo in client.work_orders("Compleet", "99")] == [number]
    # Setting it again: OutSmart answers "no data changed", code 1503; the status is
    # what was asked for, so the client says "unchanged" instead of failing.
    assert client.set_work_status(number, "99") is False
    assert [wo.number for wo in client.work_orders("Compleet", "99")] == [number]


def test_unknown_work_status_is_outsmarts_error(sb: Sandbox, client: OutSmartClient) -> None:
    number = client.work_orders("Compleet")[0].number
    with pytest.raises(OutSmartError) as info:
        client.set_work_status(number, "ZZZ")
    assert info.value.outsmart_code == 1504
    assert "unknown workstatus ZZZ" in str(info.value)


def test_unknown_work_order(client: OutSmartClient) -> None:
    for call in (
        lambda: client.work_order("NOPE"),
        lambda: client.mark_handled("NOPE"),
        lambda: client.set_work_status("NOPE", "99"),
    ):
        with pytest.raises(OutSmartError) as info:
            call()
        assert info.value.outsmart_code == 1500
        assert info.value.code == messages.OUTSMART_ERROR.code


@pytest.mark.parametrize("wrong", ["token", "software_token"])
def test_wrong_token_is_rejected(sb: Sandbox, wrong: str) -> None:
    client = _client(sb, None, **{wrong: "not-the-right-token-at-all"})
    try:
        with pytest.raises(AppError) as info:
            client.work_orders("Compleet")
        assert info.value.code == messages.OUTSMART_TOKEN_REJECTED.code
        assert str(info.value) == messages.OUTSMART_TOKEN_REJECTED.text
        assert "not-the-right-token-at-all" not in str(info.value.details)
        # Test connection with what the planner typed, right or wrong.
        creds = sb.credentials
        client.check(creds["outsmart_token"], creds["outsmart_software_token"])
        with pytest.raises(AppError) as info:
            client.check()
        assert info.value.code == messages.OUTSMART_TOKEN_REJECTED.code
    finally:
        client.close()


def test_relations_round_trip(client: OutSmartClient) -> None:
    before = {r.debtor_number: r for r in client.relations()}
    new = Relation(
        debtor_number="77001",
        name="Woningstichting De Linge",
        street="Lingedijk",
        house_number="4-B",
        postal_code="4191AA",
        city="Geldermalsen",
        contact="Anja de Boer",
        phone="0345123456",
        email="anja@delinge.nl",
    )
    changed = before[sorted(before)[0]]
    changed.name += " (nieuw)"
    assert client.save_relations([new, changed]) == 2
    after = {r.debtor_number: r for r in client.relations()}
    assert after["77001"] == new
    assert after[changed.debtor_number].name == changed.name
    assert len(after) == len(before) + 1


def test_materials_round_trip_keep_every_cent(client: OutSmartClient) -> None:
    items = [
        Material("T-0001", "Radiatorkraan haaks", Decimal("24.95"), "ST", ean="8712345678901"),
        Material("T-0002", "Koperen buis 15 mm", Decimal("1234.5"), "M"),
        Material("T-0003", "Kleinmateriaal", Decimal("0.07"), "ST"),
    ]
    assert client.save_materials(items) == 3
    got = {m.code: m for m in client.materials()}
    assert [got[m.code] for m in items] == items


def test_hour_types_round_trip(client: OutSmartClient) -> None:
    items = [
        HourType("SPOED", "Spoeddienst", Decimal("95.00"), Decimal("55.50")),
        HourType("ARBEID", "Arbeid (nieuw tarief)", Decimal("64.75"), Decimal("38.00")),
    ]
    assert client.save_hour_types(items) == 2
    got = {h.code: h for h in client.hour_types()}
    assert got["SPOED"] == items[0]
    assert got["ARBEID"] == items[1]
    assert {"REISTIJD", "OVERWERK"} <= set(got)


def test_a_relation_without_a_required_field_is_outsmarts_answer(client: OutSmartClient) -> None:
    with pytest.raises(OutSmartError) as info:
        client.save_relations([Relation("77002", "Zonder Adres", "", "", "", "")])
    assert info.value.outsmart_code == 1301
    assert "Required field missing: street" in str(info.value)


def test_work_statuses_include_error(client: OutSmartClient) -> None:
    statuses = {s.code: s.name for s in client.work_statuses()}
    assert statuses["99"] == "Error"
    assert "001" in statuses
    client.check()


def test_listing_survives_errors_and_dropped_connections(sb: Sandbox) -> None:
    waits: list[float] = []
    client = _client(sb, waits)
    sb.faults(error_rate=0.2, drop_rate=0.1)
    try:
        listings = [client.work_orders("Compleet") for _ in range(3)]
        relations = client.relations()
        statuses = client.work_statuses()
    finally:
        client.close()
        sb.faults(error_rate=0.0, drop_rate=0.0)
    assert [len(listed) for listed in listings] == [60, 60, 60]
    assert len(relations) == len(sb.state()["relations"])
    assert "99" in {s.code for s in statuses}
    requests = sb.request_counts()
    sent = sum(n for key, n in requests.items() if key.startswith("outsmart "))
    assert sent > 5 and len(waits) == sent - 5  # every extra request was a retry


def test_one_client_many_threads(sb: Sandbox, client: OutSmartClient) -> None:
    expected = sorted(wo.number for wo in client.work_orders("Compleet"))
    start = threading.Barrier(16)

    def work(i: int) -> list[str]:
        start.wait()
        if i % 4 == 0:
            client.set_work_status(expected[i], "002")
        return sorted(wo.number for wo in client.work_orders("Compleet"))

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(work, range(16)))
    assert all(r == expected for r in results)
    state = {w["WorkorderNo"]: w["WorkStatus"] for w in sb.state()["work_orders"]}
    assert [state[expected[i]] for i in range(0, 16, 4)] == ["002"] * 4
