"""Opening the window pays only for what the window needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

CODE = """
import sys
from vismadesk import cli
cli.cmd_window = lambda args: print("window", args.profile) or 0
cli.main(sys.argv[1:])
print(sorted({m.split(".")[1] for m in sys.modules if m.startswith("vismadesk.")}))
"""


@pytest.mark.parametrize("argv", [[], ["--profile", "{dir}"], ["--profile={dir}"]])
def test_opening_the_window_does_not_import_the_sandbox_or_engine_commands(
    tmp_path: Path, argv: list[str]
) -> None:
    args = [a.format(dir=tmp_path) for a in argv]
    out = subprocess.run(
        [sys.executable, "-c", CODE, *args], capture_output=True, text=True, timeout=60, check=True
    )
    first, loaded = out.stdout.splitlines()
    assert first == f"window {tmp_path if args else None}"
    assert "sandbox" not in loaded
    assert "engine" not in loaded


def test_a_command_after_the_profile_is_still_a_command(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "vismadesk.cli", "--profile", str(tmp_path), "sandbox", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0
    assert "demo data" in out.stdout
