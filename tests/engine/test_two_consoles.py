"""Exactly once beyond one process (#12), tried as an office uses vismadesk: a scheduled
export beside the window's, two planners on two PCs, a lost database. Every case runs
real `vismadesk export` processes against one sandbox and counts, in the sandbox's own
state, the documents each work order got in Visma.net."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.consoles import (
    Console,
    count,
    documents_created,
    holds_profile,
    log_entries,
    make_profile,
    oracle_of,
    wait_until,
)
from vismadesk import messages
from vismadesk.sandbox import Sandbox

pytestmark = pytest.mark.slow

WORK_ORDERS = 200


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(work_orders=WORK_ORDERS, seed=12, latency_ms=30) as sb:
        yield sb


def test_two_exports_on_one_profile_at_once_one_runs_the_other_says_so(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    profile = make_profile(sandbox, tmp_path / "office")
    oracle = oracle_of(sandbox)
    first, second = Console.start(sandbox, profile), Console.start(sandbox, profile)
    codes = sorted([first.wait(), second.wait()])

    assert codes == [1, 2]  # some work orders fail by design; the other run was refused
    refused = next(c for c in (first, second) if c.proc.returncode == 2)
    assert "is already running on this profile since" in refused.output
    assert f"(process {(first if refused is second else second).proc.pid} on " in refused.output
    outcome = count(sandbox, oracle)
    assert outcome.twice == {} and outcome.lost == set() and outcome.wrongly_failed == set()


def test_with_wait_the_second_export_runs_when_the_first_has_ended(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    profile = make_profile(sandbox, tmp_path / "office")
    oracle = oracle_of(sandbox)
    first = Console.start(sandbox, profile)
    assert wait_until(lambda: holds_profile(profile))
    second = Console.start(sandbox, profile, "--wait", "300")

    assert first.wait() == 1
    assert second.wait() == 0
    assert "already running" not in second.output
    assert "Niks te importeren/exporteren" in second.output  # the first sent everything
    outcome = count(sandbox, oracle)
    assert outcome.twice == {} and outcome.lost == set() and outcome.wrongly_failed == set()


def test_two_profiles_the_second_starting_while_the_first_exports(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    oracle = oracle_of(sandbox)
    pc1 = make_profile(sandbox, tmp_path / "pc1")
    pc2 = make_profile(sandbox, tmp_path / "pc2")
    first = Console.start(sandbox, pc1)
    # The "1.5 s later": by then the first has listed, read and begun creating.
    assert wait_until(lambda: documents_created(sandbox) >= 10)
    second = Console.start(sandbox, pc2)
    codes = [first.wait(), second.wait()]

    assert codes[0] == 1
    outcome = count(sandbox, oracle)
    assert outcome.twice == {}, "a work order reached Visma.net twice"
    assert outcome.lost == set() and outcome.wrongly_failed == set()
    if codes[1] == 2:
        # The second saw the first's claims and stood back, naming them.
        (warning,) = log_entries(pc2, messages.OTHER_CONSOLE_EXPORTING.code)
        assert warning.details["work_orders"]


@pytest.mark.parametrize("claims", ["in OutSmart", "unknown to OutSmart"])
def test_two_profiles_at_the_same_moment_every_duplicate_is_named(
    sandbox: Sandbox, tmp_path: Path, claims: str
) -> None:
    # New material and New relation on: both create the same customers and items,
    # and one of them meets "already exists" each time.
    settings: dict[str, object] = {"new_material": True, "new_relation": True}
    if claims == "unknown to OutSmart":
        settings["export_claim_status"] = "97"  # not a work status OutSmart has
    oracle = oracle_of(sandbox, new_material=True, new_relation=True)
    pcs = [make_profile(sandbox, tmp_path / f"pc{i}", **settings) for i in (1, 2)]
    consoles = [Console.start(sandbox, pc) for pc in pcs]
    for c in consoles:
        c.wait()

    outcome = count(sandbox, oracle)
    assert outcome.lost == set()
    assert outcome.wrongly_failed == set(), "an exported work order got the error status"
    named: dict[str, list] = {}
    for pc in pcs:
        for e in log_entries(pc, messages.DUPLICATE_DOCUMENTS.code):
            named.setdefault(e.work_order, []).append(e)
    state = sandbox.state()
    for wo, n in outcome.twice.items():
        numbers = sorted(
            (i["referenceNumber"] for i in state["invoices"] if i["customerRefNumber"] == wo),
            key=lambda x: (len(x), x),
        )
        assert wo in named, f"work order {wo} is in Visma.net {n} times, and no log says so"
        entry = named[wo][-1]
        assert entry.details["documents"] == numbers
        assert entry.details["keep"] == numbers[0]
        assert entry.details["delete"] == numbers[1:]
        assert all(number in entry.summary for number in numbers)
    assert set(named) == set(outcome.twice)
    if claims == "in OutSmart":
        assert outcome.twice == {}
    else:
        assert outcome.twice, "without claims the two should have met; this proves nothing"
        assert "OutSmart does not know the in-export work status 97" in consoles[0].output


@pytest.mark.parametrize("claims", ["in OutSmart", "unknown to OutSmart"])
def test_mark_handled_failing_then_the_database_lost_sends_nothing_twice(
    sandbox: Sandbox, tmp_path: Path, claims: str
) -> None:
    settings: dict[str, object] = {"concurrency": 8}
    if claims == "unknown to OutSmart":
        settings["export_claim_status"] = "97"
    profile = make_profile(sandbox, tmp_path / "pc", **settings)
    oracle = oracle_of(sandbox)
    exportable = {wo for wo, p in oracle.items() if not p}
    sandbox.faults(error_rate=1.0, service="outsmart", match="update_status=true")
    first = Console.start(sandbox, profile)
    assert first.wait() == 1
    assert set(count(sandbox, oracle).docs) >= exportable  # in Visma.net, not marked

    # A new PC, a deleted folder: the journal is gone.
    for suffix in ("", "-wal", "-shm"):
        (profile / f"vismadesk.sqlite3{suffix}").unlink(missing_ok=True)
    sandbox.faults(error_rate=0.0, service="outsmart", match="update_status=true")
    posts = documents_created(sandbox)
    again = Console.start(sandbox, profile)
    assert again.wait() == 0, again.output

    assert documents_created(sandbox) == posts, "a document was created again"
    outcome = count(sandbox, oracle)
    assert outcome.twice == {} and outcome.lost == set() and outcome.wrongly_failed == set()
    finished = log_entries(profile, messages.WORK_ORDER_ALREADY_EXPORTED.code)
    assert {e.work_order for e in finished} == exportable
