"""The notifications worker: consumes the events that concern people idempotently (writing their messages), relays
its outbox, and delivers the queued messages through their channels."""

from __future__ import annotations

import logging

from services.notifications import handlers
from services.notifications.config import NotificationSettings, load_settings
from services.notifications.delivery import send_due
from services.notifications.handlers import TOPICS, event_handlers
from services.notifications.metrics import MessageCollector
from services.notifications.models import Outbox, ProcessedEvent
from shared import due
from shared.db import Database, UnitOfWork
from shared.mail import SmtpChannel
from shared.worker import run_worker

log = logging.getLogger(__name__)


def delivery_loop(settings: NotificationSettings):
    """The queued messages, delivered through their channels as they fall due."""
    channels = {"email": SmtpChannel(settings)}
    return due.loop(
        "delivery", settings.mail_poll_seconds, lambda database: any(send_due(database, settings, channels).values())
    )


def reminder_loop(settings: NotificationSettings):
    """Every REMINDER_POLL_SECONDS: the due-soon and overdue reminders, and the JP checkpoint when one is reached (a
    round per period, none at start: restarts are cheap; a message id is written once, so a round run twice sends
    nothing twice)."""

    def remind(database: Database) -> None:
        with UnitOfWork(database, Outbox) as uow:
            handlers.remind(uow, settings, settings.today())
        with UnitOfWork(database, Outbox) as uow:
            handlers.jp_checkpoint(uow, settings, settings.today())

    return due.loop("reminders", settings.reminder_poll_seconds, remind, wait_first=True)


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[delivery_loop(settings), reminder_loop(settings)],
        collectors=[MessageCollector],  # the worker's own /metrics: how the messages stand
    )


if __name__ == "__main__":
    main()
