"""Application use-cases of the training service: one function per command or event.

Handlers take their input and a unit of work (``uow.session``, ``uow.publish``) and commit once;
they are routed by the explicit tables below, for the HTTP layer and the worker alike.
"""

from __future__ import annotations

from services.training.config import TrainingSettings
from shared.consumer import Handler

# Topics whose events this service's worker consumes; types without a handler are skipped.
TOPICS = ["bangkom.needs.v1", "bangkom.evaluation.v1"]


def event_handlers(settings: TrainingSettings) -> dict[str, Handler]:
    """The handler of each event type this service consumes (none yet)."""
    return {}
