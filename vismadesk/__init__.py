"""vismadesk: OutSmart work orders into Visma.net ERP, with a live, actionable sync log."""

import logging

__version__ = "0.1.0"

# The sync log is what a planner reads; these records only reach the diagnostic file
# when one is open, never stderr by Python's last-resort handler.
logging.getLogger("vismadesk").addHandler(logging.NullHandler())
