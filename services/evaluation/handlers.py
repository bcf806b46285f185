"""Application use-cases of the evaluation service: one function per command or event.

Handlers take their input and a unit of work (``uow.session``, ``uow.publish``) and commit once;
they are routed by the explicit tables below, for the HTTP layer and the worker alike.
"""

from __future__ import annotations

from services.evaluation.config import EvaluationSettings
from shared.consumer import Handler

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.needs.v1", "bangkom.training.v1"]


def event_handlers(settings: EvaluationSettings) -> dict[str, Handler]:
    """The handler of each event type this service consumes (none yet)."""
    return {}
