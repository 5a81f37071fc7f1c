"""The message catalogue: every text a planner reads in the log, once.

The seed's error messages (OutSmart's "Troubleshoot VISMA.net" page) appear here
word for word; their placeholders X and Y become named fields. Each message has a
stable code (stored with the log entry, so old entries keep their meaning), the
fix as a hint, and where the fix is a setting or a button, a `FixAction` the window
turns into a button. Nothing else in the code spells these texts.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum

from vismadesk.domain import Action, Level


class FixAction(StrEnum):
    ENABLE_NEW_MATERIAL = "enable_new_material"
    ENABLE_NEW_RELATION = "enable_new_relation"
    CHOOSE_EXPORT_FORMAT = "choose_export_format"
    LOGIN = "login"
    RECONNECT = "reconnect"
    RESET_STATUS = "reset_status"
    ENTER_OUTSMART_TOKENS = "enter_outsmart_tokens"


FIX_LABELS: dict[FixAction, str] = {
    FixAction.ENABLE_NEW_MATERIAL: "Turn on New material",
    FixAction.ENABLE_NEW_RELATION: "Turn on New relation",
    FixAction.CHOOSE_EXPORT_FORMAT: "Choose Sales order or Sales invoice",
    FixAction.LOGIN: "Click Login",
    FixAction.RECONNECT: "Disconnect and log in again",
    FixAction.RESET_STATUS: "Reset the work status",
    FixAction.ENTER_OUTSMART_TOKENS: "Enter the OutSmart tokens",
}

# What the log calls each kind of run: its Action column, and "Export cancelled ...".
ACTION_NAMES: dict[Action, str] = {
    Action.EXPORT: "Export",
    Action.IMPORT: "Sync",
    Action.AUTH: "Sign-in",
    Action.RESET: "Reset",
}


class RecordKind(StrEnum):
    """What an entry's record is: the details show "Material C101040", not "Record"."""

    MATERIAL = "material"
    HOUR_TYPE = "hour_type"
    RELATION = "relation"
    DOCUMENT = "document"


RECORD_LABELS: dict[RecordKind, str] = {
    RecordKind.MATERIAL: "Material",
    RecordKind.HOUR_TYPE: "Hour type",
    RecordKind.RELATION: "Relation",
    RecordKind.DOCUMENT: "Document",
}


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

    @property
    def record_label(self) -> str | None:
        return RECORD_LABELS[self.record_kind] if self.record_kind is not None else None

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.text) if f)

    def render(self, **values: object) -> str:
        missing = set(self.fields) - values.keys()
        if missing:
            raise KeyError(f"message {self.code} needs {sorted(missing)}")
        return self.text.format(**{k: str(v) for k, v in values.items()})


CATALOGUE: dict[str, Message] = {}


def _m(
    code: str,
    text: str,
    hint: str,
    level: Level = Level.ERROR,
    fix: FixAction | None = None,
    *,
    seed: bool = False,
    record_kind: RecordKind | None = None,
) -> Message:
    if code in CATALOGUE:
        raise ValueError(f"duplicate message code {code}")
    msg = Message(code, text, hint, level, fix, seed, record_kind)
    CATALOGUE[code] = msg
    return msg


# --- The seed's messages, verbatim -------------------------------------------------

MATERIAL_NOT_IN_VISMA = _m(
    "material_not_in_visma",
    "Material {material} on work order {work_order} not found in VISMA.net",
    "A material on the work order does not exist in VISMA.net. Turn on New material so "
    "vismadesk creates it automatically, or make sure the material codes match in both "
    "systems.",
    fix=FixAction.ENABLE_NEW_MATERIAL,
    seed=True,
    record_kind=RecordKind.MATERIAL,
)
RELATION_NOT_IN_VISMA = _m(
    "relation_not_in_visma",
    "Relation {relation} on work order {work_order} not found in VISMA.net",
    "The customer on the work order does not exist in VISMA.net. Turn on New relation so "
    "vismadesk creates it automatically, or import the customer from VISMA.net first.",
    fix=FixAction.ENABLE_NEW_RELATION,
    seed=True,
    record_kind=RecordKind.RELATION,
)
RELATION_NOT_IN_OUTSMART = _m(
    "relation_not_in_outsmart",
    "Work order {work_order} relation {relation} does not exist in OutSmart",
    "The work order does not have a valid customer in OutSmart. Make sure the correct "
    "customer is linked to the work order, then reset its work status and export again.",
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.RELATION,
)
QUANTITY_NOT_POSITIVE = _m(
    "quantity_not_positive",
    "The quantity of material {material} has to be greater than 0",
    "A material line has quantity 0. Change the quantity to a value greater than zero "
    "in OutSmart, reset the work status and export again.",
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.MATERIAL,
)
EXPORT_FORMAT_MISSING = _m(
    "export_format_missing",
    "Please specify whether to send the work order as a sales order or a sales invoice",
    "The export format is not set. Open the export settings, choose Sales order or Sales "
    "invoice, and save.",
    fix=FixAction.CHOOSE_EXPORT_FORMAT,
    seed=True,
)
TOKEN_REFRESH_FAILED = _m(
    "token_refresh_failed",
    "Error refreshing API token. Unable to access API",
    "The access token expired and could not be refreshed. Disconnect the integration and "
    "connect it again through the VISMA.net login page.",
    fix=FixAction.RECONNECT,
    seed=True,
)
TOKEN_INVALID = _m(
    "token_invalid",
    "API token invalid. Please reauthenticate",
    "The stored token is no longer valid. Click Login and sign in again.",
    fix=FixAction.LOGIN,
    seed=True,
)
CUSTOMER_CREATE_FAILED = _m(
    "customer_create_failed",
    "Error creating customer in VISMA.net",
    "VISMA.net could not create the customer during export. Read the full error details, "
    "then make sure the customer in OutSmart has the required data, such as name and "
    "address.",
    fix=FixAction.RESET_STATUS,
    seed=True,
    record_kind=RecordKind.RELATION,
)
NOTHING_TO_DO = _m(
    "nothing_to_do",
    "Niks te importeren/exporteren",
    "Not an error: the sync ran successfully, but there was no new data to process.",
    Level.SUCCESS,
    seed=True,
)

# --- Messages the engine needs beyond the seed, in the same form ------------------

MATERIAL_CREATE_FAILED = _m(
    "material_create_failed",
    "Error creating material in VISMA.net",
    "VISMA.net could not create the material during export. Read the full error details, "
    "then make sure the material in OutSmart has the required data, such as description, "
    "unit and price, and that the item class and posting class in the settings exist.",
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.MATERIAL,
)
HOUR_TYPE_NOT_IN_VISMA = _m(
    "hour_type_not_in_visma",
    "Hour type {hour_type} on work order {work_order} not found in VISMA.net",
    "The hour type has no labour item with the same code in VISMA.net. Turn on New "
    "material so vismadesk creates it automatically, or make sure the codes match.",
    fix=FixAction.ENABLE_NEW_MATERIAL,
    record_kind=RecordKind.HOUR_TYPE,
)
WORK_ORDER_UNREADABLE = _m(
    "work_order_unreadable",
    "Work order {work_order} has a value vismadesk cannot read: {field}",
    "OutSmart sent a value in this work order that is not a valid number, date or time "
    "(the details show which). Correct it in OutSmart, reset the work status and export "
    "again. The other work orders were exported as usual.",
    fix=FixAction.RESET_STATUS,
)
DOCUMENT_CREATE_FAILED = _m(
    "document_create_failed",
    "Error creating {document} for work order {work_order} in VISMA.net",
    "VISMA.net refused the document. Read the full error details for VISMA.net's own "
    "message, fix the cause, reset the work status and export again.",
    fix=FixAction.RESET_STATUS,
)
NOT_SIGNED_IN = _m(
    "not_signed_in",
    "Not connected to VISMA.net. Click Login to sign in",
    "vismadesk has no VISMA.net sign-in yet. Click Login in the log header and sign in "
    "through the VISMA.net login page.",
    fix=FixAction.LOGIN,
)
OUTSMART_TOKENS_MISSING = _m(
    "outsmart_tokens_missing",
    "OutSmart token missing. Enter the OutSmart token and software token",
    "Enter the OutSmart token and software token in the settings and click Test connection.",
    fix=FixAction.ENTER_OUTSMART_TOKENS,
)
OUTSMART_TOKEN_REJECTED = _m(
    "outsmart_token_rejected",
    "OutSmart token rejected. Check the OutSmart token and software token",
    "OutSmart did not accept the token or the software token. Copy both again from "
    "OutSmart into the settings and click Test connection.",
    fix=FixAction.ENTER_OUTSMART_TOKENS,
)
OUTSMART_ERROR = _m(
    "outsmart_error",
    "OutSmart answered with an error: {detail}",
    "Read the full error details. If it persists, check the work order in OutSmart.",
)
VISMA_ERROR = _m(
    "visma_error",
    "VISMA.net answered with an error: {detail}",
    "Read the full error details for VISMA.net's own message.",
)
NETWORK_UNREACHABLE = _m(
    "network_unreachable",
    "Cannot reach {service}. Check the internet connection",
    "vismadesk could not connect. Check the internet connection and the address in the "
    "Advanced settings, then run the action again. Nothing was lost.",
)
TIMEOUT = _m(
    "timeout",
    "{service} did not answer in time",
    "The service was too slow to answer. Run the action again; work orders already "
    "exported are not sent twice.",
)
RATE_LIMITED = _m(
    "rate_limited",
    "VISMA.net is limiting requests. Try again later",
    "VISMA.net allows a limited number of requests per period. vismadesk waited and "
    "retried, but the limit was still reached. Run the action again later.",
)
UNEXPECTED_RESPONSE = _m(
    "unexpected_response",
    "Unexpected answer from {service}",
    "The service answered with something vismadesk cannot read (for example an error "
    "page). Read the full error details; run the action again later.",
)
KEYRING_UNAVAILABLE = _m(
    "keyring_unavailable",
    "No usable keyring to store the tokens safely",
    "vismadesk keeps tokens only in the system keyring. On Windows and macOS it is built "
    "in; on Linux install and unlock a Secret Service keyring (GNOME Keyring or KWallet). "
    "On a server, set the VISMADESK_* environment variables instead.",
    fix=None,
)
SETTINGS_RESET = _m(
    "settings_reset",
    "The settings file could not be read and was moved aside to {path}",
    "vismadesk started with default settings. Check the settings and save them again.",
    Level.WARNING,
)
LOGIN_FAILED = _m(
    "login_failed",
    "Sign-in to VISMA.net failed: {reason}",
    "Click Login and try again. If the browser did not open, copy the address from the "
    "details into a browser.",
    fix=FixAction.LOGIN,
)
SIGNED_IN = _m(
    "signed_in",
    "Signed in to VISMA.net as {user} ({company})",
    "The connection is active.",
    Level.SUCCESS,
)
DISCONNECTED = _m(
    "disconnected",
    "Disconnected from VISMA.net",
    "Click Login to connect again.",
    Level.INFO,
)

WORK_ORDER_EXPORTED = _m(
    "work_order_exported",
    "Work order {work_order} exported as {document} {number}",
    "Find it in VISMA.net under {section}.",
    Level.SUCCESS,
    record_kind=RecordKind.DOCUMENT,
)
WORK_ORDER_ALREADY_EXPORTED = _m(
    "work_order_already_exported",
    "Work order {work_order} was already exported as {document} {number}; not sent again",
    "vismadesk never sends a work order twice. It only finished the OutSmart side.",
    Level.INFO,
    record_kind=RecordKind.DOCUMENT,
)
WORK_ORDER_NOT_MARKED = _m(
    "work_order_not_marked",
    "Work order {work_order} is in VISMA.net but OutSmart was not updated",
    "The next export finishes the OutSmart side without sending the work order again.",
    Level.WARNING,
)
CUSTOMER_CREATED = _m(
    "customer_created",
    "Relation {relation} created in VISMA.net as customer {number}",
    "New relation is on, so the customer was created from the OutSmart relation.",
    Level.INFO,
    record_kind=RecordKind.RELATION,
)
MATERIAL_CREATED = _m(
    "material_created",
    "Material {material} created in VISMA.net",
    "New material is on, so the inventory item was created from the OutSmart material.",
    Level.INFO,
    record_kind=RecordKind.MATERIAL,
)
EXPORT_DONE = _m(
    "export_done",
    "{count} work orders exported",
    "Sales orders are under Sales orders in VISMA.net; sales invoices under Customer invoices.",
    Level.SUCCESS,
)
EXPORT_HAD_ERRORS = _m(
    "export_had_errors",
    "{failed} of {total} work orders have errors",
    "Open the error entries above for each work order's cause and fix. Failed work "
    "orders got the error work status in OutSmart; reset them after fixing the cause.",
)
RUN_CANCELLED = _m(
    "run_cancelled",
    "{action} cancelled after {done} of {total}",
    "The work in progress was finished; nothing was left half-done. Run it again to continue.",
    Level.WARNING,
)
RELATIONS_IMPORTED = _m(
    "relations_imported",
    "{count} relations imported",
    "Customers from VISMA.net are now relations in OutSmart.",
    Level.SUCCESS,
)
MATERIALS_IMPORTED = _m(
    "materials_imported",
    "{count} materials imported",
    "Inventory items from VISMA.net are now materials (and labour items hour types) in OutSmart.",
    Level.SUCCESS,
)
STATUS_RESET = _m(
    "status_reset",
    "Work order {work_order} reset to work status {status}",
    "Run Export work orders again to send it.",
    Level.SUCCESS,
)
STATUS_RESET_FAILED = _m(
    "status_reset_failed",
    "Work order {work_order} could not be reset",
    "Read the full error details. Check that the work order exists in OutSmart.",
)
RESET_STATUS_UNKNOWN = _m(
    "reset_status_unknown",
    "No ready-for-export work status to reset to",
    "Choose the ready-for-export work status in the settings, save, and reset again.",
)
RUN_BUSY = _m(
    "run_busy",
    "{action} is already running on this profile since {since} (process {pid} on {host})",
    "Only one export, sync or reset runs at a time per profile, from the window, the "
    "command line or a scheduled task alike. Nothing was done. Run it again when the "
    "other has ended, or start the command with --wait SECONDS to wait for it.",
    Level.WARNING,
)
RUN_BUSY_UNKNOWN = _m(
    "run_busy_unknown",
    "Another export, sync or reset is already running on this profile",
    "Only one export, sync or reset runs at a time per profile. Nothing was done. Run it "
    "again when the other has ended, or start the command with --wait SECONDS.",
    Level.WARNING,
)
PROFILE_HELD = _m(
    "profile_held",
    "{action} is running in another vismadesk (process {pid} on {host}) since {since}",
    "Export and Sync wait until it has ended; the window enables them again by itself. "
    "Its log entries appear here as it writes them.",
    Level.INFO,
)
CLAIM_STATUS_UNKNOWN = _m(
    "claim_status_unknown",
    "OutSmart does not know the in-export work status {status}; exporting without it",
    "Add the work status (for example 98 In export) in OutSmart, or choose one OutSmart "
    "has under In-export work status in the settings. Until then other consoles cannot "
    "see which work orders this one is exporting; the export journal and the check in "
    "VISMA.net still keep each work order from being sent twice.",
    Level.WARNING,
)
CLAIM_STATUS_CLASH = _m(
    "claim_status_clash",
    "The in-export work status {status} is also the {other} work status; exporting without it",
    "The in-export work status must differ from the ready-for-export and the error work "
    "status. Choose another in the settings.",
    Level.WARNING,
)
OTHER_CONSOLE_EXPORTING = _m(
    "other_console_exporting",
    "Another console is exporting now: {count} work orders are in export there "
    "({work_orders}); this export sent nothing new",
    "Two consoles exporting the same work orders at once could send one twice, so this "
    "one waits. Run the export again when the other has finished. A work order a console "
    "left in export when it stopped is taken over once the claim lease has passed.",
    Level.WARNING,
)
WORK_ORDER_CLAIMED_ELSEWHERE = _m(
    "work_order_claimed_elsewhere",
    "Work order {work_order} is being exported by another console; left to it",
    "Another console claimed this work order a moment before this one. It is not sent from here.",
    Level.INFO,
)
CLAIM_TAKEN_OVER = _m(
    "claim_taken_over",
    "Work order {work_order} was left in export by another console since {since}; taken over",
    "The console that claimed it did not finish it within the claim lease and VISMA.net "
    "has no document for it, so this console exports it.",
    Level.WARNING,
)
DUPLICATE_DOCUMENTS = _m(
    "duplicate_documents",
    "Work order {work_order} is in VISMA.net {count} times: {document} {numbers}. Delete {delete}",
    "Two consoles exported this work order at the very same moment. Keep the first "
    "document and delete the other one(s) named here in VISMA.net (under Customer "
    "invoices or Sales orders). OutSmart was told once.",
    record_kind=RecordKind.DOCUMENT,
)
CUSTOMER_ALREADY_IN_VISMA = _m(
    "customer_already_in_visma",
    "Relation {relation} was already in VISMA.net as customer {number}; used as it is",
    "Another export or another planner created the customer a moment before. Nothing "
    "is wrong with the work order.",
    Level.INFO,
    record_kind=RecordKind.RELATION,
)
MATERIAL_ALREADY_IN_VISMA = _m(
    "material_already_in_visma",
    "Material {material} was already in VISMA.net; used as it is",
    "Another export or another planner created the inventory item a moment before. "
    "Nothing is wrong with the work order.",
    Level.INFO,
    record_kind=RecordKind.MATERIAL,
)
ORDER_NUMBER_TOO_LONG = _m(
    "order_number_too_long",
    "Work order {work_order} does not fit in a sales order number (at most {max} characters)",
    "Manual order numbers use the work order number as the sales order number. Turn off "
    "Manual order numbers in the settings, reset the work status and export again.",
    fix=FixAction.RESET_STATUS,
)
ORDER_NUMBER_TAKEN = _m(
    "order_number_taken",
    "Sales order {number} in VISMA.net belongs to another order, not to work order {work_order}",
    "The order type numbers manually and the number made from the work order number is "
    "already used by an order with another reference. Check that order in VISMA.net, "
    "reset the work status and export again.",
    fix=FixAction.RESET_STATUS,
    record_kind=RecordKind.DOCUMENT,
)


def get(code: str) -> Message:
    return CATALOGUE[code]


def seed_messages() -> list[Message]:
    return [m for m in CATALOGUE.values() if m.from_seed]
