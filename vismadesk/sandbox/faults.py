"""Fault settings: the global ones, and faults aimed at one service and one kind of call.

The global settings apply to every request to an emulated service. An aimed fault
names a `service` (`outsmart`, `connect`, `erp`, `salesorders`) and/or a `match`, a
substring of the request's path and query (`/outsmart/openapi/8/GetWorkorder/?...`),
and overrides only the settings it gives for the requests it hits: with
`{"error_rate": 1.0, "service": "outsmart", "match": "update_status=true"}` every
"mark handled" fails and every other call keeps the global settings. Aiming again at
the same service and match changes that aim; where several aims hit one call, the one
aimed first applies first and later ones override what they set. Aims stay until
changed or until the sandbox is reset; setting an aim's values back to 0 disarms it.
Rate limits count per service window and are global only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import unquote_plus

# The names a fault is aimed with -> the service's gate name (as request counts show it).
SERVICES = {
    "outsmart": "outsmart",
    "connect": "visma_connect",
    "visma_connect": "visma_connect",
    "erp": "erp",
    "salesorders": "salesorders",
}
AIMABLE = ("latency_ms", "error_rate", "drop_rate", "lost_response_rate")


@dataclass(slots=True)
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    lost_response_rate: float = 0.0
    rate_limit: int = 0  # requests per window and service; 0 = no limit
    rate_window_s: int = 60

    def update(self, changes: dict[str, Any]) -> None:
        """Apply the given keys (others unchanged); raises ValueError on a bad one."""
        known = {f.name: f for f in fields(self)}
        for key, value in changes.items():
            if key not in known:
                raise ValueError(
                    f"unknown fault '{key}'; known: {', '.join(known)}, service, match"
                )
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{key} must be a number")
            if key.endswith("_rate"):
                if not 0.0 <= float(value) <= 1.0:
                    raise ValueError(f"{key} must be between 0 and 1")
                setattr(self, key, float(value))
            else:
                if value < 0 or int(value) != value:
                    raise ValueError(f"{key} must be a whole number >= 0")
                if key == "rate_window_s" and value < 1:
                    raise ValueError("rate_window_s must be at least 1")
                setattr(self, key, int(value))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def copy(self) -> Faults:
        return Faults(**self.as_dict())


@dataclass(slots=True)
class AimedFault:
    """Settings that override the global ones for the requests this aim hits."""

    service: str | None  # the name it was aimed with ("connect"), None for any service
    match: str | None  # a substring of path + query, None for any call
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str | None, str | None]:
        return (self.service, self.match)

    def hits(self, service: str, target: str) -> bool:
        """`service` is the gate's name; `target` the path + query as sent."""
        if self.service is not None and SERVICES[self.service] != service:
            return False
        if self.match is None:
            return True
        return self.match in target or self.match in unquote_plus(target)

    def over(self, base: Faults) -> Faults:
        faults = base.copy()
        for key, value in self.settings.items():
            setattr(faults, key, value)
        return faults

    def shown(self, base: Faults) -> dict[str, Any]:
        """What requests this aim hits get: its own settings over the global ones."""
        effective = self.over(base).as_dict()
        return {
            "service": self.service,
            "match": self.match,
            **{k: effective[k] for k in AIMABLE},
        }


def split_aim(
    changes: dict[str, Any],
) -> tuple[tuple[str | None, str | None] | None, dict[str, Any]]:
    """(service, match) when `changes` aims at something, else None; and the rest."""
    rest = dict(changes)
    if "service" not in rest and "match" not in rest:
        return None, rest
    service, match = rest.pop("service", None), rest.pop("match", None)
    if service is not None and service not in SERVICES:
        names = ", ".join(k for k in SERVICES if k != "visma_connect")
        raise ValueError(f"unknown service '{service}'; known: {names}")
    if service == "visma_connect":
        service = "connect"
    if match is not None and (not isinstance(match, str) or not match):
        raise ValueError("match must be a non-empty piece of the path and query")
    if service is None and match is None:
        return None, rest
    global_only = sorted((set(rest) - set(AIMABLE)) & {f.name for f in fields(Faults)})
    if global_only:
        raise ValueError(
            f"{', '.join(global_only)} cannot be aimed: rate limits count per service "
            f"window for every call; aim {', '.join(AIMABLE)}"
        )
    return (service, match), rest


def aimed_settings(changes: dict[str, Any]) -> dict[str, Any]:
    """The given aimed settings checked and normalised as the global ones are."""
    trial = Faults()
    trial.update(changes)
    normalised = trial.as_dict()
    return {k: normalised[k] for k in changes}
