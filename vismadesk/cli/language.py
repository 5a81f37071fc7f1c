"""Which language the command line speaks: the `language` setting of the profile the
command will use (before the command line is parsed, so `--help` is in it too)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from vismadesk import i18n


def profile_option(argv: Sequence[str]) -> str | None:
    """The DIR of `--profile DIR` (or `--profile=DIR`) wherever it stands, else None."""
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--profile" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--profile="):
            return arg.split("=", 1)[1]
    return None


def setting_for(argv: Sequence[str]) -> str:
    """The `language` setting (auto, nl, en) that applies to this command line."""
    if "--demo" in argv:
        return "auto"  # the demo's profile is thrown away: the system's language
    from vismadesk.profile import Profile

    try:
        path = Profile.resolve(profile_option(argv)).settings_path
        value = json.loads(path.read_text(encoding="utf-8")).get("language", "auto")
        i18n.resolve_language(str(value))
        return str(value)
    except (OSError, ValueError, AttributeError, RecursionError):
        # No settings yet, or ones `config` will report on: the system's language.
        return "auto"


def choose(argv: Sequence[str]) -> i18n.Language:
    return i18n.set_language(setting_for(argv))
