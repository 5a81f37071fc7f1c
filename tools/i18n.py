"""Keep the translation catalogues in step with the code.

    uv run python tools/i18n.py extract   # marked texts in vismadesk/ -> vismadesk.pot
    uv run python tools/i18n.py update    # merge the .pot into each language's .po
    uv run python tools/i18n.py compile   # .po -> .mo (committed: the app needs no build)
    uv run python tools/i18n.py check     # exit 1 when any of the above is left undone
    uv run python tools/i18n.py todo      # the untranslated texts, as JSON to fill in
    uv run python tools/i18n.py apply F   # fill in translations from such a JSON file

After adding or changing a marked text: extract, update, translate the new entries in
resources/translations/nl/LC_MESSAGES/vismadesk.po in the words Dutch planners know
(werkbon, relatie, materiaal, verkooporder, verkoopfactuur, werkstatus), compile, and
commit all three files. `check` (run by the tests) compares
contents, not file times: a git checkout gives every file the time of the checkout.
"""

from __future__ import annotations

import argparse
import gettext
import io
import json
import string
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "vismadesk"
TRANSLATIONS = ROOT / "resources" / "translations"
POT = TRANSLATIONS / "vismadesk.pot"
LOCALES = ("nl",)
KEYWORDS = {**DEFAULT_KEYWORDS, "Plural": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
# Without line numbers a moved line does not change the catalogues.
WRITE_OPTIONS: dict[str, Any] = {"width": 88, "include_lineno": False}

Key = tuple[str, str | None]  # (msgid, context)


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "vismadesk.po"


def mo_path(locale: str) -> Path:
    return po_path(locale).with_suffix(".mo")


def _key(message: Message) -> Key:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return (msgid, message.context)


def _entries(catalog: Catalog) -> Iterator[Message]:
    return (m for m in catalog if m.id)


# --- extract --------------------------------------------------------------------------


def _version() -> str:
    init = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    return init.split('__version__ = "', 1)[1].split('"', 1)[0]


def new_catalog(locale: str | None = None) -> Catalog:
    what = f"{locale} translations" if locale else "texts to translate (made by `extract`)"
    return Catalog(
        locale=locale,
        header_comment=f"# vismadesk: {what}; see tools/i18n.py.\n",
        project="vismadesk",
        version=_version(),
        copyright_holder="the vismadesk developers",
        msgid_bugs_address="",
        last_translator="the vismadesk developers",
        language_team=locale or "",
        charset="utf-8",
        fuzzy=False,
    )


def extract_catalog() -> Catalog:
    catalog = new_catalog()
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        location = (f"vismadesk/{Path(filename).as_posix()}", lineno)
        catalog.add(message, None, [location], auto_comments=comments, context=context)
    return catalog


def _render_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, **WRITE_OPTIONS)
    return out.getvalue()


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def cmd_extract() -> int:
    catalog = extract_catalog()
    if POT.exists():
        # Same texts: keep the old creation date, so the file does not change at all.
        with POT.open("rb") as f:
            catalog.creation_date = read_po(f).creation_date
    changed = _write_if_changed(POT, _render_po(catalog))
    count = sum(1 for _m in _entries(catalog))
    print(f"{POT.relative_to(ROOT)}: {count} texts{'' if changed else ', unchanged'}")
    return 0


# --- update ---------------------------------------------------------------------------


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=locale)


def cmd_update() -> int:
    template = _read(POT)
    for locale in LOCALES:
        path = po_path(locale)
        catalog = _read(path, locale) if path.exists() else new_catalog(locale)
        # A fuzzy guess is a wrong translation shown to a planner: new texts stay untranslated.
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        changed = _write_if_changed(path, _render_po(catalog))
        todo = len(list(_untranslated(catalog)))
        state = "updated" if changed else "unchanged"
        print(f"{path.relative_to(ROOT)}: {state}, {todo} to translate")
    return 0


# --- compile --------------------------------------------------------------------------


def _compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def cmd_compile() -> int:
    status = 0
    for locale in LOCALES:
        catalog = _read(po_path(locale), locale)
        problems = list(_field_problems(catalog))
        if problems:
            print(f"{po_path(locale).relative_to(ROOT)}: not compiled:", *problems, sep="\n  ")
            status = 1
            continue
        changed = _write_if_changed(mo_path(locale), _compiled(catalog))
        print(f"{mo_path(locale).relative_to(ROOT)}: {'written' if changed else 'unchanged'}")
    return status


# --- check ----------------------------------------------------------------------------


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple | list) else [message.string]
    return not message.fuzzy and bool(strings) and all(strings)


def _untranslated(catalog: Catalog) -> Iterator[Message]:
    return (m for m in _entries(catalog) if not _translated(m))


def _fields(text: str) -> set[str] | None:
    """The `{name}` fields of a text, or None when it is no format string at all."""
    try:
        return {f for _t, f, _s, _c in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return None


def _field_problems(catalog: Catalog) -> Iterator[str]:
    """Translations whose `{fields}` differ from the English: filling them would fail
    (an unknown field) or drop a value (a missing one)."""
    for message in _entries(catalog):
        if not _translated(message):
            continue
        ids = list(message.id) if isinstance(message.id, tuple | list) else [message.id]
        wanted = [_fields(i) for i in ids]
        if any(w is None for w in wanted):
            continue
        allowed = set().union(*wanted)  # type: ignore[arg-type]
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        for text in strings:
            assert text is not None  # _translated: every form is filled in
            got = _fields(text)
            # A plural form may leave out the count ("één werkbon"); nothing may be added.
            ok = got is not None and (got <= allowed if len(ids) > 1 else got == allowed)
            if not ok:
                yield (
                    f"{ids[0]!r}: the translation {text!r} has fields {sorted(got or [])}, "
                    f"the English {sorted(allowed)}"
                )


def _keys(messages: Iterable[Message]) -> set[Key]:
    return {_key(m) for m in messages}


def _describe(keys: Iterable[Key]) -> str:
    return ", ".join(repr(k[0]) + (f" (context {k[1]!r})" if k[1] else "") for k in sorted(keys))


def _mo_table(data: bytes) -> dict[object, str]:
    table = dict(gettext.GNUTranslations(io.BytesIO(data))._catalog)  # type: ignore[attr-defined]
    table.pop("", None)  # the header: dates and the Babel version, not translations
    return table


def check_problems() -> list[str]:
    problems: list[str] = []
    if not POT.exists():
        return [f"{POT.relative_to(ROOT)} is missing: run `tools/i18n.py extract`"]
    template = _read(POT)
    in_code, in_pot = _keys(_entries(extract_catalog())), _keys(_entries(template))
    if in_code != in_pot:
        if new := in_code - in_pot:
            problems.append(f"marked in the code but not in the .pot: {_describe(new)}")
        if gone := in_pot - in_code:
            problems.append(f"in the .pot but no longer in the code: {_describe(gone)}")
        problems.append("run `tools/i18n.py extract`, then `update`")
    for locale in LOCALES:
        po, mo = po_path(locale), mo_path(locale)
        if not po.exists():
            problems.append(f"{po.relative_to(ROOT)} is missing: run `tools/i18n.py update`")
            continue
        catalog = _read(po, locale)
        in_po = _keys(_entries(catalog))
        if missing := in_pot - in_po:
            problems.append(
                f"{locale}: not merged from the .pot yet (run `update`): {_describe(missing)}"
            )
        if extra := in_po - in_pot:
            problems.append(f"{locale}: no longer in the .pot (run `update`): {_describe(extra)}")
        if todo := _keys(_untranslated(catalog)) & in_pot:
            problems.append(f"{locale}: no translation (or marked fuzzy): {_describe(todo)}")
        problems += [f"{locale}: {p}" for p in _field_problems(catalog)]
        if not mo.exists():
            problems.append(f"{mo.relative_to(ROOT)} is missing: run `tools/i18n.py compile`")
        elif _mo_table(mo.read_bytes()) != _mo_table(_compiled(catalog)):
            problems.append(f"{mo.relative_to(ROOT)} differs from the .po: run `compile`")
    return problems


def cmd_check() -> int:
    problems = check_problems()
    for p in problems:
        print(f"i18n: {p}", file=sys.stderr)
    if not problems:
        print("i18n: catalogues up to date")
    return 1 if problems else 0


# --- todo / apply ---------------------------------------------------------------------
# Translations kept as {English: Dutch} JSON survive a merge of two branches that both
# touched the .po: take either .po, `update`, then `apply` each branch's file.


def cmd_todo() -> int:
    for locale in LOCALES:
        catalog = _read(po_path(locale), locale)
        todo: dict[str, str | list[str]] = {}
        for message in _untranslated(catalog):
            msgid = _key(message)[0]
            todo[msgid] = [""] * len(message.id) if isinstance(message.id, tuple | list) else ""
        print(json.dumps(todo, ensure_ascii=False, indent=1))
    return 0


def cmd_apply(files: list[str]) -> int:
    wanted: dict[str, str | list[str]] = {}
    for name in files:
        wanted.update(json.loads(Path(name).read_text(encoding="utf-8")))
    for locale in LOCALES:
        path = po_path(locale)
        catalog = _read(path, locale)
        filled = 0
        for message in _entries(catalog):
            text = wanted.get(_key(message)[0])
            if not text or _translated(message):
                continue
            message.string = tuple(text) if isinstance(message.id, tuple | list) else text
            message.flags.discard("fuzzy")
            filled += 1
        _write_if_changed(path, _render_po(catalog))
        left = len(list(_untranslated(catalog)))
        print(f"{path.relative_to(ROOT)}: {filled} filled in, {left} to translate")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "command", choices=["extract", "update", "compile", "check", "todo", "apply"]
    )
    parser.add_argument("files", nargs="*", help="for apply: JSON files of translations")
    args = parser.parse_args(argv)
    if args.command == "apply":
        return cmd_apply(args.files)
    return {
        "extract": cmd_extract,
        "update": cmd_update,
        "compile": cmd_compile,
        "check": cmd_check,
        "todo": cmd_todo,
    }[args.command]()


if __name__ == "__main__":
    sys.exit(main())
