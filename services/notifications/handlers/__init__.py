"""Use-cases of the notifications service, by use case: ``messages`` (a message owed once to a person, and their
preferences), ``events`` (events in, messages out, written with the event's transaction), ``reminders`` (due dates and
the JP checkpoints, run by the worker) and ``feeds`` (calendars and their secret addresses). The names are gathered
here.
"""

from services.notifications.handlers.events import (
    EVENT_HANDLERS,
    TOPICS,
    event_handlers,
    on_batch_scheduled,
    on_employee_synced,
    on_evaluation_task_created,
    on_external_rejected,
    on_external_verified,
    on_jp_credited,
    on_participant_enrolled,
    on_participant_withdrawn,
    on_program_published,
    on_training_completed,
    on_training_decision_revoked,
    on_training_not_completed,
)
from services.notifications.handlers.feeds import (
    batch_calendar,
    feed_owner,
    feed_state,
    new_feed,
    person_calendar,
    revoke_feeds,
)
from services.notifications.handlers.messages import set_preference, tell
from services.notifications.handlers.reminders import jp_checkpoint, remind

__all__ = [
    "EVENT_HANDLERS",
    "TOPICS",
    "batch_calendar",
    "event_handlers",
    "feed_owner",
    "feed_state",
    "jp_checkpoint",
    "new_feed",
    "on_batch_scheduled",
    "on_employee_synced",
    "on_evaluation_task_created",
    "on_external_rejected",
    "on_external_verified",
    "on_jp_credited",
    "on_participant_enrolled",
    "on_participant_withdrawn",
    "on_program_published",
    "on_training_completed",
    "on_training_decision_revoked",
    "on_training_not_completed",
    "person_calendar",
    "remind",
    "revoke_feeds",
    "set_preference",
    "tell",
]
