"""Settings of the needs service, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class NeedsSettings(Settings):
    pass


def load_settings() -> NeedsSettings:
    return NeedsSettings.from_env("needs")
