"""Fixtures for the sandbox tests (defined in helpers.py beside the helpers they use)."""

from tests.sandbox.helpers import loopback, sandbox

__all__ = ["loopback", "sandbox"]
