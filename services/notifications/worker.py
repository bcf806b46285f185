"""The notifications worker: consumes the events that concern people idempotently (writing their messages), relays
its outbox, and delivers the queued messages through their channels."""

from __future__ import annotations

import logging

from services.notifications import handlers
from services.notifications.config import NotificationSettings, load_settings
from services.notifications.delivery import send_due
from services.notifications.handlers import TOPICS, event_handlers
from services.notifications.metrics import MessageCollector
from services.notifications.models import Outbox, ProcessedEvent, ScheduledJob
from shared import due, schedule
from shared.db import Database
from shared.mail import SmtpChannel
from shared.service import ServiceContext
from shared.worker import run_worker

log = logging.getLogger(__name__)


def delivery_loop(settings: NotificationSettings):
    """The queued messages, delivered through their channels as they fall due."""
    channels = {"email": SmtpChannel(settings)}
    return due.loop(
        "delivery", settings.mail_poll_seconds, lambda database: any(send_due(database, settings, channels).values())
    )


def scheduled_jobs(settings: NotificationSettings) -> list[schedule.Job]:
    """Every REMINDER_POLL_SECONDS: the due-soon and overdue reminders, and the JP checkpoint when one is reached (a
    message id is written once, so a job run twice sends nothing twice)."""

    def reminders(database: Database) -> None:
        with ServiceContext(settings, database, Outbox).uow() as uow:
            handlers.remind(uow, settings, settings.today())

    def jp_checkpoint(database: Database) -> None:
        with ServiceContext(settings, database, Outbox).uow() as uow:
            handlers.jp_checkpoint(uow, settings, settings.today())

    return [
        schedule.Job("reminders", settings.reminder_poll_seconds, reminders),
        schedule.Job("jp_checkpoint", settings.reminder_poll_seconds, jp_checkpoint),
    ]


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[delivery_loop(settings), schedule.loop(settings, ScheduledJob, scheduled_jobs(settings))],
        collectors=[  # the worker's own /metrics: how the messages and the periodic jobs stand
            MessageCollector,
            lambda database: schedule.ScheduledJobCollector(database, ScheduledJob, "notifications"),
        ],
    )


if __name__ == "__main__":
    main()
