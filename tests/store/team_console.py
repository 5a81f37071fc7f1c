"""One console of a simulated team, for test_team_race.py: exports work orders through
the team store's claims and journal into a stand-in ERP table, as the engine does.

    python -m tests.store.team_console STORE_URL ERP_URL CONSOLE WORK_ORDERS LEASE_S

Per work order: skip it when the journal says done; claim it (another console's live
claim: leave it for now); a journal left at `creating` by a console that died means
the document may exist, so look it up first (the engine's lookup); otherwise record
`creating`, create the document, record `done`, release the claim. Passes repeat until
every work order is done (claims of a dead console lapse by their lease). Prints one
JSON line with what this console did.
"""

from __future__ import annotations

import json
import random
import sys
import time

import psycopg

from vismadesk.domain import Action, JournalState
from vismadesk.store.postgres import PgStore

DEADLINE_S = 240


def export_one(store: PgStore, erp: psycopg.Connection, wo: str, run_id: str, lease: float) -> str:
    j = store.journal_get(wo)
    if j is not None and j.state is JournalState.DONE:
        return "done already"
    if not store.claim(wo, run_id, lease):
        return "claimed by another"
    try:
        j = store.journal_get(wo)  # again, now that it is ours
        if j is not None and j.state is JournalState.DONE:
            return "done already"
        if j is not None and j.state is JournalState.CREATING:
            found = erp.execute(
                "SELECT number FROM erp_documents WHERE work_order = %s", (wo,)
            ).fetchone()
            if found:
                store.journal_record(wo, JournalState.DONE, doc_number=str(found[0]))
                return "found by lookup"
        store.journal_record(wo, JournalState.CREATING, run_id=run_id, new_attempt=True)
        number = erp.execute(
            "INSERT INTO erp_documents (work_order, run_id) VALUES (%s, %s) RETURNING number",
            (wo, run_id),
        ).fetchone()
        assert number is not None
        store.journal_record(wo, JournalState.DONE, doc_number=str(number[0]))
        return "created"
    finally:
        store.release_claim(wo, run_id)


def main(argv: list[str]) -> int:
    store_url, erp_url, console, count, lease = argv
    run_id = f"console-{console}"
    orders = [f"WO-{i:04d}" for i in range(int(count))]
    random.Random(console).shuffle(orders)
    done: dict[str, int] = {}
    deadline = time.monotonic() + DEADLINE_S
    with (
        PgStore(store_url, profile=f"/profiles/{console}", pool_size=2) as store,
        psycopg.connect(erp_url, autocommit=True) as erp,
        store.hold_run(Action.EXPORT),
    ):
        print(json.dumps({"console": console, "started": True}), flush=True)
        remaining = orders
        while remaining and time.monotonic() < deadline:
            left = []
            for wo in remaining:
                outcome = export_one(store, erp, wo, run_id, float(lease))
                done[outcome] = done.get(outcome, 0) + 1
                if outcome == "claimed by another":
                    left.append(wo)
            remaining = left
            if remaining:
                time.sleep(0.1)  # the other console's lease runs: look again shortly
    print(json.dumps({"console": console, "outcomes": done, "left": len(remaining)}))
    return 0 if not remaining else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
