"""Build the wheel, install it in a fresh virtual environment, and start it.

    uv run python packaging/check_wheel.py

What it proves: `uv build` gives a wheel that installs with its dependencies, whose
`vismadesk --version` answers, and that carries resources/ (icons, the Dutch
catalogue, demo data, the sandbox's recorded requests): the installed package finds
each of them through vismadesk.assets, from site-packages, not from this checkout.
Exit 0 when all is well; tests/foundation/test_packaging.py runs it (slow).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Run by the installed interpreter, from a folder outside the checkout.
PROBE = """
import sys, vismadesk
from vismadesk import assets, i18n
root = str(assets.resources_root())
assert "site-packages" in root, root
for parts in [("icons", "app.svg"), ("demo", "work.json"), ("sandbox", "erp-requests.json")]:
    assert assets.read_bytes(*parts), parts
i18n.set_language("nl")
assert i18n._("Export work orders") == "Werkbonnen exporteren", "the Dutch catalogue"
print("resources from", root)
"""


def run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def check(done: subprocess.CompletedProcess[str], what: str) -> None:
    if done.returncode != 0:
        raise SystemExit(f"{what} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="vismadesk-wheel-") as tmp:
        out = Path(tmp) / "dist"
        check(run(["uv", "build", "--wheel", "--out-dir", str(out)], cwd=ROOT), "uv build")
        (wheel,) = out.glob("vismadesk-*.whl")
        names = zipfile.ZipFile(wheel).namelist()
        for wanted in (
            "vismadesk/_resources/icons/app.svg",
            "vismadesk/_resources/translations/nl/LC_MESSAGES/vismadesk.mo",
            "vismadesk/_resources/demo/work.json",
            "vismadesk/_resources/sandbox/erp-requests.json",
        ):
            if wanted not in names:
                raise SystemExit(f"{wheel.name} lacks {wanted}")
        venv = Path(tmp) / "venv"
        check(run(["uv", "venv", "--python", sys.executable, str(venv)]), "uv venv")
        python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        check(run(["uv", "pip", "install", "--python", str(python), str(wheel)]), "install")
        script = venv / ("Scripts/vismadesk.exe" if os.name == "nt" else "bin/vismadesk")
        version = run([str(script), "--version"], cwd=tmp)
        check(version, "vismadesk --version")
        print(version.stdout.strip())
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        probe = run([str(python), "-c", PROBE], cwd=tmp, env=env)
        check(probe, "the resources probe")
        print(probe.stdout.strip())
        print(f"{wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB, installs and starts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
