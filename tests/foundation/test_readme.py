"""The README stays true: the troubleshooting page's messages word for word, the quick
start, every command."""

from __future__ import annotations

import re
from pathlib import Path

from vismadesk import messages
from vismadesk.cli.parser import build_parser
from vismadesk.config import SETTING_KEYS
from vismadesk.keyring_store import ENV_OVERRIDES

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _table_messages() -> list[str]:
    section = README.split("## When something goes wrong", 1)[1].split("\n## ", 1)[0]
    return [m.group(1) for m in re.finditer(r"^\| (.+?) \| .+ \|$", section, re.MULTILINE)]


def test_every_page_message_is_in_the_table_as_the_troubleshooting_page_writes_it() -> None:
    rows = _table_messages()
    expected = [
        m.render(**{f: "X" if f in {"material", "relation"} else "Y" for f in m.fields})
        for m in messages.seed_messages()
    ]
    assert [r for r in rows if r not in {"message"}] == expected


def test_quick_start_is_exactly_the_two_commands() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert block.group(1).splitlines() == ["uv run vismadesk --demo", "uv run pytest"]
    assert "No uv yet? `python -m pip install uv`" in section


def test_every_command_setting_and_variable_is_documented() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"`vismadesk {name}" in README, name
    for key in SETTING_KEYS:
        assert f"`{key}`" in README, key
    for var in [*ENV_OVERRIDES.values(), "VISMADESK_PROFILE", "VISMADESK_CLIENT_ID"]:
        assert f"`{var}`" in README, var
    assert messages.KEYRING_UNAVAILABLE.text in README
