"""Many clients at once, and a sandbox holding 10,000 work orders."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.helpers.sandbox_api import erp, outsmart_params, salesorders, service_token, wrap
from vismadesk.sandbox import Sandbox

THREADS = 16
EACH = 15


def test_parallel_creates_get_distinct_numbers_and_nothing_is_lost() -> None:
    with Sandbox(work_orders=THREADS, relations=10, materials=10) as sb:
        token = service_token(sb)
        customer = sb.state()["customers"][0]["number"]
        orders = [w["WorkorderNo"] for w in sb.state()["work_orders"]]

        def worker(n: int) -> tuple[list[str], list[str], list[int]]:
            numbers, order_ids, codes = [], [], []
            with erp(sb, token) as e, salesorders(sb, token) as s, httpx.Client() as o:
                for i in range(EACH):
                    made = e.post("/v1/customer", json={"name": wrap(f"Parallel {n}-{i}")})
                    assert made.status_code == 201, made.text
                    numbers.append(made.headers["location"].rsplit("/", 1)[1])
                    body = {"type": "SO", "customer": {"id": customer, "refNo": f"P{n}-{i}"}}
                    so = s.post("/api/v3/SalesOrders", json=body)
                    assert so.status_code == 201, so.text
                    order_ids.append(so.headers["location"].rsplit("/", 1)[1])
                    # Each thread flips its own work order between two work statuses.
                    status = "99" if i % 2 == 0 else "001"
                    r = o.get(
                        f"{sb.services['outsmart']}UpdateWorkorder/",
                        params=outsmart_params(sb, workorder_no=orders[n], workstatus=status),
                    )
                    codes.append(r.json()["code"])
            return numbers, order_ids, codes

        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(worker, range(THREADS)))

        numbers = [x for r in results for x in r[0]]
        order_ids = [x for r in results for x in r[1]]
        assert len(set(numbers)) == len(numbers) == THREADS * EACH
        assert len(set(order_ids)) == len(order_ids) == THREADS * EACH
        assert all(code == 200 for r in results for code in r[2])
        state = sb.state()
        names = {c["name"] for c in state["customers"]}
        assert {f"Parallel {n}-{i}" for n in range(THREADS) for i in range(EACH)} <= names
        assert len(state["sales_orders"]) == THREADS * EACH
        # EACH is odd: every work order ended on "99".
        assert {w["WorkStatus"] for w in state["work_orders"]} == {"99"}
        assert state["requests"]["erp POST /v1/customer"] == THREADS * EACH


@pytest.mark.slow
def test_ten_thousand_work_orders_are_served_whole() -> None:
    with Sandbox(work_orders=10_000, relations=200, materials=1_000) as sb:
        params = outsmart_params(sb, status="Compleet", update_status="false")
        r = httpx.get(f"{sb.services['outsmart']}GetWorkorders/", params=params, timeout=60)
        listed = r.json()["response"]
        assert len(listed) == 10_000
        assert len({w["WorkorderNo"] for w in listed}) == 10_000
        last = httpx.get(
            f"{sb.services['outsmart']}GetWorkorder/",
            params=outsmart_params(sb, workorder_no="WB10000", update_status="false"),
        ).json()["response"]
        assert last == listed[-1]
        faulty = sum(len(v) for v in sb.faulty_orders.values())
        assert 0 < faulty < 0.1 * 10_000
