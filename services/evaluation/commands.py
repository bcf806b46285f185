"""What the evaluation handlers are asked to do, typed: a task's submission, one kind per kind of task (Kirkpatrick's
reaction, learning and behaviour), made by the schemas (``post_load``) so the HTTP layer and the handlers agree by
type, not by the keys of a dict. Pure data: no Flask, SQLAlchemy or Kafka."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class _Submission:
    def stored(self) -> dict[str, Any]:
        """The submission as the task keeps it (JSON), and as a correction's audit shows it."""
        return dataclasses.asdict(
            self, dict_factory=lambda items: {k: list(v) if isinstance(v, tuple) else v for k, v in items}
        )


@dataclass(frozen=True, kw_only=True)
class ReactionAnswers(_Submission):
    """L1, the participant's feedback: four statements from 1 (sangat tidak setuju) to 5, themes, comments."""

    content: int
    trainer: int
    relevance: int
    organisation: int
    themes: tuple[str, ...] = ()
    comments: str = ""


@dataclass(frozen=True, kw_only=True)
class LearningScores(_Submission):
    """L2, the test: the post-test score (0-100), and the pre-test's when there was one."""

    post_score: float
    pre_score: float | None = None


@dataclass(frozen=True, kw_only=True)
class RubricLine:
    competency_code: str
    level: int
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ProjectAssessment(_Submission):
    """L3, the supervisor's assessment of the real project the ASN ran afterwards: a level per target competency."""

    project_title: str
    description: str
    rubric: tuple[RubricLine, ...]


Submission = ReactionAnswers | LearningScores | ProjectAssessment
