"""The notifications worker: consumes the events that concern people idempotently (writing their messages), relays
its outbox, and delivers the queued messages through their channels."""

from __future__ import annotations

import logging
import threading

from prometheus_client import REGISTRY

from services.notifications import handlers
from services.notifications.config import NotificationSettings, load_settings
from services.notifications.delivery import SmtpChannel, send_due
from services.notifications.handlers import TOPICS, event_handlers
from services.notifications.metrics import MessageCollector
from services.notifications.models import Outbox, ProcessedEvent
from shared.db import Database, UnitOfWork
from shared.worker import run_worker

log = logging.getLogger(__name__)


def delivery_loop(settings: NotificationSettings):
    def deliver(stop: threading.Event, database: Database) -> None:
        channels = {"email": SmtpChannel(settings)}
        if settings.worker_metrics_port:
            REGISTRY.register(MessageCollector(database))
        while not stop.is_set():
            try:
                while not stop.is_set() and any(send_due(database, settings, channels).values()):
                    pass  # a full batch may be followed by more that are due
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                log.exception("delivery round failed")
            stop.wait(settings.mail_poll_seconds)

    return deliver


def reminder_loop(settings: NotificationSettings):
    """Every REMINDER_POLL_SECONDS: the due-soon and overdue reminders, and the JP checkpoint when one is reached."""

    def remind(stop: threading.Event, database: Database) -> None:
        while not stop.wait(settings.reminder_poll_seconds):  # a round per period (none at start: restarts are cheap)
            try:
                with UnitOfWork(database, Outbox) as uow:
                    handlers.remind(uow, settings, settings.today())
                with UnitOfWork(database, Outbox) as uow:
                    handlers.jp_checkpoint(uow, settings, settings.today())
            except Exception:  # noqa: BLE001 - logged; the next round tries again (a message id is written once)
                log.exception("reminder round failed")

    return remind


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[delivery_loop(settings), reminder_loop(settings)],
    )


if __name__ == "__main__":
    main()
