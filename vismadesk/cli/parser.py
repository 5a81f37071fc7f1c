"""The `vismadesk` parser: the top-level options and every subcommand.

Each command module registers its own subcommand; none imports more than
argparse at the top, so building the whole parser costs next to nothing and
`vismadesk --version` and the bare window stay fast.
"""

from __future__ import annotations

import argparse

from vismadesk import __version__
from vismadesk.cli import log_command, runs, sandbox, settings_commands, store_command
from vismadesk.cli.common import add_common

# In the order `vismadesk --help` lists them.
_COMMANDS = (settings_commands, log_command, sandbox, runs, store_command)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vismadesk",
        description="Export OutSmart work orders to Visma.net ERP. Without a command, "
        "opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"vismadesk {__version__}")
    add_common(parser)
    parser.set_defaults(demo=False, profile=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMANDS:
        module.register(sub, add_common)
    return parser
