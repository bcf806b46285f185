"""Application use-cases of the evaluation service: one function per command or event.

Each takes its input and a unit of work, changes state through ``uow.session``, publishes events
through the outbox and commits once, so a failure writes nothing.

By use case: ``events`` (what the worker consumes), ``submissions`` (answered, corrected), ``tasks`` (expired,
reopened, reassigned), ``batches`` (a batch's evaluation once its tasks are done). The names are gathered here.
"""

from services.evaluation.handlers.batches import (
    close_batch_if_done,
)
from services.evaluation.handlers.events import (
    EVENT_HANDLERS,
    TOPICS,
    event_handlers,
    on_employee_synced,
    on_training_completed,
    on_training_decision_revoked,
    schedule,
    task_created_event,
)
from services.evaluation.handlers.submissions import (
    correct,
    submit,
)
from services.evaluation.handlers.tasks import (
    close_task,
    expire_overdue,
    reassign_task,
    reopen_task,
)

__all__ = [
    "EVENT_HANDLERS",
    "TOPICS",
    "close_batch_if_done",
    "close_task",
    "correct",
    "event_handlers",
    "expire_overdue",
    "on_employee_synced",
    "on_training_completed",
    "on_training_decision_revoked",
    "reassign_task",
    "reopen_task",
    "schedule",
    "submit",
    "task_created_event",
]
