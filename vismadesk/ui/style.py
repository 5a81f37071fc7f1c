"""The window's colours, and the few style sheets that use them, in one place.

Colours are named for what they say (a problem, something pending, a muted aside),
so one meaning has one colour everywhere: the amber of "unsaved" in the settings is
the amber of "signing in" in the header. The icons' own colours are in their SVGs.
"""

from __future__ import annotations

# --- text ------------------------------------------------------------------------------
TEXT = "#333"
# Help lines, the connection detail, status lines under lists.
TEXT_MUTED = "#5B6670"
# Asides a planner need not read: an empty log, "copied", the action in a log row.
TEXT_FAINT = "#6B7785"
LINK = "#2F5F8F"
GOOD = "#2E7D45"
# Not wrong, not done yet: unsaved changes, a sign-in under way.
PENDING = "#B26A00"
BAD = "#C0392B"
INVALID_BORDER = "#D64541"

# --- surfaces ----------------------------------------------------------------------------
PANEL = "#F5F7FA"
PANEL_BORDER = "#DCE2E8"
FIX_PANEL = "#F3F6FA"
FIX_PANEL_BORDER = "#D5DEE8"
# The demo banner, and a field a fix button points the planner to.
NOTICE = "#FFF3CD"
NOTICE_TEXT = "#5C4400"
NOTICE_BORDER = "#F0D78C"

# --- log rows ----------------------------------------------------------------------------
# The orange of the error icon (resources/icons/error.svg); error rows are tinted in a
# light shade of it, so row and icon match.
ERROR_ORANGE = "#F28C28"
ERROR_ROW = "#FDEBDC"
WARNING_ROW = "#FFF6D6"


def color(value: str) -> str:
    """A style sheet that only sets the text colour."""
    return f"color: {value};"


# --- style sheets ------------------------------------------------------------------------
DEMO_BANNER = (
    f"#demoBanner {{ background: {NOTICE}; color: {NOTICE_TEXT}; border: 1px solid "
    f"{NOTICE_BORDER}; border-radius: 6px; padding: 6px 10px; }}"
)
LOG_HEADER = (
    f"#logHeader {{ background: {PANEL}; border: 1px solid {PANEL_BORDER}; border-radius: 6px; }}"
)
HEADLINE = "font-weight: 600; font-size: 11pt;"
LINK_BUTTON = (
    f"QPushButton {{ color: {LINK}; text-decoration: underline; border: 1px solid transparent; }}"
    f"QPushButton:focus {{ border: 1px dotted {LINK}; }}"
)
# Lists show where the keyboard is even when they are empty or have no current row
# (Fusion draws no focus frame around an item view).
LIST_FRAME = (
    f"QAbstractItemView {{ border: 2px solid {PANEL_BORDER}; }}"
    f"QAbstractItemView:focus {{ border: 2px solid {LINK}; }}"
)
LOG_EMPTY = f"color: {TEXT_FAINT}; padding: 24px;"
HELP = f"color: {TEXT_MUTED}; font-size: 9pt;"
INVALID_FIELD = f"border: 1px solid {INVALID_BORDER}; border-radius: 3px;"
POINTED_FIELD = f"background: {NOTICE}; border-radius: 3px;"
SAVE_BAR = f"#saveBar {{ border-top: 1px solid {PANEL_BORDER}; }}"
FIX_BOX = (
    f"#fixBox {{ background: {FIX_PANEL}; border: 1px solid {FIX_PANEL_BORDER}; "
    "border-radius: 6px; }"
)
BOLD = "font-weight: 600;"
DETAILS_SUMMARY = "font-size: 12pt; font-weight: 600;"


def headline(value: str) -> str:
    return f"{HEADLINE} color: {value};"
