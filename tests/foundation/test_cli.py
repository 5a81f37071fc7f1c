"""The small commands: --version, config get|set, log."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.foundation.test_settings import NON_DEFAULT
from vismadesk import __version__
from vismadesk.cli import main
from vismadesk.config import SETTING_KEYS, Settings, load_settings
from vismadesk.domain import Action, ExitCode, Level, LogEntry
from vismadesk.profile import Profile
from vismadesk.store import Store

REPO = Path(__file__).resolve().parents[2]


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        check=False,
    )


# --- --version ------------------------------------------------------------------------


def test_version_via_main(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"vismadesk {__version__}"


def test_version_as_a_module_and_as_the_console_script() -> None:
    module = _run(sys.executable, "-m", "vismadesk.cli", "--version")
    assert (module.returncode, module.stdout.strip()) == (0, f"vismadesk {__version__}")

    bindir = Path(sys.executable).parent
    script = bindir / ("vismadesk.exe" if os.name == "nt" else "vismadesk")
    assert script.exists(), "the project is installed with its `vismadesk` entry point"
    console = _run(str(script), "--version")
    assert (console.returncode, console.stdout.strip()) == (0, f"vismadesk {__version__}")


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import version

    assert version("vismadesk") == __version__


# --- config ---------------------------------------------------------------------------


def test_config_get_prints_every_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "get"]) == ExitCode.OK
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(" = ", 1)[0] for line in lines] == list(SETTING_KEYS)
    shown = dict(line.split(" = ", 1) for line in lines)
    assert shown["export_format"] == ""
    assert shown["error_status"] == "99"
    assert shown["order_type"] == "SO"
    assert shown["offline_access"] == "true"


@pytest.mark.parametrize("key", SETTING_KEYS)
def test_config_set_persists_and_get_reads_it_back(
    key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text, value = NON_DEFAULT[key]
    assert main(["config", "set", key, text]) == ExitCode.OK
    settings_path = Profile.platform_default().settings_path
    assert load_settings(settings_path).settings.get(key) == value
    capsys.readouterr()

    assert main(["config", "get", key]) == ExitCode.OK
    shown = capsys.readouterr().out.strip()
    expected = getattr(value, "value", value)
    assert shown == (str(expected).lower() if isinstance(expected, bool) else str(expected))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("concurrency", "lots"),
        ("hour_rounding", "7"),
        ("export_format", "fax"),
        ("language", "xx"),
        ("colour", "x"),
    ],
)
def test_config_set_with_a_bad_value_exits_2_naming_the_key_and_changes_nothing(
    key: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "set", "concurrency", "6"]) == ExitCode.OK
    settings_path = Profile.platform_default().settings_path
    before = settings_path.read_bytes()
    capsys.readouterr()

    assert main(["config", "set", key, value]) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert err.startswith(f"error: {key}: ")
    assert settings_path.read_bytes() == before


def test_config_get_of_an_unknown_key_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "get", "colour"]) == ExitCode.CONFIG
    assert "colour" in capsys.readouterr().err


def test_config_with_a_corrupt_file_warns_and_carries_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = Profile.platform_default().ensure()
    profile.settings_path.write_text("{broken", encoding="utf-8")
    assert main(["config", "get", "order_type"]) == ExitCode.OK
    out = capsys.readouterr()
    assert out.out.strip() == "SO"
    assert out.err.startswith("warning: The settings file")
    assert list(profile.config_dir.glob("settings.json.broken-*"))


@pytest.mark.parametrize(
    "argv",
    [
        ["--profile", "{dir}", "config", "set", "order_type", "SI"],
        ["config", "--profile", "{dir}", "set", "order_type", "SI"],
    ],
    ids=["before-the-command", "after-the-command"],
)
def test_profile_option_keeps_everything_in_that_folder(tmp_path: Path, argv: list[str]) -> None:
    folder = tmp_path / "office"
    assert main([a.replace("{dir}", str(folder)) for a in argv]) == ExitCode.OK
    assert load_settings(folder / "settings.json").settings.order_type == "SI"
    # The user's real settings are not touched.
    assert not Profile.platform_default().settings_path.exists()


def test_profile_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISMADESK_PROFILE", str(tmp_path / "b"))
    assert main(["config", "set", "order_type", "ZZ"]) == ExitCode.OK
    assert load_settings(tmp_path / "b" / "settings.json").settings.order_type == "ZZ"
    assert main(["--profile", str(tmp_path / "c"), "config", "set", "order_type", "SI"]) == 0
    assert load_settings(tmp_path / "c" / "settings.json").settings.order_type == "SI"
    assert load_settings(tmp_path / "b" / "settings.json").settings.order_type == "ZZ"
    assert not Profile.platform_default().settings_path.exists()


def test_config_from_a_separate_process(tmp_path: Path) -> None:
    env = {"VISMADESK_PROFILE": str(tmp_path / "p")}
    cli = (sys.executable, "-m", "vismadesk.cli")
    assert _run(*cli, "config", "set", "new_relation", "on", env=env).returncode == 0
    got = _run(*cli, "config", "get", "new_relation", env=env)
    assert (got.returncode, got.stdout.strip()) == (0, "true")
    bad = _run(*cli, "config", "set", "concurrency", "0", env=env)
    assert bad.returncode == 2
    assert "concurrency" in bad.stderr
    assert load_settings(tmp_path / "p" / "settings.json").settings.concurrency == (
        Settings().concurrency
    )


# --- log ------------------------------------------------------------------------------


def _fill_log() -> list[LogEntry]:
    t0 = dt.datetime(2024, 6, 3, 7, 0, tzinfo=dt.UTC)
    entries = [
        LogEntry(Action.EXPORT, Level.INFO, "Export started", time=t0),
        LogEntry(
            Action.EXPORT,
            Level.ERROR,
            "Material M-1 on work order WO-1 not found in VISMA.net",
            details={"hint": "Turn on New material", "line": 2},
            work_order="WO-1",
            time=t0 + dt.timedelta(seconds=1),
        ),
        LogEntry(
            Action.EXPORT,
            Level.SUCCESS,
            "Work order WO-2 exported as sales order SO 000223",
            work_order="WO-2",
            time=t0 + dt.timedelta(seconds=2),
        ),
        LogEntry(
            Action.AUTH,
            Level.ERROR,
            "API token invalid. Please reauthenticate",
            time=t0 + dt.timedelta(seconds=3),
        ),
        LogEntry(
            Action.IMPORT,
            Level.SUCCESS,
            "Niks te importeren/exporteren",
            time=t0 + dt.timedelta(seconds=4),
        ),
    ]
    with Store(Profile.resolve().ensure().db_path) as store:
        return store.add_logs(entries)


def _json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_log_json_shape_newest_first(capsys: pytest.CaptureFixture[str]) -> None:
    _fill_log()
    assert main(["log", "--json"]) == ExitCode.OK
    lines = _json_lines(capsys)
    assert len(lines) == 5
    for line in lines:
        assert set(line) == {"time", "level", "action", "code", "summary", "work_order", "details"}
    assert lines[0] == {
        "time": "2024-06-03T07:00:04+00:00",
        "level": "success",
        "action": "import",
        "code": None,
        "summary": "Niks te importeren/exporteren",
        "work_order": None,
        "details": {},
    }
    assert lines[3]["work_order"] == "WO-1"
    assert lines[3]["details"] == {"hint": "Turn on New material", "line": 2}
    assert [line["time"] for line in lines] == sorted((x["time"] for x in lines), reverse=True)


def test_log_errors_and_limit(capsys: pytest.CaptureFixture[str]) -> None:
    _fill_log()
    assert main(["log", "--json", "--errors"]) == ExitCode.OK
    assert [x["summary"] for x in _json_lines(capsys)] == [
        "API token invalid. Please reauthenticate",
        "Material M-1 on work order WO-1 not found in VISMA.net",
    ]
    assert main(["log", "--json", "--limit", "2"]) == ExitCode.OK
    assert [x["summary"] for x in _json_lines(capsys)] == [
        "Niks te importeren/exporteren",
        "API token invalid. Please reauthenticate",
    ]
    assert main(["log", "--errors", "--limit", "1"]) == ExitCode.OK
    text = capsys.readouterr().out.splitlines()
    assert len(text) == 1
    assert "error" in text[0] and "auth" in text[0]
    assert text[0].endswith("API token invalid. Please reauthenticate")


def test_log_on_a_fresh_profile_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["log"]) == ExitCode.OK
    assert capsys.readouterr().out == ""


def test_a_bad_limit_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["log", "--limit", "many"])
    assert info.value.code == 2
    assert "--limit" in capsys.readouterr().err


@pytest.mark.parametrize("where", ["before", "after"])
def test_log_reads_the_profile_it_is_given(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "office"
    with Store(Profile.in_directory(folder).ensure().db_path) as store:
        store.add_log(LogEntry(Action.EXPORT, Level.INFO, "only in the office profile"))
    _fill_log()  # the default profile has other entries
    opt = ["--profile", str(folder)]
    argv = [*opt, "log", "--json"] if where == "before" else ["log", *opt, "--json"]
    assert main(argv) == ExitCode.OK
    assert [x["summary"] for x in _json_lines(capsys)] == ["only in the office profile"]


def test_demo_config_never_touches_the_users_own_settings(
    platform_dirs, capsys: pytest.CaptureFixture[str]
) -> None:
    from vismadesk.cli import main
    from vismadesk.profile import Profile

    real = Profile.platform_default().settings_path
    assert main(["--demo", "config", "set", "new_material", "true"]) == 0
    assert not real.exists()
    assert main(["config", "get", "new_material"]) == 0
    assert capsys.readouterr().out.strip().endswith("false")


# --- bad --profile and damaged settings -------------------------------------------------


def test_a_settings_file_nested_200000_deep_starts_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_bytes(b"[" * 200_000 + b"]" * 200_000)
    done = _run(sys.executable, "-m", "vismadesk.cli", "--profile", str(tmp_path), "config", "get")
    assert done.returncode == ExitCode.OK, done.stderr
    assert "Traceback" not in done.stderr
    assert "moved aside" in done.stdout + done.stderr
    assert list(tmp_path.glob("settings.json.broken-*"))


@pytest.mark.parametrize("where", ["before", "after"])
def test_an_empty_profile_is_refused_not_taken_for_the_real_one(
    where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--profile", "", "log"] if where == "before" else ["log", "--profile", ""]
    assert main(argv) == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert "--profile was given an empty folder name" in err
    # Nothing was created in the real (here: the test's platform) profile.
    assert not Profile.platform_default().db_path.exists()


def test_a_profile_under_a_file_is_refused_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    done = _run(sys.executable, "-m", "vismadesk.cli", "--profile", str(blocker / "office"), "log")
    assert done.returncode == ExitCode.CONFIG
    assert "Traceback" not in done.stderr
    assert f"{blocker} is a file, not a folder" in done.stderr
    assert "--profile" in done.stderr


# --- control characters in data ---------------------------------------------------------

NASTY_CODE = "C1\x1b[2J\x1b[31mPAID\r\n2024-06-03 09:00:00  success  Export  All fine\u202e"


def _nasty_entry() -> LogEntry:
    from vismadesk import messages

    return LogEntry(
        Action.EXPORT,
        Level.ERROR,
        messages.MATERIAL_NOT_IN_VISMA.render(material=NASTY_CODE, work_order="WO-9"),
        {"hint": messages.MATERIAL_NOT_IN_VISMA.hint},
        work_order="WO-9",
        code=messages.MATERIAL_NOT_IN_VISMA.code,
        params={"material": NASTY_CODE, "work_order": "WO-9"},
    )


def _assert_inert(text: str) -> None:
    for ch in ("\x1b", "\r", "\u202e"):
        assert ch not in text
    assert "\\x1b[2J" in text and "\\r\\n" in text


def test_vismadesk_log_escapes_control_characters_in_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Store(Profile.resolve().ensure().db_path) as store:
        store.add_log(_nasty_entry())
    assert main(["log"]) == ExitCode.OK
    out = capsys.readouterr().out
    _assert_inert(out)
    # One entry, one line: the newline in the code did not fake a second one.
    assert len(out.splitlines()) == 1
    # --json keeps the code exactly (escaped by JSON itself).
    assert main(["log", "--json"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["summary"].count(NASTY_CODE) == 1


def test_the_run_console_escapes_control_characters_in_codes() -> None:
    import io

    from vismadesk.cli.console import Console

    out = io.StringIO()
    Console(out).log(_nasty_entry())
    text = out.getvalue()
    _assert_inert(text)
    lines = text.splitlines()
    # The entry and its "fix:" line, nothing more.
    assert len(lines) == 2 and lines[1].strip().startswith("fix:")
