"""Settings of the training service, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class TrainingSettings(Settings):
    pass


def load_settings() -> TrainingSettings:
    return TrainingSettings.from_env("training")
