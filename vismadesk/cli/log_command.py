"""`vismadesk log`: the sync log, newest first, as lines, as JSON or as a CSV file."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from vismadesk.cli.common import AddCommon, profile
from vismadesk.i18n import _


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("log", help=_("print the sync log, newest first"))
    add_common(p)
    p.add_argument("--errors", action="store_true", help=_("only errors"))
    p.add_argument(
        "--limit",
        type=int,
        default=None,
        metavar="N",
        help=_("at most N entries (default 50; with --csv every entry)"),
    )
    p.add_argument("--search", metavar="TEXT", help=_("only entries that contain TEXT"))
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.add_argument(
        "--csv",
        nargs="?",
        const="-",
        metavar="PATH",
        help=_(
            "write the log as a CSV file for Excel (without PATH: to standard output); "
            "in Dutch with ; between fields and dates as dd-mm-jjjj"
        ),
    )
    p.set_defaults(handler=cmd_log)


def _write_csv(store: Any, args: argparse.Namespace, levels: list[Any] | None) -> int:
    from pathlib import Path

    from vismadesk import logcsv
    from vismadesk.domain import ExitCode
    from vismadesk.i18n import format_number

    if args.limit is not None:
        print(
            _("error: --limit does not go with --csv (the CSV holds every entry)"), file=sys.stderr
        )
        return ExitCode.CONFIG
    if args.csv == "-":
        try:
            logcsv.to_stdout(store, levels=levels, search=args.search, cli=True)
        except BrokenPipeError:
            # `| head`: the reader has all it wants. Python would complain at exit
            # about flushing the closed pipe; point stdout elsewhere first.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.OK
    path = Path(args.csv).expanduser()
    if path.is_dir():
        path = path / logcsv.default_name()
    try:
        result = logcsv.export(store, path, levels=levels, search=args.search, cli=True)
    except OSError as e:
        print(
            _("error: the CSV file {path} could not be written: {problem}").format(
                path=path, problem=e.strerror or e
            ),
            file=sys.stderr,
        )
        return ExitCode.CONFIG
    print(
        _("{count} log entries written to {path}").format(
            count=format_number(result.rows), path=path
        ),
        file=sys.stderr,
    )
    return ExitCode.OK


def cmd_log(args: argparse.Namespace) -> int:

    from vismadesk.config import load_settings
    from vismadesk.domain import ExitCode, Level
    from vismadesk.i18n import format_datetime
    from vismadesk.keyring_store import Secrets
    from vismadesk.messages import shown_summary
    from vismadesk.printable import printable
    from vismadesk.store import StoreError, open_store

    chosen = profile(args)
    try:
        store = open_store(load_settings(chosen.settings_path).settings, chosen, Secrets())
    except StoreError as err:
        print(_("error: {problem}").format(problem=err), file=sys.stderr)
        return ExitCode.CONFIG
    levels = [Level.ERROR] if args.errors else None
    try:
        if args.csv is not None:
            return _write_csv(store, args, levels)
        entries = store.log_page(
            limit=max(1, 50 if args.limit is None else args.limit),
            levels=levels,
            search=args.search,
        )
    finally:
        store.close()
    if not entries:
        # On stderr: a script reading the log gets nothing, a person reads why.
        if args.demo:
            why = _(
                "The log is empty: --demo starts every command on a fresh sandbox with a "
                "throw-away profile, so no earlier run is kept. Open the demo window "
                "(vismadesk --demo) to export and read its log there."
            )
        elif args.search:
            why = _("No log entry contains {text}.").format(text=args.search)
        elif args.errors:
            why = _("The log has no errors.")
        else:
            why = _("The log is empty: nothing was exported or synced with this profile yet.")
        print(why, file=sys.stderr)
    for entry in entries:
        if args.json:
            print(
                json.dumps(
                    {
                        "time": entry.time.isoformat(),
                        "level": entry.level.value,
                        "action": entry.action.value,
                        "code": entry.code,
                        # Always the English sentence: what scripts and support read.
                        "summary": entry.summary,
                        "work_order": entry.work_order,
                        "details": entry.details,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        else:
            local = format_datetime(entry.time, seconds=True)
            # A newline or an escape in a code must not fake a line or drive the
            # terminal; --json escapes them by being JSON.
            summary = printable(shown_summary(entry.code, entry.params, entry.summary))
            print(f"{local}  {entry.level.value:<7}  {entry.action.value:<6}  {summary}")
    return ExitCode.OK
