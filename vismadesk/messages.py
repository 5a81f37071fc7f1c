"""The message catalogue: every text a planner reads in the log, once.

The seed's error messages (OutSmart's "Troubleshoot VISMA.net" page) appear here
word for word; their placeholders X and Y become named fields. Each message has a
stable code (stored with the log entry, so old entries keep their meaning), the
fix as a hint, and where the fix is a setting or a button, a `FixAction` the window
turns into a button. Nothing else in the code spells these texts.

Every text is English and marked with `N_` (see `vismadesk.i18n`): `render` gives
the English sentence the log stores as its summary (and `log --json` prints);
`Message.shown` gives it in the language chosen now, from the code and the values the
log stores with each entry, so an old entry reads in today's language too.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any

from vismadesk.domain import Action, Level
from vismadesk.i18n import (
    N_,
    Language,
    Plural,
    format_datetime,
    format_number,
    gettext,
    ngettext,
)


class FixAction(StrEnum):
    ENABLE_NEW_MATERIAL = "enable_new_material"
    ENABLE_NEW_RELATION = "enable_new_relation"
    CHOOSE_EXPORT_FORMAT = "choose_export_format"
    LOGIN = "login"
    RECONNECT = "reconnect"
    RESET_STATUS = "reset_status"
    ENTER_OUTSMART_TOKENS = "enter_outsmart_tokens"
    SYNC_RELATIONS = "sync_relations"


FIX_LABELS: dict[FixAction, str] = {
    FixAction.ENABLE_NEW_MATERIAL: N_("Turn on New material"),
    FixAction.ENABLE_NEW_RELATION: N_("Turn on New relation"),
    FixAction.CHOOSE_EXPORT_FORMAT: N_("Choose Sales order or Sales invoice"),
    FixAction.LOGIN: N_("Click Login"),
    FixAction.RECONNECT: N_("Disconnect and log in again"),
    FixAction.RESET_STATUS: N_("Reset the work status"),
    FixAction.ENTER_OUTSMART_TOKENS: N_("Enter the OutSmart tokens"),
    FixAction.SYNC_RELATIONS: N_("Sync relations"),
}

# What the log calls each kind of run: its Action column, and "Export cancelled ...".
ACTION_NAMES: dict[Action, str] = {
    Action.EXPORT: N_("Export"),
    Action.IMPORT: N_("Sync"),
    Action.AUTH: N_("Sign-in"),
    Action.RESET: N_("Reset"),
}


class RecordKind(StrEnum):
    """What an entry's record is: the details show "Material C101040", not "Record"."""

    MATERIAL = "material"
    HOUR_TYPE = "hour_type"
    RELATION = "relation"
    DOCUMENT = "document"


RECORD_LABELS: dict[RecordKind, str] = {
    RecordKind.MATERIAL: N_("Material"),
    RecordKind.HOUR_TYPE: N_("Hour type"),
    RecordKind.RELATION: N_("Relation"),
    RecordKind.DOCUMENT: N_("Document"),
}

# Fields whose values are words, not data (the engine passes them in English): they
# are translated where the message is shown. Their values are marked below.
WORD_FIELDS = frozenset({"document", "section", "action", "what", "list"})
# Fields whose values are moments (ISO 8601, as the engine passes them): written as the
# language writes a date and time, on the local clock, like every other date shown.
MOMENT_FIELDS = frozenset({"since"})
VALUE_WORDS = (
    # `ExportFormat.document_name` and `.visma_section` (vismadesk.domain).
    N_("sales order"),
    N_("sales invoice"),
    # `duplicates.py` names two or more of them.
    N_("sales orders"),
    N_("sales invoices"),
    # What entries written before the planner's word was used here say.
    N_("customer invoice"),
    N_("customer invoices"),
    N_("Sales orders"),
    N_("Customer invoices"),
    # What a sync found nothing of (`NOTHING_NEW`).
    N_("Relations"),
    N_("Materials"),
    # Which of VISMA.net's lists could not be read (`MASTER_DATA_UNREADABLE`).
    N_("customer list"),
    N_("inventory list"),
)


@dataclass(frozen=True, slots=True)
class Message:
    code: str
    text: str
    hint: str
    level: Level = Level.ERROR
    fix: FixAction | None = None
    # True for the texts quoted by the seed: they must never be reworded.
    from_seed: bool = False
    # What the entry's record is, when it has one.
    record_kind: RecordKind | None = None
    # A counted message: `text` is the singular, this the plural, chosen by `count`.
    plural: str | None = None
    count: str = "count"
    # The hint for the command line, where it differs (the window's hint names its
    # buttons and settings; this names the commands).
    cli_hint: str | None = None
    # Further fixes the window offers as buttons next to `fix`.
    more_fixes: tuple[FixAction, ...] = ()

    @property
    def record_label(self) -> str | None:
        return RECORD_LABELS[self.record_kind] if self.record_kind is not None else None

    @property
    def fields(self) -> tuple[str, ...]:
        return _fields(self.text)

    @property
    def fixes(self) -> tuple[FixAction, ...]:
        return ((self.fix,) if self.fix else ()) + self.more_fixes

    def render(self, **values: object) -> str:
        """The English sentence, as the log stores it."""
        missing = set(self.fields) - values.keys()
        if missing:
            raise KeyError(f"message {self.code} needs {sorted(missing)}")
        template = self._template("en", values)
        return template.format(
            **{k: _moment(v, "en") if k in MOMENT_FIELDS else str(v) for k, v in values.items()}
        )

    def shown(self, values: Mapping[str, Any], *, lang: Language | None = None) -> str:
        """The sentence in the language chosen now (or `lang`): numbers written as the
        language writes them, word values translated. KeyError when a value is missing."""
        return _fill(self._template(lang, values), values, lang)

    def hint_shown(
        self, values: Mapping[str, Any], *, lang: Language | None = None, cli: bool = False
    ) -> str:
        """The fix in the language chosen now; "" when a value it names is missing (a
        hint with an unfilled {field} helps nobody)."""
        hints = [self.cli_hint] if cli and self.cli_hint else []
        for hint in [*hints, self.hint]:
            try:
                return _fill(gettext(hint, lang=lang), values, lang)
            except (KeyError, IndexError, ValueError):
                continue
        return ""

    def match(self, text: str) -> dict[str, str] | None:
        """The values of an English `text` this message rendered, or None."""
        for pattern in _patterns(self.text, self.plural):
            found = pattern.fullmatch(text)
            if found:
                return found.groupdict()
        return None

    def _template(self, lang: Language | None, values: Mapping[str, Any]) -> str:
        if self.plural is None:
            return gettext(self.text, lang=lang)
        return ngettext(self.text, self.plural, _count(values.get(self.count)), lang=lang)


def _count(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        return 2


@cache
def _fields(text: str) -> tuple[str, ...]:
    return tuple(f for _, f, _, _ in string.Formatter().parse(text) if f)


def _fill(template: str, values: Mapping[str, Any], lang: Language | None) -> str:
    shown: dict[str, str] = {}
    for name in _fields(template):
        value = values[name]
        if isinstance(value, int) and not isinstance(value, bool):
            shown[name] = format_number(value, lang=lang)
        elif name in WORD_FIELDS and isinstance(value, str):
            shown[name] = gettext(value, lang=lang)
        elif name in MOMENT_FIELDS:
            shown[name] = _moment(value, lang)
        else:
            shown[name] = str(value)
    return template.format(**shown)


def _moment(value: object, lang: Language | None) -> str:
    """An ISO moment as the language writes it; anything else (an entry's English text
    matched back, "?") as it is."""
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return format_datetime(moment, seconds=True, lang=lang)


@cache
def _patterns(text: str, plural: str | None) -> tuple[re.Pattern[str], ...]:
    out = []
    for template in (text, plural):
        if template is None:
            continue
        regex = "".join(
            re.escape(literal) + (f"(?P<{name}>.+?)" if name else "")
            for literal, name, _spec, _conv in string.Formatter().parse(template)
        )
        out.append(re.compile(regex, re.DOTALL))
    return tuple(out)


CATALOGUE: dict[str, Message] = {}


def _m(
    code: str,
    text: str | Plural,
    hint: str,
    level: Level = Level.ERROR,
    fix: FixAction | None = None,
    *,
    seed: bool = False,
    record_kind: RecordKind | None = None,
    count: str = "count",
    cli_hint: str | None = None,
    more_fixes: tuple[FixAction, ...] = (),
) -> Message:
    if code in CATALOGUE:
        raise ValueError(f"duplicate message code {code}")
    singular, plural = (text.singular, text.plural) if isinstance(text, Plural) else (text, None)
    msg = Message(
        code, singular, hint, level, fix, seed, record_kind, plural, count, cli_hint, more_fixes
    )
    CATALOGUE[code] = msg
    return msg


# --- The seed's messages, verbatim -------------------------------------------------

MATERIAL_NOT_IN_VISMA = _m(
    "material_not_in_visma",
    N_("Material {material} on work order {work_order} not found in VISMA.net"),
    N_(
        "A material on the work order does not exist in VISMA.net. Turn on New material so "
        "vismadesk creates it automatically, or make sure the material codes match in both "
        "systems."
    ),
    fix=FixAction.ENABLE_NEW_MATERIAL,
    seed=True,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "A material on the work order does not exist in VISMA.net. Run `vismadesk config set "
        "new_material true` so vismadesk creates it automatically (or make the material codes "
        "match in both systems), then `vismadesk reset {work_order}` and export again."
    ),
)
RELATION_NOT_IN_VISMA = _m(
    "relation_not_in_visma",
    N_("Relation {relation} on work order {work_order} not found in VISMA.net"),
    N_(
        "The customer on the work order does not exist in VISMA.net. Turn on New relation so "
        "vismadesk creates it automatically, or import the customer from VISMA.net first."
    ),
    fix=FixAction.ENABLE_NEW_RELATION,
    seed=True,
    record_kind=RecordKind.RELATION,
    cli_hint=N_(
        "The customer on the work order does not exist in VISMA.net. Run `vismadesk config set "
        "new_relation true` so vismadesk creates it automatically (or import the customer from "
        "VISMA.net first: `vismadesk sync relations`), then `vismadesk reset {work_order}` and "
        "export again."
    ),
)
RELATION_NOT_IN_OUTSMART = _m(
    "relation_not_in_outsmart",
    N_("Work order {work_order} relation {relation} does not exist in OutSmart"),
    N_(
        "The work order does not have a valid customer in OutSmart. Make sure the correct "
        "customer is linked to the work order, then reset its work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.RELATION,
    cli_hint=N_(
        "The work order does not have a valid customer in OutSmart. Make sure the correct "
        "customer is linked to the work order, then `vismadesk reset {work_order}` and export "
        "again."
    ),
)
QUANTITY_NOT_POSITIVE = _m(
    "quantity_not_positive",
    N_("The quantity of material {material} has to be greater than 0"),
    N_(
        "A material line has quantity 0. Change the quantity to a value greater than zero "
        "in OutSmart, reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "A material line has quantity 0. Change the quantity to a value greater than zero "
        "in OutSmart, then `vismadesk reset {work_order}` and export again."
    ),
)
EXPORT_FORMAT_MISSING = _m(
    "export_format_missing",
    N_("Please specify whether to send the work order as a sales order or a sales invoice"),
    N_(
        "The export format is not set. Open the export settings, choose Sales order or Sales "
        "invoice, and save."
    ),
    fix=FixAction.CHOOSE_EXPORT_FORMAT,
    seed=True,
    cli_hint=N_(
        "The export format is not set. Run `vismadesk config set export_format sales_order` "
        "(or `sales_invoice`)."
    ),
)
TOKEN_REFRESH_FAILED = _m(
    "token_refresh_failed",
    N_("Error refreshing API token. Unable to access API"),
    N_(
        "The access token expired and could not be refreshed. Disconnect the integration and "
        "connect it again through the VISMA.net login page."
    ),
    fix=FixAction.RECONNECT,
    seed=True,
    cli_hint=N_(
        "The access token expired and could not be refreshed. Run `vismadesk disconnect`, "
        "then `vismadesk login` to connect again through the VISMA.net login page."
    ),
)
TOKEN_INVALID = _m(
    "token_invalid",
    N_("API token invalid. Please reauthenticate"),
    N_("The stored token is no longer valid. Click Login and sign in again."),
    fix=FixAction.LOGIN,
    seed=True,
    cli_hint=N_("The stored token is no longer valid. Run `vismadesk login` and sign in again."),
)
CUSTOMER_CREATE_FAILED = _m(
    "customer_create_failed",
    N_("Error creating customer in VISMA.net"),
    N_(
        "VISMA.net could not create the customer during export. Read the full error details, "
        "then make sure the customer in OutSmart has the required data, such as name and "
        "address."
    ),
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.RELATION,
    # Or create the customer in VISMA.net yourself and bring it over.
    more_fixes=(FixAction.SYNC_RELATIONS,),
    cli_hint=N_(
        "VISMA.net could not create the customer during export. Read the full error details "
        "(`vismadesk log --errors --json`), then make sure the customer in OutSmart has the "
        "required data, such as name and address, and `vismadesk reset {work_order}`."
    ),
)
NOTHING_TO_DO = _m(
    "nothing_to_do",
    N_("Niks te importeren/exporteren"),
    N_("Not an error: the sync ran successfully, but there was no new data to process."),
    Level.SUCCESS,
    seed=True,
)

# --- Messages the engine needs beyond the seed, in the same form ------------------

NOTHING_NEW = _m(
    "nothing_new",
    # TRANSLATORS: {what} is "Relations" or "Materials"; the rest is OutSmart's own
    # Dutch, the same in every language.
    N_("{what}: Niks te importeren/exporteren"),
    N_("Not an error: the sync ran successfully, but there was no new data to process."),
    Level.SUCCESS,
)
MATERIAL_CREATE_FAILED = _m(
    "material_create_failed",
    N_("Error creating material in VISMA.net"),
    N_(
        "VISMA.net could not create the material during export. Read the full error details, "
        "then make sure the material in OutSmart has the required data, such as description, "
        "unit and price, and that the item class and posting class in the settings exist."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "VISMA.net could not create the material during export. Read the full error details "
        "(`vismadesk log --errors --json`), then make sure the material in OutSmart has the "
        "required data, such as description, unit and price, and that the item class and "
        "posting class exist (`vismadesk config get item_class`); then `vismadesk reset "
        "{work_order}` and export again."
    ),
)
HOUR_TYPE_NOT_IN_VISMA = _m(
    "hour_type_not_in_visma",
    N_("Hour type {hour_type} on work order {work_order} not found in VISMA.net"),
    N_(
        "The hour type has no labour item with the same code in VISMA.net. Turn on New "
        "material so vismadesk creates it automatically, or make sure the codes match."
    ),
    fix=FixAction.ENABLE_NEW_MATERIAL,
    record_kind=RecordKind.HOUR_TYPE,
    cli_hint=N_(
        "The hour type has no labour item with the same code in VISMA.net. Run `vismadesk "
        "config set new_material true` so vismadesk creates it automatically (or make the "
        "codes match), then `vismadesk reset {work_order}` and export again."
    ),
)
WORK_ORDER_UNREADABLE = _m(
    "work_order_unreadable",
    N_("Work order {work_order} has a value vismadesk cannot read: {field}"),
    N_(
        "OutSmart sent a value in this work order that is not a valid number, date or time, "
        "or a code or name with a broken character (the details show which). Correct it in "
        "OutSmart, reset the work status and export again. The other work orders were "
        "exported as usual."
    ),
    fix=FixAction.RESET_STATUS,
    cli_hint=N_(
        "OutSmart sent a value in this work order that is not a valid number, date or time, "
        "or a code or name with a broken character (the details show which). Correct it in "
        "OutSmart, then `vismadesk reset {work_order}` and export again. The other work "
        "orders were exported as usual."
    ),
)
DOCUMENT_CREATE_FAILED = _m(
    "document_create_failed",
    N_("Error creating {document} for work order {work_order} in VISMA.net"),
    N_(
        "VISMA.net refused the document. Read the full error details for VISMA.net's own "
        "message, fix the cause, reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    cli_hint=N_(
        "VISMA.net refused the document. Read the full error details for VISMA.net's own "
        "message (`vismadesk log --errors --json`), fix the cause, then `vismadesk reset "
        "{work_order}` and export again."
    ),
)
NOT_SIGNED_IN = _m(
    "not_signed_in",
    N_("Not signed in to VISMA.net"),
    N_(
        "vismadesk has no VISMA.net sign-in yet (or you disconnected). Click Login in the log "
        "header and sign in through the VISMA.net login page."
    ),
    fix=FixAction.LOGIN,
    cli_hint=N_(
        "vismadesk has no VISMA.net sign-in yet (or you disconnected). Run `vismadesk login` "
        "and sign in through the VISMA.net login page."
    ),
)
OUTSMART_TOKENS_MISSING = _m(
    "outsmart_tokens_missing",
    N_("OutSmart token missing. Enter the OutSmart token and software token"),
    N_("Enter the OutSmart token and software token in the settings and click Test connection."),
    fix=FixAction.ENTER_OUTSMART_TOKENS,
    cli_hint=N_(
        "Enter the OutSmart token and software token in the window's settings, or set "
        "VISMADESK_OUTSMART_TOKEN and VISMADESK_OUTSMART_SOFTWARE_TOKEN."
    ),
)
OUTSMART_TOKEN_REJECTED = _m(
    "outsmart_token_rejected",
    N_("OutSmart token rejected. Check the OutSmart token and software token"),
    N_(
        "OutSmart did not accept the token or the software token. Copy both again from "
        "OutSmart into the settings and click Test connection."
    ),
    fix=FixAction.ENTER_OUTSMART_TOKENS,
    cli_hint=N_(
        "OutSmart did not accept the token or the software token. Copy both again from "
        "OutSmart into the window's settings, or into VISMADESK_OUTSMART_TOKEN and "
        "VISMADESK_OUTSMART_SOFTWARE_TOKEN."
    ),
)
OUTSMART_ERROR = _m(
    "outsmart_error",
    N_("OutSmart answered with an error: {detail}"),
    N_("Read the full error details. If it persists, check the work order in OutSmart."),
)
VISMA_ERROR = _m(
    "visma_error",
    N_("VISMA.net answered with an error: {detail}"),
    N_("Read the full error details for VISMA.net's own message."),
)
NETWORK_UNREACHABLE = _m(
    "network_unreachable",
    N_("Cannot reach {service}. Check the internet connection"),
    N_(
        "vismadesk could not connect. Check the internet connection and the address in the "
        "Advanced settings, then run the action again. Nothing was lost."
    ),
    cli_hint=N_(
        "vismadesk could not connect. Check the internet connection and the addresses "
        "(`vismadesk config get`), then run the command again. Nothing was lost."
    ),
)
TIMEOUT = _m(
    "timeout",
    N_("{service} did not answer in time"),
    N_(
        "The service was too slow to answer. Run the action again; work orders already "
        "exported are not sent twice."
    ),
)
RATE_LIMITED = _m(
    "rate_limited",
    N_("VISMA.net is limiting requests. Try again later"),
    N_(
        "VISMA.net allows a limited number of requests per period. vismadesk waited and "
        "retried, but the limit was still reached. Run the action again later."
    ),
)
OUTSMART_RATE_LIMITED = _m(
    "outsmart_rate_limited",
    N_("OutSmart is limiting requests. Try again later"),
    N_(
        "OutSmart allows a limited number of requests per period. vismadesk waited and "
        "retried, but the limit was still reached. Nothing was lost: run the action again "
        "later."
    ),
)
UNEXPECTED_RESPONSE = _m(
    "unexpected_response",
    N_("Unexpected answer from {service}"),
    N_(
        "The service answered with something vismadesk cannot read (for example an error "
        "page). Read the full error details; run the action again later."
    ),
)
MASTER_DATA_UNREADABLE = _m(
    "master_data_unreadable",
    N_("The {list} VISMA.net sent cannot be read"),
    N_(
        "No work order was touched: read like this, every customer or item would look "
        "missing. The fault is in VISMA.net's answer, not in the work orders. Read the full "
        "error details and run the action again later; if it keeps happening, send the "
        "details to Visma.net support."
    ),
)
KEYRING_UNAVAILABLE = _m(
    "keyring_unavailable",
    N_("No usable keyring to store the tokens safely"),
    N_(
        "vismadesk keeps tokens only in the system keyring. On Windows and macOS it is built "
        "in; on Linux install and unlock a Secret Service keyring (GNOME Keyring or KWallet). "
        "On a server, set the VISMADESK_* environment variables instead."
    ),
    fix=None,
)
DATABASE_MOVED_ASIDE = _m(
    "database_moved_aside",
    N_("The database {path} could not be read and was moved aside to {moved}"),
    N_(
        "vismadesk started a new database. Nothing VISMA.net or OutSmart holds was lost: "
        "before it creates anything, every export looks in VISMA.net for the documents it "
        "already made. The earlier sync log is in the file moved aside; keep it for a "
        "support question."
    ),
    Level.WARNING,
)
SETTINGS_RESET = _m(
    "settings_reset",
    N_("The settings file could not be read and was moved aside to {path}"),
    N_("vismadesk started with default settings. Check the settings and save them again."),
    Level.WARNING,
)
LOGIN_FAILED = _m(
    "login_failed",
    N_("Sign-in to VISMA.net failed: {reason}"),
    N_(
        "Click Login and try again. If the browser did not open, copy the address from the "
        "details into a browser."
    ),
    fix=FixAction.LOGIN,
    cli_hint=N_(
        "Run `vismadesk login` and try again. If the browser did not open, copy the address "
        "it prints into a browser."
    ),
)
SIGNED_IN = _m(
    "signed_in",
    N_("Signed in to VISMA.net as {user} ({company})"),
    N_("The connection is active."),
    Level.SUCCESS,
)
DISCONNECTED = _m(
    "disconnected",
    N_("Disconnected from VISMA.net"),
    N_("Click Login to connect again."),
    Level.INFO,
    cli_hint=N_("Run `vismadesk login` to connect again."),
)

WORK_ORDER_EXPORTED = _m(
    "work_order_exported",
    N_("Work order {work_order} exported as {document} {number}"),
    # {section} comes from the entry's details (where the document is in VISMA.net).
    N_("Find it in VISMA.net under {section}."),
    Level.SUCCESS,
    record_kind=RecordKind.DOCUMENT,
)
WORK_ORDER_ALREADY_EXPORTED = _m(
    "work_order_already_exported",
    N_("Work order {work_order} was already exported as {document} {number}; not sent again"),
    N_("vismadesk never sends a work order twice. It only finished the OutSmart side."),
    Level.INFO,
    record_kind=RecordKind.DOCUMENT,
)
WORK_ORDER_NOT_MARKED = _m(
    "work_order_not_marked",
    N_("Work order {work_order} is in VISMA.net but OutSmart was not updated"),
    N_("The next export finishes the OutSmart side without sending the work order again."),
    Level.WARNING,
)
CUSTOMER_CREATED = _m(
    "customer_created",
    N_("Relation {relation} created in VISMA.net as customer {number}"),
    N_("New relation is on, so the customer was created from the OutSmart relation."),
    Level.INFO,
    record_kind=RecordKind.RELATION,
)
MATERIAL_CREATED = _m(
    "material_created",
    N_("Material {material} created in VISMA.net"),
    N_("New material is on, so the inventory item was created from the OutSmart material."),
    Level.INFO,
    record_kind=RecordKind.MATERIAL,
)
EXPORT_DONE = _m(
    "export_done",
    Plural("{count} work order exported", "{count} work orders exported"),
    N_("Sales orders are under Sales orders in VISMA.net; sales invoices under Customer invoices."),
    Level.SUCCESS,
)
EXPORT_HAD_ERRORS = _m(
    "export_had_errors",
    Plural(
        "{failed} of {total} work order has errors; {exported} exported, {skipped} skipped",
        "{failed} of {total} work orders have errors; {exported} exported, {skipped} skipped",
    ),
    N_(
        "Open the error entries below for each work order's cause and fix. Failed work "
        "orders got the error work status in OutSmart; reset them after fixing the cause. "
        "Skipped work orders met connection trouble and are tried again by the next export."
    ),
    count="total",
    cli_hint=N_(
        "The error lines above give each work order's cause and fix (`vismadesk log "
        "--errors` shows them again). Failed work orders got the error work status in "
        "OutSmart: after fixing the cause, run `vismadesk reset WO ...` and `vismadesk "
        "export`. Skipped work orders met connection trouble and are tried again by the next "
        "export."
    ),
)
EXPORT_INCOMPLETE = _m(
    "export_incomplete",
    Plural(
        "{skipped} of {total} work order skipped; {exported} exported",
        "{skipped} of {total} work orders skipped; {exported} exported",
    ),
    N_(
        "The skipped work orders met connection trouble (the entries below say which). "
        "Nothing was lost: the next export tries them again and sends nothing twice."
    ),
    Level.WARNING,
    count="total",
)
EXPORT_CANCELLED = _m(
    "export_cancelled",
    N_(
        "Export cancelled after {done} of {total}: {exported} exported, {failed} failed, "
        "{skipped} skipped, {not_started} not started"
    ),
    N_(
        "The work in progress was finished; nothing was left half-done. Run Export work "
        "orders again to send the ones not started; failed ones wait in the error work status."
    ),
    Level.WARNING,
)
RUN_CANCELLED = _m(
    "run_cancelled",
    N_("{action} cancelled after {done} of {total}"),
    N_("The work in progress was finished; nothing was left half-done. Run it again to continue."),
    Level.WARNING,
)
RELATIONS_IMPORTED = _m(
    "relations_imported",
    Plural("{count} relation imported", "{count} relations imported"),
    N_("Customers from VISMA.net are now relations in OutSmart."),
    Level.SUCCESS,
)
MATERIALS_IMPORTED = _m(
    "materials_imported",
    Plural("{count} material imported", "{count} materials imported"),
    N_(
        "Inventory items from VISMA.net are now materials (and labour items hour types) in "
        "OutSmart."
    ),
    Level.SUCCESS,
)
STATUS_RESET = _m(
    "status_reset",
    N_("Work order {work_order} reset to work status {status}"),
    N_("Run Export work orders again to send it."),
    Level.SUCCESS,
    cli_hint=N_("Run `vismadesk export` again to send it."),
)
STATUS_RESET_FAILED = _m(
    "status_reset_failed",
    N_("Work order {work_order} could not be reset"),
    N_("Read the full error details. Check that the work order exists in OutSmart."),
)
RESET_STATUS_UNKNOWN = _m(
    "reset_status_unknown",
    N_("No ready-for-export work status to reset to"),
    N_("Choose the ready-for-export work status in the settings, save, and reset again."),
    cli_hint=N_(
        "Set the ready-for-export work status (`vismadesk config set ready_status CODE`) and "
        "reset again."
    ),
)
RUN_BUSY = _m(
    "run_busy",
    N_("{action} is already running on this profile since {since} (process {pid} on {host})"),
    N_(
        "Only one export, sync or reset runs at a time per profile, from the window, the "
        "command line or a scheduled task alike. Nothing was done. Run it again when the "
        "other has ended, or start the command with --wait SECONDS to wait for it."
    ),
    Level.WARNING,
)
RUN_BUSY_UNKNOWN = _m(
    "run_busy_unknown",
    N_("Another export, sync or reset is already running on this profile"),
    N_(
        "Only one export, sync or reset runs at a time per profile. Nothing was done. Run it "
        "again when the other has ended, or start the command with --wait SECONDS."
    ),
    Level.WARNING,
)
PROFILE_HELD = _m(
    "profile_held",
    N_("{action} is running in another vismadesk (process {pid} on {host}) since {since}"),
    N_(
        "Export and Sync wait until it has ended; the window enables them again by itself. "
        "Its log entries appear here as it writes them."
    ),
    Level.INFO,
)
CLAIM_STATUS_UNKNOWN = _m(
    "claim_status_unknown",
    N_("OutSmart does not know the in-export work status {status}; exporting without it"),
    N_(
        "Add the work status (for example 98 In export) in OutSmart, or choose one OutSmart "
        "has under In-export work status in the settings. Until then other consoles cannot "
        "see which work orders this one is exporting; the export journal and the check in "
        "VISMA.net still keep each work order from being sent twice."
    ),
    Level.WARNING,
)
CLAIM_STATUS_CLASH = _m(
    "claim_status_clash",
    N_("The in-export work status {status} is also the {other} work status; exporting without it"),
    N_(
        "The in-export work status must differ from the ready-for-export and the error work "
        "status. Choose another in the settings."
    ),
    Level.WARNING,
)
OTHER_CONSOLE_EXPORTING = _m(
    "other_console_exporting",
    N_(
        "Another console is exporting now: {count} work orders are in export there "
        "({work_orders}); this export sent nothing new"
    ),
    N_(
        "Two consoles exporting the same work orders at once could send one twice, so this "
        "one waits. Run the export again when the other has finished. A work order a console "
        "left in export when it stopped is taken over once the claim lease has passed."
    ),
    Level.WARNING,
)
WORK_ORDER_CLAIMED_ELSEWHERE = _m(
    "work_order_claimed_elsewhere",
    N_("Work order {work_order} is being exported by another console; left to it"),
    N_(
        "Another console claimed this work order a moment before this one. It is not sent "
        "from here."
    ),
    Level.INFO,
)
CLAIM_TAKEN_OVER = _m(
    "claim_taken_over",
    N_("Work order {work_order} was left in export by another console since {since}; taken over"),
    N_(
        "The console that claimed it did not finish it within the claim lease and VISMA.net "
        "has no document for it, so this console exports it."
    ),
    Level.WARNING,
)
DUPLICATE_DOCUMENTS = _m(
    "duplicate_documents",
    N_(
        "Work order {work_order} is in VISMA.net {count} times: {document} {numbers}. "
        "Delete {delete}"
    ),
    N_(
        "Two consoles exported this work order at the very same moment. Keep the first "
        "document and delete the other one(s) named here in VISMA.net (under Customer "
        "invoices or Sales orders). OutSmart was told once."
    ),
    record_kind=RecordKind.DOCUMENT,
)
CUSTOMER_ALREADY_IN_VISMA = _m(
    "customer_already_in_visma",
    N_("Relation {relation} was already in VISMA.net as customer {number}; used as it is"),
    N_(
        "Another export or another planner created the customer a moment before. Nothing "
        "is wrong with the work order."
    ),
    Level.INFO,
    record_kind=RecordKind.RELATION,
)
MATERIAL_ALREADY_IN_VISMA = _m(
    "material_already_in_visma",
    N_("Material {material} was already in VISMA.net; used as it is"),
    N_(
        "Another export or another planner created the inventory item a moment before. "
        "Nothing is wrong with the work order."
    ),
    Level.INFO,
    record_kind=RecordKind.MATERIAL,
)
ORDER_NUMBER_TOO_LONG = _m(
    "order_number_too_long",
    N_("Work order {work_order} does not fit in a sales order number (at most {max} characters)"),
    N_(
        "Manual order numbers use the work order number as the sales order number. Turn off "
        "Manual order numbers in the settings, reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    cli_hint=N_(
        "Manual order numbers use the work order number as the sales order number. Run "
        "`vismadesk config set manual_order_numbers false`, then `vismadesk reset "
        "{work_order}` and export again."
    ),
)
ORDER_NUMBER_TAKEN = _m(
    "order_number_taken",
    N_(
        "Sales order {number} in VISMA.net belongs to another order, not to work order {work_order}"
    ),
    N_(
        "The order type numbers manually and the number made from the work order number is "
        "already used by an order with another reference. Check that order in VISMA.net, "
        "reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.DOCUMENT,
    cli_hint=N_(
        "The order type numbers manually and the number made from the work order number is "
        "already used by an order with another reference. Check that order in VISMA.net, "
        "then `vismadesk reset {work_order}` and export again."
    ),
)


def get(code: str) -> Message:
    return CATALOGUE[code]


def seed_messages() -> list[Message]:
    return [m for m in CATALOGUE.values() if m.from_seed]


# --- What VISMA.net would refuse, named before anything is sent (issue #15) -------------

HOURS_WITHOUT_HOUR_TYPE = _m(
    "hours_without_hour_type",
    N_("Work order {work_order} has hours without an hour type"),
    N_(
        "A work period on this work order has no hour type, so VISMA.net would not know which "
        "labour item to bill. Choose the hour type in OutSmart and reset the work status, or "
        "set a labour item for hours without an hour type in the settings."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.HOUR_TYPE,
    cli_hint=N_(
        "A work period on this work order has no hour type, so VISMA.net would not know which "
        "labour item to bill. Choose the hour type in OutSmart, or run `vismadesk config set "
        "default_labour_item ITEM` to bill such hours as that labour item; then `vismadesk "
        "reset {work_order}` and export again."
    ),
)
DEFAULT_LABOUR_ITEM_NOT_IN_VISMA = _m(
    "default_labour_item_not_in_visma",
    N_("Labour item {item} for hours without an hour type not found in VISMA.net"),
    N_(
        "The settings bill hours without an hour type as this labour item, but VISMA.net has no "
        "inventory item with that number. Choose an existing labour item in the settings, then "
        "reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.HOUR_TYPE,
    cli_hint=N_(
        "The settings bill hours without an hour type as this labour item, but VISMA.net has "
        "no inventory item with that number. Run `vismadesk config set default_labour_item "
        "ITEM` with an existing labour item, then `vismadesk reset WO` and export again."
    ),
)
MATERIAL_CODE_MISSING = _m(
    "material_code_missing",
    N_("Work order {work_order} has a material without a code"),
    N_(
        "A material line on this work order has no material code, so it matches no VISMA.net "
        "inventory item and none can be created. Choose the material in OutSmart, reset the work "
        "status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
)
NEW_ITEM_NEEDS_CLASS = _m(
    "new_item_needs_class",
    N_("{what} cannot be created in VISMA.net: no item class is set"),
    N_(
        "VISMA.net needs an item class for every new inventory item (the item's posting class "
        "and VAT category come from it). Choose the item class for new materials (and, if you "
        "like, one for new labour items) in the settings, then reset the work status and export "
        "again."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "VISMA.net needs an item class for every new inventory item (the item's posting class "
        "and VAT category come from it). Run `vismadesk config set item_class CLASS` (and, "
        "if you like, `vismadesk config set labour_item_class CLASS`), then `vismadesk reset "
        "WO` and export again."
    ),
)
UNIT_NOT_IN_VISMA = _m(
    "unit_not_in_visma",
    N_("Unit {unit} of material {material} on work order {work_order} is not a VISMA.net unit"),
    N_(
        "VISMA.net does not know this unit for the material (the details list the units it "
        "does know). Add the unit to the unit table in the settings, for example STUKKEN=ST, "
        "then reset the work status and export again."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "VISMA.net does not know this unit for the material (the details list the units it "
        "does know). Add the unit to the unit table, for example `vismadesk config set "
        'unit_map "STUKKEN=ST"` (the whole table: list every pair), then `vismadesk reset '
        "{work_order}` and export again."
    ),
)
NUMBER_TOO_LARGE = _m(
    "number_too_large",
    N_("Work order {work_order}: {field} {value} is a number VISMA.net cannot hold"),
    N_(
        "VISMA.net keeps prices and quantities with at most 15 digits before the decimal "
        "mark and 15 digits in all; a longer number would arrive changed. Correct the value "
        "in OutSmart, reset the work status and export again. The other work orders were "
        "exported as usual."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "VISMA.net keeps prices and quantities with at most 15 digits before the decimal "
        "mark and 15 digits in all; a longer number would arrive changed. Correct the value "
        "in OutSmart, then `vismadesk reset {work_order}` and export again."
    ),
)
RELATION_SKIPPED_INCOMPLETE = _m(
    "relation_skipped_incomplete",
    N_("Customer {relation} not synced to OutSmart: no {fields} in VISMA.net"),
    N_(
        "OutSmart needs a name, street, postal code and city for every relation. Fill them in "
        "for this customer in VISMA.net; the next sync sends it. The other customers were synced."
    ),
    Level.WARNING,
    record_kind=RecordKind.RELATION,
)
RECORD_NOT_SYNCED = _m(
    "record_not_synced",
    N_("{what} not synced to OutSmart: {detail}"),
    N_(
        "OutSmart refused this one record; the others of its batch were synced. Read the full "
        "error details, correct the record in VISMA.net and sync again."
    ),
)
WRONG_COMPANY = _m(
    "wrong_company",
    N_("Signed in to company {chosen}, but vismadesk is set up for {needed}"),
    N_(
        "At the VISMA.net sign-in another company was chosen than the one in the settings "
        "(Tenant ID in the Advanced settings). Click Login and choose that company, or change "
        "the Tenant ID if the other company is the right one."
    ),
    fix=FixAction.LOGIN,
    cli_hint=N_(
        "At the VISMA.net sign-in another company was chosen than the one in the settings "
        "(`vismadesk config get tenant_id`). Run `vismadesk login` and choose that company, "
        "or `vismadesk config set tenant_id ID` if the other company is the right one."
    ),
)
NOT_AN_ERP_COMPANY = _m(
    "not_an_erp_company",
    N_("Company {chosen} has no access to the VISMA.net ERP API"),
    N_(
        "VISMA.net accepted the sign-in, but the company chosen cannot use the ERP API. Often "
        "that is the customer portal of the same name instead of the company itself. Click "
        "Login and choose the company (Visma.net ERP), not the customer portal."
    ),
    fix=FixAction.LOGIN,
    cli_hint=N_(
        "VISMA.net accepted the sign-in, but the company chosen cannot use the ERP API. Often "
        "that is the customer portal of the same name instead of the company itself. Run "
        "`vismadesk login` and choose the company (Visma.net ERP), not the customer portal."
    ),
)
DESCRIPTION_ITEM_NOT_IN_VISMA = _m(
    "description_item_not_in_visma",
    N_("Item {item} for the work description not found in VISMA.net"),
    N_(
        "The settings write the work description as text lines on this inventory item, but "
        "VISMA.net has no item with that number. Choose an existing item (a text or service "
        "item) in the settings, or leave the setting empty, then reset the work status."
    ),
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
    cli_hint=N_(
        "The settings write the work description as text lines on this inventory item, but "
        "VISMA.net has no item with that number. Run `vismadesk config set description_item "
        "ITEM` with an existing item (a text or service item), or `vismadesk config set "
        'description_item ""` to leave it out; then `vismadesk reset WO` and export again.'
    ),
)
# --- What the field expects (issue #17): attachments, status after export, networks ---

FILES_ATTACHED = _m(
    "files_attached",
    Plural(
        "Work order {work_order}: {count} file attached to sales invoice {number}",
        "Work order {work_order}: {count} files attached to sales invoice {number}",
    ),
    N_(
        "Attach work order PDF is on: the files OutSmart keeps with the work order are on "
        "the invoice in VISMA.net (Customer invoices, the Attachments tab)."
    ),
    Level.INFO,
    record_kind=RecordKind.DOCUMENT,
)
ATTACHMENT_NOT_FETCHED = _m(
    "attachment_not_fetched",
    N_(
        "Work order {work_order}: {file} could not be fetched from OutSmart, so customer "
        "invoice {number} is without it"
    ),
    N_(
        "The work order itself is exported. Open the work order in OutSmart to check that "
        "its PDF opens, then attach the file to the invoice in VISMA.net by hand."
    ),
    Level.WARNING,
    record_kind=RecordKind.DOCUMENT,
)
ATTACHMENT_REFUSED = _m(
    "attachment_refused",
    N_("VISMA.net did not accept {file} as an attachment to sales invoice {number}"),
    N_(
        "The work order itself is exported. The details give VISMA.net's reason; attach "
        "the file to the invoice in VISMA.net by hand."
    ),
    Level.WARNING,
    record_kind=RecordKind.DOCUMENT,
)
ATTACH_NOT_FOR_SALES_ORDERS = _m(
    "attach_not_for_sales_orders",
    N_("Work order PDFs are not attached to sales orders"),
    N_(
        "VISMA.net's sales order API has no attachments. Attach work order PDF works when "
        "work orders are sent as sales invoices."
    ),
    Level.INFO,
)
EXPORTED_STATUS_NOT_SET = _m(
    "exported_status_not_set",
    N_("Work order {work_order} is exported, but OutSmart did not take the work status {status}"),
    N_(
        "The export itself is done and nothing is sent again. Choose a work status OutSmart "
        "lists under Status after export in the settings."
    ),
    Level.WARNING,
)
EXPORTED_STATUS_CLASH = _m(
    "exported_status_clash",
    N_(
        "Status after export {status} is also the error or the in-export work status; "
        "exported work orders keep their work status"
    ),
    N_(
        "A work order in that status would look failed or claimed. Choose another status "
        "under Status after export in the settings."
    ),
    Level.WARNING,
)
TLS_INTERCEPTED = _m(
    "tls_intercepted",
    N_(
        "The secure connection to {service} is not trusted: a certificate in the chain is "
        "self-signed, as when a company network inspects HTTPS traffic"
    ),
    N_(
        "A proxy or firewall on this network replaces the service's certificate with its "
        "own. Ask IT to install the company's root certificate in the system's certificate "
        "store (vismadesk trusts what the system trusts), then run the action again. Nothing "
        "was sent."
    ),
)
TLS_UNTRUSTED = _m(
    "tls_untrusted",
    N_("The secure connection to {service} is not trusted: {reason}"),
    N_(
        "The service's certificate could not be checked. Check the computer's date and "
        "time and the address in the Advanced settings; on a company network ask IT about "
        "HTTPS inspection. Nothing was sent."
    ),
    cli_hint=N_(
        "The service's certificate could not be checked. Check the computer's date and "
        "time and the addresses (`vismadesk config get`); on a company network ask IT "
        "about HTTPS inspection. Nothing was sent."
    ),
)
# --- Showing stored entries and texts in the language chosen now --------------------


def shown_summary(
    code: str | None,
    params: Mapping[str, Any] | None,
    summary: str,
    *,
    lang: Language | None = None,
) -> str:
    """An entry's summary in the language chosen now, from its code and values; an entry
    written before values were kept (or by a newer version) is matched against the
    catalogue's English, and shows as it was stored when nothing matches."""
    msg = CATALOGUE.get(code or "")
    if msg is not None and params is not None:
        try:
            return msg.shown(params, lang=lang)
        except (KeyError, IndexError, ValueError):
            pass
    return translated(summary, lang=lang, code=code)


def shown_hint(
    code: str | None,
    values: Mapping[str, Any],
    stored: str = "",
    *,
    lang: Language | None = None,
    cli: bool = False,
) -> str:
    """The fix for an entry in the language chosen now. `values`: the entry's values and
    details (a hint may name a detail, such as where a document is found)."""
    msg = CATALOGUE.get(code or "")
    if msg is None:
        return gettext(stored, lang=lang) if stored else ""
    return msg.hint_shown(values, lang=lang, cli=cli)


def translated(text: str, *, lang: Language | None = None, code: str | None = None) -> str:
    """An English catalogue sentence (a stored summary, the cause inside a detail, a
    journal's reason) in the language chosen now; any other text as it is. Lines are
    translated one by one."""
    if not text or (lang or _current()) == "en":
        return text
    if "\n" in text:
        return "\n".join(translated(line, lang=lang, code=code) for line in text.split("\n"))
    candidates = [CATALOGUE[code]] if code in CATALOGUE else []
    for msg in [*candidates, *CATALOGUE.values()]:
        values = msg.match(text)
        if values is not None:
            try:
                return msg.shown(values, lang=lang)
            except (KeyError, IndexError, ValueError):
                return text
    return text


def search_words(code: str | None, params: Mapping[str, Any] | None) -> str:
    """The entry's summary in every other language, for the search index."""
    from vismadesk.i18n import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES

    msg = CATALOGUE.get(code or "")
    if msg is None or params is None:
        return ""
    out = []
    for lang in SUPPORTED_LANGUAGES:
        if lang == SOURCE_LANGUAGE:
            continue
        try:
            out.append(msg.shown(params, lang=lang))
        except (KeyError, IndexError, ValueError):
            continue
    return "\n".join(out)


def _current() -> Language:
    from vismadesk.i18n import current_language

    return current_language()
