"""The window's own words: labels, status-bar notices, header states.

What the engine reports (errors, fixes, run summaries) lives in `vismadesk.messages`
and is shown from there; this module holds only the window's chrome, once, so a
label is not spelled differently in a menu, a button and a test.
"""

from __future__ import annotations

from vismadesk.domain import Level
from vismadesk.i18n import N_

# The log names the kinds of run; the window shows the same names.
from vismadesk.messages import ACTION_NAMES as ACTION_NAMES

APP_TITLE = "vismadesk"
# "[*]" is where Qt shows that the settings have unsaved changes.
WINDOW_TITLE = f"{APP_TITLE}[*]"
WINDOW_TITLE_DEMO = f"{APP_TITLE}[*] — Demo (sandbox)"

LEVEL_NAMES: dict[Level, str] = {
    Level.ERROR: "Error",
    Level.WARNING: "Warning",
    Level.SUCCESS: "Success",
    Level.INFO: "Info",
}

# --- actions (the troubleshooting page's names) ------------------------------------------
EXPORT_WORK_ORDERS = "Export work orders"
SYNC_RELATIONS = "Sync relations"
SYNC_MATERIALS = "Sync materials"
SYNC_ALL = "Sync all"
LOGIN = "Login"
DISCONNECT = "Disconnect"
RESET_STATUS = "Reset status"
EXPORT_SELECTED = "Export selected"
CANCEL = "Cancel"
SAVE = "Save"
REFRESH = "Refresh"
TEST_CONNECTION = "Test connection"
COPY = "Copy"
CLOSE = "Close"
QUIT = "Quit"
SAVE_SETTINGS = "Save settings"
SEARCH_LOG = "Search the log"
MENU_FILE = "&File"
MENU_ACTIONS = "&Actions"
MENU_CONNECTION = "&Connection"
TOOLBAR_ACTIONS = "Actions"
ACTION_TOOLTIP = "{action} ({keys})"

# --- settings form -----------------------------------------------------------------------
SEND_AS = "Send work order as"
SALES_ORDER = "Sales order"
SALES_INVOICE = "Sales invoice"
NEW_MATERIAL = "New material"
NEW_RELATION = "New relation"
OUTSMART_TOKEN = "OutSmart token"
OUTSMART_SOFTWARE_TOKEN = "Software token"
# Every setting's label, by its key in `vismadesk.config` (which holds no words).
SETTING_LABELS: dict[str, str] = {
    "export_format": SEND_AS,
    "new_material": NEW_MATERIAL,
    "new_relation": NEW_RELATION,
    "ready_status": "Ready-for-export work status",
    "error_status": "Error work status",
    "export_claim_status": "In-export work status",
    "order_type": "Order type",
    "manual_order_numbers": "Work order number as sales order number",
    "item_class": "Item class for new materials",
    "posting_class": "Posting class for new materials",
    "hour_rounding": "Hour rounding (minutes)",
    "concurrency": "Work orders at a time",
    "auto_sync_minutes": "Auto-sync every",
    "duplicate_check_days": "Look for documents already in VISMA.net over",
    "claim_lease_minutes": "Take over another console's claim after",
    "outsmart_url": "OutSmart API address",
    "visma_connect_url": "Visma Connect address",
    "erp_url": "VISMA.net ERP API address",
    "salesorders_url": "SalesOrders API address",
    "client_id": "Client ID",
    "tenant_id": "Tenant ID",
    "offline_access": "Ask for a refresh token (offline access)",
    "language": N_("Language"),
}
NEW_MATERIAL_HELP = (
    "Creates a material (or hour type) in VISMA.net when a work order uses one it does not know."
)
NEW_RELATION_HELP = (
    "Creates the customer in VISMA.net when a work order's relation is not there yet."
)
MANUAL_ORDER_NUMBERS_HELP = (
    "For an order type that numbers manually in VISMA.net: the sales order gets the work "
    "order number, so VISMA.net itself refuses a second copy."
)
CLAIM_NONE = "None (no claim in OutSmart)"
DAYS_SUFFIX = " days"
MINUTES_SUFFIX = " min"
SECTION_EXPORT = "Export"
SECTION_STATUSES = "Work statuses"
SECTION_NEW_ITEMS = "New materials"
SECTION_RUNS = "Runs"
SECTION_OUTSMART = "OutSmart connection"
SECTION_ADVANCED = "Advanced"
READY_ANY = "Any completed work order"
HOUR_ROUNDING_NONE = "No rounding"
HOUR_ROUNDING_MINUTES = "{minutes} minutes"
AUTO_SYNC_OFF = "Off"
AUTO_SYNC_SUFFIX = " min"
TOKEN_STORED = "Saved in the keyring — type to replace"
TOKEN_EMPTY = "Paste it from OutSmart"
UNSAVED = "Unsaved changes"
UNDO_CHANGES = "Undo changes"
SAVED = "All changes saved"
SETTINGS_HAVE_ERRORS = "Correct the marked fields, then save."
TESTING_CONNECTION = "Testing the OutSmart connection…"
CONNECTION_OK = "OutSmart accepted the tokens."
STATUSES_LOADING = "Loading work statuses from OutSmart…"
SAVE_WAITS_FOR_RUN = "Save after the running action has finished: it uses the current addresses."
CHOOSE_SEND_AS = "Choose Sales order or Sales invoice, then click Save."
NEW_MATERIAL_ON = "New material is on"
NEW_RELATION_ON = "New relation is on"
OUTSMART_NO_ANSWER = "OutSmart gave no answer."

# --- log panel -----------------------------------------------------------------------------
TAB_LOG = "Sync log"
TAB_WORK_ORDERS = "Work orders"
FILTER_ALL = "All entries"
FILTER_ERRORS = "Errors"
FILTER_WARNINGS = "Errors and warnings"
FILTER_TOOLTIP = "Show all entries, only errors, or errors and warnings"
SEARCH_PLACEHOLDER = "Search the log (work order, material, relation, text)"
LOG_EMPTY = "Nothing in the log yet. Run Export work orders or a Sync action."
LOG_NO_MATCH = "No log entries match this filter."
LOG_LOADING = "Loading…"

SIGNED_OUT = "Signed out of VISMA.net"
SIGNING_IN = "Waiting for sign-in in your browser…"
CONNECTED_AS = "Connected as {user} to {company}"
CONNECTED = "Connected to VISMA.net"
YOUR_ACCOUNT = "your account"
YOUR_COMPANY = "your company"
COMPANY_SHORT = "company {start}…"
COMPANY_TENANT = "company (tenant) ID {tenant}"
CONNECTED_EARLIER = "Signed in earlier; the token is renewed at the next action."
TOKEN_EXPIRES = "token expires at {time}"
COPY_SIGN_IN_ADDRESS = "Copy sign-in address"
SIGN_IN_ADDRESS_COPIED = "The sign-in address is on the clipboard: paste it into a browser."

LIGHT_CONNECTION = "Connection"
LIGHT_TOKEN = "Token"
LIGHT_SETTINGS = "Settings"
LIGHT_CODES = "Codes"
LIGHT_READY = "Ready"
# What each light says (short), then its tooltip (what to do).
CHECK_CONNECTED = "Connection active"
CHECK_SIGNING_IN = "Signing in"
CHECK_NOT_CONNECTED = "Not connected"
CHECK_NO_TOKEN = "No token"
CHECK_TOKEN_PROBLEM = "Token problem"
CHECK_TOKEN_SAVED = "Token saved"
CHECK_TOKEN_VALID = "Token valid until {time}"
CHECK_TOKEN_EXPIRED = "Token expired"
CHECK_NO_FORMAT = "Send as not chosen"
CHECK_SETTINGS_SAVED = "Settings saved"
CHECK_CODES_NEVER = "Codes never synced"
CHECK_CODES_OLD = "Codes synced long ago"
CHECK_CODES_SYNCED = "Codes synced {time}"
CHECK_READY_UNKNOWN = "Ready: not checked"
CHECK_READY = "{ready} ready"
CHECK_READY_AND_ERRORS = "{ready} ready, {error} in error"
CONNECTION_ACTIVE = "The connection to VISMA.net is active."
CONNECTION_INACTIVE = "Not connected to VISMA.net: click Login."
CONNECTION_WAITING = "Waiting for the sign-in in the browser."
TOKEN_VALID_UNTIL = "The token is valid until {time}."
TOKEN_RENEWS = "The token expired at {time}; it is renewed at the next action."
TOKEN_NONE = "No token: click Login."
SETTINGS_OK = "The export settings are saved."
SETTINGS_UNSAVED = "The settings have unsaved changes: click Save."
SETTINGS_NO_FORMAT = "Send work order as is not chosen yet."
CODES_SYNCED = "Relations synced {relations}; materials synced {materials}."
CODES_NEVER = "never"
CODES_RUN_SYNC = "Run Sync all."
CODES_STALE = "Codes last synced more than a day ago: run Sync all."
READY_COUNT = "{ready} ready for export, {error} in the error status."
READY_UNKNOWN = "Not checked yet: open the Work orders tab or click Refresh there."

# --- details dialog ----------------------------------------------------------------------
DETAILS_TITLE = "Log entry"
DETAILS_WHEN = "When"
DETAILS_ACTION = "Action"
DETAILS_WORK_ORDER = "Work order"
DETAILS_RECORD = "Record"
DETAILS_FIX = "How to fix it"
DETAILS_EXCHANGE = "API exchange (secrets removed)"
DETAILS_MORE = "Details"
DETAILS_COPIED = "The entry is on the clipboard."
DETAILS_CODE = "(code {code}, entry {entry})"
# The labels of an entry's details, by detail key; other keys are shown as they read.
DETAIL_LABELS: dict[str, str] = {
    "cause": "Cause",
    "visma_message": "VISMA.net said",
    "status": "HTTP status",
    "request_id": "Request id",
    "problem_codes": "Problem codes",
    "outsmart_code": "OutSmart code",
    "outsmart_messages": "OutSmart said",
    "work_orders": "Work orders",
    "exported": "Exported",
    "note": "Note",
    "while": "While",
    "records": "Records",
    "section": "Where to find it",
    "document": "Document",
    "order_type": SETTING_LABELS["order_type"],
    "authorize_url": "Sign-in address",
    "reason": "Reason",
    "visma_error": "VISMA.net error",
}
RESET_WORK_ORDER = "Reset work order {work_order}"
FIX_DONE = "Done: {what}."

# --- work orders tab ---------------------------------------------------------------------
READY_TITLE = "Ready for export"
ERROR_TITLE = "In the error status"
COL_NUMBER = "Work order"
COL_CUSTOMER = "Customer"
COL_RELATION = "Relation"
COL_DESCRIPTION = "Description"
COL_DATE = "Date"
COL_STATUS = "Work status"
COL_WHY = "Why it failed"
WORK_ORDERS_LOADING = "Asking OutSmart for the work orders…"
WORK_ORDERS_LOADED = "Listed at {time}."
WORK_ORDERS_NEED_TOKENS = "Enter the OutSmart tokens in the settings to list the work orders."
SELECT_TO_RESET = "Select work orders in the error status to reset."
SELECT_TO_EXPORT = "Select ready work orders to export."
TWICE_TITLE = "In VISMA.net twice"
TWICE_HELP = (
    "Two consoles exported these work orders at the very same moment. Delete the extra "
    "document in VISMA.net; OutSmart was told once."
)
COL_DOCUMENT = "Document"
COL_WHAT_TO_DELETE = "What to delete"

# --- runs and the status bar ---------------------------------------------------------------
READY = "Ready"
RUNNING = "{action}…"
PROGRESS = "{action}: {done} of {total}"
RUN_BUSY = "{running} is still running. Wait for it to finish or click Cancel."
RUN_FINISHED = "{action} finished."
RUN_FAILED = "{action} stopped; the log says why."
RUN_HAD_ERRORS = "{action} finished; some entries need attention (see the log)."
RUN_CANCELLING = "Cancelling {action}: finishing the work in progress…"
AUTO_SYNC_SKIPPED = "Auto-sync skipped: {running} was running."
PROFILE_HELD_NOTE = (
    "{action} is running in another vismadesk (process {pid} on {host}) since {since}. "
    "Export and Sync wait until it has ended."
)
LOG_IN_FIRST = "Signing in: the action runs when you are connected."
STOP_AND_CLOSE = "Stop and close"
KEEP_RUNNING = "Keep running"
DONT_SAVE = "Don't save"
CLOSE_DURING_RUN_TITLE = "An action is running"
CLOSE_DURING_RUN = (
    "{action} is still running. Stop it and close? The work in progress is finished "
    "first; nothing is left half-done."
)
CLOSE_UNSAVED_TITLE = "Unsaved settings"
CLOSE_UNSAVED = "The settings have unsaved changes. Save them before closing?"
DEMO_BANNER = (
    "Demo — this window runs on the built-in sandbox with invented data. Nothing is sent to "
    "OutSmart or VISMA.net. Sign in on the sandbox page with the demo account it shows."
)
STARTUP_FAILED = "vismadesk could not start"
