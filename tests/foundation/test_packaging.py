"""The installable app: the wheel installs and starts with its resources, and the
PyInstaller one-folder app starts, answers --version and shows the demo offscreen.

Both build for real (a minute or more each), so they are slow tests: `uv run pytest -m
slow tests/foundation/test_packaging.py`.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vismadesk import __version__

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_wheel_installs_in_a_fresh_venv_and_starts() -> None:
    if shutil.which("uv") is None:
        pytest.fail("uv is needed to build the wheel (`uv build`)")
    done = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "check_wheel.py")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"vismadesk {__version__}" in done.stdout
    assert "site-packages/vismadesk/_resources" in done.stdout


@pytest.mark.slow
def test_the_one_folder_app_starts_shows_its_version_and_the_demo(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed: uv sync --group packaging")
    shot = tmp_path / "demo.png"
    done = subprocess.run(
        ["bash", str(ROOT / "packaging" / "smoke_test.sh"), str(shot)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"ok: vismadesk {__version__}" in done.stdout
    assert shot.stat().st_size > 10_000
