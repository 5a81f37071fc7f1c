"""The window's own words: labels, status-bar notices, header states, the Help page.

What the engine reports (errors, fixes, run summaries) lives in `vismadesk.messages`
and is shown from there; this module holds only the window's chrome, once, so a
label is not spelled differently in a menu, a button and a test.

Every text is English and marked with `N_` (or `Plural` when it counts); the window
shows it through `_()` where it is shown, so a language switch at run time only has to
set the texts again (each part's `retranslate`). See `vismadesk.i18n` for the rule.
"""

from __future__ import annotations

from vismadesk.domain import Level
from vismadesk.i18n import N_, Plural

# The log names the kinds of run; the window shows the same names.
from vismadesk.messages import ACTION_NAMES as ACTION_NAMES

APP_TITLE = "vismadesk"
# "[*]" is where Qt shows that the settings have unsaved changes. The application's
# display name is "vismadesk" and Qt appends it to a title that does not end with it
# already, so the title ends with it: never "vismadesk — Demo (sandbox) — vismadesk".
WINDOW_TITLE = f"{APP_TITLE}[*]"
WINDOW_TITLE_DEMO = N_("Demo (sandbox)[*] — vismadesk")

LEVEL_NAMES: dict[Level, str] = {
    Level.ERROR: N_("Error"),
    Level.WARNING: N_("Warning"),
    Level.SUCCESS: N_("Success"),
    Level.INFO: N_("Info"),
}

# --- actions (the troubleshooting page's names) ------------------------------------------
EXPORT_WORK_ORDERS = N_("Export work orders")
SYNC_RELATIONS = N_("Sync relations")
SYNC_MATERIALS = N_("Sync materials")
SYNC_ALL = N_("Sync all")
LOGIN = N_("Login")
DISCONNECT = N_("Disconnect")
RESET_STATUS = N_("Reset status")
EXPORT_SELECTED = N_("Export selected")
CANCEL = N_("Cancel")
SAVE = N_("Save")
REFRESH = N_("Refresh")
TEST_CONNECTION = N_("Test connection")
COPY = N_("Copy")
CLOSE = N_("Close")
QUIT = N_("Quit")
SAVE_SETTINGS = N_("Save settings")
SEARCH_LOG = N_("Search the log")
MENU_FILE = N_("&File")
MENU_ACTIONS = N_("&Actions")
MENU_CONNECTION = N_("&Connection")
MENU_VIEW = N_("&View")
MENU_LANGUAGE = N_("&Language")
MENU_HELP = N_("&Help")
HELP_TROUBLESHOOTING = N_("Troubleshooting: quick checks and questions")
SCHEDULE_ACTION = N_("Schedule nightly export…")
SCHEDULE_TITLE = N_("Schedule nightly export")
SCHEDULE_AT = N_("Every night at")
SCHEDULE_INTRO = N_(
    "Add this line with crontab -e (Linux, macOS) and this profile's work orders are "
    "exported every night, whether the window is open or not:"
)
SCHEDULE_INTRO_WINDOWS = N_(
    "Create the task below (or run the command in a command prompt) and this profile's "
    "work orders are exported every night, whether the window is open or not:"
)
SCHEDULE_NOTES = N_(
    "Each run writes what it did to {path} (JSON: counts, errors, start and end) and "
    "ends with exit code 0 (all exported), 1 (some work orders failed) or 2 (a setting "
    "or the sign-in needs you; nothing was sent). Sign in with Login first: a scheduled "
    "run keeps using that sign-in (or the client credentials, when set up)."
)
SCHEDULE_COPY = N_("Copy")
SCHEDULE_COPIED = N_("Copied to the clipboard.")
SCHEDULE_CREATE = N_("Create the task")
SCHEDULE_CREATED = N_("The task was created in Task Scheduler.")
SCHEDULE_NOT_CREATED = N_("The task was not created: {problem}")
TOOLBAR_ACTIONS = N_("Actions")
ACTION_TOOLTIP = N_("{action} ({keys})")
LANGUAGE_CHANGED = N_("The window is now in English.")

# --- settings form -----------------------------------------------------------------------
SEND_AS = N_("Send work order as")
SALES_ORDER = N_("Sales order")
SALES_INVOICE = N_("Sales invoice")
NEW_MATERIAL = N_("New material")
NEW_RELATION = N_("New relation")
OUTSMART_TOKEN = N_("OutSmart token")
OUTSMART_SOFTWARE_TOKEN = N_("Software token")
# Every setting's label, by its key in `vismadesk.config` (which holds no words).
SETTING_LABELS: dict[str, str] = {
    "export_format": SEND_AS,
    "new_material": NEW_MATERIAL,
    "new_relation": NEW_RELATION,
    "ready_status": N_("Ready-for-export work status"),
    "error_status": N_("Error work status"),
    "order_type": N_("Order type"),
    "item_class": N_("Item class for new materials"),
    "posting_class": N_("Posting class for new materials"),
    "hour_rounding": N_("Hour rounding (minutes)"),
    "concurrency": N_("Work orders at a time"),
    "auto_sync_minutes": N_("Auto-sync every"),
    "keep_in_tray": N_("Keep running in the tray when the window is closed"),
    "outsmart_url": N_("OutSmart API address"),
    "visma_connect_url": N_("Visma Connect address"),
    "erp_url": N_("VISMA.net ERP API address"),
    "salesorders_url": N_("SalesOrders API address"),
    "client_id": N_("Client ID"),
    "tenant_id": N_("Tenant ID"),
    "offline_access": N_("Ask for a refresh token (offline access)"),
    "export_claim_status": N_("In-export work status"),
    "manual_order_numbers": N_("Work order number as sales order number"),
    "duplicate_check_days": N_("Look for documents already in VISMA.net over"),
    "claim_lease_minutes": N_("Take over another console's claim after"),
    "language": N_("Language"),
    "store_url": N_("Log and journal kept in"),
    "attach_pdf": N_("Attach work order PDF"),
    "attach_forms": N_("Also the forms' PDFs"),
    "attach_signature": N_("Also the signature"),
    "exported_status": N_("Status after export"),
    "proxy": N_("Proxy"),
}
NEW_MATERIAL_HELP = N_(
    "Creates a material (or hour type) in VISMA.net when a work order uses one it does not know."
)
NEW_RELATION_HELP = N_(
    "Creates the customer in VISMA.net when a work order's relation is not there yet."
)
MANUAL_ORDER_NUMBERS_HELP = N_(
    "For an order type that numbers manually in VISMA.net: the sales order gets the work "
    "order number, so VISMA.net itself refuses a second copy."
)
CLAIM_NONE = N_("None (no claim in OutSmart)")
ATTACH_PDF_HELP = N_(
    "Puts the work order's PDF from OutSmart on the sales invoice in VISMA.net (and in the "
    "invoice e-mail). Sales orders cannot carry files: VISMA.net's sales order API has no "
    "attachments."
)
EXPORTED_STATUS_KEEP = N_("None (Afgehandeld only)")
PROXY_PLACEHOLDER = N_("The system's proxy (leave empty)")
PROXY_HELP = N_(
    "vismadesk uses the system's proxy and certificate store. Only for a network they do "
    "not describe: http://proxy.example.com:8080 (no password in it)."
)
DAYS_SUFFIX = N_(" days")
MINUTES_SUFFIX = N_(" min")
SECTION_EXPORT = N_("Export")
SECTION_STATUSES = N_("Work statuses")
SECTION_NEW_ITEMS = N_("New materials")
SECTION_RUNS = N_("Runs")
SECTION_OUTSMART = N_("OutSmart connection")
SECTION_ADVANCED = N_("Advanced")
READY_ANY = N_("Any completed work order")
HOUR_ROUNDING_NONE = N_("No rounding")
HOUR_ROUNDING_MINUTES = N_("{minutes} minutes")
AUTO_SYNC_OFF = N_("Off")
AUTO_SYNC_SUFFIX = N_(" min")
TOKEN_STORED = N_("Saved in the keyring — type to replace")
TOKEN_EMPTY = N_("Paste it from OutSmart")
STORE_FAILED_TITLE = N_("The database cannot be used")
TOKEN_NO_KEYRING = N_("No usable keyring: it cannot be saved (see below)")
UNSAVED = N_("Unsaved changes")
UNDO_CHANGES = N_("Undo changes")
SAVED = N_("All changes saved")
SETTINGS_HAVE_ERRORS = N_("Correct the marked fields, then save.")
TESTING_CONNECTION = N_("Testing the OutSmart connection…")
CONNECTION_OK = N_("OutSmart accepted the tokens.")
STATUSES_LOADING = N_("Loading work statuses from OutSmart…")
SAVE_WAITS_FOR_RUN = N_(
    "Save after the running action has finished: it uses the current addresses."
)
CHOOSE_SEND_AS = N_("Choose Sales order or Sales invoice, then click Save.")
NEW_MATERIAL_ON = N_("New material is on")
NEW_RELATION_ON = N_("New relation is on")
OUTSMART_NO_ANSWER = N_("OutSmart gave no answer.")
# Export with the settings changed but not saved (the export uses the saved ones).
EXPORT_UNSAVED_TITLE = N_("Unsaved settings")
EXPORT_UNSAVED_FORMAT = N_(
    "Send work order as: {choice} is chosen but not saved. The export uses the saved "
    "settings. Save the settings and export?"
)
EXPORT_UNSAVED = N_(
    "The settings have unsaved changes. The export uses the saved settings. Save the "
    "settings first, or export with the saved ones?"
)
SAVE_AND_EXPORT = N_("Save and export")
EXPORT_WITH_SAVED = N_("Export with the saved settings")

# --- log panel -----------------------------------------------------------------------------
TAB_LOG = N_("Sync log")
TAB_WORK_ORDERS = N_("Work orders")
FILTER_ALL = N_("All entries")
FILTER_ERRORS = N_("Errors")
FILTER_WARNINGS = N_("Errors and warnings")
FILTER_TOOLTIP = N_("Show all entries, only errors, or errors and warnings")
SEARCH_PLACEHOLDER = N_("Search: work order, material, relation or a word")
SEARCH_TOOLTIP = N_(
    "Finds entries whose text, work order, record or details contain every word typed. "
    "An entry found only in its details (the full VISMA.net or OutSmart answer) says so. "
    "Down moves into the results; Ctrl+E exports."
)
FOUND_IN_DETAILS = N_("found in the details")
LOG_EMPTY = N_("Nothing in the log yet. Run Export work orders or a Sync action.")
LOG_NO_MATCH = N_("No log entries match this filter.")
LOG_LOADING = N_("Loading…")

NOT_SIGNED_IN = N_("Not signed in to VISMA.net")
SIGNING_IN = N_("Waiting for sign-in in your browser…")
CONNECTED_AS = N_("Connected as {user} to {company}")
CONNECTED = N_("Connected to VISMA.net")
CONNECTION_PROBLEM = N_("Signed in, but VISMA.net cannot be used")
SERVICE_TROUBLE = N_("VISMA.net answers errors")
SERVICE_TROUBLE_DETAIL = N_("Last answer: {what}")
RETRYING = N_("{service} answers errors, retrying ({attempt} of {attempts})…")
YOUR_ACCOUNT = N_("your account")
YOUR_COMPANY = N_("your company")
COMPANY_SHORT = N_("company {start}…")
COMPANY_TENANT = N_("company (tenant) ID {tenant}")
CONNECTED_EARLIER = N_("Signed in earlier; the token is renewed at the next action.")
TOKEN_EXPIRES = N_("token expires at {time}")
COPY_SIGN_IN_ADDRESS = N_("Copy sign-in address")
SIGN_IN_ADDRESS_COPIED = N_("The sign-in address is on the clipboard: paste it into a browser.")

LIGHT_CONNECTION = N_("Connection")
LIGHT_TOKEN = N_("Token")
LIGHT_SETTINGS = N_("Settings")
LIGHT_CODES = N_("Codes")
LIGHT_READY = N_("Ready")
# What each light says (short), then its tooltip (what to do).
CHECK_CONNECTED = N_("Connection active")
CHECK_SIGNING_IN = N_("Signing in")
CHECK_NOT_CONNECTED = N_("Not connected")
CHECK_SERVICE_TROUBLE = N_("VISMA.net errors")
CHECK_NO_TOKEN = N_("No token")
CHECK_TOKEN_PROBLEM = N_("Token problem")
CHECK_TOKEN_SAVED = N_("Token saved")
CHECK_TOKEN_VALID = N_("Token valid until {time}")
CHECK_TOKEN_EXPIRED = N_("Token expired")
CHECK_NO_FORMAT = N_("Send as not chosen")
CHECK_SETTINGS_SAVED = N_("Settings saved")
CHECK_CODES_NEVER = N_("Codes never synced")
CHECK_CODES_OLD = N_("Codes synced long ago")
CHECK_CODES_SYNCED = N_("Codes synced {time}")
CHECK_READY_UNKNOWN = N_("Ready: not checked")
CHECK_READY = N_("{ready} ready")
CHECK_READY_AND_ERRORS = N_("{ready} ready, {error} in error")
CONNECTION_ACTIVE = N_("The connection to VISMA.net is active.")
CONNECTION_INACTIVE = N_("Not connected to VISMA.net: click Login.")
CONNECTION_WAITING = N_("Waiting for the sign-in in the browser.")
CONNECTION_TROUBLE = N_(
    "VISMA.net answered with errors: {what} Run the action again later; nothing is sent twice."
)
TOKEN_VALID_UNTIL = N_("The token is valid until {time}.")
TOKEN_RENEWS = N_("The token expired at {time}; it is renewed at the next action.")
TOKEN_NONE = N_("No token: click Login.")
SETTINGS_OK = N_("The export settings are saved.")
SETTINGS_UNSAVED = N_("The settings have unsaved changes: click Save.")
SETTINGS_NO_FORMAT = N_("Send work order as is not chosen yet.")
CODES_SYNCED = N_("Relations synced {relations}; materials synced {materials}.")
CODES_NEVER = N_("never")
CODES_RUN_SYNC = N_("Run Sync all.")
CODES_STALE = N_("Codes last synced more than a day ago: run Sync all.")
READY_COUNT = N_("{ready} ready for export, {error} in the error status.")
READY_UNKNOWN = N_("Not checked yet: open the Work orders tab or click Refresh there.")

# --- details dialog ----------------------------------------------------------------------
DETAILS_TITLE = N_("Log entry")
DETAILS_WHEN = N_("When")
DETAILS_ACTION = N_("Action")
DETAILS_WORK_ORDER = N_("Work order")
DETAILS_RECORD = N_("Record")
DETAILS_FIX = N_("How to fix it")
# The heading over a success's or a notice's hint: nothing to fix there.
DETAILS_ABOUT = N_("What this means")
DETAILS_EXCHANGE = N_("API exchange (secrets removed)")
DETAILS_MORE = N_("Details")
DETAILS_COPIED = N_("The entry is on the clipboard.")
DETAILS_CODE = N_("(code {code}, entry {entry})")
# The labels of an entry's details, by detail key; other keys are shown as they read.
DETAIL_LABELS: dict[str, str] = {
    "cause": N_("Cause"),
    "visma_message": N_("VISMA.net said"),
    "status": N_("HTTP status"),
    "request_id": N_("Request id"),
    "problem_codes": N_("Problem codes"),
    "outsmart_code": N_("OutSmart code"),
    "outsmart_messages": N_("OutSmart said"),
    "work_orders": N_("Work orders with errors"),
    "skipped_work_orders": N_("Skipped work orders"),
    "exported": N_("Exported"),
    "note": N_("Note"),
    "while": N_("While"),
    "records": N_("Records"),
    "section": N_("Where to find it"),
    "document": N_("Document"),
    "document_type": N_("Document type"),
    "document_number": N_("Document number"),
    "order_type": SETTING_LABELS["order_type"],
    "authorize_url": N_("Sign-in address"),
    "reason": N_("Reason"),
    "visma_error": N_("VISMA.net error"),
    "field": N_("Field"),
    "sent": N_("Sent"),
}
RESET_WORK_ORDER = N_("Reset work order {work_order}")
FIX_DONE = N_("Done: {what}.")
YES = N_("yes")
NO = N_("no")

# --- work orders tab ---------------------------------------------------------------------
READY_TITLE = N_("Ready for export ({count})")
ERROR_TITLE = N_("In the error status ({count})")
COL_NUMBER = N_("Work order")
COL_CUSTOMER = N_("Customer")
COL_RELATION = N_("Relation")
COL_DESCRIPTION = N_("Description")
COL_DATE = N_("Date")
COL_STATUS = N_("Work status")
COL_WHY = N_("Why it failed")
WORK_ORDERS_LOADING = N_("Asking OutSmart for the work orders…")
WORK_ORDERS_LOADED = N_("Listed at {time}. Double-click a work order for its latest log entry.")
WORK_ORDERS_NEED_TOKENS = N_("Enter the OutSmart tokens in the settings to list the work orders.")
SELECT_TO_RESET = N_("Select work orders in the error status to reset.")
SELECT_TO_EXPORT = N_("Select ready work orders to export.")
NONE_READY = N_("No work orders are ready for export.")
NONE_IN_ERROR = N_("No work orders are in the error status.")
NO_LOG_FOR_WORK_ORDER = N_("The log has no entry for work order {work_order} yet.")
TWICE_TITLE = N_("In VISMA.net twice")
TWICE_HELP = N_(
    "Two consoles exported these work orders at the very same moment. Delete the extra "
    "document in VISMA.net; OutSmart was told once."
)
COL_DOCUMENT = N_("Document")
COL_WHAT_TO_DELETE = N_("What to delete")

# --- runs and the status bar ---------------------------------------------------------------
READY = N_("Ready")
RUNNING = N_("{action}…")
PROGRESS = N_("{action}: {done} of {total}")
PROGRESS_ERRORS = Plural("{n} error so far", "{n} errors so far")
RUN_BUSY = N_("{running} is still running. Wait for it to finish or click Cancel.")
RUN_FINISHED = N_("{action} finished.")
RUN_FAILED = N_("{action} stopped; the log says why.")
# The store itself failed: the log may not hold the reason, so it is said here.
RUN_STOPPED_BY_STORE = N_("{action} stopped: {problem}")
RUN_HAD_ERRORS = N_("{action} finished; some entries need attention (see the log).")
RUN_CANCELLING = N_("Cancelling {action}: finishing the work in progress…")
AUTO_SYNC_SKIPPED = N_("Auto-sync skipped: {running} was running.")
PROFILE_HELD_NOTE = N_(
    "{action} is running in another vismadesk (process {pid} on {host}) since {since}. "
    "Export and Sync wait until it has ended."
)
LOG_IN_FIRST = N_("Signing in: the action runs when you are connected.")
STOP_AND_CLOSE = N_("Stop and close")
KEEP_RUNNING = N_("Keep running")
DONT_SAVE = N_("Don't save")
CLOSE_DURING_RUN_TITLE = N_("An action is running")
CLOSE_DURING_RUN = N_(
    "{action} is still running. Stop it and close? The work in progress is finished "
    "first; nothing is left half-done."
)
CLOSE_UNSAVED_TITLE = N_("Unsaved settings")
CLOSE_UNSAVED = N_("The settings have unsaved changes. Save them before closing?")
DEMO_BANNER = N_(
    "Demo — this window runs on the built-in sandbox with invented data. Nothing is sent to "
    "OutSmart or VISMA.net. Sign in on the sandbox page with the demo account it shows."
)


# --- VISMA.net defaults (issue #15): the section ui/export_defaults_section.py builds ------
SETTING_LABELS.update(
    {
        "labour_item_class": N_("Item class for new labour items"),
        "default_labour_item": N_("Labour item for hours without an hour type"),
        "unit_map": N_("Units (OutSmart = VISMA.net)"),
        "customer_class": N_("Customer class for new relations"),
        "override_class_values": N_("Take the class's values (credit terms) for new relations"),
        "customer_terms": N_("Credit terms for new relations"),
        "branch": N_("Branch"),
        "warehouse": N_("Warehouse on sales order lines"),
        "vat_category": N_("VAT category"),
        "credit_terms": N_("Credit terms on documents"),
        "project_map": N_("Projects (OutSmart = VISMA.net project/task)"),
        "description_item": N_("Work description as text lines, on item"),
    }
)
SECTION_VISMA_DEFAULTS = N_("VISMA.net defaults")
VISMA_DEFAULTS_HELP = N_(
    "Each one is optional: left empty, VISMA.net decides. Read from VISMA.net offers the "
    "company's own classes, terms, branches, warehouses and VAT categories; a code can "
    "also be typed."
)
LEFT_TO_VISMA = N_("(VISMA.net decides)")
UNIT_MAP_PLACEHOLDER = N_("STUKKEN=ST; METER=M")
PROJECT_MAP_PLACEHOLDER = N_("P100=ONDERHOUD/01")
READ_LISTS = N_("Read from VISMA.net")
LISTS_READING = N_("Reading the company's lists from VISMA.net…")
LISTS_READ = N_("The company's lists are offered in the fields above.")
LISTS_PARTLY = N_("Some lists could not be read ({problem}); the others are offered.")
LISTS_FAILED = N_("The lists could not be read.")
STARTUP_FAILED = N_("vismadesk could not start")
# Qt 6.5+'s X11 plugin needs these libraries; without one Qt aborts the process.
XCB_LIBRARIES_MISSING = Plural(
    "vismadesk cannot open its window: Qt's X11 display plugin (xcb) needs the library "
    "{libraries}, which is not installed. Install it (Debian, Ubuntu: sudo apt install "
    "{debian}; Fedora: sudo dnf install {fedora}) and start vismadesk again. The command "
    "line (vismadesk export, sync, log, ...) works without it.",
    "vismadesk cannot open its window: Qt's X11 display plugin (xcb) needs the libraries "
    "{libraries}, which are not installed. Install them (Debian, Ubuntu: sudo apt install "
    "{debian}; Fedora: sudo dnf install {fedora}) and start vismadesk again. The command "
    "line (vismadesk export, sync, log, ...) works without them.",
)

# --- Help: the troubleshooting page (OutSmart's "Troubleshoot VISMA.net") -----------------
HELP_TITLE = N_("Troubleshooting")
HELP_INTRO = N_(
    "Use the log to review imports, exports, and errors. Each log entry shows when the sync "
    "ran and what happened. Double-click an entry with the orange error icon to open the "
    "full details."
)
HELP_STEPS_TITLE = N_("Step by step")
HELP_STEPS = (
    N_("Open the log: it is on the right side of the window."),
    N_("Open the latest warning or error entry (double-click it, or select it and press Enter)."),
    N_(
        "Read the full message: use the full error details to find the exact cause. Check "
        "which record or setting is involved."
    ),
    N_(
        "Fix the cause and retry: after you correct the issue, run Export work orders or the "
        "relevant Sync action again."
    ),
)
HELP_QUICK_CHECKS_TITLE = N_("Quick checks first")
HELP_QUICK_CHECKS_INTRO = N_(
    "Check these points before you go deeper (the lights in the log header show each one):"
)
HELP_QUICK_CHECKS = (
    N_("the connection is still active"),
    N_("the authentication token is still valid"),
    N_("the correct import or export settings are saved"),
    N_("the customer and material codes still match"),
    N_("the work order is ready for export"),
)
HELP_MESSAGES_TITLE = N_("Common error messages")
HELP_MESSAGES_INTRO = N_("Each error entry says how to fix it; these are the common ones:")
HELP_FAQ_TITLE = N_("Frequently asked questions")
HELP_FAQ = (
    (
        N_("Where do I find the sync log?"),
        N_("On the right side of the window, in the Sync log tab."),
    ),
    (
        # {message} is the log's "nothing to do" message (OutSmart's own Dutch words).
        N_("Is “{message}” an error?"),
        N_("No. It means the sync ran successfully, but there was no new data to process."),
    ),
    (
        N_("How do I reconnect when the connection expired?"),
        N_(
            "Click the Disconnect button in the log header. Then sign in again through the "
            "VISMA.net login page (Login)."
        ),
    ),
    (
        N_("A work order failed with error status. What should I do?"),
        N_(
            "Reset the workstatus to the correct export status if it was set to Error (Reset "
            "status on the Work orders tab, or the button in the error entry). Then run the "
            "export again."
        ),
    ),
    (
        N_("A work order exported, but I cannot find it in VISMA.net. What should I do?"),
        N_(
            "Check the log first. If the export was successful, check the right area in "
            "VISMA.net. For sales orders, check the sales order section. For sales invoices, "
            "check the customer invoice section."
        ),
    ),
)

# --- the store in use (settings, Advanced) ---------------------------------------------------
STORE_LOCAL = N_("This computer only")
STORE_TEAM = N_("Team store (shared with the other consoles)")
STORE_WHERE = N_("{kind}: {where}")
STORE_HOW_TO_CHANGE = N_(
    "Set with `vismadesk config set store_url …` on the command line; used from the next start."
)

# --- File → Export log… (ui/log_export.py) ---------------------------------------------------
EXPORT_LOG = N_("Export log…")
EXPORT_LOG_TITLE = N_("Export the log")
EXPORT_LOG_FILTER = N_("CSV for Excel (*.csv)")
EXPORT_LOG_STARTING = N_("Exporting the log as it is filtered and searched now…")
EXPORT_LOG_PROGRESS = N_("{done} of {total} log entries written")
EXPORT_LOG_PROGRESS_OPEN = Plural("{n} log entry written", "{n} log entries written")
EXPORT_LOG_DONE = Plural("{n} log entry exported to {path}", "{n} log entries exported to {path}")
EXPORT_LOG_CANCELLED = N_("Log export cancelled; no file was written.")
EXPORT_LOG_FAILED = N_("The log could not be exported to {path}: {problem}")
EXPORT_LOG_FAILED_SHORT = N_("The log could not be exported.")

# --- the tray icon and notifications (ui/tray.py) --------------------------------------------
TRAY_IDLE = N_("vismadesk: idle")
TRAY_RUNNING = N_("vismadesk: {action} running")
TRAY_ERRORS = Plural(
    "vismadesk: {n} error in the last run; open the log",
    "vismadesk: {n} errors in the last run; open the log",
)
TRAY_OPEN = N_("Open vismadesk")
TRAY_KEEPS_RUNNING_TITLE = N_("vismadesk keeps running")
TRAY_KEEPS_RUNNING = N_(
    "vismadesk goes on in the tray for its auto-sync. Quit it from the tray menu or with "
    "File → Quit."
)
NOTIFY_ERRORS_TITLE = N_("{action} ended with errors")
NOTIFY_SCHEDULED_ERRORS_TITLE = N_("A scheduled {action} ended with errors")
NOTIFY_ERRORS = Plural(
    "{n} error in the log. Click to open vismadesk.",
    "{n} errors in the log. Click to open vismadesk.",
)
KEEP_IN_TRAY_NO_TRAY = N_("This desktop has no system tray: closing the window quits vismadesk.")

# --- Help → About vismadesk (ui/about_dialog.py) ---------------------------------------------
HELP_ABOUT = N_("&About vismadesk")
ABOUT_TITLE = N_("About vismadesk")
ABOUT_VERSION = N_("Version {version}")
ABOUT_DESCRIPTION = N_(
    "Sends completed OutSmart work orders to VISMA.net ERP as sales orders or customer "
    "invoices, keeps relations and materials in step, and shows every run in a sync log "
    "you can act on."
)
ABOUT_LICENCE = N_("Licence: proprietary. All rights reserved.")
ABOUT_BUILT_WITH = N_("Qt {qt} (PySide6 {pyside}), Python {python}")
