"""A local OutSmart + Visma.net that behaves like the real services.

What `vismadesk --demo` and the integration tests talk to. See `server.Sandbox`.
"""

from vismadesk.sandbox.server import Sandbox

__all__ = ["Sandbox"]
