"""The `vismadesk` parser: the top-level options and every subcommand.

Each command module registers its own subcommand; none imports more than
argparse at the top, so building the whole parser costs next to nothing and
`vismadesk --version` and the bare window stay fast.
"""

from __future__ import annotations

import argparse

from vismadesk import __version__
from vismadesk.cli import (
    log_command,
    runs,
    sandbox,
    schedule_command,
    settings_commands,
    store_command,
)
from vismadesk.cli.common import add_common
from vismadesk.i18n import N_, _, gettext

# argparse's own words ("usage:", "options", its error messages) through the catalogue:
# argparse looks up its `_` when it needs a text, so the one set here is used.
ARGPARSE_TEXTS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("the following arguments are required: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unrecognized arguments: %s"),
    N_("expected one argument"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
)

# In the order `vismadesk --help` lists them.
_COMMANDS = (settings_commands, log_command, sandbox, runs, store_command, schedule_command)


def build_parser() -> argparse.ArgumentParser:
    """The parser, in the language chosen now (`vismadesk.cli.language`)."""
    argparse._ = gettext  # type: ignore[attr-defined]
    parser = argparse.ArgumentParser(
        prog="vismadesk",
        description=_(
            "Export OutSmart work orders to Visma.net ERP. Without a command, opens the window."
        ),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"vismadesk {__version__}",
        help=_("show the version and exit"),
    )
    add_common(parser)
    parser.set_defaults(demo=False, profile=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(sub, add_common)
    return parser
