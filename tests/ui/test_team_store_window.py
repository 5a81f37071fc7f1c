"""The window on a team store: its settings say which store is in use, and a team
store that cannot be reached gives one clear message and starts no export (never a
quiet fall back to this computer's own file, which would defeat the claims)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.postgres import DelayProxy
from tests.helpers.window import Planner, finish
from vismadesk.config import Settings, save_settings
from vismadesk.demo import DemoSession, demo_secrets, demo_settings
from vismadesk.engine.context import Context
from vismadesk.keyring_store import SecretName
from vismadesk.profile import Profile
from vismadesk.sandbox import Sandbox
from vismadesk.ui.app import run_window
from vismadesk.ui.main_window import MainWindow


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(work_orders=20, seed=5) as sb:
        yield sb


def _team_context(sb: Sandbox, folder: Path, url: str) -> Context:
    settings = demo_settings(sb)
    settings.store_url = url
    profile = Profile.in_directory(folder).ensure()
    ctx, _notes = Context.open(profile, secrets=demo_secrets(sb), settings=settings, env={})
    ctx.secrets.set(SecretName.VISMA_CLIENT_SECRET, sb.credentials["client_secret"])
    ctx.tokens.login_service()
    return ctx


@pytest.fixture
def team_window(
    qtbot, sandbox: Sandbox, tmp_path: Path, planner: Planner, pg_url: str
) -> Iterator[Callable[..., MainWindow]]:
    made: list[tuple[MainWindow, Context]] = []

    def make(url: str = pg_url) -> MainWindow:
        ctx = _team_context(sandbox, tmp_path / f"pc{len(made)}", url)
        w = MainWindow(ctx, open_url=planner.open_url, ask=planner.ask, poll_ms=200)
        qtbot.addWidget(w)
        w.show()
        made.append((w, ctx))
        return w

    yield make
    for w, ctx in made:
        if w.runs.busy:
            w.runs.cancel()
            qtbot.waitUntil(lambda w=w: not w.runs.busy, timeout=30_000)
        w.shutdown()
        ctx.close()


def test_the_settings_say_the_window_uses_the_team_store(
    team_window: Callable[..., MainWindow], pg_url: str
) -> None:
    window = team_window()
    window.form.advanced_toggle.setChecked(True)
    parts = urlsplit(pg_url)
    shown = window.form.store_label.text()
    assert shown == (
        "Team store (shared with the other consoles): PostgreSQL "
        f"{parts.username}@{parts.hostname}:{parts.port}{parts.path}"
    )
    assert window.form.store_label.isVisible()


def test_the_store_in_use_is_said_in_dutch_too(
    team_window: Callable[..., MainWindow], dutch: None
) -> None:
    window = team_window()
    assert window.form.store_label.text().startswith("Teamopslag (gedeeld met de andere consoles)")


def test_this_computers_own_store_is_named_with_its_file(
    qtbot, demo: DemoSession, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(demo)
    assert window.form.store_label.text() == (
        f"This computer only: SQLite {demo.context.profile.db_path}"
    )


def test_an_unreachable_team_store_at_start_says_so_and_opens_no_window(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as gone:  # a port nothing listens on once closed
        gone.bind(("127.0.0.1", 0))
        port = gone.getsockname()[1]
    s = Settings()
    s.store_url = f"postgresql://planner@127.0.0.1:{port}/vismadesk"
    save_settings(s, tmp_path / "settings.json")
    shown: list[tuple[str, str]] = []

    def critical(_parent: Any, title: str, text: str, *_a: Any, **_k: Any) -> None:
        shown.append((title, text))

    monkeypatch.setattr(QMessageBox, "critical", critical)
    before = set(map(id, QApplication.topLevelWidgets()))
    assert run_window(profile_dir=str(tmp_path)) == 2

    ((_title, text),) = shown
    assert f"The team store planner@127.0.0.1:{port}/vismadesk cannot be used" in text
    assert "No export starts without it" in text
    assert "vismadesk store check" in text
    opened = [w for w in QApplication.topLevelWidgets() if id(w) not in before]
    assert not [w for w in opened if isinstance(w, MainWindow)]
    assert not (tmp_path / "vismadesk.sqlite3").exists()  # no fall back to a local file


def test_a_team_store_lost_while_the_window_is_open_starts_no_export(
    qtbot, team_window: Callable[..., MainWindow], sandbox: Sandbox, pg_url: str
) -> None:
    port = urlsplit(pg_url).port
    assert port is not None
    network = DelayProxy(port, 0)
    window = team_window(network.url(pg_url))
    qtbot.waitUntil(lambda: window.log_panel.model.loaded, timeout=10_000)
    network.close()  # the office network is gone

    with qtbot.captureExceptions() as raised:
        result = finish(qtbot, window, window.export_work_orders)
        said = window.statusBar().currentMessage()
        window.shutdown()  # within: the log view may still be reading
    # Nothing raises, the log view's reader included: it says the store is gone.
    assert raised == []

    assert result is None or result.succeeded == 0
    assert not [
        k for k in sandbox.request_counts() if k.startswith(("erp POST", "salesorders POST"))
    ]
    assert "Export work orders stopped" in said
    assert "cannot be used" in said and "No export starts without it" in said
    assert "StoreUnavailable" not in said
