"""The gateway worker: accounts follow the employee records (EmployeeSynced), and the mail it owes people
(activation and reset links) goes out over SMTP when SMTP_HOST is set."""

from __future__ import annotations

import logging
import threading

from services.gateway.config import GatewaySettings, load_settings
from services.gateway.handlers import TOPICS, event_handlers
from services.gateway.mail import Mailer, send_due_mail
from services.gateway.models import Outbox, ProcessedEvent
from shared.db import Database
from shared.worker import run_worker

log = logging.getLogger(__name__)


def mail_loop(settings: GatewaySettings):
    def mail(stop: threading.Event, database: Database) -> None:
        mailer = Mailer(settings)
        log.info("mail loop started", extra={"smtp": f"{settings.smtp_host}:{settings.smtp_port}"})
        while not stop.is_set():
            try:
                while not stop.is_set() and any(send_due_mail(database, settings, mailer).values()):
                    pass
            except Exception:  # noqa: BLE001 - logged; the next round tries again
                log.exception("mail round failed")
            stop.wait(settings.mail_poll_seconds)

    return mail


def main() -> None:
    settings = load_settings()
    run_worker(
        settings,
        outbox_model=Outbox,
        processed_model=ProcessedEvent,
        handlers=event_handlers(settings),
        topics=TOPICS,
        background=[mail_loop(settings)] if settings.smtp_host else [],
    )


if __name__ == "__main__":
    main()
