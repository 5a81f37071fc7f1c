"""`vismadesk store migrate|check|copy|password`, and the other commands on a team store."""

from __future__ import annotations

import datetime as dt
import io
import socket
from pathlib import Path

import pytest

from vismadesk.cli import main
from vismadesk.domain import Action, ExitCode, ExportFormat, JournalState, Level, LogEntry
from vismadesk.keyring_store import MemoryKeyring
from vismadesk.store import Store
from vismadesk.store.postgres import PgStore


@pytest.fixture
def profile_dir(tmp_path: Path) -> Path:
    return tmp_path / "profile"


def _cli(profile_dir: Path, *args: str) -> int:
    return main(["--profile", str(profile_dir), *args])


def _use_team_store(profile_dir: Path, url: str) -> None:
    assert _cli(profile_dir, "config", "set", "store_url", url) == ExitCode.OK


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://planner@127.0.0.1:{port}/vismadesk"


def test_check_on_the_local_file(profile_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(profile_dir, "store", "check") == ExitCode.OK
    out = capsys.readouterr().out
    assert f"SQLite {profile_dir.resolve() / 'vismadesk.sqlite3'}" in out
    assert "Log entries:" in out


def test_migrate_then_check_a_team_store(
    profile_dir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _use_team_store(profile_dir, pg_url)
    assert _cli(profile_dir, "store", "migrate") == ExitCode.OK
    assert "schema migrated from version 0 to 1" in capsys.readouterr().out
    assert _cli(profile_dir, "store", "migrate") == ExitCode.OK
    assert "schema at version 1, up to date" in capsys.readouterr().out

    with PgStore(pg_url) as s:
        s.add_log(LogEntry(Action.EXPORT, Level.INFO, "one"))
        s.journal_record("WO-1", JournalState.DONE)
        s.claim("WO-2", "run-x", lease_s=600)
    assert _cli(profile_dir, "store", "check") == ExitCode.OK
    lines = dict(
        (k.strip(), v.strip())
        for k, v in (line.split(":", 1) for line in capsys.readouterr().out.splitlines())
    )
    assert lines["Server"].startswith("reachable, PostgreSQL 1")
    assert lines["Schema"] == "version 1 (this vismadesk knows up to 1)"
    assert lines["Latency"].endswith("ms (median of 5 round trips)")
    assert (lines["Log entries"], lines["Journal"], lines["Claims"]) == (
        "1",
        "1 done",
        "1 held, 0 expired",
    )
    assert lines["This console's run"] == "none running"
    assert not (profile_dir / "vismadesk.sqlite3").exists()


def test_an_unreachable_team_store_is_one_clear_line_and_no_export(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = _dead_url()
    _use_team_store(profile_dir, url)
    capsys.readouterr()
    for command in (["store", "check"], ["export"], ["log"]):
        assert _cli(profile_dir, *command) == ExitCode.CONFIG, command
        err = capsys.readouterr().err
        assert err.startswith("error: The team store planner@127.0.0.1:"), command
        assert "No export starts without it" in err and "Traceback" not in err
    assert not (profile_dir / "vismadesk.sqlite3").exists()  # never a fall back


def test_the_log_command_reads_the_team_store(
    profile_dir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _use_team_store(profile_dir, pg_url)
    with PgStore(pg_url) as s:
        s.add_log(LogEntry(Action.EXPORT, Level.ERROR, "Written by the office server"))
    capsys.readouterr()
    assert _cli(profile_dir, "log", "--errors") == ExitCode.OK
    assert "Written by the office server" in capsys.readouterr().out


def _fill_local(db: Path) -> list[LogEntry]:
    t0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with Store(db) as s:
        entries = s.add_logs(
            LogEntry(
                Action.EXPORT,
                Level.ERROR if i % 7 == 0 else Level.SUCCESS,
                f"Work order WO-{i} entry {i}",
                details={"hint": "look", "n": i},
                work_order=f"WO-{i}",
                run_id="local-run",
                code="exported",
                time=t0 + dt.timedelta(seconds=i),
            )
            for i in range(2500)
        )
        s.journal_record(
            "WO-1", JournalState.FAILED, last_error="refused", new_attempt=True, run_id="r"
        )
        s.journal_record(
            "WO-2",
            JournalState.DONE,
            doc_format=ExportFormat.SALES_INVOICE,
            doc_number="000777",
            new_attempt=True,
        )
        s.journal_record("WO-3", JournalState.CREATING, new_attempt=True)
        s.cursor_set("relations", "2026-03-01T00:00:00Z")
        s.cursor_set("materials", "local-materials")
    return entries


def test_copy_moves_journal_log_and_cursors_and_twice_adds_nothing(
    profile_dir: Path, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile_dir.mkdir(parents=True)
    local = _fill_local(profile_dir / "vismadesk.sqlite3")
    with PgStore(pg_url) as team:  # the team already knows some of it
        team.journal_record("WO-1", JournalState.DONE, doc_number="000555")
        team.journal_record("WO-2", JournalState.FAILED, last_error="team's failure")
        team.cursor_set("materials", "team-materials")

    assert _cli(profile_dir, "store", "copy", "--to", pg_url) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Log: 2500 entries copied, 0 already there." in out
    assert "Journal: 2 work orders copied, 1 kept" in out
    assert "Sync cursors: 1 copied, 1 kept." in out

    with PgStore(pg_url) as team:
        copied = list(reversed(team.log_page(limit=3000)))
        assert [
            (e.summary, e.time, e.level, e.details, e.work_order, e.run_id, e.code) for e in copied
        ] == [
            (e.summary, e.time, e.level, e.details, e.work_order, e.run_id, e.code) for e in local
        ]
        assert [e.summary for e in team.log_page(search="WO-2499")] == [
            "Work order WO-2499 entry 2499"
        ]
        # A work order the team had finished stays finished; one this PC finished
        # wins over the team's failure; one this PC had in flight is copied as such.
        assert team.journal_get("WO-1").doc_number == "000555"  # type: ignore[union-attr]
        wo2 = team.journal_get("WO-2")
        assert wo2 is not None and (wo2.state, wo2.doc_number) == (JournalState.DONE, "000777")
        assert team.journal_get("WO-3").state is JournalState.CREATING  # type: ignore[union-attr]
        assert team.cursor_get("relations") == "2026-03-01T00:00:00Z"
        assert team.cursor_get("materials") == "team-materials"

    assert _cli(profile_dir, "store", "copy", "--to", pg_url) == ExitCode.OK
    out = capsys.readouterr().out
    assert "Log: 0 entries copied, 2500 already there." in out
    with PgStore(pg_url) as team:
        assert team.log_count() == 2500


def test_copy_refuses_an_address_with_a_password(
    profile_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _cli(profile_dir, "store", "copy", "--to", "postgresql://u:secret@h/db")
    assert code == ExitCode.CONFIG
    err = capsys.readouterr().err
    assert "must not hold a password" in err and "secret" not in err


def test_password_goes_to_the_keyring(
    profile_dir: Path,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-team-pw\n"))
    assert _cli(profile_dir, "store", "password") == ExitCode.OK
    assert memory_keyring.entries("vismadesk") == {"store_password": "s3cret-team-pw"}
    assert "s3cret" not in capsys.readouterr().out
    assert _cli(profile_dir, "store", "password", "--delete") == ExitCode.OK
    assert memory_keyring.entries("vismadesk") == {}
