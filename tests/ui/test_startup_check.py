"""On Linux, Qt's X11 plugin (xcb) needs libxcb-cursor0; without it Qt aborts the process
with "Could not load the Qt platform plugin". The window's start-up looks first and says
what to install, in the planner's language; the README says so too."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from vismadesk import i18n
from vismadesk.ui.app import XCB_CURSOR, missing_display_library

REPO = Path(__file__).resolve().parents[2]
X11 = {"DISPLAY": ":0"}


def _without(soname: str) -> Callable[[str], bool]:
    return lambda name: name != soname


def test_an_x11_desktop_without_libxcb_cursor_is_told_what_to_install() -> None:
    problem = missing_display_library(X11, "linux", _without(XCB_CURSOR))
    assert problem is not None
    assert "libxcb-cursor0" in problem
    assert "sudo apt install libxcb-cursor0" in problem
    assert "sudo dnf install xcb-util-cursor" in problem
    assert missing_display_library({"QT_QPA_PLATFORM": "xcb"}, "linux", _without(XCB_CURSOR))


@pytest.mark.parametrize(
    ("environ", "platform"),
    [
        ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, "linux"),  # Qt takes Wayland
        ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux"),
        ({}, "linux"),  # no display at all: Qt says that itself
        (X11, "win32"),
        (X11, "darwin"),
    ],
)
def test_no_complaint_where_qt_will_not_use_xcb(environ: dict[str, str], platform: str) -> None:
    assert missing_display_library(environ, platform, _without(XCB_CURSOR)) is None


def test_no_complaint_when_the_library_is_there() -> None:
    assert missing_display_library(X11, "linux", lambda _name: True) is None


def test_every_missing_library_is_named_with_its_packages() -> None:
    absent = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-shape.so.0"}
    problem = missing_display_library(X11, "linux", lambda soname: soname not in absent)
    assert problem is not None
    assert "needs the libraries libxcb-icccm4, libxcb-keysyms1, libxcb-shape0," in problem
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1 libxcb-shape0;" in problem
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms libxcb)" in problem
    assert "libxcb-cursor0" not in problem  # not what Qt would say: what is missing here


def test_each_library_the_plugin_needs_is_looked_for() -> None:
    """The list holds what Qt's own xcb plugin says it needs (its NEEDED entries)."""
    from pathlib import Path

    import PySide6

    from vismadesk.ui.app import XCB_LIBRARIES

    qt = Path(PySide6.__file__).parent / "Qt"
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    if not plugin.exists():
        pytest.skip("this PySide6 has no xcb plugin")
    needed = set()
    for library in (plugin, qt / "lib" / "libQt6XcbQpa.so.6"):
        data = library.read_bytes()
        needed |= {
            name.decode()
            for name in set(re.findall(rb"lib(?:xcb|X11|xkbcommon)[\w.+-]*\.so\.\d+", data))
        }
    assert len(needed) >= 10, needed
    assert needed <= set(XCB_LIBRARIES), needed - set(XCB_LIBRARIES)


def test_in_dutch_too() -> None:
    i18n.set_language("nl")
    try:
        problem = missing_display_library(X11, "linux", _without(XCB_CURSOR))
    finally:
        i18n.set_language("en")
    assert problem is not None
    assert "libxcb-cursor0" in problem and "sudo apt install libxcb-cursor0" in problem
    assert "installeer" in problem.lower()


# The real start-up, `vismadesk` with no command, on a desktop whose loader lacks the
# library: it must stop before Qt (which would abort) and say why on stderr.
_START = textwrap.dedent(
    """
    import sys
    import vismadesk.ui.app as app
    from vismadesk.cli import main

    app._loads = lambda soname: soname != app.XCB_CURSOR
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.mark.parametrize(
    ("lang", "first"),
    [
        ("en_GB.UTF-8", "vismadesk could not start: "),
        ("nl_NL.UTF-8", "vismadesk kon niet starten: "),
    ],
)
def test_the_window_start_up_says_what_to_install(tmp_path: Path, lang: str, first: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QT_", "WAYLAND", "LC_"))}
    env.update(DISPLAY=":0", LANG=lang, LANGUAGE="")
    out = subprocess.run(
        [sys.executable, "-c", _START, "--profile", str(tmp_path / "profile")],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith(first), out.stderr
    assert "sudo apt install libxcb-cursor0" in out.stderr
    assert "Aborted" not in out.stderr and "core dumped" not in out.stderr


def test_the_readme_names_the_library() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "libxcb-cursor0" in readme
    assert "sudo apt install libxcb-cursor0" in readme
