"""Translations and locale-correct numbers, amounts and dates, for every layer.

One gettext catalogue (`resources/translations/<lang>/LC_MESSAGES/vismadesk.mo`) serves
the window, the log's messages and fixes, the command line and the sandbox's sign-in
page; nothing here imports Qt. The English texts are the msgids, so English needs no
catalogue and the seed's messages stay word for word in English.

Marking a text (the rule; `tools/i18n.py` extracts what is marked):

- Built where it is shown, inside a function: `_("Export work orders")`.
- A module-level constant, a dataclass field or a dict of labels: `N_("...")`. It
  returns the English text unchanged and only marks it for extraction; translate it
  where it is shown: `FIX_LABELS = {FixAction.LOGIN: N_("Click Login")}` shows as
  `_(FIX_LABELS[action])`; `Message(code, N_("..."), N_("..."))` renders as
  `_(message.text).format(**values)`.
  Translated at display, never at import, it follows a language switch at run time.
  The constant stays a plain `str` (==, hashing, `str.format` fields, JSON and Qt all
  keep working) and still gives the English text wherever English is needed, such as
  the `summary` of `log --json`. A lazy object would break all of those.
- A plural: `ngettext("{n} work order exported", "{n} work orders exported", n)`, then
  `.format(n=format_number(n))`; as a constant `Plural("...", "...")` and
  `CONSTANT.format(n)` where it is shown.
- Values go into `{name}` fields after translating. Never build a msgid with an f-string
  or `+` (extraction sees only literal strings); a translation keeps the msgid's field
  names (`tools/i18n.py check` refuses one that does not).
- Do not use `_` as a throwaway variable in a module that imports it.
- Numbers, amounts, dates and times a planner reads go through `format_number`,
  `format_amount`, `format_date`, `format_time` and `format_datetime`.

The language is process-wide: English until an entry point calls
`set_language(settings.language)` (and again when the planner picks another one).
`gettext(text, lang="en")` and the `lang=` of every helper give one language without
switching, e.g. the English summary of `log --json` or a page in the browser's language.
Babel is imported only by the formatting helpers: its import costs ~70 ms, which the
start-up of `vismadesk --help` should not pay.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
import os
import sys
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, NamedTuple

Language = Literal["nl", "en"]

SUPPORTED_LANGUAGES: tuple[Language, ...] = ("nl", "en")
# The language of the msgids: what shows when nothing else is chosen or found.
SOURCE_LANGUAGE: Language = "en"
# Values of the `language` setting.
LANGUAGE_SETTINGS: tuple[str, ...] = ("auto", *SUPPORTED_LANGUAGES)
DOMAIN = "vismadesk"


def N_(message: str) -> str:
    """Mark `message` for translation without translating it (see the module's rule)."""
    return message


# Labels for a language menu: each language in its own words, "auto" in the current one.
LANGUAGE_LABELS: dict[str, str] = {
    "auto": N_("System language"),
    "nl": "Nederlands",
    "en": "English",
}


# --- Which language ---------------------------------------------------------------

_DUTCH = {"nl", "nld", "dut", "dutch", "flemish"}
_ENGLISH = {"en", "eng", "english", "c", "posix"}
# POSIX order of precedence for message catalogues.
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_LANG_DUTCH = 0x13  # primary language id of Dutch in a Windows LANGID


def _language_of(tag: str) -> Language | None:
    """nl for any Dutch tag (nl_NL.UTF-8, nl-BE, Dutch_Netherlands.1252), en for English
    or the C locale, None for another language."""
    head = tag.strip().lower().replace("-", "_").split(".")[0].split("@")[0].split("_")[0]
    if head in _DUTCH:
        return "nl"
    if head in _ENGLISH:
        return "en"
    return None


def _language_from_langid(langid: int) -> Language | None:
    if langid & 0x3FF == _LANG_DUTCH:
        return "nl"
    import locale

    name = locale.windows_locale.get(langid)
    return _language_of(name) if name else None


def _windows_ui_langid() -> int | None:
    try:
        import ctypes

        return int(ctypes.windll.kernel32.GetUserDefaultUILanguage())  # type: ignore[attr-defined]
    except (AttributeError, ImportError, OSError):
        return None


def _windows_language() -> Language | None:
    langid = _windows_ui_langid()
    if langid:
        found = _language_from_langid(langid)
        if found:
            return found
    import locale

    try:
        name = locale.getlocale()[0]
    except ValueError:  # a locale name Python cannot parse
        return None
    return _language_of(name) if name else None


def os_language(environ: dict[str, str] | None = None) -> Language:
    """The OS language: the first of LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set
    (LANGUAGE's list is read in order for nl or en), then on Windows the user's UI
    language; Dutch gives nl, anything else en."""
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARIABLES:
        value = env.get(var, "")
        if not value:
            continue
        if var == "LANGUAGE":
            # A preference list such as "fr:nl"; one naming neither nl nor en leaves
            # the choice to the locale.
            for part in value.split(":"):
                if found := _language_of(part):
                    return found
            continue
        return _language_of(value) or SOURCE_LANGUAGE
    if sys.platform == "win32":
        return _windows_language() or SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def resolve_language(setting: str, environ: dict[str, str] | None = None) -> Language:
    """The language a `language` setting (auto, nl, en) stands for."""
    value = setting.strip().lower()
    if value == "auto":
        return os_language(environ)
    if value in SUPPORTED_LANGUAGES:
        return value
    choices = ", ".join(LANGUAGE_SETTINGS)
    raise ValueError(f"unknown language {setting!r}: expected one of {choices}")


# --- Catalogues and the current language -------------------------------------------

_catalogues: dict[str, _gettext.NullTranslations] = {}
_current: Language = SOURCE_LANGUAGE


def catalogue_resource(lang: Language) -> Any:
    """Where the compiled catalogue of `lang` lives (source tree or installed wheel)."""
    # Imported here: importlib.resources costs more start-up than this whole module.
    from vismadesk import assets

    return assets.resource("translations", lang, "LC_MESSAGES", f"{DOMAIN}.mo")


def translations(lang: Language) -> _gettext.NullTranslations:
    """The catalogue of `lang`, loaded once. English is the msgids themselves.

    Raises OSError when a non-English catalogue is missing from the installation.
    """
    found = _catalogues.get(lang)
    if found is None:
        if lang == SOURCE_LANGUAGE:
            found = _gettext.NullTranslations()
        else:
            with catalogue_resource(lang).open("rb") as f:
                found = _gettext.GNUTranslations(f)
        _catalogues[lang] = found
    return found


def set_language(setting: str) -> Language:
    """Switch the whole process to `setting` (auto, nl, en); returns the language now in
    effect. A missing catalogue leaves English in effect (and says so in the log)."""
    global _current
    lang = resolve_language(setting)
    try:
        translations(lang)
    except OSError as e:
        import logging

        logging.getLogger(__name__).warning(
            "The %s translation could not be loaded (%s); texts stay in English.", lang, e
        )
        lang = SOURCE_LANGUAGE
    _current = lang
    return lang


def current_language() -> Language:
    return _current


def _catalogue(lang: Language | None) -> _gettext.NullTranslations:
    try:
        return translations(lang or _current)
    except OSError:
        return translations(SOURCE_LANGUAGE)


def gettext(message: str, *, lang: Language | None = None) -> str:
    """`message` in the current language (or `lang`); the English text if untranslated."""
    return _catalogue(lang).gettext(message)


_ = gettext


def ngettext(singular: str, plural: str, n: int, *, lang: Language | None = None) -> str:
    """The form of a counted text that fits `n`: "1 work order", "2 work orders"."""
    return _catalogue(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str, *, lang: Language | None = None) -> str:
    """For one English word that needs two translations, told apart by `context`."""
    return _catalogue(lang).pgettext(context, message)


class Plural(NamedTuple):
    """A counted text kept as a constant; the extractor knows `Plural(singular, plural)`."""

    singular: str
    plural: str

    def text(self, n: int, *, lang: Language | None = None) -> str:
        """The translated template for `n`, fields still unfilled."""
        return ngettext(self.singular, self.plural, n, lang=lang)

    def format(self, n: int, *, lang: Language | None = None, **values: object) -> str:
        """Filled: `{n}` becomes `n` written as a number in the language."""
        return self.text(n, lang=lang).format(n=format_number(n, lang=lang), **values)


# --- Numbers, amounts, dates -------------------------------------------------------

# Babel locales per language: Dutch as in the Netherlands; English with the 24-hour
# clock and day-month order a Dutch office expects.
_BABEL_LOCALES: dict[Language, str] = {"nl": "nl_NL", "en": "en_GB"}
# Fixed patterns (not CLDR's defaults, which change between Babel versions): the same
# date reads the same in every list, dialog and command.
_DATE_PATTERNS: dict[Language, str] = {"nl": "dd-MM-yyyy", "en": "d MMM yyyy"}
_CENT = Decimal("0.01")
Number = int | float | Decimal


def _locale(lang: Language | None) -> str:
    return _BABEL_LOCALES[lang or _current]


def format_number(
    value: Number, *, decimals: int | None = None, lang: Language | None = None
) -> str:
    """1234.5 → "1.234,5" (nl) / "1,234.5" (en); `decimals` fixes the decimal places."""
    from babel.numbers import format_decimal

    if decimals is None:
        return format_decimal(value, locale=_locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = _to_decimal(value).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(rounded, format=pattern, locale=_locale(lang))


def format_amount(
    value: Number, *, currency: str | None = None, lang: Language | None = None
) -> str:
    """An amount with cents, rounded half away from zero as on an invoice:
    1234.5 → "1.234,50" (nl) / "1,234.50" (en); with `currency="EUR"` "€ 1.234,50"."""
    rounded = _to_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    if currency is None:
        return format_number(rounded, decimals=2, lang=lang)
    from babel.numbers import format_currency

    return format_currency(rounded, currency, locale=_locale(lang))


def _to_decimal(value: Number) -> Decimal:
    # Through str so that 2.675 (stored as 2.67499...) rounds as it reads.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _local(moment: dt.datetime) -> dt.datetime:
    # Stored times are UTC; a planner reads them on the local clock.
    return moment.astimezone() if moment.tzinfo is not None else moment


def format_date(day: dt.date, *, lang: Language | None = None) -> str:
    """2026-12-01 → "01-12-2026" (nl) / "1 Dec 2026" (en)."""
    from babel.dates import format_date as babel_date

    if isinstance(day, dt.datetime):
        day = _local(day).date()
    return babel_date(day, _DATE_PATTERNS[lang or _current], locale=_locale(lang))


def format_time(
    moment: dt.time | dt.datetime, *, seconds: bool = False, lang: Language | None = None
) -> str:
    """24-hour in both languages: "14:05" (or "14:05:09")."""
    from babel.dates import format_time as babel_time

    if isinstance(moment, dt.datetime):
        moment = _local(moment).time()
    return babel_time(moment, "HH:mm:ss" if seconds else "HH:mm", locale=_locale(lang))


def format_datetime(
    moment: dt.datetime, *, seconds: bool = False, lang: Language | None = None
) -> str:
    """ "01-12-2026 14:05" (nl) / "1 Dec 2026 14:05" (en), on the local clock."""
    local = _local(moment)
    return f"{format_date(local, lang=lang)} {format_time(local, seconds=seconds, lang=lang)}"


def format_minutes(n: int, *, lang: Language | None = None) -> str:
    """ "1 minute", "15 minutes" / "1 minuut", "15 minuten"."""
    return ngettext("{n} minute", "{n} minutes", n, lang=lang).format(n=format_number(n, lang=lang))


__all__ = [
    "DOMAIN",
    "LANGUAGE_LABELS",
    "LANGUAGE_SETTINGS",
    "N_",
    "SOURCE_LANGUAGE",
    "SUPPORTED_LANGUAGES",
    "Language",
    "Plural",
    "_",
    "catalogue_resource",
    "current_language",
    "format_amount",
    "format_date",
    "format_datetime",
    "format_minutes",
    "format_number",
    "format_time",
    "gettext",
    "ngettext",
    "os_language",
    "pgettext",
    "resolve_language",
    "set_language",
    "translations",
]
