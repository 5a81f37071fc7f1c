"""vismadesk paces Visma.net requests from the X-RateLimit-* headers: at the limit,
never over it (vismadesk.net.pacing.py)."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterator

import httpx
import pytest

from tests.visma.unit_support import SALESORDERS, FakeClock, Rig, visma_rig
from vismadesk.net.pacing import MAX_WAIT_S, Pacer


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
def pacer(clock: FakeClock) -> Pacer:
    return Pacer(clock=clock)


def _answered(pacer: Pacer, response: httpx.Response) -> None:
    """One request sent and answered with `response`."""
    assert pacer.delay() == 0.0
    pacer.observe(response)


def test_before_any_answer_nothing_is_held_back(pacer: Pacer) -> None:
    assert [pacer.delay() for _ in range(8)] == [0.0] * 8


def test_no_rate_headers_means_no_waiting(pacer: Pacer) -> None:
    _answered(pacer, httpx.Response(200))
    assert pacer.delay() == 0.0


def test_plenty_left_means_no_waiting(pacer: Pacer) -> None:
    _answered(pacer, _limits(100, 50, 40))
    assert [pacer.delay() for _ in range(5)] == [0.0] * 5


def test_below_a_tenth_requests_are_spread_over_the_rest_of_the_window(
    pacer: Pacer, clock: FakeClock
) -> None:
    _answered(pacer, _limits(100, 4, 50))
    # 4 left and 50 s to go: 10 s after the one before, then 10 s after that.
    assert pacer.delay() == pytest.approx(10.0)
    clock.advance(10)
    pacer.observe(_limits(100, 3, 40))
    assert pacer.delay() == pytest.approx(40 / 4)


def test_with_nothing_left_the_next_request_waits_for_the_end_of_the_window(
    pacer: Pacer, clock: FakeClock
) -> None:
    _answered(pacer, _limits(100, 0, 30))
    assert pacer.delay() == pytest.approx(30.05)
    pacer.abandon()
    clock.advance(31)
    assert pacer.delay() == 0.0  # a new window


def test_a_long_reset_is_waited_for_in_capped_steps(pacer: Pacer) -> None:
    _answered(pacer, _limits(100, 0, 3600))
    assert pacer.delay() == MAX_WAIT_S


def test_a_too_many_requests_answer_empties_the_window_until_its_reset(
    pacer: Pacer, clock: FakeClock
) -> None:
    _answered(pacer, _limits(100, 60, 5))
    pacer.exhausted(20)
    assert pacer.delay() == pytest.approx(20.05)


def test_requests_in_flight_count_against_what_is_left(pacer: Pacer) -> None:
    _answered(pacer, _limits(100, 3, 30))
    # 3 left: spaced evenly over the 30 s; a fourth waits for the next window,
    # whatever the first three's answers will say.
    waits = [pacer.delay() for _ in range(4)]
    assert waits == pytest.approx([7.5, 15.0, 22.5, 30.05])


def test_the_earliest_end_heard_is_the_window_s_end(pacer: Pacer, clock: FakeClock) -> None:
    # Reset is whole seconds, rounded up: 9.2 s left reads as 10, 8.6 s as 9.
    _answered(pacer, _limits(100, 0, 10))
    clock.advance(0.6)
    pacer.observe(_limits(100, 0, 9))  # a late answer of this window: ends 0.4 s sooner
    assert pacer.delay() == pytest.approx(9.0 + 0.05)


def test_a_late_answer_from_the_last_window_does_not_empty_the_new_one(
    pacer: Pacer, clock: FakeClock
) -> None:
    _answered(pacer, _limits(10, 0, 5))
    clock.advance(5.1)
    assert pacer.delay() == 0.0  # a new window has started
    pacer.observe(_limits(10, 0, 1))  # sent in the old window, answered now
    assert [pacer.delay() for _ in range(8)] == [0.0] * 8


@pytest.mark.parametrize(
    "headers",
    [
        {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0"},
        {"X-RateLimit-Limit": "many", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "9"},
    ],
)
def test_incomplete_or_unreadable_rate_headers_are_ignored(
    pacer: Pacer, headers: dict[str, str]
) -> None:
    _answered(pacer, httpx.Response(200, headers=headers))
    assert pacer.delay() == 0.0


class _Server:
    """Visma.net's count on the same fake clock: fixed windows from the first request
    after the last one ended, answers after `latency` seconds."""

    def __init__(self, clock: FakeClock, limit: int, window_s: float) -> None:
        self.clock, self.limit, self.window_s = clock, limit, window_s
        self.started = -math.inf
        self.count = 0
        self.refused = 0
        self.served = 0

    def answer(self) -> httpx.Response:
        now = self.clock()
        if now - self.started >= self.window_s:
            self.started, self.count = now, 0
        self.count += 1
        if self.count > self.limit:
            self.refused += 1
        else:
            self.served += 1
        reset = max(1, math.ceil(self.started + self.window_s - now))
        return _limits(self.limit, max(0, self.limit - self.count), reset)


@pytest.mark.parametrize("parallel", [1, 4, 8])
def test_a_long_run_goes_at_the_limit_and_is_never_refused(clock: FakeClock, parallel: int) -> None:
    """Eight windows of workers that could go far faster than the limit allows."""
    limit, window_s, latency = 40, 10.0, 0.02
    server = _Server(clock, limit, window_s)
    pacer = Pacer(clock=clock)
    start = clock()
    # (time, order, what, worker, answer): a worker asks the pacer, its request is
    # counted half a latency after it goes, the answer arrives half a latency later.
    events: list[tuple[float, int, str, int, httpx.Response | None]] = []
    order = itertools.count()
    for w in range(parallel):
        heapq.heappush(events, (start, next(order), "ask", w, None))
    while events:
        at, _, what, w, answer = heapq.heappop(events)
        if at >= start + 8 * window_s:
            break
        clock.now = at
        if what == "ask":
            sent = at + pacer.delay()
            heapq.heappush(events, (sent + latency / 2, next(order), "count", w, None))
        elif what == "count":
            answer = server.answer()
            heapq.heappush(events, (at + latency / 2, next(order), "answer", w, answer))
        else:
            assert answer is not None
            pacer.observe(answer)
            heapq.heappush(events, (at, next(order), "ask", w, None))
    assert server.refused == 0
    assert server.served >= 0.95 * 8 * limit


# --- the client asks the pacer before every request --------------------------------------------


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
    assert 29.0 < rig.waits[0] <= 30.1  # the window's end, and a moment more


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
    pacer: Pacer, clock: FakeClock, reset: str
) -> None:
    _answered(pacer, _limits(100, 0, reset))
    assert 0.0 <= pacer.delay() <= MAX_WAIT_S
    pacer.abandon()
    # The window believed is at most a minute long: after it, requests flow again.
    clock.advance(MAX_WAIT_S + 2)
    assert pacer.delay() == 0.0


def test_an_absurd_reset_after_a_429_is_capped_too(pacer: Pacer, clock: FakeClock) -> None:
    _answered(pacer, _limits(100, 50, 10))
    pacer.exhausted(float("inf"))
    assert 0.0 < pacer.delay() <= MAX_WAIT_S
    pacer.abandon()
    clock.advance(MAX_WAIT_S + 2)
    assert pacer.delay() == 0.0
