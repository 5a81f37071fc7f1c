"""`vismadesk config get|set`: read or change a setting from a script."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vismadesk.cli.common import AddCommon, profile
from vismadesk.i18n import _


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("config", help=_("read or change a setting"))
    add_common(p)
    csub = p.add_subparsers(dest="config_command", metavar="get|set", required=True)
    g = csub.add_parser("get", help=_("print one setting, or all"))
    g.add_argument("key", nargs="?")
    s = csub.add_parser("set", help=_("change one setting"))
    s.add_argument("key")
    s.add_argument("value")
    p.set_defaults(handler=cmd_config)


def cmd_config(args: argparse.Namespace) -> int:
    from vismadesk.config import SETTING_KEYS, SettingsError, load_settings, save_settings
    from vismadesk.domain import ExitCode

    chosen = profile(args)
    loaded = load_settings(chosen.settings_path)
    for w in loaded.warnings:
        print(_("warning: {problem}").format(problem=w), file=sys.stderr)
    settings = loaded.settings
    try:
        if args.config_command == "get":
            keys = [args.key] if args.key else list(SETTING_KEYS)
            for key in keys:
                value = settings.get(key)
                shown = "" if value is None else getattr(value, "value", value)
                if isinstance(shown, bool):
                    shown = str(shown).lower()
                print(f"{key} = {shown}" if not args.key else shown)
            return ExitCode.OK
        settings.set(args.key, args.value)
    except SettingsError as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return ExitCode.CONFIG
    save_settings(settings, chosen.settings_path)
    return ExitCode.OK
