"""Settings of the evaluation service, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import dataclasses

from shared.config import Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class EvaluationSettings(Settings):
    pass


def load_settings() -> EvaluationSettings:
    return EvaluationSettings.from_env("evaluation")
