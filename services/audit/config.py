"""Settings of the audit service, read from the environment (see docs/audit.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class AuditSettings(Settings):
    export_max_rows: int = 100_000  # an export holds at most this many entries (narrow the search for more)


def load_settings() -> AuditSettings:
    return AuditSettings.from_env("audit")
