"""`vismadesk log`: the sync log, newest first, as lines or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vismadesk.cli.common import AddCommon, profile


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("log", help="print the sync log, newest first")
    add_common(p)
    p.add_argument("--errors", action="store_true", help="only errors")
    p.add_argument("--limit", type=int, default=50, metavar="N")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.set_defaults(handler=cmd_log)


def cmd_log(args: argparse.Namespace) -> int:
    from vismadesk.config import load_settings
    from vismadesk.domain import ExitCode, Level
    from vismadesk.keyring_store import Secrets
    from vismadesk.store import StoreError, open_store

    chosen = profile(args)
    try:
        store = open_store(load_settings(chosen.settings_path).settings, chosen, Secrets())
    except StoreError as e:
        print(f"error: {e}", file=sys.stderr)
        return ExitCode.CONFIG
    try:
        entries = store.log_page(
            limit=max(1, args.limit), levels=[Level.ERROR] if args.errors else None
        )
    finally:
        store.close()
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
