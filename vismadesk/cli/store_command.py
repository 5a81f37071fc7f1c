"""`vismadesk store migrate|check|copy|password`: the store this console uses.

    migrate            create or bring up to date the schema (also done on every start)
    check              is the store reachable, which schema, how fast, what it holds
    copy --to URL      move this profile's SQLite journal, log and cursors into a team store
    password           put the team store's password in the keyring (read from stdin)

Exit status 0, or 2 (`ExitCode.CONFIG`) when the store cannot be used; the reason is
printed, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from vismadesk.cli.common import AddCommon, profile

if TYPE_CHECKING:
    from vismadesk.store.api import StoreAPI


def register(sub: Any, add_common: AddCommon) -> None:
    p = sub.add_parser("store", help="set up, check or fill the store (local file or team server)")
    add_common(p)
    ssub = p.add_subparsers(dest="store_command", metavar="migrate|check|copy|password")
    ssub.required = True
    m = ssub.add_parser("migrate", help="create or update the store's schema")
    add_common(m)
    c = ssub.add_parser("check", help="show whether the store is reachable and what it holds")
    add_common(c)
    cp = ssub.add_parser("copy", help="copy this profile's SQLite data into a team store")
    add_common(cp)
    cp.add_argument("--to", required=True, metavar="URL", help="postgresql://user@server/db")
    pw = ssub.add_parser("password", help="store the team store's password in the keyring")
    add_common(pw)
    pw.add_argument("--delete", action="store_true", help="remove it from the keyring")
    p.set_defaults(handler=cmd_store)


def cmd_store(args: argparse.Namespace) -> int:
    from vismadesk.domain import ExitCode
    from vismadesk.keyring_store import SecretStoreError
    from vismadesk.store import StoreError

    handlers = {"migrate": _migrate, "check": _check, "copy": _copy, "password": _password}
    try:
        return handlers[args.store_command](args)
    except (StoreError, SecretStoreError) as e:
        print(f"error: {e}", file=sys.stderr)
        return ExitCode.CONFIG


def _open(args: argparse.Namespace, *, migrate: bool) -> StoreAPI:
    from vismadesk.config import load_settings
    from vismadesk.keyring_store import Secrets
    from vismadesk.store import open_store

    chosen = profile(args)
    loaded = load_settings(chosen.settings_path)
    for w in loaded.warnings:
        print(f"warning: {w}", file=sys.stderr)
    return open_store(loaded.settings, chosen, Secrets(), migrate=migrate)


def _migrate(args: argparse.Namespace) -> int:
    from vismadesk.domain import ExitCode

    store = _open(args, migrate=True)
    try:
        before = getattr(store, "migrated_from", None)
        now = store.schema_version
        if before is not None and before != now:
            print(f"{store.location}: schema migrated from version {before} to {now}.")
        else:
            print(f"{store.location}: schema at version {now}, up to date.")
    finally:
        store.close()
    return ExitCode.OK


def _check(args: argparse.Namespace) -> int:
    from vismadesk.domain import ExitCode

    store = _open(args, migrate=False)
    try:
        for what, value in _facts(store):
            print(f"{what + ':':<20}{value}")
    finally:
        store.close()
    return ExitCode.OK


def _facts(store: StoreAPI) -> list[tuple[str, str]]:
    if getattr(store, "shared", False):
        from vismadesk.store.postgres.health import facts
        from vismadesk.store.postgres.store import PgStore

        assert isinstance(store, PgStore)
        return facts(store)
    from vismadesk.domain import JournalState
    from vismadesk.store import SCHEMA_VERSION

    counts = {s.value: len(store.journal_entries([s])) for s in JournalState}
    journal = ", ".join(f"{n} {s}" for s, n in counts.items() if n) or "empty"
    return [
        ("Store", store.location),
        ("Schema", f"version {store.schema_version} (this vismadesk knows up to {SCHEMA_VERSION})"),
        ("Log entries", str(store.log_count())),
        ("Journal", journal),
    ]


def _copy(args: argparse.Namespace) -> int:
    import os

    from vismadesk.domain import ExitCode
    from vismadesk.keyring_store import Secrets
    from vismadesk.store import Store, StoreUnavailable
    from vismadesk.store.postgres.connection import store_password
    from vismadesk.store.postgres.url import url_problem

    problem = url_problem(args.to)
    if problem or not args.to:
        raise StoreUnavailable(f"--to {problem or 'needs a postgresql:// address'}.")
    chosen = profile(args)
    if not chosen.db_path.exists():
        print(f"error: there is no local store to copy at {chosen.db_path}.", file=sys.stderr)
        return ExitCode.CONFIG
    from vismadesk.store.postgres.copying import copy_profile
    from vismadesk.store.postgres.store import PgStore

    with Store(chosen.db_path) as source:
        target = PgStore(args.to, password=store_password(Secrets(), os.environ))
        try:
            print(f"Copying {source.location} into {target.location}…")
            report = copy_profile(source, target, progress=None)
        finally:
            target.close()
    for line in report.lines():
        print(line)
    print("Point each console at the team store with `vismadesk config set store_url URL`.")
    return ExitCode.OK


def _password(args: argparse.Namespace) -> int:
    import getpass

    from vismadesk.domain import ExitCode
    from vismadesk.keyring_store import SecretName, Secrets

    secrets = Secrets()
    if args.delete:
        secrets.delete(SecretName.STORE_PASSWORD)
        print("The team store's password was removed from the keyring.")
        return ExitCode.OK
    if sys.stdin.isatty():
        value = getpass.getpass("Team store password: ")
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        print("error: no password given; nothing was stored.", file=sys.stderr)
        return ExitCode.CONFIG
    secrets.set(SecretName.STORE_PASSWORD, value)
    print("The team store's password is in the keyring.")
    return ExitCode.OK
