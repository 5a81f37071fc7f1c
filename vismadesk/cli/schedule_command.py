"""`vismadesk schedule`: the cron line or the Task Scheduler command for a nightly
export of this profile; `--create` creates the Windows task."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from vismadesk.cli.common import AddCommon
from vismadesk.i18n import _


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser(
        "schedule",
        help=_("print the cron line (Windows: the Task Scheduler command) for a nightly export"),
    )
    add_common(p)
    p.add_argument(
        "--at", default="02:30", metavar="HH:MM", help=_("the time of day (default 02:30)")
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--print", action="store_true", help=_("print the line to add (the default)"))
    what.add_argument(
        "--create", action="store_true", help=_("Windows: create the task in Task Scheduler")
    )
    p.set_defaults(handler=cmd_schedule)


def nightly_for(profile_arg: str | None, at_text: str) -> Any:
    """The schedule for the profile `--profile` names (None: the user's own)."""
    import os
    from pathlib import Path

    from vismadesk.profile import PROFILE_ENV, Profile
    from vismadesk.schedule import nightly, parse_time

    # A scheduler starts with none of the user's variables: name the profile they chose.
    chosen = profile_arg or os.environ.get(PROFILE_ENV)
    profile = Profile.resolve(chosen)
    return nightly(
        parse_time(at_text),
        profile_dir=Path(chosen).resolve() if chosen else None,
        summary_path=profile.log_dir / "last-export.json",
        log_path=profile.log_dir / "scheduled-export.log",
    )


def cmd_schedule(args: argparse.Namespace) -> int:
    from vismadesk.domain import ExitCode
    from vismadesk.schedule import create_windows_task

    if args.demo:
        print(_("error: a schedule runs on a real profile, not the demo"), file=sys.stderr)
        return ExitCode.CONFIG
    try:
        schedule = nightly_for(args.profile, args.at)
    except ValueError as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return ExitCode.CONFIG
    if not args.create:
        if schedule.windows:
            print(_("Run this in a command prompt to export every night:"))
        else:
            print(_("Add this line with `crontab -e` to export every night:"))
        print(schedule.line)
        print(_("Each run writes what it did to {path}.").format(path=schedule.summary_path))
        return ExitCode.OK
    if not schedule.windows:
        print(
            _("error: --create is for Windows; on this system add the line with `crontab -e`"),
            file=sys.stderr,
        )
        return ExitCode.CONFIG
    try:
        said = create_windows_task(schedule)
    except OSError as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return ExitCode.CONFIG
    print(said or _("The task was created."))
    return ExitCode.OK
