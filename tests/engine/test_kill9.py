"""kill -9 a headless export at random points; restart; no duplicate, nothing lost.

The export runs as a real `vismadesk export` process in service mode with only
environment variables (no keyring on this machine), against a sandbox in this
process. Each round kills it once a random number of documents has been created.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.consoles import env_for, wait_until
from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk.config import Settings, save_settings
from vismadesk.domain import ExportFormat
from vismadesk.sandbox import Sandbox

ROUNDS = 10


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(work_orders=120, seed=11, latency_ms=3) as sb:
        yield sb


def _documents_created(sb: Sandbox) -> int:
    return sum(
        n
        for key, n in sb.request_counts().items()
        if key.startswith(("erp POST /v2/customerinvoice", "salesorders POST"))
    )


@pytest.mark.slow
def test_kill_9_at_random_points_loses_and_duplicates_nothing(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    profile = tmp_path / "profile"
    profile.mkdir()
    settings = Settings(export_format=ExportFormat.SALES_INVOICE, concurrency=4)
    for key, value in sandbox.settings_overrides().items():
        settings.set(key, value)
    save_settings(settings, profile / "settings.json")
    env = env_for(sandbox, profile)
    oracle = expected_problems(sandbox.state(), new_material=False, new_relation=False)
    exportable = {wo for wo, p in oracle.items() if not p}
    rng = random.Random(2026)
    cmd = [sys.executable, "-m", "vismadesk.cli", "export"]

    kills = 0
    for _ in range(ROUNDS):
        start = _documents_created(sandbox)
        remaining = len(exportable) - sum(
            1 for wo, n in documents_by_reference(sandbox.state()).items() if wo in exportable
        )
        if remaining <= 1:
            break
        target = start + rng.randint(1, max(1, min(remaining - 1, 8)))
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def far_enough(t: int = target, p: subprocess.Popen[bytes] = proc) -> bool:
            return _documents_created(sandbox) >= t or p.poll() is not None

        reached = wait_until(far_enough)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
        assert reached
        counts = documents_by_reference(sandbox.state())
        assert all(n == 1 for n in counts.values()), "a work order reached Visma.net twice"

    assert kills == ROUNDS
    final = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert final.returncode == 1, final.stderr  # some work orders fail by design
    state = sandbox.state()
    counts = documents_by_reference(state)
    assert {wo for wo, n in counts.items() if n} == exportable
    assert all(n == 1 for n in counts.values())
    statuses = {w["WorkorderNo"]: w for w in state["work_orders"]}
    for wo, problems in oracle.items():
        if problems:
            assert statuses[wo]["WorkStatus"] == "99", wo
        else:
            assert statuses[wo]["status"] == "Afgehandeld", wo


@pytest.mark.slow
def test_kill_9_twenty_times_on_a_lossy_slow_network_then_one_clean_run(tmp_path: Path) -> None:
    """Eight at a time, 50 ms a request, one create answer in five lost; killed at any
    request (a claim, a create, a "mark handled", a listing), twenty times."""
    from tests.engine.consoles import Console, count, make_profile, oracle_of, wait_until

    with Sandbox(work_orders=120, seed=13, latency_ms=50, lost_response_rate=0.2) as sb:
        profile = make_profile(sb, tmp_path / "profile", concurrency=8)
        oracle = oracle_of(sb)
        rng = random.Random(912)

        def requests() -> int:
            return sum(n for k, n in sb.request_counts().items() if not k.startswith("visma_"))

        kills = 0
        for _ in range(20):
            target = requests() + rng.randint(3, 30)
            console = Console.start(sb, profile)

            def far_enough(t: int = target, c: Console = console) -> bool:
                return requests() >= t or c.proc.poll() is not None

            reached = wait_until(far_enough)
            assert reached
            if console.proc.poll() is None:
                kills += 1
            console.kill()
            assert count(sb, oracle).twice == {}, "a work order reached Visma.net twice"
        assert kills >= 15  # most rounds were cut short (a run may end before its target)

        sb.faults(lost_response_rate=0.0, latency_ms=0)
        final = Console.start(sb, profile)
        # 1: the failures the demo data plants (0 when the rounds already parked them).
        assert final.wait() in (0, 1), final.output
        outcome = count(sb, oracle)
        assert outcome.twice == {}
        assert outcome.lost == set()
        assert outcome.wrongly_failed == set()
        rows = {w["WorkorderNo"]: w for w in sb.state()["work_orders"]}
        for wo, problems in oracle.items():
            if problems:
                assert rows[wo]["WorkStatus"] == "99", wo
