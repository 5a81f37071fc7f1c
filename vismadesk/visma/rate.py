"""Keep under Visma.net's rate limit instead of running into it.

Every answer carries `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds until
the window starts again). When little is left of the window, requests are spaced so
the rest lasts until the reset; when nothing is left, they wait for the reset. The
count is shared by every thread, so parallel exports slow down together.
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


class RateGate:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._limit: int | None = None
        self._remaining: int | None = None
        self._reset_at = 0.0

    def observe(self, response: httpx.Response) -> None:
        h = response.headers
        try:
            limit = int(h["x-ratelimit-limit"])
            remaining = int(h["x-ratelimit-remaining"])
            reset_s = float(h["x-ratelimit-reset"])
        except (KeyError, ValueError):
            return
        # Visma.net's window is a minute; a reset of 999999999 s or "inf" is nonsense,
        # and believed it would space every later request out to MAX_WAIT_S for ever.
        if not math.isfinite(reset_s):
            reset_s = MAX_WAIT_S if reset_s > 0 else 0.0
        reset_s = min(MAX_WAIT_S, max(0.0, reset_s))
        with self._lock:
            self._limit = limit
            self._remaining = remaining
            self._reset_at = self._clock() + reset_s

    def delay(self) -> float:
        """How long the next request should wait; counts it against the window."""
        with self._lock:
            now = self._clock()
            if self._remaining is None or self._limit is None or now >= self._reset_at:
                return 0.0
            left = self._reset_at - now
            if self._remaining <= 0:
                return min(MAX_WAIT_S, left)
            wait = 0.0
            if self._remaining < self._limit * SLOW_DOWN_BELOW:
                wait = min(MAX_WAIT_S, left / (self._remaining + 1))
            # Parallel requests in flight use up the window too.
            self._remaining -= 1
            return wait

    def exhausted(self, reset_s: float) -> None:
        """A 429: nothing is left until the reset the server named."""
        reset_s = min(MAX_WAIT_S, max(0.0, reset_s)) if math.isfinite(reset_s) else MAX_WAIT_S
        with self._lock:
            self._remaining = 0
            self._reset_at = max(self._reset_at, self._clock() + reset_s)
