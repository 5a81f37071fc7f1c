"""Only the window knows Qt: nothing in vismadesk/ outside ui/ imports PySide6."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import vismadesk

PACKAGE = Path(vismadesk.__file__).resolve().parent
QT = {"PySide6", "shiboken6"}


def _imported_names(source: str) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "__import__")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def _qt_imports(source: str) -> list[str]:
    return [f"line {n}: {name}" for n, name in _imported_names(source) if name.split(".")[0] in QT]


def _outside_ui() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.relative_to(PACKAGE).parts[0] != "ui")


def test_no_module_outside_ui_imports_pyside6() -> None:
    modules = _outside_ui()
    assert (
        PACKAGE / "store" / "__init__.py" in modules and PACKAGE / "cli" / "__init__.py" in modules
    )
    offenders = {
        str(p.relative_to(PACKAGE)): hits
        for p in modules
        if (hits := _qt_imports(p.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_scan_sees_every_form_of_import() -> None:
    source = "\n".join(
        [
            "import PySide6",
            "from PySide6.QtCore import QThread",
            "def f():",
            "    import PySide6.QtWidgets as w",
            "importlib.import_module('PySide6.QtGui')",
            "__import__('shiboken6')",
            "from .PySide6 import nothing",  # relative: a local module, not Qt
            "import PySide6ish",
        ]
    )
    assert _qt_imports(source) == [
        "line 1: PySide6",
        "line 2: PySide6.QtCore",
        "line 4: PySide6.QtWidgets",
        "line 5: PySide6.QtGui",
        "line 6: shiboken6",
    ]


def test_importing_every_module_outside_ui_loads_no_qt() -> None:
    # The test process itself has Qt loaded (pytest-qt), so look from a fresh one.
    names = [
        "vismadesk." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
        for p in _outside_ui()
        if p.name != "__main__.py"
    ]
    names = [n.removesuffix(".__init__") for n in names]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except ImportError:\n"
        "        pass  # a layer still being written; the source scan covers it\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'shiboken6'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "[]"
