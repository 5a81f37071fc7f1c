"""`vismadesk log`: the sync log, newest first, as lines or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vismadesk.cli.common import AddCommon, profile
from vismadesk.i18n import _


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("log", help=_("print the sync log, newest first"))
    add_common(p)
    p.add_argument("--errors", action="store_true", help=_("only errors"))
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true", help=_("one JSON object per line"))
    p.set_defaults(handler=cmd_log)


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
    except StoreError as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return ExitCode.CONFIG
    try:
        entries = store.log_page(
            limit=max(1, args.limit), levels=[Level.ERROR] if args.errors else None
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
        elif args.errors:
            why = _("The log has no errors.")
        else:
            why = _("The log is empty: nothing was exported or synced with this profile yet.")
        print(why, file=sys.stderr)
    for e in entries:
        if args.json:
            print(
                json.dumps(
                    {
                        "time": e.time.isoformat(),
                        "level": e.level.value,
                        "action": e.action.value,
                        "code": e.code,
                        # Always the English sentence: what scripts and support read.
                        "summary": e.summary,
                        "work_order": e.work_order,
                        "details": e.details,
                    },
                    ensure_ascii=False,
                    default=str,
                )
            )
        else:
            local = format_datetime(e.time, seconds=True)
            # A newline or an escape in a code must not fake a line or drive the
            # terminal; --json escapes them by being JSON.
            summary = printable(shown_summary(e.code, e.params, e.summary))
            print(f"{local}  {e.level.value:<7}  {e.action.value:<6}  {summary}")
    return ExitCode.OK
