"""The command line, round two (issue #16), in English and in Dutch: a fix line under an
error names the commands to run, never the window's buttons and settings; `vismadesk log
--demo` says why it prints nothing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from vismadesk import i18n, messages
from vismadesk.cli import main
from vismadesk.domain import ExitCode, Level
from vismadesk.i18n import Language

# What only the window has: its buttons, tabs and settings fields.
WINDOW_WORDS = {
    "en": re.compile(
        r"Turn on|Turn off|[Cc]lick|button|Advanced settings|Work orders tab|Test connection"
        r"|in the settings(?! \(`)"
    ),
    "nl": re.compile(
        r"[Kk]lik|knop|bij Geavanceerd|tabblad|Verbinding testen|Zet (Nieuw|Werkbonnummer)"
        r"|in de instellingen(?! \(`)"
    ),
}
# The language each case runs in: the demo takes the system's (LANG).
LANG = {"en": "en_GB.UTF-8", "nl": "nl_NL.UTF-8"}


@pytest.fixture
def system_language(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Set the system's language for one command; English again afterwards (process-wide)."""

    def choose(lang: str) -> None:
        for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setenv("LANG", LANG[lang])

    yield choose
    i18n.set_language("en")


def _values(msg: messages.Message) -> dict[str, object]:
    names = set(msg.fields) | {"work_order", "section", "max", "number"}
    return {name: "WB00012" if name == "work_order" else "X" for name in names}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_fix_line_names_a_window_action(lang: Language) -> None:
    for msg in messages.CATALOGUE.values():
        if msg.level is not Level.ERROR:
            continue
        line = msg.hint_shown(_values(msg), lang=lang, cli=True)
        assert not WINDOW_WORDS[lang].search(line), (msg.code, line)
        window = msg.hint_shown(_values(msg), lang=lang)
        if WINDOW_WORDS[lang].search(window):
            # The window's hint names a button or field: the command line names a command
            # (or, for secrets, which never go through `config`, the environment variable).
            assert "`vismadesk " in line or "VISMADESK_" in line, (msg.code, line)


@pytest.mark.parametrize(
    ("lang", "run"),
    [("en", "Run `vismadesk config set new_material true`"), ("nl", "Voer `vismadesk config")],
)
def test_a_demo_export_prints_fix_lines_with_commands(
    lang: str, run: str, system_language, capsys: pytest.CaptureFixture[str]
) -> None:
    system_language(lang)
    assert main(["export", "--demo"]) == ExitCode.SOME_FAILED
    out = capsys.readouterr().out
    fixes = [line.strip() for line in out.splitlines() if line.startswith("          ")]
    label = {"en": "fix:", "nl": "oplossing:"}[lang]
    assert fixes and all(f.startswith(label) for f in fixes), fixes
    material = next(f for f in fixes if "new_material" in f)
    assert run in material
    assert re.search(r"`vismadesk reset WB\d+`", material)
    assert not any(WINDOW_WORDS[lang].search(f) for f in fixes), fixes
    # The run's summary points up at the error lines: on a terminal they come first.
    summary = fixes[-1]
    assert {"en": "error lines above", "nl": "foutregels hierboven"}[lang] in summary


@pytest.mark.parametrize(
    ("lang", "why"),
    [
        ("en", "The log is empty: --demo starts every command on a fresh sandbox"),
        ("nl", "Het logboek is leeg: --demo"),
    ],
)
def test_log_demo_says_why_it_prints_nothing(
    lang: str, why: str, system_language, capsys: pytest.CaptureFixture[str]
) -> None:
    system_language(lang)
    assert main(["log", "--demo"]) == ExitCode.OK
    printed = capsys.readouterr()
    assert printed.out == ""  # a script reading the log gets nothing
    assert printed.err.startswith(why)
    assert "vismadesk --demo" in printed.err


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_an_empty_log_says_so_on_an_ordinary_profile_too(
    lang: Language, system_language, capsys: pytest.CaptureFixture[str]
) -> None:
    system_language(lang)
    assert main(["log"]) == ExitCode.OK
    assert main(["log", "--errors"]) == ExitCode.OK
    empty, no_errors = capsys.readouterr().err.splitlines()
    assert empty == i18n.gettext(
        "The log is empty: nothing was exported or synced with this profile yet.", lang=lang
    )
    assert (
        no_errors == {"en": "The log has no errors.", "nl": "Het logboek bevat geen fouten."}[lang]
    )
