"""Dutch and English: the menu choice at run time, the OS language by default, the log in
today's language from each entry's code and values, and every text translated."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.sandbox_api import authorize_url, pkce
from tests.helpers.window import finish
from vismadesk import i18n, messages
from vismadesk.cli import main
from vismadesk.demo import DemoSession
from vismadesk.domain import Action, Level
from vismadesk.engine.runs import RunLog
from vismadesk.i18n import Plural
from vismadesk.profile import Profile
from vismadesk.sandbox.signin_page import page_language, render_sign_in
from vismadesk.ui import texts
from vismadesk.ui.help_dialog import help_html
from vismadesk.ui.log_rows import summary_of
from vismadesk.ui.main_window import MainWindow

PACKAGE = Path(messages.__file__).parent


def rows(window: MainWindow) -> list[str]:
    proxy = window.log_panel.proxy
    return [summary_of(proxy.index(r, 0)) for r in range(proxy.rowCount())]


def test_view_language_switches_the_window_at_once_and_keeps_the_choice(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    log = RunLog(demo.context.store, Action.EXPORT, "run1")
    log.emit(messages.MATERIAL_NOT_IN_VISMA, material="C101040", work_order="WB00012")
    log.emit(messages.EXPORT_DONE, count=1)
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=10_000)
    assert rows(window)[0] == "1 work order exported"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Actions", "&Connection", "&View", "&Help"]

    window.language_actions["nl"].trigger()
    assert i18n.current_language() == "nl"
    assert demo.context.settings.language == "nl"
    saved = json.loads(demo.context.profile.settings_path.read_text())
    assert saved["language"] == "nl"
    assert [a.text() for a in window.menuBar().actions()] == [
        "&Bestand",
        "&Acties",
        "&Verbinding",
        "Beel&d",
        "&Help",
    ]
    assert window.language_menu.title() == "&Taal"
    assert window.actions_by_kind[next(iter(window.actions_by_kind))].text() == (
        "Werkbonnen exporteren"
    )
    assert window.header.headline.text() == "Niet ingelogd bij VISMA.net"
    assert window.header.login_button.text() == "Inloggen"
    assert window.header.lights["connection"].label.text() == "Niet gekoppeld"
    assert window.tabs.tabText(0) == "Synchronisatielogboek"
    assert window.form.sales_invoice.text() == "Verkoopfactuur"
    export_format = window.form.findChild(type(window.header.headline), "label_export_format")
    assert export_format is not None and export_format.text() == "Werkbon versturen als"
    assert "ingebouwde sandbox" in window.banner.text()
    # The rows are read again: the stored code and values, in Dutch now.
    qtbot.waitUntil(
        lambda: (
            rows(window)
            == [
                "1 werkbon geëxporteerd",
                "Materiaal C101040 op werkbon WB00012 niet gevonden in VISMA.net",
            ]
        ),
        timeout=10_000,
    )
    # The stored summary stays English (what `log --json` prints).
    assert demo.context.store.log_page(limit=1)[0].summary == "1 work order exported"

    window.language_actions["en"].trigger()
    assert window.header.headline.text() == "Not signed in to VISMA.net"
    qtbot.waitUntil(lambda: rows(window)[:1] == ["1 work order exported"], timeout=10_000)


def test_auto_follows_the_os_language(qtbot, demo: DemoSession, make_window, monkeypatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    assert demo.context.settings.language == "auto"
    window: MainWindow = make_window(demo)
    window.apply_language()
    assert window.header.headline.text() == "Niet ingelogd bij VISMA.net"
    assert window.language_actions["auto"].isChecked()
    assert window.language_actions["auto"].text() == "Systeemtaal"


def test_saving_the_language_in_the_settings_switches_too(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    form = window.form
    form.language.setCurrentIndex(form.language.findData("nl"))
    assert form.save()
    assert i18n.current_language() == "nl"
    assert form.save_button.text() == "Opslaan"


def test_an_entry_written_before_values_were_kept_still_shows_in_dutch(
    qtbot, demo: DemoSession, make_window, dutch
) -> None:
    from vismadesk.domain import LogEntry

    demo.context.store.add_log(
        LogEntry(
            Action.EXPORT,
            Level.ERROR,
            "Relation 10040 on work order WB00007 not found in VISMA.net",
            code=messages.RELATION_NOT_IN_VISMA.code,
        )
    )
    window: MainWindow = make_window(demo)
    qtbot.waitUntil(
        lambda: rows(window) == ["Relatie 10040 op werkbon WB00007 niet gevonden in VISMA.net"],
        timeout=10_000,
    )


def test_in_english_the_troubleshooting_messages_stay_word_for_word(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    log = RunLog(demo.context.store, Action.EXPORT, "run1")
    expected = []
    for msg in messages.seed_messages():
        values: dict[str, Any] = {f: "X" if f != "work_order" else "Y" for f in msg.fields}
        log.emit(msg, **values)
        expected.append(msg.render(**values))
    qtbot.waitUntil(lambda: len(rows(window)) == len(expected), timeout=10_000)
    assert rows(window) == expected[::-1]
    assert set(expected) >= {
        "Material X on work order Y not found in VISMA.net",
        "API token invalid. Please reauthenticate",
        "Error creating customer in VISMA.net",
        "Niks te importeren/exporteren",
    }


def test_a_search_finds_the_dutch_words_shown(qtbot, demo: DemoSession, make_window, dutch) -> None:
    window: MainWindow = make_window(demo)
    log = RunLog(demo.context.store, Action.EXPORT, "run1")
    log.emit(messages.MATERIAL_NOT_IN_VISMA, material="C101040", work_order="WB00012")
    log.emit(messages.EXPORT_DONE, count=3)
    panel = window.log_panel
    qtbot.waitUntil(lambda: len(rows(window)) == 2, timeout=10_000)
    with qtbot.waitSignal(panel.model.reloaded):
        panel.set_search("niet gevonden")
    assert rows(window) == ["Materiaal C101040 op werkbon WB00012 niet gevonden in VISMA.net"]
    with qtbot.waitSignal(panel.model.reloaded):
        panel.set_search("geëxporteerd")
    assert rows(window) == ["3 werkbonnen geëxporteerd"]


def test_the_help_page_is_in_the_windows_language(qtbot, demo: DemoSession, make_window) -> None:
    window: MainWindow = make_window(demo)
    english = help_html()
    for check in texts.HELP_QUICK_CHECKS:
        assert check in english
    assert "Where do I find the sync log?" in english
    assert "Is “Niks te importeren/exporteren” an error?" in english
    assert "Material X on work order Y not found in VISMA.net" in english
    dialog = window.open_help()
    assert dialog.isVisible()
    assert "A work order failed with error status. What should I do?" in (
        dialog.browser.toPlainText()
    )
    window.set_language("nl")
    dutch = help_html()
    assert "Eerst snel controleren" in dutch and "Veelgestelde vragen" in dutch
    assert "de verbinding is nog actief" in dutch
    assert "Is “Niks te importeren/exporteren” een fout?" in dutch
    assert "Materiaal X op werkbon Y niet gevonden in VISMA.net" in dutch


def test_the_sandbox_sign_in_page_speaks_the_language_asked_for(demo: DemoSession) -> None:
    assert page_language("nl", None) == "nl"
    assert page_language(None, "de-DE,nl;q=0.8,en;q=0.5") == "nl"
    assert page_language(None, "en-GB,nl;q=0.9") == "en"
    assert page_language(None, None) == "en"
    page = render_sign_in(
        sign_in_id="x",
        client_id="c",
        scopes=("openid",),
        tenants=[("t", "Demo", "ERP")],
        user="",
        demo_user="u",
        demo_password="p",
        lang="nl",
    )
    assert '<html lang="nl">' in page and "Toestaan" in page and "Wachtwoord" in page
    # Over HTTP, from the program's ui_locales and from a browser's Accept-Language.
    _verifier, challenge = pkce()
    redirect = "http://127.0.0.1:9/callback"
    asked = httpx.get(authorize_url(demo.sandbox, redirect, challenge, "s", ui_locales="nl"))
    assert "Inloggen" in asked.text and "Weigeren" in asked.text
    browser = httpx.get(
        authorize_url(demo.sandbox, redirect, challenge, "s"),
        headers={"Accept-Language": "nl-NL,nl;q=0.9"},
    )
    assert "Wachtwoord" in browser.text
    plain = httpx.get(authorize_url(demo.sandbox, redirect, challenge, "s"))
    assert "Password" in plain.text and "Approve" in plain.text


def test_the_program_asks_the_sign_in_page_for_its_language(demo: DemoSession) -> None:
    i18n.set_language("nl")
    url = demo.context.tokens.authorize_url("http://127.0.0.1:9/cb", "s", "c")
    assert "ui_locales=nl" in url


def test_the_command_line_speaks_the_profiles_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "show this help message and exit" in capsys.readouterr().out
    assert main(["config", "set", "language", "nl"]) == 0
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("gebruik: vismadesk")
    assert "deze hulp tonen en stoppen" in out
    assert "het synchronisatielogboek tonen, nieuwste eerst" in out
    assert Profile.platform_default().settings_path.exists()


# --- every text has its Dutch ---------------------------------------------------------


def _constants(module: object) -> list[str]:
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, Plural):
            found.append(value.singular)  # the catalogue keys a plural by its singular
        elif isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, tuple | list):
            for v in value:
                walk(v)

    for name, value in vars(module).items():
        if name.isupper() and name not in ("APP_TITLE", "WINDOW_TITLE"):
            walk(value)
    return found


def _dutch_ids() -> set[str]:
    table = i18n.translations("nl")._catalog  # type: ignore[attr-defined]
    return {k if isinstance(k, str) else k[0] for k in table}


def test_every_window_text_and_every_message_has_its_dutch() -> None:
    known = _dutch_ids()
    window = [t for t in _constants(texts) if t not in known]
    assert window == [], f"texts.py: not in the Dutch catalogue (mark with N_, translate): {window}"
    for msg in messages.CATALOGUE.values():
        for text in (msg.text, msg.hint, msg.cli_hint):
            assert text is None or text in known, (msg.code, text)
    for label in (*messages.FIX_LABELS.values(), *messages.ACTION_NAMES.values()):
        assert label in known


def test_no_marked_text_hides_inside_an_f_string() -> None:
    """The extractor does not look inside f-strings: a text marked there is never
    translated (and no test of the catalogue would notice)."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.JoinedStr):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Name)
                    and call.func.id in ("_", "N_", "gettext", "ngettext")
                    and call.args
                    and isinstance(call.args[0], ast.Constant)
                ):
                    hidden.append(f"{path.relative_to(PACKAGE)}:{call.lineno}")
    assert hidden == []


def test_a_language_switch_during_a_run_leaves_the_run_alone(
    qtbot, demo: DemoSession, make_window
) -> None:
    window: MainWindow = make_window(demo)
    demo.context.settings.export_format = None

    def start_then_switch() -> bool:
        started = window.export_work_orders()
        window.set_language("nl")
        return started

    result = finish(qtbot, window, start_then_switch)
    assert result is not None
    dutch = messages.EXPORT_FORMAT_MISSING.shown({}, lang="nl")
    assert dutch.startswith("Geef aan of de werkbon")
    qtbot.waitUntil(lambda: rows(window)[:1] == [dutch], timeout=10_000)
