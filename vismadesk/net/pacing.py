"""Pace requests from a service's `X-RateLimit-*` headers: at the limit, never over it.

Visma.net sends them (15,000 calls an hour is the binding limit of a real company);
both clients pace by them, each API with a `Pacer` of its own.

Every answer says how many requests are left in the rate window (`-Remaining`) and in
how many whole seconds it starts again (`-Reset`, rounded up). A `Pacer` is shared by
the threads that call one API and keeps, per window:

- what is left for sure: the lowest `Remaining` heard in the window, less every
  request sent and not yet answered (the server may not have counted those when it
  answered), so parallel requests never overrun the window;
- when the window ends at the latest: the earliest of "answer time + Reset" over the
  window's answers. Each is an upper bound (Reset is rounded up); the earliest is close
  to the real end, so little of a window is lost waiting for it.

Requests go at full speed while plenty is left; below a tenth of the limit they are
spaced over the rest of the window, and with nothing left they wait for its end.
A 429 (another program using the same limit) empties the window until its reset.
Before the first answer nothing is known, and nothing is held back.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

import httpx

# Below this share of the limit, requests are spaced out over the rest of the window.
SLOW_DOWN_BELOW = 0.1
MAX_WAIT_S = 60.0
# Waiting for a window's end: this much longer, so the request is surely in the next.
END_MARGIN_S = 0.05


def _capped(reset_s: float) -> float:
    """A window is a minute at most: a Reset of 999999999 s, inf or nan is nonsense, and
    believed it would hold every later request back for good."""
    return MAX_WAIT_S if math.isnan(reset_s) else min(MAX_WAIT_S, max(0.0, reset_s))


class Pacer:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._left = 0  # the lowest Remaining heard in the current window
        self._end = 0.0  # the current window ends by then
        self._window_s = 0.0  # the longest Reset heard: the window's length, about
        self._sure_end = False  # _end comes from this window's own answers
        self._previous_end = 0.0
        self._pending = 0  # asked for (delay() called), not answered yet
        self._last_slot = -math.inf

    # --- before and after each request -------------------------------------------------

    def delay(self) -> float:
        """How long the next request should wait; counts it as sent until answered."""
        with self._lock:
            now = self._clock()
            self._pending += 1
            if self._limit is None:
                self._last_slot = now
                return 0.0
            if now >= self._end:
                self._new_window(now)
            budget = self._left - (self._pending - 1)
            if budget <= 0:
                # Nothing left for sure: the next window. Those waiting for it count
                # as pending, so no more than it holds go at its start.
                slot = self._end + END_MARGIN_S
                if budget <= -self._limit:
                    slot += self._window_s  # even the next window is spoken for
            elif budget < self._limit * SLOW_DOWN_BELOW:
                # Evenly over what is left of the window, after the last one sent.
                base = max(now, self._last_slot)
                slot = max(now, self._last_slot + (self._end - base) / (budget + 1))
            else:
                slot = now
            self._last_slot = max(self._last_slot, slot)
            return min(MAX_WAIT_S, max(0.0, slot - now))

    def observe(self, response: httpx.Response) -> None:
        """The answer to a request `delay` was asked for."""
        h = response.headers
        with self._lock:
            self._pending = max(0, self._pending - 1)
            if "x-ratelimit-remaining" not in h:
                return  # no limit told (OutSmart's usual answer): nothing to learn
            try:
                limit = int(h["x-ratelimit-limit"])
                remaining = int(h["x-ratelimit-remaining"])
                reset_s = float(h["x-ratelimit-reset"])
            except (KeyError, ValueError):
                return
            self._heard(limit, remaining, _capped(reset_s))

    def abandon(self) -> None:
        """A request that got no answer (the connection failed)."""
        with self._lock:
            self._pending = max(0, self._pending - 1)

    def exhausted(self, reset_s: float) -> None:
        """A 429: nothing is left until the reset the server named."""
        with self._lock:
            self._left = 0
            self._end = max(self._end, self._clock() + _capped(reset_s))
            self._sure_end = True
            self._last_slot = -math.inf

    # --- the window ----------------------------------------------------------------------

    def _heard(self, limit: int, remaining: int, reset_s: float) -> None:
        now = self._clock()
        end = now + reset_s
        self._window_s = max(self._window_s, reset_s)
        # Ends less than half a window apart are the same window's (Reset is whole
        # seconds, so the same end looks up to a second later or earlier).
        half = max(0.5, self._window_s / 2)
        if self._limit is None:
            self._adopt(limit, remaining, end)
        elif not self._sure_end:
            # A window has started by this clock: the first answer from it says how
            # much is left; a late one from the window before says nothing.
            if end >= self._previous_end + half:
                self._adopt(limit, remaining, end)
        elif end >= self._end + half:
            self._adopt(limit, remaining, end)  # the server started a window already
        elif end > self._end - half:
            self._limit = limit
            self._left = min(self._left, remaining)
            self._end = min(self._end, end)

    def _adopt(self, limit: int, remaining: int, end: float) -> None:
        self._limit, self._left, self._end, self._sure_end = limit, remaining, end, True

    def _new_window(self, now: float) -> None:
        """The window is over: a full one starts; its end is a guess until it answers."""
        assert self._limit is not None
        self._previous_end = self._end
        self._left = self._limit
        self._end = max(self._end, now) + max(1.0, self._window_s)
        self._sure_end = False
        self._last_slot = -math.inf
