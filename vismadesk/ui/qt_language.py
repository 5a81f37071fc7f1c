"""Qt's own words (a line editor's context menu, standard dialog buttons) in the window's
language, from the translations that come with Qt."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from vismadesk.i18n import Language

_installed: list[QTranslator] = []


def install(lang: Language) -> bool:
    """Use Qt's catalogue for `lang` (none for English); False when Qt has none."""
    app = QCoreApplication.instance()
    for old in _installed:
        if app is not None:
            app.removeTranslator(old)
    _installed.clear()
    QLocale.setDefault(
        QLocale(
            QLocale.Language.Dutch if lang == "nl" else QLocale.Language.English,
            QLocale.Country.Netherlands if lang == "nl" else QLocale.Country.UnitedKingdom,
        )
    )
    if lang == "en" or app is None:
        return True
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(f"qtbase_{lang}", folder):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
