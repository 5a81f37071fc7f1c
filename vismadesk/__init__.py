"""vismadesk: OutSmart work orders into Visma.net ERP, with a live, actionable sync log."""

__version__ = "0.1.0"
