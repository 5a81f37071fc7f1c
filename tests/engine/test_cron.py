"""Runs nobody watches: `vismadesk export --summary-json PATH` leaves a file a monitoring
tool reads (counts, exit code, start and end, errors), whatever the ending; and
`vismadesk schedule` prints the line that runs it every night."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from tests.engine.test_cli import sandbox, server_profile  # noqa: F401 (fixtures)
from tests.helpers.export_oracle import expected_problems
from vismadesk.cli import main
from vismadesk.config import load_settings, save_settings
from vismadesk.sandbox import Sandbox
from vismadesk.schedule import nightly, parse_time


def test_the_summary_says_what_the_run_did(
    sandbox: Sandbox, server_profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    oracle = expected_problems(sandbox.state(), new_material=False, new_relation=False)
    good = sum(1 for p in oracle.values() if not p)
    path = tmp_path / "monitor" / "last-export.json"
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    assert main(["export", "--summary-json", str(path)]) == 1
    capsys.readouterr()
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert summary["command"] == "export"
    assert (summary["exit_code"], summary["result"]) == (1, "some_failed")
    assert summary["total"] == len(oracle)
    assert (summary["exported"], summary["failed"]) == (good, len(oracle) - good)
    assert (summary["skipped"], summary["not_started"], summary["cancelled"]) == (0, 0, False)
    started = dt.datetime.fromisoformat(summary["started"])
    ended = dt.datetime.fromisoformat(summary["ended"])
    assert before <= started <= ended
    failed = {n for n, p in oracle.items() if p}
    assert {e["work_order"] for e in summary["errors"] if e["work_order"]} == failed
    first = summary["errors"][0]
    assert set(first) == {"time", "code", "work_order", "message"} and first["message"]
    for secret in (sandbox.credentials["client_secret"], sandbox.credentials["outsmart_token"]):
        assert secret not in path.read_text(encoding="utf-8")
    # Nothing left behind but the summary itself (written through a temporary file).
    assert [p.name for p in path.parent.iterdir()] == ["last-export.json"]

    # Run again: nothing left to do, exit 0, the file replaced.
    assert main(["export", "--summary-json", str(path)]) == 0
    again = json.loads(path.read_text(encoding="utf-8"))
    assert (again["exit_code"], again["result"], again["exported"], again["errors"]) == (
        0,
        "ok",
        0,
        [],
    )


def test_a_run_that_cannot_start_still_leaves_a_summary(
    server_profile: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = load_settings(server_profile / "settings.json").settings
    settings.export_format = None  # "Please specify ..." and exit 2
    save_settings(settings, server_profile / "settings.json")
    path = tmp_path / "s.json"
    assert main(["export", "--summary-json", str(path)]) == 2
    capsys.readouterr()
    summary = json.loads(path.read_text(encoding="utf-8"))
    assert (summary["exit_code"], summary["result"], summary["exported"]) == (2, "config", 0)
    assert [e["code"] for e in summary["errors"]] == ["export_format_missing"]


def test_schedule_prints_the_cron_line_for_this_profile(
    server_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", "--at", "03:15"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Add this line with `crontab -e` to export every night:"
    line = out[1]
    assert line.startswith("15 3 * * * ")
    # The profile the variable chose is named: cron starts without the user's variables.
    assert f"export --profile {server_profile.resolve()} --summary-json " in line
    assert line.endswith(" 2>&1")
    assert str(server_profile / "logs" / "last-export.json") in out[2]


def test_schedule_refuses_what_it_cannot_do(
    server_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schedule", "--at", "25:00"]) == 2
    assert "expected a time such as 02:30" in capsys.readouterr().err
    if os.name != "nt":
        assert main(["schedule", "--create"]) == 2
        assert "--create is for Windows" in capsys.readouterr().err


def test_the_windows_command_creates_a_daily_task() -> None:
    s = nightly(
        parse_time("2:05"),
        profile_dir=Path("C:/Users/planner/vismadesk profile"),
        summary_path=Path("C:/logs/last-export.json"),
        log_path=Path("C:/logs/x.log"),
        windows=True,
        exe=["C:\\Program Files\\vismadesk\\vismadesk.exe"],
    )
    assert s.line.startswith('schtasks /Create /SC DAILY /ST 02:05 /TN "vismadesk nightly export"')
    assert s.line.endswith(" /F")
    task = s.create_args[s.create_args.index("/TR") + 1]
    assert task.startswith('"C:\\Program Files\\vismadesk\\vismadesk.exe" export --profile ')
    assert "--summary-json" in task
