"""Settings of the evaluation service, read from the environment (see docs/operations.md and docs/evaluation.md)."""

from __future__ import annotations

import dataclasses
import functools

from services.evaluation import domain
from shared.config import ConfigError, Settings


@dataclasses.dataclass(frozen=True, kw_only=True)
class EvaluationSettings(Settings):
    reaction_due_days: int = 7
    learning_due_days: int = 14
    behavior_opens_after_days: int = 90
    behavior_due_weeks: int = 4
    learning_assesses_competency: bool = False  # whether a passed post-test also emits CompetencyAssessed
    learning_pass_score: float = 70.0
    min_response_rate: float = 0.5  # below this share of questionnaires answered: no recommendation
    min_behavior_assessments: int = 3  # fewer project assessments (L3): their pass rate decides nothing
    expire_every_seconds: float = 3600.0  # how often the worker expires overdue tasks and evaluates finished batches
    # which levels a form of development is evaluated on, where not as the JP conversion table says; docs/evaluation.md
    evaluation_levels_by_form: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        try:
            domain.levels_by_form(self.evaluation_levels_by_form)
        except ValueError as exc:
            raise ConfigError(f"The evaluation service cannot start: EVALUATION_LEVELS_BY_FORM {exc}") from None

    @functools.cached_property
    def _levels_by_form(self) -> dict[str, tuple[str, ...]]:
        return domain.levels_by_form(self.evaluation_levels_by_form)

    def levels_of(self, form: str | None) -> tuple[str, ...]:
        """The levels a form of development is evaluated on."""
        by_table = {code: conversion.levels for code, conversion in self.jp_conversion.forms.items()}
        return domain.levels_of(form, self._levels_by_form, by_table)


def load_settings() -> EvaluationSettings:
    return EvaluationSettings.from_env("evaluation")
