"""Where files live: the platform's user folders, or one folder by --profile / env."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from vismadesk.profile import PROFILE_ENV, Profile


def test_default_uses_the_platform_folders() -> None:
    p = Profile.platform_default()
    assert p.settings_path == Path(platformdirs.user_config_dir("vismadesk")) / "settings.json"
    assert p.db_path == Path(platformdirs.user_data_dir("vismadesk")) / "vismadesk.sqlite3"
    assert p.log_path == Path(platformdirs.user_log_dir("vismadesk")) / "vismadesk.log"


def test_profile_folder_holds_everything(tmp_path: Path) -> None:
    p = Profile.in_directory(tmp_path / "office").ensure()
    assert p.settings_path == tmp_path / "office" / "settings.json"
    assert p.db_path == tmp_path / "office" / "vismadesk.sqlite3"
    assert p.log_path == tmp_path / "office" / "logs" / "vismadesk.log"
    assert p.log_dir.is_dir()


def test_explicit_profile_beats_the_environment_which_beats_the_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Profile.resolve() == Profile.platform_default()
    monkeypatch.setenv(PROFILE_ENV, str(tmp_path / "from-env"))
    assert Profile.resolve().config_dir == tmp_path / "from-env"
    assert Profile.resolve(tmp_path / "explicit").config_dir == tmp_path / "explicit"
