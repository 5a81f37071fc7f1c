"""vismadesk slows down before Visma.net's rate limit instead of running into it."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.visma.unit_support import SALESORDERS, FakeClock, Rig, visma_rig
from vismadesk.visma.rate import MAX_WAIT_S, RateGate


def _limits(limit: object, remaining: object, reset: object) -> httpx.Response:
    return httpx.Response(
        200,
        json=[],
        headers={
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": str(reset),
        },
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=5000.0)


@pytest.fixture
def gate(clock: FakeClock) -> RateGate:
    return RateGate(clock=clock)


def test_no_rate_headers_means_no_waiting(gate: RateGate) -> None:
    gate.observe(httpx.Response(200))
    assert gate.delay() == 0.0


def test_plenty_left_means_no_waiting(gate: RateGate) -> None:
    gate.observe(_limits(100, 50, 40))
    assert [gate.delay() for _ in range(5)] == [0.0] * 5


def test_below_ten_percent_requests_are_spread_over_the_rest_of_the_window(
    gate: RateGate, clock: FakeClock
) -> None:
    gate.observe(_limits(100, 4, 50))
    # 4 requests left and 50 seconds to go: one every 10 s, then slower as fewer remain.
    assert gate.delay() == pytest.approx(10.0)
    assert gate.delay() == pytest.approx(50 / 4)
    clock.advance(20)
    assert gate.delay() == pytest.approx(30 / 3)


def test_at_exactly_ten_percent_there_is_no_slowing_down_yet(gate: RateGate) -> None:
    gate.observe(_limits(100, 10, 50))
    assert gate.delay() == 0.0


def test_with_nothing_left_the_next_request_waits_for_the_reset(
    gate: RateGate, clock: FakeClock
) -> None:
    gate.observe(_limits(100, 0, 30))
    assert gate.delay() == pytest.approx(30.0)
    clock.advance(12)
    assert gate.delay() == pytest.approx(18.0)
    clock.advance(18)
    assert gate.delay() == 0.0  # a new window


def test_a_long_reset_is_waited_for_in_capped_steps(gate: RateGate) -> None:
    gate.observe(_limits(100, 0, 3600))
    assert gate.delay() == MAX_WAIT_S


def test_a_too_many_requests_answer_empties_the_window_until_its_reset(
    gate: RateGate, clock: FakeClock
) -> None:
    gate.observe(_limits(100, 60, 5))
    gate.exhausted(20)
    assert gate.delay() == pytest.approx(20.0)
    clock.advance(20)
    assert gate.delay() == 0.0


def test_requests_in_flight_count_against_the_window(gate: RateGate) -> None:
    gate.observe(_limits(100, 11, 60))
    # 11 left is above 10 %: the first goes at once, after it only 10 remain... and then 9.
    assert gate.delay() == 0.0
    assert gate.delay() == 0.0
    assert gate.delay() == pytest.approx(60 / 10)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"},
        {"X-RateLimit-Limit": "many", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"},
    ],
)
def test_incomplete_or_unreadable_rate_headers_are_ignored(
    gate: RateGate, headers: dict[str, str]
) -> None:
    gate.observe(httpx.Response(200, headers=headers))
    assert gate.delay() == 0.0


# --- the client asks the gate before every request --------------------------------------------


@pytest.fixture
def rig() -> Iterator[Rig]:
    with visma_rig() as r:
        yield r


def test_the_client_waits_for_the_reset_when_the_window_is_used_up(rig: Rig) -> None:
    route = rig.router.get("/v1/customer").mock(return_value=_limits(100, 0, 30))
    rig.client.list_customers()
    assert rig.waits == []  # nothing was known before the first answer
    rig.client.list_customers()
    assert route.call_count == 2
    assert len(rig.waits) == 1
    assert 29.0 < rig.waits[0] <= 30.0


def test_the_client_spaces_requests_when_little_is_left(rig: Rig) -> None:
    rig.router.get("/v1/inventory").mock(return_value=_limits(200, 3, 40))
    rig.client.list_inventory()
    rig.client.list_inventory()
    assert len(rig.waits) == 1
    assert 9.0 < rig.waits[0] <= 10.0  # 40 s for the last 3 requests: one every 10 s


def test_the_erp_limit_does_not_slow_down_sales_orders(rig: Rig) -> None:
    rig.router.get("/v1/customer").mock(return_value=_limits(100, 0, 30))
    rig.router.get(f"{SALESORDERS}/api/v3/SalesOrders/SO").mock(
        return_value=httpx.Response(200, json={"value": [], "nextPage": None})
    )
    rig.client.list_customers()
    assert rig.client.find_sales_order("WB00042", "SO") is None
    assert rig.waits == []


@pytest.mark.parametrize("reset", ["999999999", "inf", "1e308", "nan"])
def test_an_absurd_window_reset_waits_at_most_the_cap_and_ends(
    gate: RateGate, clock: FakeClock, reset: str
) -> None:
    gate.observe(_limits(100, 0, reset))
    assert 0.0 <= gate.delay() <= MAX_WAIT_S
    # The window believed is at most a minute long: after it, requests flow again.
    clock.advance(MAX_WAIT_S + 1)
    assert gate.delay() == 0.0


def test_an_absurd_reset_after_a_429_is_capped_too(gate: RateGate, clock: FakeClock) -> None:
    gate.observe(_limits(100, 50, 10))
    gate.exhausted(float("inf"))
    assert gate.delay() == MAX_WAIT_S
    clock.advance(MAX_WAIT_S + 1)
    assert gate.delay() == 0.0
