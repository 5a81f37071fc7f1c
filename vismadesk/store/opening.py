"""`open_store`: the profile's own SQLite file, or the team store the settings name.

`VISMADESK_STORE_URL` (for a server's scheduled job) wins over the `store_url`
setting; both empty means the profile's file, as always. A team store that cannot
be opened raises StoreUnavailable: there is no falling back to the local file, which
would let two consoles export the same work order.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from vismadesk.i18n import _
from vismadesk.store.api import StoreAPI
from vismadesk.store.errors import StoreUnavailable
from vismadesk.store.local import Store
from vismadesk.store.postgres.url import url_problem

if TYPE_CHECKING:
    from vismadesk.config import Settings
    from vismadesk.keyring_store import Secrets
    from vismadesk.profile import Profile

URL_ENV = "VISMADESK_STORE_URL"


def store_url(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    """The team store address in force ("" for the profile's own file)."""
    env = os.environ if env is None else env
    return (env.get(URL_ENV) or settings.store_url or "").strip()


def open_store(
    settings: Settings,
    profile: Profile,
    secrets: Secrets | None = None,
    *,
    env: Mapping[str, str] | None = None,
    migrate: bool = True,
) -> StoreAPI:
    """Open (and migrate, unless `migrate=False`) the store this profile uses."""
    env = os.environ if env is None else env
    url = store_url(settings, env)
    if not url:
        return Store(profile.db_path)
    problem = url_problem(url)
    if problem:
        if env.get(URL_ENV):
            text = _("{variable} {problem}.").format(variable=URL_ENV, problem=problem)
        else:
            text = _("The store_url setting {problem}.").format(problem=problem)
        raise StoreUnavailable(text)
    from vismadesk.store.postgres import PgStore
    from vismadesk.store.postgres.connection import store_password

    return PgStore(
        url,
        password=store_password(secrets, env),
        profile=str(profile.data_dir),
        migrate=migrate,
    )
