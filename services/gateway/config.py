"""Settings of the gateway, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class GatewaySettings(Settings):
    pass


def load_settings() -> GatewaySettings:
    return GatewaySettings.from_env("gateway")
