"""The `vismadesk` command: the window by default, subcommands for scripts.

The parser is in `parser.py`, each subcommand in its own module. Imports stay
inside the handlers so `vismadesk --version` and the window start fast (no Qt,
no httpx, no engine unless the command needs them).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from vismadesk.cli.parser import build_parser


def cmd_window(args: argparse.Namespace) -> int:
    from vismadesk.ui.app import run_window

    return run_window(demo=args.demo, profile_dir=args.profile)


def main(argv: Sequence[str] | None = None) -> int:
    import sys

    from vismadesk.cli.language import choose
    from vismadesk.domain import ExitCode
    from vismadesk.i18n import _
    from vismadesk.profile import ProfileError

    choose(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        if args.command is None:
            return cmd_window(args)
        return int(args.handler(args))
    except ProfileError as e:
        print(_("error: {problem}").format(problem=e), file=sys.stderr)
        return int(ExitCode.CONFIG)
