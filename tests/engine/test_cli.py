"""The headless command line as a scheduled job uses it: env vars, exit codes, output,
the summary file a monitoring tool reads, and the nightly schedule."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from tests.helpers.export_oracle import expected_problems
from vismadesk.cli import main
from vismadesk.config import Settings, load_settings, save_settings
from vismadesk.domain import ExportFormat
from vismadesk.sandbox import Sandbox
from vismadesk.schedule import nightly, parse_time


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(work_orders=40, seed=5) as sb:
        yield sb


@pytest.fixture
def server_profile(sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A server: settings in a profile dir, secrets only in the environment, no keyring."""
    sandbox.reset()
    profile = tmp_path / "profile"
    profile.mkdir()
    settings = Settings(export_format=ExportFormat.SALES_ORDER)
    for key, value in sandbox.settings_overrides().items():
        if key not in ("client_id", "tenant_id"):
            settings.set(key, value)
    save_settings(settings, profile / "settings.json")
    creds = sandbox.credentials
    monkeypatch.setenv("VISMADESK_PROFILE", str(profile))
    monkeypatch.setenv("VISMADESK_CLIENT_ID", creds["client_id"])
    monkeypatch.setenv("VISMADESK_CLIENT_SECRET", creds["client_secret"])
    monkeypatch.setenv("VISMADESK_TENANT_ID", creds["tenant_id"])
    monkeypatch.setenv("VISMADESK_OUTSMART_TOKEN", creds["outsmart_token"])
    monkeypatch.setenv("VISMADESK_OUTSMART_SOFTWARE_TOKEN", creds["outsmart_software_token"])
    keyring.set_keyring(FailKeyring())
    return profile


def _secrets(sandbox: Sandbox) -> list[str]:
    c = sandbox.credentials
    return [c["client_secret"], c["outsmart_token"], c["outsmart_software_token"]]


def test_service_mode_export_needs_no_keyring_and_exits_1_when_some_fail(
    sandbox: Sandbox, server_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    oracle = expected_problems(sandbox.state(), new_material=False, new_relation=False)
    assert any(oracle.values()) and not all(oracle.values())
    assert main(["export"]) == 1
    out = capsys.readouterr().out
    assert "Material " in out or "Relation " in out
    assert "work orders have errors" in out
    for secret in _secrets(sandbox):
        assert secret not in out

    assert main(["log", "--json", "--limit", "1000"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    assert set(lines[0]) == {
        "time",
        "level",
        "action",
        "code",
        "summary",
        "work_order",
        "details",
    }
    dump = json.dumps(lines)
    for secret in _secrets(sandbox):
        assert secret not in dump
    errors = [entry for entry in lines if entry["level"] == "error"]
    assert all(entry["details"].get("hint") for entry in errors)


def test_exit_0_when_all_well_and_exit_2_on_configuration(
    sandbox: Sandbox, server_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    oracle = expected_problems(sandbox.state(), new_material=False, new_relation=False)
    good = sorted(wo for wo, p in oracle.items() if not p)[:3]
    assert main(["export", *good]) == 0
    assert "3 work orders exported" in capsys.readouterr().out

    assert main(["config", "set", "export_format", ""]) == 0
    assert load_settings(server_profile / "settings.json").settings.export_format is None
    assert main(["export"]) == 2
    assert (
        "Please specify whether to send the work order as a sales order or a sales invoice"
        in capsys.readouterr().out
    )


def test_wrong_client_secret_is_a_sign_in_problem(
    server_profile: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("VISMADESK_CLIENT_SECRET", "not-the-secret")
    assert main(["export"]) == 2
    out = capsys.readouterr().out
    assert "not-the-secret" not in out


def test_sync_then_nothing_to_import_and_reset(
    sandbox: Sandbox, server_profile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sync", "all"]) == 0
    out = capsys.readouterr().out
    assert "relations imported" in out and "materials imported" in out
    assert main(["sync", "relations"]) == 0
    assert "Niks te importeren/exporteren" in capsys.readouterr().out

    oracle = expected_problems(sandbox.state(), new_material=False, new_relation=False)
    failing = sorted(wo for wo, p in oracle.items() if p)[:2]
    assert main(["export"]) == 1
    capsys.readouterr()
    assert main(["reset", *failing]) == 0
    out = capsys.readouterr().out
    for wo in failing:
        assert f"Work order {wo} reset to work status" in out


def test_service_login_asks_for_the_client_secret_once_and_keeps_it_in_the_keyring(
    sandbox: Sandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    memory_keyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = tmp_path / "desk"
    profile.mkdir()
    settings = Settings(export_format=ExportFormat.SALES_INVOICE)
    for key, value in sandbox.settings_overrides().items():
        settings.set(key, value)
    save_settings(settings, profile / "settings.json")
    secret = sandbox.credentials["client_secret"]
    asked: list[str] = []

    def fake_getpass(prompt: str) -> str:
        asked.append(prompt)
        return secret

    monkeypatch.setattr("getpass.getpass", fake_getpass)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    assert main(["login", "--service", "--profile", str(profile)]) == 0
    assert memory_keyring.entries("vismadesk")["visma_client_secret"] == secret
    out = capsys.readouterr().out
    assert "Signed in to VISMA.net" in out and secret not in out
    # Next time it is in the keyring: no question.
    assert main(["login", "--service", "--profile", str(profile)]) == 0
    assert len(asked) == 1


def test_a_scheduled_run_leaves_a_diagnostic_log_without_secrets(
    sandbox: Sandbox, server_profile: Path
) -> None:
    assert main(["export"]) == 1
    text = (server_profile / "logs" / "vismadesk.log").read_text(encoding="utf-8")
    assert "work orders have errors" in text
    assert "not found in VISMA.net" in text
    for secret in _secrets(sandbox):
        assert secret not in text


def test_a_demo_export_on_the_command_line_sends_sales_invoices_to_the_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "--demo"]) == 1  # the demo data has a few of each page error
    out = capsys.readouterr().out
    assert "Demo: work orders are sent as sales invoices." in out
    assert "exported as sales invoice" in out
    assert "work orders have errors" in out


# --- runs nobody watches: the summary file, and the nightly schedule (issue #17) ----------


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
