"""The `vismadesk` command: the window by default, subcommands for scripts.

Imports stay inside the handlers so `vismadesk --version` and the small commands
start fast (no Qt, no httpx unless the command needs them).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from vismadesk import __version__
from vismadesk.domain import ExitCode


def _add_common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS, with the real defaults on the top parser: otherwise a subcommand's own
    # default resets an option given before it, and `vismadesk --demo export` would run
    # on the real profile.
    p.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help="run against the built-in sandbox with demo data and a throw-away profile",
    )
    p.add_argument(
        "--profile",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="keep settings and database in DIR (default: the platform's user folders; "
        "also VISMADESK_PROFILE)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vismadesk",
        description="Export OutSmart work orders to Visma.net ERP. Without a command, "
        "opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"vismadesk {__version__}")
    _add_common(parser)
    parser.set_defaults(demo=False, profile=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("config", help="read or change a setting")
    _add_common(p)
    csub = p.add_subparsers(dest="config_command", metavar="get|set", required=True)
    g = csub.add_parser("get", help="print one setting, or all")
    g.add_argument("key", nargs="?")
    s = csub.add_parser("set", help="change one setting")
    s.add_argument("key")
    s.add_argument("value")

    p = sub.add_parser("log", help="print the sync log, newest first")
    _add_common(p)
    p.add_argument("--errors", action="store_true", help="only errors")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true", help="one JSON object per line")

    for register in _EXTRA_COMMANDS:
        register(sub, _add_common)
    return parser


# Subcommands that live with the layer they drive register here, so this module does
# not import the sandbox, clients or engine just to build the parser.
_EXTRA_COMMANDS: list = []


def _register_extras() -> None:
    if _EXTRA_COMMANDS:
        return
    import importlib

    for module in ("vismadesk.cli.sandbox", "vismadesk.cli.runs"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as e:
            if e.name and module.startswith(e.name):
                continue  # that layer is not built yet
            raise
        _EXTRA_COMMANDS.append(mod.register)


def _profile(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from vismadesk.profile import Profile

    if args.demo:
        # --demo never touches the user's own settings or log: a throw-away profile.
        import atexit
        import tempfile

        tmp = tempfile.TemporaryDirectory(prefix="vismadesk-demo-")
        atexit.register(tmp.cleanup)
        return Profile.in_directory(tmp.name).ensure()
    return Profile.resolve(args.profile).ensure()


def cmd_config(args: argparse.Namespace) -> int:
    from vismadesk.config import SETTING_KEYS, SettingsError, load_settings, save_settings

    profile = _profile(args)
    loaded = load_settings(profile.settings_path)
    for w in loaded.warnings:
        print(f"warning: {w}", file=sys.stderr)
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
        print(f"error: {e}", file=sys.stderr)
        return ExitCode.CONFIG
    save_settings(settings, profile.settings_path)
    return ExitCode.OK


def cmd_log(args: argparse.Namespace) -> int:
    from vismadesk.domain import Level
    from vismadesk.store import Store

    profile = _profile(args)
    with Store(profile.db_path) as store:
        entries = store.log_page(
            limit=max(1, args.limit), levels=[Level.ERROR] if args.errors else None
        )
    for e in entries:
        if args.json:
            print(
                json.dumps(
                    {
                        "time": e.time.isoformat(),
                        "level": e.level.value,
                        "action": e.action.value,
                        "summary": e.summary,
                        "work_order": e.work_order,
                        "details": e.details,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        else:
            local = e.time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            print(f"{local}  {e.level.value:<7}  {e.action.value:<6}  {e.summary}")
    return ExitCode.OK


def cmd_window(args: argparse.Namespace) -> int:
    try:
        from vismadesk.ui.app import run_window
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("vismadesk.ui"):
            what = "on the built-in sandbox with demo data" if args.demo else ""
            print(
                f"vismadesk {__version__}: the window is not built yet. When it is, this "
                f"command opens the console {what}".rstrip()
                + ".",
                file=sys.stderr,
            )
            return ExitCode.CONFIG
        raise
    return run_window(demo=args.demo, profile_dir=args.profile)


_HANDLERS = {"config": cmd_config, "log": cmd_log}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # --version and the bare window must not pay for importing the other layers. The
    # directory after --profile is not a command: `vismadesk --profile DIR` opened
    # the window after importing the sandbox and engine commands (~0.2 s).
    words = [
        a for i, a in enumerate(argv) if not a.startswith("-") and argv[i - 1 : i] != ["--profile"]
    ]
    if (words and "--version" not in argv) or "-h" in argv or "--help" in argv:
        _register_extras()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return cmd_window(args)
    handler = _HANDLERS.get(args.command) or getattr(args, "handler", None)
    if handler is None:
        parser.error(f"unknown command {args.command}")
    return int(handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
