"""The window fits a 1024 × 700 and a 1366 × 768 screen at 100 %, and 1280 × 800 at 150 %
(853 × 533 logical pixels), in Dutch and in English, with Login / Disconnect and Save in
view; it opens inside the screen it is on."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget

from tests.helpers.window import settle_layouts
from vismadesk import i18n
from vismadesk.demo import DemoSession
from vismadesk.ui import screen_fit
from vismadesk.ui.main_window import MainWindow
from vismadesk.visma.auth import AuthMode, AuthState, AuthStatus

# Logical screen sizes: what the window may use (a window manager's frame comes off).
SCREENS = {
    "1024x700": (1024, 700),
    "1366x768": (1366, 768),
    "1280x800@150%": (round(1280 / 1.5), round(800 / 1.5)),
}
CONNECTED = AuthState(
    AuthStatus.CONNECTED,
    user="planner@installatiebedrijf-de-vries.nl",
    company="Installatiebedrijf De Vries en Zonen B.V.",
    expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    mode=AuthMode.INTERACTIVE,
)


def _inside(widget: QWidget, window: QWidget) -> bool:
    """The whole widget lies inside the window and is shown."""
    top_left = widget.mapTo(window, QPoint(0, 0))
    where = QRect(top_left, widget.size())
    return widget.isVisible() and window.rect().contains(where)


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))
def test_the_window_fits_and_its_buttons_are_in_view(
    qtbot, demo: DemoSession, make_window, lang: str, screen: str
) -> None:
    i18n.set_language(lang)
    window: MainWindow = make_window(demo)
    width, height = SCREENS[screen]
    room = (width - screen_fit.FRAME.width(), height - screen_fit.FRAME.height())
    for state in (AuthState(AuthStatus.SIGNED_OUT), CONNECTED):
        window._on_auth(state)
        hint = window.minimumSizeHint()
        assert hint.width() <= room[0] and hint.height() <= room[1], (screen, lang, hint)
        window.resize(*room)
        qtbot.waitUntil(lambda: (window.width(), window.height()) == room)
        settle_layouts()  # one pass of the layouts at the new size
        header = window.header
        assert _inside(header.login_button, window)
        if state.status is AuthStatus.CONNECTED:
            assert _inside(header.disconnect_button, window)
            # The long "Connected as ... to ..." wraps instead of pushing the buttons out.
            assert header.headline.width() + header.login_button.width() < window.width()
        assert _inside(window.form.save_button, window)
        assert _inside(window.log_panel.search_edit, window)
        for light in header.lights.values():
            assert _inside(light, window), light.objectName()


def test_a_default_size_bigger_than_the_screen_is_made_to_fit(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)  # no window.ini yet: the default 1280 × 800
    area = screen_fit.available(window)
    assert window.width() <= area.width() and window.height() <= area.height()
    assert area.contains(window.geometry().topLeft())


_OPEN_AT_150 = textwrap.dedent(
    """
    import json
    from vismadesk.demo import start_demo
    from vismadesk.ui.app import _application
    from vismadesk.ui.main_window import MainWindow

    app = _application()
    session = start_demo(work_orders=10, seed=3)
    window = MainWindow(session.context, demo=True, ask=lambda *a: None)
    try:
        window.show()
        app.processEvents()
        screen = window.screen().availableGeometry()
        login = window.header.login_button
        corner = login.mapToGlobal(login.rect().bottomRight())
        print(json.dumps({
            "screen": [screen.width(), screen.height()],
            "frame": [window.frameGeometry().x(), window.frameGeometry().y(),
                      window.frameGeometry().width(), window.frameGeometry().height()],
            "login_corner": [corner.x(), corner.y()],
            "ratio": window.devicePixelRatio(),
        }))
    finally:
        window.shutdown()
        session.close()
    """
)


def test_at_150_percent_on_1280_by_800_it_opens_on_the_screen(tmp_path: Path) -> None:
    """Qt's own scaling, on a screen of that size (the offscreen platform's screen)."""
    config = tmp_path / "screen.json"
    config.write_text(
        json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1280, "height": 800}]})
    )
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": f"offscreen:configfile={config}",
        "QT_SCALE_FACTOR": "1.5",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    out = subprocess.run(
        [sys.executable, "-c", _OPEN_AT_150], capture_output=True, text=True, env=env, timeout=120
    )
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["ratio"] == 1.5
    width, height = seen["screen"]
    assert (width, height) == (853, 533)
    x, y, w, h = seen["frame"]
    assert x >= 0 and y >= 0 and x + w <= width and y + h <= height, seen
    cx, cy = seen["login_corner"]
    assert cx <= x + w and cy <= y + h, "Login is off-screen"


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))
def test_nothing_in_the_settings_is_cut_off_at_the_right(
    qtbot, demo: DemoSession, make_window, lang: str, screen: str
) -> None:
    """The fields are never wider than the panel that shows them (it has no horizontal
    scroll bar): long labels and check boxes wrap instead, at the default split and with
    the settings dragged as narrow as they go."""
    from vismadesk.ui.main_window import FORM_MIN_WIDTH

    i18n.set_language(lang)
    window: MainWindow = make_window(demo)
    width, height = SCREENS[screen]
    window.resize(width - screen_fit.FRAME.width(), height - screen_fit.FRAME.height())
    window._on_auth(CONNECTED)
    area = window.form.scroll_area
    fields = area.widget()
    assert fields is not None
    for split in (None, FORM_MIN_WIDTH):
        if split is not None:
            window.splitter.setSizes([split, window.width()])
        settle_layouts()
        assert fields.width() <= area.viewport().width(), (split, fields.width())
        for box in (window.form.manual_order_numbers, window.form.export_defaults.override):
            assert box.mapTo(fields, box.rect().topRight()).x() <= area.viewport().width()
            assert box.height() >= box.heightForWidth(box.width())  # every line shown


@pytest.mark.parametrize("lang", ["en", "nl"])
@pytest.mark.parametrize("screen", list(SCREENS), ids=list(SCREENS))
def test_a_long_address_and_tenant_id_wrap_instead_of_being_cut(
    qtbot, demo: DemoSession, make_window, lang: str, screen: str
) -> None:
    i18n.set_language(lang)
    window: MainWindow = make_window(demo)
    width, height = SCREENS[screen]
    window.resize(width - screen_fit.FRAME.width(), height - screen_fit.FRAME.height())
    # Visma Connect names the company by its tenant ID only: the whole ID is in the detail.
    tenant = "d92af996-6555-587e-0d25-689781495ffe"
    state = AuthState(
        AuthStatus.CONNECTED,
        user=CONNECTED.user,
        company=tenant,
        expires_at=CONNECTED.expires_at,
        mode=AuthMode.INTERACTIVE,
    )
    window._on_auth(state)
    settle_layouts()
    header = window.header
    assert tenant in header.detail.text().replace("\u200b", "")
    assert str(CONNECTED.user) in header.headline.text().replace("\u200b", "")
    for label in (header.headline, header.detail):
        # A wrapping label breaks only where it may: no piece wider than the label.
        pieces = label.text().replace("\u200b", " ").split()
        widest = max(pieces, key=label.fontMetrics().horizontalAdvance)
        assert label.fontMetrics().horizontalAdvance(widest) <= label.width(), widest


def test_the_settings_give_up_width_on_a_narrow_window(
    qtbot, demo: DemoSession, make_window
) -> None:
    from vismadesk.ui.main_window import FORM_MIN_WIDTH

    window: MainWindow = make_window(demo)  # first start: no window.ini
    narrow = SCREENS["1280x800@150%"]
    assert window.width() <= narrow[0] or window.form.width() <= 360
    assert FORM_MIN_WIDTH <= window.form.width() <= 360
    log_side = window.splitter.widget(1)
    assert log_side is not None and log_side.width() >= window.form.width()
