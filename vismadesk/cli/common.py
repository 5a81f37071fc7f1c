"""What every command shares: the --demo and --profile options, and the profile they pick."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from vismadesk.i18n import _

if TYPE_CHECKING:
    from vismadesk.profile import Profile

# Each command module's `register(sub, add_common)` gets this, so the sandbox
# command (kept by the sandbox's maintainers) needs nothing else from here.
AddCommon = Callable[[argparse.ArgumentParser], None]


def add_common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS, with the real defaults on the top parser: otherwise a subcommand's own
    # default resets an option given before it, and `vismadesk --demo export` would run
    # on the real profile.
    p.add_argument(
        "--demo",
        action="store_true",
        default=argparse.SUPPRESS,
        help=_("run against the built-in sandbox with demo data and a throw-away profile"),
    )
    p.add_argument(
        "--profile",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=_(
            "keep settings and database in DIR (default: the platform's user folders; "
            "also VISMADESK_PROFILE)"
        ),
    )


def profile(args: argparse.Namespace) -> Profile:
    """The profile the options choose, created if need be."""
    from vismadesk.profile import Profile

    if args.demo:
        # --demo never touches the user's own settings or log: a throw-away profile.
        import atexit
        import tempfile

        tmp = tempfile.TemporaryDirectory(prefix="vismadesk-demo-")
        atexit.register(tmp.cleanup)
        return Profile.in_directory(tmp.name).ensure()
    return Profile.resolve(args.profile).ensure()
