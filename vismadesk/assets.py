"""Files from `resources/` (icons, demo data, pages), found through importlib.resources.

An installed wheel carries them inside the package as `vismadesk/_resources`; a
source checkout (what `uv run` uses) reads the top-level `resources/` directory.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path


def resources_root() -> Traversable:
    bundled = files("vismadesk").joinpath("_resources")
    if bundled.is_dir():
        return bundled
    return Path(str(files("vismadesk"))).parent / "resources"


def resource(*parts: str) -> Traversable:
    return resources_root().joinpath(*parts)


def read_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()


__all__ = ["as_file", "read_bytes", "read_text", "resource", "resources_root"]
