"""Settings of the needs service, read from the environment (see docs/operations.md and docs/needs.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class NeedsSettings(Settings):
    annual_jp_target: int = 20  # JP every PNS is owed a year (PP 11/2017 as amended by PP 17/2020)
    jp_target_includes_pppk: bool = False  # whether PPPK are held to the same target
    missing_assessment_level: int = 1  # the level assumed for a competency never assessed
    max_bulk_rows: int = 5000  # rows per bulk upsert request
    timezone: str = "Asia/Jakarta"  # WIB: decides "today" and the plan year

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.timezone)).date()


def load_settings() -> NeedsSettings:
    return NeedsSettings.from_env("needs")
