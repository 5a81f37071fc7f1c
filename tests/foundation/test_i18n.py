"""Dutch and English: the OS language by default, a switch at run time, Dutch numbers and
dates, and catalogues that are complete and compiled."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from vismadesk import assets, i18n
from vismadesk.cli import main
from vismadesk.config import Settings, load_settings
from vismadesk.domain import ExitCode
from vismadesk.i18n import N_, Plural, _, ngettext
from vismadesk.profile import Profile

REPO = Path(__file__).resolve().parents[2]
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """The language is process-wide: every test starts and ends in English."""
    catalogues = dict(i18n._catalogues)
    i18n.set_language("en")
    yield
    i18n._catalogues.clear()
    i18n._catalogues.update(catalogues)
    i18n.set_language("en")


@pytest.fixture
def no_locale(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for var in LOCALE_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


# --- Which language -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("nl_NL.UTF-8", "nl"), ("nl_BE.UTF-8", "nl"), ("en_US", "en"), ("C", "en"), ("de_DE", "en")],
)
def test_auto_follows_lang(no_locale: pytest.MonkeyPatch, lang: str, expected: str) -> None:
    no_locale.setenv("LANG", lang)
    assert i18n.resolve_language("auto") == expected
    assert i18n.set_language("auto") == expected
    assert i18n.current_language() == expected


def test_auto_without_any_locale_variable_is_english(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setattr(sys, "platform", "linux")
    assert i18n.resolve_language("auto") == "en"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANGUAGE": "nl:en", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LANGUAGE": "fr:nl", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LANGUAGE": "fr:de", "LANG": "nl_NL.UTF-8"}, "nl"),
        ({"LC_ALL": "nl_NL.UTF-8", "LANG": "en_US.UTF-8"}, "nl"),
        ({"LC_ALL": "C.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "nl_NL.UTF-8"}, "en"),
        ({"LANG": "Dutch_Netherlands.1252"}, "nl"),
    ],
)
def test_locale_variables_in_posix_order(env: dict[str, str], expected: str) -> None:
    assert i18n.os_language(env) == expected


@pytest.mark.parametrize(("langid", "expected"), [(0x0413, "nl"), (0x0813, "nl"), (0x0409, "en")])
def test_on_windows_the_user_interface_language_decides(
    no_locale: pytest.MonkeyPatch, langid: int, expected: str
) -> None:
    no_locale.setattr(sys, "platform", "win32")
    no_locale.setattr(i18n, "_windows_ui_langid", lambda: langid)
    assert i18n.resolve_language("auto") == expected


def test_an_explicit_setting_wins_over_the_os(no_locale: pytest.MonkeyPatch) -> None:
    no_locale.setenv("LANG", "nl_NL.UTF-8")
    assert i18n.resolve_language("en") == "en"
    no_locale.setenv("LANG", "en_US.UTF-8")
    assert i18n.resolve_language("nl") == "nl"
    with pytest.raises(ValueError, match="auto, nl, en"):
        i18n.resolve_language("fr")


# --- Switching at run time ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Note:
    code: str
    text: str


LABELS = {"language": N_("Language")}
NOTE = Note("language", N_("Language"))


def test_a_module_constant_shows_in_the_language_chosen_when_shown() -> None:
    assert _(LABELS["language"]) == "Language"
    assert _(i18n.LANGUAGE_LABELS["auto"]) == "System language"

    i18n.set_language("nl")
    assert _(LABELS["language"]) == "Taal"
    assert _(NOTE.text) == "Taal"
    assert _(i18n.LANGUAGE_LABELS["auto"]) == "Systeemtaal"
    # The constant itself stays English (what `log --json` prints as the summary).
    assert NOTE.text == "Language"
    assert i18n.gettext(NOTE.text, lang="en") == "Language"

    i18n.set_language("en")
    assert _(NOTE.text) == "Language"


def test_untranslated_text_shows_in_english() -> None:
    i18n.set_language("nl")
    assert _("A text nobody translated") == "A text nobody translated"


# --- Plurals --------------------------------------------------------------------------


def test_plural_forms_follow_the_count() -> None:
    counted = Plural("{n} work order exported", "{n} work orders exported")
    assert counted.format(1) == "1 work order exported"
    assert counted.format(2) == "2 work orders exported"
    assert counted.format(0) == "0 work orders exported"
    assert counted.format(1234) == "1,234 work orders exported"
    assert ngettext("{n} work order", "{n} work orders", 1) == "{n} work order"
    assert ngettext("{n} work order", "{n} work orders", 2) == "{n} work orders"


def test_dutch_plurals_come_from_the_catalogue() -> None:
    assert i18n.format_minutes(1) == "1 minute"
    assert i18n.format_minutes(15) == "15 minutes"
    i18n.set_language("nl")
    assert i18n.format_minutes(1) == "1 minuut"
    assert i18n.format_minutes(15) == "15 minuten"
    assert i18n.format_minutes(0) == "0 minuten"
    assert i18n.format_minutes(5, lang="en") == "5 minutes"


# --- Numbers, amounts, dates ----------------------------------------------------------


def test_dutch_numbers_and_amounts_use_a_decimal_comma() -> None:
    i18n.set_language("nl")
    assert i18n.format_number(1234.5) == "1.234,5"
    assert i18n.format_number(1234) == "1.234"
    assert i18n.format_amount(1234.5) == "1.234,50"
    assert i18n.format_amount(Decimal("-1234567.891")) == "-1.234.567,89"
    # A no-break space: the sign never wraps away from its amount.
    assert i18n.format_amount(1234.5, currency="EUR") == "€\u00a01.234,50"


def test_english_numbers_and_amounts_use_a_decimal_point() -> None:
    assert i18n.format_number(1234.5) == "1,234.5"
    assert i18n.format_amount(1234.5) == "1,234.50"
    assert i18n.format_amount(1234.5, lang="nl") == "1.234,50"


@pytest.mark.parametrize(
    ("value", "shown"), [(2.675, "2,68"), (Decimal("2.665"), "2,67"), (-2.665, "-2,67")]
)
def test_amounts_round_half_away_from_zero_as_on_an_invoice(value: object, shown: str) -> None:
    assert i18n.format_amount(value, lang="nl") == shown  # type: ignore[arg-type]


def test_dates_read_dd_mm_yyyy_in_dutch_and_plainly_in_english() -> None:
    day = dt.date(2026, 12, 1)
    i18n.set_language("nl")
    assert i18n.format_date(day) == "01-12-2026"
    assert i18n.format_datetime(dt.datetime(2026, 12, 1, 14, 5, 9)) == "01-12-2026 14:05"
    assert i18n.format_time(dt.time(9, 5, 7), seconds=True) == "09:05:07"
    i18n.set_language("en")
    assert i18n.format_date(day) == "1 Dec 2026"
    assert i18n.format_datetime(dt.datetime(2026, 12, 1, 21, 30)) == "1 Dec 2026 21:30"


@pytest.fixture
def amsterdam(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Amsterdam")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time zones switch only on POSIX")
def test_a_stored_utc_time_shows_on_the_local_clock(amsterdam: None) -> None:
    stored = dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC)
    assert i18n.format_datetime(stored, lang="nl") == "02-12-2026 00:30"
    assert i18n.format_date(stored, lang="nl") == "02-12-2026"


# --- Catalogues -----------------------------------------------------------------------


def test_the_dutch_catalogue_loads_from_the_resources() -> None:
    mo = i18n.catalogue_resource("nl")
    assert mo.is_file()
    assert str(mo).startswith(str(assets.resources_root()))
    catalogue = i18n.translations("nl")
    assert catalogue.info()["language"] == "nl"
    assert catalogue.gettext("Language") == "Taal"


def test_a_missing_catalogue_leaves_english_in_effect(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    i18n._catalogues.pop("nl", None)
    monkeypatch.setattr(i18n, "catalogue_resource", lambda _lang: tmp_path / "missing.mo")
    assert i18n.set_language("nl") == "en"
    assert _("Language") == "Language"
    assert "texts stay in English" in caplog.text


def _tool(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """tools/i18n.py of the tree at `cwd`, run in this process (its paths follow its file):
    the same main() a shell runs, without an interpreter start per step."""
    spec = importlib.util.spec_from_file_location("i18n_tool_under_test", cwd / "tools" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = tool.main(list(args))
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def test_the_committed_catalogues_are_complete_and_compiled() -> None:
    out = _tool("check")
    assert out.returncode == 0, out.stderr
    assert "up to date" in out.stdout


@pytest.fixture
def copy_of_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "vismadesk", root / "vismadesk")
    shutil.copytree(REPO / "tools", root / "tools")
    shutil.copytree(REPO / "resources" / "translations", root / "resources" / "translations")
    return root


def _po(root: Path) -> Path:
    return root / "resources" / "translations" / "nl" / "LC_MESSAGES" / "vismadesk.po"


def test_check_fails_on_a_new_text_until_extracted_translated_and_compiled(
    copy_of_repo: Path,
) -> None:
    module = copy_of_repo / "vismadesk" / "i18n.py"
    module.write_text(
        module.read_text(encoding="utf-8") + '\nEXPORT = N_("Export the weekly work orders")\n',
        encoding="utf-8",
    )
    out = _tool("check", cwd=copy_of_repo)
    assert out.returncode == 1
    assert "'Export the weekly work orders'" in out.stderr and "extract" in out.stderr

    assert _tool("extract", cwd=copy_of_repo).returncode == 0
    assert _tool("update", cwd=copy_of_repo).returncode == 0
    out = _tool("check", cwd=copy_of_repo)
    assert out.returncode == 1
    assert "no translation" in out.stderr and "'Export the weekly work orders'" in out.stderr

    po = _po(copy_of_repo)
    text = po.read_text(encoding="utf-8")
    po.write_text(
        text.replace(
            'msgid "Export the weekly work orders"\nmsgstr ""',
            'msgid "Export the weekly work orders"\nmsgstr "De werkbonnen van de week exporteren"',
        ),
        encoding="utf-8",
    )
    out = _tool("check", cwd=copy_of_repo)
    assert out.returncode == 1
    assert "differs from the .po" in out.stderr

    assert _tool("compile", cwd=copy_of_repo).returncode == 0
    out = _tool("check", cwd=copy_of_repo)
    assert out.returncode == 0, out.stderr


def test_a_translation_with_other_fields_is_refused(copy_of_repo: Path) -> None:
    po = _po(copy_of_repo)
    po.write_text(
        po.read_text(encoding="utf-8").replace('"{n} minuten"', '"{aantal} minuten"'),
        encoding="utf-8",
    )
    out = _tool("check", cwd=copy_of_repo)
    assert out.returncode == 1
    assert "'{aantal} minuten' has fields ['aantal']" in out.stderr
    assert _tool("compile", cwd=copy_of_repo).returncode == 1


# --- The setting ----------------------------------------------------------------------


def test_the_language_setting_defaults_to_auto() -> None:
    assert Settings().language == "auto"
    for value in i18n.LANGUAGE_SETTINGS:
        s = Settings()
        s.set("language", value)
        assert s.language == value


def test_config_set_language_refuses_an_unknown_language(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["config", "set", "language", "nl"]) == ExitCode.OK
    assert main(["config", "set", "language", "xx"]) == ExitCode.CONFIG
    err = capsys.readouterr().err
    # The profile is set to Dutch now, so the command line says "fout" (the setting's
    # own problem text comes from vismadesk.config, in English).
    assert err.strip() == (
        "fout: language: must be auto (the system's language), nl (Dutch) or en (English), not 'xx'"
    )
    assert load_settings(Profile.platform_default().settings_path).settings.language == "nl"


# --- Start-up -------------------------------------------------------------------------


def test_importing_and_switching_loads_neither_qt_nor_babel() -> None:
    code = (
        "import sys\n"
        "from vismadesk import i18n\n"
        "i18n.set_language('nl')\n"
        "assert i18n._('Language') == 'Taal'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'shiboken6', 'babel'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]"
