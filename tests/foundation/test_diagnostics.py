"""The diagnostic log holds customer data: readable by the user only (#14)."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest

from vismadesk.diagnostics import MAX_BYTES, start_file_log, stop_file_log
from vismadesk.profile import Profile

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def test_the_diagnostic_log_and_its_rollovers_are_user_only(tmp_path: Path) -> None:
    profile = Profile.in_directory(tmp_path).ensure()
    old_umask = os.umask(0o022)
    try:
        handler = start_file_log(profile)
        assert handler is not None
        log = logging.getLogger("vismadesk.test")
        log.warning("relation Jansen BV, Dorpsstraat 1")
        assert stat.S_IMODE(profile.log_path.stat().st_mode) == 0o600
        # Past the size limit the file rolls over; the new one is private too.
        log.warning("x" * (MAX_BYTES + 10))
        log.warning("after the rollover")
        handler.flush()
        files = sorted(profile.log_dir.glob("vismadesk.log*"))
        assert len(files) >= 2
        for f in files:
            assert stat.S_IMODE(f.stat().st_mode) == 0o600, f.name
    finally:
        stop_file_log()
        os.umask(old_umask)


def test_an_older_diagnostic_log_readable_by_others_is_tightened(tmp_path: Path) -> None:
    profile = Profile.in_directory(tmp_path).ensure()
    profile.log_path.write_text("old lines\n", encoding="utf-8")
    profile.log_path.chmod(0o644)
    try:
        start_file_log(profile)
        logging.getLogger("vismadesk.test").warning("a new line")
    finally:
        stop_file_log()
    assert stat.S_IMODE(profile.log_path.stat().st_mode) == 0o600
    assert "old lines" in profile.log_path.read_text(encoding="utf-8")


def test_a_log_folder_that_cannot_be_written_is_a_warning_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = Profile.in_directory(tmp_path).ensure()
    profile.log_dir.rmdir()
    profile.log_dir.write_text("a file where the folder should be", encoding="utf-8")
    try:
        assert start_file_log(profile) is None
    finally:
        stop_file_log()
    err = capsys.readouterr().err
    assert f"the diagnostic log {profile.log_path} cannot be written" in err
