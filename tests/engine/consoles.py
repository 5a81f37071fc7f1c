"""Real `vismadesk export` processes against one sandbox, as an office runs them: a
scheduled job beside the window, two planners on two PCs (two profiles).

Each process runs in service mode with only environment variables (no keyring),
like the kill -9 test. What Visma.net ends up holding is counted in the sandbox's
own state: documents per work order, and what OutSmart says of each work order.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.export_oracle import documents_by_reference, expected_problems
from vismadesk.config import Settings, save_settings
from vismadesk.domain import ExportFormat
from vismadesk.sandbox import Sandbox
from vismadesk.store import Store

EXPORT = [sys.executable, "-m", "vismadesk.cli", "export"]


def make_profile(sb: Sandbox, folder: Path, **settings: Any) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    s = Settings(export_format=ExportFormat.SALES_INVOICE)
    for key, value in sb.settings_overrides().items():
        s.set(key, value)
    for key, value in settings.items():
        s.set(key, value)
    save_settings(s, folder / "settings.json")
    return folder


def env_for(sb: Sandbox, profile: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    creds = sb.credentials
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISMADESK_")}
    env.update(
        VISMADESK_PROFILE=str(profile),
        VISMADESK_CLIENT_ID=creds["client_id"],
        VISMADESK_CLIENT_SECRET=creds["client_secret"],
        VISMADESK_TENANT_ID=creds["tenant_id"],
        VISMADESK_OUTSMART_TOKEN=creds["outsmart_token"],
        VISMADESK_OUTSMART_SOFTWARE_TOKEN=creds["outsmart_software_token"],
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra or {})
    return env


@dataclass
class Console:
    """One export process; its output goes to a file (a full pipe would block it)."""

    proc: subprocess.Popen[bytes]
    out_path: Path
    profile: Path

    @classmethod
    def start(
        cls, sb: Sandbox, profile: Path, *args: str, env: Mapping[str, str] | None = None
    ) -> Console:
        out_path = profile / f"out-{time.monotonic_ns()}.txt"
        with out_path.open("wb") as out:
            proc = subprocess.Popen(
                [*EXPORT, *args],
                env=env_for(sb, profile, env),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return cls(proc, out_path, profile)

    def wait(self, timeout: float = 300) -> int:
        return self.proc.wait(timeout=timeout)

    @property
    def output(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


def wait_until(
    condition: Callable[[], bool], timeout: float = 120.0, every_s: float = 0.005
) -> bool:
    """Poll a condition (the sandbox's counts, a lock): never a fixed wait for work."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every_s)
    return condition()


def holds_profile(profile: Path) -> bool:
    with Store(profile / "vismadesk.sqlite3") as store:
        return store.run_holder() is not None


def documents_created(sb: Sandbox) -> int:
    return sum(
        n
        for key, n in sb.request_counts().items()
        if key.startswith(("erp POST /v2/customerinvoice", "salesorders POST"))
    )


def log_entries(profile: Path, code: str) -> list[Any]:
    with Store(profile / "vismadesk.sqlite3") as store:
        return [e for e in store.log_page(limit=100_000) if e.code == code]


@dataclass
class Outcome:
    twice: dict[str, int]  # work order -> documents, where more than one
    lost: set[str]  # exportable work orders without a document or not handled
    wrongly_failed: set[str]  # exportable work orders given the error status
    docs: dict[str, int]


def count(sb: Sandbox, oracle: dict[str, set], error_status: str = "99") -> Outcome:
    state = sb.state()
    docs = documents_by_reference(state)
    rows = {w["WorkorderNo"]: w for w in state["work_orders"]}
    exportable = {wo for wo, problems in oracle.items() if not problems}
    lost = {wo for wo in exportable if docs.get(wo, 0) == 0 or rows[wo]["status"] != "Afgehandeld"}
    failed = {wo for wo in exportable if rows[wo]["WorkStatus"] == error_status}
    return Outcome({wo: n for wo, n in docs.items() if n > 1}, lost, failed, docs)


def oracle_of(sb: Sandbox, *, new_material: bool = False, new_relation: bool = False) -> dict:
    return expected_problems(sb.state(), new_material=new_material, new_relation=new_relation)
