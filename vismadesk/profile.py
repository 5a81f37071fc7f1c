"""Where vismadesk keeps its files on this machine.

By default platformdirs decides (settings in the user config dir, the database in
the user data dir, diagnostic logs in the user log dir). `--profile DIR` or
`VISMADESK_PROFILE` keeps everything in one directory instead; `--demo` uses a
throw-away one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from vismadesk.i18n import _

APP_NAME = "vismadesk"
PROFILE_ENV = "VISMADESK_PROFILE"


class ProfileError(ValueError):
    """A profile folder that cannot be used; the text says which and what to do."""


@dataclass(frozen=True, slots=True)
class Profile:
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def settings_path(self) -> Path:
        return self.config_dir / "settings.json"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "vismadesk.sqlite3"

    @property
    def log_path(self) -> Path:
        return self.log_dir / "vismadesk.log"

    @classmethod
    def platform_default(cls) -> Profile:
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            log_dir=Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def in_directory(cls, root: str | os.PathLike[str]) -> Profile:
        root = Path(root).expanduser().resolve()
        return cls(config_dir=root, data_dir=root, log_dir=root / "logs")

    @classmethod
    def resolve(cls, explicit: str | os.PathLike[str] | None = None) -> Profile:
        """The profile for this run: `--profile`, then the environment, then platform."""
        if explicit is not None and not str(explicit).strip():
            # An empty --profile (a script's unset variable) must not mean "the real one".
            raise ProfileError(
                _(
                    "--profile was given an empty folder name. Name the profile folder, "
                    "or leave --profile out to use your own profile."
                )
            )
        chosen = explicit or os.environ.get(PROFILE_ENV)
        return cls.in_directory(chosen) if chosen else cls.platform_default()

    def ensure(self) -> Profile:
        for d in (self.config_dir, self.data_dir, self.log_dir):
            blocker = _file_in_the_way(d)
            if blocker is not None:
                raise ProfileError(
                    _(
                        "The profile folder {folder} cannot be used: {file} is a file, not "
                        "a folder. Choose another folder with --profile."
                    ).format(folder=d, file=blocker)
                )
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise ProfileError(
                    _(
                        "The profile folder {folder} cannot be created ({problem}). Give "
                        "your user permission to write there, or choose another folder "
                        "with --profile."
                    ).format(folder=d, problem=e.strerror or e.__class__.__name__)
                ) from None
        return self


def _file_in_the_way(folder: Path) -> Path | None:
    """The file standing where `folder` or one of its parents should be a folder."""
    for p in (folder, *folder.parents):
        if p.exists() or p.is_symlink():
            return None if p.is_dir() else p
    return None
