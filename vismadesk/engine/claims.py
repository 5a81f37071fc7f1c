"""What an export does with each work order it lists: the claim rules, in one place.

Before a document is created, its work order is claimed: in the store (`Store.claim`,
atomic across every console sharing a team store) and visibly in OutSmart (the
in-export work status, so other consoles stop listing it as ready). A run then meets
work orders in three conditions, and this module says what it does with each:

- ready (not claimed): create its document, unless Visma.net has one already;
- claimed by this console (its own journal has the export under way): resume;
- claimed by another console: with a document in Visma.net, finish it (only the
  OutSmart side is left); without one, leave it to that console while its claim is
  fresh, and take it over once the claim is older than the lease (a console that died
  left it). On the profile's own database (not shared) nothing says whether that
  console is alive, so fresh foreign claims without a document mean another console
  is exporting right now: the run then creates nothing new (see `Plan.busy`).

On a team store the store's claims tell live consoles from dead ones, so a foreign
claim without a document is simply tried: `Store.claim` answers.
"""

from __future__ import annotations

import datetime as dt
import socket
from dataclasses import dataclass, field
from enum import Enum

from vismadesk.config import Settings
from vismadesk.domain import JournalEntry, JournalState
from vismadesk.engine.selection import claim_clash, claim_status_of


class Step(Enum):
    CREATE = "create"  # ready: create its document unless Visma.net has it
    RESUME = "resume"  # this console's own claim from an earlier run: create unless there
    FINISH = "finish"  # Visma.net has its document: only the OutSmart side is left
    TAKE_OVER = "take_over"  # another console's claim outlived its lease: look, then create
    LEAVE = "leave"  # another console's fresh claim: leave it to that console


@dataclass(frozen=True, slots=True)
class ClaimedOrder:
    """What the run knows of a work order OutSmart shows in the in-export status."""

    number: str
    has_document: bool
    journal: JournalEntry | None


@dataclass(slots=True)
class Plan:
    steps: dict[str, Step] = field(default_factory=dict)
    # Foreign claims first seen now: the run records the moment in its journal.
    newly_seen: list[str] = field(default_factory=list)
    # When each foreign claim being taken over was first seen.
    seen_since: dict[str, dt.datetime] = field(default_factory=dict)
    shared: bool = False

    @property
    def left(self) -> list[str]:
        return sorted(n for n, s in self.steps.items() if s is Step.LEAVE)

    @property
    def busy(self) -> bool:
        """Another console is exporting right now (only knowable this way when the
        store is not shared): create nothing new."""
        return not self.shared and bool(self.left)


def is_own(journal: JournalEntry | None) -> bool:
    """This console's journal has the export of this work order under way or done."""
    return journal is not None and journal.state in (
        JournalState.CREATING,
        JournalState.CREATED,
        JournalState.DONE,
    )


def decide(
    order: ClaimedOrder, *, shared: bool, now: dt.datetime, lease: dt.timedelta
) -> tuple[Step, dt.datetime | None]:
    """The step for one claimed work order, and (for a foreign claim without a
    document) since when this console has seen it claimed (None: seen just now)."""
    if order.has_document:
        return Step.FINISH, None
    if shared:
        # The store's claim says whether its holder still runs: `Store.claim` decides.
        return Step.TAKE_OVER, None
    journal = order.journal
    if is_own(journal):
        return Step.RESUME, None
    if journal is not None and journal.state is JournalState.CLAIM_SEEN and journal.updated_at:
        seen = journal.updated_at
        return (Step.TAKE_OVER if now - seen >= lease else Step.LEAVE), seen
    return Step.LEAVE, None


def plan(
    claimed: list[ClaimedOrder], *, shared: bool, now: dt.datetime, lease: dt.timedelta
) -> Plan:
    result = Plan(shared=shared)
    for order in claimed:
        step, seen = decide(order, shared=shared, now=now, lease=lease)
        result.steps[order.number] = step
        if step is Step.LEAVE and seen is None:
            result.newly_seen.append(order.number)
        if step is Step.TAKE_OVER and seen is not None:
            result.seen_since[order.number] = seen
    return result


def lease_of(settings: Settings) -> dt.timedelta:
    return dt.timedelta(minutes=settings.claim_lease_minutes)


def console_owner(profile_dir: str) -> str:
    """Who claims: this console (host and profile), not one run of it, so a console
    that restarts resumes its own claims at once while others still respect them."""
    return f"{socket.gethostname()}:{profile_dir}"


__all__ = [
    "ClaimedOrder",
    "Plan",
    "Step",
    "claim_clash",
    "claim_status_of",
    "console_owner",
    "decide",
    "is_own",
    "lease_of",
    "plan",
]
