"""The headless command line as a scheduled job uses it: env vars, exit codes, output."""

from __future__ import annotations

import json
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
    assert "exported as customer invoice" in out
    assert "work orders have errors" in out
