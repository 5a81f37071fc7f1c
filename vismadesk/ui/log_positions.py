"""Where each entry of a filtered log sits, and how to read the block at any position.

Positions count down from the newest entry of the filter when it was (re)loaded:
0 is that entry, 1 the one before it, and so on to `count - 1`, the oldest. Entries
that arrive later take -1, -2, ... above it, so a position never changes while the
filter stays: a block read for position 400,000 is still right after a run wrote a
thousand entries. The model turns positions into rows (row = position + live rows).

A block of positions is read by id, never by an OFFSET over the rows: the newest
row's id comes from the nearest known neighbour. Where the ids between two known
entries leave no room for a gap (the whole log, unfiltered, without deletions: the
usual case) it is plain arithmetic; otherwise the store counts the ids past the
nearer neighbour on an index (`log_id_at`), and the block's ids become neighbours
for the next read. Ids need not be dense: a team store's log has other consoles'
entries in it, and a filter's ids are anything but.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BlockRead:
    """How to read the block at positions `first` .. `first + size - 1`.

    Its newest row's id (`newest_id`) or its oldest's (`oldest_id`) when known;
    otherwise the store finds an id `offset` matching entries past a bound: below
    `before_id` (that id is then the block's newest row) or above `after_id` (then it
    is the block's oldest)."""

    block: int
    first: int
    size: int
    newest_id: int | None = None
    oldest_id: int | None = None
    before_id: int | None = None
    after_id: int | None = None
    offset: int = 0


class Positions:
    """What is known about one filter's positions: its extent and some entries' ids."""

    def __init__(self, block_size: int, *, dense: bool) -> None:
        self.block_size = block_size
        # Whether ids without a gap between two known entries mean every id between
        # them is shown (true without a filter).
        self.dense = dense
        self.live = 0  # entries above position 0
        self.count = 0  # positions 0 .. count - 1
        self.newest_bound = 0  # an id above every position's entry
        self._known: dict[int, int] = {}
        self._sorted: list[int] = []

    def start(self, count: int, newest_bound: int) -> None:
        self.count = count
        self.newest_bound = newest_bound

    def know(self, position: int, entry_id: int) -> None:
        if position not in self._known:
            bisect.insort(self._sorted, position)
        self._known[position] = entry_id

    def grow_on_top(self, added: int, newest_bound: int) -> None:
        self.live += added
        self.newest_bound = max(self.newest_bound, newest_bound)

    @property
    def top(self) -> int:
        """The newest position (the first row)."""
        return -self.live

    def blocks(self, first: int, last: int) -> range:
        """The blocks holding positions `first` .. `last` (clipped to the log)."""
        first = max(first, self.top)
        last = min(last, self.count - 1)
        if last < first:
            return range(0)
        return range(first // self.block_size, last // self.block_size + 1)

    def block_span(self, block: int) -> tuple[int, int]:
        """(first position, size) of a block: the first and last may be short."""
        lo = max(block * self.block_size, self.top)
        hi = min((block + 1) * self.block_size, self.count)
        return lo, max(0, hi - lo)

    def plan(self, block: int) -> BlockRead | None:
        lo, size = self.block_span(block)
        if size == 0:
            return None
        hi = lo + size
        above = self._above(lo)
        below = self._below(hi - 1)
        if above is not None and above[0] == lo:
            return BlockRead(block, lo, size, newest_id=above[1])
        if below is not None and below[0] == hi - 1:
            return BlockRead(block, lo, size, oldest_id=below[1])
        if self.dense and above is not None and below is not None:
            (pa, ida), (pb, idb) = above, below
            if ida - idb == pb - pa:
                return BlockRead(block, lo, size, newest_id=ida - (lo - pa))
        # Count from the nearer neighbour; the ends of the log are neighbours too.
        pa, ida = above if above is not None else (self.top - 1, self.newest_bound)
        pb, idb = below if below is not None else (self.count, 0)
        if lo - pa - 1 <= pb - hi:
            return BlockRead(block, lo, size, before_id=ida, offset=lo - pa - 1)
        return BlockRead(block, lo, size, after_id=idb, offset=pb - hi)

    def _above(self, position: int) -> tuple[int, int] | None:
        """The known entry nearest above `position` (or at it)."""
        i = bisect.bisect_right(self._sorted, position)
        if i == 0:
            return None
        p = self._sorted[i - 1]
        return p, self._known[p]

    def _below(self, position: int) -> tuple[int, int] | None:
        """The known entry nearest below `position` (or at it)."""
        i = bisect.bisect_left(self._sorted, position)
        if i == len(self._sorted):
            return None
        p = self._sorted[i]
        return p, self._known[p]
